//! The exception hierarchy (after polars' `exceptions.rs`): `BitalignError` over everything the
//! library raises, `InputError` (also a `ValueError`) for bad input and `FileError` (also an
//! `OSError`, with `errno` and `filename`) for files that cannot be read or written. Messages
//! are the CLI's one-line messages. A panic inside Rust becomes a `BitalignError`, never a
//! crashed interpreter.

use std::panic::{self, AssertUnwindSafe};

use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyOSError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple, PyType};

use crate::error::{panic_message, Error, ErrorKind};

create_exception!(
    bitalign,
    BitalignError,
    PyException,
    "Base of every error bitalign raises."
);

static INPUT_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static FILE_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// Why a call failed: the library said so, or a bug panicked.
pub(crate) enum Failure {
    Lib(Error),
    Panic(String),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Lib(e)
    }
}

/// Runs `f`, turning a panic into a [`Failure`] (rayon passes worker panics on to here).
pub(crate) fn guarded<T>(f: impl FnOnce() -> Result<T, Error>) -> Result<T, Failure> {
    match panic::catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r.map_err(Failure::Lib),
        Err(payload) => Err(Failure::Panic(format!(
            "internal error (panic): {}",
            panic_message(payload.as_ref())
        ))),
    }
}

/// Adds the exception classes to the module. The two subclasses need two bases each, which
/// `create_exception!` cannot give, so they are made with `type()`.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("BitalignError", py.get_type::<BitalignError>())?;
    let input = subclass(
        py,
        "InputError",
        py.get_type::<PyValueError>(),
        "Bad input: empty or binary text, an unknown encoding, format or model, a malformed file.",
    )?;
    let file = subclass(
        py,
        "FileError",
        py.get_type::<PyOSError>(),
        "A file could not be read or written; `errno` and `filename` say which and why.",
    )?;
    m.add("InputError", INPUT_ERROR.get_or_init(py, || input).bind(py))?;
    m.add("FileError", FILE_ERROR.get_or_init(py, || file).bind(py))?;
    Ok(())
}

fn subclass(
    py: Python<'_>,
    name: &str,
    builtin: Bound<'_, PyType>,
    doc: &str,
) -> PyResult<Py<PyType>> {
    let bases = PyTuple::new(py, [py.get_type::<BitalignError>(), builtin])?;
    let ns = PyDict::new(py);
    ns.set_item("__module__", "bitalign")?;
    ns.set_item("__doc__", doc)?;
    // OSError's own `__str__` would print `[Errno 2] ...` once `errno` is set: keep the
    // CLI's message.
    let base_str = py.get_type::<PyException>().getattr("__str__")?;
    ns.set_item("__str__", base_str)?;
    let class = py.get_type::<PyType>().call1((name, bases, ns))?;
    Ok(class.cast_into::<PyType>()?.unbind())
}

/// For the tests: a panic on a worker thread of a pool of `jobs`, which must come back as a
/// `BitalignError`, never abort the interpreter.
#[pyfunction]
#[pyo3(signature = (jobs = 2))]
pub(crate) fn _panic_in_worker(py: Python<'_>, jobs: usize) -> PyResult<()> {
    use rayon::prelude::*;
    py.detach(|| {
        guarded(|| {
            let pool = crate::pipeline::worker_pool(Some(jobs))?;
            pool.install(|| {
                (0..64)
                    .into_par_iter()
                    .for_each(|k| assert!(k < 63, "bead {k}"))
            });
            Ok(())
        })
    })
    .map_err(|e| to_py(py, e))
}

/// The Python exception for a failure.
pub(crate) fn to_py(py: Python<'_>, failure: Failure) -> PyErr {
    match failure {
        Failure::Panic(message) => BitalignError::new_err(message),
        Failure::Lib(e) => lib_error(py, &e).unwrap_or_else(|err| err),
    }
}

/// Shorthand for a library error.
pub(crate) fn err(py: Python<'_>, e: Error) -> PyErr {
    to_py(py, Failure::Lib(e))
}

fn lib_error(py: Python<'_>, e: &Error) -> PyResult<PyErr> {
    let message = e.to_string();
    let (class, io) = match e.kind() {
        ErrorKind::Io(io) => (&FILE_ERROR, Some(io)),
        _ => (&INPUT_ERROR, None),
    };
    let Some(class) = class.get(py) else {
        return Ok(BitalignError::new_err(message));
    };
    let instance = class.bind(py).call1((message,))?;
    if let Some(io) = io {
        instance.setattr("errno", io.raw_os_error())?;
        instance.setattr("strerror", io.to_string())?;
        instance.setattr("filename", e.path().map(|p| p.to_string_lossy()))?;
    }
    Ok(PyErr::from_value(instance))
}
