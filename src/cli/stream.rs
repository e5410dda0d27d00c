//! `bitalign stream`: JSON Lines of document pairs on stdin, bead and doc records on stdout.

use std::io::IsTerminal;
use std::process::ExitCode;

use bitalign::progress::Silent;
use bitalign::stream::{self, StreamJob};
use bitalign::Result;

use super::common::{InputArgs, OutputArgs};

const AFTER_HELP: &str = "\
Input, one pair per line:
  {\"pair_id\":\"d1\",\"src_lang\":\"en\",\"tgt_lang\":\"fr\",\"src\":\"raw text\",\"tgt_sents\":[\"...\"]}
(each side as raw text `src`/`tgt`, pre-split sentences `src_sents`/`tgt_sents`, or a file
`src_path`/`tgt_path` read as batch reads it; `bitalign pairs DIR` prints such lines).
Output, per pair: {\"type\":\"bead\",\"pair_id\",\"src\",\"tgt\",\"src_idx\",\"tgt_idx\",\"score\"}
records, then {\"type\":\"doc\",\"pair_id\",\"status\":\"ok\"|\"error\",\"error\",\"n_beads\",\"line\"}.
--src-lang/--tgt-lang only fill in lines without src_lang/tgt_lang; --presegmented applies
to raw src/tgt texts; --encoding does not apply (JSON Lines are UTF-8) and is refused.
A bad line gives an error doc record and the stream goes on; the exit status is 0 unless
reading or writing fails, so a cluster task does not fail on one bad row.";

#[derive(clap::Args, Debug)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    /// Pairs aligned at once (default: one per core).
    #[arg(short = 'j', long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    /// Language options apply to lines without `src_lang`/`tgt_lang`; `--presegmented` to
    /// raw `src`/`tgt` texts. Input is JSON, always UTF-8: `--encoding` is refused.
    #[command(flatten)]
    pub input: InputArgs,
    /// Drop beads whose confidence is below this (0..1).
    #[arg(long, value_name = "SCORE", value_parser = super::common::parse_score)]
    pub min_score: Option<f64>,
    /// Keep only the first of identical sentence pairs within a document.
    #[arg(long)]
    pub dedup: bool,
    /// Leave 1-0/0-1 beads (sentences without counterpart) out.
    #[arg(long)]
    pub no_one_sided: bool,
    /// Align with the corpus lexicons of this file (`bitalign lexicon learn`, `batch
    /// --save-lexicon`): the beads a batch over that corpus gives.
    #[arg(long, value_name = "FILE")]
    pub lexicon: Option<std::path::PathBuf>,
}

pub fn run(args: Args) -> Result<ExitCode> {
    if args.input.encoding.is_some() {
        return Err(bitalign::Error::msg(
            "stream input is JSON Lines, always UTF-8: --encoding does not apply",
        ));
    }
    // Built through the shared argument type so the option mapping stays in one place.
    let output = OutputArgs {
        format: None,
        min_score: args.min_score,
        dedup: args.dedup,
        one_sided: false,
        no_one_sided: args.no_one_sided,
        bom: false,
        note: None,
        src_tag: None,
        tgt_tag: None,
        creation_date: None,
        xliff_version: String::from("1.2"),
    };
    let options = args.input.options()?;
    let lexicon = match &args.lexicon {
        Some(path) => Some(super::common::load_lexicon(path, &options)?),
        None => None,
    };
    let job = StreamJob {
        options,
        lexicon,
        filter: output.filter(),
        one_sided: output
            .export_options()?
            .one_sided_for(bitalign::export::Format::Jsonl),
        jobs: args.jobs.map(usize::from),
        ..StreamJob::default()
    };
    let stdin = std::io::stdin().lock();
    let stdout = std::io::stdout().lock();
    let summary = stream::run(stdin, stdout, &job, &Silent)?;
    if let Some(emb) = &job.options.align.embed {
        emb.save()?;
    }
    // Cluster logs collect stderr: a summary only for a person at a terminal.
    if std::io::stderr().is_terminal() {
        eprintln!(
            "{} pairs: {} ok, {} failed; {} beads",
            summary.pairs, summary.ok, summary.errors, summary.beads
        );
    }
    Ok(ExitCode::SUCCESS)
}
