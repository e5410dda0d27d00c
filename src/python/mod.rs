//! Python bindings (feature `python`): the module `bitalign._native`, which
//! `python/bitalign/__init__.py` re-exports. Every function runs the library's own pipeline
//! (the CLI's code path, not a second implementation): `align` gives exactly the records of
//! `bitalign align -f jsonl`. Python values are turned into Rust values first, then the work
//! runs with the GIL released (as tokenizers' `encode_batch`), so threads align in parallel.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::bitext::AlignedPair;
use crate::document::Document;
use crate::error::ErrorKind;
use crate::export::{self, jsonl, ExportOptions, Format};
use crate::import::{self, Langs, Tm, Unit};
use crate::input::{self, DecodeOptions};
use crate::pipeline::{self, Options};

mod bead;
mod errors;
mod many;
mod settings;

use bead::Bead;
use errors::{err, guarded, to_py, Failure};
use settings::{warn, Settings};

/// One side as Python gave it: a text, or a list of sentences.
#[derive(FromPyObject)]
pub(crate) enum SideArg {
    Text(String),
    Sentences(Vec<String>),
}

/// One side ready for the pipeline.
pub(crate) struct SideInput {
    text: String,
    /// A list of sentences is one sentence per line, whatever `presegmented` says.
    presegmented: bool,
}

impl From<SideArg> for SideInput {
    /// A list becomes the presegmented text it stands for: one item per line (line breaks
    /// inside an item become spaces, so an item stays one sentence), an empty item a blank
    /// line between paragraphs. So `align(list, ...)` equals `align("\n".join(list),
    /// presegmented=True)` by construction.
    fn from(arg: SideArg) -> Self {
        match arg {
            SideArg::Text(text) => SideInput {
                text,
                presegmented: false,
            },
            SideArg::Sentences(items) => SideInput {
                text: items
                    .iter()
                    .map(|s| s.replace(['\n', '\r'], " "))
                    .collect::<Vec<_>>()
                    .join("\n"),
                presegmented: true,
            },
        }
    }
}

/// What one aligned pair gives: its beads and the aligner's warnings.
pub(crate) type Aligned = (Vec<Bead>, Vec<String>);

/// A Python string through the decoder files go through (line ends normalized, control
/// characters dropped, binary data refused), so a text gives what its file gives.
fn decoded(text: &str, max_bytes: u64) -> crate::Result<String> {
    let decode = DecodeOptions {
        encoding: Some("utf-8".to_string()),
        max_bytes,
    };
    Ok(input::decode(text.as_bytes(), &decode)?.text)
}

/// Decodes and segments one side held in memory, as `load_side` does for a file; errors name
/// the side (`src`, `tgt`).
fn load_text(
    side: &SideInput,
    name: &str,
    lang: Option<&str>,
    s: &Settings,
) -> crate::Result<Document> {
    let opts = Options {
        presegmented: s.opts.presegmented || side.presegmented,
        ..s.opts.clone()
    };
    decoded(&side.text, s.opts.decode.max_bytes)
        .and_then(|text| pipeline::side_from_text(&text, lang, &opts))
        .map(|(doc, _)| doc)
        .map_err(|e| e.with_path(name))
}

/// Aligns two texts: both sides loaded in parallel, then the pipeline's `align_pair`.
pub(crate) fn align_sides(
    id: &str,
    src: &SideInput,
    tgt: &SideInput,
    s: &Settings,
) -> crate::Result<Aligned> {
    let (sd, td) = rayon::join(
        || load_text(src, "src", s.opts.src_lang.as_deref(), s),
        || load_text(tgt, "tgt", s.opts.tgt_lang.as_deref(), s),
    );
    let (pair, warnings) = pipeline::align_pair(id, sd?, td?, &s.opts.align);
    Ok((beads_of(&pair, s)?, warnings))
}

/// The filtered pair's JSONL records as beads.
fn beads_of(pair: &AlignedPair, s: &Settings) -> crate::Result<Vec<Bead>> {
    let filtered;
    let pair = if s.filter.is_noop() {
        pair
    } else {
        filtered = s.filter.filtered(pair, &mut HashSet::new());
        &filtered
    };
    jsonl::records(pair, s.one_sided)
        .map(|r| r.map(Bead::from))
        .collect()
}

