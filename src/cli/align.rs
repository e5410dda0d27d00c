//! `bitalign align SRC TGT`: one document pair into a translation memory.

use std::path::PathBuf;
use std::process::ExitCode;

use bitalign::export::ExportOptions;
use bitalign::pipeline::{self, SideReport};
use bitalign::Result;

use super::common::{write_pairs, InputArgs, OutputArgs, Review};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Source document: plain text, DOCX, ODT, HTML or Markdown (`--presegmented` for one
    /// sentence per line).
    pub src: PathBuf,
    /// Target document: the translation of the source.
    pub tgt: PathBuf,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Output file (written atomically); stdout when absent.
    #[arg(short = 'o', long)]
    pub out: Option<PathBuf>,
    /// Threads scoring the pair (default: one per core); the output is the same for any N.
    #[arg(short = 'j', long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    /// Replay the edits saved by the review page (its "Edits" download) on this alignment;
    /// edits whose sentences changed are skipped with a warning.
    #[arg(long, value_name = "FILE")]
    pub apply_edits: Option<PathBuf>,
    /// Align with the corpus lexicon of this file (`bitalign lexicon learn`, `batch
    /// --save-lexicon`) instead of one learned from this pair alone.
    #[arg(long, value_name = "FILE")]
    pub lexicon: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<ExitCode> {
    // Fail on a bad format before the (possibly long) alignment.
    args.output.format(args.out.as_deref())?;
    if let Some(out) = &args.out {
        super::common::check_writable(out)?;
    }
    let opts = args.input.options()?;
    let id = args
        .src
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let pool = pipeline::worker_pool(args.jobs.map(usize::from))?;
    let lexicon = match &args.lexicon {
        Some(path) => Some(super::common::load_lexicon(path, &opts)?),
        None => None,
    };
    let (pair, report) = pool.install(|| {
        pipeline::align_files_with(&id, &args.src, &args.tgt, &opts, lexicon.as_deref())
    })?;
    if let Some(emb) = &opts.align.embed {
        emb.save()?;
    }
    tell(&args.src, &report.src);
    tell(&args.tgt, &report.tgt);
    for w in &report.warnings {
        eprintln!("bitalign: {id}: warning: {w}");
    }
    let review = Review {
        edits: args.apply_edits.as_deref(),
        documents: ExportOptions::default()
            .with_documents(&args.src, &args.tgt)
            .documents,
    };
    write_pairs(
        std::slice::from_ref(&pair),
        &args.output,
        args.out.as_deref(),
        &review,
    )?;
    Ok(ExitCode::SUCCESS)
}

/// Says on stderr what the user did not choose but should know: a detected language,
/// removed control characters.
pub fn tell(path: &std::path::Path, side: &SideReport) {
    if side.lang_detected {
        eprintln!(
            "bitalign: {}: language detected as {}",
            path.display(),
            side.lang
        );
    }
    for w in &side.warnings {
        eprintln!("bitalign: {}: {w}", path.display());
    }
    if side.dropped_controls > 0 {
        eprintln!(
            "bitalign: {}: removed {} control character(s)",
            path.display(),
            side.dropped_controls
        );
    }
}
