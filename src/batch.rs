//! Corpus runner: many document pairs aligned in parallel, one translation memory per pair
//! (and optionally one for the whole corpus), and a machine-readable report.
//!
//! Pairs come from a folder with one subfolder per language ([`discover`]) or from a CSV
//! manifest ([`read_manifest`]). Each pair is isolated: an unreadable file, an empty or
//! binary input, even a panic in the aligner, is recorded in the report and the other pairs
//! go on, because one bad file must not cost a night's run over a corpus.
//!
//! Output does not depend on the number of threads: pairs are processed in chunks whose
//! results are handled in pair order, which also bounds memory (a merged TM streams through
//! one [`Sink`](crate::export::Sink) rather than holding the corpus).
//!
//! `OUT/report.json` describes the run; `OUT/.bitalign-state.json` records, per pair, the
//! SHA-256 of both inputs and the settings, so a `resume` run skips what is up to date.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::ffi::OsString;
use std::fs;
use std::io::{self, Write};
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::bitext::AlignedPair;
use crate::corpus::{self, CorpusLexicon, Lexicons};
use crate::error::{Error, ErrorKind, Result};
use crate::export::{self, moses::MosesSink, ExportOptions, Format, Sink};
use crate::filter::Filter;
use crate::output::{self, AtomicFile};
use crate::pipeline::{self, Options, PairReport};
use crate::progress::Progress;

/// Name of the report written in the output folder.
pub const REPORT_FILE: &str = "report.json";
/// Name of the resume state written in the output folder (hidden: it is bookkeeping).
pub const STATE_FILE: &str = ".bitalign-state.json";
/// The source language folder used when none is given.
pub const DEFAULT_SRC_LANG: &str = "en";

/// Where the document pairs come from.
#[derive(Debug, Clone)]
pub enum Source {
    /// A folder with one subfolder per language code holding same-named files. The source
    /// folder is [`Options::src_lang`] (default `en`); [`Options::tgt_lang`], when given,
    /// limits the pairs to that language's folder.
    Folders(PathBuf),
    /// A CSV file with header `src,tgt[,id][,src_lang][,tgt_lang]`; paths are relative to
    /// the manifest's folder.
    Manifest(PathBuf),
}

impl Source {
    fn path(&self) -> &Path {
        match self {
            Source::Folders(p) | Source::Manifest(p) => p,
        }
    }
}

/// Everything a batch run needs.
#[derive(Debug, Clone)]
pub struct BatchJob {
    pub source: Source,
    /// Output folder (created when missing).
    pub out_dir: PathBuf,
    pub format: Format,
    /// Pipeline settings; per-pair languages replace `src_lang`/`tgt_lang`.
    pub options: Options,
    pub export: ExportOptions,
    pub filter: Filter,
    /// Worker threads; `None` (or 0) = one per core.
    pub jobs: Option<usize>,
    /// Also write one TM holding every aligned pair, in pair order.
    pub merge: Option<PathBuf>,
    /// With `merge`: write it as one multilingual TMX joined through this source language
    /// (every pair of a source document in the same `tu`s, see
    /// [`export::multilingual`]) instead of one bilingual unit per bead. Holds the aligned
    /// pairs in memory until the end, since a document's languages come far apart in pair
    /// order.
    pub pivot: Option<String>,
    /// Skip pairs whose output exists and whose inputs and settings are unchanged.
    pub resume: bool,
    /// Settings the job cannot inspect itself, compared on `resume` (the CLI puts the
    /// SHA-256 of a `--dict` file here).
    pub fingerprint: BTreeMap<String, String>,
    /// Learn the translation lexicon over the whole corpus before aligning any pair
    /// ([`corpus`]); `None` = each pair learns its own.
    pub corpus_lexicon: Option<CorpusLexicon>,
}

impl BatchJob {
    /// A job with default settings: TMX, no filter, one thread per core.
    pub fn new(source: Source, out_dir: impl Into<PathBuf>) -> Self {
        BatchJob {
            source,
            out_dir: out_dir.into(),
            format: Format::Tmx,
            options: Options::default(),
            export: ExportOptions::default(),
            filter: Filter::default(),
            jobs: None,
            merge: None,
            pivot: None,
            resume: false,
            fingerprint: BTreeMap::new(),
            corpus_lexicon: Some(CorpusLexicon::default()),
        }
    }
}

/// One document pair to align.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairSpec {
    /// Unique, sanitized id (see [`sanitize_id`]); also the output path under OUT without
    /// extension, so `ar/ar-water` is written as `OUT/ar/ar-water.tmx`.
    pub id: String,
    pub src: PathBuf,
    pub tgt: PathBuf,
    /// Languages of the pair; `None` = the job's, else detected.
    pub src_lang: Option<String>,
    pub tgt_lang: Option<String>,
}

impl PairSpec {
    /// The output path of this pair for `format` (Moses: the stem of its two files).
    pub fn output_path(&self, out_dir: &Path, format: Format) -> PathBuf {
        let mut path = out_dir.to_path_buf();
        let mut parts = self.id.split('/').peekable();
        while let Some(part) = parts.next() {
            if parts.peek().is_some() || format == Format::Moses {
                path.push(part);
            } else {
                path.push(format!("{part}.{}", extension(format)));
            }
        }
        path
    }
}

/// The file extension of a per-pair output.
pub fn extension(format: Format) -> &'static str {
    match format {
        Format::Moses => "",
        // What CAT tools save and open by default.
        Format::Xliff => "xlf",
        f => f.name(),
    }
}

