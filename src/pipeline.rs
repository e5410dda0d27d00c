//! One document pair through every stage: decode → paragraphs → segment → normalize →
//! align. The CLI's `align`, and `batch`/`stream` per pair, all go through here.

use std::panic::{self, AssertUnwindSafe};
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

use crate::align::lexicon::Lexicon;
use crate::align::{self, AlignConfig, AlignedPair};
use crate::document::{Document, Sentence, Structure};
use crate::error::{Error, Result};
use crate::input::{self, Content, DecodeOptions, Format, ParagraphMode, ReadOptions};
use crate::segment::srx::Srx;
use crate::segment::Segmenter;

/// Settings of a pipeline run that affect its output (recorded for `batch --resume`).
#[derive(Debug, Clone, Serialize)]
pub struct Options {
    #[serde(skip)]
    pub decode: DecodeOptions,
    /// Input is one sentence per line (blank lines separate paragraphs): no splitting.
    pub presegmented: bool,
    /// Input format forced instead of sniffed (`--input-format`).
    pub format: Option<Format>,
    /// How plain text is cut into paragraphs (`--paragraphs`).
    pub paragraphs: ParagraphMode,
    /// Keep a declared language even when the text reads as another one (`--force-lang`).
    pub force_lang: bool,
    /// Language codes; detected from the text when `None`.
    pub src_lang: Option<String>,
    pub tgt_lang: Option<String>,
    /// Sentences longer than this (characters) are cut at spaces into pieces: a 2 MB line
    /// without punctuation must not become one giant sentence.
    pub max_sentence_chars: usize,
    /// SRX rules that replace the built-in segmenter (recorded by their SHA-256).
    #[serde(serialize_with = "srx_digest")]
    pub srx: Option<Arc<Srx>>,
    #[serde(skip)]
    pub align: AlignConfig,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            decode: DecodeOptions::default(),
            presegmented: false,
            format: None,
            paragraphs: ParagraphMode::Auto,
            force_lang: false,
            src_lang: None,
            tgt_lang: None,
            max_sentence_chars: 2000,
            srx: None,
            align: AlignConfig::default(),
        }
    }
}

fn srx_digest<S: serde::Serializer>(
    srx: &Option<Arc<Srx>>,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    srx.as_deref().map(Srx::digest).serialize(s)
}

impl Options {
    /// How the inputs are read.
    pub fn read_options(&self) -> ReadOptions {
        ReadOptions {
            decode: self.decode.clone(),
            format: self.format,
            paragraphs: self.paragraphs,
        }
    }
}

/// What happened while reading one side (for reports and warnings).
#[derive(Debug, Clone, Default, Serialize)]
pub struct SideReport {
    pub lang: String,
    /// True when the language was detected rather than given.
    pub lang_detected: bool,
    /// Input format read (`text`, `docx`, `odt`, `html`, `markdown`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<Format>,
    /// What the reader wants the user to know (tracked changes resolved...).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    pub encoding: String,
    pub dropped_controls: usize,
    pub sentences: usize,
}

/// Reads, decodes and segments one side, whatever its format. Errors name the file.
pub fn load_side(
    path: &Path,
    lang: Option<&str>,
    opts: &Options,
) -> Result<(Document, SideReport)> {
    let content = input::read_path(path, &opts.read_options())?;
    side_from_content(&content, lang, opts).map_err(|e| e.with_path(path))
}

/// Segments decoded plain text into a document (language given or detected).
pub fn side_from_text(
    text: &str,
    lang: Option<&str>,
    opts: &Options,
) -> Result<(Document, SideReport)> {
    let content = Content {
        format: Format::Text,
        blocks: input::text::blocks(text, opts.paragraphs),
        text: Some(text.to_string()),
        encoding: "UTF-8",
        dropped_controls: 0,
        lang: None,
        warnings: Vec::new(),
    };
    side_from_content(&content, lang, opts)
}

