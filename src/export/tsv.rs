//! Tab-separated `src<TAB>tgt` lines, no header (Google glossaries, OmegaT glossaries,
//! Moses-style TSV). There is no quoting in this format, so tabs and line breaks inside a
//! text become spaces: every line has exactly one tab.

use std::io::{BufWriter, Write};

use super::{bead_texts, check_pair, keep, one_line, ExportOptions, Format, Sink};
use crate::bitext::AlignedPair;
use crate::error::Result;

/// Streams TSV lines; one-sided beads (when written) have an empty column.
pub struct TsvSink<W: Write> {
    out: BufWriter<W>,
    one_sided: bool,
}

impl<W: Write> TsvSink<W> {
    pub fn new(out: W, opts: &ExportOptions) -> Self {
        TsvSink {
            out: BufWriter::new(out),
            one_sided: opts.one_sided_for(Format::Tsv),
        }
    }

    /// Flushes and gives the writer back.
    pub fn into_inner(self) -> Result<W> {
        let mut w = self.out.into_inner().map_err(|e| e.into_error())?;
        w.flush()?;
        Ok(w)
    }
}

impl<W: Write> Sink for TsvSink<W> {
    fn write_pair(&mut self, pair: &AlignedPair) -> Result<()> {
        check_pair(pair)?;
        for (i, bead) in pair.beads.iter().enumerate() {
            let (src, tgt) = bead_texts(pair, i, bead)?;
            let (src, tgt) = (one_line(&src), one_line(&tgt));
            if keep(self.one_sided, &src, &tgt) {
                writeln!(self.out, "{src}\t{tgt}")?;
            }
        }
        Ok(())
    }

    fn finish(self: Box<Self>) -> Result<()> {
        self.into_inner().map(drop)
    }
}
