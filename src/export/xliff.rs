//! XLIFF for the review workflows of CAT tools: a bead becomes a unit whose state says
//! whether it needs a look, so a translator can filter on it instead of reading everything.
//!
//! XLIFF 1.2 (default): one `<file>` per pair (`original` = pair id, its own languages), one
//! `<trans-unit id="N">` per bead (N = 1-based bead number, as in TMX `tuid`s) with
//! `<source>`, `<target state="translated">` (score ≥ [`REVIEW_BELOW`] or unknown) or
//! `state="needs-review-translation"`, and the score in `<note from="bitalign">score
//! 0.934</note>`. XLIFF 2.0: `<unit>`/`<segment state="translated"|"initial">`, the score in
//! `<note category="bitalign:score">`, languages from the first pair (2.0 has one pair per
//! document). One-sided beads, when written, have an empty source or no target.

use std::io::{BufWriter, Write};
use std::str::FromStr;

use super::{
    bead_texts, check_pair, keep, known_score, pick_tag, unbuffer, xml_escape, xml_safe,
    ExportOptions, Format, Sink, REVIEW_BELOW,
};
use crate::bitext::AlignedPair;
use crate::error::{Error, Result};

/// Which XLIFF to write.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Version {
    /// XLIFF 1.2: what Trados, memoQ, OmegaT and translate-toolkit read most widely.
    #[default]
    V1_2,
    /// XLIFF 2.0 (OASIS 2014).
    V2_0,
}

impl FromStr for Version {
    type Err = Error;

    fn from_str(s: &str) -> Result<Version> {
        match s.trim() {
            "1.2" => Ok(Version::V1_2),
            "2" | "2.0" => Ok(Version::V2_0),
            other => Err(Error::msg(format!(
                "unknown XLIFF version '{other}' (use 1.2 or 2.0)"
            ))),
        }
    }
}

/// Text escaped for XML content or a double-quoted attribute.
fn esc(text: &str, attribute: bool) -> String {
    xml_escape(&xml_safe(text), attribute).into_owned()
}

/// Streams XLIFF: root on creation, a `<file>` per pair, the closing tag on finish.
pub struct XliffSink<W: Write> {
    out: BufWriter<W>,
    version: Version,
    src_lang: String,
    tgt_lang: String,
    src_over: Option<String>,
    tgt_over: Option<String>,
    one_sided: bool,
    tool_version: String,
    files: usize,
}

