//! A long batch survives Ctrl-C, `kill -9` and a full disk: the run stops cleanly (or is
//! killed), `--resume` redoes at most the pairs that were not finished, and the outputs end
//! byte for byte those of an uninterrupted run.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde_json::Value;

/// Copies of each pair of corpora/docs: 11 × 19 = 209 pairs.
const COPIES: usize = 19;
const PAIRS: usize = 11 * COPIES;

/// The 209-pair corpus, made once per test binary under cargo's scratch folder.
fn corpus() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("durability-corpus");
        let _ = fs::remove_dir_all(&dir);
        let docs = common::root().join("corpora/docs");
        for lang in fs::read_dir(&docs).expect("corpora/docs").flatten() {
            let lang = lang.file_name();
            if lang == "en" {
                continue;
            }
            for doc in fs::read_dir(docs.join(&lang))
                .expect("language folder")
                .flatten()
            {
                let name = PathBuf::from(doc.file_name());
                let stem = name.file_stem().unwrap().to_string_lossy().into_owned();
                for k in 0..COPIES {
                    let copy = format!("{stem}-{k:02}.txt");
                    for (from, to) in [(lang.as_os_str(), &lang), ("en".as_ref(), &"en".into())] {
                        fs::create_dir_all(dir.join(to)).unwrap();
                        fs::copy(docs.join(from).join(&name), dir.join(to).join(&copy)).unwrap();
                    }
                }
            }
        }
        dir
    })
}

/// `bitalign batch CORPUS -o OUT` with fixed dates; one job, so a run lasts long enough to
/// be interrupted in the middle.
fn batch(out: &Path, extra: &[&str]) -> Command {
    let mut cmd = common::bin();
    cmd.arg("batch")
        .arg(corpus())
        .arg("-o")
        .arg(out)
        .args(["--creation-date", "20240101T000000Z"])
        .args(extra)
        .env_remove("SOURCE_DATE_EPOCH");
    cmd
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The per-pair outputs of a run: every visible file but the report.
fn outputs(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut found = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap().flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if e.path().is_dir() {
                stack.push(e.path());
            } else if !name.starts_with('.') && name != "report.json" {
                let rel = e.path().strip_prefix(dir).unwrap().to_path_buf();
                found.insert(rel, fs::read(e.path()).unwrap());
            }
        }
    }
    found
}

/// Temporary files anywhere under `dir` (hidden `.NAME.XXXXXX.tmp`).
fn temporaries(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap().flatten() {
            if e.path().is_dir() {
                stack.push(e.path());
            } else if e.file_name().to_string_lossy().ends_with(".tmp") {
                found.push(e.path());
            }
        }
    }
    found
}

/// The outputs of an uninterrupted run (made once).
fn reference() -> &'static BTreeMap<PathBuf, Vec<u8>> {
    static REF: OnceLock<BTreeMap<PathBuf, Vec<u8>>> = OnceLock::new();
    REF.get_or_init(|| {
        let out = tempfile::tempdir().unwrap();
        let o = batch(out.path(), &[]).output().unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        let found = outputs(out.path());
        assert_eq!(found.len(), PAIRS);
        found
    })
}

/// Whether a message names a temporary file (a word ending in `.tmp`).
fn shows_temporary(message: &str) -> bool {
    message
        .split(|c: char| c.is_whitespace() || "\"'()".contains(c))
        .any(|w| w.ends_with(".tmp"))
}

fn report(out: &Path) -> Value {
    serde_json::from_slice(&fs::read(out.join("report.json")).expect("report.json")).unwrap()
}

fn totals(out: &Path, key: &str) -> usize {
    report(out)["totals"][key].as_u64().unwrap() as usize
}

/// Pairs recorded in the journal so far.
fn journaled(out: &Path) -> usize {
    fs::read(out.join(".bitalign-journal"))
        .map(|b| b.iter().filter(|&&c| c == b'\n').count().saturating_sub(1))
        .unwrap_or(0)
}

