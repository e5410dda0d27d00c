//! `bitalign convert IN -o OUT`: an existing TM (TMX, CSV, TSV, JSONL, XLIFF) into any export
//! format, with the language pair chosen and the score/dedup filters applied.

use std::path::PathBuf;
use std::process::ExitCode;

use bitalign::align::AlignedPair;
use bitalign::document::Document;
use bitalign::import::{self, Langs};
use bitalign::Result;

use super::common::{write_pairs, OutputArgs, Review};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// TM to read: .tmx, .csv (header row of language tags), .tsv, .jsonl, .xlf/.xliff.
    pub input: PathBuf,
    /// Input format: tmx, csv, tsv, jsonl, xliff (default: from the extension).
    #[arg(long = "from", value_name = "FORMAT")]
    pub from: Option<String>,
    /// Source language to take (`en` also finds `en-US`); default: the file's source
    /// language. Names the first column of TSV, JSONL and CSV without a header.
    #[arg(long)]
    pub src_lang: Option<String>,
    /// Target language to take; needed when the TM has more than two languages.
    #[arg(long)]
    pub tgt_lang: Option<String>,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Output file (written atomically); stdout when absent. Its extension gives the
    /// format when -f is absent.
    #[arg(short = 'o', long)]
    pub out: Option<PathBuf>,
    /// Replay the edits saved by the review page on the TM's units (sentence `k` of a side
    /// is the text of unit `k`); edits whose text changed are skipped with a warning.
    #[arg(long, value_name = "FILE")]
    pub apply_edits: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let from = args.from.as_deref().map(str::parse).transpose()?;
    args.output.format(args.out.as_deref())?;
    if let Some(out) = &args.out {
        super::common::check_writable(out)?;
    }
    let langs = Langs {
        src: args.src_lang.clone(),
        tgt: args.tgt_lang.clone(),
    };
    let mut tm = import::read_tm(&args.input, from, &langs)?;
    // Filtered here, where a unit without a score can pass; the exporters' filter would
    // drop it (its score is NaN).
    tm.filter(args.output.min_score, args.output.dedup);
    let (src, tgt) = (tm.src_lang.clone(), tm.tgt_lang.clone());
    let mut pairs = tm.into_pairs();
    if pairs.is_empty() {
        // Still a valid, empty TM with the right languages in its header.
        pairs.push(AlignedPair {
            src: Document {
                lang: src,
                sentences: Vec::new(),
            },
            tgt: Document {
                lang: tgt,
                sentences: Vec::new(),
            },
            ..AlignedPair::default()
        });
    }
    let output = OutputArgs {
        min_score: None,
        dedup: false,
        ..args.output
    };
    let review = Review {
        edits: args.apply_edits.as_deref(),
        documents: None,
    };
    write_pairs(&pairs, &output, args.out.as_deref(), &review)?;
    Ok(ExitCode::SUCCESS)
}
