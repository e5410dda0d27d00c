//! Vecalign/Bleualign alignment links, one per line: `[0, 1]:[2]`, `[3]:[]`, `[]:[4]`
//! (Python list syntax, `", "` separators), the format `bitalign eval` and Vecalign's
//! `score.py` read. With the default (one-sided beads kept) every sentence appears exactly
//! once, in order. Several pairs in one file are numbered as if their documents were
//! concatenated (indices continue from the previous pair), which keeps the file a valid
//! alignment of the concatenated texts.

use std::fmt::Write as _;
use std::io::{BufWriter, Write};
use std::ops::Range;

use super::jsonl::side;
use super::{check_pair, keep, ExportOptions, Format, Sink};
use crate::bitext::AlignedPair;
use crate::error::Result;

/// Streams alignment links.
pub struct VecalignSink<W: Write> {
    out: BufWriter<W>,
    one_sided: bool,
    src_offset: usize,
    tgt_offset: usize,
}

impl<W: Write> VecalignSink<W> {
    pub fn new(out: W, opts: &ExportOptions) -> Self {
        VecalignSink {
            out: BufWriter::new(out),
            one_sided: opts.one_sided_for(Format::Vecalign),
            src_offset: 0,
            tgt_offset: 0,
        }
    }

    /// Flushes and gives the writer back.
    pub fn into_inner(self) -> Result<W> {
        let mut w = self.out.into_inner().map_err(|e| e.into_error())?;
        w.flush()?;
        Ok(w)
    }
}

impl<W: Write> Sink for VecalignSink<W> {
    fn write_pair(&mut self, pair: &AlignedPair) -> Result<()> {
        check_pair(pair)?;
        for bead in &pair.beads {
            if keep(self.one_sided, side(&bead.src), side(&bead.tgt)) {
                writeln!(
                    self.out,
                    "{}:{}",
                    list(&bead.src, self.src_offset),
                    list(&bead.tgt, self.tgt_offset)
                )?;
            }
        }
        self.src_offset += pair.src.len();
        self.tgt_offset += pair.tgt.len();
        Ok(())
    }

    fn finish(self: Box<Self>) -> Result<()> {
        self.into_inner().map(drop)
    }
}

/// `[a, b, c]` for a range shifted by `offset`.
pub fn list(r: &Range<usize>, offset: usize) -> String {
    let mut s = String::from("[");
    for (k, i) in r.clone().enumerate() {
        if k > 0 {
            s.push_str(", ");
        }
        let _ = write!(s, "{}", i + offset);
    }
    s.push(']');
    s
}
