//! Resume state: per pair, the SHA-256 of both inputs, the settings it was aligned with and
//! the size and SHA-256 of each output, so a `resume` run skips what is up to date.
//!
//! The state lives in two files. `OUT/.bitalign-journal` is appended to as each pair
//! finishes, one line per pair (synced in the background at most a second later), so a run killed at any point
//! loses at most the pairs in flight. `OUT/.bitalign-state.json` is a snapshot (with the corpus lexicons and the
//! merged TM) written at the start and the end of a run, after which the journal is emptied.
//! Reading the state is the snapshot with the journal replayed on top.
//!
//! A journal line is `CRC32 JSON` (CRC of the JSON bytes, 8 hex digits). Lines are complete
//! or torn: a line without its newline, with a bad CRC or unparsable JSON ends the journal,
//! and the file is cut back to the last good line before anything is appended (as okaywal
//! recovers its log: `valid_until`).

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::report::{PairRecord, Status};
use super::{BatchJob, PairSpec};
use crate::corpus;
use crate::error::{Error, Result};

/// Per-pair resume bookkeeping.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct StateEntry {
    pub(super) src_sha256: String,
    pub(super) tgt_sha256: String,
    pub(super) settings: serde_json::Value,
    pub(super) record: PairRecord,
    /// Size and digest of each of `record.outputs`, in the same order.
    #[serde(default)]
    pub(super) digests: Vec<Digest256>,
    /// Size and digest of the pair's part for the merged TM (written only when merging).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) part: Option<Digest256>,
}

/// What a pair's output was when it was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Digest256 {
    pub(super) size: u64,
    pub(super) sha256: String,
}

impl Digest256 {
    pub(super) fn of(path: &Path) -> Result<Digest256> {
        let size = fs::metadata(path)
            .map_err(|e| Error::from(e).with_path(path))?
            .len();
        Ok(Digest256 {
            size,
            sha256: sha256_file(path)?,
        })
    }

    /// Whether `path` still holds what was written (the size first: no read when it differs).
    fn matches(&self, path: &Path) -> bool {
        fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() == self.size)
            && sha256_file(path).is_ok_and(|h| h == self.sha256)
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(super) struct State {
    pub(super) pairs: BTreeMap<String, StateEntry>,
    pub(super) merge: Option<MergeState>,
    /// The corpus lexicons of the last run, reused while their inputs are unchanged.
    #[serde(default)]
    pub(super) corpus: Option<corpus::Saved>,
}

/// The last merged TM: a fingerprint of its path, pairs, input hashes and settings, and the
/// files it was written to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct MergeState {
    pub(super) fingerprint: String,
    pub(super) outputs: Vec<PathBuf>,
}

/// Settings that change a pair's output, as JSON (compared on `resume`). Types without
/// `Serialize` are recorded by their `Debug` text, which changes whenever a field does; the
/// dictionary is left out of it (a `HashMap` prints in random order) and only sized here,
/// its content being the caller's [`BatchJob::fingerprint`].
pub(super) fn settings(job: &BatchJob, spec: &PairSpec) -> serde_json::Value {
    let mut align = job.options.align.clone();
    let dictionary = align.dictionary.take().map(|d| d.len());
    serde_json::json!({
        "tool_version": env!("CARGO_PKG_VERSION"),
        "format": job.format.name(),
        "src_lang": spec.src_lang.as_ref().or(job.options.src_lang.as_ref()),
        "tgt_lang": spec.tgt_lang.as_ref().or(job.options.tgt_lang.as_ref()),
        "presegmented": job.options.presegmented,
        "max_sentence_chars": job.options.max_sentence_chars,
        "srx": job.options.srx.as_ref().map(|s| s.digest()),
        "decode": format!("{:?}", job.options.decode),
        "model": format!("{align:?}"),
        "dictionary": dictionary,
        "fingerprint": job.fingerprint,
        "filter": format!("{:?}", job.filter),
        "export": format!("{:?}", job.export),
    })
}

/// SHA-256 of a pair's two inputs (`None`: one could not be read), 64 bytes a pair.
pub(super) type Hashes = Option<([u8; 32], [u8; 32])>;