/// The pairs of a corpus and the files that have no counterpart.
#[derive(Debug, Clone, Default)]
pub struct Discovery {
    pub pairs: Vec<PairSpec>,
    /// Files present in one language folder only (not an error: reported).
    pub unpaired: Vec<PathBuf>,
    /// Non-fatal remarks (ids made unique, ...), one line each.
    pub warnings: Vec<String>,
}

/// Finds the pairs of a folder corpus: every file of `dir/<src_lang>/` with the same-named
/// file of each other language folder (only `tgt_lang`'s when given). Pairs are ordered by
/// target language, then file name; ids are `<tgt-lang>/<stem>`. Hidden entries and
/// `exclude` (the output folder, when it lies inside `dir`) are ignored.
pub fn discover(
    dir: &Path,
    src_lang: Option<&str>,
    tgt_lang: Option<&str>,
    exclude: Option<&Path>,
) -> Result<Discovery> {
    let folders = list(dir, true)?;
    let exclude = exclude.and_then(|p| fs::canonicalize(p).ok());
    let langs: Vec<String> = folders
        .iter()
        .filter(|f| exclude.is_none() || fs::canonicalize(dir.join(f)).ok() != exclude)
        .map(|f| f.to_string_lossy().into_owned())
        .collect();
    let src_lang = match src_lang.filter(|l| !l.is_empty() && *l != "auto") {
        Some(l) if langs.iter().any(|x| x == l) => l.to_string(),
        Some(l) => {
            return Err(Error::msg(format!(
                "no source language folder '{l}' (folders: {})",
                names(&langs)
            ))
            .with_path(dir))
        }
        None if langs.iter().any(|x| x == DEFAULT_SRC_LANG) => DEFAULT_SRC_LANG.to_string(),
        None => {
            return Err(Error::msg(format!(
                "no '{DEFAULT_SRC_LANG}' folder: give the source language with --src-lang \
                 (folders: {})",
                names(&langs)
            ))
            .with_path(dir))
        }
    };
    let targets: Vec<&String> = match tgt_lang.filter(|l| !l.is_empty() && *l != "auto") {
        Some(t) if t == src_lang => {
            return Err(Error::msg(format!(
                "the target language '{t}' is the source language"
            )))
        }
        Some(t) => match langs.iter().find(|x| *x == t) {
            Some(x) => vec![x],
            None => {
                return Err(Error::msg(format!(
                    "no target language folder '{t}' (folders: {})",
                    names(&langs)
                ))
                .with_path(dir))
            }
        },
        None => langs.iter().filter(|l| **l != src_lang).collect(),
    };
    if targets.is_empty() {
        return Err(Error::msg(format!(
            "no target language folder beside '{src_lang}': expected one subfolder per language"
        ))
        .with_path(dir));
    }

    let src_dir = dir.join(&src_lang);
    let src_files = list(&src_dir, false)?;
    let src_set: HashSet<&OsString> = src_files.iter().collect();
    let mut matched: HashSet<&OsString> = HashSet::new();
    let mut out = Discovery::default();
    for lang in targets {
        let tgt_dir = dir.join(lang);
        for name in list(&tgt_dir, false)? {
            if let Some(src_name) = src_set.get(&name) {
                matched.insert(*src_name);
                let stem = Path::new(&name)
                    .file_stem()
                    .unwrap_or(&name)
                    .to_string_lossy()
                    .into_owned();
                out.pairs.push(PairSpec {
                    id: sanitize_id(&format!("{lang}/{stem}")),
                    src: src_dir.join(&name),
                    tgt: tgt_dir.join(&name),
                    src_lang: Some(src_lang.clone()),
                    tgt_lang: Some(lang.clone()),
                });
            } else {
                out.unpaired.push(tgt_dir.join(&name));
            }
        }
    }
    out.unpaired.extend(
        src_files
            .iter()
            .filter(|n| !matched.contains(n))
            .map(|n| src_dir.join(n)),
    );
    out.unpaired.sort();
    out.warnings = make_unique(&mut out.pairs);
    Ok(out)
}

fn names(langs: &[String]) -> String {
    if langs.is_empty() {
        "none".to_string()
    } else {
        langs.join(", ")
    }
}

/// Sorted names of the visible subfolders (`dirs`) or files of `dir`.
fn list(dir: &Path, dirs: bool) -> Result<Vec<OsString>> {
    let with_path = |e: io::Error| Error::from(e).with_path(dir);
    let mut names = Vec::new();
    for entry in fs::read_dir(dir).map_err(with_path)? {
        let entry = entry.map_err(with_path)?;
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        // Follows symlinks: a corpus assembled from links is common.
        let Ok(meta) = fs::metadata(entry.path()) else {
            continue;
        };
        if (dirs && meta.is_dir()) || (!dirs && meta.is_file()) {
            names.push(name);
        }
    }
    names.sort();
    Ok(names)
}

#[derive(Debug, Deserialize)]
struct ManifestRow {
    src: Option<String>,
    tgt: Option<String>,
    id: Option<String>,
    src_lang: Option<String>,
    tgt_lang: Option<String>,
}

