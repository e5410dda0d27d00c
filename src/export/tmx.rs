//! TMX 1.4 that validates against the LISA DTD and loads in OmegaT, translate-toolkit and
//! Trados: the rules in `shared/formats/TM-EXPORT-NOTES.md` (XML-1.0-illegal characters
//! dropped, hyphenated language tags, trimmed segments, `prop`/`note` before `tuv`).
//!
//! One `tu` per bead. Its `tuid` is `<pair id>-<bead number>` (1-based, counting every bead,
//! so ids stay the same whether one-sided beads are written or not); a pair id seen before
//! in the same file gets a `#2`, `#3`... suffix so tuids stay unique in a merged TM. Props
//! (Trados maps `x-` props to TM fields): `x-score` (3 decimals), `x-document` (pair id,
//! left out when empty), `x-src-sentences` and `x-tgt-sentences` (1-based positions `3` or
//! `3-4`, empty for a missing side), `x-bead` (shape, e.g. `2-1`), `x-structure` (`heading`,
//! `list-item` or `table-cell`, left out for running text). A one-sided bead, when
//! written, has a `tuv` only for the side that has text. A reviewed pair (`--apply-edits`)
//! leaves rejected beads out and marks edited and confirmed units `x-reviewed`.
//!
//! Header and units carry one `creationdate` (ISO 8601 basic, UTC): the option
//! ([`parse_date`] reads the user's form, [`date_from_epoch`] `SOURCE_DATE_EPOCH`) or now.
//! A fixed date makes the file byte-for-byte reproducible.

use std::collections::HashSet;
use std::io::{BufWriter, Write};
use std::ops::Range;
use std::time::{SystemTime, UNIX_EPOCH};

use super::{
    bead_texts, check_pair, keep, known_score, pick_tag, xml_escape, xml_safe, ExportOptions,
    Format, Sink,
};
use crate::bitext::AlignedPair;
use crate::document::Structure;
use crate::error::{Error, Result};
use crate::review::{Reviewed, Status};

/// Streams TMX: the header goes out on creation, `</body></tmx>` on finish.
pub struct TmxSink<W: Write> {
    out: BufWriter<W>,
    src_lang: String,
    tgt_lang: String,
    src_over: Option<String>,
    tgt_over: Option<String>,
    one_sided: bool,
    note: Option<String>,
    date: String,
    ids: UniqueIds,
}

impl<W: Write> TmxSink<W> {
    /// Writes the XML declaration, DOCTYPE and header. Fails on a `creation_date` not in
    /// `YYYYMMDDThhmmssZ` form (clients parse it).
    pub fn new(out: W, opts: &ExportOptions, src_lang: &str, tgt_lang: &str) -> Result<Self> {
        let date = creation_date(opts)?;
        let src_lang = pick_tag(opts.src_tag.as_deref(), src_lang, "und");
        let tgt_lang = pick_tag(opts.tgt_tag.as_deref(), tgt_lang, "und");
        let mut out = BufWriter::new(out);
        write_header(&mut out, opts, &src_lang, &date)?;
        Ok(TmxSink {
            out,
            src_lang,
            tgt_lang,
            src_over: opts.src_tag.clone(),
            tgt_over: opts.tgt_tag.clone(),
            one_sided: opts.one_sided_for(Format::Tmx),
            note: clean_note(opts),
            date,
            ids: UniqueIds::default(),
        })
    }

    /// Writes the footer, flushes, and gives the writer back (e.g. to commit an
    /// [`crate::output::AtomicFile`]).
    pub fn into_inner(mut self) -> Result<W> {
        write_footer(&mut self.out)?;
        let mut w = self.out.into_inner().map_err(|e| e.into_error())?;
        w.flush()?;
        Ok(w)
    }
}