/// Runs `f` without the GIL, panics caught, and gives its beads with the warnings raised as
/// `UserWarning`s.
fn detached(
    py: Python<'_>,
    s: &Settings,
    f: impl FnOnce() -> crate::Result<Aligned> + Send,
) -> PyResult<Vec<Bead>> {
    let (beads, warnings) = py
        .detach(|| guarded(|| s.run(f)))
        .map_err(|e| to_py(py, e))?;
    for w in &warnings {
        warn(py, w)?;
    }
    Ok(beads)
}

/// Aligns a text and its translation: a list of `Bead`, every bead in order (one-sided ones
/// included, `""` on the missing side), exactly the records of `bitalign align -f jsonl`.
/// `src` and `tgt` are each a string or a list of sentences (a list is presegmented).
#[pyfunction]
#[pyo3(signature = (src, tgt, **options))]
fn align(
    py: Python<'_>,
    src: SideArg,
    tgt: SideArg,
    options: Option<&Bound<'_, PyDict>>,
) -> PyResult<Vec<Bead>> {
    let s = Settings::from_kwargs(py, "align", options)?;
    let (src, tgt) = (SideInput::from(src), SideInput::from(tgt));
    detached(py, &s, || align_sides("", &src, &tgt, &s))
}

/// Reads and aligns two files as `bitalign align SRC TGT -f jsonl` does (encoding detected
/// unless `encoding=` is given; `pair_id` is the source file's stem).
#[pyfunction]
#[pyo3(signature = (src_path, tgt_path, **options))]
fn align_files(
    py: Python<'_>,
    src_path: PathBuf,
    tgt_path: PathBuf,
    options: Option<&Bound<'_, PyDict>>,
) -> PyResult<Vec<Bead>> {
    let s = Settings::from_kwargs(py, "align_files", options)?;
    let id = src_path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    detached(py, &s, || {
        let (pair, report) = pipeline::align_files(&id, &src_path, &tgt_path, &s.opts)?;
        Ok((beads_of(&pair, &s)?, report.warnings))
    })
}

/// Splits a text into sentences as `bitalign split` does; `paragraphs=True` gives a list of
/// paragraphs, each a list of sentences. Blank text gives `[]`.
#[pyfunction]
#[pyo3(signature = (text, lang = None, *, max_sentence_chars = 2000, paragraphs = false))]
fn split(
    py: Python<'_>,
    text: String,
    lang: Option<String>,
    max_sentence_chars: usize,
    paragraphs: bool,
) -> PyResult<Py<PyAny>> {
    let opts = Options {
        max_sentence_chars,
        ..Options::default()
    };
    let doc = py.detach(|| {
        guarded(|| {
            let found = decoded(&text, opts.decode.max_bytes)
                .and_then(|t| pipeline::side_from_text(&t, lang.as_deref(), &opts));
            match found {
                Ok((doc, _)) => Ok(doc),
                Err(e) if matches!(e.kind(), ErrorKind::Empty) => Ok(Document::default()),
                Err(e) => Err(e),
            }
        })
    });
    let doc = doc.map_err(|e| to_py(py, e))?;
    let sentences = doc.sentences.iter().map(|s| s.text.as_str());
    if !paragraphs {
        return Ok(sentences
            .collect::<Vec<_>>()
            .into_pyobject(py)?
            .into_any()
            .unbind());
    }
    let mut out: Vec<Vec<&str>> = Vec::new();
    for (k, s) in doc.sentences.iter().enumerate() {
        if k == 0 || doc.starts_paragraph(k) {
            out.push(Vec::new());
        }
        if let Some(p) = out.last_mut() {
            p.push(&s.text);
        }
    }
    Ok(out.into_pyobject(py)?.into_any().unbind())
}

/// Reads a translation memory (TMX, CSV, TSV, JSONL, XLIFF) as beads: the records of
/// `bitalign convert PATH -f jsonl` (`score` is `None` where the file has none).
#[pyfunction]
#[pyo3(signature = (path, *, format = None, src_lang = None, tgt_lang = None, min_score = None, dedup = false))]
fn read_tm(
    py: Python<'_>,
    path: PathBuf,
    format: Option<String>,
    src_lang: Option<String>,
    tgt_lang: Option<String>,
    min_score: Option<f64>,
    dedup: bool,
) -> PyResult<Vec<Bead>> {
    let langs = Langs {
        src: src_lang,
        tgt: tgt_lang,
    };
    let read = || -> crate::Result<Vec<Bead>> {
        let from = format.as_deref().map(str::parse).transpose()?;
        let mut tm = import::read_tm(&path, from, &langs)?;
        tm.filter(min_score, dedup);
        let mut beads = Vec::new();
        for pair in tm.into_pairs() {
            for r in jsonl::records(&pair, true) {
                beads.push(Bead::from(r?));
            }
        }
        Ok(beads)
    };
    py.detach(|| guarded(read)).map_err(|e| to_py(py, e))
}

