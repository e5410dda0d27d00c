//! `bitalign stream` end to end: JSON Lines of document pairs in, bead and doc records out.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::{json, Value};

const BIN: &str = env!("CARGO_BIN_EXE_bitalign");

const RAW_EN: &str = "Heavy rain is expected in Lyon tonight.  Rivers may rise by 2 metres.\n\n\
                      Schools will stay closed on Friday. The storm should end on Saturday.";
const RAW_FR: &str = "De fortes pluies sont attendues à Lyon cette nuit. Les rivières pourraient \
                      monter de 2 mètres.\n\nLes écoles resteront fermées vendredi. La tempête \
                      devrait se terminer samedi.";
const SENTS_EN: [&str; 3] = [
    "Sales grew by 8% in 2023.",
    "Exports to Canada doubled.",
    "A new plant will open in Nantes in 2025.",
];
const SENTS_FR: [&str; 3] = [
    "Les ventes ont progressé de 8 % en 2023.",
    "Les exportations vers le Canada ont doublé.",
    "Une nouvelle usine ouvrira à Nantes en 2025.",
];

fn stream(input: &str, args: &[&str]) -> Output {
    common::run_with_input(&[&["stream"], args].concat(), input.as_bytes())
}

fn records(out: &Output) -> Vec<Value> {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

fn three_lines() -> String {
    [
        json!({"pair_id": "raw", "src_lang": "en", "tgt_lang": "fr", "src": RAW_EN, "tgt": RAW_FR})
            .to_string(),
        json!({"pair_id": "split", "src_lang": "en", "tgt_lang": "fr",
               "src_sents": SENTS_EN, "tgt_sents": SENTS_FR})
        .to_string(),
        "{\"pair_id\": \"broken\", \"src\": ".to_string(),
    ]
    .join("\n")
        + "\n"
}

fn docs(recs: &[Value]) -> Vec<&Value> {
    recs.iter().filter(|r| r["type"] == "doc").collect()
}

fn bead_texts(recs: &[Value], id: &str, side: &str) -> Vec<String> {
    recs.iter()
        .filter(|r| r["type"] == "bead" && r["pair_id"] == id)
        .map(|r| r[side].as_str().unwrap().to_string())
        .filter(|t| !t.is_empty())
        .collect()
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn raw_and_pre_split_pairs_align_and_an_invalid_line_gives_an_error_record() {
    let recs = records(&stream(&three_lines(), &[]));
    let docs = docs(&recs);
    assert_eq!(docs.len(), 3);
    assert_eq!(
        (docs[0]["pair_id"].as_str(), docs[0]["status"].as_str()),
        (Some("raw"), Some("ok"))
    );
    assert_eq!(
        (docs[1]["pair_id"].as_str(), docs[1]["status"].as_str()),
        (Some("split"), Some("ok"))
    );
    assert_eq!(docs[2]["status"], "error");
    assert_eq!(docs[2]["line"], 3);
    assert!(docs[2]["error"].as_str().unwrap().contains("invalid JSON"));

    // Nothing is lost: the beads' texts concatenate to the input, side by side.
    assert_eq!(bead_texts(&recs, "raw", "src").join(" "), collapse(RAW_EN));
    assert_eq!(bead_texts(&recs, "raw", "tgt").join(" "), collapse(RAW_FR));
    assert_eq!(
        bead_texts(&recs, "split", "src").join(" "),
        SENTS_EN.join(" ")
    );
    assert_eq!(
        bead_texts(&recs, "split", "tgt").join(" "),
        SENTS_FR.join(" ")
    );

    for doc in &docs[..2] {
        let id = doc["pair_id"].as_str().unwrap();
        let beads: Vec<&Value> = recs
            .iter()
            .filter(|r| r["type"] == "bead" && r["pair_id"] == id)
            .collect();
        assert_eq!(doc["n_beads"].as_u64().unwrap() as usize, beads.len());
        for b in beads {
            let score = b["score"].as_f64().unwrap();
            assert!((0.0..=1.0).contains(&score));
            assert!(b["src_idx"].is_array() && b["tgt_idx"].is_array());
        }
    }
    // A pair's doc record comes after its beads.
    let last_raw_bead = recs
        .iter()
        .rposition(|r| r["pair_id"] == "raw" && r["type"] == "bead");
    let raw_doc = recs
        .iter()
        .position(|r| r["pair_id"] == "raw" && r["type"] == "doc");
    assert!(last_raw_bead < raw_doc);
}

#[test]
fn pre_split_indices_point_into_the_given_sentence_arrays() {
    let recs = records(&stream(&three_lines(), &[]));
    for b in recs
        .iter()
        .filter(|r| r["pair_id"] == "split" && r["type"] == "bead")
    {
        let idx = |k: &str| -> Vec<usize> {
            b[k].as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_u64().unwrap() as usize)
                .collect()
        };
        let src: Vec<&str> = idx("src_idx").iter().map(|&i| SENTS_EN[i]).collect();
        let tgt: Vec<&str> = idx("tgt_idx").iter().map(|&i| SENTS_FR[i]).collect();
        assert_eq!(b["src"], src.join(" "));
        assert_eq!(b["tgt"], tgt.join(" "));
    }
}

#[test]
fn output_is_identical_with_one_or_two_jobs() {
    // The bundled corpus as raw pairs, plus the three lines above, several times over.
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpora/docs");
    let mut input = String::new();
    for lang in ["fr", "de", "ar", "zh"] {
        for e in std::fs::read_dir(docs.join(lang)).unwrap() {
            let path = e.unwrap().path();
            let name = path.file_name().unwrap();
            let src = std::fs::read_to_string(docs.join("en").join(name)).unwrap();
            let tgt = std::fs::read_to_string(&path).unwrap();
            let id = format!("{lang}/{}", name.to_string_lossy());
            input += &json!({"pair_id": id, "src_lang": "en", "tgt_lang": lang,
                             "src": src, "tgt": tgt})
            .to_string();
            input.push('\n');
        }
    }
    for _ in 0..30 {
        input += &three_lines();
    }
    let one = stream(&input, &["--jobs", "1"]);
    let two = stream(&input, &["--jobs", "2"]);
    let recs = records(&one);
    assert_eq!(docs_count(&recs), 9 + 90);
    assert_eq!(one.stdout, two.stdout);
}

fn docs_count(recs: &[Value]) -> usize {
    docs(recs).len()
}

#[test]
fn bad_lines_give_error_records_naming_the_problem_and_the_stream_goes_on() {
    let lines = [
        json!({"src": "A.", "tgt": "B."}).to_string(),
        json!({"pair_id": "no-tgt", "src": "A."}).to_string(),
        json!({"pair_id": "empty", "src": "  ", "tgt": "Un."}).to_string(),
        json!({"pair_id": "both", "src": "A.", "src_sents": ["A."], "tgt": "B."}).to_string(),
        json!({"pair_id": "not-strings", "src_sents": [1, 2], "tgt": "B."}).to_string(),
        "[1, 2]".to_string(),
        String::new(),
        json!({"pair_id": 42, "src_lang": "en", "tgt_lang": "fr", "src": RAW_EN, "tgt": RAW_FR})
            .to_string(),
    ];
    let recs = records(&stream(&(lines.join("\n") + "\n"), &[]));
    let docs = docs(&recs);
    let errors: Vec<(Option<&str>, &str)> = docs
        .iter()
        .filter(|d| d["status"] == "error")
        .map(|d| (d["pair_id"].as_str(), d["error"].as_str().unwrap()))
        .collect();
    let expect = [
        (None, "missing field 'pair_id'"),
        (Some("no-tgt"), "missing field 'tgt'"),
        (Some("empty"), "src: empty input"),
        (Some("both"), "not both"),
        (Some("not-strings"), "src_sents[0] is not a string"),
        (None, "expected a JSON object"),
    ];
    assert_eq!(errors.len(), expect.len(), "{errors:?}");
    for ((id, msg), (eid, emsg)) in errors.iter().zip(expect) {
        assert_eq!(*id, eid);
        assert!(msg.contains(emsg), "{msg:?} lacks {emsg:?}");
    }
    let last = docs.last().unwrap();
    assert_eq!(
        (last["pair_id"].as_str(), last["status"].as_str()),
        (Some("42"), Some("ok"))
    );
    // The blank line is skipped but counted: the last record names input line 8.
    assert_eq!(last["line"], 8);
}

#[test]
fn min_score_and_no_one_sided_filter_the_beads() {
    let input = json!({"pair_id": "p", "src_lang": "en", "tgt_lang": "fr",
        "src_sents": ["Sales grew by 8% in 2023.", "This sentence has no translation at all.",
                      "A new plant will open in Nantes in 2025."],
        "tgt_sents": ["Les ventes ont progressé de 8 % en 2023.",
                      "Une nouvelle usine ouvrira à Nantes en 2025."]})
    .to_string()
        + "\n";
    let all = records(&stream(&input, &[]));
    let two_sided = records(&stream(&input, &["--no-one-sided"]));
    let top = records(&stream(&input, &["--min-score", "1"]));
    let beads = |r: &[Value]| r.iter().filter(|x| x["type"] == "bead").count();
    assert!(beads(&two_sided) <= beads(&all));
    assert!(two_sided
        .iter()
        .filter(|x| x["type"] == "bead")
        .all(|x| x["src"] != "" && x["tgt"] != ""));
    assert!(top
        .iter()
        .filter(|x| x["type"] == "bead")
        .all(|x| x["score"].as_f64() >= Some(1.0)));
    assert_eq!(docs(&top)[0]["n_beads"], beads(&top));
    assert_eq!(docs(&top)[0]["status"], "ok");
    // A score above 1 would drop everything: a usage error, not an empty result.
    assert_eq!(
        stream(&input, &["--min-score", "1.01"]).status.code(),
        Some(2)
    );
}

/// The Python that runs the Spark example: `BITALIGN_SPARK_PYTHON`, else CI's virtual
/// environment (`BITALIGN_PYTHON`), else `python3`; `None` (skip printed) without pyspark
/// or Java, unless `BITALIGN_REQUIRE_SPARK` is set (CI installed both): then it fails.
fn spark_python() -> Option<String> {
    let python = std::env::var("BITALIGN_SPARK_PYTHON")
        .or_else(|_| std::env::var("BITALIGN_PYTHON"))
        .unwrap_or_else(|_| "python3".into());
    let works = |cmd: &str, args: &[&str]| {
        Command::new(cmd)
            .args(args)
            .output()
            .is_ok_and(|o| o.status.success())
    };
    let missing = if !works(&python, &["-c", "import pyspark"]) {
        format!("{python} cannot import pyspark (set BITALIGN_SPARK_PYTHON)")
    } else if !works("java", &["-version"]) {
        "no java on PATH (Spark needs a JRE, e.g. Debian's default-jre-headless)".to_string()
    } else {
        return Some(python);
    };
    assert!(
        std::env::var_os("BITALIGN_REQUIRE_SPARK").is_none(),
        "BITALIGN_REQUIRE_SPARK is set but {missing}"
    );
    common::skip(missing);
    None
}

fn json_values(text: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(text)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

#[test]
fn spark_example_in_two_stages_gives_exactly_the_beads_of_batch() {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/spark/align_corpus.py");
    let Some(python) = spark_python() else { return };
    let tmp = tempfile::tempdir().unwrap();
    // TICO-19's short documents learn a real corpus lexicon; without ../shared, the bundled
    // documents (too few for one: each pair learns its own, in batch as on Spark).
    let corpus = common::tico_short_corpus(tmp.path()).unwrap_or_else(|| {
        let c = tmp.path().join("docs");
        let src = common::root().join("corpora/docs");
        for e in std::fs::read_dir(&src).unwrap().flatten() {
            std::fs::create_dir_all(c.join(e.file_name())).unwrap();
            for f in std::fs::read_dir(e.path()).unwrap().flatten() {
                std::fs::copy(f.path(), c.join(e.file_name()).join(f.file_name())).unwrap();
            }
        }
        c
    });
    // One pair that cannot be aligned: it must come back as an error doc record.
    std::fs::write(corpus.join("en/zz-empty.txt"), "").unwrap();
    std::fs::write(corpus.join("ar/zz-empty.txt"), "").unwrap();
    let batch_out = tmp.path().join("batch");
    let merged = tmp.path().join("batch.jsonl");
    let b = Command::new(BIN)
        .arg("batch")
        .arg(&corpus)
        .arg("-o")
        .arg(&batch_out)
        .args(["-f", "jsonl", "--merge"])
        .arg(&merged)
        .output()
        .unwrap();
    assert_eq!(b.status.code(), Some(1), "one pair fails in batch too");
    let batch = json_values(&std::fs::read(&merged).unwrap());

    let spark_jsonl = tmp.path().join("spark.jsonl");
    let started = std::time::Instant::now();
    let o = Command::new(&python)
        .arg(&script)
        .arg("--bitalign")
        .arg(BIN)
        .arg("--corpus")
        .arg(&corpus)
        .arg("--out")
        .arg(tmp.path().join("spark"))
        .arg("--jsonl")
        .arg(&spark_jsonl)
        .output()
        .unwrap();
    let seconds = started.elapsed().as_secs_f64();
    let stdout = String::from_utf8_lossy(&o.stdout);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stdout}\n{stderr}");
    let pairs = std::fs::read_dir(corpus.join("en")).unwrap().count();
    let summary = format!("{pairs} pairs: {} ok, 1 failed", pairs - 1);
    assert!(stdout.contains(&summary), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("failed: ar/zz-empty:") && stderr.contains("empty input"),
        "{stderr}"
    );
    let spark = json_values(&std::fs::read(&spark_jsonl).unwrap());
    assert_eq!(spark.len(), batch.len());
    assert!(spark == batch, "Spark's beads differ from batch -f jsonl");
    // Written to the stderr handle itself: libtest does not capture it, so CI's log shows
    // that the Spark test ran.
    let _ = writeln!(
        std::io::stderr(),
        "spark: examples/spark/align_corpus.py ran {pairs} pairs on local[2] in {seconds:.1} s; \
         {} beads, equal to batch -f jsonl (texts, indices, scores); the failed pair reported",
        spark.len()
    );
}