impl<W: Write> XliffSink<W> {
    /// Writes the XML declaration and the root element.
    pub fn new(out: W, opts: &ExportOptions, src_lang: &str, tgt_lang: &str) -> Result<Self> {
        let src_lang = pick_tag(opts.src_tag.as_deref(), src_lang, "und");
        let tgt_lang = pick_tag(opts.tgt_tag.as_deref(), tgt_lang, "und");
        let mut out = BufWriter::new(out);
        out.write_all(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")?;
        match opts.xliff_version {
            Version::V1_2 => out.write_all(
                b"<xliff version=\"1.2\" xmlns=\"urn:oasis:names:tc:xliff:document:1.2\">\n",
            )?,
            Version::V2_0 => writeln!(
                out,
                "<xliff version=\"2.0\" xmlns=\"urn:oasis:names:tc:xliff:document:2.0\" \
                 srcLang=\"{}\" trgLang=\"{}\">",
                esc(&src_lang, true),
                esc(&tgt_lang, true)
            )?,
        }
        Ok(XliffSink {
            out,
            version: opts.xliff_version,
            src_lang,
            tgt_lang,
            src_over: opts.src_tag.clone(),
            tgt_over: opts.tgt_tag.clone(),
            one_sided: opts.one_sided_for(Format::Xliff),
            tool_version: opts.tool_version.clone(),
            files: 0,
        })
    }

    /// Closes the root, flushes, and gives the writer back.
    pub fn into_inner(mut self) -> Result<W> {
        // Both versions require a <file>; an empty TM still gets one (2.0: with an empty unit).
        if self.files == 0 {
            match self.version {
                Version::V1_2 => writeln!(
                    self.out,
                    "  <file original=\"bitalign\" source-language=\"{}\" target-language=\"{}\" \
                     datatype=\"plaintext\">\n    <body/>\n  </file>",
                    esc(&self.src_lang, true),
                    esc(&self.tgt_lang, true)
                )?,
                Version::V2_0 => self.out.write_all(
                    b"  <file id=\"f1\">\n    <unit id=\"1\"><segment><source/></segment></unit>\n  </file>\n",
                )?,
            }
        }
        self.out.write_all(b"</xliff>\n")?;
        unbuffer(self.out)
    }
}

impl<W: Write> Sink for XliffSink<W> {
    fn write_pair(&mut self, pair: &AlignedPair) -> Result<()> {
        check_pair(pair)?;
        // Texts first: a pair with nothing to write gets no empty <file> (1.2 needs a unit).
        let mut units = Vec::new();
        for (i, bead) in pair.beads.iter().enumerate() {
            let (src, tgt) = bead_texts(pair, i, bead)?;
            let src = xml_safe(src.trim()).trim().to_string();
            let tgt = xml_safe(tgt.trim()).trim().to_string();
            if keep(self.one_sided, &src, &tgt) {
                units.push((i + 1, src, tgt, known_score(bead.score)));
            }
        }
        if units.is_empty() {
            return Ok(());
        }
        self.files += 1;
        let original = if pair.id.trim().is_empty() {
            "bitalign"
        } else {
            pair.id.trim()
        };
        let o = &mut self.out;
        match self.version {
            Version::V1_2 => {
                let src_lang = pick_tag(self.src_over.as_deref(), &pair.src.lang, &self.src_lang);
                let tgt_lang = pick_tag(self.tgt_over.as_deref(), &pair.tgt.lang, &self.tgt_lang);
                writeln!(
                    o,
                    "  <file original=\"{}\" source-language=\"{}\" target-language=\"{}\" \
                     datatype=\"plaintext\">\n    <header><tool tool-id=\"bitalign\" \
                     tool-name=\"bitalign\" tool-version=\"{}\"/></header>\n    <body>",
                    esc(original, true),
                    esc(&src_lang, true),
                    esc(&tgt_lang, true),
                    esc(&self.tool_version, true)
                )?;
                for (n, src, tgt, score) in &units {
                    writeln!(
                        o,
                        "      <trans-unit id=\"{n}\">\n        <source>{}</source>",
                        esc(src, false)
                    )?;
                    if !tgt.is_empty() {
                        let state = if needs_review(src, tgt, *score) {
                            "needs-review-translation"
                        } else {
                            "translated"
                        };
                        writeln!(
                            o,
                            "        <target state=\"{state}\">{}</target>",
                            esc(tgt, false)
                        )?;
                    }
                    if let Some(s) = score {
                        writeln!(o, "        <note from=\"bitalign\">score {s:.3}</note>")?;
                    }
                    writeln!(o, "      </trans-unit>")?;
                }
                writeln!(o, "    </body>\n  </file>")?;
            }
            Version::V2_0 => {
                writeln!(
                    o,
                    "  <file id=\"f{}\" original=\"{}\">",
                    self.files,
                    esc(original, true)
                )?;
                for (n, src, tgt, score) in &units {
                    writeln!(o, "    <unit id=\"{n}\">")?;
                    if let Some(s) = score {
                        writeln!(
                            o,
                            "      <notes><note category=\"bitalign:score\">{s:.3}</note></notes>"
                        )?;
                    }
                    let state = if tgt.is_empty() {
                        "initial"
                    } else if needs_review(src, tgt, *score) {
                        "initial\" subState=\"bitalign:needs-review"
                    } else {
                        "translated"
                    };
                    write!(
                        o,
                        "      <segment state=\"{state}\">\n        <source>{}</source>\n",
                        esc(src, false)
                    )?;
                    if !tgt.is_empty() {
                        writeln!(o, "        <target>{}</target>", esc(tgt, false))?;
                    }
                    writeln!(o, "      </segment>\n    </unit>")?;
                }
                writeln!(o, "  </file>")?;
            }
        }
        Ok(())
    }

    fn finish(self: Box<Self>) -> Result<()> {
        self.into_inner().map(drop)
    }
}

/// A unit needs review when the aligner was unsure or a side is missing; an unknown score
/// (a unit converted from a TM without scores) is taken as it is.
fn needs_review(src: &str, tgt: &str, score: Option<f64>) -> bool {
    src.is_empty() || tgt.is_empty() || score.is_some_and(|s| s < REVIEW_BELOW)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_parses_both_spellings() {
        assert_eq!("1.2".parse::<Version>().unwrap(), Version::V1_2);
        assert_eq!("2".parse::<Version>().unwrap(), Version::V2_0);
        assert!("3.0".parse::<Version>().is_err());
    }

    #[test]
    fn low_scores_and_missing_sides_need_review() {
        assert!(needs_review("a", "b", Some(0.5)));
        assert!(!needs_review("a", "b", Some(0.95)));
        assert!(!needs_review("a", "b", None));
        assert!(needs_review("", "b", None));
    }
}
