//! `bitalign split [FILE|-] --lang L`: sentences one per line, a blank line between paragraphs.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use bitalign::input::{self, DecodeOptions};
use bitalign::pipeline::{self, Options};
use bitalign::{Error, Result};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Input file; `-` or absent reads stdin.
    pub file: Option<PathBuf>,
    /// Language code; detected when absent or `auto`.
    #[arg(long)]
    pub lang: Option<String>,
    /// Input encoding; detected when absent.
    #[arg(long)]
    pub encoding: Option<String>,
    /// Cut sentences longer than this many characters into pieces.
    #[arg(long, default_value_t = 2000)]
    pub max_sentence_chars: usize,
    /// SRX 2.0 segmentation rules (OmegaT, Okapi, LanguageTool) instead of the built-in
    /// segmenter, as for `align`.
    #[arg(long)]
    pub srx: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<ExitCode> {
    // Bad rules are reported before stdin is read.
    let srx = args
        .srx
        .as_deref()
        .map(super::common::load_srx)
        .transpose()?;
    let decode = DecodeOptions {
        encoding: args.encoding.clone(),
        ..DecodeOptions::default()
    };
    let decoded = match args.file.as_deref().filter(|p| p.as_os_str() != "-") {
        Some(path) => input::read_file(path, &decode)?,
        None => {
            let mut bytes = Vec::new();
            std::io::stdin()
                .read_to_end(&mut bytes)
                .map_err(|e| Error::from(e).with_path("<stdin>"))?;
            input::decode(&bytes, &decode).map_err(|e| e.with_path("<stdin>"))?
        }
    };
    let opts = Options {
        max_sentence_chars: args.max_sentence_chars,
        srx,
        ..Options::default()
    };
    let (doc, report) = pipeline::side_from_text(&decoded.text, args.lang.as_deref(), &opts)?;
    if report.lang_detected {
        eprintln!("bitalign: language detected as {}", report.lang);
    }
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut para = None;
    for s in &doc.sentences {
        if para.is_some_and(|p| p != s.paragraph) {
            writeln!(out)?;
        }
        para = Some(s.paragraph);
        writeln!(out, "{}", s.text)?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
