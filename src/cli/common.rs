//! Options shared by `align`, `batch` and `stream`, and how they become library settings.

use std::collections::HashSet;
use std::io::Write;
use std::path::Path;

use bitalign::align::lexicon::Lexicon;
use bitalign::align::{AlignConfig, AlignedPair};
use bitalign::export::{self, ExportOptions, Format};
use bitalign::filter::Filter;
use bitalign::input::DecodeOptions;
use bitalign::pipeline::Options;
use bitalign::segment::srx::Srx;
use bitalign::Result;

/// How inputs are read and aligned.
#[derive(clap::Args, Debug, Clone)]
pub struct InputArgs {
    /// Source language code (e.g. en); detected when absent or `auto`.
    #[arg(long)]
    pub src_lang: Option<String>,
    /// Target language code (e.g. ar); detected when absent or `auto`.
    #[arg(long)]
    pub tgt_lang: Option<String>,
    /// Inputs hold one sentence per line (blank lines separate paragraphs): no splitting.
    #[arg(long)]
    pub presegmented: bool,
    /// Input encoding (utf-8, utf-16le, windows-1256, iso-8859-6, gbk, windows-1251,
    /// latin1...); detected when absent.
    #[arg(long)]
    pub encoding: Option<String>,
    /// Refuse inputs larger than this many bytes.
    #[arg(long, default_value_t = 256 << 20)]
    pub max_input_bytes: u64,
    /// Cut sentences longer than this many characters into pieces.
    #[arg(long, default_value_t = 2000)]
    pub max_sentence_chars: usize,
    /// Aligner variant: `full` (default: length, anchors and a lexicon learned from the
    /// text), `anchors` (no lexicon), `length` (length only) or `gale-church` (the classic
    /// baseline).
    #[arg(long, default_value = "full", value_parser = ["full", "anchors", "length", "gale-church"])]
    pub model: String,
    /// Bilingual dictionary in hunalign's format (`target @ source` per line).
    #[arg(long)]
    pub dict: Option<std::path::PathBuf>,
    /// Most lattice cells one alignment pass may search (about 9 bytes each): beyond, the
    /// search gets coarser with a warning instead of running out of memory.
    #[arg(long, value_name = "N", default_value_t = AlignConfig::default().max_dp_cells)]
    pub max_dp_cells: usize,
    /// SRX 2.0 segmentation rules (OmegaT, Okapi, LanguageTool) instead of the built-in
    /// segmenter; rules whose regexes do not compile are skipped with a warning.
    #[arg(long)]
    pub srx: Option<std::path::PathBuf>,
}

impl InputArgs {
    pub fn options(&self) -> Result<Options> {
        let mut align = AlignConfig {
            max_dp_cells: self.max_dp_cells,
            ..AlignConfig::default()
        };
        match self.model.as_str() {
            "anchors" => align.lexicon = false,
            "length" => {
                align.anchors = false;
                align.lexicon = false;
            }
            "gale-church" => {
                align.anchors = false;
                align.lexicon = false;
                align.gale_church = true;
            }
            _ => {}
        }
        if let Some(path) = &self.dict {
            let text = bitalign::input::read_file(path, &DecodeOptions::default())?.text;
            let lex = Lexicon::read_dictionary(&text).map_err(|e| e.with_path(path))?;
            align.dictionary = Some(std::sync::Arc::new(lex));
        }
        let srx = self.srx.as_deref().map(load_srx).transpose()?;
        Ok(Options {
            decode: DecodeOptions {
                encoding: self.encoding.clone(),
                max_bytes: self.max_input_bytes,
            },
            presegmented: self.presegmented,
            src_lang: self.src_lang.clone(),
            tgt_lang: self.tgt_lang.clone(),
            max_sentence_chars: self.max_sentence_chars,
            srx,
            align,
        })
    }
}

/// What is written and what is kept.
#[derive(clap::Args, Debug, Clone)]
pub struct OutputArgs {
    /// Output format: tmx, csv, tsv, jsonl, vecalign, moses, html (review page), xliff
    /// (default: from the -o extension, else tmx).
    #[arg(short = 'f', long)]
    pub format: Option<String>,
    /// Drop beads whose confidence is below this (0..1).
    #[arg(long, value_name = "SCORE", value_parser = parse_score)]
    pub min_score: Option<f64>,
    /// Keep only the first of identical sentence pairs.
    #[arg(long)]
    pub dedup: bool,
    /// Also write 1-0/0-1 beads (sentences without counterpart) in TMX, CSV, TSV, XLIFF and
    /// Moses.
    #[arg(long, conflicts_with = "no_one_sided")]
    pub one_sided: bool,
    /// Leave 1-0/0-1 beads out of JSONL, vecalign and HTML output too.
    #[arg(long)]
    pub no_one_sided: bool,
    /// Start CSV output with a UTF-8 byte order mark (for Excel).
    #[arg(long)]
    pub bom: bool,
    /// TMX: a note put on every translation unit.
    #[arg(long)]
    pub note: Option<String>,
    /// Language tag written for the source side (e.g. en-US) instead of --src-lang.
    #[arg(long)]
    pub src_tag: Option<String>,
    /// Language tag written for the target side (e.g. ar-IQ) instead of --tgt-lang.
    #[arg(long)]
    pub tgt_tag: Option<String>,
    /// TMX: creationdate of header and units, YYYYMMDDThhmmssZ or YYYY-MM-DDThh:mm:ssZ (UTC),
    /// for reproducible files; default: SOURCE_DATE_EPOCH when set, else now.
    #[arg(long, value_name = "DATE")]
    pub creation_date: Option<String>,
    /// XLIFF version written by `-f xliff`: 1.2 or 2.0.
    #[arg(long, default_value = "1.2", value_parser = ["1.2", "2.0"])]
    pub xliff_version: String,
}

