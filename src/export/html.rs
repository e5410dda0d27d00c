//! A review page: one self-contained HTML file (inline CSS, JS and SVG, no fonts or other
//! network resources, so it opens offline and can be mailed) showing both texts side by
//! side, so a person can check an alignment before it goes into a TM.
//!
//! Each pair is a `<section>` with a summary (beads per shape, mean score, beads per
//! confidence band), an SVG plot of the alignment path and a table with one row per bead.
//! Rows carry `data-bead` (the bead's 0-based index in its pair, as in TMX `tuid`s),
//! `data-score` and `data-s` (first source sentence); the band colors the row. One-sided
//! beads are kept by default and their missing side is a marked empty cell. A toolbar jumps
//! to the next/previous bead under a threshold (keys `n`/`p`) and can hide the others.
//!
//! The page streams: the head goes out on creation, a section per pair, the script on
//! finish. Text is escaped with [`xml_escape`] after [`xml_safe`].

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{BufWriter, Write};

use super::jsonl::side;
use super::{
    bead_texts, check_pair, keep, known_score, pick_tag, unbuffer, xml_escape, xml_safe,
    ExportOptions, Format, Sink, REVIEW_BELOW,
};
use crate::bitext::{AlignedPair, Bead};
use crate::error::Result;

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

/// Escaped for HTML text and double-quoted attribute values alike.
fn esc(text: &str) -> String {
    xml_escape(&xml_safe(text), true).into_owned()
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
    sections: usize,
}

impl<W: Write> HtmlSink<W> {
    /// Writes the head, the styles and the toolbar.
    pub fn new(out: W, opts: &ExportOptions, src_lang: &str, tgt_lang: &str) -> Result<Self> {
        let mut out = BufWriter::new(out);
        write!(
            out,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <meta name=\"generator\" content=\"bitalign {version}\">\n\
             <title>bitalign review</title>\n<style>{CSS}</style>\n</head>\n<body>\n\
             <header class=\"bar\">\n<div class=\"brand\">bitalign <span>review</span></div>\n\
             <div class=\"tools\">\n\
             <button type=\"button\" id=\"prev\" title=\"Previous bead below the threshold\">\
             ◂ Prev <kbd>p</kbd></button>\n\
             <button type=\"button\" id=\"next\" title=\"Next bead below the threshold\">\
             Next <kbd>n</kbd> ▸</button>\n\
             <label class=\"thr\">Threshold <input type=\"range\" id=\"thr\" min=\"0\" \
             max=\"1\" step=\"0.05\" value=\"{REVIEW_BELOW}\"><output id=\"thrv\">{REVIEW_BELOW:.2}\
             </output></label>\n\
             <label class=\"only\"><input type=\"checkbox\" id=\"only\"> Only below threshold\
             </label>\n<span id=\"status\" aria-live=\"polite\"></span>\n</div>\n\
             </header>\n<main>\n",
            version = esc(&opts.tool_version),
        )?;
        Ok(HtmlSink {
            out,
            src_lang: src_lang.to_string(),
            tgt_lang: tgt_lang.to_string(),
            src_over: opts.src_tag.clone(),
            tgt_over: opts.tgt_tag.clone(),
            one_sided: opts.one_sided_for(Format::Html),
            sections: 0,
        })
    }

    /// Writes the script and closing tags, flushes, and gives the writer back.
    pub fn into_inner(mut self) -> Result<W> {
        if self.sections == 0 {
            self.out
                .write_all(b"<p class=\"empty\">No sentence pairs.</p>\n")?;
        }
        write!(
            self.out,
            "</main>\n<script>{JS}</script>\n</body>\n</html>\n"
        )?;
        unbuffer(self.out)
    }
}