/// Segments what a reader read into a document: each block split into sentences that keep
/// the block's structure (a heading's sentences are headings).
pub fn side_from_content(
    content: &Content,
    lang: Option<&str>,
    opts: &Options,
) -> Result<(Document, SideReport)> {
    let (lang, detected) = side_language(content, lang, opts.force_lang)?;
    let paragraphs: Vec<(Structure, Vec<String>)> = match (&content.text, opts.presegmented) {
        (Some(text), true) => input::presegmented(text)
            .into_iter()
            .map(|p| (Structure::Paragraph, p))
            .collect(),
        (None, true) => content
            .blocks
            .iter()
            .map(|b| (b.structure, vec![b.text.clone()]))
            .collect(),
        (_, false) => {
            let builtin = Segmenter::new(&lang);
            let srx = opts.srx.as_deref().map(|rules| rules.segmenter(&lang));
            let mut blocks: Vec<(Structure, Vec<String>)> = content
                .blocks
                .par_iter()
                .map(|b| {
                    // A heading is one segment: `Report: Water deficit to double` is a
                    // title, not a label and a sentence.
                    let sentences = match (&srx, b.structure) {
                        (_, Structure::Heading) => vec![b.text.clone()],
                        (Some(seg), _) => seg.split(&b.text),
                        (None, _) => builtin.split(&b.text),
                    };
                    (b.structure, sentences)
                })
                .collect();
            // Transcripts without punctuation: cut at clause openers (SRX rules are the
            // user's own and stay as they are).
            if srx.is_none() {
                crate::segment::resplit_unpunctuated(&builtin, &mut blocks);
            }
            blocks
        }
    };
    let doc = structured_document(&lang, &paragraphs, opts.max_sentence_chars);
    if doc.is_empty() {
        return Err(Error::new(crate::ErrorKind::Empty));
    }
    let report = SideReport {
        lang,
        lang_detected: detected,
        format: Some(content.format),
        warnings: content.warnings.clone(),
        encoding: content.encoding.to_string(),
        dropped_controls: content.dropped_controls,
        sentences: doc.len(),
    };
    Ok((doc, report))
}

/// The aligner variants by name (`--model`, Python's `model=`): `full` (length, anchors and a
/// lexicon learned from the text), `anchors` (no lexicon), `length` (length only) and
/// `gale-church` (the classic baseline).
pub const MODELS: [&str; 4] = ["full", "anchors", "length", "gale-church"];

/// The aligner settings of a variant named in [`MODELS`]; the CLI and the bindings share it so
/// a name means the same aligner everywhere.
pub fn model_config(model: &str) -> Result<AlignConfig> {
    let mut align = AlignConfig::default();
    match model {
        "full" => {}
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
        other => {
            return Err(Error::msg(format!(
                "unknown model '{other}' (expected one of: {})",
                MODELS.join(", ")
            )))
        }
    }
    Ok(align)
}

/// Reads a bilingual dictionary in hunalign's format (`target @ source` per line); errors
/// name the file and line.
pub fn read_dictionary(path: &Path) -> Result<Arc<Lexicon>> {
    let text = input::read_file(path, &DecodeOptions::default())?.text;
    let lex = Lexicon::read_dictionary(&text).map_err(|e| e.with_path(path))?;
    Ok(Arc::new(lex))
}

/// The side's language and whether it was detected: the given tag (canonical BCP 47;
/// refused when the text clearly reads as another language, unless `force`), else the
/// document's own declaration, else detection, else `und`.
fn side_language(content: &Content, given: Option<&str>, force: bool) -> Result<(String, bool)> {
    let sample = sample_text(content);
    if let Some(tag) = given.filter(|l| !l.trim().is_empty() && *l != "auto") {
        let tag = crate::lang::canonical(tag)?;
        if !force {
            if let Some(read) = crate::lang::contradicts(&tag, &sample) {
                return Err(Error::msg(format!(
                    "declared language '{tag}' but the text reads as '{read}' (source and \
                     target swapped?); --force-lang keeps '{tag}'"
                )));
            }
        }
        return Ok((tag, false));
    }
    if let Some(tag) = content
        .lang
        .as_deref()
        .and_then(|l| crate::lang::canonical(l).ok())
    {
        if crate::lang::contradicts(&tag, &sample).is_none() {
            return Ok((tag, false));
        }
    }
    Ok(match crate::lang::detect(&sample) {
        Some(l) => (l, true),
        None => (String::from("und"), true),
    })
}

