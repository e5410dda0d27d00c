//! The HTML review page (`-f html`) for the seed pair: self-contained (no network resource),
//! one `data-bead` row per bead (as many as JSONL beads), and rendered by headless Chromium
//! with the script run and the plot present.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

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

/// The first pair's data block of a page, parsed.
fn pair_data(html: &str) -> Value {
    let open = "<script type=\"application/json\" class=\"pair-data\">";
    let at = html.find(open).expect("a pair data block") + open.len();
    let end = at + html[at..].find("</script>").expect("end of the data block");
    serde_json::from_str(&html[at..end]).expect("the data block is JSON")
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
    let data = pair_data(&html);
    assert_eq!(
        data["beads"].as_array().unwrap().len(),
        beads,
        "one bead in the data per JSONL bead"
    );
    assert_eq!(html.matches("<section class=\"pair\"").count(), 1);
    assert_eq!(html.matches("<svg").count(), 1);
    assert!(html.contains("lang=\"ar\" dir=\"rtl\""));
    assert!(html.contains("lang=\"en\" dir=\"ltr\""));
    for action in ["export-tmx", "export-edits", "merge", "split", "undo"] {
        assert!(
            html.contains(&format!("data-action=\"{action}\"")),
            "control {action}"
        );
    }
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
    // In the browser it opens on an index of the pairs and opens one on demand.
    if let Some(r) = drive("open", &page, dir.path()) {
        assert_eq!(r["index_rows"], sections as u64, "one index row per pair");
    }
    // Each pair's own page names both files and languages.
    let one = std::fs::read_to_string(dir.path().join("out/ar/ar-mei-defense.html")).unwrap();
    assert!(
        one.contains(
            "<title>bitalign review: ar-mei-defense.txt (en) ↔ ar-mei-defense.txt (ar)</title>"
        ),
        "{}",
        &one[..one.find("</title>").unwrap_or(0)]
    );
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
        dom.contains(&format!("of {beads} beads to review")),
        "script did not run"
    );
}

/// Fixed, so the page's TMX and the CLI's can be compared byte for byte.
const DATE: &str = "20250101T000000Z";

/// Runs `tests/review/drive.py COMMAND PAGE OUT` (Playwright driving the system chromium)
/// with `$BITALIGN_PYTHON` (else `python3`) and returns what it printed; `None` after
/// printing why when Playwright or Chromium is missing.
fn drive(command: &str, page: &Path, out: &Path) -> Option<Value> {
    let python = std::env::var("BITALIGN_PYTHON").unwrap_or_else(|_| "python3".to_string());
    let script = common::root().join("tests/review/drive.py");
    let o = match Command::new(&python)
        .arg(&script)
        .args([command, &page.to_string_lossy(), &out.to_string_lossy()])
        .output()
    {
        Ok(o) => o,
        Err(e) => {
            common::skip(format!("{python} not runnable ({e})"));
            return None;
        }
    };
    let stdout = String::from_utf8_lossy(&o.stdout);
    if o.status.code() == Some(3) {
        println!(
            "skipped: {} (set BITALIGN_PYTHON to a Python with playwright; .ci/run makes one)",
            stdout.trim()
        );
        return None;
    }
    assert!(
        o.status.success(),
        "drive.py {command} failed: {}{}",
        stdout,
        String::from_utf8_lossy(&o.stderr)
    );
    let v: Value = serde_json::from_str(stdout.trim()).expect("JSON from drive.py");
    assert_eq!(v["errors"], serde_json::json!([]), "page errors");
    assert_eq!(v["dialogs"], serde_json::json!([]), "dialogs opened");
    Some(v)
}

/// The seed pair's review page with a fixed TMX date, in `dir`.
fn seed_page(dir: &Path) -> PathBuf {
    seed_tmx(dir, "review.html", None).0
}