/// Reads a CSV manifest with header `src,tgt[,id][,src_lang][,tgt_lang]` (other columns are
/// ignored). Relative paths are taken from the manifest's folder; the id defaults to the
/// source file's stem and is sanitized and made unique.
pub fn read_manifest(path: &Path) -> Result<Discovery> {
    let with_path = |e: Error| e.with_path(path);
    let base = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .from_path(path)
        .map_err(|e| with_path(csv_error(e)))?;
    let headers = reader
        .headers()
        .map_err(|e| with_path(csv_error(e)))?
        .clone();
    for col in ["src", "tgt"] {
        if !headers.iter().any(|h| h == col) {
            return Err(with_path(Error::parse(
                1,
                format!("the manifest header needs columns 'src' and 'tgt' (and optionally 'id'), found '{}'",
                    headers.iter().collect::<Vec<_>>().join(",")),
            )));
        }
    }
    let mut out = Discovery::default();
    for record in reader.records() {
        let record = record.map_err(|e| with_path(csv_error(e)))?;
        let line = record.position().map_or(0, |p| p.line());
        if record.iter().all(str::is_empty) {
            continue;
        }
        let row: ManifestRow = record
            .deserialize(Some(&headers))
            .map_err(|e| with_path(Error::parse(line, e.to_string())))?;
        let nonempty = |s: Option<String>| s.filter(|s| !s.is_empty());
        let (Some(src), Some(tgt)) = (nonempty(row.src), nonempty(row.tgt)) else {
            return Err(with_path(Error::parse(
                line,
                "a row needs both a 'src' and a 'tgt' path",
            )));
        };
        let src = base.join(src);
        let tgt = base.join(tgt);
        let id = nonempty(row.id).unwrap_or_else(|| {
            src.file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default()
        });
        let clean = sanitize_id(&id);
        if clean != id {
            out.warnings.push(format!(
                "{}:{line}: pair id '{id}' is written as '{clean}'",
                path.display()
            ));
        }
        out.pairs.push(PairSpec {
            id: clean,
            src,
            tgt,
            src_lang: nonempty(row.src_lang),
            tgt_lang: nonempty(row.tgt_lang),
        });
    }
    if out.pairs.is_empty() {
        return Err(with_path(Error::msg("the manifest lists no pairs")));
    }
    let renamed = make_unique(&mut out.pairs);
    out.warnings.extend(renamed);
    Ok(out)
}

fn csv_error(e: csv::Error) -> Error {
    let line = e.position().map(|p| p.line());
    let err = match e.into_kind() {
        csv::ErrorKind::Io(io) => Error::from(io),
        other => Error::new(ErrorKind::Parse(format!("{other:?}"))),
    };
    match line {
        Some(l) => err.at_line(l),
        None => err,
    }
}

/// Turns an id into a relative output path that cannot leave the output folder: `/` and `\`
/// separate components; empty, `.` and `..` components and absolute prefixes are dropped;
/// characters other than letters, digits, `-`, `_` and `.` become `_`; a leading dot
/// becomes `_` (no hidden files); components are cut at 100 characters. Never empty.
pub fn sanitize_id(id: &str) -> String {
    let parts: Vec<String> = id
        .split(['/', '\\'])
        .filter(|p| !p.is_empty() && *p != ".")
        .map(|p| {
            if p == ".." {
                return "_".to_string();
            }
            let mut s: String = p
                .chars()
                .take(100)
                .map(|c| {
                    if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
            if s.starts_with('.') {
                s.replace_range(..1, "_");
            }
            s
        })
        .collect();
    if parts.is_empty() {
        "_".to_string()
    } else {
        parts.join("/")
    }
}

/// Makes ids unique (case-insensitively, for macOS and Windows file systems) by appending
/// `-2`, `-3`...; returns one warning per renamed pair.
fn make_unique(pairs: &mut [PairSpec]) -> Vec<String> {
    let mut seen: HashSet<String> = pairs.iter().map(|p| p.id.to_lowercase()).collect();
    let mut counts: HashSet<String> = HashSet::new();
    let mut warnings = Vec::new();
    for pair in pairs.iter_mut() {
        let key = pair.id.to_lowercase();
        if counts.insert(key) {
            continue;
        }
        let mut n = 2;
        let new = loop {
            let candidate = format!("{}-{n}", pair.id);
            if seen.insert(candidate.to_lowercase()) {
                break candidate;
            }
            n += 1;
        };
        warnings.push(format!(
            "pair id '{}' is used twice; {} is written as '{new}'",
            pair.id,
            pair.src.display()
        ));
        counts.insert(new.to_lowercase());
        pair.id = new;
    }
    warnings
}

/// What happened to a pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    Error,
    /// Up to date (`resume`): the output was not rewritten.
    Skipped,
}

/// One side of a pair in the report.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SideRecord {
    pub path: PathBuf,
    pub lang: Option<String>,
    pub lang_detected: bool,
    pub encoding: Option<String>,
    pub sentences: usize,
    pub dropped_controls: usize,
}

/// One pair in the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairRecord {
    pub id: String,
    pub status: Status,
    /// One line, naming the pair and file.
    pub error: Option<String>,
    pub src: SideRecord,
    pub tgt: SideRecord,
    /// Output files, relative to the output folder (two for Moses).
    pub outputs: Vec<PathBuf>,
    /// Beads of the alignment, and how many of them are 1-0 or 0-1.
    pub beads: usize,
    pub one_sided_beads: usize,
    /// Beads the output holds (after the filter and the one-sided rule of the format).
    pub units: usize,
    pub mean_score: f64,
    pub seconds: f64,
    /// The aligner's warnings (a search made coarser by the memory cap).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// The merged TM in the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MergeRecord {
    pub path: PathBuf,
    pub status: Status,
    pub error: Option<String>,
    pub pairs: usize,
    pub units: usize,
}

