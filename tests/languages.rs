//! Language tags on the command line (canonical BCP 47, malformed ones refused), swapped
//! files refused naming both languages unless `--force-lang`, `x-structure` in valid TMX, and
//! `eval` on a text gold.

mod common;

use std::path::PathBuf;
use std::process::Output;

fn water() -> (PathBuf, PathBuf) {
    let root = common::root().join("corpora/docs");
    (root.join("en/ar-water.txt"), root.join("ar/ar-water.txt"))
}

fn align(args: &[&str]) -> Output {
    let (en, ar) = water();
    common::bin()
        .arg("align")
        .arg(&en)
        .arg(&ar)
        .args(args)
        .output()
        .expect("run bitalign")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn swapped_languages_are_refused_naming_both_unless_forced() {
    let out = align(&["--src-lang", "ar", "--tgt-lang", "en", "-f", "tsv"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("ar-water.txt") && err.contains("'ar'") && err.contains("'en'"));
    assert!(err.contains("swapped"), "{err}");
    let forced = align(&[
        "--src-lang",
        "ar",
        "--tgt-lang",
        "en",
        "-f",
        "tsv",
        "--force-lang",
    ]);
    assert_eq!(forced.status.code(), Some(0), "{}", stderr(&forced));
}

#[test]
fn malformed_language_tags_are_usage_errors() {
    let out = align(&["--src-lang", "e n"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("BCP 47"), "{err}");
}

#[test]
fn tags_are_canonicalized_and_tmx_keeps_structure_and_stays_valid() {
    let dir = tempfile::tempdir().expect("tempdir");
    let tmx = dir.path().join("water.tmx");
    let out = align(&[
        "--src-lang",
        "english",
        "--tgt-lang",
        "AR_iq",
        "--creation-date",
        "2025-01-01T00:00:00Z",
        "-o",
        tmx.to_str().expect("utf-8 path"),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = std::fs::read_to_string(&tmx).expect("tmx written");
    assert!(text.contains("xml:lang=\"en\""), "english -> en");
    assert!(text.contains("xml:lang=\"ar-IQ\""), "AR_iq -> ar-IQ");
    assert!(
        text.contains("<prop type=\"x-structure\">heading</prop>"),
        "the title is marked as a heading"
    );
    if let Some((ok, err)) = common::xmllint_validate(&tmx) {
        assert!(ok, "TMX with x-structure must stay DTD-valid: {err}");
    }
}

#[test]
fn eval_scores_text_pairs_against_a_text_gold() {
    let dir = tempfile::tempdir().expect("tempdir");
    let gold = dir.path().join("gold.json");
    std::fs::write(
        &gold,
        r#"{"src_segments": ["A b.", "C d. E f.", "G."], "tgt_segments": ["1 2.", "3 4. 5 6."],
            "links": [[[0], [0]], [[1], [1]], [[2], []]]}"#,
    )
    .expect("write gold");
    let hyp = dir.path().join("pairs.jsonl");
    std::fs::write(
        &hyp,
        "{\"src\":\"A b.\",\"tgt\":\"1 2.\"}\n{\"src\":\"C d.\",\"tgt\":\"3 4.\"}\n\
         {\"src\":\"E f.\",\"tgt\":\"5 6.\"}\n{\"src\":\"G.\",\"tgt\":\"\"}\n",
    )
    .expect("write hyp");
    let out = common::bin()
        .args(["eval", "--json", "--gold"])
        .arg(&gold)
        .arg("--hyp")
        .arg(&hyp)
        .output()
        .expect("run eval");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["pairs"], 3);
    assert_eq!(v["gold"], 2);
    assert_eq!(v["tiled"]["f1"], 1.0, "a finer consistent split is tiled");
    let strict = v["strict"]["f1"].as_f64().expect("strict f1");
    assert!((strict - 0.4).abs() < 1e-9, "strict F1 {strict}");
}
