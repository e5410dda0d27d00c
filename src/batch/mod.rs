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
//! `OUT/report.json` describes the run; `OUT/.bitalign-journal` (appended and synced as each
//! pair finishes) and `OUT/.bitalign-state.json` record, per pair, the SHA-256 of both inputs,
//! the settings and the outputs, so a `resume` run skips what is up to date, even after the
//! run was killed.
//!
//! One file per concern: [`discover`] and [`manifest`] find the pairs, `journal` keeps the
//! resume state, `report` the records, `merge` and `pivot` the corpus-wide TM; this file
//! runs them.

mod discover;
mod journal;
mod manifest;
mod merge;
mod pivot;
mod report;
mod shard;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::corpus::{self, CorpusLexicon, Lexicons};
use crate::document::Document;
use crate::error::{Error, Result};
use crate::export::{self, ExportOptions, Format};
use crate::filter::Filter;
use crate::output;
use crate::pipeline::{self, Options, PairReport};
use crate::progress::Progress;

pub use self::discover::{discover, extension, sanitize_id, Discovery, PairSpec};
pub use self::journal::{sha256_file, JOURNAL_FILE};
pub use self::manifest::read_manifest;
pub use self::report::{
    BatchReport, EncoderRecord, MergeRecord, PairRecord, RunStatus, SideRecord, Status, Totals,
    RECORDS_FILE,
};
pub use self::shard::{join, Shard};
/// Kept here for callers of the batch API; it lives in [`pipeline`].
pub use crate::pipeline::isolate;

use self::journal::{
    hash_pair, hex, inputs_fingerprint, is_up_to_date, read_state, settings, Digest256, Hashes,
    Journal, MergeState, State, StateEntry,
};
use self::merge::Merger;
use self::report::{failed, record, write_json, Spool};

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
    /// With `corpus_lexicon`: these lexicons (a lexicon file) instead of learning them.
    pub lexicons: Option<corpus::Saved>,
    /// With `corpus_lexicon`: write the lexicons used to this file before aligning
    /// ([`crate::lexicon_file`]), for `stream`/`align --lexicon` or other batches.
    pub save_lexicon: Option<PathBuf>,
    /// Set from outside (the CLI's Ctrl-C handler) to stop the run: no new pair is started,
    /// the pairs in progress finish, and the report says [`RunStatus::Interrupted`].
    pub stop: Arc<AtomicBool>,
    /// Journal each finished pair as it is written (the default). Off only to measure what
    /// the journal costs: the journal is where a run's pairs are kept for `resume`, so a run
    /// without it resumes from its start.
    pub journal: bool,
    /// How often `report.json` is rewritten while the run goes (default 5 s).
    pub report_every: Duration,
    /// Align only this slice of the pairs found ([`Shard`]); the corpus lexicon is still
    /// learned over all of them, so shards align as one run would.
    pub shard: Option<Shard>,
}

impl BatchJob {
    /// Whether each pair's part is kept for a merged TM: when merging, and in a shard (for
    /// the merged TM of [`join`]).
    fn keeps_parts(&self) -> bool {
        self.merge.is_some() || self.shard.is_some()
    }
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
            lexicons: None,
            save_lexicon: None,
            stop: Arc::new(AtomicBool::new(false)),
            journal: true,
            report_every: Duration::from_secs(5),
            shard: None,
        }
    }
}

