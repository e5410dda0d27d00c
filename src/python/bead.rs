//! `Bead`: one record of `bitalign align -f jsonl` as a Python object.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use crate::export::jsonl::Record;

/// One aligned group of sentences: what `-f jsonl` writes as one line.
#[pyclass(
    frozen,
    get_all,
    eq,
    from_py_object,
    module = "bitalign",
    name = "Bead"
)]
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Bead {
    /// Source sentences joined by a space; `""` when the bead has none (0-1).
    pub src: String,
    /// Target sentences joined (no space between CJK sentences); `""` when none (1-0).
    pub tgt: String,
    /// 0-based positions of the source sentences.
    pub src_idx: Vec<usize>,
    /// 0-based positions of the target sentences.
    pub tgt_idx: Vec<usize>,
    /// Confidence in [0, 1]; `None` when unknown (a unit read from a TM without scores).
    pub score: Option<f64>,
    /// The document the bead comes from (a file stem, or the id given); `""` when none.
    pub pair_id: String,
}

impl From<Record<'_>> for Bead {
    fn from(r: Record<'_>) -> Self {
        Bead {
            src: r.src,
            tgt: r.tgt,
            src_idx: r.src_idx,
            tgt_idx: r.tgt_idx,
            score: r.score,
            pair_id: r.pair_id.to_string(),
        }
    }
}

#[pymethods]
impl Bead {
    #[new]
    #[pyo3(signature = (src, tgt, src_idx = Vec::new(), tgt_idx = Vec::new(), score = None, pair_id = String::new()))]
    fn new(
        src: String,
        tgt: String,
        src_idx: Vec<usize>,
        tgt_idx: Vec<usize>,
        score: Option<f64>,
        pair_id: String,
    ) -> Self {
        Bead {
            src,
            tgt,
            src_idx,
            tgt_idx,
            score,
            pair_id,
        }
    }

    /// True when one side is empty (a sentence without counterpart).
    #[getter]
    fn one_sided(&self) -> bool {
        self.src_idx.is_empty() || self.tgt_idx.is_empty()
    }

    /// The JSONL record as a dict: the same keys and values as `-f jsonl` (`score` left out
    /// when unknown, `pair_id` when empty).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("src", &self.src)?;
        d.set_item("tgt", &self.tgt)?;
        d.set_item("src_idx", &self.src_idx)?;
        d.set_item("tgt_idx", &self.tgt_idx)?;
        if let Some(score) = self.score {
            d.set_item("score", score)?;
        }
        if !self.pair_id.is_empty() {
            d.set_item("pair_id", &self.pair_id)?;
        }
        Ok(d)
    }

    /// Pickling (multiprocessing, `datasets` caching): rebuilt from its fields.
    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyTuple>)> {
        let b = slf.get();
        let args = (
            b.src.clone(),
            b.tgt.clone(),
            b.src_idx.clone(),
            b.tgt_idx.clone(),
            b.score,
            b.pair_id.clone(),
        )
            .into_pyobject(slf.py())?;
        Ok((slf.get_type().into_any(), args))
    }

    fn __repr__(&self) -> String {
        let score = self.score.map_or("None".to_string(), |s| format!("{s:.3}"));
        format!(
            "Bead(src={:?}, tgt={:?}, src_idx={:?}, tgt_idx={:?}, score={score})",
            short(&self.src),
            short(&self.tgt),
            self.src_idx,
            self.tgt_idx
        )
    }
}

/// The first 40 characters of a text, for `repr`.
fn short(text: &str) -> String {
    match text.char_indices().nth(40) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}
