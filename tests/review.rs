//! The HTML review page (`-f html`) for the seed pair: self-contained (no network resource),
//! one `data-bead` row per bead (as many as JSONL beads), and rendered by headless Chromium
//! with the script run and the plot present.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn corpus(lang: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("corpora/docs/{lang}/ar-mei-defense.txt"))
}

/// Aligns the seed pair (English source, Arabic target) into `out` in `format`.
fn align(format: &str, out: &Path) {
    let status = Command::new(env!("CARGO_BIN_EXE_bitalign"))
        .arg("align")
        .arg(corpus("en"))
        .arg(corpus("ar"))
        .args(["--src-lang", "en", "--tgt-lang", "ar", "-f", format, "-o"])
        .arg(out)
        .status()
        .expect("run bitalign");
    assert!(status.success(), "bitalign align -f {format} failed");
}

/// The page and the number of JSONL beads of the same alignment.
fn page_and_bead_count(dir: &Path) -> (String, usize) {
    let html = dir.join("review.html");
    let jsonl = dir.join("beads.jsonl");
    align("html", &html);
    align("jsonl", &jsonl);
    let beads = std::fs::read_to_string(&jsonl)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .count();
    assert!(beads > 10, "seed pair gave only {beads} beads");
    (std::fs::read_to_string(&html).unwrap(), beads)
}

/// Values of every `name="…"` attribute and `url(…)` in the page.
fn references(html: &str) -> Vec<String> {
    let mut refs = Vec::new();
    for pattern in ["src=\"", "href=\"", "src='", "href='", "url(", "@import"] {
        for (at, _) in html.match_indices(pattern) {
            let rest = &html[at + pattern.len()..];
            refs.push(rest.chars().take(40).collect());
        }
    }
    refs
}

fn data_bead_values(html: &str) -> Vec<usize> {
    html.match_indices("data-bead=\"")
        .map(|(at, p)| {
            let rest = &html[at + p.len()..];
            rest[..rest.find('"').unwrap()].parse().unwrap()
        })
        .collect()
}

#[test]
fn review_page_is_self_contained_with_one_row_per_bead() {
    let dir = tempfile::tempdir().unwrap();
    let (html, beads) = page_and_bead_count(dir.path());

    for r in references(&html) {
        let r = r.trim_start_matches(['"', '\'', ' ']).to_ascii_lowercase();
        assert!(
            !(r.starts_with("http:") || r.starts_with("https:") || r.starts_with("//")),
            "network reference: {r}"
        );
    }
    assert!(!html.contains("<link"), "external stylesheet");
    assert!(!html.contains("<script src"), "external script");

    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.trim_end().ends_with("</html>"));
    let ids = data_bead_values(&html);
    assert_eq!(ids.len(), beads, "one row per JSONL bead");
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "bead indices in order");
    assert_eq!(html.matches("<section class=\"pair\"").count(), 1);
    assert_eq!(html.matches("<svg").count(), 1);
    assert!(html.contains("lang=\"ar\" dir=\"rtl\""));
    assert!(html.contains("lang=\"en\" dir=\"ltr\""));
    for id in ["thr", "only", "next", "prev"] {
        assert!(
            html.contains(&format!("id=\"{id}\"")),
            "toolbar control {id}"
        );
    }
}

#[test]
fn merged_batch_page_has_a_section_and_plot_per_pair() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("all.html");
    let out = Command::new(env!("CARGO_BIN_EXE_bitalign"))
        .arg("batch")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("corpora/docs"))
        .arg("-o")
        .arg(dir.path().join("out"))
        .arg("--merge")
        .arg(&page)
        .output()
        .expect("run bitalign");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The merged file's extension sets the format (per-pair pages too).
    let html = std::fs::read_to_string(&page).unwrap();
    let sections = html.matches("<section class=\"pair\"").count();
    assert!(sections >= 2, "{sections} sections");
    assert_eq!(html.matches("<svg").count(), sections);
}

/// `chromium` on PATH, if any.
fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join("chromium"))
        .find(|p| p.is_file())
}

#[test]
fn review_page_renders_in_headless_chromium() {
    let Some(chromium) = chromium() else {
        common::skip(format_args!(
            "chromium is not on PATH (Debian package `chromium`)"
        ));
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (_, beads) = page_and_bead_count(dir.path());
    let profile = tempfile::tempdir().unwrap();
    let url = format!("file://{}", dir.path().join("review.html").display());
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(["--dump-dom", &url])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromium");
    // The DOM comes on stdout; read it on a thread so a hung browser can be killed.
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut s).map(|_| s)
    });
    let deadline = Instant::now() + Duration::from_secs(90);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("chromium did not finish within 90 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let dom = reader.join().unwrap().unwrap();
    assert_eq!(data_bead_values(&dom).len(), beads, "rendered rows");
    assert!(dom.contains("<svg"), "plot rendered");
    assert!(
        dom.contains("lang=\"ar\" dir=\"rtl\""),
        "Arabic side right to left"
    );
    assert!(dom.contains("<path class=\"p "), "alignment path drawn");
    // The script ran: it fills the status line.
    assert!(
        dom.contains(&format!("of {beads} beads below")),
        "script did not run"
    );
}
