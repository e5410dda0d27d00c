//! The corpus lexicon as a file (`bitalign lexicon learn -o lex.bin`, `batch
//! --save-lexicon`), read back by `stream`, `align` and `batch --lexicon`: learned once, on
//! one machine or one Spark task, then shipped to every worker, so that each pair is aligned
//! exactly as a batch over the whole corpus aligns it.
//!
//! Format, version 1 (all integers little-endian):
//!
//! | bytes | content |
//! |---|---|
//! | 8 | magic `BITALEX` followed by a NUL byte |
//! | 4 | format version (`u32`, 1) |
//! | 8 | length `n` of the body (`u64`) |
//! | n | body: the payload, DEFLATE-compressed (RFC 1951, raw) |
//! | 32 | SHA-256 of the uncompressed payload |
//!
//! Payload: the learning settings (`min_score` as `f64`; `harvest_pairs`, `training_pairs`,
//! `min_count`, `min_training`, `min_pairs` as `u64`; `keep_pair_lexicon` as one byte 0/1),
//! the number of pairs of the corpus and of its sample (`u64` each), the writing tool's
//! version and the inputs' fingerprint (strings), then the number of language pairs (`u32`)
//! and per language pair its source and target language (strings), its number of word pairs
//! (`u32`) and the word pairs (two strings each) in feature-id order. A string is a `u32`
//! byte length and that many bytes of UTF-8. Nothing follows the checksum.
//!
//! Word pairs keep their order because the order gives each pair its feature id, and the
//! anchor model's estimates depend on the ids: the same order gives the same beads.

use std::io::{Read, Write};
use std::path::Path;

use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;
use flate2::Compression;
use sha2::{Digest, Sha256};

use crate::align::lexicon::Lexicon;
use crate::bytes::{Reader, Writer};
use crate::corpus::{CorpusLexicon, Learned, Lexicons, Saved, SavedLexicon};
use crate::error::{Error, ErrorKind, Result};
use crate::output::write_atomic;

/// The first bytes of a lexicon file.
pub const MAGIC: &[u8; 8] = b"BITALEX\0";
/// The format version written (and the only one read).
pub const VERSION: u32 = 1;
/// Sizes of the fixed parts: header (magic, version, body length) and checksum.
const HEADER: usize = 8 + 4 + 8;
const CHECKSUM: usize = 32;

/// Everything a lexicon file holds.
#[derive(Debug, Clone, PartialEq)]
pub struct LexiconFile {
    /// How the lexicons were learned; `keep_pair_lexicon` also says how they are used.
    pub settings: CorpusLexicon,
    /// Pairs of the corpus the lexicons were learned over, and of its sample (first pass).
    pub corpus_pairs: u64,
    pub sampled_pairs: u64,
    /// Version of the bitalign that wrote the file.
    pub tool_version: String,
    /// The lexicon of each language pair, and the fingerprint of the inputs they came from.
    pub saved: Saved,
}

impl LexiconFile {
    /// Lexicons learned with `settings` over a corpus of `corpus_pairs` pairs.
    pub fn new(settings: CorpusLexicon, corpus_pairs: usize, saved: Saved) -> Self {
        let sampled = corpus_pairs.div_ceil(crate::corpus::sample_step(
            corpus_pairs,
            settings.harvest_pairs,
        ));
        LexiconFile {
            settings,
            corpus_pairs: corpus_pairs as u64,
            sampled_pairs: sampled as u64,
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
            saved,
        }
    }

    /// What the aligner uses: the lexicons (merged with `dictionary`, when given) and their
    /// settings.
    pub fn learned(&self, dictionary: Option<&Lexicon>) -> Learned {
        Learned {
            settings: self.settings.clone(),
            lexicons: Lexicons::from_saved(&self.saved, dictionary),
        }
    }

    /// Number of word pairs over all language pairs.
    pub fn word_pairs(&self) -> usize {
        self.saved.lexicons.iter().map(|l| l.entries.len()).sum()
    }

