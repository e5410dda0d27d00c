//! Export of aligned pairs as a translation memory or as parallel text.
//!
//! Every format is a [`Sink`]: pairs are written one at a time, so a batch can stream many
//! documents into one merged TM without holding them all. [`sink`] builds one over any
//! writer (stdout included); [`write_file`] writes a file atomically (see [`crate::output`]).
//!
//! One-sided beads (1-0, 0-1: a sentence without counterpart) are noise in a TM but part of
//! an alignment, so by default TMX, CSV, TSV, XLIFF and Moses leave them out while JSONL,
//! vecalign and the HTML review page keep them; [`ExportOptions::one_sided`] overrides that. A bead whose text is
//! empty on both sides (0-0) carries nothing and is never written.

use std::borrow::Cow;
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use crate::bitext::{AlignedPair, Bead};
use crate::error::{Error, ErrorKind, Result};
use crate::output::{self, AtomicFile};
use crate::review::Reviewed;

pub mod csv_format;
pub mod html;
pub mod jsonl;
pub mod moses;
pub mod multilingual;
pub mod tmx;
pub mod tsv;
pub mod vecalign;
pub mod xliff;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// TMX 1.4: for CAT tools (Trados, memoQ, OmegaT).
    Tmx,
    /// RFC 4180 CSV with a header row of language tags (memoQ, Excel).
    Csv,
    /// `src<TAB>tgt`, no header (glossaries, Moses-style TSV).
    Tsv,
    /// One JSON object per bead, with sentence indices and score.
    Jsonl,
    /// Vecalign/Bleualign alignment links `[0, 1]:[2]`, for scoring with `eval`.
    Vecalign,
    /// Two line-aligned plain-text files `PATH.<src>` and `PATH.<tgt>`.
    Moses,
    /// A self-contained HTML page for reviewing an alignment in a browser.
    Html,
    /// XLIFF 1.2 (or 2.0): for CAT tools' review workflows (state from the score).
    Xliff,
}

impl Format {
    /// Every format, in the order help texts list them.
    pub const ALL: [Format; 8] = [
        Format::Tmx,
        Format::Csv,
        Format::Tsv,
        Format::Jsonl,
        Format::Vecalign,
        Format::Moses,
        Format::Html,
        Format::Xliff,
    ];

    /// The name accepted by `-f` and shown in messages.
    pub fn name(self) -> &'static str {
        match self {
            Format::Tmx => "tmx",
            Format::Csv => "csv",
            Format::Tsv => "tsv",
            Format::Jsonl => "jsonl",
            Format::Vecalign => "vecalign",
            Format::Moses => "moses",
            Format::Html => "html",
            Format::Xliff => "xliff",
        }
    }

    /// Guesses the format from a file extension (case-insensitive). Moses output has no
    /// extension of its own (its files end in language codes), so it is never guessed.
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "tmx" => Some(Format::Tmx),
            "csv" => Some(Format::Csv),
            "tsv" => Some(Format::Tsv),
            "jsonl" | "ndjson" => Some(Format::Jsonl),
            "vecalign" | "align" => Some(Format::Vecalign),
            "html" | "htm" => Some(Format::Html),
            "xlf" | "xliff" => Some(Format::Xliff),
            _ => None,
        }
    }

    /// Whether one-sided beads are written when [`ExportOptions::one_sided`] is `None`:
    /// alignment formats and the review page need every sentence, TM formats only
    /// translations.
    pub fn keeps_one_sided_by_default(self) -> bool {
        matches!(self, Format::Jsonl | Format::Vecalign | Format::Html)
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Format {
    type Err = Error;

    /// Parses a format name, case-insensitively; `ndjson`, `align`, `htm` and `xlf` are
    /// aliases as for file extensions.
    fn from_str(s: &str) -> Result<Format> {
        let lower = s.trim().to_ascii_lowercase();
        match lower.as_str() {
            "ndjson" => return Ok(Format::Jsonl),
            "align" => return Ok(Format::Vecalign),
            "htm" => return Ok(Format::Html),
            "xlf" => return Ok(Format::Xliff),
            _ => {}
        }
        Format::ALL
            .into_iter()
            .find(|f| f.name() == lower)
            .ok_or_else(|| Error::new(ErrorKind::UnknownFormat(s.to_string())))
    }
}

/// Options shared by all formats; each format ignores what does not apply to it.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportOptions {
    /// Source language tag written instead of the document's (e.g. `en-US` for a CAT
    /// project set to a regional variant).
    pub src_tag: Option<String>,
    /// Target language tag written instead of the document's.
    pub tgt_tag: Option<String>,
    /// Write 1-0 and 0-1 beads; `None` = the format's default
    /// ([`Format::keeps_one_sided_by_default`]).
    pub one_sided: Option<bool>,
    /// CSV only: start with a UTF-8 BOM, without which Excel misreads UTF-8.
    pub bom: bool,
    /// TMX only: a `<note>` put on every `tu`.
    pub note: Option<String>,
    /// TMX only: `creationdate` as `YYYYMMDDThhmmssZ`; `None` = now. Fixed dates give
    /// reproducible files.
    pub creation_date: Option<String>,
    /// TMX `creationtoolversion`.
    pub tool_version: String,
    /// XLIFF only: which version to write.
    pub xliff_version: xliff::Version,
    /// Review page only: the names of the source and target files, for its title and heading.
    pub documents: Option<(String, String)>,
}

