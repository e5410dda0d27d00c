//! The review page: one self-contained HTML file (inline CSS, JS and SVG, no fonts or other
//! network resources, so it opens offline and can be mailed) where a reviewer checks an
//! alignment and corrects it into a TM they trust.
//!
//! Each pair is a `<section>` with a summary (beads per shape, mean score, beads per
//! confidence band), an SVG plot of the alignment path, an empty bead table and its data: a
//! `<script type="application/json">` block with the sentences, the beads (sentence ranges,
//! score as the TMX writes it, review status) and what the page's exports need to write
//! exactly what `bitalign` writes (tuid base, language tags). The editor (`html/editor.js`,
//! the contract `window.bitalign`) renders the table from the data, edits the beads (merge,
//! split, move, reject, confirm, undo/redo) and exports TMX, TSV, CSV and the edits patch
//! that `--apply-edits` replays ([`crate::review`]). A page of many pairs (a batch's
//! `--merge`) opens on an index of the pairs and renders a pair's table only when opened.
//!
//! Untrusted text never reaches the page as markup: attributes and element text are escaped
//! with [`xml_escape`] after [`xml_safe`]; the data blocks are JSON with `<`, `>`, `&`,
//! U+2028 and U+2029 written as `\u` escapes (no `</script>`, no `<!--`); the script puts
//! text in the page only through `textContent` and `setAttribute`.
//!
//! The page streams: the head goes out on creation, a section per pair, the script on
//! finish.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{BufWriter, Write};

use serde_json::{json, Value};

use super::jsonl::side;
use super::tmx::{clean_note, creation_date, UniqueIds};
use super::{
    check_pair, keep, known_score, pick_tag, unbuffer, xml_escape, xml_safe, ExportOptions, Format,
    Sink, REVIEW_BELOW,
};
use crate::bitext::{sentence_separator, AlignedPair, Bead};
use crate::document::Document;
use crate::error::Result;
use crate::review::{Reviewed, Status};

/// Beyond this many beads the plot merges neighbours into one segment (colored by the worst
/// of them), so a 20k-bead pair stays a light, fast SVG.
const MAX_PLOT_SEGMENTS: usize = 3000;

/// Confidence bands, best first: lower bound, CSS class, legend label.
const BANDS: [(f64, &str, &str); 4] = [
    (REVIEW_BELOW, "hi", "≥ 0.90"),
    (0.7, "md", "0.70–0.90"),
    (0.5, "lo", "0.50–0.70"),
    (f64::NEG_INFINITY, "vl", "< 0.50"),
];

/// Legend of the classes beyond the score bands.
const OTHER_CLASSES: [(&str, &str); 2] = [("os", "one-sided"), ("na", "no score")];

/// The CSS class of a score's band; `na` for an unknown score.
fn band(score: Option<f64>) -> &'static str {
    match score {
        None => "na",
        Some(s) => BANDS
            .iter()
            .find(|(min, _, _)| s >= *min)
            .map_or("vl", |b| b.1),
    }
}

/// The class of a bead: a one-sided bead is `os` whatever its score, so a sentence without
/// counterpart never looks like a confident pair.
fn bead_band(bead: &Bead) -> &'static str {
    if bead.is_one_sided() {
        "os"
    } else {
        band(known_score(bead.score))
    }
}

/// Escaped for HTML text and double-quoted attribute values alike.
fn esc(text: &str) -> String {
    xml_escape(&xml_safe(text), true).into_owned()
}