/// Runs a batch: discovers the pairs, aligns them in parallel, writes one output per pair,
/// the merged TM, `report.json` and the resume state. Memory does not grow with the pairs
/// done: their records go to a spool file `report.json` is written from, their resume
/// entries to the journal, so the returned report's `pairs` holds only the failed ones
/// (`report.json` has them all). Errors only for what stops the whole
/// run before it starts (no pairs, unreadable manifest, output folder not writable) or the
/// report not written; a failed pair is a [`Status::Error`] record and a failed merge a
/// [`MergeRecord`] error. A run stopped early ([`BatchJob::stop`], a full disk) still returns
/// its report, with [`RunStatus::Interrupted`] or [`RunStatus::DiskFull`].
pub fn run(job: &BatchJob, progress: &dyn Progress) -> Result<BatchReport> {
    let started = Instant::now();
    let found = find_pairs(job)?;
    prepare_output(job, progress)?;
    warn_about(job, &found, progress);
    let pool = pipeline::worker_pool(job.jobs)?;
    let (old_state, journal) = open_state(job, progress)?;

    let all = &found.pairs;
    let slice = job.shard.map_or(0..all.len(), |s| s.range(all.len()));
    progress.start(slice.len() as u64);
    let all_hashes: Vec<Hashes> = pool.install(|| all.par_iter().map(hash_pair).collect());
    let mut all_settings = SettingsTable::new(job, all);
    let lexicons = corpus_lexicons(job, all, &all_hashes, &mut all_settings, &old_state, &pool);
    save_lexicon(job, all.len(), lexicons.as_ref().map(|l| &l.1))?;
    let pairs = &all[slice.clone()];
    let hashes = &all_hashes[slice.clone()];
    let settings = &all_settings.slice(slice);
    // This run's pairs go to the journal only (not to memory): the snapshot keeps the last
    // run's, the journal replayed over it is the state.
    let mut state = State {
        pairs: old_state.pairs.clone(),
        merge: None,
        corpus: lexicons.as_ref().map(|l| l.1.clone()),
    };
    let lexicons = lexicons.map(|l| l.0);
    // The replayed journal and a newly learned lexicon survive a crash of this run too.
    save_state(job, &state, &journal)?;
    drop(std::mem::take(&mut state.pairs));
    let up_to_date: Vec<bool> = pool.install(|| {
        (0..pairs.len())
            .into_par_iter()
            .map(|i| {
                job.resume && is_up_to_date(job, &pairs[i], &old_state, &hashes[i], settings.get(i))
            })
            .collect()
    });
    let merge_fingerprint = job.merge.as_ref().map(|m| {
        // The pivot language changes what the merged file holds.
        let mut what = m.to_string_lossy().into_owned();
        if let Some(pivot) = &job.pivot {
            what.push_str("\0pivot\0");
            what.push_str(pivot);
        }
        inputs_fingerprint(&what, pairs, hashes, |i| settings.get(i))
    });
    let merge_up_to_date = job.resume
        && up_to_date.iter().all(|&u| u)
        && old_state.merge.as_ref().is_some_and(|m| {
            Some(&m.fingerprint) == merge_fingerprint.as_ref()
                && !m.outputs.is_empty()
                && m.outputs.iter().all(|o| o.is_file())
        });

    let aligner = Aligner {
        job,
        pairs,
        hashes,
        settings,
        up_to_date: &up_to_date,
        old: &old_state,
        lexicons: lexicons.as_ref(),
        journal: job.journal.then_some(&journal),
        progress,
        halt: Mutex::new(None),
        journal_nanos: AtomicU64::new(0),
    };
    let chunk = (pool.current_num_threads().max(1) * 4).max(8);
    let mut report = BatchReport {
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        source: job.source.path().to_path_buf(),
        out_dir: job.out_dir.clone(),
        format: job.format.name().to_string(),
        status: RunStatus::Running,
        stopped_by: None,
        shard: job.shard,
        planned: pairs.len(),
        pairs: Vec::new(),
        unpaired: found.unpaired.clone(),
        merge: None,
        totals: Totals::default(),
        encoder: job.options.align.embed.as_deref().map(EncoderRecord::of),
    };
    let mut checkpoint = Checkpoint::new(job.report_every);
    let mut spool = Spool::create(&job.out_dir)?;
    // Per pair, one bit the merged TM needs: whether it has a part to add.
    let mut in_merge: Vec<bool> = Vec::new();
    for start in (0..pairs.len()).step_by(chunk) {
        let end = (start + chunk).min(pairs.len());
        let results: Vec<Option<PairRecord>> = pool.install(|| {
            (start..end)
                .into_par_iter()
                .map(|i| aligner.pair(i))
                .collect()
        });
        for record in results.into_iter().flatten() {
            in_merge.push(record.status != Status::Error);
            spool.push(record)?;
        }
        if aligner.stopping() {
            break;
        }
        if checkpoint.due() {
            report.totals = spool.totals.clone();
            report.totals.seconds = started.elapsed().as_secs_f64();
            checkpoint.write(&job.out_dir.join(REPORT_FILE), &report, &mut spool);
        }
    }
    let (status, stopped_by) = aligner.outcome();

    let merge = job.merge.as_ref().map(|path| {
        if status != RunStatus::Complete {
            return MergeRecord {
                path: path.clone(),
                status: Status::Error,
                error: Some("not written: the run stopped early".to_string()),
                pairs: 0,
                units: 0,
            };
        }
        if merge_up_to_date {
            state.merge = old_state.merge.clone();
            return MergeRecord {
                path: path.clone(),
                status: Status::Skipped,
                error: None,
                pairs: spool.totals.ok + spool.totals.skipped,
                units: spool.totals.units,
            };
        }
        let mut merger = Merger::new(job, path);
        for (spec, _) in pairs.iter().zip(&in_merge).filter(|(_, &ok)| ok) {
            merger.add_part(spec, &job.out_dir);
        }
        let (record, outputs) = merger.finish();
        if let (Status::Ok, Some(fingerprint)) = (record.status, merge_fingerprint.clone()) {
            state.merge = Some(MergeState {
                fingerprint,
                outputs,
            });
        }
        record
    });
    progress.finish();

    report.totals = spool.totals.clone();
    report.totals.seconds = started.elapsed().as_secs_f64();
    report.totals.journal_seconds = aligner.journal_nanos.load(Ordering::Relaxed) as f64 * 1e-9;
    report.status = status;
    report.stopped_by = stopped_by;
    report.merge = merge;
    state.pairs = old_state.pairs;
    let failed = std::mem::take(&mut spool.failed);
    finish_files(job, &state, &journal, &report, spool, progress)?;
    report.pairs = failed;
    Ok(report)
}