/// Sums over all pairs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Totals {
    pub pairs: usize,
    pub ok: usize,
    pub failed: usize,
    pub skipped: usize,
    pub src_sentences: usize,
    pub tgt_sentences: usize,
    pub beads: usize,
    pub one_sided_beads: usize,
    pub units: usize,
    /// Wall-clock time of the run.
    pub seconds: f64,
}

/// What a batch run did: also written as `OUT/report.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchReport {
    pub tool_version: String,
    pub source: PathBuf,
    pub out_dir: PathBuf,
    pub format: String,
    pub pairs: Vec<PairRecord>,
    pub unpaired: Vec<PathBuf>,
    pub merge: Option<MergeRecord>,
    pub totals: Totals,
}

impl BatchReport {
    /// The pairs that failed.
    pub fn failed(&self) -> impl Iterator<Item = &PairRecord> {
        self.pairs.iter().filter(|p| p.status == Status::Error)
    }
}

/// Per-pair resume bookkeeping.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct StateEntry {
    src_sha256: String,
    tgt_sha256: String,
    settings: serde_json::Value,
    record: PairRecord,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct State {
    pairs: BTreeMap<String, StateEntry>,
    merge: Option<MergeState>,
    /// The corpus lexicons of the last run, reused while their inputs are unchanged.
    #[serde(default)]
    corpus: Option<corpus::Saved>,
}

/// The last merged TM: a fingerprint of its path, pairs, input hashes and settings, and the
/// files it was written to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct MergeState {
    fingerprint: String,
    outputs: Vec<PathBuf>,
}

/// Runs a batch: discovers the pairs, aligns them in parallel, writes one output per pair,
/// the merged TM, `report.json` and the resume state. Errors only for what stops the whole
/// run (no pairs, unreadable manifest, output folder not writable, report not written); a
/// failed pair is a [`Status::Error`] record and a failed merge a [`MergeRecord`] error.
pub fn run(job: &BatchJob, progress: &dyn Progress) -> Result<BatchReport> {
    let started = Instant::now();
    let found = match &job.source {
        Source::Folders(dir) => discover(
            dir,
            job.options.src_lang.as_deref(),
            job.options.tgt_lang.as_deref(),
            Some(&job.out_dir),
        )?,
        Source::Manifest(path) => read_manifest(path)?,
    };
    if found.pairs.is_empty() {
        return Err(Error::msg("no document pairs found").with_path(job.source.path()));
    }
    if job.pivot.is_some() && job.merge.is_none() {
        return Err(Error::msg("a pivot needs a merged TM to write"));
    }
    let report_path = job.out_dir.join(REPORT_FILE);
    if let Some(merge) = &job.merge {
        if merge == &report_path || merge == &job.out_dir.join(STATE_FILE) {
            return Err(
                Error::msg("the merged TM cannot replace the batch report").with_path(merge)
            );
        }
    }
    fs::create_dir_all(&job.out_dir).map_err(|e| Error::from(e).with_path(&job.out_dir))?;
    let pool = pipeline::worker_pool(job.jobs)?;
    for w in &found.warnings {
        progress.warn(w);
    }
    if let (Some(merge), Format::Moses | Format::Csv) = (&job.merge, job.format) {
        let langs: BTreeSet<&str> = found
            .pairs
            .iter()
            .filter_map(|p| p.tgt_lang.as_deref())
            .collect();
        if langs.len() > 1 {
            progress.warn(&format!(
                "{}: one {} file for several target languages ({}) is labelled with the \
                 first pair's language only",
                merge.display(),
                job.format,
                langs.into_iter().collect::<Vec<_>>().join(", ")
            ));
        }
    }
    for f in &found.unpaired {
        progress.warn(&format!(
            "{}: no counterpart in another language, skipped",
            f.display()
        ));
    }
    let state_path = job.out_dir.join(STATE_FILE);
    let old_state = match read_state(&state_path) {
        Ok(s) => s,
        Err(e) => {
            if job.resume {
                progress.warn(&format!("{e}; aligning every pair again"));
            }
            State::default()
        }
    };

    let pairs = &found.pairs;
    progress.start(pairs.len() as u64);
    let hashes: Vec<Option<(String, String)>> = pool.install(|| {
        pairs
            .par_iter()
            .map(|p| Some((sha256_file(&p.src).ok()?, sha256_file(&p.tgt).ok()?)))
            .collect()
    });
    let mut settings: Vec<serde_json::Value> = pairs.iter().map(|p| settings(job, p)).collect();
    let lexicons = corpus_lexicons(job, pairs, &hashes, &mut settings, &old_state, &pool);
    let up_to_date: Vec<bool> = (0..pairs.len())
        .map(|i| {
            job.resume
                && is_up_to_date(job, &pairs[i], &old_state, hashes[i].as_ref(), &settings[i])
        })
        .collect();
    let merge_fingerprint = job.merge.as_ref().map(|m| {
        // The pivot language changes what the merged file holds.
        let mut what = m.to_string_lossy().into_owned();
        if let Some(pivot) = &job.pivot {
            what.push_str("\0pivot\0");
            what.push_str(pivot);
        }
        inputs_fingerprint(&what, pairs, &hashes, &settings)
    });
    let merge_up_to_date = job.resume
        && up_to_date.iter().all(|&u| u)
        && old_state.merge.as_ref().is_some_and(|m| {
            Some(&m.fingerprint) == merge_fingerprint.as_ref()
                && !m.outputs.is_empty()
                && m.outputs.iter().all(|o| o.is_file())
        });
    let mut merger = match &job.merge {
        Some(path) if !merge_up_to_date => Some(Merger::new(job, path)),
        _ => None,
    };
    let merging = merger.is_some();

    let mut state = old_state.clone();
    state.merge = None;
    state.corpus = lexicons.as_ref().map(|l| l.1.clone());
    let lexicons = lexicons.map(|l| l.0);
    let old_merge = old_state.merge.clone();
    let mut records: Vec<PairRecord> = Vec::with_capacity(pairs.len());
    let threads = pool.current_num_threads().max(1);
    let chunk = (threads * 4).max(8);
    let mut last_save = Instant::now();
    for start in (0..pairs.len()).step_by(chunk) {
        let end = (start + chunk).min(pairs.len());
        let results: Vec<(PairRecord, Option<AlignedPair>)> = pool.install(|| {
            (start..end)
                .into_par_iter()
                .map(|i| {
                    let mode = if !up_to_date[i] {
                        Mode::Write
                    } else if merging {
                        Mode::MergeOnly
                    } else {
                        Mode::Skip
                    };
                    let out = isolate(&pairs[i].id, || {
                        process(job, &pairs[i], mode, &old_state, merging, lexicons.as_ref())
                    });
                    let out = out.unwrap_or_else(|e| (failed(&pairs[i], e), None));
                    let r = &out.0;
                    progress.advance((r.src.sentences + r.tgt.sentences) as u64);
                    out
                })
                .collect()
        });
        for (i, (record, pair)) in (start..end).zip(results) {
            if let (Some(m), Some(pair)) = (merger.as_mut(), pair.as_ref()) {
                m.add(&pairs[i], pair);
            }
            match (&record.status, &hashes[i]) {
                (Status::Ok | Status::Skipped, Some((s, t))) => {
                    state.pairs.insert(
                        record.id.clone(),
                        StateEntry {
                            src_sha256: s.clone(),
                            tgt_sha256: t.clone(),
                            settings: settings[i].clone(),
                            record: record.clone(),
                        },
                    );
                }
                _ => {
                    state.pairs.remove(&record.id);
                }
            }
            records.push(record);
        }
        // Saved now and then so an interrupted run can resume, without rewriting a large
        // state after every chunk.
        if last_save.elapsed() > Duration::from_secs(5) && end < pairs.len() {
            write_json(&state_path, &state)?;
            last_save = Instant::now();
        }
    }

    let merge = match (&job.merge, merger) {
        (Some(_), Some(m)) => {
            let (record, outputs) = m.finish();
            if let (Status::Ok, Some(fingerprint)) = (record.status, merge_fingerprint) {
                state.merge = Some(MergeState {
                    fingerprint,
                    outputs,
                });
            }
            Some(record)
        }
        (Some(path), None) => {
            state.merge = old_merge;
            let ok = records.iter().filter(|r| r.status != Status::Error).count();
            let units = records.iter().map(|r| r.units).sum();
            Some(MergeRecord {
                path: path.clone(),
                status: Status::Skipped,
                error: None,
                pairs: ok,
                units,
            })
        }
        _ => None,
    };
    progress.finish();

    let totals = totals(&records, started.elapsed().as_secs_f64());
    let report = BatchReport {
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        source: job.source.path().to_path_buf(),
        out_dir: job.out_dir.clone(),
        format: job.format.name().to_string(),
        pairs: records,
        unpaired: found.unpaired,
        merge,
        totals,
    };
    write_json(&state_path, &state)?;
    write_json(&report_path, &report)?;
    Ok(report)
}

