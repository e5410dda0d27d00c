//! `bitalign batch DIR -o OUT`: a corpus into one translation memory per document pair.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use bitalign::batch::{self, BatchJob, RunStatus, Source, Status};
use bitalign::corpus::CorpusLexicon;
use bitalign::lexicon_file::LexiconFile;
use bitalign::progress::Progress;
use bitalign::Result;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::common::{InputArgs, OutputArgs};

const AFTER_HELP: &str = "\
Pairs: DIR holds one folder per language code (en/, ar/, fr/...). Every file of the source
folder (--src-lang, default en) is paired with the same-named file of each other folder
(only --tgt-lang's when given); files without counterpart are reported, not errors. Or give
--manifest pairs.csv with header src,tgt[,id][,src_lang][,tgt_lang] (paths relative to the
manifest).

Output: OUT/<lang>/<name>.<format> per pair (Moses: two files), OUT/report.json, and
OUT/.bitalign-state.json for --resume.

Each finished pair is journaled (OUT/.bitalign-journal) as it is written: after Ctrl-C, a
kill or a crash, --resume redoes only the pairs that were not finished. Ctrl-C (or SIGTERM)
lets the pairs in progress finish, writes the report and exits 130; a second Ctrl-C quits at
once (the next run removes what that leaves).

Job arrays: --shard K/N aligns the K-th of N slices of the pairs (each shard learns the corpus
lexicon over the whole corpus, so N shards write what one run writes); then
`bitalign batch --merge-reports OUT/shard-* -o OUT --merge all.tmx` joins their reports and
writes the merged TM without aligning again (examples/slurm/align.sbatch).

Exit status: 0 all pairs aligned or skipped, 1 some pairs failed (the others are written) or
the disk filled up, 2 usage or fatal error, 130 interrupted.";

#[derive(clap::Args, Debug)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    /// Corpus folder: one subfolder per language holding same-named files.
    #[arg(
        required_unless_present_any = ["manifest", "merge_reports"],
        conflicts_with = "manifest"
    )]
    pub dir: Option<PathBuf>,
    /// Output folder (created when missing).
    #[arg(short = 'o', long, value_name = "OUT")]
    pub out: PathBuf,
    /// CSV of pairs instead of DIR: header src,tgt[,id][,src_lang][,tgt_lang].
    #[arg(long, value_name = "FILE")]
    pub manifest: Option<PathBuf>,
    /// Pairs aligned at once (default: one per core).
    #[arg(short = 'j', long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    /// Also write one TM of the whole corpus (its extension sets the format when -f is absent).
    #[arg(long, value_name = "FILE")]
    pub merge: Option<PathBuf>,
    /// Write --merge as one multilingual TMX: the LANG folder is the source, and each tu
    /// holds a LANG segment with its translation in every other language folder.
    #[arg(long, value_name = "LANG", requires = "merge")]
    pub pivot: Option<String>,
    /// Skip pairs whose output exists and whose inputs and settings have not changed.
    #[arg(long)]
    pub resume: bool,
    /// Learn the translation lexicon of each pair from that pair alone, instead of over the
    /// whole corpus first (a corpus-level lexicon is more reliable).
    #[arg(long)]
    pub no_corpus_lexicon: bool,
    /// Align only the K-th of N equal slices of the pairs (job arrays: N tasks cover the
    /// corpus once). Every shard learns the corpus lexicon over the whole corpus, so the
    /// shards' outputs are those of one run; join them with --merge-reports.
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    pub shard: Option<batch::Shard>,
    /// Join the reports of the shard output folders DIR... into OUT/report.json, and write
    /// --merge from their pairs (nothing is aligned again).
    #[arg(long, value_name = "DIR", num_args = 1.., conflicts_with_all = ["dir", "manifest", "shard", "resume"])]
    pub merge_reports: Vec<PathBuf>,
    /// Align with the corpus lexicons of this file (`bitalign lexicon learn`, or another
    /// batch's --save-lexicon) instead of learning them: shards of a corpus share one.
    #[arg(long, value_name = "FILE", conflicts_with = "no_corpus_lexicon")]
    pub lexicon: Option<PathBuf>,
    /// Write the corpus lexicons (learned, or given by --lexicon) to this file before
    /// aligning, for `stream --lexicon` and `align --lexicon`.
    #[arg(long, value_name = "FILE", conflicts_with = "no_corpus_lexicon")]
    pub save_lexicon: Option<PathBuf>,
    /// Do not journal pairs as they finish (only to measure what the journal costs).
    #[arg(long, hide = true)]
    pub no_journal: bool,
    /// Rewrite OUT/report.json at most every SECS seconds while the run goes.
    #[arg(long, value_name = "SECS", default_value_t = 5.0, hide = true)]
    pub report_every: f64,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(mut args: Args) -> Result<ExitCode> {
    if let Some(pivot) = args.pivot.clone() {
        check_pivot(&pivot, &mut args)?;
    }
    let format = args.output.format(args.merge.as_deref())?;
    let source = match (&args.manifest, &args.dir) {
        (Some(m), _) => Source::Manifest(m.clone()),
        (None, Some(d)) => Source::Folders(d.clone()),
        (None, None) if !args.merge_reports.is_empty() => Source::Folders(PathBuf::new()),
        (None, None) => return Err(bitalign::Error::msg("give a corpus folder or --manifest")),
    };
    let lexicon = args.lexicon.as_deref().map(LexiconFile::read).transpose()?;
    let job = BatchJob {
        format,
        options: args.input.options()?,
        export: args.output.export_options()?,
        filter: args.output.filter(),
        jobs: args.jobs.map(usize::from),
        merge: args.merge.clone(),
        pivot: args.pivot.clone(),
        resume: args.resume,
        fingerprint: fingerprint(&args.input)?,
        corpus_lexicon: match &lexicon {
            Some(file) => Some(file.settings.clone()),
            None => (!args.no_corpus_lexicon).then(CorpusLexicon::default),
        },
        lexicons: lexicon.map(|file| file.saved),
        save_lexicon: args.save_lexicon.clone(),
        journal: !args.no_journal,
        report_every: std::time::Duration::from_secs_f64(args.report_every.max(0.0)),
        shard: args.shard,
        ..BatchJob::new(source, args.out.clone())
    };
    if !args.merge_reports.is_empty() {
        return merge_reports(&args.merge_reports, &job);
    }
    stop_on_signal(Arc::clone(&job.stop));
    let progress = Bar::new(std::io::stderr().is_terminal());
    let report = batch::run(&job, &progress)?;
    if let Some(emb) = &job.options.align.embed {
        emb.save()?;
    }

    for p in report.failed() {
        eprintln!(
            "bitalign: {}",
            p.error.as_deref().unwrap_or("failed without a message")
        );
    }
    let t = &report.totals;
    eprintln!(
        "{} pairs: {} ok, {} failed, {} skipped",
        t.pairs, t.ok, t.failed, t.skipped
    );
    let written = t.ok + t.skipped;
    match report.status {
        RunStatus::Complete | RunStatus::Running => {}
        RunStatus::Interrupted => {
            if let Some(why) = &report.stopped_by {
                eprintln!("bitalign: {why}");
            }
            eprintln!(
                "interrupted: {written} of {} pairs written; run again with --resume",
                report.planned
            );
            return Ok(ExitCode::from(130));
        }
        RunStatus::DiskFull => {
            // The failed pair has said why; a journal that did not fit has not.
            if let (0, Some(why)) = (t.failed, &report.stopped_by) {
                eprintln!("bitalign: {why}");
            }
            eprintln!(
                "bitalign: disk full: stopped after {written} of {} pairs; free some space \
                 and run again with --resume",
                report.planned
            );
            return Ok(ExitCode::from(1));
        }
    }
    exit_code(&report)
}

