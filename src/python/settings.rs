//! Keyword options shared by `align`, `align_files` and `align_many`, turned into the same
//! `pipeline::Options` and `Filter` the CLI builds from its flags (one parser, so the three
//! functions cannot drift apart; `_native.pyi` spells the keywords out).

use std::ffi::CString;
use std::path::PathBuf;
use std::sync::Arc;

use pyo3::exceptions::{PyTypeError, PyUserWarning, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use super::errors::{err, BitalignError};
use crate::filter::Filter;
use crate::pipeline::{self, Options};
use crate::segment::srx::Srx;

/// Everything a call aligns with.
#[derive(Clone)]
pub(crate) struct Settings {
    pub opts: Options,
    pub filter: Filter,
    /// Keep 1-0 and 0-1 beads (as `-f jsonl` does by default).
    pub one_sided: bool,
    /// Worker threads; `None` = rayon's global pool (one per core).
    pub jobs: Option<usize>,
}

/// The keywords as given, before files are read and names resolved.
#[derive(Default)]
struct Raw {
    model: Option<String>,
    max_dp_cells: Option<usize>,
    dictionary: Option<PathBuf>,
    srx: Option<PathBuf>,
    embed: bool,
}

impl Settings {
    /// Parses `**options` of the function `func`; an unknown keyword is a `TypeError` as in
    /// any Python function.
    pub fn from_kwargs(
        py: Python<'_>,
        func: &str,
        kwargs: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Settings> {
        let mut s = Settings {
            opts: Options::default(),
            filter: Filter::default(),
            one_sided: true,
            jobs: None,
        };
        let mut raw = Raw::default();
        if let Some(kwargs) = kwargs {
            for (key, value) in kwargs.iter() {
                let key: String = key.extract()?;
                s.set(&mut raw, func, &key, &value)?;
            }
        }
        s.resolve(py, raw)?;
        Ok(s)
    }

    fn set(&mut self, raw: &mut Raw, func: &str, key: &str, v: &Bound<'_, PyAny>) -> PyResult<()> {
        let bad = |e: PyErr| PyTypeError::new_err(format!("{func}(): {key}: {e}"));
        match key {
            "src_lang" => self.opts.src_lang = v.extract().map_err(bad)?,
            "tgt_lang" => self.opts.tgt_lang = v.extract().map_err(bad)?,
            "presegmented" => self.opts.presegmented = v.extract().map_err(bad)?,
            "max_sentence_chars" => self.opts.max_sentence_chars = v.extract().map_err(bad)?,
            "encoding" => self.opts.decode.encoding = v.extract().map_err(bad)?,
            "max_input_bytes" => self.opts.decode.max_bytes = v.extract().map_err(bad)?,
            "min_score" => self.filter.min_score = v.extract().map_err(bad)?,
            "dedup" => self.filter.dedup = v.extract().map_err(bad)?,
            "one_sided" => self.one_sided = v.extract().map_err(bad)?,
            "jobs" => self.jobs = v.extract().map_err(bad)?,
            "model" => raw.model = v.extract().map_err(bad)?,
            "max_dp_cells" => raw.max_dp_cells = v.extract().map_err(bad)?,
            "dictionary" => raw.dictionary = v.extract().map_err(bad)?,
            "srx" => raw.srx = v.extract().map_err(bad)?,
            "embed" => raw.embed = !v.is_none(),
            _ => {
                return Err(PyTypeError::new_err(format!(
                    "{func}() got an unexpected keyword argument '{key}'"
                )))
            }
        }
        Ok(())
    }

    /// Resolves the model name and reads the dictionary and SRX files (SRX rules that do not
    /// compile are skipped with a `UserWarning`, as the CLI warns on stderr).
    fn resolve(&mut self, py: Python<'_>, raw: Raw) -> PyResult<()> {
        if raw.embed {
            return Err(BitalignError::new_err(
                "embed: this build of bitalign has no encoder (the model-based signal is not built in yet)",
            ));
        }
        if self.jobs == Some(0) {
            return Err(PyValueError::new_err(
                "jobs must be at least 1 (or None: one per core)",
            ));
        }
        let model = raw.model.as_deref().unwrap_or("full");
        self.opts.align = pipeline::model_config(model).map_err(|e| err(py, e))?;
        if let Some(cells) = raw.max_dp_cells {
            self.opts.align.max_dp_cells = cells;
        }
        if let Some(path) = &raw.dictionary {
            let lex = pipeline::read_dictionary(path).map_err(|e| err(py, e))?;
            self.opts.align.dictionary = Some(lex);
        }
        if let Some(path) = &raw.srx {
            let rules = Srx::from_file(path).map_err(|e| err(py, e))?;
            if let Some(first) = rules.warnings().first() {
                let message = format!(
                    "{}: {} of {} SRX rules skipped, first: {first}",
                    path.display(),
                    rules.warnings().len(),
                    rules.total_rules()
                );
                warn(py, &message)?;
            }
            self.opts.srx = Some(Arc::new(rules));
        }
        Ok(())
    }

    /// Runs `f` on this call's threads: `jobs` of them, or rayon's global pool.
    pub fn run<T: Send>(&self, f: impl FnOnce() -> crate::Result<T> + Send) -> crate::Result<T> {
        match self.jobs {
            None => f(),
            Some(n) => pipeline::worker_pool(Some(n))?.install(f),
        }
    }
}

/// A `UserWarning` pointing at the caller's line.
pub(crate) fn warn(py: Python<'_>, message: &str) -> PyResult<()> {
    let text = CString::new(message.replace('\0', " "))?;
    PyErr::warn(py, &py.get_type::<PyUserWarning>(), &text, 1)
}
