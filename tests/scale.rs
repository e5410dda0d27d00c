//! Long documents go through the coarse-to-fine search (blocks of sentences first): these
//! tests pin that it finds the same alignment a full search would on texts built to fool it.

mod common;

use bitalign::align::{align, AlignConfig};
use bitalign::document::Document;

/// A source "copy" of `base` sentences and its translation: every 7th sentence split in two,
/// and three target-only lines (boilerplate) after the 10th.
fn copy(base: usize) -> (Vec<String>, Vec<String>) {
    let words = [
        "alpine", "glacier", "summit", "valley", "ridge", "cabin", "rope", "storm", "guide",
        "route", "snow", "rock",
    ];
    let mots = [
        "alpin",
        "glacier",
        "sommet",
        "vallée",
        "arête",
        "cabane",
        "corde",
        "orage",
        "guide",
        "itinéraire",
        "neige",
        "roche",
    ];
    let (mut src, mut tgt) = (Vec::new(), Vec::new());
    for k in 0..base {
        let len = 4 + (k * 7) % 13;
        let s: Vec<&str> = (0..len).map(|w| words[(k + w * 5) % words.len()]).collect();
        let t: Vec<&str> = (0..len + 1)
            .map(|w| mots[(k + w * 5) % mots.len()])
            .collect();
        src.push(format!("{} {}.", s.join(" "), 1000 + k));
        if k % 7 == 3 {
            let half = t.len() / 2;
            tgt.push(format!("{} {}.", t[..half].join(" "), 1000 + k));
            tgt.push(format!("{}.", t[half..].join(" ")));
        } else {
            tgt.push(format!("{} {}.", t.join(" "), 1000 + k));
        }
        if k == 10 {
            for b in 0..3 {
                tgt.push(format!("Abonnez-vous à notre lettre numéro {b}."));
            }
        }
    }
    (src, tgt)
}

fn doc(lang: &str, lines: &[String]) -> Document {
    Document::from_paragraphs(lang, &[lines.to_vec()])
}

type Key = (usize, usize, usize, usize);

fn keys(src: &[String], tgt: &[String]) -> Vec<Key> {
    align(&doc("en", src), &doc("fr", tgt), &AlignConfig::default())
        .iter()
        .map(|b| (b.src.start, b.src.end, b.tgt.start, b.tgt.end))
        .collect()
}

#[test]
fn a_periodic_document_far_too_long_for_a_full_search_does_not_slip_by_a_period() {
    let (one_src, one_tgt) = copy(40);
    let copies = 120; // 4,800 × 5,520 sentences: 26M cells, three coarse levels
    let repeat =
        |v: &[String]| -> Vec<String> { (0..copies).flat_map(|_| v.iter().cloned()).collect() };
    let found = keys(&repeat(&one_src), &repeat(&one_tgt));
    // Every copy is the same text: each must get the same beads (shifted to copy 0).
    let (ns, nt) = (one_src.len(), one_tgt.len());
    let mut per_copy: Vec<Vec<Key>> = vec![Vec::new(); copies];
    for &(a, b, x, y) in &found {
        let c = (a.min(ns * copies - 1) / ns).min(copies - 1);
        let (so, to) = (c * ns, c * nt);
        per_copy[c].push((a - so, b - so, x.wrapping_sub(to), y.wrapping_sub(to)));
    }
    let middle = &per_copy[copies / 2];
    let odd: Vec<usize> = (0..copies).filter(|&c| &per_copy[c] != middle).collect();
    // The first and last copies meet the document's ends; no other may differ.
    assert!(
        odd.iter().all(|&c| c == 0 || c == copies - 1),
        "copies aligned differently from the middle one: {odd:?}"
    );
    assert!(middle.len() >= 40, "{middle:?}");
}

#[test]
fn a_long_pair_aligns_byte_for_byte_alike_with_one_or_two_threads() {
    let (one_src, one_tgt) = copy(40);
    let dir = tempfile::tempdir().expect("temp dir");
    let (src, tgt) = (
        common::write_repeated(dir.path(), "src.txt", &one_src, 60),
        common::write_repeated(dir.path(), "tgt.txt", &one_tgt, 60),
    );
    let run = |jobs: &str| {
        let out = dir.path().join(format!("out{jobs}.tsv"));
        let status = common::align_en_fr_lines()
            .args(["--jobs", jobs, "-f", "tsv", "-o"])
            .arg(&out)
            .arg(&src)
            .arg(&tgt)
            .status()
            .expect("run bitalign");
        assert!(status.success());
        std::fs::read(&out).expect("read output")
    };
    let (one, two) = (run("1"), run("2"));
    assert!(!one.is_empty());
    assert!(one == two, "--jobs 1 and --jobs 2 wrote different files");
}

#[test]
fn a_long_untranslated_passage_is_left_one_sided_and_the_text_after_it_realigns() {
    let (one_src, one_tgt) = copy(40);
    let (ns, nt) = (one_src.len(), one_tgt.len());
    let copies = 60; // 2,400 source sentences: through the coarse levels
    let mut src: Vec<String> = (0..copies).flat_map(|_| one_src.clone()).collect();
    let mut tgt: Vec<String> = (0..copies).flat_map(|_| one_tgt.clone()).collect();
    // 50 target-only lines in the middle: five times the first band's half-width.
    let (at, extra) = (30 * nt, 50);
    let ads = (0..extra).map(|k| format!("Publicité {k} : abonnez-vous dès aujourd'hui."));
    tgt.splice(at..at, ads);
    src.truncate(copies * ns);
    let found = keys(&src, &tgt);
    let inserted = at..at + extra;
    for &(a, b, x, y) in &found {
        if x < inserted.end && inserted.start < y {
            assert_eq!(
                a, b,
                "an inserted line was aligned to source {a}..{b} ({x}..{y})"
            );
        }
    }
    // A copy well after the passage aligns like one well before it, shifted.
    let copy_at = |c: usize, shift: usize| -> Vec<Key> {
        let (so, to) = (c * ns, c * nt + shift);
        found
            .iter()
            .filter(|k| k.0 >= so && k.1 <= so + ns && k.0 < k.1)
            .map(|&(a, b, x, y)| (a - so, b - so, x - to, y - to))
            .collect()
    };
    assert_eq!(copy_at(45, extra), copy_at(15, 0));
}