/// One item of `write_tm`: a `Bead`, or a tuple `(src, tgt)` or `(src, tgt, score)`.
#[derive(FromPyObject)]
enum TmItem {
    Bead(Bead),
    Pair(String, String),
    Scored(String, String, Option<f64>),
}

impl From<TmItem> for Unit {
    fn from(item: TmItem) -> Unit {
        let (src, tgt, score, doc) = match item {
            TmItem::Bead(b) => (b.src, b.tgt, b.score, b.pair_id),
            TmItem::Pair(s, t) => (s, t, None, String::new()),
            TmItem::Scored(s, t, score) => (s, t, score, String::new()),
        };
        Unit {
            src,
            tgt,
            score,
            doc,
        }
    }
}

/// Writes beads (or `(src, tgt[, score])` tuples) as a translation memory, atomically, through
/// the CLI's exporters. `format` defaults to the extension, else TMX; the languages name the
/// TMX/CSV/XLIFF header (`und` when not given).
#[pyfunction]
#[pyo3(signature = (beads, path, *, format = None, src_lang = None, tgt_lang = None, one_sided = None, bom = false, note = None, creation_date = None, xliff_version = "1.2"))]
#[allow(clippy::too_many_arguments)]
fn write_tm(
    py: Python<'_>,
    beads: &Bound<'_, PyAny>,
    path: PathBuf,
    format: Option<String>,
    src_lang: Option<String>,
    tgt_lang: Option<String>,
    one_sided: Option<bool>,
    bom: bool,
    note: Option<String>,
    creation_date: Option<String>,
    xliff_version: &str,
) -> PyResult<()> {
    let tm = Tm {
        src_lang: src_lang.clone().unwrap_or_else(|| "und".to_string()),
        tgt_lang: tgt_lang.clone().unwrap_or_else(|| "und".to_string()),
        units: beads
            .try_iter()?
            .enumerate()
            .map(|(n, item)| {
                item?.extract::<TmItem>().map(Unit::from).map_err(|_| {
                    PyTypeError::new_err(format!(
                        "write_tm(): item {n}: expected a Bead or a tuple (src, tgt[, score])"
                    ))
                })
            })
            .collect::<PyResult<_>>()?,
    };
    let write = || -> crate::Result<()> {
        let format = output_format(format.as_deref(), &path)?;
        let opts = ExportOptions {
            src_tag: src_lang,
            tgt_tag: tgt_lang,
            one_sided,
            bom,
            note,
            creation_date: creation_date
                .as_deref()
                .map(export::tmx::parse_date)
                .transpose()?,
            xliff_version: xliff_version.parse()?,
            ..ExportOptions::default()
        };
        export::write_file(format, &path, tm.into_pairs().iter(), &opts)
    };
    py.detach(|| guarded(write)).map_err(|e| to_py(py, e))
}

/// The format named, else the one of the extension, else TMX (as `-f` and `-o` do).
fn output_format(name: Option<&str>, path: &Path) -> crate::Result<Format> {
    match name {
        Some(f) => f.parse(),
        None => Ok(Format::from_path(path).unwrap_or(Format::Tmx)),
    }
}

/// The extension module.
#[pymodule]
#[pyo3(name = "_native")]
fn native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("MODELS", pipeline::MODELS.to_vec())?;
    errors::register(m)?;
    m.add_class::<Bead>()?;
    m.add_class::<many::AlignMany>()?;
    m.add_function(wrap_pyfunction!(align, m)?)?;
    m.add_function(wrap_pyfunction!(align_files, m)?)?;
    m.add_function(wrap_pyfunction!(many::align_many, m)?)?;
    m.add_function(wrap_pyfunction!(split, m)?)?;
    m.add_function(wrap_pyfunction!(read_tm, m)?)?;
    m.add_function(wrap_pyfunction!(write_tm, m)?)?;
    m.add_function(wrap_pyfunction!(errors::_panic_in_worker, m)?)?;
    Ok(())
}