/// The seed pair aligned into `dir/name` (the extension sets the format) with the fixed date and, when given, the edits
/// replayed; the run's output.
fn seed_tmx(dir: &Path, name: &str, edits: Option<&Path>) -> (PathBuf, std::process::Output) {
    let out = dir.join(name);
    let mut args = vec!["--creation-date".to_string(), DATE.to_string()];
    if let Some(e) = edits {
        args.extend([
            "--apply-edits".to_string(),
            e.to_string_lossy().into_owned(),
        ]);
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = common::align_seed(&out, &args, &[]);
    (out, o)
}

/// Units of a TMX file, after checking it against the TMX 1.4 DTD when xmllint is there.
fn valid_tmx(path: &Path) -> common::Tmx {
    if let Some((ok, why)) = common::xmllint_validate(path) {
        assert!(ok, "{} is not valid TMX 1.4: {why}", path.display());
    }
    common::parse_tmx(&std::fs::read_to_string(path).unwrap())
}

#[test]
fn editor_merge_split_undo_then_export_gives_a_valid_tmx() {
    let dir = tempfile::tempdir().unwrap();
    let page = seed_page(dir.path());
    let Some(r) = drive("edit", &page, dir.path()) else {
        return;
    };
    let n = r["beads"].as_u64().unwrap();
    assert_eq!(r["steps"]["after_merge"], n - 1, "merge joins two beads");
    assert_eq!(r["steps"]["after_split"], n, "split makes two");
    assert_eq!(r["after_undo"], n - 1, "undo takes the split back");
    assert_eq!(r["undo_bead"], r["merged"], "the merged bead is back");
    assert_eq!(r["rows"], n - 1, "one row per bead after editing");
    assert_eq!(
        r["download"], "ar-mei-defense.tmx",
        "the control downloads a .tmx"
    );
    assert_eq!(r["rtl"], "rtl", "Arabic renders right to left");
    assert!(
        r["boundaries"].as_u64().unwrap() > 0,
        "sentence boundaries shown"
    );
    // Keys: m merges and u undoes; x takes a bead out of the queue; n goes to the next.
    let k = &r["keys"];
    assert_eq!(
        (&k["after_m"], &k["after_u"]),
        (&(n - 2).into(), &(n - 1).into())
    );
    assert_eq!(k["queue_after_x"], k["queue_before"].as_u64().unwrap() - 1);
    assert_eq!(k["status_after_x"], "rejected");
    assert_eq!(k["n_selects"], k["first_queued"]);
    let title = r["title"].as_str().unwrap();
    assert!(
        title.contains("ar-mei-defense.txt (en)") && title.contains("ar-mei-defense.txt (ar)"),
        "{title}"
    );

    // The page's TMX: every two-sided bead but the two merged, which are one reviewed unit.
    let (plain, _) = seed_tmx(dir.path(), "plain.tmx", None);
    let before = valid_tmx(&plain).tus.len();
    let edited = valid_tmx(&dir.path().join("edited.tmx"));
    assert_eq!(edited.tus.len(), before - 1);
    let reviewed: Vec<_> = edited
        .tus
        .iter()
        .filter(|t| t.prop("x-reviewed").is_some())
        .collect();
    assert_eq!(reviewed.len(), 1);
    assert_eq!(reviewed[0].prop("x-reviewed"), Some("edited"));
    assert_eq!(reviewed[0].prop("x-bead"), Some("2-2"));
    let downloaded = valid_tmx(&dir.path().join("ar-mei-defense.tmx"));
    assert_eq!(downloaded.tus.len(), edited.tus.len());
}

#[test]
fn reviewer_round_trip_apply_edits_gives_the_pages_tmx() {
    let dir = tempfile::tempdir().unwrap();
    let page = seed_page(dir.path());
    let Some(r) = drive("roundtrip", &page, dir.path()) else {
        return;
    };
    assert_eq!((&r["rejected"], &r["merged"]), (&true.into(), &true.into()));
    let edits = dir.path().join(r["edits"].as_str().unwrap());
    let (cli, o) = seed_tmx(dir.path(), "cli.tmx", Some(&edits));
    assert!(
        o.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let from_page = std::fs::read_to_string(dir.path().join("page.tmx")).unwrap();
    let from_cli = std::fs::read_to_string(&cli).unwrap();
    assert_eq!(
        from_cli, from_page,
        "align --apply-edits and the page disagree"
    );
    let (plain, _) = seed_tmx(dir.path(), "plain.tmx", None);
    // TSV and CSV from the page are what the CLI writes with the same edits, too.
    for ext in ["tsv", "csv"] {
        let (cli, _) = seed_tmx(dir.path(), &format!("cli.{ext}"), Some(&edits));
        assert_eq!(
            std::fs::read_to_string(&cli).unwrap(),
            std::fs::read_to_string(dir.path().join(format!("page.{ext}"))).unwrap(),
            "{ext} from the page and from align --apply-edits"
        );
    }
    // One bead rejected, two merged into one.
    assert_eq!(valid_tmx(&cli).tus.len(), valid_tmx(&plain).tus.len() - 2);
}

/// Payloads for every context of the page: element text, attributes, the data block.
const PAYLOADS: [&str; 8] = [
    "<script>window.__pwned = 1</script> First sentence here.",
    "An image <img src=x onerror=\"window.__pwned = 2\"> in the text.",
    "It ends </script><script>window.__pwned = 3</script> the block.",
    "A comment <!-- <script>window.__pwned = 4</script> opens.",
    "Quotes \"><svg onload=\"window.__pwned = 5\"> break out.",
    "Separators \u{2028} and \u{2029} then javascript:window.__pwned = 6 follow.",
    "Templates {{constructor.constructor('window.__pwned = 7')()}} run.",
    "CDATA ]]></seg><script>window.__pwned = 8</script> ends.",
];

#[test]
fn hostile_text_never_runs_after_editing_and_exporting() {
    let dir = tempfile::tempdir().unwrap();
    // The file names (the page's title and heading) are hostile too.
    let src = dir.path().join("x\"'><img src=x onerror=__pwned=9>.txt");
    let tgt = dir.path().join("y<script>__pwned=10<\\script>.txt");
    let text = |tag: &str| {
        PAYLOADS
            .iter()
            .map(|p| format!("{tag} {p}\n\n"))
            .collect::<String>()
    };
    std::fs::write(&src, text("EN")).unwrap();
    std::fs::write(&tgt, text("FR")).unwrap();
    let page = dir.path().join("hostile.html");
    let o = common::bin()
        .arg("align")
        .arg(&src)
        .arg(&tgt)
        .args([
            "--src-lang",
            "en",
            "--tgt-lang",
            "fr",
            // The payloads are English-like on both sides: the language check would refuse.
            "--force-lang",
            "--creation-date",
            DATE,
            "-o",
        ])
        .arg(&page)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let html = std::fs::read_to_string(&page).unwrap();
    assert_eq!(
        html.matches("<script").count(),
        3,
        "data, pair data, editor"
    );
    assert!(!html.contains("<img") && !html.contains("<svg onload"));
    let Some(r) = drive("inject", &page, dir.path()) else {
        return;
    };
    assert_eq!(r["pwned_on_load"], "undefined");
    assert_eq!(r["pwned_after"], "undefined", "a payload ran");
    assert_eq!(r["edits_applied"], serde_json::json!([true, true, true]));
    assert_eq!(r["scripts"], 3, "no script element added");
    assert_eq!(r["foreign_elements"], 0);
    assert_eq!(r["handlers"], 0, "no inline event handler in the page");
    let text = r["text"].as_str().unwrap();
    assert!(
        text.contains("<script>window.__pwned = 1</script>"),
        "payload shown as text"
    );
    assert!(text.contains("</script><script>window.__pwned = 3"));
    // The exports are what they claim: the TMX valid, the edits JSON.
    valid_tmx(&dir.path().join("page.tmx"));
    let edits = r["files"]["export-edits"].as_str().unwrap();
    let patch: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join(edits)).unwrap()).unwrap();
    assert_eq!(patch["bitalign_edits"], 1);
}

