//! `bitalign lexicon learn CORPUS -o lex.bin`: the corpus lexicon `batch` learns, as a file
//! for `stream`, `align` and `batch --lexicon`; `bitalign lexicon show FILE` describes one.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use bitalign::corpus::{self, CorpusLexicon};
use bitalign::lexicon_file::{LexiconFile, VERSION};
use bitalign::pipeline;
use bitalign::stream;
use bitalign::{Error, Result};

use super::common::InputArgs;

const AFTER_HELP: &str = "\
The corpus is read as `batch` reads it (DIR or --manifest) or as `stream` input lines
(--pairs FILE, `-` for stdin: texts, sentences or file paths per pair). The first pass
aligns an even sample of the pairs (every ceil(N/10000)-th, from the first) without lexicon
and trains IBM Model 1 per language pair on their confident beads, exactly as `batch` does:
`stream --lexicon`/`batch --lexicon` with the file give the beads of a plain `batch` over the
same corpus, given the same reading and model options (--model, --dict, --presegmented...).

A job that samples the corpus itself (a Spark job) passes the sample with --pairs and the
corpus size with --sampled-from N: the sample must be every ceil(N/10000)-th pair.";

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    pub command: Command,
}

// Parsed once per run: the size difference between variants costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Learn the corpus lexicon of a corpus into a file.
    #[command(after_help = AFTER_HELP)]
    Learn(LearnArgs),
    /// Describe a lexicon file (JSON): settings, corpus size, word pairs per language pair.
    Show {
        /// The lexicon file.
        file: PathBuf,
    },
}

#[derive(clap::Args, Debug)]
pub struct LearnArgs {
    /// Corpus folder: one subfolder per language holding same-named files.
    #[arg(conflicts_with_all = ["manifest", "pairs"])]
    pub dir: Option<PathBuf>,
    /// CSV of pairs instead of DIR: header src,tgt[,id][,src_lang][,tgt_lang].
    #[arg(long, value_name = "FILE", conflicts_with = "pairs")]
    pub manifest: Option<PathBuf>,
    /// `stream` input lines instead of DIR (`-`: stdin).
    #[arg(long, value_name = "FILE")]
    pub pairs: Option<PathBuf>,
    /// The --pairs lines are already the even sample of a corpus of N pairs.
    #[arg(long, value_name = "N", requires = "pairs")]
    pub sampled_from: Option<usize>,
    /// The lexicon file to write.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub out: PathBuf,
    /// Threads (default: one per core); the file is the same for any N.
    #[arg(short = 'j', long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    #[command(flatten)]
    pub input: InputArgs,
}

pub fn run(args: Args) -> Result<ExitCode> {
    match args.command {
        Command::Learn(a) => learn(a),
        Command::Show { file } => show(&file),
    }
}

fn learn(args: LearnArgs) -> Result<ExitCode> {
    super::common::check_writable(&args.out)?;
    let opts = args.input.options()?;
    if !corpus::uses_lexicon(&opts.align) {
        return Err(Error::msg(format!(
            "--model {} uses no lexicon: there is nothing to learn",
            args.input.model
        )));
    }
    let cfg = CorpusLexicon::default();
    let lines: Vec<Vec<u8>> = match &args.pairs {
        Some(path) => read_lines(path)?,
        None => super::pairs::corpus_lines(
            args.dir.as_deref(),
            args.manifest.as_deref(),
            opts.src_lang.as_deref(),
            opts.tgt_lang.as_deref(),
        )?
        .into_iter()
        .map(String::into_bytes)
        .collect(),
    };
    let corpus_pairs = match args.sampled_from {
        Some(n) => check_sample(n, lines.len(), &cfg)?,
        None => lines.len(),
    };
    let pool = pipeline::worker_pool(args.jobs.map(usize::from))?;
    let lexicons = stream::learn_lexicons(&lines, &opts, &cfg, &pool);
    let saved = lexicons.saved(format!("lexicon learn over {corpus_pairs} pairs"));
    let file = LexiconFile::new(cfg, corpus_pairs, saved);
    file.write(&args.out)?;
    for l in &file.saved.lexicons {
        eprintln!(
            "{}-{}: {} word pairs",
            l.src_lang,
            l.tgt_lang,
            l.entries.len()
        );
    }
    if file.saved.lexicons.is_empty() {
        eprintln!(
            "bitalign: warning: too little confident data for any language pair: each pair \
             will learn its own lexicon (as batch does)"
        );
    }
    eprintln!(
        "{} word pairs learned from {} of {} pairs: {}",
        file.word_pairs(),
        file.sampled_pairs,
        file.corpus_pairs,
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Checks that `got` lines are the even sample of a corpus of `n` pairs; returns `n`.
fn check_sample(n: usize, got: usize, cfg: &CorpusLexicon) -> Result<usize> {
    let step = corpus::sample_step(n, cfg.harvest_pairs);
    let expected = n.div_ceil(step);
    if got != expected {
        return Err(Error::msg(format!(
            "--sampled-from {n}: expected the {expected} pairs of every {step}-th line, got {got}"
        )));
    }
    Ok(n)
}

/// The non-blank lines of a file (`-`: stdin), as `stream` counts its pairs.
fn read_lines(path: &Path) -> Result<Vec<Vec<u8>>> {
    let reader: Box<dyn Read> = if path.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(std::fs::File::open(path).map_err(|e| Error::from(e).with_path(path))?)
    };
    let mut lines = Vec::new();
    for line in BufReader::new(reader).split(b'\n') {
        let mut line = line.map_err(|e| Error::from(e).with_path(path))?;
        if line.last() == Some(&b'\r') {
            line.pop();
        }
        if !line.iter().all(u8::is_ascii_whitespace) {
            lines.push(line);
        }
    }
    Ok(lines)
}

fn show(path: &Path) -> Result<ExitCode> {
    let file = LexiconFile::read(path)?;
    let s = &file.settings;
    let summary = serde_json::json!({
        "format_version": VERSION,
        "tool_version": file.tool_version,
        "corpus_pairs": file.corpus_pairs,
        "sampled_pairs": file.sampled_pairs,
        "settings": {
            "min_score": s.min_score,
            "harvest_pairs": s.harvest_pairs,
            "training_pairs": s.training_pairs,
            "min_count": s.min_count,
            "min_training": s.min_training,
            "min_pairs": s.min_pairs,
            "keep_pair_lexicon": s.keep_pair_lexicon,
        },
        "lexicons": file.saved.lexicons.iter().map(|l| serde_json::json!({
            "src_lang": l.src_lang,
            "tgt_lang": l.tgt_lang,
            "word_pairs": l.entries.len(),
        })).collect::<Vec<_>>(),
    });
    println!("{summary:#}");
    Ok(ExitCode::SUCCESS)
}