/// The SHA-256 of both inputs of a pair.
pub(super) fn hash_pair(spec: &PairSpec) -> Hashes {
    Some((sha256_bytes(&spec.src).ok()?, sha256_bytes(&spec.tgt).ok()?))
}

pub(super) fn hex(digest: &[u8; 32]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

pub(super) fn is_up_to_date(
    job: &BatchJob,
    spec: &PairSpec,
    state: &State,
    hashes: &Hashes,
    settings: &serde_json::Value,
) -> bool {
    let (Some((s, t)), Some(entry)) = (hashes, state.pairs.get(&spec.id)) else {
        return false;
    };
    entry.src_sha256 == hex(s)
        && entry.tgt_sha256 == hex(t)
        && entry.settings == *settings
        && entry.record.src.path == spec.src
        && entry.record.tgt.path == spec.tgt
        && entry.record.status != Status::Error
        && !entry.record.outputs.is_empty()
        && entry.digests.len() == entry.record.outputs.len()
        && entry
            .record
            .outputs
            .iter()
            .zip(&entry.digests)
            .all(|(o, d)| d.matches(&job.out_dir.join(o)))
        && (!job.keeps_parts()
            || entry
                .part
                .as_ref()
                .is_some_and(|d| d.matches(&super::merge::part_path(&job.out_dir, &spec.id))))
}

/// Fingerprint of `what` (the merged TM's path and pivot, the corpus lexicon's settings) and,
/// per pair, its id, input hashes and settings.
pub(super) fn inputs_fingerprint<'a>(
    what: &str,
    pairs: &[PairSpec],
    hashes: &[Hashes],
    settings: impl Fn(usize) -> &'a serde_json::Value,
) -> String {
    let mut h = Sha256::new();
    h.update(what.as_bytes());
    for (i, (p, hash)) in pairs.iter().zip(hashes).enumerate() {
        h.update(b"\0");
        h.update(p.id.as_bytes());
        if let Some((a, b)) = hash {
            h.update(a);
            h.update(b);
        }
        h.update(settings(i).to_string().as_bytes());
    }
    format!("{:x}", h.finalize())
}

/// SHA-256 of a file, as hex.
pub fn sha256_file(path: &Path) -> Result<String> {
    sha256_bytes(path).map(|d| hex(&d))
}

fn sha256_bytes(path: &Path) -> Result<[u8; 32]> {
    let mut file = fs::File::open(path).map_err(|e| Error::from(e).with_path(path))?;
    let mut h = Sha256::new();
    io::copy(&mut file, &mut h).map_err(|e| Error::from(e).with_path(path))?;
    Ok(h.finalize().into())
}

pub(super) fn read_state(path: &Path) -> Result<State> {
    match fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map_err(|e| Error::msg(format!("unreadable resume state: {e}")).with_path(path)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(State::default()),
        Err(e) => Err(Error::from(e).with_path(path)),
    }
}

/// Name of the journal in the output folder (hidden: it is bookkeeping).
pub const JOURNAL_FILE: &str = ".bitalign-journal";
/// First line of a journal: the format and its version.
const MAGIC: &[u8] = b"bitalign-journal 1\n";

/// The append-only log of finished pairs (see the module documentation).
#[derive(Debug)]
pub(super) struct Journal {
    path: PathBuf,
    file: Mutex<File>,
    /// Syncs the appended lines in the background, so no worker waits on the disk.
    syncer: Option<Syncer>,
}

/// How often appended lines are synced. A line is written as its pair finishes, so a killed
/// process loses nothing written; a power cut loses at most this much of the last pairs
/// (whose outputs were synced before their lines: redoing them is safe). Syncing every line
/// in the worker cost 46% of the wall time of 10,000 small pairs; a group commit in the
/// background is what databases do.
const SYNC_EVERY: Duration = Duration::from_secs(1);

/// The background thread syncing the journal every [`SYNC_EVERY`] until dropped.
#[derive(Debug)]
struct Syncer {
    stop: Arc<(Mutex<bool>, Condvar)>,
    thread: Option<JoinHandle<()>>,
}

