//! Typed errors that carry where they happened (file, pair id, position), so a batch can report
//! one bad document in one line and go on. Boxed so `Result<T>` stays one word wide (as rust-csv).

use std::fmt;
use std::path::{Path, PathBuf};

/// What went wrong, without the context of where.
#[derive(Debug)]
pub enum ErrorKind {
    /// Reading or writing a file failed.
    Io(std::io::Error),
    /// The input holds no text at all.
    Empty,
    /// The input looks like binary data (NUL bytes or mostly control characters).
    Binary,
    /// Bytes that the named encoding cannot decode.
    Undecodable { encoding: String },
    /// An encoding label that encoding_rs does not know.
    UnknownEncoding(String),
    /// An output or input format name that is not supported.
    UnknownFormat(String),
    /// The input is larger than the configured limit.
    TooLarge { bytes: u64, limit: u64 },
    /// A line of a structured input (gold file, JSONL, TMX, CSV) could not be parsed.
    Parse(String),
    /// A document that its format's reader cannot read (corrupt zip, encrypted DOCX, a
    /// DOCX without its body, HTML without visible text, PDF): which part, at which byte.
    Document {
        format: &'static str,
        part: Option<String>,
        position: Option<u64>,
        message: String,
    },
    /// A sentence encoder model that cannot be loaded or run (bad file, unsupported shape).
    Model(String),
    /// Anything else worth one line.
    Other(String),
}

/// An error with the context needed to act on it: which file, which pair, which line.
#[derive(Debug)]
pub struct Error(Box<Inner>);

#[derive(Debug)]
struct Inner {
    kind: ErrorKind,
    path: Option<PathBuf>,
    pair: Option<String>,
    line: Option<u64>,
}

/// The library's result type.
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub fn new(kind: ErrorKind) -> Self {
        Error(Box::new(Inner {
            kind,
            path: None,
            pair: None,
            line: None,
        }))
    }

    /// A free-form error message.
    pub fn msg(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Other(message.into()))
    }

    /// A parse error at a 1-based line.
    pub fn parse(line: u64, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Parse(message.into())).at_line(line)
    }

    pub fn with_path(mut self, path: impl AsRef<Path>) -> Self {
        if self.0.path.is_none() {
            self.0.path = Some(path.as_ref().to_path_buf());
        }
        self
    }

    pub fn with_pair(mut self, pair: impl Into<String>) -> Self {
        if self.0.pair.is_none() {
            self.0.pair = Some(pair.into());
        }
        self
    }

    pub fn at_line(mut self, line: u64) -> Self {
        self.0.line = Some(line);
        self
    }

    pub fn kind(&self) -> &ErrorKind {
        &self.0.kind
    }

    /// The kind of the I/O error behind this one, if it is one (a closed pipe, a full disk).
    pub fn io_kind(&self) -> Option<std::io::ErrorKind> {
        match &self.0.kind {
            ErrorKind::Io(e) => Some(e.kind()),
            _ => None,
        }
    }

    pub fn path(&self) -> Option<&Path> {
        self.0.path.as_deref()
    }

    pub fn pair(&self) -> Option<&str> {
        self.0.pair.as_deref()
    }

    pub fn line(&self) -> Option<u64> {
        self.0.line
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::Io(e) => write!(f, "{e}"),
            ErrorKind::Empty => write!(f, "empty input: no text to align"),
            ErrorKind::Binary => write!(
                f,
                "binary data (NUL bytes or mostly control characters), not text"
            ),
            ErrorKind::Undecodable { encoding } => write!(f, "not valid {encoding}"),
            ErrorKind::UnknownEncoding(e) => write!(f, "unknown encoding '{e}'"),
            ErrorKind::UnknownFormat(e) => write!(f, "unknown format '{e}'"),
            ErrorKind::TooLarge { bytes, limit } => {
                write!(
                    f,
                    "input of {bytes} bytes is over the limit of {limit} bytes"
                )
            }
            ErrorKind::Document {
                format,
                part,
                position,
                message,
            } => {
                write!(f, "{format}")?;
                if let Some(part) = part {
                    write!(f, " part {part}")?;
                }
                if let Some(at) = position {
                    write!(f, " at byte {at}")?;
                }
                write!(f, ": {message}")
            }
            ErrorKind::Model(m) => write!(f, "model: {m}"),
            ErrorKind::Parse(m) | ErrorKind::Other(m) => write!(f, "{m}"),
        }
    }
}

impl fmt::Display for Error {
    /// One line: `pair P: FILE:LINE: what`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(pair) = &self.0.pair {
            write!(f, "pair {pair}: ")?;
        }
        if let Some(path) = &self.0.path {
            write!(f, "{}", path.display())?;
            if let Some(line) = self.0.line {
                write!(f, ":{line}")?;
            }
            write!(f, ": ")?;
        } else if let Some(line) = self.0.line {
            write!(f, "line {line}: ")?;
        }
        let text = self.0.kind.to_string();
        write!(f, "{}", text.replace(['\n', '\r'], " "))
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.0.kind {
            ErrorKind::Io(e) => Some(e),
            _ => None,
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::new(ErrorKind::Io(e))
    }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Self {
        Error::new(kind)
    }
}

/// The message a panic carried (`panic!` with a literal or a formatted string), for reporting
/// a caught panic as an error instead of aborting a batch or a Python interpreter.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown cause".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panic_message_reads_literal_and_formatted_payloads() {
        let literal = std::panic::catch_unwind(|| panic!("boom")).unwrap_err();
        assert_eq!(panic_message(literal.as_ref()), "boom");
        let n = 7;
        let formatted = std::panic::catch_unwind(|| panic!("bead {n}")).unwrap_err();
        assert_eq!(panic_message(formatted.as_ref()), "bead 7");
    }

    #[test]
    fn display_names_pair_file_and_line_on_one_line() {
        let e = Error::parse(7, "bad\nlink")
            .with_path("gold.txt")
            .with_pair("p1");
        assert_eq!(e.to_string(), "pair p1: gold.txt:7: bad link");
    }
}
