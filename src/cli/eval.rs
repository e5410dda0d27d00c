//! `bitalign eval --gold G --hyp H`: Vecalign's strict and lax precision, recall and F1.

use std::path::PathBuf;
use std::process::ExitCode;

use bitalign::eval;
use bitalign::Result;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Gold alignment (Vecalign format: `[0, 1]:[2]` per line).
    #[arg(long)]
    pub gold: PathBuf,
    /// Hypothesis alignment, same format (e.g. `bitalign align -f vecalign`).
    #[arg(long)]
    pub hyp: PathBuf,
    /// Print the scores as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let gold = eval::read_alignments_file(&args.gold)?;
    let hyp = eval::read_alignments_file(&args.hyp)?;
    let s = eval::score(&gold, &hyp);
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&s).map_err(|e| bitalign::Error::msg(e.to_string()))?
        );
    } else {
        println!("           precision  recall     f1");
        println!(
            "strict     {:.4}     {:.4}     {:.4}",
            s.strict.precision, s.strict.recall, s.strict.f1
        );
        println!(
            "lax        {:.4}     {:.4}     {:.4}",
            s.lax.precision, s.lax.recall, s.lax.f1
        );
    }
    Ok(ExitCode::SUCCESS)
}