/// `--apply-edits` without a browser: a patch made from the page's own data (a reject and a
/// merge) is replayed; a patch whose text changed is skipped with a warning.
#[test]
fn apply_edits_replays_a_patch_and_skips_changed_text() {
    let dir = tempfile::tempdir().unwrap();
    let page = seed_page(dir.path());
    let data = pair_data(&std::fs::read_to_string(&page).unwrap());
    let doc = |side: &str| bitalign::document::Document {
        lang: String::new(),
        sentences: data[side]["s"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| bitalign::document::Sentence {
                text: t.as_str().unwrap().to_string(),
                key: String::new(),
                paragraph: 0,
                structure: Default::default(),
            })
            .collect(),
    };
    let (src, tgt) = (doc("src"), doc("tgt"));
    let beads: Vec<[usize; 4]> = data["beads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| [0, 1, 2, 3].map(|k| b[k].as_u64().unwrap() as usize))
        .collect();
    let two_sided = |b: &[usize; 4]| b[0] < b[1] && b[2] < b[3];
    let i = (1..beads.len() - 1)
        .find(|&i| two_sided(&beads[i]) && two_sided(&beads[i + 1]))
        .unwrap();
    let j = beads.iter().position(two_sided).unwrap();
    let edit = |b: [usize; 4], status: &str| {
        serde_json::json!({
            "src": [b[0], b[1]], "tgt": [b[2], b[3]], "status": status, "score": 0.5,
            "src_digest": bitalign::review::digest(&src, &(b[0]..b[1])),
            "tgt_digest": bitalign::review::digest(&tgt, &(b[2]..b[3])),
        })
    };
    let merged = [beads[i][0], beads[i + 1][1], beads[i][2], beads[i + 1][3]];
    let patch = |beads: Vec<Value>| {
        serde_json::json!({"bitalign_edits": 1, "pairs": [{
            "id": "ar-mei-defense", "src_sentences": src.len(), "tgt_sentences": tgt.len(),
            "beads": beads,
        }]})
    };
    let good = dir.path().join("good.json");
    std::fs::write(
        &good,
        patch(vec![edit(beads[j], "rejected"), edit(merged, "edited")]).to_string(),
    )
    .unwrap();
    let (out, _) = seed_tmx(dir.path(), "good.tmx", Some(&good));
    let (plain, _) = seed_tmx(dir.path(), "plain.tmx", None);
    let tmx = valid_tmx(&out);
    assert_eq!(tmx.tus.len(), valid_tmx(&plain).tus.len() - 2);
    let reviewed: Vec<_> = tmx
        .tus
        .iter()
        .filter_map(|t| t.prop("x-reviewed"))
        .collect();
    assert_eq!(reviewed, ["edited"]);

    let mut stale = edit(merged, "edited");
    stale["tgt_digest"] = "00000000".into();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, patch(vec![stale]).to_string()).unwrap();
    let (out, o) = seed_tmx(dir.path(), "bad.tmx", Some(&bad));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("skipped: the text of its sentences changed"),
        "{stderr}"
    );
    assert_eq!(std::fs::read(&out).unwrap(), std::fs::read(&plain).unwrap());
}

