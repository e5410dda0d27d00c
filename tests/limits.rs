//! The DP memory cap: a pair too large for the cap is aligned coarser, with a warning, and
//! still loses no sentence.

mod common;

use std::fmt::Write as _;
use std::path::Path;

/// A deterministic pair of `n` sentences each: words of varying length, a number in every
/// fifth sentence, the target 20% longer (a plausible translation as far as lengths go).
fn write_pair(dir: &Path, n: usize) -> (std::path::PathBuf, std::path::PathBuf) {
    let (mut src, mut tgt) = (String::new(), String::new());
    let mut x: u64 = 7;
    for k in 0..n {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let words = 4 + (x >> 59) as usize;
        let s: Vec<String> = (0..words).map(|w| "w".repeat(2 + (w + k) % 7)).collect();
        let t: Vec<String> = (0..words).map(|w| "v".repeat(3 + (w + k) % 8)).collect();
        let num = if k % 5 == 0 {
            format!(" {}", 1000 + k)
        } else {
            String::new()
        };
        let _ = writeln!(src, "{}{num}.", s.join(" "));
        let _ = writeln!(tgt, "{}{num}.", t.join(" "));
    }
    let (s, t) = (dir.join("src.txt"), dir.join("tgt.txt"));
    std::fs::write(&s, src).expect("write source");
    std::fs::write(&t, tgt).expect("write target");
    (s, t)
}

/// Runs the aligner with a cap and returns (stderr, every source and target index seen).
fn align_capped(cap: usize) -> (String, Vec<usize>, Vec<usize>, usize) {
    let dir = tempfile::tempdir().expect("temp dir");
    let n = 1200;
    let (s, t) = write_pair(dir.path(), n);
    let out = dir.path().join("out.vecalign");
    let run = common::align_en_fr_lines()
        .arg(&s)
        .arg(&t)
        .args(["-f", "vecalign", "--max-dp-cells", &cap.to_string(), "-o"])
        .arg(&out)
        .output()
        .expect("run bitalign");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let text = std::fs::read_to_string(&out).expect("output written");
    let links = bitalign::eval::read_alignments(&text).expect("valid vecalign");
    let src: Vec<usize> = links.iter().flat_map(|l| l.0.clone()).collect();
    let tgt: Vec<usize> = links.iter().flat_map(|l| l.1.clone()).collect();
    (
        String::from_utf8_lossy(&run.stderr).into_owned(),
        src,
        tgt,
        n,
    )
}

fn assert_every_sentence_once(src: &[usize], tgt: &[usize], n: usize) {
    assert_eq!(src, (0..n).collect::<Vec<_>>());
    assert_eq!(tgt, (0..n).collect::<Vec<_>>());
}

#[test]
fn a_cap_below_the_band_narrows_the_search_with_a_warning_and_loses_nothing() {
    let (stderr, src, tgt, n) = align_capped(30_000);
    assert!(
        stderr.contains("warning") && stderr.contains("narrowed"),
        "{stderr}"
    );
    assert_every_sentence_once(&src, &tgt, n);
}

#[test]
fn a_cap_below_any_band_returns_the_block_alignment_with_a_warning() {
    let (stderr, src, tgt, n) = align_capped(1_000);
    assert!(stderr.contains("block-level"), "{stderr}");
    assert_every_sentence_once(&src, &tgt, n);
}

#[test]
fn the_default_cap_gives_no_warning_on_an_ordinary_pair() {
    let (stderr, src, tgt, n) = align_capped(bitalign::align::AlignConfig::default().max_dp_cells);
    assert!(!stderr.contains("warning"), "{stderr}");
    assert_every_sentence_once(&src, &tgt, n);
}
