//! The eval scorer against Vecalign's score.py: every row of the shared scorer check.

mod common;

use std::path::PathBuf;

use bitalign::eval::{self, read_alignments, read_alignments_file};

fn bench_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/bench/textberg-dev");
    if dir.join("scorer-check/expected.tsv").is_file() {
        Some(dir)
    } else {
        common::skip(format_args!("{} not found", dir.display()));
        None
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9
}

#[test]
fn scores_reproduce_every_row_of_vecalign_scorer_check() {
    let Some(dir) = bench_dir() else { return };
    let check = dir.join("scorer-check");
    let gold = read_alignments_file(dir.join("dev.defr")).unwrap();
    let expected = std::fs::read_to_string(check.join("expected.tsv")).unwrap();
    let mut rows = 0;
    for line in expected.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let f: Vec<&str> = line.split('\t').collect();
        assert_eq!(f.len(), 15, "row {line}");
        let hyp = read_alignments_file(check.join(f[0])).unwrap();
        let s = eval::score(&gold, &hyp);
        let floats: Vec<f64> = f[1..7].iter().map(|x| x.parse().unwrap()).collect();
        let ints: Vec<u64> = f[7..15].iter().map(|x| x.parse().unwrap()).collect();
        let c = s.counts;
        assert_eq!(
            vec![
                c.p_tp_strict,
                c.p_fp_strict,
                c.p_tp_lax,
                c.p_fp_lax,
                c.r_tp_strict,
                c.r_fn_strict,
                c.r_tp_lax,
                c.r_fn_lax
            ],
            ints,
            "counts for {}",
            f[0]
        );
        let got = [
            s.strict.precision,
            s.strict.recall,
            s.strict.f1,
            s.lax.precision,
            s.lax.recall,
            s.lax.f1,
        ];
        for (k, (g, e)) in got.iter().zip(&floats).enumerate() {
            assert!(
                close(*g, *e),
                "{} column {}: got {g}, expected {e}",
                f[0],
                k + 1
            );
        }
        rows += 1;
    }
    assert_eq!(rows, 4);
}

#[test]
fn score_many_sums_counts_before_dividing() {
    let Some(dir) = bench_dir() else { return };
    let check = dir.join("scorer-check");
    let gold = read_alignments_file(dir.join("dev.defr")).unwrap();
    let diag = read_alignments_file(check.join("diagonal.defr")).unwrap();
    let pert = read_alignments_file(check.join("perturbed.defr")).unwrap();
    let many = eval::score_many(&[(&gold, &diag), (&gold, &pert)]);
    let c = eval::score(&gold, &diag).counts + eval::score(&gold, &pert).counts;
    assert_eq!(many.counts, c);
    // P strict = (8 + 286) / (554 + 459), from the expected.tsv counts.
    assert!(close(many.strict.precision, 294.0 / 1013.0));
}

#[test]
fn gold_scored_against_itself_is_perfect() {
    let Some(dir) = bench_dir() else { return };
    let gold = read_alignments_file(dir.join("dev.defr")).unwrap();
    assert_eq!(gold.len(), 422);
    let s = eval::score(&gold, &gold);
    assert_eq!((s.strict.f1, s.lax.f1), (1.0, 1.0));
}

#[test]
fn parse_error_names_the_line_and_file() {
    let e = read_alignments("[0]:[0]\n\n[1]:[1]\n[2] [2]\n").unwrap_err();
    assert_eq!(e.line(), Some(4));
    assert!(e.to_string().contains("line 4"), "{e}");

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hyp.defr");
    std::fs::write(&path, "[0]:[0]\n[x]:[1]\n").unwrap();
    let e = read_alignments_file(&path).unwrap_err();
    assert_eq!(e.path(), Some(path.as_path()));
    assert!(e.to_string().contains("hyp.defr:2:"), "{e}");
}

#[test]
fn scores_serialize_to_json() {
    let links = read_alignments("[0]:[0]\n").unwrap();
    let json = serde_json::to_value(eval::score(&links, &links)).unwrap();
    assert_eq!(json["strict"]["f1"], 1.0);
    assert_eq!(json["counts"]["p_tp_strict"], 1);
}