impl Default for ExportOptions {
    fn default() -> Self {
        ExportOptions {
            src_tag: None,
            tgt_tag: None,
            one_sided: None,
            bom: false,
            note: None,
            creation_date: None,
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
            xliff_version: xliff::Version::default(),
            documents: None,
        }
    }
}

impl ExportOptions {
    /// Whether `format` writes one-sided beads under these options.
    pub fn one_sided_for(&self, format: Format) -> bool {
        self.one_sided
            .unwrap_or_else(|| format.keeps_one_sided_by_default())
    }

    /// These options with the file names the review page shows in its title and heading.
    pub fn with_documents(&self, src: &Path, tgt: &Path) -> ExportOptions {
        let name = |p: &Path| {
            p.file_name().map_or_else(
                || p.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            )
        };
        ExportOptions {
            documents: Some((name(src), name(tgt))),
            ..self.clone()
        }
    }

    /// The source tag to write for `pair`: the override, else the pair's language, else
    /// `fallback` (the sink's), as BCP 47.
    pub(crate) fn src_tag_for(&self, pair: &AlignedPair, fallback: &str) -> String {
        pick_tag(self.src_tag.as_deref(), &pair.src.lang, fallback)
    }

    /// The target tag to write for `pair`, as [`ExportOptions::src_tag_for`].
    pub(crate) fn tgt_tag_for(&self, pair: &AlignedPair, fallback: &str) -> String {
        pick_tag(self.tgt_tag.as_deref(), &pair.tgt.lang, fallback)
    }
}

/// The override if non-empty, else `own` if non-empty, else `fallback`; as BCP 47.
pub(crate) fn pick_tag(over: Option<&str>, own: &str, fallback: &str) -> String {
    let chosen = over
        .filter(|t| !t.trim().is_empty())
        .or(Some(own).filter(|t| !t.trim().is_empty()))
        .unwrap_or(fallback);
    bcp47(chosen)
}

/// A streaming writer of aligned pairs (in the manner of ripgrep's `Sink`): many pairs can go
/// into one output, and [`Sink::finish`] closes it (TMX footer, flush).
pub trait Sink {
    /// Writes the beads of one pair.
    fn write_pair(&mut self, pair: &AlignedPair) -> Result<()>;
    /// Writes a pair a reviewer has corrected: formats with room for the verdict (TMX's
    /// `x-reviewed`, the review page) override this; the others write the beads not rejected.
    fn write_reviewed(&mut self, reviewed: &Reviewed) -> Result<()> {
        if reviewed.status.contains(&crate::review::Status::Rejected) {
            self.write_pair(&reviewed.accepted())
        } else {
            self.write_pair(&reviewed.pair)
        }
    }
    /// Writes what ends the output and flushes it. Without it the output is incomplete.
    fn finish(self: Box<Self>) -> Result<()>;
}

