//! JSON Lines in, JSON Lines out: document pairs for cluster engines (Spark `RDD.pipe`,
//! Slurm array jobs, GNU parallel), which hand a worker a stream of records rather than
//! files.
//!
//! Input, one pair per line (other keys are ignored, blank lines skipped):
//! `{"pair_id": "d1", "src_lang": "en", "tgt_lang": "fr", "src": "raw text", "tgt_sents": ["…"]}`
//! — each side either raw text (`src`/`tgt`, segmented here), sentences already split
//! (`src_sents`/`tgt_sents`, whose blank entries are skipped; indices still count them, so
//! they always point into the given array), or a file to read (`src_path`/`tgt_path`, any
//! format `align` reads, read as `batch` reads it: a worker reads its own pairs from a shared
//! file system). Languages default to the job's, else detected.
//!
//! With a corpus lexicon ([`StreamJob::lexicon`], from a lexicon file) each pair is aligned
//! with its language pair's lexicon, as `batch` aligns it: the same beads, texts, indices
//! and scores as a batch over the corpus the lexicon was learned from.
//!
//! Output, per pair: one `{"type":"bead",...}` record per bead, then one
//! `{"type":"doc","pair_id":…,"status":"ok"|"error",...,"n_beads":…}` record that closes it
//! (a consumer knows a pair is complete when its doc record arrives). A bad line (invalid
//! JSON, missing fields, empty text, a panic in the aligner) gives an error doc record and
//! the stream goes on: one bad row must not fail a cluster job.
//!
//! Lines are read in chunks (a number of pairs and a byte budget), aligned in parallel and
//! written in input order, so memory stays bounded and the output does not depend on the
//! number of threads.

use std::collections::HashSet;
use std::io::{self, BufRead, Write};
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;
use serde_json::Value;

use crate::batch::PairSpec;
use crate::bitext::AlignedPair;
use crate::corpus::{self, CorpusLexicon, Learned, Lexicons};
use crate::document::{Document, Sentence};
use crate::error::{Error, ErrorKind, Result};
use crate::export::{clean_score, jsonl::side, keep};
use crate::filter::Filter;
use crate::input::{self, DecodeOptions};
use crate::pipeline::isolate;
use crate::pipeline::{self, Options};
use crate::progress::Progress;

/// Settings of a stream run.
#[derive(Debug, Clone)]
pub struct StreamJob {
    /// Pipeline settings; `src_lang`/`tgt_lang` are defaults for lines without languages,
    /// `decode.max_bytes` bounds each side's text.
    pub options: Options,
    pub filter: Filter,
    /// Write 1-0 and 0-1 beads (default: yes, as JSONL export).
    pub one_sided: bool,
    /// Worker threads; `None` (or 0) = one per core.
    pub jobs: Option<usize>,
    /// At most this many pairs are held at once...
    pub chunk_pairs: usize,
    /// ...and a chunk ends once its lines hold this many bytes.
    pub chunk_bytes: usize,
    /// Corpus lexicons to align with (a lexicon file), instead of each pair learning its own.
    pub lexicon: Option<Arc<Learned>>,
}

impl Default for StreamJob {
    fn default() -> Self {
        StreamJob {
            options: Options::default(),
            filter: Filter::default(),
            one_sided: true,
            jobs: None,
            chunk_pairs: 64,
            chunk_bytes: 64 << 20,
            lexicon: None,
        }
    }
}

/// Counts of a stream run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StreamSummary {
    /// Non-blank input lines, i.e. pairs.
    pub pairs: u64,
    pub ok: u64,
    pub errors: u64,
    /// Bead records written.
    pub beads: u64,
}