/// Starts a one-job batch and waits until it has journaled a few pairs.
fn start_and_wait(out: &Path) -> Child {
    start_and_wait_with(out, &[])
}

/// [`start_and_wait`] with more arguments.
fn start_and_wait_with(out: &Path, extra: &[&str]) -> Child {
    let child = batch(out, &[&["-j", "1"], extra].concat())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while journaled(out) < 5 {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "batch never got going"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    child
}

/// Sends SIGINT to a running batch and checks it exits 130.
fn interrupt(child: Child) -> Output {
    signal(child, "-INT")
}

/// Sends `sig` to a running batch and checks it exits 130.
fn signal(child: Child, sig: &str) -> Output {
    let kill = Command::new("kill")
        .args([sig, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(130), "{}", stderr(&o));
    o
}

/// Runs `--resume` and checks it redid at most `redo` pairs and ends with the reference's
/// outputs and no temporary file; returns how many it redid.
fn resume_and_compare(out: &Path, redo: usize) -> usize {
    let o = batch(out, &["--resume"]).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let redone = totals(out, "ok");
    assert!(
        redone <= redo,
        "redid {redone} pairs, at most {redo} unfinished"
    );
    assert_eq!(redone + totals(out, "skipped"), PAIRS);
    assert_eq!(report(out)["status"], "complete");
    assert!(temporaries(out).is_empty(), "{:?}", temporaries(out));
    let found = outputs(out);
    assert_eq!(found.len(), PAIRS);
    for (path, bytes) in reference() {
        assert!(found.get(path) == Some(bytes), "{} differs", path.display());
    }
    redone
}

#[test]
fn sigint_stops_after_the_pairs_in_progress_and_resume_redoes_only_the_rest() {
    reference();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = interrupt(start_and_wait(&out));
    let err = stderr(&o);
    let written = totals(&out, "ok");
    assert!((5..PAIRS).contains(&written), "{written} pairs written");
    assert!(
        err.contains(&format!(
            "interrupted: {written} of {PAIRS} pairs written; run again with --resume"
        )),
        "{err}"
    );
    assert!(
        !shows_temporary(&err),
        "a temporary path in a message: {err}"
    );
    assert_eq!(report(&out)["status"], "interrupted");
    assert!(temporaries(&out).is_empty(), "{:?}", temporaries(&out));
    // Every pair the interrupted run wrote is trusted: exactly the others are redone.
    let redone = resume_and_compare(&out, PAIRS - written);
    assert_eq!(redone, PAIRS - written);
    println!("SIGINT after {written} of {PAIRS} pairs; --resume redid {redone}");
}

#[test]
fn an_interrupted_merge_is_rebuilt_from_the_parts_without_aligning_again() {
    let dir = tempfile::tempdir().unwrap();
    let whole = dir.path().join("whole.tmx");
    let o = batch(
        &dir.path().join("ref"),
        &["--merge", whole.to_str().unwrap()],
    )
    .output()
    .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));

    let out = dir.path().join("out");
    let merged = dir.path().join("merged.tmx");
    let merge = ["--merge", merged.to_str().unwrap()];
    interrupt(start_and_wait_with(&out, &merge));
    assert!(!merged.exists(), "an interrupted run wrote the merged TM");
    assert!(
        temporaries(dir.path()).is_empty(),
        "{:?}",
        temporaries(dir.path())
    );
    let written = totals(&out, "ok");

    let o = batch(&out, &[&["--resume"], &merge[..]].concat())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let (redone, skipped) = (totals(&out, "ok"), totals(&out, "skipped"));
    assert_eq!(
        (redone, skipped),
        (PAIRS - written, written),
        "--resume aligned again pairs that were up to date"
    );
    assert_eq!(report(&out)["merge"]["status"], "ok");
    assert!(
        fs::read(&merged).unwrap() == fs::read(&whole).unwrap(),
        "the merged TM differs from an uninterrupted run's"
    );
    // Nothing left to do: the merged TM stays as it is.
    let o = batch(&out, &[&["--resume"], &merge[..]].concat())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(totals(&out, "skipped"), PAIRS);
    assert_eq!(report(&out)["merge"]["status"], "skipped");
    assert!(fs::read(&merged).unwrap() == fs::read(&whole).unwrap());
    println!("--merge: SIGINT after {written} of {PAIRS} pairs; --resume redid {redone}, merged TM identical");
}