impl<W: Write> TmxSink<W> {
    /// One `tu` per bead written; `status` (empty when nobody reviewed the pair) leaves
    /// rejected beads out and marks checked ones `x-reviewed`. Bead numbers in tuids count
    /// every bead, so a unit keeps its id whatever is left out around it.
    fn write_units(&mut self, pair: &AlignedPair, status: &[Status]) -> Result<()> {
        check_pair(pair)?;
        let doc = xml_safe(pair.id.trim()).into_owned();
        let tuid_base = self.ids.claim(&doc);
        // Each pair's own language, so a TM merged from several language pairs stays right.
        let src_lang = pick_tag(self.src_over.as_deref(), &pair.src.lang, &self.src_lang);
        let tgt_lang = pick_tag(self.tgt_over.as_deref(), &pair.tgt.lang, &self.tgt_lang);
        for (i, bead) in pair.beads.iter().enumerate() {
            let verdict = status.get(i).copied().unwrap_or_default();
            if verdict == Status::Rejected {
                continue;
            }
            let (src, tgt) = bead_texts(pair, i, bead)?;
            let src = clean_segment(&src);
            let tgt = clean_segment(&tgt);
            if !keep(self.one_sided, &src, &tgt) {
                continue;
            }
            let o = &mut self.out;
            open_tu(o, &tuid(&tuid_base, i + 1), &self.date)?;
            // Unknown (NaN) for units converted from a TM without scores: left out.
            if let Some(score) = known_score(bead.score) {
                write_prop(o, 6, "x-score", &format!("{score:.3}"))?;
            }
            if !doc.is_empty() {
                write_prop(o, 6, "x-document", &doc)?;
            }
            write_prop(o, 6, "x-src-sentences", &positions(&bead.src))?;
            write_prop(o, 6, "x-tgt-sentences", &positions(&bead.tgt))?;
            write_prop(
                o,
                6,
                "x-bead",
                &format!("{}-{}", bead.src.len(), bead.tgt.len()),
            )?;
            if let Some(reviewed) = verdict.reviewed() {
                write_prop(o, 6, "x-reviewed", reviewed)?;
            }
            if let Some(kind) = bead_structure(pair, bead) {
                write_prop(o, 6, "x-structure", kind.as_str())?;
            }
            if let Some(note) = &self.note {
                writeln!(o, "      <note>{}</note>", xml_escape(note, false))?;
            }
            for (lang, text) in [(&src_lang, &src), (&tgt_lang, &tgt)] {
                if !text.is_empty() {
                    write_tuv(o, lang, &[], text)?;
                }
            }
            writeln!(o, "    </tu>")?;
        }
        Ok(())
    }
}

impl<W: Write> Sink for TmxSink<W> {
    fn write_pair(&mut self, pair: &AlignedPair) -> Result<()> {
        self.write_units(pair, &[])
    }

    fn write_reviewed(&mut self, reviewed: &Reviewed) -> Result<()> {
        self.write_units(&reviewed.pair, &reviewed.status)
    }

    fn finish(self: Box<Self>) -> Result<()> {
        self.into_inner().map(drop)
    }
}

/// The structure of a bead's text when it is not running text (a heading, list item or
/// table cell): the source side's first sentence, else the target's.
fn bead_structure(pair: &AlignedPair, bead: &crate::bitext::Bead) -> Option<Structure> {
    let first = |d: &crate::document::Document, r: &Range<usize>| {
        d.sentences
            .get(r.start)
            .filter(|_| !r.is_empty())
            .map(|s| s.structure)
    };
    first(&pair.src, &bead.src)
        .or_else(|| first(&pair.tgt, &bead.tgt))
        .filter(|s| !s.is_paragraph())
}

/// Document ids already used in one file: a repeated id gets `#2`, `#3`... so tuids stay
/// unique in a merged TM.
#[derive(Debug, Default)]
pub(crate) struct UniqueIds(HashSet<String>);

impl UniqueIds {
    /// `id`, or `id#n` with the first `n` not used before.
    pub(crate) fn claim(&mut self, id: &str) -> String {
        let mut candidate = id.to_string();
        let mut n = 1;
        while self.0.contains(&candidate) {
            n += 1;
            candidate = format!("{id}#{n}");
        }
        self.0.insert(candidate.clone());
        candidate
    }
}

/// `<base>-<n>`, or `<n>` for a pair without id.
pub(crate) fn tuid(base: &str, n: usize) -> String {
    if base.is_empty() {
        n.to_string()
    } else {
        format!("{base}-{n}")
    }
}