/// Reads pairs from `input` and writes bead and doc records to `output`. Errors only when
/// reading or writing fails; every problem of a single line is an error doc record.
pub fn run<R: BufRead, W: Write>(
    mut input: R,
    output: W,
    job: &StreamJob,
    progress: &dyn Progress,
) -> Result<StreamSummary> {
    let pool = pipeline::worker_pool(job.jobs)?;
    let mut out = io::BufWriter::new(output);
    let mut summary = StreamSummary::default();
    // Both sides and JSON escaping fit in a line twice the size limit plus some slack.
    let line_limit = usize::try_from(job.options.decode.max_bytes)
        .unwrap_or(usize::MAX)
        .saturating_mul(2)
        .saturating_add(1 << 20);
    let mut line_no = 0u64;
    let mut eof = false;
    while !eof {
        let mut chunk: Vec<Line> = Vec::new();
        let mut bytes = 0usize;
        while chunk.len() < job.chunk_pairs.max(1) && bytes < job.chunk_bytes.max(1) {
            let mut buf = Vec::new();
            let Some(too_long) = read_line_bounded(&mut input, &mut buf, line_limit)
                .map_err(|e| Error::from(e).with_path("<input>"))?
            else {
                eof = true;
                break;
            };
            line_no += 1;
            if !too_long && buf.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            bytes += buf.len();
            chunk.push(Line {
                number: line_no,
                bytes: buf,
                too_long,
            });
        }
        let results: Vec<Outcome> = pool.install(|| {
            chunk
                .par_iter()
                .map(|line| {
                    let o = process_line(line, job);
                    progress.advance(o.sentences);
                    o
                })
                .collect()
        });
        drop(chunk);
        for o in results {
            out.write_all(&o.records)
                .map_err(|e| Error::from(e).with_path("<output>"))?;
            summary.pairs += 1;
            summary.beads += o.beads;
            if o.ok {
                summary.ok += 1;
            } else {
                summary.errors += 1;
            }
        }
        // Downstream (a pipe) sees each chunk as soon as it is done.
        out.flush()
            .map_err(|e| Error::from(e).with_path("<output>"))?;
    }
    progress.finish();
    Ok(summary)
}

struct Line {
    number: u64,
    bytes: Vec<u8>,
    too_long: bool,
}

/// The serialized records of one line.
struct Outcome {
    records: Vec<u8>,
    ok: bool,
    beads: u64,
    sentences: u64,
}

/// Reads one line (without its end) into `buf`, keeping at most `limit` bytes and skipping
/// the rest, so one huge line cannot exhaust memory. `None` at end of input, else whether
/// the line was cut.
fn read_line_bounded<R: BufRead>(
    r: &mut R,
    buf: &mut Vec<u8>,
    limit: usize,
) -> io::Result<Option<bool>> {
    let mut read_any = false;
    let mut too_long = false;
    loop {
        let available = match r.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok(read_any.then_some(too_long));
        }
        read_any = true;
        let (part, used, done) = match available.iter().position(|&b| b == b'\n') {
            Some(k) => (&available[..k], k + 1, true),
            None => (available, available.len(), false),
        };
        let room = limit.saturating_sub(buf.len());
        if part.len() > room {
            too_long = true;
        }
        buf.extend_from_slice(&part[..part.len().min(room)]);
        r.consume(used);
        if done {
            if buf.last() == Some(&b'\r') {
                buf.pop();
            }
            return Ok(Some(too_long));
        }
    }
}

#[derive(Serialize)]
struct BeadRecord<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    pair_id: &'a str,
    src: &'a str,
    tgt: &'a str,
    src_idx: Vec<usize>,
    tgt_idx: Vec<usize>,
    score: f64,
}

#[derive(Serialize)]
struct DocRecord<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    pair_id: Option<&'a str>,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    n_beads: u64,
    /// 1-based input line, to find the row that failed.
    line: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    src_lang: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tgt_lang: Option<&'a str>,
    src_sentences: usize,
    tgt_sentences: usize,
}

/// One side of a parsed line, with the position in the input of each sentence.
struct Side {
    doc: Document,
    /// `positions[k]` = index in `*_sents` (or in the segmentation) of sentence `k`.
    positions: Vec<usize>,
}