/// `report.json` rewritten as the run goes (status `running`), so a long run can be watched
/// and a killed one leaves a report of what it had done; the journal stays the record
/// `--resume` trusts. At most every `every`, and never more often than twenty times the last
/// write took (a report of a million pairs takes a while to write), so it costs at most
/// about 5% of the run.
struct Checkpoint {
    every: Duration,
    last: Instant,
    took: Duration,
}

impl Checkpoint {
    fn new(every: Duration) -> Self {
        Checkpoint {
            every,
            last: Instant::now(),
            took: Duration::ZERO,
        }
    }

    fn due(&self) -> bool {
        self.last.elapsed() >= self.every.max(self.took * 20)
    }

    /// Writes the report as it stands. A failure is left for the final write to report.
    fn write(&mut self, path: &Path, report: &BatchReport, spool: &mut Spool) {
        let started = Instant::now();
        let _ = spool.write_report(path, report);
        self.took = started.elapsed();
        self.last = Instant::now();
    }
}

/// The pairs of the job's source, and the checks that need them.
fn find_pairs(job: &BatchJob) -> Result<Discovery> {
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
    if let Some(merge) = &job.merge {
        let own = [REPORT_FILE, STATE_FILE, JOURNAL_FILE].map(|f| job.out_dir.join(f));
        if own.contains(merge) {
            return Err(
                Error::msg("the merged TM cannot replace the batch's own files").with_path(merge),
            );
        }
    }
    Ok(found)
}

/// Creates the output folder, checks that it and the merged TM's folder take files (before
/// any work), and removes the temporary files a killed run left there.
fn prepare_output(job: &BatchJob, progress: &dyn Progress) -> Result<()> {
    fs::create_dir_all(&job.out_dir).map_err(|e| Error::from(e).with_path(&job.out_dir))?;
    let mut removed = output::remove_temporaries(&job.out_dir, None);
    if let Some(merge) = &job.merge {
        let dir = merge.parent().filter(|p| !p.as_os_str().is_empty());
        if let Some(dir) = dir {
            fs::create_dir_all(dir).map_err(|e| Error::from(e).with_path(dir))?;
        }
        // Creating (and dropping) the temporary file is the writability check.
        drop(output::AtomicFile::create(merge)?);
        let name = merge.file_name().map(|n| n.to_string_lossy().into_owned());
        removed += output::remove_temporaries(dir.unwrap_or(Path::new(".")), name.as_deref());
    }
    if removed > 0 {
        progress.warn(&format!(
            "removed {removed} temporary file(s) left by an interrupted run"
        ));
    }
    Ok(())
}