/// Segment text as TMX clients match it: XML-safe and trimmed (OmegaT gives no exact match
/// for a segment with outer spaces).
pub(crate) fn clean_segment(text: &str) -> String {
    xml_safe(text.trim()).trim().to_string()
}

/// The note of the options, XML-safe and trimmed; `None` when empty.
pub(crate) fn clean_note(opts: &ExportOptions) -> Option<String> {
    opts.note
        .as_deref()
        .map(|n| xml_safe(n.trim()).into_owned())
        .filter(|n| !n.is_empty())
}

/// The `creationdate` of header and units: the option, checked, else now.
pub(crate) fn creation_date(opts: &ExportOptions) -> Result<String> {
    match &opts.creation_date {
        Some(d) if is_tmx_date(d) => Ok(d.clone()),
        Some(d) => Err(Error::msg(format!(
            "TMX creation date '{d}' is not in the form YYYYMMDDThhmmssZ"
        ))),
        None => Ok(now_tmx_date()),
    }
}

/// The XML declaration, DOCTYPE, `<header>` and `<body>` opening tag.
pub(crate) fn write_header<W: Write>(
    out: &mut W,
    opts: &ExportOptions,
    srclang: &str,
    date: &str,
) -> Result<()> {
    let version = xml_safe(&opts.tool_version);
    write!(
        out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <!DOCTYPE tmx SYSTEM \"tmx14.dtd\">\n\
         <tmx version=\"1.4\">\n  \
         <header creationtool=\"bitalign\" creationtoolversion=\"{}\" segtype=\"sentence\" \
         o-tmf=\"bitalign\" adminlang=\"en\" srclang=\"{}\" datatype=\"plaintext\" \
         creationdate=\"{}\"/>\n  \
         <body>\n",
        xml_escape(&version, true),
        xml_escape(&xml_safe(srclang), true),
        date,
    )?;
    Ok(())
}

/// `</body></tmx>`.
pub(crate) fn write_footer<W: Write>(out: &mut W) -> Result<()> {
    out.write_all(b"  </body>\n</tmx>\n")?;
    Ok(())
}

/// `<tu tuid=.. creationdate=..>`; the caller writes props, note, tuvs and `</tu>`.
pub(crate) fn open_tu<W: Write>(out: &mut W, tuid: &str, date: &str) -> Result<()> {
    writeln!(
        out,
        "    <tu tuid=\"{}\" creationdate=\"{date}\">",
        xml_escape(&xml_safe(tuid), true)
    )?;
    Ok(())
}

/// `<prop type="..">value</prop>` indented by `indent` spaces.
pub(crate) fn write_prop<W: Write>(
    out: &mut W,
    indent: usize,
    ty: &str,
    value: &str,
) -> Result<()> {
    writeln!(
        out,
        "{:indent$}<prop type=\"{}\">{}</prop>",
        "",
        xml_escape(&xml_safe(ty), true),
        xml_escape(&xml_safe(value), false)
    )?;
    Ok(())
}

/// One `<tuv>`: its props (the DTD puts them before `<seg>`), then the already cleaned text.
pub(crate) fn write_tuv<W: Write>(
    out: &mut W,
    lang: &str,
    props: &[(&str, String)],
    text: &str,
) -> Result<()> {
    let lang = xml_escape(&xml_safe(lang), true).into_owned();
    let seg = xml_escape(text, false);
    if props.is_empty() {
        writeln!(out, "      <tuv xml:lang=\"{lang}\"><seg>{seg}</seg></tuv>")?;
        return Ok(());
    }
    writeln!(out, "      <tuv xml:lang=\"{lang}\">")?;
    for (ty, value) in props {
        write_prop(out, 8, ty, value)?;
    }
    writeln!(out, "        <seg>{seg}</seg>\n      </tuv>")?;
    Ok(())
}

/// 1-based sentence positions of a range: `3`, `3-4`, or empty.
pub(crate) fn positions(r: &Range<usize>) -> String {
    match r.len() {
        0 => String::new(),
        1 => format!("{}", r.start + 1),
        _ => format!("{}-{}", r.start + 1, r.end),
    }
}