/// What to do with a pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Align and write its output.
    Write,
    /// Up to date, but the merged TM needs its beads: align without rewriting the output.
    MergeOnly,
    /// Up to date: nothing to do.
    Skip,
}

/// The corpus lexicons of the job (learned, or reused from the state when their inputs are
/// unchanged) with their saved form; adds to each pair's settings the fingerprint of the
/// lexicon it will be aligned with. `None` when the job learns a lexicon per pair.
fn corpus_lexicons(
    job: &BatchJob,
    pairs: &[PairSpec],
    hashes: &[Option<(String, String)>],
    settings: &mut [serde_json::Value],
    old: &State,
    pool: &rayon::ThreadPool,
) -> Option<(Lexicons, corpus::Saved)> {
    let cfg = job.corpus_lexicon.as_ref()?;
    let align = &job.options.align;
    if !align.lexicon || !align.anchors || align.gale_church {
        return None; // the model has no lexicon to replace
    }
    let inputs = inputs_fingerprint(&format!("{cfg:?}"), pairs, hashes, settings);
    let dictionary = align.dictionary.as_deref();
    let lexicons = match &old.corpus {
        Some(saved) if saved.inputs == inputs => Lexicons::from_saved(saved, dictionary),
        _ => corpus::learn(pairs, |p| pair_options(job, p), cfg, dictionary, pool),
    };
    for (p, s) in pairs.iter().zip(settings.iter_mut()) {
        let o = pair_options(job, p);
        let langs = (o.src_lang.as_deref(), o.tgt_lang.as_deref());
        s["corpus_lexicon"] = serde_json::json!({
            "settings": format!("{cfg:?}"),
            "lexicon": lexicons.fingerprint(langs),
        });
    }
    let saved = lexicons.saved(inputs);
    Some((lexicons, saved))
}