/// A sink of `format` writing to `out`. `src_lang`/`tgt_lang` are the header languages (TMX
/// `srclang`, CSV header row); [`ExportOptions::src_tag`]/`tgt_tag` override them.
///
/// Moses needs two writers, so it is refused here: use [`moses::MosesSink::new`] or
/// [`write_file`].
pub fn sink(
    format: Format,
    out: Box<dyn Write + Send>,
    opts: &ExportOptions,
    src_lang: &str,
    tgt_lang: &str,
) -> Result<Box<dyn Sink + Send>> {
    Ok(match format {
        Format::Tmx => Box::new(tmx::TmxSink::new(out, opts, src_lang, tgt_lang)?),
        Format::Csv => Box::new(csv_format::CsvSink::new(out, opts, src_lang, tgt_lang)?),
        Format::Tsv => Box::new(tsv::TsvSink::new(out, opts)),
        Format::Jsonl => Box::new(jsonl::JsonlSink::new(out, opts)),
        Format::Vecalign => Box::new(vecalign::VecalignSink::new(out, opts)),
        Format::Html => Box::new(html::HtmlSink::new(out, opts, src_lang, tgt_lang)?),
        Format::Xliff => Box::new(xliff::XliffSink::new(out, opts, src_lang, tgt_lang)?),
        Format::Moses => return Err(Error::msg(
            "the moses format writes two files and cannot go to one stream; give an output path",
        )),
    })
}

/// Writes `pairs` to `path` in `format`, atomically: the file appears complete or not at all.
///
/// Header languages come from the first pair (or the tag overrides; `und` when there is
/// neither). Moses writes `PATH.<src>` and `PATH.<tgt>` and publishes both together.
pub fn write_file<'a, I>(format: Format, path: &Path, pairs: I, opts: &ExportOptions) -> Result<()>
where
    I: IntoIterator<Item = &'a AlignedPair>,
{
    let mut pairs = pairs.into_iter().peekable();
    let default = AlignedPair::default();
    let first = pairs.peek().copied().unwrap_or(&default);
    write_file_with(format, path, first, opts, &mut |sink| {
        pairs.by_ref().try_for_each(|p| sink.write_pair(p))
    })
}

/// Writes reviewed pairs (after `--apply-edits`) as [`write_file`] does: TMX and the review
/// page keep the reviewer's verdicts, other formats get the beads not rejected.
pub fn write_reviewed_file(
    format: Format,
    path: &Path,
    pairs: &[Reviewed],
    opts: &ExportOptions,
) -> Result<()> {
    let default = AlignedPair::default();
    let first = pairs.first().map_or(&default, |r| &r.pair);
    write_file_with(format, path, first, opts, &mut |sink| {
        pairs.iter().try_for_each(|r| sink.write_reviewed(r))
    })
}