/// A merged TM not written is an error; failed pairs exit 1.
fn exit_code(report: &batch::BatchReport) -> Result<ExitCode> {
    if let Some(m) = report.merge.as_ref().filter(|m| m.status == Status::Error) {
        return Err(bitalign::Error::msg(format!(
            "merged TM not written: {}",
            m.error.as_deref().unwrap_or("unknown error")
        )));
    }
    Ok(if report.totals.failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `--merge-reports`: the shards' reports joined, their merged TM written.
fn merge_reports(dirs: &[PathBuf], job: &BatchJob) -> Result<ExitCode> {
    let report = batch::join(dirs, job)?;
    let t = &report.totals;
    eprintln!(
        "{} shards joined: {} pairs: {} ok, {} failed, {} skipped",
        dirs.len(),
        t.pairs,
        t.ok,
        t.failed,
        t.skipped
    );
    exit_code(&report)
}

fn parse_shard(s: &str) -> std::result::Result<batch::Shard, String> {
    s.parse().map_err(|e: bitalign::Error| e.to_string())
}

/// Ctrl-C and SIGTERM stop the batch after the pairs in progress; a second one quits at once
/// (exit 130; the next run removes the temporary files this leaves).
fn stop_on_signal(stop: Arc<AtomicBool>) {
    let handler = move || {
        if stop.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
        eprintln!("bitalign: stopping after the pairs in progress (Ctrl-C again to quit now)");
    };
    // Without a handler (one already set), a signal ends the run the default way and
    // --resume still finds every journaled pair.
    let _ = ctrlc::set_handler(handler);
}

/// `--pivot` is the source language and the merged TM is TMX: sets `--src-lang`, refuses a
/// different one and a merge path whose extension names another format.
fn check_pivot(pivot: &str, args: &mut Args) -> Result<()> {
    match args.input.src_lang.as_deref() {
        Some(src) if src != pivot && src != "auto" => {
            return Err(bitalign::Error::msg(format!(
                "--pivot {pivot} is the source language, but --src-lang is {src}"
            )))
        }
        _ => args.input.src_lang = Some(pivot.to_string()),
    }
    let merge = args.merge.as_deref();
    if let Some(f) = merge.and_then(bitalign::export::Format::from_path) {
        if f != bitalign::export::Format::Tmx {
            return Err(bitalign::Error::msg(format!(
                "--pivot writes a multilingual TMX, not {f}: give --merge a .tmx path"
            )));
        }
    }
    Ok(())
}

/// What `--resume` must compare but the library cannot see inside: the dictionary file.
fn fingerprint(input: &InputArgs) -> Result<BTreeMap<String, String>> {
    let mut map = BTreeMap::new();
    if let Some(dict) = &input.dict {
        map.insert("dict_sha256".to_string(), batch::sha256_file(dict)?);
    }
    Ok(map)
}

/// A progress bar on a terminal (pairs done, sentences per second, ETA); otherwise only
/// warnings, so logs of unattended runs stay clean.
struct Bar {
    bar: Option<ProgressBar>,
    sentences: AtomicU64,
    started: Instant,
}

impl Bar {
    fn new(terminal: bool) -> Self {
        let bar = terminal.then(|| {
            let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
            if let Ok(style) =
                ProgressStyle::with_template("{bar:30} {pos}/{len} pairs  {msg}  ETA {eta}")
            {
                bar.set_style(style);
            }
            bar
        });
        Bar {
            bar,
            sentences: AtomicU64::new(0),
            started: Instant::now(),
        }
    }
}

impl Progress for Bar {
    fn start(&self, total: u64) {
        if let Some(bar) = &self.bar {
            bar.set_length(total);
            bar.reset_eta();
        }
    }

    fn advance(&self, sentences: u64) {
        let total = self.sentences.fetch_add(sentences, Ordering::Relaxed) + sentences;
        if let Some(bar) = &self.bar {
            let secs = self.started.elapsed().as_secs_f64().max(1e-3);
            bar.inc(1);
            bar.set_message(format!("{:.0} sentences/s", total as f64 / secs));
        }
    }

    fn warn(&self, message: &str) {
        match &self.bar {
            Some(bar) => bar.suspend(|| eprintln!("bitalign: {message}")),
            None => eprintln!("bitalign: {message}"),
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
