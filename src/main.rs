//! The `bitalign` command line: a thin layer over the library (one file per subcommand under
//! `src/cli/`). Exit codes: 0 ok, 1 some pairs of a batch failed, 2 usage or fatal error.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cli;

/// Align a document with its translation into a translation memory (TMX, XLIFF, CSV, TSV,
/// JSONL, a review page).
#[derive(Parser)]
#[command(name = "bitalign", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

// Parsed once per run: the size difference between variants costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand)]
enum Command {
    /// Align one document pair.
    Align(cli::align::Args),
    /// Align a corpus: a folder of language subfolders, or a manifest.
    Batch(cli::batch::Args),
    /// Align document pairs read as JSON Lines on stdin (for Spark, Slurm, GNU parallel).
    Stream(cli::stream::Args),
    /// Split text into sentences: one per line, a blank line between paragraphs.
    Split(cli::split::Args),
    /// Score an alignment against a gold alignment (Vecalign's strict and lax P/R/F1).
    Eval(cli::eval::Args),
    /// Convert a TM (TMX, CSV, TSV, JSONL, XLIFF) into another format, filtering it.
    Convert(cli::convert::Args),
    /// Learn a corpus lexicon into a file (for stream/align/batch --lexicon), or show one.
    Lexicon(cli::lexicon::Args),
    /// List a corpus's document pairs as stream input lines (file paths).
    Pairs(cli::pairs::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Align(a) => cli::align::run(a),
        Command::Batch(a) => cli::batch::run(a),
        Command::Stream(a) => cli::stream::run(a),
        Command::Split(a) => cli::split::run(a),
        Command::Eval(a) => cli::eval::run(a),
        Command::Convert(a) => cli::convert::run(a),
        Command::Lexicon(a) => cli::lexicon::run(a),
        Command::Pairs(a) => cli::pairs::run(a),
    };
    match result {
        Ok(code) => code,
        // The reader went away (`| head`): what it wanted was written; nothing to report.
        Err(e) if e.io_kind() == Some(std::io::ErrorKind::BrokenPipe) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bitalign: {e}");
            ExitCode::from(2)
        }
    }
}