fn process_line(line: &Line, job: &StreamJob) -> Outcome {
    let id = pair_id_of(line);
    let label = id
        .clone()
        .unwrap_or_else(|| format!("line {}", line.number));
    let result = isolate(&label, || align_line(line, job));
    let mut records = Vec::new();
    match result {
        Ok((pair, src_pos, tgt_pos)) => {
            let (beads, written) = write_beads(&mut records, &pair, &src_pos, &tgt_pos, job);
            match written {
                Ok(()) => {
                    let doc = DocRecord {
                        kind: "doc",
                        pair_id: Some(&pair.id),
                        status: "ok",
                        error: None,
                        n_beads: beads,
                        line: line.number,
                        src_lang: Some(&pair.src.lang),
                        tgt_lang: Some(&pair.tgt.lang),
                        src_sentences: pair.src.len(),
                        tgt_sentences: pair.tgt.len(),
                    };
                    push_record(&mut records, &doc);
                    let sentences = (pair.src.len() + pair.tgt.len()) as u64;
                    Outcome {
                        records,
                        ok: true,
                        beads,
                        sentences,
                    }
                }
                Err(e) => {
                    // Nothing of a pair that failed half-way is written.
                    records.clear();
                    error_outcome(records, id.as_deref(), line.number, e)
                }
            }
        }
        Err(e) => error_outcome(records, id.as_deref(), line.number, e),
    }
}

fn error_outcome(mut records: Vec<u8>, id: Option<&str>, line: u64, e: Error) -> Outcome {
    let doc = DocRecord {
        kind: "doc",
        pair_id: id,
        status: "error",
        error: Some(e.to_string()),
        n_beads: 0,
        line,
        src_lang: None,
        tgt_lang: None,
        src_sentences: 0,
        tgt_sentences: 0,
    };
    push_record(&mut records, &doc);
    Outcome {
        records,
        ok: false,
        beads: 0,
        sentences: 0,
    }
}

fn push_record<T: Serialize>(buf: &mut Vec<u8>, record: &T) {
    // Serializing these plain structs into memory cannot fail (no maps with odd keys, no
    // I/O); should it ever, the line is left out rather than half written.
    let start = buf.len();
    if serde_json::to_writer(&mut *buf, record).is_ok() {
        buf.push(b'\n');
    } else {
        buf.truncate(start);
    }
}

/// Writes the kept beads of a pair; returns how many.
fn write_beads(
    buf: &mut Vec<u8>,
    pair: &AlignedPair,
    src_pos: &[usize],
    tgt_pos: &[usize],
    job: &StreamJob,
) -> (u64, Result<()>) {
    let beads = if job.filter.is_noop() {
        pair.beads.clone()
    } else {
        job.filter.apply(pair, &mut HashSet::new())
    };
    let mut n = 0;
    for (k, bead) in beads.iter().enumerate() {
        if !keep(job.one_sided, side(&bead.src), side(&bead.tgt)) {
            continue;
        }
        let (Some(src_idx), Some(tgt_idx)) =
            (positions(src_pos, &bead.src), positions(tgt_pos, &bead.tgt))
        else {
            let e = Error::msg(format!("bead {} is out of range", k + 1)).with_pair(&pair.id);
            return (n, Err(e));
        };
        let record = BeadRecord {
            kind: "bead",
            pair_id: &pair.id,
            src: &pair.src_text(bead),
            tgt: &pair.tgt_text(bead),
            src_idx,
            tgt_idx,
            score: clean_score(bead.score),
        };
        push_record(buf, &record);
        n += 1;
    }
    (n, Ok(()))
}

fn positions(map: &[usize], r: &std::ops::Range<usize>) -> Option<Vec<usize>> {
    map.get(r.clone()).map(<[usize]>::to_vec)
}

/// The pair id of a line if it can be read, for the error record of a line that fails later.
fn pair_id_of(line: &Line) -> Option<String> {
    if line.too_long {
        return None;
    }
    let v: Value = serde_json::from_slice(&line.bytes).ok()?;
    id_value(v.get("pair_id")?)
}

