//! `bitalign batch` end to end, on a corpus folder each test writes (en/ + fr/: three good
//! pairs, a binary pair, an empty pair, a file without counterpart) and on `corpora/docs`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_bitalign");

const GOOD: [(&str, &str, &str); 3] = [
    (
        "museum",
        "The city museum reopened on 12 May after two years of work. \
         Its new wing holds 340 paintings.\n\n\
         Visitors can enter for free on Sundays. The director, Anne Morel, thanked the donors.\n",
        "Le musée de la ville a rouvert le 12 mai après deux ans de travaux. \
         Sa nouvelle aile abrite 340 tableaux.\n\n\
         Les visiteurs peuvent entrer gratuitement le dimanche. La directrice, Anne Morel, a \
         remercié les donateurs.\n",
    ),
    (
        "weather",
        "Heavy rain is expected in Lyon tonight. Rivers may rise by 2 metres.\n\n\
         Schools will stay closed on Friday. The storm should end on Saturday morning.\n",
        "De fortes pluies sont attendues à Lyon cette nuit. Les rivières pourraient monter de \
         2 mètres.\n\n\
         Les écoles resteront fermées vendredi. La tempête devrait se terminer samedi matin.\n",
    ),
    (
        "report",
        "Sales grew by 8% in 2023. Exports to Canada doubled.\n\n\
         The board approved a dividend of 1.20 euros. A new plant will open in Nantes in 2025.\n",
        "Les ventes ont progressé de 8 % en 2023. Les exportations vers le Canada ont doublé.\n\n\
         Le conseil a approuvé un dividende de 1,20 euro. Une nouvelle usine ouvrira à Nantes en \
         2025.\n",
    ),
];

/// Bytes with NULs at odd and even offsets: binary, not UTF-16.
fn binary_bytes() -> Vec<u8> {
    let mut x: u32 = 12345;
    (0..4096)
        .map(|i| {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            if i % 7 == 0 {
                0
            } else {
                (x >> 16) as u8
            }
        })
        .collect()
}

/// en/ + fr/ with the good pairs, `binary.txt` and `empty.txt` pairs, and `only-en.txt`.
fn corpus() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let (en, fr) = (dir.path().join("en"), dir.path().join("fr"));
    fs::create_dir_all(&en).unwrap();
    fs::create_dir_all(&fr).unwrap();
    for (name, e, f) in GOOD {
        fs::write(en.join(format!("{name}.txt")), e).unwrap();
        fs::write(fr.join(format!("{name}.txt")), f).unwrap();
    }
    fs::write(en.join("binary.txt"), binary_bytes()).unwrap();
    fs::write(fr.join("binary.txt"), binary_bytes()).unwrap();
    fs::write(en.join("empty.txt"), "").unwrap();
    fs::write(fr.join("empty.txt"), "").unwrap();
    fs::write(en.join("only-en.txt"), "No translation yet.\n").unwrap();
    dir
}

fn batch(args: &[&str]) -> Output {
    Command::new(BIN).arg("batch").args(args).output().unwrap()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn report(out: &Path) -> Value {
    serde_json::from_str(&fs::read_to_string(out.join("report.json")).unwrap()).unwrap()
}

fn status_of(report: &Value) -> Vec<(String, String)> {
    report["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["id"].as_str().unwrap().to_string(),
                p["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// `<tu>` elements of a TMX, after checking it is well-formed XML.
fn tmx_units(path: &Path) -> usize {
    let text = fs::read_to_string(path).unwrap();
    let mut reader = quick_xml::Reader::from_str(&text);
    let mut units = 0;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Start(e)) if e.name().as_ref() == b"tu" => units += 1,
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("{}: not well-formed XML: {e}", path.display()),
        }
    }
    assert!(text.trim_end().ends_with("</tmx>"), "{}", path.display());
    units
}

/// Every file under `dir` but the report, state and journal, with its bytes, sorted by path.
fn outputs(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
        for e in fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let name = p.file_name().unwrap().to_string_lossy();
                // Hidden files are bookkeeping (state, journal, the merged TM's parts).
                if name != "report.json" && !name.starts_with('.') {
                    out.push((
                        p.strip_prefix(root).unwrap().to_path_buf(),
                        fs::read(&p).unwrap(),
                    ));
                }
            }
        }
    }
    let mut v = Vec::new();
    walk(dir, dir, &mut v);
    v.sort();
    v
}

