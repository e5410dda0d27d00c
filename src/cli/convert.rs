//! `bitalign convert IN -o OUT`: an existing TM (TMX, CSV, TSV, JSONL, XLIFF) into any export
//! format, with the language pair chosen and the score/dedup filters applied.

use std::path::PathBuf;
use std::process::ExitCode;

use bitalign::align::AlignedPair;
use bitalign::document::Document;
use bitalign::import::{self, InputFormat, Langs};
use bitalign::{Error, Result};

use super::common::{write_pairs, OutputArgs};

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
}

pub fn run(args: Args) -> Result<ExitCode> {
    let from = match &args.from {
        Some(f) => f.parse()?,
        None => InputFormat::from_path(&args.input).ok_or_else(|| {
            Error::msg("cannot tell the input format from the extension: give --from")
                .with_path(&args.input)
        })?,
    };
    args.output.format(args.out.as_deref())?;
    if let Some(out) = &args.out {
        super::common::check_writable(out)?;
    }
    let langs = Langs {
        src: args.src_lang.clone(),
        tgt: args.tgt_lang.clone(),
    };
    let table = import::read_file(&args.input, from, &langs)?;
    let mut tm = table
        .select(args.src_lang.as_deref(), args.tgt_lang.as_deref())
        .map_err(|e| e.with_path(&args.input))?;
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
    write_pairs(&pairs, &output, args.out.as_deref())?;
    Ok(ExitCode::SUCCESS)
}