impl<W: Write> Sink for HtmlSink<W> {
    fn write_pair(&mut self, pair: &AlignedPair) -> Result<()> {
        check_pair(pair)?;
        // Decided on the ranges, as JSONL does: the page shows the same beads.
        let beads: Vec<(usize, &Bead)> = pair
            .beads
            .iter()
            .enumerate()
            .filter(|(_, b)| keep(self.one_sided, side(&b.src), side(&b.tgt)))
            .collect();
        let src_lang = pick_tag(self.src_over.as_deref(), &pair.src.lang, &self.src_lang);
        let tgt_lang = pick_tag(self.tgt_over.as_deref(), &pair.tgt.lang, &self.tgt_lang);
        self.sections += 1;
        let title = if pair.id.trim().is_empty() {
            format!("Pair {}", self.sections)
        } else {
            pair.id.trim().to_string()
        };
        let o = &mut self.out;
        writeln!(
            o,
            "<section class=\"pair\" data-pair=\"{}\">\n<h2>{}<span class=\"langs\">{} → {}</span></h2>",
            esc(&pair.id),
            esc(&title),
            esc(&src_lang),
            esc(&tgt_lang)
        )?;
        writeln!(
            o,
            "<div class=\"overview\">\n{}{}</div>",
            summary(pair, &beads),
            plot(pair, &beads, &src_lang, &tgt_lang)
        )?;
        writeln!(
            o,
            "<table class=\"beads\">\n<colgroup><col class=\"c-n\"><col><col><col class=\"c-sc\">\
             </colgroup>\n<thead><tr><th>#</th><th {}>Source · {}</th><th {}>Target · {}</th>\
             <th>Score</th></tr></thead>\n<tbody>",
            lang_attrs(&src_lang),
            esc(&src_lang),
            lang_attrs(&tgt_lang),
            esc(&tgt_lang)
        )?;
        let (src_attrs, tgt_attrs) = (lang_attrs(&src_lang), lang_attrs(&tgt_lang));
        for &(i, bead) in &beads {
            let (src, tgt) = bead_texts(pair, i, bead)?;
            let score = known_score(bead.score);
            let score_attr = score.map_or(String::new(), |s| format!("{s:.3}"));
            let score_text = score.map_or("–".to_string(), |s| format!("{s:.2}"));
            writeln!(
                o,
                "<tr class=\"bead {}\" data-bead=\"{i}\" data-score=\"{score_attr}\" data-s=\"{}\">\
                 <td class=\"n\">{}<small>{} · {}</small></td>{}{}<td class=\"sc\">\
                 <span class=\"chip\">{score_text}</span></td></tr>",
                band(score),
                bead.src.start,
                i + 1,
                shape(&bead.src),
                shape(&bead.tgt),
                cell(&src, &src_attrs),
                cell(&tgt, &tgt_attrs),
            )?;
        }
        writeln!(o, "</tbody>\n</table>\n</section>")?;
        Ok(())
    }

    fn finish(self: Box<Self>) -> Result<()> {
        self.into_inner().map(drop)
    }
}

/// The number of sentences of one side of a bead, as shown in a shape (`2` in `2-1`).
fn shape(r: &std::ops::Range<usize>) -> usize {
    r.len()
}

/// One text cell; an empty side is a marked "missing" cell so 1-0/0-1 beads stand out.
fn cell(text: &str, attrs: &str) -> String {
    let text = text.trim();
    if text.is_empty() {
        "<td class=\"missing\"><span>no counterpart</span></td>".to_string()
    } else {
        format!("<td {attrs}>{}</td>", esc(text))
    }
}