/// One atomic output (two for Moses) in `format`, header languages from `first`, filled
/// by `feed`.
fn write_file_with(
    format: Format,
    path: &Path,
    first: &AlignedPair,
    opts: &ExportOptions,
    feed: &mut dyn FnMut(&mut dyn Sink) -> Result<()>,
) -> Result<()> {
    let src = opts.src_tag_for(first, "und");
    let tgt = opts.tgt_tag_for(first, "und");
    match format {
        Format::Tmx => to_file(
            path,
            |f| tmx::TmxSink::new(f, opts, &src, &tgt),
            feed,
            tmx::TmxSink::into_inner,
        ),
        Format::Csv => to_file(
            path,
            |f| csv_format::CsvSink::new(f, opts, &src, &tgt),
            feed,
            csv_format::CsvSink::into_inner,
        ),
        Format::Tsv => to_file(
            path,
            |f| Ok(tsv::TsvSink::new(f, opts)),
            feed,
            tsv::TsvSink::into_inner,
        ),
        Format::Jsonl => to_file(
            path,
            |f| Ok(jsonl::JsonlSink::new(f, opts)),
            feed,
            jsonl::JsonlSink::into_inner,
        ),
        Format::Vecalign => to_file(
            path,
            |f| Ok(vecalign::VecalignSink::new(f, opts)),
            feed,
            vecalign::VecalignSink::into_inner,
        ),
        Format::Html => to_file(
            path,
            |f| html::HtmlSink::new(f, opts, &src, &tgt),
            feed,
            html::HtmlSink::into_inner,
        ),
        Format::Xliff => to_file(
            path,
            |f| xliff::XliffSink::new(f, opts, &src, &tgt),
            feed,
            xliff::XliffSink::into_inner,
        ),
        Format::Moses => {
            let at_path = |e: Error| e.with_path(path);
            let (src_path, tgt_path) = moses::file_paths(path, &src, &tgt).map_err(at_path)?;
            let src_file = AtomicFile::create(&src_path)?;
            let tgt_file = AtomicFile::create(&tgt_path)?;
            let mut sink = moses::MosesSink::new(src_file, tgt_file, opts);
            feed(&mut sink).map_err(at_path)?;
            let (a, b) = sink.into_inner().map_err(at_path)?;
            output::commit_all(vec![a, b])
        }
    }
}

/// One atomic file through a concrete sink: created, filled, committed only on success.
fn to_file<S: Sink>(
    path: &Path,
    new: impl FnOnce(AtomicFile) -> Result<S>,
    feed: &mut dyn FnMut(&mut dyn Sink) -> Result<()>,
    finish: impl FnOnce(S) -> Result<AtomicFile>,
) -> Result<()> {
    let file = AtomicFile::create(path)?;
    let file = new(file)
        .and_then(|mut sink| {
            feed(&mut sink)?;
            finish(sink)
        })
        .map_err(|e| e.with_path(path))?;
    file.commit()
}

/// Flushes a sink's buffered writer and gives the writer under it back (to commit an
/// [`AtomicFile`]): what every sink's `into_inner` ends with.
pub(crate) fn unbuffer<W: Write>(out: std::io::BufWriter<W>) -> Result<W> {
    let mut w = out.into_inner().map_err(|e| e.into_error())?;
    w.flush()?;
    Ok(w)
}

/// The text of both sides of a bead, after checking its ranges (a bad range is an error
/// naming the pair, never a panic).
pub(crate) fn bead_texts(
    pair: &AlignedPair,
    index: usize,
    bead: &Bead,
) -> Result<(String, String)> {
    check_range(pair, index, "source", &bead.src, pair.src.len())?;
    check_range(pair, index, "target", &bead.tgt, pair.tgt.len())?;
    Ok((pair.src_text(bead), pair.tgt_text(bead)))
}

/// Checks every bead of a pair before anything is written, so a bad pair leaves no partial
/// output in a merged TM and the batch can report it and go on.
pub(crate) fn check_pair(pair: &AlignedPair) -> Result<()> {
    for (i, bead) in pair.beads.iter().enumerate() {
        check_range(pair, i, "source", &bead.src, pair.src.len())?;
        check_range(pair, i, "target", &bead.tgt, pair.tgt.len())?;
    }
    Ok(())
}

fn check_range(
    pair: &AlignedPair,
    index: usize,
    side: &str,
    range: &std::ops::Range<usize>,
    len: usize,
) -> Result<()> {
    if range.start > range.end || range.end > len {
        return Err(Error::msg(format!(
            "bead {} has {side} sentences {}..{} but the {side} has {len}",
            index + 1,
            range.start,
            range.end
        ))
        .with_pair(pair.id.clone()));
    }
    Ok(())
}