#[test]
fn bad_pairs_are_reported_and_exit_1_while_good_pairs_are_written() {
    let corpus = corpus();
    let out = corpus.path().join("out");
    let o = batch(&[s(corpus.path()), "-o", s(&out)]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));

    let r = report(&out);
    let statuses = status_of(&r);
    let expect = |id: &str, st: &str| {
        assert!(
            statuses.contains(&(id.to_string(), st.to_string())),
            "{id} should be {st}: {statuses:?}"
        )
    };
    expect("fr/binary", "error");
    expect("fr/empty", "error");
    for (name, _, _) in GOOD {
        expect(&format!("fr/{name}"), "ok");
    }
    assert_eq!(statuses.len(), 5);
    assert_eq!(r["totals"]["ok"], 3);
    assert_eq!(r["totals"]["failed"], 2);
    assert!(r["unpaired"][0].as_str().unwrap().ends_with("only-en.txt"));

    for p in r["pairs"].as_array().unwrap() {
        let id = p["id"].as_str().unwrap();
        if p["status"] == "error" {
            let msg = p["error"].as_str().unwrap();
            assert!(!msg.contains('\n') && msg.contains(id), "{msg}");
            assert!(stderr(&o).contains(msg), "stderr lacks {msg}");
            assert!(!out.join(format!("{id}.tmx")).exists());
        } else {
            let path = out.join(format!("{id}.tmx"));
            assert_eq!(tmx_units(&path), p["units"].as_u64().unwrap() as usize);
            assert!(p["units"].as_u64().unwrap() >= 3, "{id}: {p}");
            assert!(p["src"]["sentences"].as_u64().unwrap() >= 4);
            assert_eq!(p["src"]["encoding"], "UTF-8");
            assert!(p["mean_score"].as_f64().unwrap() > 0.0);
        }
    }
    assert!(
        stderr(&o).contains("5 pairs: 3 ok, 2 failed, 0 skipped"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn merged_tmx_holds_the_units_of_every_good_pair() {
    let corpus = corpus();
    let out = corpus.path().join("out");
    let merged = corpus.path().join("all.tmx");
    let o = batch(&[s(corpus.path()), "-o", s(&out), "--merge", s(&merged)]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let r = report(&out);
    let units: u64 = r["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["units"].as_u64().unwrap())
        .sum();
    assert!(units > 0);
    assert_eq!(tmx_units(&merged) as u64, units);
    assert_eq!(r["merge"]["status"], "ok");
    assert_eq!(r["merge"]["pairs"], 3);
    let text = fs::read_to_string(&merged).unwrap();
    for (name, _, _) in GOOD {
        assert!(text.contains(&format!(">fr/{name}<")), "no units of {name}");
    }
}

#[test]
fn outputs_are_byte_identical_with_one_or_two_jobs() {
    let corpus = corpus();
    let outs = tempfile::tempdir().unwrap();
    let (a, b) = (outs.path().join("a"), outs.path().join("b"));
    for (out, jobs) in [(&a, "1"), (&b, "2")] {
        let merged = out.join("all.jsonl");
        let o = batch(&[
            s(corpus.path()),
            "-o",
            s(out),
            "-f",
            "jsonl",
            "--jobs",
            jobs,
            "--merge",
            s(&merged),
        ]);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    }
    let (oa, ob) = (outputs(&a), outputs(&b));
    assert_eq!(
        oa.len(),
        4,
        "{:?}",
        oa.iter().map(|x| &x.0).collect::<Vec<_>>()
    );
    assert_eq!(oa, ob);
    assert_eq!(status_of(&report(&a)), status_of(&report(&b)));
}

#[test]
fn resume_skips_unchanged_pairs_and_realigns_a_changed_one() {
    let corpus = corpus();
    let out = corpus.path().join("out");
    let args = [s(corpus.path()), "-o", s(&out), "--resume"];
    batch(&args);
    let first = fs::read(out.join("fr/museum.tmx")).unwrap();

    let o = batch(&args);
    let st = status_of(&report(&out));
    assert!(
        st.iter().all(|(id, s)| s
            == if id.contains("binary") || id.contains("empty") {
                "error"
            } else {
                "skipped"
            }),
        "{st:?}"
    );
    assert!(
        stderr(&o).contains("5 pairs: 0 ok, 2 failed, 3 skipped"),
        "{}",
        stderr(&o)
    );
    // A skipped pair's output is left as it was (TMX dates included).
    assert_eq!(fs::read(out.join("fr/museum.tmx")).unwrap(), first);
    // A skipped pair keeps its statistics in the report.
    let museum = &report(&out)["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "fr/museum")
        .unwrap()
        .clone();
    assert!(museum["beads"].as_u64().unwrap() > 0);

    let fr = corpus.path().join("fr/weather.txt");
    let text = fs::read_to_string(&fr).unwrap();
    fs::write(&fr, text + "\nUne phrase de plus.\n").unwrap();
    batch(&args);
    let st = status_of(&report(&out));
    assert!(st.contains(&("fr/weather".into(), "ok".into())), "{st:?}");
    assert!(
        st.contains(&("fr/museum".into(), "skipped".into())),
        "{st:?}"
    );
    assert!(
        st.contains(&("fr/report".into(), "skipped".into())),
        "{st:?}"
    );

    // Other settings: everything is aligned again.
    let o = batch(&[
        s(corpus.path()),
        "-o",
        s(&out),
        "--resume",
        "--min-score",
        "0.1",
    ]);
    assert!(
        stderr(&o).contains("3 ok, 2 failed, 0 skipped"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_pair_whose_output_was_deleted_is_aligned_again_on_resume() {
    let corpus = corpus();
    let out = corpus.path().join("out");
    let args = [s(corpus.path()), "-o", s(&out), "--resume"];
    batch(&args);
    fs::remove_file(out.join("fr/report.tmx")).unwrap();
    batch(&args);
    let st = status_of(&report(&out));
    assert!(st.contains(&("fr/report".into(), "ok".into())), "{st:?}");
    assert!(out.join("fr/report.tmx").is_file());
}

#[test]
fn manifest_ids_cannot_write_outside_the_output_folder() {
    let corpus = corpus();
    let root = corpus.path();
    let manifest = root.join("pairs.csv");
    fs::write(
        &manifest,
        "src,tgt,id\n\
         en/museum.txt,fr/museum.txt,../evil\n\
         en/weather.txt,fr/weather.txt,/abs/olute\n\
         en/report.txt,fr/report.txt,\n",
    )
    .unwrap();
    let out = root.join("nested/out");
    let o = batch(&["--manifest", s(&manifest), "-o", s(&out)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(out.join("_/evil.tmx").is_file());
    assert!(out.join("abs/olute.tmx").is_file());
    assert!(
        out.join("report.tmx").is_file(),
        "id defaults to the source stem"
    );
    assert!(!root.join("nested/evil.tmx").exists());
    assert!(!Path::new("/abs").exists());
    assert!(
        stderr(&o).contains("'../evil' is written as '_/evil'"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn moses_writes_two_files_per_pair() {
    let corpus = corpus();
    let out = corpus.path().join("out");
    batch(&[s(corpus.path()), "-o", s(&out), "-f", "moses"]);
    let en = fs::read_to_string(out.join("fr/museum.en")).unwrap();
    let fr = fs::read_to_string(out.join("fr/museum.fr")).unwrap();
    assert!(en.lines().count() >= 3);
    assert_eq!(en.lines().count(), fr.lines().count());
}

#[test]
fn a_corpus_without_the_source_folder_is_a_usage_error() {
    let corpus = corpus();
    let out = corpus.path().join("out");
    let o = batch(&[s(corpus.path()), "-o", s(&out), "--src-lang", "de"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no source language folder 'de'"),
        "{}",
        stderr(&o)
    );

    fs::rename(corpus.path().join("en"), corpus.path().join("xx")).unwrap();
    let o = batch(&[s(corpus.path()), "-o", s(&out)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--src-lang"), "{}", stderr(&o));
}

#[test]
fn bundled_corpus_aligns_with_no_failures() {
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpora/docs");
    let out = tempfile::tempdir().unwrap();
    let o = batch(&[s(&docs), "-o", s(out.path())]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("11 pairs: 11 ok, 0 failed, 0 skipped"),
        "{}",
        stderr(&o)
    );
    let r = report(out.path());
    assert_eq!(r["totals"]["failed"], 0);
    for p in r["pairs"].as_array().unwrap() {
        let id = p["id"].as_str().unwrap();
        assert!(
            tmx_units(&out.path().join(format!("{id}.tmx"))) > 10,
            "{id}"
        );
    }
    assert!(out.path().join("ar/ar-mei-defense.tmx").is_file());
}

#[test]
fn a_corpus_of_120_raw_pairs_is_reported_and_a_resume_rewrites_nothing() {
    let dir = tempfile::tempdir().unwrap();
    for lang in ["en", "fr"] {
        fs::create_dir_all(dir.path().join(lang)).unwrap();
    }
    // 120 pairs: the three good documents, each with its own numbers so no two are equal.
    for k in 0..120 {
        let (_, en, fr) = GOOD[k % GOOD.len()];
        let tag = format!("Document {k}. ");
        let name = format!("doc{k:03}.txt");
        fs::write(dir.path().join("en").join(&name), format!("{tag}{en}")).unwrap();
        fs::write(dir.path().join("fr").join(&name), format!("{tag}{fr}")).unwrap();
    }
    let out = dir.path().join("out");
    let args = [s(dir.path()), "-o", s(&out), "--resume", "--merge"];
    let merged = out.join("all.tmx");
    let args: Vec<&str> = args.into_iter().chain([s(&merged)]).collect();
    let o = batch(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let st = status_of(&report(&out));
    assert_eq!(st.len(), 120);
    assert!(st.iter().all(|(_, s)| s == "ok"), "{st:?}");
    assert!(tmx_units(&merged) >= 120 * 4);

    // Nothing changed: every pair is skipped and no output file is written again.
    let modified = |p: &Path| fs::metadata(p).unwrap().modified().unwrap();
    let before: Vec<_> = (0..120)
        .map(|k| modified(&out.join(format!("fr/doc{k:03}.tmx"))))
        .collect();
    let merged_before = modified(&merged);
    let o = batch(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        status_of(&report(&out)).iter().all(|(_, s)| s == "skipped"),
        "{}",
        stderr(&o)
    );
    for (k, t) in before.iter().enumerate() {
        assert_eq!(
            modified(&out.join(format!("fr/doc{k:03}.tmx"))),
            *t,
            "doc{k:03}"
        );
    }
    assert_eq!(modified(&merged), merged_before);
}

#[test]
fn an_output_folder_inside_the_corpus_is_not_scanned_as_input() {
    let c = corpus();
    let out = c.path().join("out");
    for run in 0..2 {
        let o = batch(&[s(c.path()), "-o", s(&out), "--src-lang", "en"]);
        assert!(
            stderr(&o).contains("5 pairs: 3 ok, 2 failed"),
            "run {run}: {}",
            stderr(&o)
        );
        assert!(!stderr(&o).contains("out/"), "run {run}: {}", stderr(&o));
    }
}

#[test]
fn three_shards_joined_give_the_outputs_and_merged_tm_of_one_run() {
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpora/docs");
    let dir = tempfile::tempdir().unwrap();
    let date = ["--creation-date", "20240101T000000Z"];
    let whole = dir.path().join("whole");
    let whole_tm = dir.path().join("whole.tmx");
    let o = batch(
        &[
            &[s(&docs), "-o", s(&whole), "--merge", s(&whole_tm)],
            &date[..],
        ]
        .concat(),
    );
    assert!(o.status.success(), "{}", stderr(&o));

    let out = dir.path().join("sharded");
    let mut shards = Vec::new();
    // Run out of order: the join sorts them by their index.
    for k in [3, 1, 2] {
        let shard = out.join(format!("shard-{k}"));
        let spec = format!("{k}/3");
        let o = batch(&[&[s(&docs), "-o", s(&shard), "--shard", &spec], &date[..]].concat());
        assert!(o.status.success(), "{}", stderr(&o));
        assert_eq!(report(&shard)["shard"]["index"], k);
        shards.push(shard);
    }
    // Every pair in exactly one shard, each output as one run writes it.
    let mut union = Vec::new();
    for shard in &shards {
        union.extend(outputs(shard));
    }
    union.sort();
    let reference = outputs(&whole);
    assert_eq!(union.len(), reference.len(), "a pair in no shard or in two");
    assert!(
        union == reference,
        "a shard's output differs from one run's"
    );

    let merged = out.join("all.tmx");
    let mut args = vec!["-o", s(&out), "--merge", s(&merged), "--merge-reports"];
    args.extend(shards.iter().map(|p| s(p)));
    args.extend(date);
    let o = batch(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        fs::read(&merged).unwrap() == fs::read(&whole_tm).unwrap(),
        "the joined merged TM differs from one run's"
    );
    let (joined, one) = (report(&out), report(&whole));
    for key in [
        "pairs",
        "ok",
        "beads",
        "units",
        "src_sentences",
        "tgt_sentences",
    ] {
        assert_eq!(joined["totals"][key], one["totals"][key], "{key}");
    }
    let ids = |r: &Value| -> Vec<Value> {
        r["pairs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].clone())
            .collect()
    };
    assert_eq!(ids(&joined), ids(&one), "pairs out of corpus order");
    assert_eq!(joined["merge"]["status"], "ok");

    // A missing shard is refused, naming what is missing.
    let o = batch(&[
        "-o",
        s(&out),
        "--merge-reports",
        s(&shards[0]),
        s(&shards[1]),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("2 of 3 shards given: missing 2/3"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn the_slurm_example_run_as_three_local_tasks_joins_into_one_runs_tm() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let docs = root.join("corpora/docs");
    let dir = tempfile::tempdir().unwrap();
    let whole_tm = dir.path().join("whole.tmx");
    let o = batch(&[
        s(&docs),
        "-o",
        s(&dir.path().join("whole")),
        "--merge",
        s(&whole_tm),
        "--creation-date",
        "20250101T000000Z",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = dir.path().join("out");
    for k in 1..=3 {
        let o = Command::new("bash")
            .arg(root.join("examples/slurm/align.sbatch"))
            .env("SLURM_ARRAY_TASK_ID", k.to_string())
            .env("SLURM_ARRAY_TASK_COUNT", "3")
            .env("CORPUS", &docs)
            .env("OUT", &out)
            .env("BITALIGN", BIN)
            .output()
            .unwrap();
        assert!(o.status.success(), "task {k}: {}", stderr(&o));
        assert_eq!(
            out.join("corpus.tmx").exists(),
            k == 3,
            "joined after task {k}"
        );
    }
    assert!(
        fs::read(out.join("corpus.tmx")).unwrap() == fs::read(&whole_tm).unwrap(),
        "the array's TM differs from one run's"
    );
}
