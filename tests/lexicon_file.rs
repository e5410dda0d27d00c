//! The corpus lexicon as a file: `lexicon learn`, `batch --save-lexicon/--lexicon`, `stream`
//! and `align --lexicon` give exactly the beads of a plain `batch` over the same corpus.

mod common;

use std::path::Path;
use std::process::Output;

use serde_json::Value;

fn run(args: &[&str], stdin: Option<&[u8]>) -> Output {
    common::run_with_input(args, stdin.unwrap_or_default())
}

fn ok(out: Output) -> Output {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn json_lines(text: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(text)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The bead records of `stream` output as `-f jsonl` writes beads (without `type`).
fn stream_beads(out: &Output) -> Vec<Value> {
    let records = json_lines(&out.stdout);
    let docs: Vec<&Value> = records.iter().filter(|r| r["type"] == "doc").collect();
    assert!(docs.iter().all(|d| d["status"] == "ok"), "{docs:?}");
    records
        .into_iter()
        .filter(|r| r["type"] == "bead")
        .map(|mut r| {
            r.as_object_mut().unwrap().remove("type");
            r
        })
        .collect()
}

/// `batch -f jsonl` over `corpus` (extra options `args`); its merged JSONL beads.
fn batch_beads(corpus: &Path, out: &Path, args: &[&str]) -> Vec<Value> {
    let merged = out.join("all.jsonl");
    let mut all = vec![
        "batch",
        corpus.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "-f",
        "jsonl",
        "--merge",
        merged.to_str().unwrap(),
    ];
    all.extend_from_slice(args);
    ok(run(&all, None));
    json_lines(&std::fs::read(merged).unwrap())
}

fn show(file: &Path) -> Value {
    let out = ok(run(&["lexicon", "show", file.to_str().unwrap()], None));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn stream_with_a_lexicon_file_gives_exactly_the_beads_of_batch() {
    let tmp = tempfile::tempdir().unwrap();
    let Some(corpus) = common::tico_short_corpus(tmp.path()) else {
        return;
    };
    let c = corpus.to_str().unwrap();
    let saved = tmp.path().join("saved.bin");
    let batch = batch_beads(
        &corpus,
        &tmp.path().join("b1"),
        &["--save-lexicon", saved.to_str().unwrap()],
    );
    let lex = tmp.path().join("lex.bin");
    ok(run(
        &["lexicon", "learn", c, "-o", lex.to_str().unwrap()],
        None,
    ));
    // Learned alone or by batch: the same lexicon, and a real one.
    let info = show(&lex);
    assert_eq!(info["corpus_pairs"], 426);
    let words = info["lexicons"][0]["word_pairs"].as_u64().unwrap();
    assert!(words > 100, "{info}");
    assert_eq!(info, show(&saved));

    let pairs = ok(run(&["pairs", c], None)).stdout;
    assert_eq!(json_lines(&pairs).len(), 426);
    let with_lexicon = stream_beads(&ok(run(
        &["stream", "--lexicon", lex.to_str().unwrap()],
        Some(&pairs),
    )));
    assert_eq!(with_lexicon.len(), batch.len());
    assert!(with_lexicon == batch, "stream --lexicon differs from batch");
    // Without the file, stream learns per pair and gives other beads: the file matters.
    let without = stream_beads(&ok(run(&["stream"], Some(&pairs))));
    assert!(without != batch);
    println!(
        "426 pairs: stream --lexicon ({words} word pairs) = batch, {} beads; without it {} beads",
        batch.len(),
        without.len()
    );

    // A batch given the file (as shards would be) writes the same beads again.
    let given = batch_beads(
        &corpus,
        &tmp.path().join("b2"),
        &["--lexicon", lex.to_str().unwrap()],
    );
    assert!(given == batch, "batch --lexicon differs from batch");

    // align --lexicon on one pair: that pair's beads in the batch.
    let id = "ar/CMU_1-003";
    let one = ok(run(
        &[
            "align",
            corpus.join("en/CMU_1-003.txt").to_str().unwrap(),
            corpus.join("ar/CMU_1-003.txt").to_str().unwrap(),
            "--src-lang",
            "en",
            "--tgt-lang",
            "ar",
            "-f",
            "jsonl",
            "--lexicon",
            lex.to_str().unwrap(),
        ],
        None,
    ));
    let mine: Vec<Value> = json_lines(&one.stdout)
        .into_iter()
        .map(|mut r| {
            r["pair_id"] = Value::from(id);
            r
        })
        .collect();
    let theirs: Vec<&Value> = batch.iter().filter(|r| r["pair_id"] == id).collect();
    assert!(!theirs.is_empty());
    assert_eq!(mine.iter().collect::<Vec<_>>(), theirs);
}

#[test]
fn stream_lines_with_texts_or_paths_give_the_same_beads_with_a_lexicon() {
    let tmp = tempfile::tempdir().unwrap();
    let Some(corpus) = common::tico_short_corpus(tmp.path()) else {
        return;
    };
    let pairs = ok(run(&["pairs", corpus.to_str().unwrap()], None)).stdout;
    // The same pairs with the texts in the lines (as from distributed storage).
    let texts: Vec<u8> = json_lines(&pairs)
        .into_iter()
        .flat_map(|mut r| {
            let o = r.as_object_mut().unwrap();
            for side in ["src", "tgt"] {
                let path = o.remove(&format!("{side}_path")).unwrap();
                let text = std::fs::read_to_string(path.as_str().unwrap()).unwrap();
                o.insert(side.to_string(), Value::from(text));
            }
            let mut line = r.to_string().into_bytes();
            line.push(b'\n');
            line
        })
        .collect();
    let lex = tmp.path().join("lex.bin");
    let from_texts = tmp.path().join("texts.bin");
    for (file, input) in [(&lex, &pairs), (&from_texts, &texts)] {
        let out = file.to_str().unwrap();
        ok(run(
            &["lexicon", "learn", "--pairs", "-", "-o", out],
            Some(input),
        ));
    }
    assert_eq!(show(&lex), show(&from_texts));
    let l = lex.to_str().unwrap();
    let a = stream_beads(&ok(run(&["stream", "--lexicon", l], Some(&pairs))));
    let b = stream_beads(&ok(run(&["stream", "--lexicon", l], Some(&texts))));
    assert!(!a.is_empty() && a == b);
}

#[test]
fn a_presampled_corpus_must_be_the_even_sample_it_claims() {
    let tmp = tempfile::tempdir().unwrap();
    let lex = tmp.path().join("lex.bin");
    let pairs = ok(run(
        &[
            "pairs",
            common::root().join("corpora/docs").to_str().unwrap(),
        ],
        None,
    ))
    .stdout;
    let learn = |corpus: &str| {
        let out = lex.to_str().unwrap();
        let args = [
            "lexicon",
            "learn",
            "--pairs",
            "-",
            "--sampled-from",
            corpus,
            "-o",
            out,
        ];
        run(&args, Some(&pairs))
    };
    // 11 lines are the whole sample of an 11-pair corpus, not of a 30,000-pair one (every
    // third pair: 10,000 lines).
    let o = learn("30000");
    assert_eq!(o.status.code(), Some(2));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(
        e.contains("expected the 10000 pairs of every 3-th line, got 11"),
        "{e}"
    );
    assert!(!lex.exists());
    ok(learn("11"));
    assert_eq!(show(&lex)["corpus_pairs"], 11);
}

#[test]
fn a_bad_lexicon_file_is_a_one_line_error_naming_it() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("notes.bin");
    std::fs::write(&bad, "not a lexicon").unwrap();
    let missing = tmp.path().join("missing.bin");
    let input = br#"{"pair_id":"p","src":"One.","tgt":"Un."}"#;
    for file in [&bad, &missing] {
        let f = file.to_str().unwrap();
        for args in [vec!["stream", "--lexicon", f], vec!["lexicon", "show", f]] {
            let o = run(&args, Some(input));
            assert_eq!(o.status.code(), Some(2), "{args:?}");
            let e = String::from_utf8_lossy(&o.stderr);
            assert!(e.contains(f) && e.lines().count() == 1, "{e}");
            assert!(o.stdout.is_empty());
        }
    }
    let e = String::from_utf8_lossy(&run(&["lexicon", "show", bad.to_str().unwrap()], None).stderr)
        .into_owned();
    assert!(e.contains("wrong magic"), "{e}");
}