/// Warnings about what was found: renamed ids, a merged file labelled with one language,
/// files without counterpart.
fn warn_about(job: &BatchJob, found: &Discovery, progress: &dyn Progress) {
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
}

/// The last run's state: its snapshot with its journal replayed (an unreadable snapshot is
/// a warning under `resume`: every pair is aligned again).
fn open_state(job: &BatchJob, progress: &dyn Progress) -> Result<(State, Journal)> {
    let mut state = match read_state(&job.out_dir.join(STATE_FILE)) {
        Ok(s) => s,
        Err(e) => {
            if job.resume {
                progress.warn(&format!("{e}; aligning every pair again"));
            }
            State::default()
        }
    };
    let (journal, _) = Journal::open(&job.out_dir.join(JOURNAL_FILE), &mut state)?;
    Ok((state, journal))
}

/// Writes the snapshot, then empties the journal it now holds.
fn save_state(job: &BatchJob, state: &State, journal: &Journal) -> Result<()> {
    write_json(&job.out_dir.join(STATE_FILE), state)?;
    journal.reset()
}

/// The state snapshot and the report at the end of a run. The journal is kept: it holds
/// this run's pairs, which the snapshot (the last run's, with the new lexicons and merged
/// TM) does not. On a full disk they may not fit: the journal (still holding every finished
/// pair) is then what the next run resumes from.
fn finish_files(
    job: &BatchJob,
    state: &State,
    journal: &Journal,
    report: &BatchReport,
    mut spool: Spool,
    progress: &dyn Progress,
) -> Result<()> {
    let written = journal
        .sync()
        .and_then(|()| write_json(&job.out_dir.join(STATE_FILE), state))
        .and_then(|()| spool.write_report(&job.out_dir.join(REPORT_FILE), report));
    match written {
        Err(e) if report.status == RunStatus::DiskFull => {
            progress.warn(&format!("{e} (the journal keeps what --resume needs)"));
            Ok(())
        }
        Err(e) => Err(e),
        Ok(()) => {
            spool.remove();
            Ok(())
        }
    }
}

/// Aligns the pairs of a run, one at a time from any worker thread, and stops taking new
/// ones when asked to or when the disk is full.
struct Aligner<'a> {
    job: &'a BatchJob,
    pairs: &'a [PairSpec],
    hashes: &'a [Hashes],
    settings: &'a SettingsTable,
    up_to_date: &'a [bool],
    old: &'a State,
    lexicons: Option<&'a Lexicons>,
    journal: Option<&'a Journal>,
    progress: &'a dyn Progress,
    /// Why the run stopped by itself (a full disk, a journal that cannot be written).
    halt: Mutex<Option<(RunStatus, String)>>,
    /// Time the workers spent on each pair's resume entry (digests of its outputs) and
    /// journal line, summed: what the bookkeeping costs.
    journal_nanos: AtomicU64,
}

