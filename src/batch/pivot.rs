//! `--pivot`: the merged TM as one multilingual TMX joined through the source language.

use std::fs;
use std::path::{Path, PathBuf};

use super::BatchJob;
use crate::bitext::AlignedPair;
use crate::error::{Error, Result};
use crate::export;

/// Writes the multilingual TMX of the collected pivot documents (ids: source file stems);
/// returns the units written.
pub(super) fn write_pivot(
    job: &BatchJob,
    path: &Path,
    docs: &[(PathBuf, Vec<AlignedPair>)],
) -> Result<usize> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent).map_err(|e| Error::from(e).with_path(parent))?;
    }
    let docs: Vec<export::multilingual::PivotDocument> = docs
        .iter()
        .map(|(src, pairs)| export::multilingual::PivotDocument {
            id: src
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default(),
            pairs: pairs.iter().collect(),
        })
        .collect();
    let pivot = job.pivot.as_deref().unwrap_or_default();
    export::multilingual::write_file(path, &docs, pivot, &job.export, job.filter.dedup)
}
