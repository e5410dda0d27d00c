//! RFC 4180 CSV (comma, CRLF, quotes only where needed) through the `csv` crate, with a header
//! row of the two language tags so memoQ's import dialog maps the columns by itself. Texts are
//! written as they are: quoting keeps commas, quotes and line breaks inside one field.
//! Optional UTF-8 BOM for Excel, which misreads UTF-8 CSV without one.

use std::io::{self, Write};

use super::{bead_texts, check_pair, keep, pick_tag, ExportOptions, Format, Sink};
use crate::bitext::AlignedPair;
use crate::error::{Error, Result};

/// Streams CSV rows `src,tgt`; one-sided beads (when written) have an empty cell.
pub struct CsvSink<W: Write> {
    out: ::csv::Writer<W>,
    one_sided: bool,
}

fn csv_err(e: ::csv::Error) -> Error {
    Error::from(io::Error::from(e))
}

impl<W: Write> CsvSink<W> {
    /// Writes the BOM (if asked) and the header row.
    pub fn new(mut out: W, opts: &ExportOptions, src_lang: &str, tgt_lang: &str) -> Result<Self> {
        if opts.bom {
            out.write_all("\u{FEFF}".as_bytes())?;
        }
        let mut out = ::csv::WriterBuilder::new()
            .terminator(::csv::Terminator::CRLF)
            .from_writer(out);
        let src = pick_tag(opts.src_tag.as_deref(), src_lang, "und");
        let tgt = pick_tag(opts.tgt_tag.as_deref(), tgt_lang, "und");
        out.write_record([src.as_str(), tgt.as_str()])
            .map_err(csv_err)?;
        Ok(CsvSink {
            out,
            one_sided: opts.one_sided_for(Format::Csv),
        })
    }

    /// Flushes and gives the writer back.
    pub fn into_inner(self) -> Result<W> {
        let mut w = self.out.into_inner().map_err(|e| e.into_error())?;
        w.flush()?;
        Ok(w)
    }
}

impl<W: Write> Sink for CsvSink<W> {
    fn write_pair(&mut self, pair: &AlignedPair) -> Result<()> {
        check_pair(pair)?;
        for (i, bead) in pair.beads.iter().enumerate() {
            let (src, tgt) = bead_texts(pair, i, bead)?;
            let (src, tgt) = (src.trim(), tgt.trim());
            if keep(self.one_sided, src, tgt) {
                self.out.write_record([src, tgt]).map_err(csv_err)?;
            }
        }
        Ok(())
    }

    fn finish(self: Box<Self>) -> Result<()> {
        self.into_inner().map(drop)
    }
}