/// Whether a bead with these (cleaned) texts is written: both sides present, or one side
/// when one-sided beads are wanted; never when both are empty.
pub(crate) fn keep(one_sided: bool, src: &str, tgt: &str) -> bool {
    match (src.is_empty(), tgt.is_empty()) {
        (false, false) => true,
        (true, true) => false,
        _ => one_sided,
    }
}

/// A score fit for output: NaN becomes 0 and the value is clamped to [0, 1], so no format
/// ever gets `NaN` or `inf` (invalid JSON, meaningless in a TM).
pub(crate) fn clean_score(score: f64) -> f64 {
    if score.is_nan() {
        0.0
    } else {
        score.clamp(0.0, 1.0)
    }
}

/// Beads scored at or above this are taken as right without review: on the Text+Berg dev
/// set 90% of them are exactly right, against under 60% just below (see README). XLIFF
/// marks the others `needs-review-translation`; the review page starts with it as threshold.
pub const REVIEW_BELOW: f64 = 0.9;

/// A score fit for output, or `None` when it is unknown (NaN: a unit read by `convert`
/// from a file without scores), so formats can leave it out rather than invent one.
pub(crate) fn known_score(score: f64) -> Option<f64> {
    (!score.is_nan()).then(|| score.clamp(0.0, 1.0))
}

/// Removes the characters XML 1.0 forbids even as `&#x..;` references (C0 controls other
/// than tab, LF and CR; U+FFFE; U+FFFF). One such character makes OmegaT and
/// translate-toolkit reject the whole TMX. Does not escape: see [`xml_escape`].
pub fn xml_safe(text: &str) -> Cow<'_, str> {
    fn illegal(c: char) -> bool {
        matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}')
    }
    if text.chars().any(illegal) {
        Cow::Owned(text.chars().filter(|&c| !illegal(c)).collect())
    } else {
        Cow::Borrowed(text)
    }
}

/// Escapes text for XML content (`attribute == false`) or a double-quoted attribute value.
/// CR is written as a reference so parsers do not turn it into LF; in attributes tab and LF
/// are too, since attribute normalization would turn them into spaces. Expects text already
/// passed through [`xml_safe`].
pub fn xml_escape(text: &str, attribute: bool) -> Cow<'_, str> {
    let special = |c: char| match c {
        '&' | '<' | '>' | '\r' => true,
        '"' | '\t' | '\n' => attribute,
        _ => false,
    };
    if !text.chars().any(special) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#xD;"),
            '"' if attribute => out.push_str("&quot;"),
            '\t' if attribute => out.push_str("&#x9;"),
            '\n' if attribute => out.push_str("&#xA;"),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// A language tag in BCP 47 form: `_` becomes `-`, the language subtag lower case, a
/// 4-letter script title case (`zh-hans` → `zh-Hans`), a 2-letter region upper case
/// (`en_us` → `en-US`); subtags after a singleton (`x-`, `u-`) lower case. OmegaT skips TMX
/// units tagged `en_US`. An empty tag becomes `und` (undetermined).
pub fn bcp47(tag: &str) -> String {
    let tag = tag.trim();
    if tag.is_empty() {
        return "und".to_string();
    }
    let mut out: Vec<String> = Vec::new();
    let mut after_singleton = false;
    for (i, sub) in tag.split(['-', '_']).filter(|s| !s.is_empty()).enumerate() {
        let alpha = sub.chars().all(|c| c.is_ascii_alphabetic());
        let s = if i == 0 || after_singleton {
            sub.to_ascii_lowercase()
        } else if alpha && sub.len() == 2 {
            sub.to_ascii_uppercase()
        } else if alpha && sub.len() == 4 {
            let lower = sub.to_ascii_lowercase();
            let mut cs = lower.chars();
            cs.next()
                .map(|c| c.to_ascii_uppercase().to_string() + cs.as_str())
                .unwrap_or_default()
        } else {
            sub.to_ascii_lowercase()
        };
        if i > 0 && sub.len() == 1 {
            after_singleton = true;
        }
        out.push(s);
    }
    if out.is_empty() {
        return "und".to_string();
    }
    out.join("-")
}

