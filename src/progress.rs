//! Progress reporting as a trait, so the library never prints: the CLI plugs in a progress bar,
//! tests and embedders plug in nothing or a counter.

/// Receives progress events from long-running library calls (batch, stream).
pub trait Progress: Sync {
    /// The total number of units (document pairs) is known.
    fn start(&self, _total: u64) {}
    /// One unit finished; `sentences` counts the sentences it held (both sides).
    fn advance(&self, _sentences: u64) {}
    /// A non-fatal problem worth telling the user (one line).
    fn warn(&self, _message: &str) {}
    /// All units are done.
    fn finish(&self) {}
}

/// Progress that reports nothing.
pub struct Silent;

impl Progress for Silent {}