/// The start of the content's text (what language detection looks at).
fn sample_text(content: &Content) -> String {
    const SAMPLE: usize = 16 * 1024;
    if let Some(text) = &content.text {
        let mut end = text.len().min(SAMPLE);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        return text[..end].to_string();
    }
    let mut out = String::new();
    for b in &content.blocks {
        if out.len() >= SAMPLE {
            break;
        }
        out.push_str(&b.text);
        out.push('\n');
    }
    out
}

/// The threads a run works on: `jobs` of them, or one per core. Outputs do not depend on
/// the number (every parallel step keeps its order).
pub fn worker_pool(jobs: Option<usize>) -> Result<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(jobs.unwrap_or(0))
        .build()
        .map_err(|e| Error::msg(format!("cannot start worker threads: {e}")))
}

/// Builds a document, cutting over-long sentences into bounded pieces.
pub fn document(lang: &str, paragraphs: &[Vec<String>], max_chars: usize) -> Document {
    let marked: Vec<(Structure, Vec<String>)> = paragraphs
        .iter()
        .map(|p| (Structure::Paragraph, p.clone()))
        .collect();
    structured_document(lang, &marked, max_chars)
}

/// [`document`] from paragraphs that each carry their structure.
pub fn structured_document(
    lang: &str,
    paragraphs: &[(Structure, Vec<String>)],
    max_chars: usize,
) -> Document {
    let pieces: Vec<(usize, Structure, &str)> = paragraphs
        .iter()
        .enumerate()
        .flat_map(|(p, (kind, sents))| {
            sents
                .iter()
                .flat_map(move |s| bounded_pieces(s, max_chars))
                .map(move |s| (p, *kind, s))
        })
        .collect();
    // Normalizing every sentence twice (output text, matching key) is the costly part of
    // loading a long document: in parallel, order kept.
    let sentences = pieces
        .into_par_iter()
        .map(|(p, kind, s)| Sentence::new(s, p).with_structure(kind))
        .filter(|s| !s.text.is_empty())
        .collect();
    Document {
        lang: lang.to_string(),
        sentences,
    }
}

/// Cuts `text` into pieces of at most `max` characters, at the last space before the limit
/// when there is one (else mid-word). Nothing is dropped: the pieces concatenate to `text`.
pub fn bounded_pieces(text: &str, max: usize) -> Vec<&str> {
    let max = max.max(16);
    let mut out = Vec::new();
    let mut rest = text;
    while rest.chars().count() > max {
        let cut = rest.char_indices().nth(max).map_or(rest.len(), |(b, _)| b);
        let head = &rest[..cut];
        let at = head
            .rfind(char::is_whitespace)
            .filter(|&b| b > 0)
            .map_or(cut, |b| {
                b + head[b..].chars().next().map_or(1, char::len_utf8)
            });
        out.push(&rest[..at]);
        rest = &rest[at..];
    }
    if !rest.trim().is_empty() || out.is_empty() {
        out.push(rest);
    }
    out
}

/// Aligns two loaded documents into a pair.
pub fn align_documents(id: &str, src: Document, tgt: Document, cfg: &AlignConfig) -> AlignedPair {
    align_pair(id, src, tgt, cfg).0
}

/// [`align_documents`], with the aligner's warnings (a search made coarser by the memory cap).
pub fn align_pair(
    id: &str,
    src: Document,
    tgt: Document,
    cfg: &AlignConfig,
) -> (AlignedPair, Vec<String>) {
    let found = align::align_with_warnings(&src, &tgt, cfg);
    let pair = AlignedPair {
        id: id.to_string(),
        src,
        tgt,
        beads: found.beads,
    };
    (pair, found.warnings)
}

