//! JSON Lines: one object per bead, one-sided beads included by default, for scripts and
//! review tools. Keys in this order:
//! `{"src":"…","tgt":"…","src_idx":[0,1],"tgt_idx":[2],"score":0.93,"pair_id":"doc1"}`.
//! A missing side is `""` with `[]` indices. Indices are 0-based sentence positions within
//! the pair. `pair_id` is present only when the pair has a non-empty id, so single-document
//! output stays minimal while a merged file can still be grouped by document. `score` is left
//! out when unknown (units converted from a TM without scores) rather than invented.

use std::io::{BufWriter, Write};

use serde::Serialize;

use super::{bead_texts, check_pair, keep, known_score, ExportOptions, Format, Sink};
use crate::bitext::AlignedPair;
use crate::error::{Error, Result};

/// One JSONL record: what `-f jsonl` writes for a bead, and what the Python bindings return
/// (so both give the same texts, indices and scores).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Record<'a> {
    pub src: String,
    pub tgt: String,
    pub src_idx: Vec<usize>,
    pub tgt_idx: Vec<usize>,
    /// Left out when unknown (units converted from a TM without scores).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    #[serde(skip_serializing_if = "str::is_empty")]
    pub pair_id: &'a str,
}

/// The records of a pair's beads in order; `one_sided` keeps 1-0 and 0-1 beads. A bead whose
/// ranges fall outside the pair is an error naming the pair.
pub fn records(
    pair: &AlignedPair,
    one_sided: bool,
) -> impl Iterator<Item = Result<Record<'_>>> + '_ {
    pair.beads
        .iter()
        .enumerate()
        // Decided on the ranges, not the texts: the indices must cover every sentence.
        .filter(move |(_, bead)| keep(one_sided, side(&bead.src), side(&bead.tgt)))
        .map(|(i, bead)| {
            let (src, tgt) = bead_texts(pair, i, bead)?;
            Ok(Record {
                src,
                tgt,
                src_idx: bead.src.clone().collect(),
                tgt_idx: bead.tgt.clone().collect(),
                score: known_score(bead.score),
                pair_id: &pair.id,
            })
        })
}

/// Streams one JSON object per line.
pub struct JsonlSink<W: Write> {
    out: BufWriter<W>,
    one_sided: bool,
}

impl<W: Write> JsonlSink<W> {
    pub fn new(out: W, opts: &ExportOptions) -> Self {
        JsonlSink {
            out: BufWriter::new(out),
            one_sided: opts.one_sided_for(Format::Jsonl),
        }
    }

    /// Flushes and gives the writer back.
    pub fn into_inner(self) -> Result<W> {
        let mut w = self.out.into_inner().map_err(|e| e.into_error())?;
        w.flush()?;
        Ok(w)
    }
}

impl<W: Write> Sink for JsonlSink<W> {
    fn write_pair(&mut self, pair: &AlignedPair) -> Result<()> {
        check_pair(pair)?;
        for record in records(pair, self.one_sided) {
            serde_json::to_writer(&mut self.out, &record?)
                .map_err(|e| Error::msg(format!("cannot write JSON: {e}")))?;
            self.out.write_all(b"\n")?;
        }
        Ok(())
    }

    fn finish(self: Box<Self>) -> Result<()> {
        self.into_inner().map(drop)
    }
}

/// A stand-in text telling [`keep`] whether a side has sentences.
pub(crate) fn side(r: &std::ops::Range<usize>) -> &'static str {
    if r.is_empty() {
        ""
    } else {
        "x"
    }
}
