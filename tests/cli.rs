//! The command line end to end: the seed article into every format, and bad input.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::{bin, root, seed};

fn align_seed(dir: &Path, file: &str, extra: &[&str]) -> (Output, PathBuf) {
    let out = dir.join(file);
    (common::align_seed(&out, extra, &[]), out)
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn seed_csv_header_is_the_two_language_codes() {
    let dir = tempfile::tempdir().expect("tmp");
    let (_, csv) = align_seed(dir.path(), "seed.csv", &[]);
    let mut r = csv::Reader::from_path(&csv).expect("csv");
    let header: Vec<String> = r
        .headers()
        .expect("header")
        .iter()
        .map(String::from)
        .collect();
    assert_eq!(header, vec!["en", "ar"]);
    assert!(r.records().count() >= 10);
}

#[test]
fn seed_jsonl_loses_and_reorders_nothing() {
    let dir = tempfile::tempdir().expect("tmp");
    let (_, jsonl) = align_seed(dir.path(), "seed.jsonl", &[]);
    let (en, ar) = seed();
    let text = std::fs::read_to_string(jsonl).expect("jsonl");
    let recs: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    for (side, input) in [("src", &en), ("tgt", &ar)] {
        let joined: String = recs
            .iter()
            .map(|r| r[side].as_str().unwrap_or(""))
            .collect();
        let original = std::fs::read_to_string(input).expect("input");
        assert_eq!(
            squash(&joined),
            squash(&original),
            "{side} text differs from the input"
        );
        let idx: Vec<u64> = recs
            .iter()
            .flat_map(|r| {
                r[format!("{side}_idx")]
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
            })
            .map(|v| v.as_u64().expect("index"))
            .collect();
        assert_eq!(
            idx,
            (0..idx.len() as u64).collect::<Vec<_>>(),
            "{side} indices"
        );
    }
    assert!(recs
        .iter()
        .all(|r| (0.0..=1.0).contains(&r["score"].as_f64().unwrap_or(-1.0))));
}

#[test]
fn seed_keeps_the_arabic_only_byline_as_a_one_sided_bead() {
    let dir = tempfile::tempdir().expect("tmp");
    let (_, jsonl) = align_seed(dir.path(), "seed.jsonl", &[]);
    let text = std::fs::read_to_string(jsonl).expect("jsonl");
    assert!(text
        .lines()
        .any(|l| l.contains("حامد احمد") && l.contains("\"src\":\"\"")));
}

#[test]
fn split_prints_one_sentence_per_line_with_blank_lines_between_paragraphs() {
    let dir = tempfile::tempdir().expect("tmp");
    let f = dir.path().join("in.txt");
    std::fs::write(
        &f,
        "Title\n\nDr. Smith arrived at 3.15 p.m. today. He left.\n",
    )
    .expect("write");
    let o = bin()
        .arg("split")
        .arg(&f)
        .args(["--lang", "en"])
        .output()
        .expect("runs");
    assert!(o.status.success());
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        out,
        "Title\n\nDr. Smith arrived at 3.15 p.m. today.\nHe left.\n"
    );
}

#[test]
fn eval_scores_an_alignment_against_itself_as_perfect() {
    let gold = root().join("corpora/gold/ar/ar-water.txt");
    let o = bin()
        .arg("eval")
        .arg("--gold")
        .arg(&gold)
        .arg("--hyp")
        .arg(&gold)
        .arg("--json")
        .output()
        .expect("runs");
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["strict"]["f1"].as_f64(), Some(1.0));
}

/// Runs `align` expecting failure; returns the stderr text.
fn fails(src: &Path, tgt: &Path, extra: &[&str]) -> String {
    let o = bin()
        .arg("align")
        .arg(src)
        .arg(tgt)
        .args(extra)
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(2), "expected exit 2");
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(
        err.trim_end().lines().count(),
        1,
        "one-line error, got: {err}"
    );
    err
}

#[test]
fn missing_input_is_a_one_line_error_naming_the_file() {
    let (en, _) = seed();
    let err = fails(
        &en,
        Path::new("/nonexistent/x.txt"),
        &["--src-lang", "en", "--tgt-lang", "ar"],
    );
    assert!(err.contains("/nonexistent/x.txt"), "{err}");
}

#[test]
fn empty_and_binary_inputs_are_refused_and_leave_no_output() {
    let dir = tempfile::tempdir().expect("tmp");
    let (en, _) = seed();
    let empty = dir.path().join("empty.txt");
    std::fs::write(&empty, "").expect("write");
    let binary = dir.path().join("bin.txt");
    std::fs::write(&binary, [0u8, 159, 146, 150, 0, 1, 2, 3, 0]).expect("write");
    let out = dir.path().join("out.tmx");
    let out_s = out.to_string_lossy().into_owned();
    let args = ["--src-lang", "en", "--tgt-lang", "ar", "-o", &out_s];
    assert!(fails(&en, &empty, &args).contains("empty.txt"));
    assert!(fails(&en, &binary, &args).contains("bin.txt"));
    assert!(!out.exists());
    assert_eq!(
        std::fs::read_dir(dir.path()).expect("dir").count(),
        2,
        "no temp file left"
    );
}

