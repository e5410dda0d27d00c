//! `bitalign pairs DIR`: the document pairs of a corpus as `stream` input lines (file paths,
//! found as `batch` finds them), so a cluster job's workers read the documents themselves.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use bitalign::batch;
use bitalign::stream;
use bitalign::{Error, Result};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Corpus folder: one subfolder per language holding same-named files.
    #[arg(required_unless_present = "manifest", conflicts_with = "manifest")]
    pub dir: Option<PathBuf>,
    /// CSV of pairs instead of DIR: header src,tgt[,id][,src_lang][,tgt_lang].
    #[arg(long, value_name = "FILE")]
    pub manifest: Option<PathBuf>,
    /// Source language folder (default en).
    #[arg(long)]
    pub src_lang: Option<String>,
    /// Only this target language's folder.
    #[arg(long)]
    pub tgt_lang: Option<String>,
}

/// The pairs of a corpus folder or manifest as stream input lines, in `batch`'s pair order
/// (the order its corpus lexicon samples); files without counterpart are told on stderr.
pub fn corpus_lines(
    dir: Option<&Path>,
    manifest: Option<&Path>,
    src_lang: Option<&str>,
    tgt_lang: Option<&str>,
) -> Result<Vec<String>> {
    let found = match (dir, manifest) {
        (Some(dir), _) => batch::discover(dir, src_lang, tgt_lang, None)?,
        (None, Some(m)) => batch::read_manifest(m)?,
        (None, None) => return Err(Error::msg("give a corpus folder or --manifest")),
    };
    for w in &found.warnings {
        eprintln!("bitalign: {w}");
    }
    for f in &found.unpaired {
        eprintln!(
            "bitalign: {}: no counterpart in another language, skipped",
            f.display()
        );
    }
    if found.pairs.is_empty() {
        return Err(Error::msg("no document pairs found"));
    }
    Ok(found.pairs.iter().map(stream::path_line).collect())
}

pub fn run(args: Args) -> Result<ExitCode> {
    let lines = corpus_lines(
        args.dir.as_deref(),
        args.manifest.as_deref(),
        args.src_lang.as_deref(),
        args.tgt_lang.as_deref(),
    )?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for line in lines {
        writeln!(out, "{line}").map_err(|e| Error::from(e).with_path("<output>"))?;
    }
    out.flush()
        .map_err(|e| Error::from(e).with_path("<output>"))?;
    Ok(ExitCode::SUCCESS)
}
