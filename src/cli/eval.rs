//! `bitalign eval --gold G --hyp H`: Vecalign's strict and lax precision, recall and F1 on
//! sentence indices; or, when the gold is a text gold (JSON with segments and links), pair
//! scores on text as `../shared/bench/pairscore.py` computes them (strict, within, tiled).
//! `--gold`/`--hyp` may be repeated (one per document, micro-averaged).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use bitalign::eval::{self, pairs};
use bitalign::{Error, Result};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Gold alignment: Vecalign links (`[0, 1]:[2]` per line), or a text gold (JSON:
    /// `src_segments`, `tgt_segments`, `links`). Repeat for several documents.
    #[arg(long, required = true)]
    pub gold: Vec<PathBuf>,
    /// Hypothesis: Vecalign links (e.g. `bitalign align -f vecalign`), or for a text gold
    /// pairs as JSON Lines (`-f jsonl`) or TSV. One per `--gold`, in the same order.
    #[arg(long, required = true)]
    pub hyp: Vec<PathBuf>,
    /// Print the scores as JSON.
    #[arg(long)]
    pub json: bool,
}

/// A text gold is a JSON object; Vecalign links start with `[`.
fn is_text_gold(path: &Path) -> Result<bool> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::from(e).with_path(path))?;
    Ok(text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('{'))
}

pub fn run(args: Args) -> Result<ExitCode> {
    if args.gold.len() != args.hyp.len() {
        return Err(Error::msg(format!(
            "{} --gold but {} --hyp: give one hypothesis per gold file",
            args.gold.len(),
            args.hyp.len()
        )));
    }
    if is_text_gold(&args.gold[0])? {
        return run_pairs(&args);
    }
    let mut total = eval::Counts::default();
    for (g, h) in args.gold.iter().zip(&args.hyp) {
        let gold = eval::read_alignments_file(g)?;
        let hyp = eval::read_alignments_file(h)?;
        total += eval::counts(&gold, &hyp);
    }
    let s = eval::Scores::from_counts(total);
    if args.json {
        println!("{}", to_json(&s)?);
    } else {
        println!("           precision  recall     f1");
        row("strict", &s.strict);
        row("lax", &s.lax);
    }
    Ok(ExitCode::SUCCESS)
}

fn run_pairs(args: &Args) -> Result<ExitCode> {
    let docs = args
        .gold
        .iter()
        .zip(&args.hyp)
        .map(|(g, h)| {
            Ok(pairs::Scored {
                gold: pairs::read_gold(g)?,
                hyp: pairs::read_pairs(h)?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let s = pairs::score(&docs);
    if args.json {
        println!("{}", to_json(&s)?);
    } else {
        println!("{} pairs, {} gold links", s.pairs, s.gold);
        println!("           precision  recall     f1");
        row("strict", &s.strict);
        row("tiled", &s.tiled);
        println!("within     {:.4}", s.within_precision);
    }
    Ok(ExitCode::SUCCESS)
}

fn row(name: &str, p: &eval::Prf) {
    println!(
        "{name:<10} {:.4}     {:.4}     {:.4}",
        p.precision, p.recall, p.f1
    );
}

fn to_json<T: serde::Serialize>(v: &T) -> Result<String> {
    serde_json::to_string_pretty(v).map_err(|e| Error::msg(e.to_string()))
}
