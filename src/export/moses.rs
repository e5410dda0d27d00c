//! Moses-style parallel text: two files, one segment per line, line N of one the translation
//! of line N of the other (what Moses, fairseq and OPUS tools train on). Tabs and line breaks
//! inside a text become spaces so the line counts always match.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use super::{bead_texts, check_pair, keep, one_line, suffixed, ExportOptions, Format, Sink};
use crate::bitext::AlignedPair;
use crate::error::{Error, Result};

/// Streams line pairs into two writers. One-sided beads (when written) give an empty line
/// on the missing side.
pub struct MosesSink<W: Write> {
    src: BufWriter<W>,
    tgt: BufWriter<W>,
    one_sided: bool,
}

impl<W: Write> MosesSink<W> {
    pub fn new(src: W, tgt: W, opts: &ExportOptions) -> Self {
        MosesSink {
            src: BufWriter::new(src),
            tgt: BufWriter::new(tgt),
            one_sided: opts.one_sided_for(Format::Moses),
        }
    }

    /// Flushes both and gives the writers back.
    pub fn into_inner(self) -> Result<(W, W)> {
        let mut s = self.src.into_inner().map_err(|e| e.into_error())?;
        let mut t = self.tgt.into_inner().map_err(|e| e.into_error())?;
        s.flush()?;
        t.flush()?;
        Ok((s, t))
    }
}

impl<W: Write> Sink for MosesSink<W> {
    fn write_pair(&mut self, pair: &AlignedPair) -> Result<()> {
        check_pair(pair)?;
        for (i, bead) in pair.beads.iter().enumerate() {
            let (src, tgt) = bead_texts(pair, i, bead)?;
            let (src, tgt) = (one_line(&src), one_line(&tgt));
            if keep(self.one_sided, &src, &tgt) {
                writeln!(self.src, "{src}")?;
                writeln!(self.tgt, "{tgt}")?;
            }
        }
        Ok(())
    }

    fn finish(self: Box<Self>) -> Result<()> {
        self.into_inner().map(drop)
    }
}

/// `PATH.<src>` and `PATH.<tgt>`. Equal tags would make both names one file, so they are an
/// error (give `--src-tag`/`--tgt-tag`).
pub fn file_paths(path: &Path, src_tag: &str, tgt_tag: &str) -> Result<(PathBuf, PathBuf)> {
    if src_tag == tgt_tag {
        return Err(Error::msg(format!(
            "moses output needs two different language tags for its two files, both are '{src_tag}'"
        )));
    }
    for tag in [src_tag, tgt_tag] {
        if tag.contains(['/', '\\']) || tag.starts_with('.') {
            return Err(Error::msg(format!(
                "language tag '{tag}' cannot be used in a file name"
            )));
        }
    }
    Ok((suffixed(path, src_tag), suffixed(path, tgt_tag)))
}