    /// The file's bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let payload = self.payload();
        let mut body = DeflateEncoder::new(Vec::new(), Compression::default());
        // Writing into a Vec cannot fail.
        let body = body
            .write_all(&payload)
            .and_then(|()| body.finish())
            .unwrap_or_default();
        let mut out = Vec::with_capacity(HEADER + body.len() + CHECKSUM);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&VERSION.to_le_bytes());
        out.extend_from_slice(&(body.len() as u64).to_le_bytes());
        out.extend_from_slice(&body);
        out.extend_from_slice(&Sha256::digest(&payload));
        out
    }

    /// Reads a file's bytes; errors say what is wrong and at which byte.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        if bytes.len() < MAGIC.len() || &bytes[..MAGIC.len()] != MAGIC {
            return Err(bad(0, "not a bitalign lexicon file (wrong magic bytes)"));
        }
        if bytes.len() < HEADER {
            return Err(bad(bytes.len(), "truncated header"));
        }
        let version = u32::from_le_bytes(bytes[8..12].try_into().unwrap_or_default());
        if version != VERSION {
            return Err(bad(
                8,
                &format!(
                    "format version {version}, this bitalign reads version {VERSION} \
                     (learn the lexicon again with this version)"
                ),
            ));
        }
        let len = u64::from_le_bytes(bytes[12..20].try_into().unwrap_or_default());
        let expected = usize::try_from(len)
            .ok()
            .and_then(|l| l.checked_add(HEADER + CHECKSUM));
        if expected != Some(bytes.len()) {
            return Err(bad(
                12,
                &format!(
                    "file of {} bytes, its header announces {} (truncated or appended to)",
                    bytes.len(),
                    len.saturating_add((HEADER + CHECKSUM) as u64)
                ),
            ));
        }
        let body_end = bytes.len() - CHECKSUM;
        let mut payload = Vec::new();
        DeflateDecoder::new(&bytes[HEADER..body_end])
            .read_to_end(&mut payload)
            .map_err(|e| bad(HEADER, &format!("corrupt body: {e}")))?;
        if Sha256::digest(&payload).as_slice() != &bytes[body_end..] {
            return Err(bad(body_end, "checksum mismatch (the file is corrupt)"));
        }
        Self::parse_payload(&payload)
    }

    /// Reads a lexicon file; errors name it.
    pub fn read(path: &Path) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(|e| Error::from(e).with_path(path))?;
        Self::from_bytes(&bytes).map_err(|e| e.with_path(path))
    }

    /// Writes the file atomically (a temporary file renamed over `path`).
    pub fn write(&self, path: &Path) -> Result<()> {
        write_atomic(path, |file| Ok(file.write_all(&self.to_bytes())?))
    }

    fn payload(&self) -> Vec<u8> {
        let mut w = Writer::default();
        let s = &self.settings;
        w.0.extend_from_slice(&s.min_score.to_le_bytes());
        for n in [
            s.harvest_pairs,
            s.training_pairs,
            s.min_count,
            s.min_training,
            s.min_pairs,
        ] {
            w.u64(n as u64);
        }
        w.0.push(u8::from(s.keep_pair_lexicon));
        w.u64(self.corpus_pairs);
        w.u64(self.sampled_pairs);
        w.str(&self.tool_version);
        w.str(&self.saved.inputs);
        w.u32(self.saved.lexicons.len() as u32);
        for lex in &self.saved.lexicons {
            w.str(&lex.src_lang);
            w.str(&lex.tgt_lang);
            w.u32(lex.entries.len() as u32);
            for (s, t) in &lex.entries {
                w.str(s);
                w.str(t);
            }
        }
        w.0
    }

    fn parse_payload(payload: &[u8]) -> Result<Self> {
        let mut r = Reader::new(payload, "lexicon file", Some("payload"));
        let min_score = f64::from_le_bytes(r.take(8)?.try_into().unwrap_or_default());
        let mut counts = [0usize; 5];
        for c in &mut counts {
            *c = r.usize()?;
        }
        let keep_pair_lexicon = match r.take(1)?[0] {
            0 => false,
            1 => true,
            other => return Err(r.error(&format!("flag byte {other}, expected 0 or 1"))),
        };
        let [harvest_pairs, training_pairs, min_count, min_training, min_pairs] = counts;
        let settings = CorpusLexicon {
            min_score,
            harvest_pairs,
            training_pairs,
            min_count,
            min_training,
            min_pairs,
            keep_pair_lexicon,
        };
        let corpus_pairs = r.u64()?;
        let sampled_pairs = r.u64()?;
        let tool_version = r.str()?;
        let inputs = r.str()?;
        let n = r.u32()?;
        let mut lexicons = Vec::new();
        for _ in 0..n {
            let src_lang = r.str()?;
            let tgt_lang = r.str()?;
            let words = r.u32()?;
            let mut entries = Vec::new();
            for _ in 0..words {
                entries.push((r.str()?, r.str()?));
            }
            lexicons.push(SavedLexicon {
                src_lang,
                tgt_lang,
                entries,
            });
        }
        if !r.is_done() {
            return Err(r.error("unexpected data after the last lexicon"));
        }
        Ok(LexiconFile {
            settings,
            corpus_pairs,
            sampled_pairs,
            tool_version,
            saved: Saved { inputs, lexicons },
        })
    }
}

/// A format error at a byte of the file.
fn bad(at: usize, message: &str) -> Error {
    Error::new(ErrorKind::Document {
        format: "lexicon file",
        part: None,
        position: Some(at as u64),
        message: message.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> LexiconFile {
        let saved = Saved {
            inputs: "fingerprint".into(),
            lexicons: vec![SavedLexicon {
                src_lang: "de".into(),
                tgt_lang: "fr".into(),
                entries: vec![
                    ("berg".into(), "montagne".into()),
                    ("gipfel".into(), "sommet".into()),
                ],
            }],
        };
        LexiconFile::new(CorpusLexicon::default(), 25_000, saved)
    }

    #[test]
    fn a_lexicon_file_reads_back_as_written() {
        let f = sample();
        assert_eq!(f.sampled_pairs, 8_334);
        let back = LexiconFile::from_bytes(&f.to_bytes()).expect("valid file");
        assert_eq!(back, f);
        assert_eq!(back.word_pairs(), 2);
    }

    #[test]
    fn damaged_lexicon_files_are_refused_with_the_byte_at_fault() {
        let bytes = sample().to_bytes();
        let err = |b: &[u8]| LexiconFile::from_bytes(b).unwrap_err().to_string();
        assert!(err(b"PK\x03\x04 a zip").contains("wrong magic"));
        let mut newer = bytes.clone();
        newer[8] = 2;
        assert!(err(&newer).contains("format version 2"), "{}", err(&newer));
        assert!(err(&bytes[..bytes.len() - 1]).contains("truncated"));
        let mut flipped = bytes.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        let e = err(&flipped);
        assert!(
            e.contains("checksum") && e.contains(&format!("at byte {}", last - 31)),
            "{e}"
        );
    }
}
