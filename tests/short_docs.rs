//! Short documents with lines that have no counterpart (credits, bylines, untranslated
//! sentences): accuracy and calibration floors on `../shared/bench/tico19-en-ar-short`
//! (gold segmentation, one alignment per document), and the seed article's one-sided lines.
//! The long-document floors that must hold at the same time are in `tests/accuracy.rs`.

mod common;

use std::collections::HashSet;
use std::path::PathBuf;

use bitalign::align::{self, AlignConfig};
use bitalign::document::Document;
use serde::Deserialize;

#[derive(Deserialize)]
struct Gold {
    src_segments: Vec<String>,
    tgt_segments: Vec<String>,
    links: Vec<(Vec<usize>, Vec<usize>)>,
}

fn short_dir() -> Option<PathBuf> {
    let d = common::shared().join("bench/tico19-en-ar-short");
    if d.join("CMU_1-000/gold.json").exists() {
        Some(d)
    } else {
        common::skip("../shared/bench/tico19-en-ar-short is absent (only on a bare clone)");
        None
    }
}

/// Counts over all documents: gold two-sided links, predicted two-sided beads, exact ones,
/// and the same for the beads scored at least .9.
#[derive(Default, Debug)]
struct Counts {
    gold: usize,
    pred: usize,
    right: usize,
    sure: usize,
    sure_right: usize,
}

impl Counts {
    fn f1(&self) -> f64 {
        let p = self.right as f64 / self.pred.max(1) as f64;
        let r = self.right as f64 / self.gold.max(1) as f64;
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }

    fn sure_precision(&self) -> f64 {
        self.sure_right as f64 / self.sure.max(1) as f64
    }
}

/// Aligns every document over its gold segmentation. With the segmentation given, a bead is
/// right exactly when its index lists are a gold link (what `pairscore.py` compares as text).
fn short_counts(dir: &std::path::Path) -> Counts {
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .expect("bench folder")
        .flatten()
        .filter(|e| e.path().join("gold.json").exists())
        .collect();
    names.sort_by_key(|e| e.file_name());
    let mut c = Counts::default();
    for e in names {
        let text = std::fs::read_to_string(e.path().join("gold.json")).expect("gold");
        let g: Gold = serde_json::from_str(&text).expect("gold parses");
        let src = Document::from_paragraphs("en", std::slice::from_ref(&g.src_segments));
        let tgt = Document::from_paragraphs("ar", std::slice::from_ref(&g.tgt_segments));
        assert_eq!(
            (src.len(), tgt.len()),
            (g.src_segments.len(), g.tgt_segments.len())
        );
        let gold: HashSet<(Vec<usize>, Vec<usize>)> = g
            .links
            .into_iter()
            .filter(|(s, t)| !s.is_empty() && !t.is_empty())
            .collect();
        c.gold += gold.len();
        for b in align::align(&src, &tgt, &AlignConfig::default()) {
            if b.is_one_sided() {
                continue;
            }
            let ok = gold.contains(&b.link());
            c.pred += 1;
            c.right += usize::from(ok);
            if b.score >= 0.9 {
                c.sure += 1;
                c.sure_right += usize::from(ok);
            }
        }
    }
    c
}

#[test]
fn short_documents_with_one_sided_lines_align_above_hunalign() {
    let Some(dir) = short_dir() else { return };
    let c = short_counts(&dir);
    println!(
        "short docs: strict F1 {:.4} ({} right of {} predicted, {} gold); beads >= .9: {:.4} of {} exact",
        c.f1(),
        c.right,
        c.pred,
        c.gold,
        c.sure_precision(),
        c.sure
    );
    // hunalign .80, PyPI galechurch .67; measured .922.
    assert!(c.f1() >= 0.91, "strict F1 {:.4} fell under 0.91", c.f1());
    // Honest confidence: measured .987 (the issue asks for at least .93).
    assert!(
        c.sure_precision() >= 0.97,
        "only {:.4} of the beads scored >= .9 are right",
        c.sure_precision()
    );
}

#[test]
fn a_credit_line_stands_alone_instead_of_joining_its_neighbour() {
    let src = Document::from_paragraphs(
        "en",
        &[vec![
            "About how long have these symptoms been going on?",
            "And are you having a fever now?",
            "Photo: Getty Images",
        ]],
    );
    let tgt = Document::from_paragraphs(
        "ar",
        &[vec![
            "منذ متى لا تزال هذه الأعراض مستمرة تقريبًا؟",
            "وهل تعاني من الحمى الآن؟",
        ]],
    );
    let beads = align::align(&src, &tgt, &AlignConfig::default());
    let links: Vec<_> = beads.iter().map(|b| b.link()).collect();
    assert_eq!(
        links,
        vec![(vec![0], vec![0]), (vec![1], vec![1]), (vec![2], vec![])]
    );
    // The bead next to the credit is not made less sure by it.
    assert!(beads[1].score > 0.8, "{:?}", beads[1]);
}

#[test]
fn seed_keeps_its_byline_and_disclaimer_as_one_sided_beads() {
    let dir = tempfile::tempdir().expect("tmp");
    let jsonl = dir.path().join("seed.jsonl");
    let (en, ar) = common::seed();
    let out = common::bin()
        .args([
            "align",
            "--src-lang",
            "en",
            "--tgt-lang",
            "ar",
            "-f",
            "jsonl",
        ])
        .arg(&en)
        .arg(&ar)
        .arg("-o")
        .arg(&jsonl)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(jsonl).expect("jsonl");
    let one_sided = |needle: &str| {
        text.lines()
            .any(|l| l.contains(needle) && l.contains("\"src\":\"\""))
    };
    assert!(one_sided("حامد احمد"), "the byline is paired:\n{text}");
    assert!(one_sided("تنويه"), "the disclaimer is paired:\n{text}");
}
