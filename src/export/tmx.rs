//! TMX 1.4 that validates against the LISA DTD and loads in OmegaT, translate-toolkit and
//! Trados: the rules in `shared/formats/TM-EXPORT-NOTES.md` (XML-1.0-illegal characters
//! dropped, hyphenated language tags, trimmed segments, `prop`/`note` before `tuv`).
//!
//! One `tu` per bead. Its `tuid` is `<pair id>-<bead number>` (1-based, counting every bead,
//! so ids stay the same whether one-sided beads are written or not); a pair id seen before
//! in the same file gets a `#2`, `#3`... suffix so tuids stay unique in a merged TM. Props:
//! `x-score` (3 decimals), `x-document` (pair id, left out when empty), `x-src-sentences` and
//! `x-tgt-sentences` (1-based positions `3` or `3-4`, empty for a missing side). A one-sided
//! bead, when written, has a `tuv` only for the side that has text.

use std::collections::HashSet;
use std::io::{BufWriter, Write};
use std::ops::Range;
use std::time::{SystemTime, UNIX_EPOCH};

use super::{
    bead_texts, check_pair, keep, known_score, pick_tag, xml_escape, xml_safe, ExportOptions,
    Format, Sink,
};
use crate::align::AlignedPair;
use crate::error::{Error, Result};

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
    used_ids: HashSet<String>,
}

impl<W: Write> TmxSink<W> {
    /// Writes the XML declaration, DOCTYPE and header. Fails on a `creation_date` not in
    /// `YYYYMMDDThhmmssZ` form (clients parse it).
    pub fn new(out: W, opts: &ExportOptions, src_lang: &str, tgt_lang: &str) -> Result<Self> {
        let date = match &opts.creation_date {
            Some(d) if is_tmx_date(d) => d.clone(),
            Some(d) => {
                return Err(Error::msg(format!(
                    "TMX creation date '{d}' is not in the form YYYYMMDDThhmmssZ"
                )))
            }
            None => now_tmx_date(),
        };
        let src_lang = pick_tag(opts.src_tag.as_deref(), src_lang, "und");
        let tgt_lang = pick_tag(opts.tgt_tag.as_deref(), tgt_lang, "und");
        let mut out = BufWriter::new(out);
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
            xml_escape(&xml_safe(&src_lang), true),
            date,
        )?;
        let note = opts
            .note
            .as_deref()
            .map(|n| xml_safe(n.trim()).into_owned())
            .filter(|n| !n.is_empty());
        Ok(TmxSink {
            out,
            src_lang,
            tgt_lang,
            src_over: opts.src_tag.clone(),
            tgt_over: opts.tgt_tag.clone(),
            one_sided: opts.one_sided_for(Format::Tmx),
            note,
            date,
            used_ids: HashSet::new(),
        })
    }

    /// Writes the footer, flushes, and gives the writer back (e.g. to commit an
    /// [`crate::output::AtomicFile`]).
    pub fn into_inner(mut self) -> Result<W> {
        self.out.write_all(b"  </body>\n</tmx>\n")?;
        let mut w = self.out.into_inner().map_err(|e| e.into_error())?;
        w.flush()?;
        Ok(w)
    }

    /// A document id not used before in this file.
    fn unique_doc_id(&mut self, id: &str) -> String {
        let mut candidate = id.to_string();
        let mut n = 1;
        while self.used_ids.contains(&candidate) {
            n += 1;
            candidate = format!("{id}#{n}");
        }
        self.used_ids.insert(candidate.clone());
        candidate
    }
}

impl<W: Write> Sink for TmxSink<W> {
    fn write_pair(&mut self, pair: &AlignedPair) -> Result<()> {
        check_pair(pair)?;
        let doc = xml_safe(pair.id.trim()).into_owned();
        let tuid_base = self.unique_doc_id(&doc);
        // Each pair's own language, so a TM merged from several language pairs stays right.
        let src_lang = pick_tag(self.src_over.as_deref(), &pair.src.lang, &self.src_lang);
        let tgt_lang = pick_tag(self.tgt_over.as_deref(), &pair.tgt.lang, &self.tgt_lang);
        let src_lang = xml_safe(&src_lang).into_owned();
        let tgt_lang = xml_safe(&tgt_lang).into_owned();
        for (i, bead) in pair.beads.iter().enumerate() {
            let (src, tgt) = bead_texts(pair, i, bead)?;
            let src = xml_safe(src.trim()).trim().to_string();
            let tgt = xml_safe(tgt.trim()).trim().to_string();
            if !keep(self.one_sided, &src, &tgt) {
                continue;
            }
            let tuid = if tuid_base.is_empty() {
                format!("{}", i + 1)
            } else {
                format!("{tuid_base}-{}", i + 1)
            };
            let o = &mut self.out;
            writeln!(
                o,
                "    <tu tuid=\"{}\" creationdate=\"{}\">",
                xml_escape(&tuid, true),
                self.date
            )?;
            // Unknown (NaN) for units converted from a TM without scores: left out.
            if let Some(score) = known_score(bead.score) {
                writeln!(o, "      <prop type=\"x-score\">{score:.3}</prop>")?;
            }
            if !doc.is_empty() {
                writeln!(
                    o,
                    "      <prop type=\"x-document\">{}</prop>",
                    xml_escape(&doc, false)
                )?;
            }
            writeln!(
                o,
                "      <prop type=\"x-src-sentences\">{}</prop>",
                positions(&bead.src)
            )?;
            writeln!(
                o,
                "      <prop type=\"x-tgt-sentences\">{}</prop>",
                positions(&bead.tgt)
            )?;
            if let Some(note) = &self.note {
                writeln!(o, "      <note>{}</note>", xml_escape(note, false))?;
            }
            for (lang, text) in [(&src_lang, &src), (&tgt_lang, &tgt)] {
                if text.is_empty() {
                    continue;
                }
                writeln!(
                    o,
                    "      <tuv xml:lang=\"{}\"><seg>{}</seg></tuv>",
                    xml_escape(lang, true),
                    xml_escape(text, false)
                )?;
            }
            writeln!(o, "    </tu>")?;
        }
        Ok(())
    }

    fn finish(self: Box<Self>) -> Result<()> {
        self.into_inner().map(drop)
    }
}

/// 1-based sentence positions of a range: `3`, `3-4`, or empty.
fn positions(r: &Range<usize>) -> String {
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
