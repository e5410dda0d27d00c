//! Raw documents end to end: `batch` segments and aligns them, and the pairs are scored as
//! text against gold segments and links (`bitalign eval`'s rules, those of
//! `../shared/bench/pairscore.py`). Floors just under the measured figures (README), so a
//! segmentation or reader change that costs accuracy fails here.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use bitalign::eval::pairs::{self, Scored, TextGold};

/// TICO-19 en–ar raw documents, tiled pair F1 (measured .954).
const TICO_TILED_F1: f64 = 0.95;
/// The bundled corpus from `corpora/docs`, tiled pair F1 (measured .970).
const CORPUS_TILED_F1: f64 = 0.96;

/// Runs `batch` on `input` (language folders) and returns the JSONL pairs of document
/// `name`.
fn batch_pairs(input: &Path, out: &Path) -> impl Fn(&str) -> Vec<(String, String)> {
    let status = common::bin()
        .args(["batch"])
        .arg(input)
        .arg("-o")
        .arg(out)
        .args(["-f", "jsonl"])
        .output()
        .expect("run bitalign batch");
    assert!(
        status.status.success(),
        "batch failed: {}",
        String::from_utf8_lossy(&status.stderr)
    );
    let out = out.to_path_buf();
    move |name: &str| {
        let file = find(&out, &format!("{name}.jsonl"))
            .unwrap_or_else(|| panic!("no output for {name} under {}", out.display()));
        pairs::read_pairs(&file).expect("read pairs")
    }
}

fn find(dir: &Path, file: &str) -> Option<PathBuf> {
    for entry in fs::read_dir(dir).ok()?.filter_map(Result::ok) {
        let path = entry.path();
        if path.is_dir() {
            if let Some(found) = find(&path, file) {
                return Some(found);
            }
        } else if path.file_name().is_some_and(|n| n == file) {
            return Some(path);
        }
    }
    None
}

#[test]
fn tico19_raw_documents_reach_the_tiled_floor() {
    let data = common::shared().join("bench/tico19-en-ar");
    if !data.join("CMU_1/gold.json").exists() {
        common::skip("../shared/bench/tico19-en-ar is absent (only on a bare clone)");
        return;
    }
    let tmp = tempfile::tempdir().expect("temp dir");
    let mut names = Vec::new();
    for entry in fs::read_dir(&data)
        .expect("read data")
        .filter_map(Result::ok)
    {
        let dir = entry.path();
        if !dir.join("gold.json").exists() {
            continue;
        }
        let name = entry.file_name().to_string_lossy().to_string();
        for (lang, file) in [("en", "src.txt"), ("ar", "tgt.txt")] {
            let side = tmp.path().join("in").join(lang);
            fs::create_dir_all(&side).expect("mkdir");
            fs::copy(dir.join(file), side.join(format!("{name}.txt"))).expect("copy");
        }
        names.push(name);
    }
    let hyp = batch_pairs(&tmp.path().join("in"), &tmp.path().join("out"));
    let docs: Vec<Scored> = names
        .iter()
        .map(|name| Scored {
            gold: pairs::read_gold(&data.join(name).join("gold.json")).expect("gold"),
            hyp: hyp(name),
        })
        .collect();
    let scores = pairs::score(&docs);
    println!("TICO-19 raw: {scores:?}");
    assert_eq!(docs.len(), 19);
    assert!(
        scores.tiled.f1 >= TICO_TILED_F1,
        "tiled F1 {:.4} below {TICO_TILED_F1}",
        scores.tiled.f1
    );
}

/// Non-empty lines of a file.
fn lines(path: &Path) -> Vec<String> {
    fs::read_to_string(path)
        .expect("read")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect()
}

/// `[1, 2]` → indices.
fn ids(side: &str) -> Vec<usize> {
    side.trim()
        .trim_matches(['[', ']'])
        .split(',')
        .filter_map(|x| x.trim().parse().ok())
        .collect()
}

#[test]
fn bundled_corpus_from_raw_documents_reaches_the_tiled_floor() {
    let root = common::root().join("corpora");
    let tmp = tempfile::tempdir().expect("temp dir");
    let hyp = batch_pairs(&root.join("docs"), tmp.path());
    let mut docs = Vec::new();
    for lang_dir in fs::read_dir(root.join("gold")).expect("gold dir") {
        let lang_dir = lang_dir.expect("entry").path();
        let lang = lang_dir
            .file_name()
            .expect("name")
            .to_string_lossy()
            .to_string();
        for gold in fs::read_dir(&lang_dir).expect("gold files") {
            let gold = gold.expect("entry").path();
            let name = gold
                .file_stem()
                .expect("stem")
                .to_string_lossy()
                .to_string();
            let links = lines(&gold)
                .iter()
                .filter_map(|l| l.split_once(':').map(|(s, t)| (ids(s), ids(t))))
                .collect();
            let gold = TextGold {
                src_segments: lines(&root.join(format!("reference/en/{name}.txt"))),
                tgt_segments: lines(&root.join(format!("reference/{lang}/{name}.txt"))),
                links,
            };
            docs.push(Scored {
                gold,
                hyp: hyp(&name),
            });
        }
    }
    let scores = pairs::score(&docs);
    println!("bundled corpus raw: {scores:?}");
    assert!(docs.len() >= 11, "only {} gold documents", docs.len());
    assert!(
        scores.tiled.f1 >= CORPUS_TILED_F1,
        "tiled F1 {:.4} below {CORPUS_TILED_F1}",
        scores.tiled.f1
    );
}