/// Whether `s` is `YYYYMMDDThhmmssZ`.
fn is_tmx_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 16
        && b[8] == b'T'
        && b[15] == b'Z'
        && b[..8].iter().chain(&b[9..15]).all(u8::is_ascii_digit)
}

/// A user-given date as a TMX date: `YYYYMMDDThhmmssZ` as is, or the extended form
/// `YYYY-MM-DDThh:mm:ssZ`; UTC only (a TM date without zone is ambiguous).
pub fn parse_date(s: &str) -> Result<String> {
    let s = s.trim();
    let basic: String = if s.len() == 20 {
        s.chars().filter(|c| !matches!(c, '-' | ':')).collect()
    } else {
        s.to_string()
    };
    let b = s.as_bytes();
    let extended_ok =
        s.len() != 20 || (b[4] == b'-' && b[7] == b'-' && b[13] == b':' && b[16] == b':');
    if extended_ok && is_tmx_date(&basic) {
        Ok(basic)
    } else {
        Err(Error::msg(format!(
            "date '{s}' is not YYYYMMDDThhmmssZ or YYYY-MM-DDThh:mm:ssZ (UTC)"
        )))
    }
}

/// The TMX date of a `SOURCE_DATE_EPOCH` value (decimal seconds since 1970, UTC; the
/// reproducible-builds convention), refused when malformed rather than silently ignored.
pub fn date_from_epoch(value: &str) -> Result<String> {
    value.trim().parse::<u64>().map(tmx_date).map_err(|_| {
        Error::msg(format!(
            "SOURCE_DATE_EPOCH '{value}' is not a number of seconds since 1970"
        ))
    })
}

/// The current UTC time as a TMX date.
pub fn now_tmx_date() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    tmx_date(secs)
}

/// Seconds since the Unix epoch as `YYYYMMDDThhmmssZ` (UTC), using Howard Hinnant's
/// days-to-civil algorithm so no date crate is needed.
pub fn tmx_date(unix_secs: u64) -> String {
    let days = (unix_secs / 86_400) as i64;
    let rem = unix_secs % 86_400;
    let (h, m, s) = (rem / 3600, rem % 3600 / 60, rem % 60);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}{month:02}{day:02}T{h:02}{m:02}{s:02}Z")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tmx_date_formats_known_instants() {
        assert_eq!(tmx_date(0), "19700101T000000Z");
        assert_eq!(tmx_date(1_735_732_800), "20250101T120000Z");
        assert_eq!(tmx_date(951_782_400), "20000229T000000Z");
        assert_eq!(tmx_date(4_102_444_799), "20991231T235959Z");
        assert_eq!(tmx_date(4_107_542_399), "21000228T235959Z");
        assert!(is_tmx_date(&now_tmx_date()));
    }

    #[test]
    fn user_dates_and_source_date_epoch_become_basic_utc() {
        assert_eq!(parse_date("20250101T120000Z").unwrap(), "20250101T120000Z");
        assert_eq!(
            parse_date("2025-01-01T12:00:00Z").unwrap(),
            "20250101T120000Z"
        );
        assert!(parse_date("2025-01-01").is_err());
        assert!(parse_date("2025-01-01T12:00:00+01").is_err());
        assert!(parse_date("2025-01-01X12:00:00Z").is_err());
        assert_eq!(date_from_epoch("1735732800").unwrap(), "20250101T120000Z");
        assert!(date_from_epoch("yesterday").is_err());
    }

    #[test]
    fn positions_are_one_based() {
        assert_eq!(positions(&(2..4)), "3-4");
        assert_eq!(positions(&(0..1)), "1");
        assert_eq!(positions(&(5..5)), "");
    }

    #[test]
    fn bad_creation_date_is_refused() {
        let opts = ExportOptions {
            creation_date: Some("2025-01-01".into()),
            ..Default::default()
        };
        assert!(TmxSink::new(Vec::new(), &opts, "en", "ar").is_err());
    }
}