/// JSON for a `<script type="application/json">` block: `<`, `>` and `&` as `\u` escapes
/// (no `</script>`, `<!--` or entity can appear), U+2028/2029 too (line terminators to
/// older JS parsers). Valid JSON still: these characters occur only inside strings.
fn script_json(value: &Value) -> String {
    let text = value.to_string();
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// Whether a language is written right to left (by its primary subtag).
fn is_rtl(tag: &str) -> bool {
    let primary = tag.split('-').next().unwrap_or("");
    matches!(
        primary,
        "ar" | "he" | "iw" | "fa" | "ur" | "ps" | "yi" | "dv" | "ckb" | "sd" | "ug" | "syr"
    )
}

/// `lang="…" dir="…"` for a cell of text in `tag`.
fn lang_attrs(tag: &str) -> String {
    let dir = if is_rtl(tag) { "rtl" } else { "ltr" };
    format!("lang=\"{}\" dir=\"{dir}\"", esc(tag))
}

/// Streams the review page.
pub struct HtmlSink<W: Write> {
    out: BufWriter<W>,
    src_lang: String,
    tgt_lang: String,
    src_over: Option<String>,
    tgt_over: Option<String>,
    one_sided: bool,
    documents: Option<(String, String)>,
    sections: usize,
    ids: UniqueIds,
    /// The page-wide data block (export settings), written before the script.
    data: Value,
}

impl<W: Write> HtmlSink<W> {
    /// Writes the head, the styles, the toolbar and the key help. Fails on a malformed
    /// TMX creation date, as the TMX writer does (the page's TMX export uses it).
    pub fn new(out: W, opts: &ExportOptions, src_lang: &str, tgt_lang: &str) -> Result<Self> {
        let mut out = BufWriter::new(out);
        let header_src = pick_tag(opts.src_tag.as_deref(), src_lang, "und");
        let header_tgt = pick_tag(opts.tgt_tag.as_deref(), tgt_lang, "und");
        let title = match &opts.documents {
            Some((s, t)) => format!("{s} ({header_src}) ↔ {t} ({header_tgt})"),
            None => format!("{header_src} → {header_tgt}"),
        };
        let name = opts
            .documents
            .as_ref()
            .and_then(|(s, _)| std::path::Path::new(s).file_stem())
            .map_or("bitalign-review".to_string(), |s| {
                s.to_string_lossy().into_owned()
            });
        let data = json!({
            "version": opts.tool_version,
            "srclang": header_src,
            "tgtlang": header_tgt,
            "date": opts.creation_date.as_ref().map(|_| creation_date(opts)).transpose()?,
            "note": clean_note(opts),
            "bom": opts.bom,
            "oneSided": {
                "tmx": opts.one_sided_for(Format::Tmx),
                "csv": opts.one_sided_for(Format::Csv),
                "tsv": opts.one_sided_for(Format::Tsv),
            },
            "threshold": REVIEW_BELOW,
            "name": name,
        });
        write!(
            out,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <meta name=\"generator\" content=\"bitalign {version}\">\n\
             <title>bitalign review: {title}</title>\n<style>{CSS}</style>\n</head>\n<body>\n\
             <header class=\"bar\">\n<h1 class=\"brand\">bitalign <span>review</span> \
             <small id=\"doc-title\">{title}</small></h1>\n{TOOLBAR}</header>\n<main>\n{HELP}\
             <noscript><p class=\"empty\">The bead tables and the editor need JavaScript.</p>\
             </noscript>\n",
            version = esc(&opts.tool_version),
            title = esc(&title),
        )?;
        Ok(HtmlSink {
            out,
            src_lang: src_lang.to_string(),
            tgt_lang: tgt_lang.to_string(),
            src_over: opts.src_tag.clone(),
            tgt_over: opts.tgt_tag.clone(),
            one_sided: opts.one_sided_for(Format::Html),
            documents: opts.documents.clone(),
            sections: 0,
            ids: UniqueIds::default(),
            data,
        })
    }

    /// Writes the data block, the script and closing tags, flushes, and gives the writer
    /// back.
    pub fn into_inner(mut self) -> Result<W> {
        if self.sections == 0 {
            self.out
                .write_all(b"<p class=\"empty\">No sentence pairs.</p>\n")?;
        }
        write!(
            self.out,
            "</main>\n<script type=\"application/json\" id=\"bitalign-data\">{}</script>\n\
             <script>{JS}</script>\n</body>\n</html>\n",
            script_json(&self.data)
        )?;
        unbuffer(self.out)
    }

    /// One pair's section: heading, summary, plot, the table the script fills, the data.
    fn write_section(&mut self, pair: &AlignedPair, status: &[Status]) -> Result<()> {
        check_pair(pair)?;
        // Decided on the ranges, as JSONL does: the page shows the same beads.
        let shown: Vec<(usize, &Bead)> = pair
            .beads
            .iter()
            .enumerate()
            .filter(|(_, b)| keep(self.one_sided, side(&b.src), side(&b.tgt)))
            .collect();
        let src_lang = pick_tag(self.src_over.as_deref(), &pair.src.lang, &self.src_lang);
        let tgt_lang = pick_tag(self.tgt_over.as_deref(), &pair.tgt.lang, &self.tgt_lang);
        let k = self.sections;
        self.sections += 1;
        let title = match (&self.documents, k) {
            (Some((s, t)), 0) => format!("{s} ↔ {t}"),
            _ if pair.id.trim().is_empty() => format!("Pair {}", k + 1),
            _ => pair.id.trim().to_string(),
        };
        let stats = Stats::of(&shown);
        let doc = xml_safe(pair.id.trim()).into_owned();
        let tuid_base = self.ids.claim(&doc);
        let data = json!({
            "id": pair.id,
            "doc": doc,
            "tuid": tuid_base,
            "show1": self.one_sided,
            "src": side_data(&pair.src, &src_lang),
            "tgt": side_data(&pair.tgt, &tgt_lang),
            "beads": pair.beads.iter().enumerate().map(|(i, b)| {
                let score = known_score(b.score).map(|s| format!("{s:.3}"));
                let st = status.get(i).copied().unwrap_or_default();
                json!([b.src.start, b.src.end, b.tgt.start, b.tgt.end, score, st])
            }).collect::<Vec<_>>(),
        });
        let o = &mut self.out;
        writeln!(
            o,
            "<section class=\"pair\" id=\"pair-{k}\" hidden data-pair=\"{}\" data-title=\"{}\" \
             data-langs=\"{} → {}\" data-sentences=\"{} / {}\" data-beads=\"{}\" \
             data-mean=\"{}\" data-low=\"{}\">\n<h2>{}<span class=\"langs\">{} → {}</span></h2>",
            esc(&pair.id),
            esc(&title),
            esc(&src_lang),
            esc(&tgt_lang),
            pair.src.len(),
            pair.tgt.len(),
            shown.len(),
            stats.mean_text(),
            stats.low_share(),
            esc(&title),
            esc(&src_lang),
            esc(&tgt_lang)
        )?;
        writeln!(
            o,
            "<div class=\"overview\">\n{}{}</div>",
            summary(pair, &shown, &stats),
            plot(pair, &shown, &src_lang, &tgt_lang)
        )?;
        writeln!(
            o,
            "<table class=\"beads\">\n<colgroup><col class=\"c-n\"><col><col><col class=\"c-sc\">\
             </colgroup>\n<thead><tr><th>#</th><th {}>Source · {}</th><th {}>Target · {}</th>\
             <th>Score</th></tr></thead>\n<tbody class=\"rows\"></tbody>\n</table>\n\
             <script type=\"application/json\" class=\"pair-data\">{}</script>\n</section>",
            lang_attrs(&src_lang),
            esc(&src_lang),
            lang_attrs(&tgt_lang),
            esc(&tgt_lang),
            script_json(&data)
        )?;
        Ok(())
    }
}

/// One side of a pair for the data block: language tag (TMX `xml:lang`), direction, the
/// separator of its sentences in a bead, and the sentences.
fn side_data(doc: &Document, tag: &str) -> Value {
    json!({
        "tag": tag,
        "rtl": is_rtl(tag),
        "sep": sentence_separator(doc),
        "s": doc.sentences.iter().map(|s| s.text.as_str()).collect::<Vec<_>>(),
    })
}

impl<W: Write> Sink for HtmlSink<W> {
    fn write_pair(&mut self, pair: &AlignedPair) -> Result<()> {
        self.write_section(pair, &[])
    }

    fn write_reviewed(&mut self, reviewed: &Reviewed) -> Result<()> {
        self.write_section(&reviewed.pair, &reviewed.status)
    }

    fn finish(self: Box<Self>) -> Result<()> {
        self.into_inner().map(drop)
    }
}

/// Beads per shape and per band, the mean score and the beads under the review threshold.
struct Stats {
    shapes: BTreeMap<(usize, usize), usize>,
    bands: BTreeMap<&'static str, usize>,
    mean: Option<f64>,
    below: usize,
    beads: usize,
}

impl Stats {
    fn of(beads: &[(usize, &Bead)]) -> Stats {
        let mut st = Stats {
            shapes: BTreeMap::new(),
            bands: BTreeMap::new(),
            mean: None,
            below: 0,
            beads: beads.len(),
        };
        let (mut sum, mut scored) = (0.0, 0usize);
        for (_, b) in beads {
            *st.shapes.entry((b.src.len(), b.tgt.len())).or_default() += 1;
            *st.bands.entry(bead_band(b)).or_default() += 1;
            if let Some(s) = known_score(b.score) {
                sum += s;
                scored += 1;
                st.below += usize::from(s < REVIEW_BELOW);
            }
        }
        st.mean = (scored > 0).then(|| sum / scored as f64);
        st
    }

    fn mean_text(&self) -> String {
        self.mean.map_or("–".to_string(), |m| format!("{m:.3}"))
    }

    /// The share of beads under the review threshold, 3 decimals.
    fn low_share(&self) -> String {
        format!("{:.3}", self.below as f64 / self.beads.max(1) as f64)
    }
}

/// The summary card: counts, the band bar, the shape and band tables.
fn summary(pair: &AlignedPair, beads: &[(usize, &Bead)], st: &Stats) -> String {
    let mut s = String::from("<div class=\"summary\">\n<div class=\"stats\">");
    for (value, label) in [
        (beads.len().to_string(), "beads"),
        (st.mean_text(), "mean score"),
        (st.below.to_string(), "below 0.90"),
        (
            format!("{} / {}", pair.src.len(), pair.tgt.len()),
            "sentences",
        ),
    ] {
        let _ = write!(
            s,
            "<div class=\"stat\"><b>{}</b><span>{label}</span></div>",
            esc(&value)
        );
    }
    s.push_str("</div>\n<div class=\"bandbar\" title=\"beads per confidence band\">");
    let total = beads.len().max(1) as f64;
    let labels = BANDS
        .iter()
        .map(|b| (b.1, b.2))
        .chain(OTHER_CLASSES.iter().copied());
    for (class, label) in labels.clone() {
        let n = st.bands.get(class).copied().unwrap_or(0);
        if n > 0 {
            let _ = write!(
                s,
                "<span class=\"{class}\" style=\"width:{:.2}%\" title=\"{label}: {n}\"></span>",
                100.0 * n as f64 / total
            );
        }
    }
    s.push_str("</div>\n<div class=\"tables\">\n<table class=\"shapes\"><thead><tr><th>shape</th><th>beads</th></tr></thead><tbody>");
    // 1-1 first, then by count: the usual shapes on top, oddities below.
    let mut rows: Vec<((usize, usize), usize)> = st.shapes.iter().map(|(&k, &n)| (k, n)).collect();
    rows.sort_by_key(|&((a, b), n)| ((a, b) != (1, 1), std::cmp::Reverse(n), a, b));
    for ((a, b), n) in rows {
        let odd = if a == 0 || b == 0 {
            " class=\"one\""
        } else {
            ""
        };
        let _ = write!(s, "<tr{odd}><td>{a}-{b}</td><td>{n}</td></tr>");
    }
    s.push_str("</tbody></table>\n<table class=\"shapes\"><thead><tr><th>confidence</th><th>beads</th></tr></thead><tbody>");
    for (class, label) in labels {
        let n = st.bands.get(class).copied().unwrap_or(0);
        if BANDS.iter().all(|b| b.1 != class) && n == 0 {
            continue;
        }
        let _ = write!(
            s,
            "<tr><td><span class=\"key {class}\"></span>{label}</td><td>{n}</td></tr>"
        );
    }
    s.push_str("</tbody></table>\n</div>\n</div>\n");
    s
}

/// The alignment path as an inline SVG: source position across, target position up, one
/// segment per bead colored by its band (neighbours merged beyond [`MAX_PLOT_SEGMENTS`]).
fn plot(pair: &AlignedPair, beads: &[(usize, &Bead)], src_lang: &str, tgt_lang: &str) -> String {
    const W: f64 = 420.0;
    const H: f64 = 300.0;
    // Margins: left (tick labels), right, top, bottom (axis title).
    const L: f64 = 46.0;
    const T: f64 = 10.0;
    let (pw, ph) = (W - L - 12.0, H - T - 36.0);
    let ns = pair.src.len().max(1) as f64;
    let nt = pair.tgt.len().max(1) as f64;
    let x = |s: usize| L + pw * s as f64 / ns;
    let y = |t: usize| T + ph - ph * t as f64 / nt;

    // Per band: path data, and the last point drawn, to continue a run without a new `M`.
    type Run = (String, Option<(usize, usize)>);
    let mut paths: BTreeMap<&str, Run> = BTreeMap::new();
    let chunk = beads.len().div_ceil(MAX_PLOT_SEGMENTS).max(1);
    for group in beads.chunks(chunk) {
        let (Some(first), Some(last)) = (group.first(), group.last()) else {
            continue;
        };
        let worst = group
            .iter()
            .filter_map(|(_, b)| known_score(b.score))
            .reduce(f64::min);
        let from = (first.1.src.start, first.1.tgt.start);
        let to = (last.1.src.end, last.1.tgt.end);
        let class = if group.iter().any(|(_, b)| b.is_one_sided()) {
            "os"
        } else {
            band(worst)
        };
        let (d, end) = paths.entry(class).or_default();
        if *end != Some(from) {
            let _ = write!(d, "M{:.1} {:.1}", x(from.0), y(from.1));
        }
        let _ = write!(d, "L{:.1} {:.1}", x(to.0), y(to.1));
        *end = Some(to);
    }

    let mut s = format!(
        "<figure class=\"plot\"><svg viewBox=\"0 0 {W} {H}\" \
         role=\"img\" aria-label=\"alignment path\" data-ns=\"{}\" data-nt=\"{}\" \
         data-l=\"{L}\" data-pw=\"{pw}\">",
        pair.src.len(),
        pair.tgt.len()
    );
    let _ = write!(
        s,
        "<rect class=\"frame\" x=\"{L}\" y=\"{T}\" width=\"{pw}\" height=\"{ph}\"/>"
    );
    for k in 1..4 {
        let f = k as f64 / 4.0;
        let _ = write!(
            s,
            "<line class=\"grid\" x1=\"{0:.1}\" y1=\"{T}\" x2=\"{0:.1}\" y2=\"{1:.1}\"/>\
             <line class=\"grid\" x1=\"{L}\" y1=\"{2:.1}\" x2=\"{3:.1}\" y2=\"{2:.1}\"/>",
            L + pw * f,
            T + ph,
            T + ph * f,
            L + pw
        );
    }
    let _ = write!(
        s,
        "<line class=\"diag\" x1=\"{L}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{T}\"/>",
        T + ph,
        L + pw
    );
    // Worst bands last, so they are drawn on top.
    for class in ["na", "hi", "os", "md", "lo", "vl"] {
        if let Some((d, _)) = paths.get(class) {
            let _ = write!(s, "<path class=\"p {class}\" d=\"{d}\"/>");
        }
    }
    let _ = write!(
        s,
        "<text x=\"{L}\" y=\"{0:.1}\" class=\"tick\">0</text>\
         <text x=\"{1:.1}\" y=\"{0:.1}\" class=\"tick end\">{2}</text>\
         <text x=\"{3:.1}\" y=\"{4:.1}\" class=\"tick end\">{5}</text>\
         <text x=\"{6:.1}\" y=\"{7:.1}\" class=\"axis\">source sentence ({8})</text>\
         <text class=\"axis\" transform=\"translate(14 {9:.1}) rotate(-90)\">target sentence ({10})</text>",
        T + ph + 14.0,
        L + pw,
        pair.src.len(),
        L - 6.0,
        T + 10.0,
        pair.tgt.len(),
        L + pw / 2.0,
        H - 6.0,
        esc(src_lang),
        T + ph / 2.0,
        esc(tgt_lang),
    );
    let merged = if chunk > 1 {
        format!(" Every segment merges {chunk} beads and takes the color of the worst.")
    } else {
        String::new()
    };
    let _ = writeln!(
        s,
        "</svg><figcaption>Alignment path: the dashed line is the diagonal; steps away from it \
         are insertions or omissions. Click to jump to a bead.{merged}</figcaption></figure>"
    );
    s
}

/// The page's style sheet.
const CSS: &str = include_str!("html/page.css");

/// The toolbar: review queue, edit actions (each also a key), exports. Buttons name their
/// action in `data-action`; the script binds them.
const TOOLBAR: &str = r#"<div class="tools">
<div class="group"><button type="button" id="prev" data-action="prev" title="Previous bead to review">◂ <kbd>p</kbd></button><button type="button" id="next" data-action="next" title="Next bead to review (under the threshold or one-sided, not reviewed)"><kbd>n</kbd> ▸</button>
<label class="thr">Threshold <input type="range" id="thr" min="0" max="1" step="0.05" value="0.9"><output id="thrv">0.90</output></label>
<label class="only"><input type="checkbox" id="only"> Only to review</label></div>
<div class="group edit"><button type="button" data-action="merge" title="Merge the bead with the next (m)">Merge <kbd>m</kbd></button><button type="button" data-action="split" title="Split the bead (s, then arrows, Enter)">Split <kbd>s</kbd></button><button type="button" data-action="move-src-up" title="Move the first source sentence to the previous bead ([)">Src ↑ <kbd>[</kbd></button><button type="button" data-action="move-src-down" title="Move the last source sentence to the next bead (])">Src ↓ <kbd>]</kbd></button><button type="button" data-action="move-tgt-up" title="Move the first target sentence to the previous bead ({)">Tgt ↑ <kbd>{</kbd></button><button type="button" data-action="move-tgt-down" title="Move the last target sentence to the next bead (})">Tgt ↓ <kbd>}</kbd></button><button type="button" data-action="reject" title="Reject: leave the bead out of the TM (x)">Reject <kbd>x</kbd></button><button type="button" data-action="confirm" title="Confirm the bead (c)">Confirm <kbd>c</kbd></button><button type="button" data-action="undo" title="Undo (u, Ctrl+Z)">Undo <kbd>u</kbd></button><button type="button" data-action="redo" title="Redo (r, Ctrl+Shift+Z)">Redo <kbd>r</kbd></button></div>
<div class="group export"><button type="button" data-action="export-tmx" title="Download the corrected TMX">TMX ⤓</button><button type="button" data-action="export-tsv" title="Download the corrected TSV">TSV ⤓</button><button type="button" data-action="export-csv" title="Download the corrected CSV">CSV ⤓</button><button type="button" data-action="export-edits" title="Save the edits as JSON, for bitalign align --apply-edits">Edits ⤓</button><button type="button" data-action="index" id="to-index" hidden title="Back to the list of pairs (Backspace)">☰ Pairs</button></div>
<span id="status" aria-live="polite"></span>
</div>
"#;

/// The keys, documented on the page.
const HELP: &str = r#"<details class="help" id="help"><summary>Keys and mouse <kbd>?</kbd></summary>
<dl>
<dt><kbd>↓</kbd> <kbd>j</kbd> / <kbd>↑</kbd> <kbd>k</kbd></dt><dd>next / previous bead (or click a row)</dd>
<dt><kbd>n</kbd> / <kbd>p</kbd></dt><dd>next / previous bead to review: under the threshold or one-sided, not yet reviewed</dd>
<dt><kbd>m</kbd></dt><dd>merge the bead with the next one</dd>
<dt><kbd>s</kbd></dt><dd>split the bead: <kbd>←</kbd> <kbd>→</kbd> move the source cut, <kbd>Shift</kbd>+<kbd>←</kbd> <kbd>→</kbd> the target cut (or click the sentence that starts the second part), <kbd>Enter</kbd> splits, <kbd>Esc</kbd> cancels</dd>
<dt><kbd>[</kbd> / <kbd>]</kbd></dt><dd>move the first source sentence to the previous bead / the last one to the next bead</dd>
<dt><kbd>{</kbd> / <kbd>}</kbd></dt><dd>the same for target sentences</dd>
<dt><kbd>x</kbd> / <kbd>c</kbd></dt><dd>reject (left out of the TM) / confirm; again to take it back</dd>
<dt><kbd>u</kbd> / <kbd>r</kbd></dt><dd>undo / redo (also <kbd>Ctrl</kbd>+<kbd>Z</kbd>, <kbd>Ctrl</kbd>+<kbd>Shift</kbd>+<kbd>Z</kbd>)</dd>
<dt>TMX, TSV, CSV ⤓</dt><dd>download the corrected TM: rejected beads left out, edited and confirmed units marked <code>x-reviewed</code></dd>
<dt>Edits ⤓</dt><dd>save the edits; <code>bitalign align SRC TGT --apply-edits FILE</code> replays them on the same texts</dd>
</dl>
<p>Sentence boundaries inside a bead are marked with a dotted bar. Scripts can drive the page through <code>window.bitalign</code> (see README).</p>
</details>
"#;

/// The editor.
const JS: &str = include_str!("html/editor.js");

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Document;

    fn pair(n: usize) -> AlignedPair {
        let texts: Vec<String> = (0..n).map(|k| format!("S{k} <b>&amp;")).collect();
        AlignedPair {
            id: "doc\"1".into(),
            src: Document::from_paragraphs("en", std::slice::from_ref(&texts)),
            tgt: Document::from_paragraphs("ar", &[texts]),
            beads: (0..n)
                .map(|k| Bead {
                    src: k..k + 1,
                    tgt: k..if k % 10 == 3 { k } else { k + 1 },
                    score: (k % 7) as f64 / 6.0,
                })
                .collect(),
        }
    }

    fn page(p: &AlignedPair) -> String {
        let mut sink = HtmlSink::new(Vec::new(), &ExportOptions::default(), "en", "ar").unwrap();
        sink.write_pair(p).unwrap();
        String::from_utf8(sink.into_inner().unwrap()).unwrap()
    }

    /// The JSON of the page's first pair data block, parsed.
    fn pair_data(html: &str) -> Value {
        let open = "<script type=\"application/json\" class=\"pair-data\">";
        let at = html.find(open).unwrap() + open.len();
        let end = at + html[at..].find("</script>").unwrap();
        serde_json::from_str(&html[at..end]).unwrap()
    }

    #[test]
    fn every_bead_is_in_the_data_block_and_text_is_escaped() {
        let html = page(&pair(25));
        let data = pair_data(&html);
        assert_eq!(data["beads"].as_array().unwrap().len(), 25);
        assert_eq!(data["src"]["s"][0], "S0 <b>&amp;");
        assert_eq!(data["beads"][1][4], "0.167");
        assert!(!html.contains("S0 <b>"));
        assert!(html.contains("S0 \\u003cb\\u003e\\u0026amp;"));
        assert!(html.contains("data-pair=\"doc&quot;1\""));
        assert!(html.contains("lang=\"ar\" dir=\"rtl\""));
        assert_eq!(data["tgt"]["rtl"], true);
    }

    #[test]
    fn data_blocks_cannot_close_the_script_or_open_a_comment() {
        let hostile = "</script><script>alert(1)</script><!-- \u{2028}\u{2029} & <\\/script>";
        let json = script_json(&json!({ "s": hostile }));
        for bad in ["</", "<!--", "<", ">", "&", "\u{2028}", "\u{2029}"] {
            assert!(!json.contains(bad), "{bad:?} in {json}");
        }
        let back: Value = serde_json::from_str(&json).unwrap();
        assert_eq!(back["s"], hostile);
        // The editor's own code neither ends its script nor opens a comment.
        assert!(!JS.to_ascii_lowercase().contains("</script") && !JS.contains("<!--"));
    }

    #[test]
    fn one_sided_beads_are_never_a_confident_band() {
        let one_sided = Bead {
            src: 0..1,
            tgt: 0..0,
            score: 0.99,
        };
        assert_eq!(bead_band(&one_sided), "os");
        let html = page(&pair(25));
        assert!(html.contains("<span class=\"key os\"></span>one-sided"));
    }

    #[test]
    fn plot_of_a_huge_pair_stays_small() {
        let html = page(&pair(20_000));
        let svg = &html[html.find("<svg").unwrap()..html.find("</svg>").unwrap()];
        assert!(svg.matches('L').count() <= MAX_PLOT_SEGMENTS + 10);
        assert!(svg.len() < 120_000, "{} bytes", svg.len());
    }

    #[test]
    fn bands_follow_the_review_threshold() {
        assert_eq!(band(Some(0.95)), "hi");
        assert_eq!(band(Some(REVIEW_BELOW)), "hi");
        assert_eq!(band(Some(0.8)), "md");
        assert_eq!(band(Some(0.0)), "vl");
        assert_eq!(band(None), "na");
    }
}
