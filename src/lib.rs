//! bitalign: turn a document and its translation into a translation memory.
//!
//! The modules read as the pipeline: [`input`] (bytes to text and paragraphs) →
//! [`normalize`] (output text and matching key) → [`segment`] (sentences) → [`align`]
//! (signals + dynamic programming) → [`filter`] → [`review`] (a reviewer's edits) →
//! [`export`]; [`pipeline`] runs them for one
//! pair, [`batch`] and [`stream`] for a corpus; [`import`] reads existing TMs back for
//! `convert`. The library never prints: errors are typed ([`error`]) and progress goes
//! through [`progress::Progress`].

pub mod align;
pub mod batch;
pub mod bitext;
mod bytes;
pub mod corpus;
pub mod document;
#[cfg(feature = "embed")]
pub mod embed;
pub mod error;
pub mod eval;
pub mod export;
pub mod filter;
pub mod import;
pub mod input;
pub mod lang;
pub mod lexicon_file;
pub mod normalize;
pub mod output;
pub mod pipeline;
pub mod progress;
pub mod review;
pub mod segment;
pub mod stream;

#[cfg(feature = "python")]
mod python;

pub use error::{Error, ErrorKind, Result};