/// A pair of more beads than the first screen of rows (the page draws the first rows at once,
/// the rest in later tasks): a jump far down and an edit there right after opening work, and
/// every row ends up in the table once, in order.
#[test]
fn long_pair_renders_progressively_and_edits_far_down() {
    let dir = tempfile::tempdir().unwrap();
    let dev = common::shared().join("bench/textberg-dev");
    if !dev.join("dev.de").is_file() {
        common::skip(format!("{} not found", dev.display()));
        return;
    }
    let read = |lang: &str| -> Vec<String> {
        std::fs::read_to_string(dev.join(format!("dev.{lang}")))
            .unwrap()
            .lines()
            .map(String::from)
            .collect()
    };
    let de = common::write_repeated(dir.path(), "long.de", &read("de"), 2);
    let fr = common::write_repeated(dir.path(), "long.fr", &read("fr"), 2);
    let page = dir.path().join("long.html");
    let o = common::bin()
        .arg("align")
        .args([&de, &fr])
        .args([
            "--presegmented",
            "--src-lang",
            "de",
            "--tgt-lang",
            "fr",
            "-o",
        ])
        .arg(&page)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let Some(r) = drive("long", &page, dir.path()) else {
        return;
    };
    let n = r["beads"].as_u64().unwrap();
    assert!(n > 600, "{n} beads");
    assert_eq!(r["current"], r["far"], "the jump reached a row far down");
    assert_eq!(r["merged"], true);
    assert_eq!((&r["rows"], &r["last"]), (&(n - 1).into(), &(n - 2).into()));
}