/// The pipeline options of one pair: the job's, with the pair's languages.
fn pair_options(job: &BatchJob, spec: &PairSpec) -> Options {
    let mut opts = job.options.clone();
    opts.src_lang = spec.src_lang.clone().or(opts.src_lang);
    opts.tgt_lang = spec.tgt_lang.clone().or(opts.tgt_lang);
    opts
}

/// Aligns one pair (with its language pair's corpus lexicon, when there is one) and writes
/// its output; returns its record and, when `keep` (a merged TM is being written), the
/// filtered pair.
fn process(
    job: &BatchJob,
    spec: &PairSpec,
    mode: Mode,
    old: &State,
    keep: bool,
    lexicons: Option<&Lexicons>,
) -> Result<(PairRecord, Option<AlignedPair>)> {
    let started = Instant::now();
    if mode == Mode::Skip {
        let mut record = old
            .pairs
            .get(&spec.id)
            .map(|e| e.record.clone())
            .ok_or_else(|| Error::msg("resume state lost"))?;
        record.status = Status::Skipped;
        record.error = None;
        record.seconds = started.elapsed().as_secs_f64();
        return Ok((record, None));
    }
    let opts = pair_options(job, spec);
    let ((sd, sr), (td, tr)) =
        pipeline::load_pair(&spec.src, &spec.tgt, &opts).map_err(|e| e.with_pair(&spec.id))?;
    let align = match (lexicons, &job.corpus_lexicon) {
        (Some(l), Some(cfg)) => l.config(&opts.align, cfg, &sd.lang, &td.lang),
        _ => opts.align.clone(),
    };
    let (pair, warnings) = pipeline::align_pair(&spec.id, sd, td, &align);
    let mut report = PairReport::new(&pair, sr, tr);
    report.warnings = warnings;
    let one_sided = pair.beads.iter().filter(|b| b.is_one_sided()).count();
    let kept = if job.filter.is_noop() {
        pair
    } else {
        job.filter.filtered(&pair, &mut HashSet::new())
    };
    let path = spec.output_path(&job.out_dir, job.format);
    if mode == Mode::Write {
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| Error::from(e).with_path(parent))?;
        }
        let opts = job.export.with_documents(&spec.src, &spec.tgt);
        export::write_file(job.format, &path, std::iter::once(&kept), &opts)
            .map_err(|e| e.with_pair(&spec.id))?;
    }
    let mut record = record(spec, &report, one_sided, &kept, job, &path);
    if mode == Mode::MergeOnly {
        record.status = Status::Skipped;
    }
    record.seconds = started.elapsed().as_secs_f64();
    Ok((record, keep.then_some(kept)))
}

fn record(
    spec: &PairSpec,
    report: &PairReport,
    one_sided_beads: usize,
    kept: &AlignedPair,
    job: &BatchJob,
    path: &Path,
) -> PairRecord {
    let side = |path: &Path, r: &pipeline::SideReport| SideRecord {
        path: path.to_path_buf(),
        lang: Some(r.lang.clone()),
        lang_detected: r.lang_detected,
        encoding: Some(r.encoding.clone()),
        sentences: r.sentences,
        dropped_controls: r.dropped_controls,
    };
    let one_sided = job.export.one_sided_for(job.format);
    let outputs = outputs(job.format, path, kept, &job.export)
        .into_iter()
        .map(|p| {
            p.strip_prefix(&job.out_dir)
                .map(Path::to_path_buf)
                .unwrap_or(p)
        })
        .collect();
    PairRecord {
        id: spec.id.clone(),
        status: Status::Ok,
        error: None,
        src: side(&spec.src, &report.src),
        tgt: side(&spec.tgt, &report.tgt),
        outputs,
        beads: report.beads,
        one_sided_beads,
        units: kept
            .beads
            .iter()
            .filter(|b| one_sided || !b.is_one_sided())
            .count(),
        mean_score: report.mean_score,
        seconds: 0.0,
        warnings: report.warnings.clone(),
    }
}

/// The files written for a pair at `path`.
fn outputs(format: Format, path: &Path, pair: &AlignedPair, opts: &ExportOptions) -> Vec<PathBuf> {
    if format != Format::Moses {
        return vec![path.to_path_buf()];
    }
    let src = opts.src_tag_for(pair, "und");
    let tgt = opts.tgt_tag_for(pair, "und");
    match export::moses::file_paths(path, &src, &tgt) {
        Ok((a, b)) => vec![a, b],
        Err(_) => Vec::new(),
    }
}

/// A record for a pair that failed.
fn failed(spec: &PairSpec, e: Error) -> PairRecord {
    let side = |p: &Path, lang: &Option<String>| SideRecord {
        path: p.to_path_buf(),
        lang: lang.clone(),
        ..SideRecord::default()
    };
    PairRecord {
        id: spec.id.clone(),
        status: Status::Error,
        error: Some(e.with_pair(&spec.id).to_string()),
        src: side(&spec.src, &spec.src_lang),
        tgt: side(&spec.tgt, &spec.tgt_lang),
        outputs: Vec::new(),
        beads: 0,
        one_sided_beads: 0,
        units: 0,
        mean_score: 0.0,
        seconds: 0.0,
        warnings: Vec::new(),
    }
}