impl Aligner<'_> {
    /// Whether new pairs are no longer taken.
    fn stopping(&self) -> bool {
        self.job.stop.load(Ordering::Relaxed) || self.halt.lock().map_or(true, |h| h.is_some())
    }

    fn outcome(&self) -> (RunStatus, Option<String>) {
        match self.halt.lock().ok().and_then(|mut h| h.take()) {
            Some((status, why)) => (status, Some(why)),
            None if self.job.stop.load(Ordering::Relaxed) => (RunStatus::Interrupted, None),
            None => (RunStatus::Complete, None),
        }
    }

    fn stop_with(&self, status: RunStatus, why: String) {
        if let Ok(mut h) = self.halt.lock() {
            h.get_or_insert((status, why));
        }
    }

    /// Aligns pair `i`, writes its output and journals it; `None` when the run is stopping
    /// and the pair was not started.
    fn pair(&self, i: usize) -> Option<PairRecord> {
        if self.stopping() {
            return None;
        }
        let spec = &self.pairs[i];
        let mode = if self.up_to_date[i] {
            Mode::Skip
        } else {
            Mode::Write
        };
        let result = isolate(&spec.id, || {
            process(self.job, spec, mode, self.old, self.lexicons)
        });
        let record = result.unwrap_or_else(|e| {
            if is_disk_full(&e) {
                self.stop_with(RunStatus::DiskFull, e.to_string());
            }
            failed(spec, e)
        });
        self.progress
            .advance((record.src.sentences + record.tgt.sentences) as u64);
        let bookkeeping = Instant::now();
        let entry = (mode == Mode::Write).then(|| self.entry(i, &record));
        if let (Some(journal), Some(entry)) = (self.journal, entry.as_ref()) {
            if let Err(e) = journal.append(entry) {
                let status = if is_disk_full(&e) {
                    RunStatus::DiskFull
                } else {
                    RunStatus::Interrupted
                };
                self.stop_with(status, e.to_string());
            }
        }
        let nanos = bookkeeping
            .elapsed()
            .as_nanos()
            .try_into()
            .unwrap_or(u64::MAX);
        self.journal_nanos.fetch_add(nanos, Ordering::Relaxed);
        Some(record)
    }

    /// The resume entry of a pair just written: its inputs, settings and outputs' digests.
    fn entry(&self, i: usize, record: &PairRecord) -> StateEntry {
        let (src, tgt) = self.hashes[i]
            .as_ref()
            .map(|(s, t)| (hex(s), hex(t)))
            .unwrap_or_default();
        let digests = match record.status {
            Status::Error => Vec::new(),
            _ => record
                .outputs
                .iter()
                .map_while(|o| Digest256::of(&self.job.out_dir.join(o)).ok())
                .collect(),
        };
        let part = match (self.job.keeps_parts(), record.status) {
            (true, Status::Ok) => {
                Digest256::of(&merge::part_path(&self.job.out_dir, &record.id)).ok()
            }
            _ => None,
        };
        StateEntry {
            src_sha256: src,
            tgt_sha256: tgt,
            settings: self.settings.get(i).clone(),
            record: record.clone(),
            digests,
            part,
        }
    }
}

/// A write that failed because the disk (or the user's quota) is full: no later pair would
/// fare better.
fn is_disk_full(e: &Error) -> bool {
    use std::io::ErrorKind::{QuotaExceeded, StorageFull};
    matches!(e.io_kind(), Some(StorageFull | QuotaExceeded))
}

/// What to do with a pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Align and write its output (and its part, when merging).
    Write,
    /// Up to date (with its part, when merging): nothing to do.
    Skip,
}

/// The corpus lexicons of the job (learned, or reused from the state when their inputs are
/// unchanged) with their saved form; adds to each pair's settings the fingerprint of the
/// lexicon it will be aligned with. `None` when the job learns a lexicon per pair.
fn corpus_lexicons(
    job: &BatchJob,
    pairs: &[PairSpec],
    hashes: &[Hashes],
    settings: &mut SettingsTable,
    old: &State,
    pool: &rayon::ThreadPool,
) -> Option<(Lexicons, corpus::Saved)> {
    let cfg = job.corpus_lexicon.as_ref()?;
    let align = &job.options.align;
    if !align.lexicon || !align.anchors || align.gale_church {
        return None; // the model has no lexicon to replace
    }
    let inputs = inputs_fingerprint(&format!("{cfg:?}"), pairs, hashes, |i| settings.get(i));
    let dictionary = align.dictionary.as_deref();
    // Given lexicons are marked in the state, so a later run without them learns its own.
    let inputs = match &job.lexicons {
        Some(given) => format!("given {}", given.inputs),
        None => inputs,
    };
    let lexicons = match (&job.lexicons, &old.corpus) {
        (Some(given), _) => Lexicons::from_saved(given, dictionary),
        (None, Some(saved)) if saved.inputs == inputs => Lexicons::from_saved(saved, dictionary),
        _ => corpus::learn(
            pairs,
            |p| load_documents(job, p),
            align,
            cfg,
            dictionary,
            pool,
        ),
    };
    // The settings of a pair name its languages (the pair's, else the job's).
    for s in &mut settings.table {
        let langs = (s["src_lang"].as_str(), s["tgt_lang"].as_str());
        let fingerprint = lexicons.fingerprint(langs);
        s["corpus_lexicon"] = serde_json::json!({
            "settings": format!("{cfg:?}"),
            "lexicon": fingerprint,
        });
    }
    let saved = lexicons.saved(inputs);
    Some((lexicons, saved))
}