/// What one aligned file pair reports.
#[derive(Debug, Clone, Serialize)]
pub struct PairReport {
    pub src: SideReport,
    pub tgt: SideReport,
    pub beads: usize,
    pub mean_score: f64,
    /// What the aligner had to give up (see `AlignConfig::max_dp_cells`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

impl PairReport {
    pub fn new(pair: &AlignedPair, src: SideReport, tgt: SideReport) -> Self {
        let n = pair.beads.len().max(1) as f64;
        PairReport {
            src,
            tgt,
            beads: pair.beads.len(),
            mean_score: pair.beads.iter().map(|b| b.score).sum::<f64>() / n,
            warnings: Vec::new(),
        }
    }
}

/// Reads and aligns two files.
pub fn align_files(
    id: &str,
    src: &Path,
    tgt: &Path,
    opts: &Options,
) -> Result<(AlignedPair, PairReport)> {
    align_files_with(id, src, tgt, opts, None)
}

/// [`align_files`] with corpus lexicons (a lexicon file): the pair is aligned with its
/// language pair's lexicon, as a batch over that corpus aligns it.
pub fn align_files_with(
    id: &str,
    src: &Path,
    tgt: &Path,
    opts: &Options,
    lexicon: Option<&crate::corpus::Learned>,
) -> Result<(AlignedPair, PairReport)> {
    let ((sd, sr), (td, tr)) = load_pair(src, tgt, opts)?;
    let align = match lexicon {
        Some(l) => l.config(&opts.align, &sd.lang, &td.lang),
        None => opts.align.clone(),
    };
    let (pair, warnings) = align_pair(id, sd, td, &align);
    let mut report = PairReport::new(&pair, sr, tr);
    report.warnings = warnings;
    Ok((pair, report))
}

/// Reads both sides of a pair without aligning them (a batch picks the corpus lexicon by the
/// languages found before aligning).
pub fn load_pair(
    src: &Path,
    tgt: &Path,
    opts: &Options,
) -> Result<((Document, SideReport), (Document, SideReport))> {
    let (s, t) = rayon::join(
        || load_side(src, opts.src_lang.as_deref(), opts),
        || load_side(tgt, opts.tgt_lang.as_deref(), opts),
    );
    Ok((s?, t?))
}

/// Runs `f`, turning a panic into an error naming the pair, so one bad document cannot take
/// the batch (or a stream) down. The panic hook still runs: it is the process's to set.
pub fn isolate<T>(id: &str, f: impl FnOnce() -> Result<T>) -> Result<T> {
    match panic::catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown cause".to_string());
            Err(Error::msg(format!("internal error (panic): {what}")).with_pair(id))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isolate_turns_a_panic_into_an_error_naming_the_pair() {
        let r: Result<()> = isolate("fr/x", || panic!("boom"));
        let msg = r.unwrap_err().to_string();
        assert!(msg.contains("pair fr/x") && msg.contains("boom"), "{msg}");
    }

    #[test]
    fn bounded_pieces_cut_long_text_without_losing_characters() {
        let text = "word ".repeat(1000);
        let pieces = bounded_pieces(&text, 100);
        assert!(pieces.len() >= 50);
        assert!(pieces.iter().all(|p| p.chars().count() <= 100));
        assert_eq!(pieces.concat(), text);
    }

    #[test]
    fn bounded_pieces_cut_mid_word_when_there_is_no_space() {
        let text = "x".repeat(250);
        let pieces = bounded_pieces(&text, 100);
        assert_eq!(pieces.len(), 3);
        assert_eq!(pieces.concat(), text);
    }

    #[test]
    fn model_names_choose_the_signals_and_unknown_names_fail() {
        let gc = model_config("gale-church").unwrap();
        assert!(gc.gale_church && !gc.anchors && !gc.lexicon);
        let anchors = model_config("anchors").unwrap();
        assert!(anchors.anchors && !anchors.lexicon);
        assert!(MODELS.iter().all(|m| model_config(m).is_ok()));
        let e = model_config("bert").unwrap_err().to_string();
        assert!(e.contains("'bert'") && e.contains("gale-church"), "{e}");
    }

    #[test]
    fn short_text_is_one_piece() {
        assert_eq!(bounded_pieces("hello world", 100), vec!["hello world"]);
    }
}