fn id_value(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn align_line(line: &Line, job: &StreamJob) -> Result<(AlignedPair, Vec<usize>, Vec<usize>)> {
    if line.too_long {
        return Err(Error::msg(format!(
            "line longer than {} bytes",
            line.bytes.len()
        )));
    }
    let (id, src, tgt) = parse_pair(&line.bytes, &job.options)?;
    let align = match &job.lexicon {
        Some(l) => l.config(&job.options.align, &src.doc.lang, &tgt.doc.lang),
        None => job.options.align.clone(),
    };
    let pair = pipeline::align_documents(&id, src.doc, tgt.doc, &align);
    Ok((pair, src.positions, tgt.positions))
}

/// Reads one input line into its pair id and two sides.
fn parse_pair(bytes: &[u8], opts: &Options) -> Result<(String, Side, Side)> {
    let value: Value = serde_json::from_slice(bytes).map_err(|e| {
        // serde_json's own "at line 1 column N" would name a line of the record, not of
        // the stream: keep only the column.
        let text = e.to_string();
        let what = text
            .rsplit_once(" at line ")
            .map_or(text.as_str(), |(w, _)| w);
        Error::new(ErrorKind::Parse(format!(
            "invalid JSON at column {}: {what}",
            e.column()
        )))
    })?;
    let Value::Object(map) = value else {
        return Err(Error::new(ErrorKind::Parse(
            "expected a JSON object per line".into(),
        )));
    };
    let id = match map.get("pair_id") {
        None | Some(Value::Null) => return Err(Error::msg("missing field 'pair_id'")),
        Some(v) => {
            id_value(v).ok_or_else(|| Error::msg("'pair_id' must be a string or a number"))?
        }
    };
    let with_id = |e: Error| e.with_pair(&id);
    let lang = |key: &str, default: &Option<String>| -> Result<Option<String>> {
        match map.get(key) {
            None | Some(Value::Null) => Ok(default.clone()),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(Error::msg(format!("'{key}' must be a string"))),
        }
    };
    let src_lang = lang("src_lang", &opts.src_lang).map_err(with_id)?;
    let tgt_lang = lang("tgt_lang", &opts.tgt_lang).map_err(with_id)?;
    let src = side_of(&map, "src", src_lang.as_deref(), opts).map_err(with_id)?;
    let tgt = side_of(&map, "tgt", tgt_lang.as_deref(), opts).map_err(with_id)?;
    Ok((id, src, tgt))
}

/// The stream input line of a pair of files (`src_path`/`tgt_path`, absolute when the
/// current folder is known, so a worker started elsewhere finds them): what `bitalign pairs`
/// prints for a corpus.
pub fn path_line(spec: &PairSpec) -> String {
    let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let line = serde_json::json!({
        "pair_id": spec.id,
        "src_lang": spec.src_lang,
        "tgt_lang": spec.tgt_lang,
        "src_path": absolute(&spec.src).to_string_lossy(),
        "tgt_path": absolute(&spec.tgt).to_string_lossy(),
    });
    line.to_string()
}

/// Learns the corpus lexicons over `lines` (stream input lines, in corpus order) as `batch`
/// does over its pairs: an even sample of them (see [`corpus::sample_step`]) aligned without
/// lexicon, then Model 1 per language pair. A line that cannot be read is left out (aligning
/// it reports why).
pub fn learn_lexicons(
    lines: &[Vec<u8>],
    opts: &Options,
    cfg: &CorpusLexicon,
    pool: &rayon::ThreadPool,
) -> Lexicons {
    let load = |bytes: &Vec<u8>| {
        isolate("", || parse_pair(bytes, opts))
            .ok()
            .map(|(_, s, t)| (s.doc, t.doc))
    };
    let dictionary = opts.align.dictionary.as_deref();
    corpus::learn(lines, load, &opts.align, cfg, dictionary, pool)
}

/// Builds one side from `<name>` (raw text) or `<name>_sents` (sentences).
fn side_of(
    map: &serde_json::Map<String, Value>,
    name: &str,
    lang: Option<&str>,
    opts: &Options,
) -> Result<Side> {
    let sents_key = format!("{name}_sents");
    let path_key = format!("{name}_path");
    let text = map.get(name).filter(|v| !v.is_null());
    let sents = map.get(&sents_key).filter(|v| !v.is_null());
    let path = map.get(&path_key).filter(|v| !v.is_null());
    let in_side = |e: Error| Error::msg(format!("{name}: {e}"));
    if let Some(path) = path {
        if text.is_some() || sents.is_some() {
            return Err(Error::msg(format!(
                "give one of '{name}', '{sents_key}' and '{path_key}'"
            )));
        }
        let Value::String(path) = path else {
            return Err(Error::msg(format!("'{path_key}' must be a string")));
        };
        let (doc, _) = pipeline::load_side(Path::new(path), lang, opts)?;
        let positions = (0..doc.len()).collect();
        return Ok(Side { doc, positions });
    }
    match (text, sents) {
        (Some(_), Some(_)) => Err(Error::msg(format!(
            "give '{name}' or '{sents_key}', not both"
        ))),
        (None, None) => Err(Error::msg(format!(
            "missing field '{name}' (or '{sents_key}' or '{path_key}')"
        ))),
        (Some(Value::String(text)), None) => {
            // The same cleaning as files get (line ends, control characters, binary check).
            let decode = DecodeOptions {
                encoding: Some("utf-8".into()),
                max_bytes: opts.decode.max_bytes,
            };
            let decoded = input::decode(text.as_bytes(), &decode).map_err(in_side)?;
            let (doc, _) = pipeline::side_from_text(&decoded.text, lang, opts).map_err(in_side)?;
            let positions = (0..doc.len()).collect();
            Ok(Side { doc, positions })
        }
        (Some(_), None) => Err(Error::msg(format!("'{name}' must be a string"))),
        (None, Some(Value::Array(items))) => {
            let mut sentences = Vec::with_capacity(items.len());
            let mut positions = Vec::with_capacity(items.len());
            let mut bytes = 0u64;
            for (k, item) in items.iter().enumerate() {
                let Value::String(s) = item else {
                    return Err(Error::msg(format!("{sents_key}[{k}] is not a string")));
                };
                bytes += s.len() as u64;
                let sentence = Sentence::new(s, 0);
                if !sentence.text.is_empty() {
                    sentences.push(sentence);
                    positions.push(k);
                }
            }
            if bytes > opts.decode.max_bytes {
                return Err(in_side(Error::new(ErrorKind::TooLarge {
                    bytes,
                    limit: opts.decode.max_bytes,
                })));
            }
            if sentences.is_empty() {
                return Err(in_side(Error::new(ErrorKind::Empty)));
            }
            let lang = match lang.filter(|l| !l.is_empty() && *l != "auto") {
                Some(l) => l.to_string(),
                None => {
                    let text: Vec<&str> = sentences.iter().map(|s| s.text.as_str()).collect();
                    crate::lang::detect(&text.join(" ")).unwrap_or_else(|| "und".to_string())
                }
            };
            Ok(Side {
                doc: Document { lang, sentences },
                positions,
            })
        }
        (None, Some(_)) => Err(Error::msg(format!(
            "'{sents_key}' must be an array of strings"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_reader_cuts_long_lines_and_goes_on() {
        let data = b"short\nxxxxxxxxxxxxxxxxxxxx\r\nlast";
        let mut r = io::BufReader::with_capacity(4, &data[..]);
        let mut lines = Vec::new();
        loop {
            let mut buf = Vec::new();
            match read_line_bounded(&mut r, &mut buf, 8).unwrap() {
                Some(cut) => lines.push((String::from_utf8(buf).unwrap(), cut)),
                None => break,
            }
        }
        assert_eq!(
            lines,
            vec![
                ("short".to_string(), false),
                ("xxxxxxxx".to_string(), true),
                ("last".to_string(), false)
            ]
        );
    }

    #[test]
    fn pre_split_blank_sentences_are_skipped_but_indices_point_into_the_array() {
        let job = StreamJob::default();
        let line = Line {
            number: 1,
            bytes: br#"{"pair_id":"p","src_lang":"en","tgt_lang":"fr","src_sents":["One.","","Two."],"tgt_sents":["Un.","Deux."]}"#.to_vec(),
            too_long: false,
        };
        let o = process_line(&line, &job);
        let text = String::from_utf8(o.records).unwrap();
        assert!(o.ok, "{text}");
        let idx: Vec<usize> = text
            .lines()
            .map(|l| serde_json::from_str::<Value>(l).unwrap())
            .filter(|v| v["type"] == "bead")
            .flat_map(|v| {
                v["src_idx"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|x| x.as_u64().unwrap() as usize)
                    .collect::<Vec<_>>()
            })
            .collect();
        assert_eq!(idx, vec![0, 2]);
    }
}