impl OutputArgs {
    /// The format: `-f`, else the extension of `path`, else TMX. An extension that names
    /// no format is a usage error (a typo must not silently become TMX).
    pub fn format(&self, path: Option<&Path>) -> Result<Format> {
        if let Some(f) = &self.format {
            return f.parse();
        }
        let Some(ext) = path.and_then(Path::extension) else {
            return Ok(Format::Tmx);
        };
        path.and_then(Format::from_path).ok_or_else(|| {
            let known: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
            bitalign::Error::msg(format!(
                "unknown output extension '.{}': give -f with one of {}",
                ext.to_string_lossy(),
                known.join(", ")
            ))
        })
    }

    /// The export settings; fails on a malformed `--creation-date` or `SOURCE_DATE_EPOCH`.
    pub fn export_options(&self) -> Result<ExportOptions> {
        let creation_date = match (&self.creation_date, std::env::var("SOURCE_DATE_EPOCH")) {
            (Some(d), _) => Some(export::tmx::parse_date(d)?),
            (None, Ok(epoch)) if !epoch.trim().is_empty() => {
                Some(export::tmx::date_from_epoch(&epoch)?)
            }
            _ => None,
        };
        Ok(ExportOptions {
            // Checked by clap's value_parser; the default is the fallback.
            xliff_version: self.xliff_version.parse().unwrap_or_default(),
            src_tag: self.src_tag.clone(),
            tgt_tag: self.tgt_tag.clone(),
            one_sided: if self.one_sided {
                Some(true)
            } else if self.no_one_sided {
                Some(false)
            } else {
                None
            },
            bom: self.bom,
            note: self.note.clone(),
            creation_date,
            ..ExportOptions::default()
        })
    }

    pub fn filter(&self) -> Filter {
        Filter {
            min_score: self.min_score,
            dedup: self.dedup,
        }
    }
}

/// `--min-score`: a confidence, 0 to 1.
pub fn parse_score(s: &str) -> std::result::Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
        Ok(v) => Err(format!("{v} is outside 0..1 (a confidence)")),
        Err(e) => Err(e.to_string()),
    }
}

/// Fails, naming `path`, when its folder does not take files: checked before the work
/// whose result would be lost. The probe is a temporary file, removed at once.
pub fn check_writable(path: &Path) -> Result<()> {
    bitalign::output::AtomicFile::create(path).map(drop)
}

/// Loads SRX rules, warning (once, with the first) about rules whose regexes do not compile.
pub fn load_srx(path: &Path) -> Result<std::sync::Arc<Srx>> {
    let rules = Srx::from_file(path)?;
    if let Some(first) = rules.warnings().first() {
        eprintln!(
            "bitalign: {}: {} of {} SRX rules skipped, first: {first}",
            path.display(),
            rules.warnings().len(),
            rules.total_rules(),
        );
    }
    Ok(std::sync::Arc::new(rules))
}

/// Writes pairs (filtered) to a file atomically, or to stdout when `path` is `None`.
pub fn write_pairs(pairs: &[AlignedPair], out: &OutputArgs, path: Option<&Path>) -> Result<()> {
    let format = out.format(path)?;
    let filter = out.filter();
    let mut seen = HashSet::new();
    let kept: Vec<AlignedPair> = pairs
        .iter()
        .map(|p| filter.filtered(p, &mut seen))
        .collect();
    let opts = out.export_options()?;
    match path {
        Some(p) => export::write_file(format, p, kept.iter(), &opts),
        None => {
            let first = kept.first().cloned().unwrap_or_default();
            let (src, tgt) = (first.src.lang.clone(), first.tgt.lang.clone());
            let mut sink = export::sink(
                format,
                Box::new(std::io::BufWriter::new(std::io::stdout())),
                &opts,
                &src,
                &tgt,
            )?;
            for p in &kept {
                sink.write_pair(p)?;
            }
            sink.finish()?;
            std::io::stdout().flush()?;
            Ok(())
        }
    }
}