#[test]
fn unknown_format_is_refused_before_any_work() {
    let (en, ar) = seed();
    let err = fails(&en, &ar, &["-f", "docx"]);
    assert!(err.contains("docx"), "{err}");
}

#[test]
fn unwritable_output_folder_is_an_error_naming_it() {
    let (en, ar) = seed();
    let args = [
        "--src-lang",
        "en",
        "--tgt-lang",
        "ar",
        "-o",
        "/nonexistent-dir/out.tmx",
    ];
    let err = fails(&en, &ar, &args);
    assert!(err.contains("/nonexistent-dir"), "{err}");
}

#[test]
fn stdout_gets_the_tm_when_no_output_path_is_given() {
    let (en, ar) = seed();
    let o = bin()
        .arg("align")
        .arg(&en)
        .arg(&ar)
        .args(["-f", "tsv", "--src-lang", "en", "--tgt-lang", "ar"])
        .output()
        .expect("runs");
    assert!(o.status.success());
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.lines().count() >= 10);
    assert!(out.lines().all(|l| l.matches('\t').count() == 1));
}

#[test]
fn unknown_output_extension_is_a_usage_error_naming_it_and_the_formats() {
    let (en, ar) = seed();
    let err = fails(&en, &ar, &["-o", "out.tmxx"]);
    assert!(err.contains("'.tmxx'"), "{err}");
    for f in [
        "tmx", "csv", "tsv", "jsonl", "vecalign", "moses", "html", "xliff",
    ] {
        assert!(err.contains(f), "{f} not listed: {err}");
    }
}

#[test]
fn min_score_outside_0_to_1_is_a_usage_error() {
    let (en, ar) = seed();
    for bad in ["1.5", "-0.1"] {
        let o = bin()
            .arg("align")
            .arg(&en)
            .arg(&ar)
            .arg(format!("--min-score={bad}"))
            .output()
            .expect("runs");
        assert_eq!(o.status.code(), Some(2), "--min-score {bad}");
        assert!(String::from_utf8_lossy(&o.stderr).contains("outside 0..1"));
    }
}

#[test]
fn an_unwritable_output_is_refused_before_aligning_without_a_temporary_path() {
    let (en, ar) = seed();
    // A missing input would fail later: the output check comes first.
    let err = fails(
        &en,
        &ar,
        &["-o", "/nonexistent-dir/out.tmx", "--dict", "/missing"],
    );
    assert!(
        err.contains("/nonexistent-dir") && !err.contains(".out.tmx."),
        "{err}"
    );
}

/// Runs `bitalign ARGS | head -c 10` through the shell; returns the exit status of bitalign
/// and its stderr.
fn into_closed_pipe(args: &str) -> (String, String) {
    let dir = tempfile::tempdir().expect("tmp");
    let err = dir.path().join("err");
    let script = format!(
        "'{}' {args} 2>'{}' | head -c 10 >/dev/null; echo ${{PIPESTATUS[0]}}",
        env!("CARGO_BIN_EXE_bitalign"),
        err.display()
    );
    let o = std::process::Command::new("bash")
        .args(["-c", &script])
        .current_dir(root())
        .output()
        .expect("bash");
    let status = String::from_utf8_lossy(&o.stdout).trim().to_string();
    (status, std::fs::read_to_string(err).unwrap_or_default())
}

#[test]
fn a_closed_pipe_ends_quietly() {
    // The seed repeated: more output than a pipe buffer holds, so the write after `head`
    // exits really fails.
    let dir = tempfile::tempdir().expect("tmp");
    let (en, ar) = seed();
    let lines = |p: &Path| vec![std::fs::read_to_string(p).expect("seed")];
    let src = common::write_repeated(dir.path(), "en.txt", &lines(&en), 20);
    let tgt = common::write_repeated(dir.path(), "ar.txt", &lines(&ar), 20);
    for args in [
        format!("split '{}' --lang en", src.display()),
        format!(
            "align '{}' '{}' --src-lang en --tgt-lang ar -f tsv",
            src.display(),
            tgt.display()
        ),
    ] {
        let (status, err) = into_closed_pipe(&args);
        assert!(status == "0" || status == "141", "{args}: exit {status}");
        assert!(err.is_empty(), "{args}: {err}");
    }
}