#[test]
fn sigterm_stops_like_ctrl_c() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    signal(start_and_wait(&out), "-TERM");
    assert_eq!(report(&out)["status"], "interrupted");
    assert!(temporaries(&out).is_empty(), "{:?}", temporaries(&out));
}

#[test]
fn sigkill_loses_at_most_the_pairs_in_flight() {
    reference();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    // The report is rewritten as the run goes (here as often as it may be).
    let mut child = start_and_wait_with(&out, &["--report-every", "0"]);
    let started = Instant::now();
    let running = loop {
        let r = fs::read(out.join("report.json")).ok();
        let r: Option<Value> = r.and_then(|b| serde_json::from_slice(&b).ok());
        match r {
            Some(r) if r["pairs"].as_array().is_some_and(|p| !p.is_empty()) => break r,
            _ => assert!(
                started.elapsed() < Duration::from_secs(60),
                "no report while running"
            ),
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    assert_eq!(running["status"], "running");
    assert_eq!(running["planned"], PAIRS);
    let done = journaled(&out);
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let left = report(&out);
    assert_eq!(left["status"], "running", "the report a killed run left");
    assert!(left["totals"]["ok"].as_u64().unwrap() as usize <= journaled(&out));
    // Whatever the kill left (a half-written temporary file, a running report), a resumed run
    // removes it and trusts every journaled pair.
    let redone = resume_and_compare(&out, PAIRS - done);
    println!("SIGKILL after {done} journaled pairs; --resume redid {redone} of {PAIRS}");
}

/// A size-limited tmpfs mounted for one test, unmounted on drop.
struct Tmpfs(tempfile::TempDir);

impl Tmpfs {
    fn mount(size: &str) -> Result<Tmpfs, String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let o = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .output()
            .map_err(|e| format!("mount not runnable: {e}"))?;
        if !o.status.success() {
            return Err(format!(
                "cannot mount a tmpfs (needs root): {}",
                String::from_utf8_lossy(&o.stderr)
                    .lines()
                    .next()
                    .unwrap_or("")
                    .trim()
            ));
        }
        Ok(Tmpfs(dir))
    }

    fn resize(&self, size: &str) {
        let o = Command::new("mount")
            .args(["-o", &format!("remount,size={size}")])
            .arg(self.0.path())
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.0.path()).status();
    }
}

#[test]
fn a_full_disk_stops_the_batch_cleanly_and_damages_nothing_written() {
    let fs = match Tmpfs::mount("1m") {
        Ok(fs) => fs,
        Err(why) => return common::skip(why),
    };
    reference();
    let out = fs.0.path().join("out");
    let o = batch(&out, &["-j", "1"]).output().unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("disk full: stopped after") && err.contains("run again with --resume"),
        "{err}"
    );
    assert!(
        !shows_temporary(&err),
        "a temporary path in a message: {err}"
    );
    assert!(temporaries(&out).is_empty(), "{:?}", temporaries(&out));
    // What was written is whole: every output is the reference's, byte for byte.
    let found = outputs(&out);
    assert!(
        !found.is_empty() && found.len() < PAIRS,
        "{} outputs",
        found.len()
    );
    for (path, bytes) in &found {
        assert!(
            reference().get(path) == Some(bytes),
            "{} damaged",
            path.display()
        );
    }
    // Space freed: the rest is aligned, nothing written before is redone.
    fs.resize("64m");
    // At most one more: the pair whose journal line did not fit after its output did.
    let redone = resume_and_compare(&out, PAIRS - found.len() + 1);
    println!(
        "disk full after {} outputs; --resume redid {redone}",
        found.len()
    );
}