impl Syncer {
    fn start(file: File) -> Syncer {
        let stop = Arc::new((Mutex::new(false), Condvar::new()));
        let flag = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            let (lock, wake) = &*flag;
            let Ok(mut stopped) = lock.lock() else {
                return;
            };
            while !*stopped {
                stopped = match wake.wait_timeout(stopped, SYNC_EVERY) {
                    Ok((guard, _)) => guard,
                    Err(_) => return,
                };
                // Errors show at the final, foreground sync.
                let _ = file.sync_data();
            }
        });
        Syncer {
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for Syncer {
    fn drop(&mut self) {
        if let Ok(mut stopped) = self.stop.0.lock() {
            *stopped = true;
        }
        self.stop.1.notify_all();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Journal {
    /// Opens (or creates) the journal at `path` and replays its complete lines into `state`;
    /// cuts off a torn tail. Returns the journal and the number of lines replayed.
    pub(super) fn open(path: &Path, state: &mut State) -> Result<(Journal, usize)> {
        let with_path = |e: io::Error| Error::from(e).with_path(path);
        let bytes = match fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(with_path(e)),
        };
        let (entries, valid_until) = replay(&bytes);
        let replayed = entries.len();
        for entry in entries {
            state.apply(entry);
        }
        let mut file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(path)
            .map_err(with_path)?;
        if valid_until == 0 {
            file.set_len(0).map_err(with_path)?;
            file.write_all(MAGIC).map_err(with_path)?;
        } else {
            file.set_len(valid_until as u64).map_err(with_path)?;
            io::Seek::seek(&mut file, io::SeekFrom::End(0)).map_err(with_path)?;
        }
        file.sync_data().map_err(with_path)?;
        let syncer = file.try_clone().ok().map(Syncer::start);
        let journal = Journal {
            path: path.to_path_buf(),
            file: Mutex::new(file),
            syncer,
        };
        Ok((journal, replayed))
    }

    /// Appends one finished pair (synced within [`SYNC_EVERY`]). Called from the worker
    /// threads; lines never interleave.
    pub(super) fn append(&self, entry: &StateEntry) -> Result<()> {
        let json = serde_json::to_vec(entry)
            .map_err(|e| Error::msg(format!("cannot write the journal: {e}")))?;
        let mut line = format!("{:08x} ", crc32fast::hash(&json)).into_bytes();
        line.extend_from_slice(&json);
        line.push(b'\n');
        let mut file = self
            .file
            .lock()
            .map_err(|_| Error::msg("journal lock poisoned"))?;
        // One write per line (the file is unbuffered), from the end of the last good line.
        file.write_all(&line)
            .map_err(|e| Error::from(e).with_path(&self.path))?;
        if self.syncer.is_none() {
            file.sync_data()
                .map_err(|e| Error::from(e).with_path(&self.path))?;
        }
        Ok(())
    }

    /// Syncs what was appended since the last sync.
    pub(super) fn sync(&self) -> Result<()> {
        let file = self
            .file
            .lock()
            .map_err(|_| Error::msg("journal lock poisoned"))?;
        file.sync_data()
            .map_err(|e| Error::from(e).with_path(&self.path))
    }

    /// Empties the journal once a snapshot holds everything it recorded.
    pub(super) fn reset(&self) -> Result<()> {
        let mut guard = self
            .file
            .lock()
            .map_err(|_| Error::msg("journal lock poisoned"))?;
        let file = &mut *guard;
        let with_path = |e: io::Error| Error::from(e).with_path(&self.path);
        file.set_len(MAGIC.len() as u64).map_err(with_path)?;
        io::Seek::seek(file, io::SeekFrom::End(0)).map_err(with_path)?;
        file.sync_data().map_err(with_path)
    }
}

/// The complete entries of a journal and the length of the part that holds them (0: no
/// valid header, start a new journal).
fn replay(bytes: &[u8]) -> (Vec<StateEntry>, usize) {
    if !bytes.starts_with(MAGIC) {
        return (Vec::new(), 0);
    }
    let mut entries = Vec::new();
    let mut at = MAGIC.len();
    while let Some(len) = bytes[at..].iter().position(|&b| b == b'\n') {
        match parse_line(&bytes[at..at + len]) {
            Some(entry) => entries.push(entry),
            None => break,
        }
        at += len + 1;
    }
    (entries, at)
}

fn parse_line(line: &[u8]) -> Option<StateEntry> {
    let (crc, json) = (line.get(..8)?, line.get(9..)?);
    let crc = u32::from_str_radix(std::str::from_utf8(crc).ok()?, 16).ok()?;
    if line[8] != b' ' || crc32fast::hash(json) != crc {
        return None;
    }
    serde_json::from_slice(json).ok()
}

impl State {
    /// Records a pair's latest outcome: a failed pair has nothing to resume from.
    pub(super) fn apply(&mut self, entry: StateEntry) {
        if entry.record.status == Status::Error {
            self.pairs.remove(&entry.record.id);
        } else {
            self.pairs.insert(entry.record.id.clone(), entry);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::report::SideRecord;

    fn entry(id: &str, status: Status) -> StateEntry {
        StateEntry {
            src_sha256: "s".into(),
            tgt_sha256: "t".into(),
            settings: serde_json::json!({"k": 1}),
            record: PairRecord {
                id: id.into(),
                status,
                error: None,
                src: SideRecord::default(),
                tgt: SideRecord::default(),
                outputs: vec![PathBuf::from(format!("{id}.tmx"))],
                beads: 1,
                one_sided_beads: 0,
                units: 1,
                mean_score: 0.5,
                seconds: 0.0,
                warnings: Vec::new(),
            },
            digests: vec![Digest256 {
                size: 3,
                sha256: "abc".into(),
            }],
            part: None,
        }
    }

    fn ids(state: &State) -> Vec<&str> {
        state.pairs.keys().map(String::as_str).collect()
    }

    #[test]
    fn journal_replays_its_entries_and_cuts_a_torn_tail() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(JOURNAL_FILE);
        let (j, n) = Journal::open(&path, &mut State::default()).unwrap();
        assert_eq!(n, 0);
        j.append(&entry("a", Status::Ok)).unwrap();
        j.append(&entry("b", Status::Ok)).unwrap();
        j.append(&entry("a", Status::Error)).unwrap();
        drop(j);
        let good = fs::read(&path).unwrap();
        // A torn last line: half of a fourth entry, no newline.
        let mut torn = good.clone();
        torn.extend_from_slice(b"0badc0de {\"src_sha256\":");
        fs::write(&path, &torn).unwrap();

        let mut state = State::default();
        let (j, n) = Journal::open(&path, &mut state).unwrap();
        assert_eq!(n, 3);
        assert_eq!(ids(&state), ["b"], "a failed last: nothing to resume");
        assert_eq!(fs::read(&path).unwrap(), good, "torn tail cut off");
        j.append(&entry("c", Status::Ok)).unwrap();
        let mut state = State::default();
        Journal::open(&path, &mut state).unwrap();
        assert_eq!(ids(&state), ["b", "c"]);
    }

    #[test]
    fn a_line_with_a_bad_crc_ends_the_journal() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(JOURNAL_FILE);
        let (j, _) = Journal::open(&path, &mut State::default()).unwrap();
        j.append(&entry("a", Status::Ok)).unwrap();
        j.append(&entry("b", Status::Ok)).unwrap();
        drop(j);
        let mut bytes = fs::read(&path).unwrap();
        // Flip one byte of the second entry's JSON (a bit rot, not a torn write).
        let second = bytes.len() - 10;
        bytes[second] ^= 0x20;
        fs::write(&path, &bytes).unwrap();
        let mut state = State::default();
        let (_, n) = Journal::open(&path, &mut state).unwrap();
        assert_eq!((n, ids(&state)), (1, vec!["a"]));
    }

    #[test]
    fn reset_keeps_only_the_header() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(JOURNAL_FILE);
        let (j, _) = Journal::open(&path, &mut State::default()).unwrap();
        j.append(&entry("a", Status::Ok)).unwrap();
        j.reset().unwrap();
        j.append(&entry("b", Status::Ok)).unwrap();
        let mut state = State::default();
        Journal::open(&path, &mut state).unwrap();
        assert_eq!(ids(&state), ["b"]);
    }
}