/// The settings of each pair, shared: pairs in the same languages have the same settings, so
/// a corpus of any size keeps a handful of them and an index per pair.
#[derive(Debug, Clone)]
struct SettingsTable {
    table: Vec<serde_json::Value>,
    of: Vec<u32>,
}

impl SettingsTable {
    fn new(job: &BatchJob, pairs: &[PairSpec]) -> Self {
        let mut index: HashMap<String, u32> = HashMap::new();
        let mut table = Vec::new();
        let of = pairs
            .iter()
            .map(|p| {
                let s = settings(job, p);
                *index.entry(s.to_string()).or_insert_with(|| {
                    table.push(s);
                    (table.len() - 1) as u32
                })
            })
            .collect();
        SettingsTable { table, of }
    }

    fn get(&self, i: usize) -> &serde_json::Value {
        &self.table[self.of[i] as usize]
    }

    /// The settings of the pairs in `range`.
    fn slice(&self, range: std::ops::Range<usize>) -> SettingsTable {
        SettingsTable {
            table: self.table.clone(),
            of: self.of[range].to_vec(),
        }
    }
}

/// Writes the corpus lexicons to `job.save_lexicon`, when asked; an error when the job has
/// none to write (no corpus lexicon, or a model without lexicon).
fn save_lexicon(job: &BatchJob, pairs: usize, saved: Option<&corpus::Saved>) -> Result<()> {
    let Some(path) = &job.save_lexicon else {
        return Ok(());
    };
    match (saved, &job.corpus_lexicon) {
        (Some(saved), Some(cfg)) => {
            crate::lexicon_file::LexiconFile::new(cfg.clone(), pairs, saved.clone()).write(path)
        }
        _ => Err(Error::msg(
            "no corpus lexicon to save (the model uses no lexicon, or --no-corpus-lexicon)",
        )
        .with_path(path)),
    }
}

/// The two documents of a pair, for the corpus lexicon's first pass (`None` when the pair
/// cannot be read, or panics: aligning it reports why).
fn load_documents(job: &BatchJob, spec: &PairSpec) -> Option<(Document, Document)> {
    let opts = pair_options(job, spec);
    isolate(&spec.id, || {
        pipeline::load_pair(&spec.src, &spec.tgt, &opts)
    })
    .ok()
    .map(|((sd, _), (td, _))| (sd, td))
}

/// The pipeline options of one pair: the job's, with the pair's languages.
fn pair_options(job: &BatchJob, spec: &PairSpec) -> Options {
    let mut opts = job.options.clone();
    opts.src_lang = spec.src_lang.clone().or(opts.src_lang);
    opts.tgt_lang = spec.tgt_lang.clone().or(opts.tgt_lang);
    opts
}

/// Aligns one pair (with its language pair's corpus lexicon, when there is one) and writes
/// its output, and its part for the merged TM when there is one; returns its record.
fn process(
    job: &BatchJob,
    spec: &PairSpec,
    mode: Mode,
    old: &State,
    lexicons: Option<&Lexicons>,
) -> Result<PairRecord> {
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
        return Ok(record);
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
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|e| Error::from(e).with_path(parent))?;
    }
    let opts = job.export.with_documents(&spec.src, &spec.tgt);
    export::write_file(job.format, &path, std::iter::once(&kept), &opts)
        .map_err(|e| e.with_pair(&spec.id))?;
    if job.keeps_parts() {
        let part = merge::part_path(&job.out_dir, &spec.id);
        if let Some(parent) = part.parent() {
            fs::create_dir_all(parent).map_err(|e| Error::from(e).with_path(parent))?;
        }
        merge::write_part(&part, &kept).map_err(|e| e.with_pair(&spec.id))?;
    }
    let mut record = record(spec, &report, one_sided, &kept, job, &path);
    record.seconds = started.elapsed().as_secs_f64();
    Ok(record)
}