/// Replaces tabs and every line break a reader may split on (LF, CR, VT, FF, NEL, U+2028,
/// U+2029, and the separators Python's `splitlines` honours) with a space and trims, so a
/// segment stays one field on one line in TSV and Moses files.
pub(crate) fn one_line(text: &str) -> Cow<'_, str> {
    fn breaks(c: char) -> bool {
        matches!(
            c,
            '\t' | '\n'
                | '\r'
                | '\u{B}'
                | '\u{C}'
                | '\u{1C}'
                | '\u{1D}'
                | '\u{1E}'
                | '\u{85}'
                | '\u{2028}'
                | '\u{2029}'
        )
    }
    if text.chars().any(breaks) {
        let replaced: String = text
            .chars()
            .map(|c| if breaks(c) { ' ' } else { c })
            .collect();
        Cow::Owned(replaced.trim().to_string())
    } else {
        Cow::Borrowed(text.trim())
    }
}

/// Both Moses file names for an output path: `PATH.<src>` and `PATH.<tgt>`.
pub(crate) fn suffixed(path: &Path, tag: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(".");
    s.push(tag);
    PathBuf::from(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_names_round_trip_and_unknown_is_named() {
        for f in Format::ALL {
            assert_eq!(f.name().parse::<Format>().unwrap(), f);
        }
        assert_eq!("NDJSON".parse::<Format>().unwrap(), Format::Jsonl);
        assert_eq!("xlf".parse::<Format>().unwrap(), Format::Xliff);
        let e = "sdlxliff".parse::<Format>().unwrap_err();
        assert!(matches!(e.kind(), ErrorKind::UnknownFormat(n) if n == "sdlxliff"));
        assert!(e.to_string().contains("sdlxliff"));
    }

    #[test]
    fn format_from_extension_never_guesses_moses() {
        assert_eq!(Format::from_path(Path::new("a/b.TMX")), Some(Format::Tmx));
        assert_eq!(
            Format::from_path(Path::new("x.ndjson")),
            Some(Format::Jsonl)
        );
        assert_eq!(
            Format::from_path(Path::new("x.align")),
            Some(Format::Vecalign)
        );
        assert_eq!(Format::from_path(Path::new("corpus.en")), None);
        assert_eq!(Format::from_path(Path::new("noext")), None);
    }

    #[test]
    fn xml_safe_drops_only_illegal_characters() {
        assert!(matches!(xml_safe("a\tb\nc"), Cow::Borrowed(_)));
        assert_eq!(xml_safe("a\u{1}b\u{B}\u{FFFF}c\u{FFFE}\u{1F}d\r"), "abcd\r");
        assert_eq!(xml_safe("\u{0}"), "");
    }

    #[test]
    fn xml_escape_handles_content_and_attributes() {
        assert_eq!(
            xml_escape(r#"a & <b> "c""#, false),
            r#"a &amp; &lt;b&gt; "c""#
        );
        assert_eq!(xml_escape("\"a\"\tb\n", true), "&quot;a&quot;&#x9;b&#xA;");
    }

    #[test]
    fn bcp47_hyphenates_and_cases_subtags() {
        assert_eq!(bcp47("en_US"), "en-US");
        assert_eq!(bcp47("ZH_hans_cn"), "zh-Hans-CN");
        assert_eq!(bcp47("es-419"), "es-419");
        assert_eq!(bcp47("en-x-ab"), "en-x-ab");
        assert_eq!(bcp47(" "), "und");
    }

    #[test]
    fn one_line_replaces_breaks_and_tabs() {
        assert_eq!(one_line(" a\tb\r\nc\u{2028}d "), "a b  c d");
    }
}