/// Runs `f`, turning a panic into an error naming the pair, so one bad document cannot take
/// the batch (or a stream) down. The panic hook still runs: it is the process's to set.
pub fn isolate<T>(id: &str, f: impl FnOnce() -> Result<T>) -> Result<T> {
    match panic::catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown cause".to_string());
            Err(Error::msg(format!("internal error (panic): {what}")).with_pair(id))
        }
    }
}

fn totals(records: &[PairRecord], seconds: f64) -> Totals {
    let mut t = Totals {
        pairs: records.len(),
        seconds,
        ..Totals::default()
    };
    for r in records {
        match r.status {
            Status::Ok => t.ok += 1,
            Status::Error => t.failed += 1,
            Status::Skipped => t.skipped += 1,
        }
        t.src_sentences += r.src.sentences;
        t.tgt_sentences += r.tgt.sentences;
        t.beads += r.beads;
        t.one_sided_beads += r.one_sided_beads;
        t.units += r.units;
    }
    t
}

/// Settings that change a pair's output, as JSON (compared on `resume`). Types without
/// `Serialize` are recorded by their `Debug` text, which changes whenever a field does; the
/// dictionary is left out of it (a `HashMap` prints in random order) and only sized here,
/// its content being the caller's [`BatchJob::fingerprint`].
fn settings(job: &BatchJob, spec: &PairSpec) -> serde_json::Value {
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

fn is_up_to_date(
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
fn inputs_fingerprint(
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

fn read_state(path: &Path) -> Result<State> {
    match fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map_err(|e| Error::msg(format!("unreadable resume state: {e}")).with_path(path)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(State::default()),
        Err(e) => Err(Error::from(e).with_path(path)),
    }
}

fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<()> {
    output::write_atomic(path, |w| {
        serde_json::to_writer_pretty(&mut *w, value)
            .map_err(|e| Error::msg(format!("cannot write JSON: {e}")))?;
        w.write_all(b"\n")?;
        Ok(())
    })
}

/// A writer shared with a boxed sink, so the [`AtomicFile`] under it can be taken back and
/// committed once the sink has finished.
struct Shared(Arc<Mutex<Option<AtomicFile>>>);

impl Write for Shared {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        with_file(&self.0, |f| f.write(buf))
    }

    fn flush(&mut self) -> io::Result<()> {
        with_file(&self.0, |f| f.flush())
    }
}

fn with_file<T>(
    cell: &Mutex<Option<AtomicFile>>,
    f: impl FnOnce(&mut AtomicFile) -> io::Result<T>,
) -> io::Result<T> {
    let mut guard = cell
        .lock()
        .map_err(|_| io::Error::other("merged output lock poisoned"))?;
    match guard.as_mut() {
        Some(file) => f(file),
        None => Err(io::Error::other("merged output already closed")),
    }
}

enum MergeSink {
    /// Waiting for the first pair, whose languages make the header.
    Pending,
    Stream {
        sink: Box<dyn Sink + Send>,
        file: Arc<Mutex<Option<AtomicFile>>>,
    },
    Moses(Box<MosesSink<AtomicFile>>),
    /// Multilingual TMX: the pairs of each pivot document (by source path), written at the
    /// end.
    Pivot(Vec<(PathBuf, Vec<AlignedPair>)>),
    /// Failed: later pairs are ignored, the error is reported.
    Failed(Error),
}

/// The corpus-wide TM, fed pair by pair in pair order.
struct Merger<'a> {
    job: &'a BatchJob,
    path: PathBuf,
    sink: MergeSink,
    seen: HashSet<(String, String)>,
    pairs: usize,
    units: usize,
}

impl<'a> Merger<'a> {
    fn new(job: &'a BatchJob, path: &Path) -> Self {
        Merger {
            job,
            path: path.to_path_buf(),
            sink: match job.pivot {
                Some(_) => MergeSink::Pivot(Vec::new()),
                None => MergeSink::Pending,
            },
            seen: HashSet::new(),
            pairs: 0,
            units: 0,
        }
    }

    /// Adds a pair (already filtered, except for cross-pair dedup).
    fn add(&mut self, spec: &PairSpec, pair: &AlignedPair) {
        if let MergeSink::Pivot(docs) = &mut self.sink {
            match docs.iter_mut().find(|(src, _)| *src == spec.src) {
                Some((_, pairs)) => pairs.push(pair.clone()),
                None => docs.push((spec.src.clone(), vec![pair.clone()])),
            }
            self.pairs += 1;
            return;
        }
        let deduped;
        let pair = if self.job.filter.dedup {
            deduped = self.job.filter.filtered(pair, &mut self.seen);
            &deduped
        } else {
            pair
        };
        if matches!(self.sink, MergeSink::Pending) {
            self.sink = match self.open(pair) {
                Ok(s) => s,
                Err(e) => MergeSink::Failed(e),
            };
        }
        let result = match &mut self.sink {
            MergeSink::Stream { sink, .. } => sink.write_pair(pair),
            MergeSink::Moses(sink) => sink.write_pair(pair),
            MergeSink::Pending | MergeSink::Pivot(_) | MergeSink::Failed(_) => return,
        };
        match result {
            Ok(()) => {
                let one_sided = self.job.export.one_sided_for(self.job.format);
                self.pairs += 1;
                self.units += pair
                    .beads
                    .iter()
                    .filter(|b| one_sided || !b.is_one_sided())
                    .count();
            }
            Err(e) => self.sink = MergeSink::Failed(e.with_pair(&pair.id)),
        }
    }

    fn open(&self, first: &AlignedPair) -> Result<MergeSink> {
        let (job, path) = (self.job, &self.path);
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent).map_err(|e| Error::from(e).with_path(parent))?;
        }
        let src = job.export.src_tag_for(first, "und");
        let tgt = job.export.tgt_tag_for(first, "und");
        if job.format == Format::Moses {
            let (a, b) =
                export::moses::file_paths(path, &src, &tgt).map_err(|e| e.with_path(path))?;
            return Ok(MergeSink::Moses(Box::new(MosesSink::new(
                AtomicFile::create(a)?,
                AtomicFile::create(b)?,
                &job.export,
            ))));
        }
        let file = Arc::new(Mutex::new(Some(AtomicFile::create(path)?)));
        let sink = export::sink(
            job.format,
            Box::new(Shared(Arc::clone(&file))),
            &job.export,
            &src,
            &tgt,
        )?;
        Ok(MergeSink::Stream { sink, file })
    }

    /// Closes and publishes the TM; returns its record and the files written.
    fn finish(self) -> (MergeRecord, Vec<PathBuf>) {
        let path = self.path.clone();
        let mut units = self.units;
        let result = match self.sink {
            MergeSink::Pivot(docs) => write_pivot(self.job, &path, &docs).map(|n| {
                units = n;
                vec![path.clone()]
            }),
            // No pair aligned: still an (empty) TM, so later steps find the file.
            MergeSink::Pending => {
                let empty = AlignedPair::default();
                export::write_file(
                    self.job.format,
                    &path,
                    std::iter::empty::<&AlignedPair>(),
                    &self.job.export,
                )
                .map(|()| outputs(self.job.format, &path, &empty, &self.job.export))
            }
            MergeSink::Stream { sink, file } => sink.finish().and_then(|()| {
                let taken = file.lock().ok().and_then(|mut g| g.take());
                taken
                    .ok_or_else(|| Error::msg("merged output lost"))?
                    .commit()?;
                Ok(vec![path.clone()])
            }),
            MergeSink::Moses(sink) => sink.into_inner().and_then(|(a, b)| {
                let paths = vec![a.path().to_path_buf(), b.path().to_path_buf()];
                output::commit_all(vec![a, b])?;
                Ok(paths)
            }),
            MergeSink::Failed(e) => Err(e),
        };
        let (status, error, outputs) = match result {
            Ok(outputs) => (Status::Ok, None, outputs),
            Err(e) => (
                Status::Error,
                Some(e.with_path(&path).to_string()),
                Vec::new(),
            ),
        };
        let record = MergeRecord {
            path,
            status,
            error,
            pairs: self.pairs,
            units,
        };
        (record, outputs)
    }
}

