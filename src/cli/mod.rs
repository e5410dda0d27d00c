//! Subcommands, one file each, with their options beside the code that uses them.

pub mod align;
pub mod batch;
pub mod common;
pub mod convert;
pub mod eval;
pub mod lexicon;
pub mod pairs;
pub mod split;
pub mod stream;
