//! Resume state: per pair, the SHA-256 of both inputs and the settings it was aligned with,
//! so a `resume` run skips what is up to date.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::report::PairRecord;
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

pub(super) fn is_up_to_date(
    job: &BatchJob,
    spec: &PairSpec,
    state: &State,
    hashes: Option<&(String, String)>,
    settings: &serde_json::Value,
) -> bool {
    let (Some((s, t)), Some(entry)) = (hashes, state.pairs.get(&spec.id)) else {
        return false;
    };
    entry.src_sha256 == *s
        && entry.tgt_sha256 == *t
        && entry.settings == *settings
        && entry.record.src.path == spec.src
        && entry.record.tgt.path == spec.tgt
        && !entry.record.outputs.is_empty()
        && entry
            .record
            .outputs
            .iter()
            .all(|o| job.out_dir.join(o).is_file())
}

/// Fingerprint of `what` (the merged TM's path and pivot, the corpus lexicon's settings) and,
/// per pair, its id, input hashes and settings.
pub(super) fn inputs_fingerprint(
    what: &str,
    pairs: &[PairSpec],
    hashes: &[Option<(String, String)>],
    settings: &[serde_json::Value],
) -> String {
    let mut h = Sha256::new();
    h.update(what.as_bytes());
    for ((p, hash), s) in pairs.iter().zip(hashes).zip(settings) {
        h.update(b"\0");
        h.update(p.id.as_bytes());
        if let Some((a, b)) = hash {
            h.update(a.as_bytes());
            h.update(b.as_bytes());
        }
        h.update(s.to_string().as_bytes());
    }
    format!("{:x}", h.finalize())
}

/// SHA-256 of a file, as hex.
pub fn sha256_file(path: &Path) -> Result<String> {
    let mut file = fs::File::open(path).map_err(|e| Error::from(e).with_path(path))?;
    let mut h = Sha256::new();
    io::copy(&mut file, &mut h).map_err(|e| Error::from(e).with_path(path))?;
    Ok(format!("{:x}", h.finalize()))
}

pub(super) fn read_state(path: &Path) -> Result<State> {
    match fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map_err(|e| Error::msg(format!("unreadable resume state: {e}")).with_path(path)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(State::default()),
        Err(e) => Err(Error::from(e).with_path(path)),
    }
}