/// Writes the multilingual TMX of the collected pivot documents (ids: source file stems);
/// returns the units written.
fn write_pivot(job: &BatchJob, path: &Path, docs: &[(PathBuf, Vec<AlignedPair>)]) -> Result<usize> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent).map_err(|e| Error::from(e).with_path(parent))?;
    }
    let docs: Vec<export::multilingual::PivotDocument> = docs
        .iter()
        .map(|(src, pairs)| export::multilingual::PivotDocument {
            id: src
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default(),
            pairs: pairs.iter().collect(),
        })
        .collect();
    let pivot = job.pivot.as_deref().unwrap_or_default();
    export::multilingual::write_file(path, &docs, pivot, &job.export, job.filter.dedup)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_id_keeps_outputs_inside_the_output_folder() {
        assert_eq!(sanitize_id("../evil"), "_/evil");
        assert_eq!(sanitize_id("/etc/passwd"), "etc/passwd");
        assert_eq!(sanitize_id("..\\..\\x"), "_/_/x");
        assert_eq!(sanitize_id("a b:c*?"), "a_b_c__");
        assert_eq!(sanitize_id(".hidden"), "_hidden");
        assert_eq!(sanitize_id("fr/доклад-1"), "fr/доклад-1");
        assert_eq!(sanitize_id(""), "_");
        assert_eq!(sanitize_id("./"), "_");
    }

    #[test]
    fn duplicate_ids_get_numbered_case_insensitively() {
        let spec = |id: &str| PairSpec {
            id: id.into(),
            src: PathBuf::from(id),
            tgt: PathBuf::from(id),
            src_lang: None,
            tgt_lang: None,
        };
        let mut pairs = vec![spec("a"), spec("A"), spec("a"), spec("a-2")];
        let warnings = make_unique(&mut pairs);
        let ids: Vec<&str> = pairs.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["a", "A-3", "a-4", "a-2"]);
        assert_eq!(warnings.len(), 2);
    }

    #[test]
    fn output_path_adds_the_format_extension_except_for_moses() {
        let spec = PairSpec {
            id: "ar/ar-water".into(),
            src: PathBuf::new(),
            tgt: PathBuf::new(),
            src_lang: None,
            tgt_lang: None,
        };
        let out = Path::new("OUT");
        assert_eq!(
            spec.output_path(out, Format::Tmx),
            Path::new("OUT/ar/ar-water.tmx")
        );
        assert_eq!(
            spec.output_path(out, Format::Moses),
            Path::new("OUT/ar/ar-water")
        );
    }

    #[test]
    fn isolate_turns_a_panic_into_an_error_naming_the_pair() {
        let r: Result<()> = isolate("fr/x", || panic!("boom"));
        let msg = r.unwrap_err().to_string();
        assert!(msg.contains("pair fr/x") && msg.contains("boom"), "{msg}");
    }
}