/// Beads per shape, per band, and the mean score.
fn summary(pair: &AlignedPair, beads: &[(usize, &Bead)]) -> String {
    let mut shapes: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    let mut bands: BTreeMap<&str, usize> = BTreeMap::new();
    let (mut sum, mut scored) = (0.0, 0usize);
    for (_, b) in beads {
        *shapes.entry((b.src.len(), b.tgt.len())).or_default() += 1;
        let score = known_score(b.score);
        *bands.entry(band(score)).or_default() += 1;
        if let Some(s) = score {
            sum += s;
            scored += 1;
        }
    }
    let mean = if scored > 0 {
        format!("{:.3}", sum / scored as f64)
    } else {
        "–".to_string()
    };
    let below = beads
        .iter()
        .filter(|(_, b)| known_score(b.score).is_some_and(|s| s < REVIEW_BELOW))
        .count();
    let mut s = String::from("<div class=\"summary\">\n<div class=\"stats\">");
    for (value, label) in [
        (beads.len().to_string(), "beads"),
        (mean, "mean score"),
        (below.to_string(), "below 0.90"),
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
    let labels = BANDS.iter().map(|b| (b.1, b.2)).chain([("na", "no score")]);
    for (class, label) in labels.clone() {
        let n = bands.get(class).copied().unwrap_or(0);
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
    let mut rows: Vec<((usize, usize), usize)> = shapes.into_iter().collect();
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
    for (class, label) in labels.clone() {
        let n = bands.get(class).copied().unwrap_or(0);
        if class == "na" && n == 0 {
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
        let (d, end) = paths.entry(band(worst)).or_default();
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
    for class in ["na", "hi", "md", "lo", "vl"] {
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

const CSS: &str = r#"
:root{--hi:#2f855a;--md:#b7791f;--lo:#dd6b20;--vl:#c53030;--na:#8a94a6;--ink:#1f2430;
--mute:#5d6675;--line:#e3e6ec;--bg:#f6f7f9;--card:#fff;--accent:#2b6cb0}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans Arabic",
"Noto Sans CJK SC","Helvetica Neue",Arial,sans-serif;color:var(--ink);background:var(--bg)}
.bar{position:sticky;top:0;z-index:5;display:flex;flex-wrap:wrap;align-items:center;gap:8px 16px;
padding:10px 24px;background:#1f2430;color:#e8ebf1;box-shadow:0 1px 4px rgba(0,0,0,.25)}
.brand{font-weight:700;font-size:17px;letter-spacing:.2px}.brand span{font-weight:400;color:#9aa4b5}
.tools{display:flex;flex-wrap:wrap;align-items:center;gap:10px}
button{font:inherit;font-size:14px;color:#e8ebf1;background:#343b4a;border:1px solid #4a5366;
border-radius:6px;padding:4px 12px;cursor:pointer}button:hover{background:#414a5c}
kbd{font:12px ui-monospace,monospace;background:#1f2430;border:1px solid #5b6579;border-radius:3px;
padding:0 4px;margin:0 2px}
label{display:inline-flex;align-items:center;gap:6px;font-size:14px}
input[type=range]{width:100px;accent-color:#7fb3e6}output{font-variant-numeric:tabular-nums;min-width:2.4em}
#status{font-size:13px;color:#9aa4b5;min-width:13em}
.key{display:inline-block;width:11px;height:11px;border-radius:2px}
.key.hi{background:var(--hi)}.key.md{background:var(--md)}.key.lo{background:var(--lo)}
.key.vl{background:var(--vl)}.key.na{background:var(--na)}
main{max-width:1500px;margin:0 auto;padding:8px 24px 48px}
.pair{margin-top:20px}
h2{font-size:20px;margin:12px 0;display:flex;align-items:baseline;gap:12px}
.langs{font-size:14px;font-weight:500;color:var(--mute);background:var(--card);border:1px solid var(--line);
border-radius:12px;padding:1px 10px}
.overview{display:grid;grid-template-columns:minmax(300px,1fr) minmax(300px,400px);gap:16px;margin-bottom:16px}
.summary,.plot{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:14px 16px;margin:0}
.stats{display:grid;grid-template-columns:repeat(4,1fr);gap:10px}
.stat b{display:block;font-size:24px;font-variant-numeric:tabular-nums}
.stat span{font-size:12px;text-transform:uppercase;letter-spacing:.6px;color:var(--mute)}
.bandbar{display:flex;height:10px;border-radius:5px;overflow:hidden;margin:14px 0;background:var(--line)}
.bandbar .hi{background:var(--hi)}.bandbar .md{background:var(--md)}.bandbar .lo{background:var(--lo)}
.bandbar .vl{background:var(--vl)}.bandbar .na{background:var(--na)}
.tables{display:flex;flex-wrap:wrap;gap:28px;align-items:flex-start}
.shapes{border-collapse:collapse;font-size:13px;min-width:170px}
.shapes .key{margin:0 8px 0 0;vertical-align:-1px}
.shapes th,.shapes td{text-align:left;padding:2px 18px 2px 0;border-bottom:1px solid var(--line)}
.shapes th{color:var(--mute);font-weight:500}.shapes td:last-child{text-align:right;font-variant-numeric:tabular-nums}
.shapes tr.one td:first-child{color:var(--vl)}
.plot svg{width:100%;height:auto;display:block;cursor:crosshair}
.plot figcaption{font-size:12px;color:var(--mute);margin-top:4px}
.frame{fill:#fbfcfd;stroke:#c9ced8}.grid{stroke:#eef0f4}.diag{stroke:#b8bfcc;stroke-dasharray:4 4}
.p{fill:none;stroke-width:2;stroke-linejoin:round;stroke-linecap:round}
.p.hi{stroke:var(--hi)}.p.md{stroke:var(--md);stroke-width:2.5}.p.lo{stroke:var(--lo);stroke-width:3}
.p.vl{stroke:var(--vl);stroke-width:3.5}.p.na{stroke:var(--na)}
.tick{font-size:10px;fill:var(--mute)}.tick.end{text-anchor:end}.axis{font-size:11px;fill:var(--mute);text-anchor:middle}
table.beads{width:100%;border-collapse:separate;border-spacing:0;table-layout:fixed;background:var(--card);
border:1px solid var(--line);border-radius:10px;overflow:hidden}
.c-n{width:76px}.c-sc{width:78px}
.beads th{background:#eef1f5;text-align:left;font-size:12px;font-weight:600;
color:var(--mute);text-transform:uppercase;letter-spacing:.5px;padding:8px 12px;border-bottom:1px solid var(--line)}
.beads td{padding:8px 12px;vertical-align:top;border-bottom:1px solid var(--line);overflow-wrap:anywhere}
.beads td[dir=rtl]{font-size:16px}
.beads tr.bead td:first-child{border-left:4px solid var(--na)}
.beads tr.hi td:first-child{border-left-color:var(--hi)}.beads tr.md td:first-child{border-left-color:var(--md)}
.beads tr.lo td:first-child{border-left-color:var(--lo)}.beads tr.vl td:first-child{border-left-color:var(--vl)}
.beads tr.md{background:#fffcf3}.beads tr.lo{background:#fff7ef}.beads tr.vl{background:#fff3f3}
.n{color:var(--mute);font-variant-numeric:tabular-nums;font-size:13px}.n small{display:block;font-size:11px;color:#98a0ad}
.missing{background:repeating-linear-gradient(135deg,#fafbfc 0 6px,#f0f2f5 6px 12px)}
.missing span{font-size:12px;font-style:italic;color:#98a0ad}
.sc{text-align:right}
.chip{display:inline-block;min-width:44px;text-align:center;font-size:12px;font-weight:600;color:#fff;
border-radius:10px;padding:1px 8px;background:var(--na);font-variant-numeric:tabular-nums}
.hi .chip{background:var(--hi)}.md .chip{background:var(--md)}.lo .chip{background:var(--lo)}.vl .chip{background:var(--vl)}
tr.current td{background:#e8f1fb !important}tr.current td:first-child{box-shadow:inset 3px 0 0 var(--accent)}
.empty{color:var(--mute);font-style:italic}
@media (max-width:900px){.overview{grid-template-columns:1fr}.stats{grid-template-columns:repeat(2,1fr)}}
"#;

const JS: &str = r#"
(function(){
"use strict";
var rows=Array.prototype.slice.call(document.querySelectorAll("tr[data-bead]"));
var thr=document.getElementById("thr"),thrv=document.getElementById("thrv"),
only=document.getElementById("only"),status=document.getElementById("status");
var cur=-1;
function low(r){var s=parseFloat(r.getAttribute("data-score"));return !isNaN(s)&&s<parseFloat(thr.value);}
function apply(){
 var n=0,t=parseFloat(thr.value);thrv.textContent=t.toFixed(2);
 rows.forEach(function(r){var l=low(r);if(l)n++;r.hidden=only.checked&&!l;});
 status.textContent=n+" of "+rows.length+" beads below "+t.toFixed(2);
}
function show(i){
 if(cur>=0&&rows[cur])rows[cur].classList.remove("current");
 cur=i;var r=rows[i];r.hidden=false;r.classList.add("current");
 r.scrollIntoView({block:"center"});
 var sec=r.closest("section");
 status.textContent="bead "+(parseInt(r.getAttribute("data-bead"),10)+1)+
  (sec&&sec.getAttribute("data-pair")?" of "+sec.getAttribute("data-pair"):"")+
  ", score "+(r.getAttribute("data-score")||"unknown");
}
function go(d){
 var len=rows.length;if(!len)return;
 var i=cur<0?(d>0?-1:0):cur;
 for(var k=0;k<len;k++){i=(i+d+len)%len;if(low(rows[i])){show(i);return;}}
 status.textContent="no bead below "+parseFloat(thr.value).toFixed(2);
}
document.getElementById("next").addEventListener("click",function(){go(1);});
document.getElementById("prev").addEventListener("click",function(){go(-1);});
thr.addEventListener("input",apply);only.addEventListener("change",apply);
document.addEventListener("keydown",function(e){
 if(e.ctrlKey||e.metaKey||e.altKey)return;
 var tag=e.target&&e.target.tagName;if(tag==="TEXTAREA"||(tag==="INPUT"&&e.target.type==="text"))return;
 if(e.key==="n"){go(1);e.preventDefault();}else if(e.key==="p"){go(-1);e.preventDefault();}
});
rows.forEach(function(r,i){r.addEventListener("click",function(){show(i);});});
Array.prototype.forEach.call(document.querySelectorAll(".plot svg"),function(svg){
 svg.addEventListener("click",function(e){
  var m=svg.getScreenCTM();if(!m)return;
  var p=svg.createSVGPoint();p.x=e.clientX;p.y=e.clientY;p=p.matrixTransform(m.inverse());
  var ns=+svg.getAttribute("data-ns"),l=+svg.getAttribute("data-l"),pw=+svg.getAttribute("data-pw");
  var s=Math.max(0,Math.floor((p.x-l)/pw*ns));
  var sec=svg.closest("section"),best=-1;
  rows.forEach(function(r,i){if(r.closest("section")===sec&&+r.getAttribute("data-s")<=s)best=i;});
  if(best<0){best=rows.findIndex(function(r){return r.closest("section")===sec;});}
  if(best>=0)show(best);
 });
});
apply();
})();
"#;

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

    #[test]
    fn every_bead_is_a_row_and_text_is_escaped() {
        let html = page(&pair(25));
        assert_eq!(html.matches("data-bead=").count(), 25);
        assert!(html.contains("S0 &lt;b&gt;&amp;amp;"));
        assert!(!html.contains("S0 <b>"));
        assert!(html.contains("data-pair=\"doc&quot;1\""));
        assert!(html.contains("class=\"missing\""));
        assert!(html.contains("lang=\"ar\" dir=\"rtl\""));
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
