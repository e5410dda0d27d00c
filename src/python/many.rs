//! `align_many`: a corpus of pairs aligned in parallel (rayon), yielded in input order.
//!
//! Pairs are taken from the Python iterable a chunk at a time, aligned with the GIL released,
//! and yielded one by one, so memory stays bounded for any corpus and the call fits a
//! `datasets.map(batched=True)` function as well as a loop over millions of documents.

use std::collections::VecDeque;
use std::sync::Arc;

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyIterator};
use rayon::prelude::*;

use super::errors::{guarded, to_py};
use super::settings::{warn, Settings};
use super::{align_sides, Aligned, Bead, SideArg, SideInput};
use crate::pipeline;

/// One pair of the corpus: `(src, tgt)` or `(src, tgt, pair_id)`.
#[derive(FromPyObject)]
enum PairArg {
    Plain(SideArg, SideArg),
    Named(SideArg, SideArg, String),
}

struct PairInput {
    id: String,
    src: SideInput,
    tgt: SideInput,
}

impl From<PairArg> for PairInput {
    fn from(arg: PairArg) -> Self {
        let (src, tgt, id) = match arg {
            PairArg::Plain(s, t) => (s, t, String::new()),
            PairArg::Named(s, t, id) => (s, t, id),
        };
        PairInput {
            id,
            src: src.into(),
            tgt: tgt.into(),
        }
    }
}

/// The iterator `align_many` returns: each item is the list of beads of one pair, in input
/// order (or, with `errors="return"`, the `BitalignError` of a pair that failed).
#[pyclass(module = "bitalign")]
pub(crate) struct AlignMany {
    pairs: Py<PyIterator>,
    settings: Settings,
    pool: Option<Arc<rayon::ThreadPool>>,
    /// Pairs taken from the iterable per parallel step.
    chunk: usize,
    /// Pairs read so far (the position named in errors).
    taken: usize,
    ready: VecDeque<PyResult<Vec<Bead>>>,
    exhausted: bool,
    /// What the input iterable raised: raised in turn, after the pairs read before it.
    source_error: Option<PyErr>,
    return_errors: bool,
}

/// Aligns many pairs in parallel: an iterator of lists of `Bead`, one per pair, in input
/// order. Each pair is `(src, tgt)` or `(src, tgt, pair_id)`, each side a string or a list
/// of sentences; options as for `align`. `jobs` threads (default: one per core). A pair that
/// fails raises its `BitalignError` when reached (`errors="raise"`), or is yielded as the
/// exception object (`errors="return"`) so the rest goes on.
#[pyfunction]
#[pyo3(signature = (pairs, *, errors = "raise", **options))]
pub(crate) fn align_many(
    py: Python<'_>,
    pairs: &Bound<'_, PyAny>,
    errors: &str,
    options: Option<&Bound<'_, PyDict>>,
) -> PyResult<AlignMany> {
    let return_errors = match errors {
        "raise" => false,
        "return" => true,
        other => {
            return Err(PyValueError::new_err(format!(
                "errors must be \"raise\" or \"return\", not {other:?}"
            )))
        }
    };
    let settings = Settings::from_kwargs(py, "align_many", options)?;
    let pool = match settings.jobs {
        Some(n) => Some(Arc::new(
            pipeline::worker_pool(Some(n)).map_err(|e| super::err(py, e))?,
        )),
        None => None,
    };
    let threads = pool
        .as_ref()
        .map_or_else(rayon::current_num_threads, |p| p.current_num_threads());
    Ok(AlignMany {
        pairs: PyIterator::from_object(pairs)?.unbind(),
        settings,
        pool,
        chunk: (threads * 8).max(32),
        taken: 0,
        ready: VecDeque::new(),
        exhausted: false,
        source_error: None,
        return_errors,
    })
}

#[pymethods]
impl AlignMany {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&mut self, py: Python<'_>) -> PyResult<Option<Py<PyAny>>> {
        if self.ready.is_empty() && !self.exhausted {
            self.fill(py)?;
        }
        match self.ready.pop_front() {
            None => self.source_error.take().map_or(Ok(None), Err),
            Some(Ok(beads)) => Ok(Some(beads.into_pyobject(py)?.into_any().unbind())),
            Some(Err(e)) if self.return_errors => Ok(Some(e.into_value(py).into_any())),
            Some(Err(e)) => Err(e),
        }
    }
}

impl AlignMany {
    /// Takes the next chunk of pairs and aligns them in parallel.
    fn fill(&mut self, py: Python<'_>) -> PyResult<()> {
        let mut inputs: Vec<Result<PairInput, PyErr>> = Vec::with_capacity(self.chunk);
        let iter = self.pairs.bind(py).clone();
        for item in iter.take(self.chunk) {
            let item = match item {
                Ok(item) => item,
                Err(e) => {
                    self.source_error = Some(e);
                    break;
                }
            };
            let n = self.taken;
            self.taken += 1;
            inputs.push(item.extract::<PairArg>().map(PairInput::from).map_err(|_| {
                PyTypeError::new_err(format!(
                    "pair {n}: expected (src, tgt) or (src, tgt, pair_id), each side a str or a list of str"
                ))
            }));
        }
        if inputs.len() < self.chunk || self.source_error.is_some() {
            self.exhausted = true;
        }
        let first = self.taken - inputs.len();
        let results = py.detach(|| self.align_chunk(&inputs, first));
        for (input, result) in inputs.into_iter().zip(results) {
            self.ready.push_back(match (input, result) {
                (Err(e), _) => Err(e),
                (Ok(_), Some(Ok((beads, warnings)))) => {
                    for w in warnings {
                        warn(py, &w)?;
                    }
                    Ok(beads)
                }
                (Ok(_), Some(Err(failure))) => Err(to_py(py, failure)),
                (Ok(_), None) => Ok(Vec::new()),
            });
        }
        Ok(())
    }

    /// Aligns the pairs that could be read, each in its own panic guard; errors name the pair
    /// by its id, else its position in the input.
    fn align_chunk(
        &self,
        inputs: &[Result<PairInput, PyErr>],
        first: usize,
    ) -> Vec<Option<Result<Aligned, super::Failure>>> {
        let work = || {
            inputs
                .par_iter()
                .enumerate()
                .map(|(k, input)| {
                    let p = input.as_ref().ok()?;
                    let name = if p.id.is_empty() {
                        (first + k).to_string()
                    } else {
                        p.id.clone()
                    };
                    Some(guarded(|| {
                        align_sides(&p.id, &p.src, &p.tgt, &self.settings)
                            .map_err(|e| e.with_pair(name))
                    }))
                })
                .collect()
        };
        match &self.pool {
            Some(pool) => pool.install(work),
            None => work(),
        }
    }
}
