//! Pairs listed in a CSV manifest.

use std::path::Path;

use serde::Deserialize;

use super::discover::{make_unique, sanitize_id, Discovery, PairSpec};
use crate::error::{Error, ErrorKind, Result};

#[derive(Debug, Deserialize)]
pub(super) struct ManifestRow {
    src: Option<String>,
    tgt: Option<String>,
    id: Option<String>,
    src_lang: Option<String>,
    tgt_lang: Option<String>,
}

/// Reads a CSV manifest with header `src,tgt[,id][,src_lang][,tgt_lang]` (other columns are
/// ignored). Relative paths are taken from the manifest's folder; the id defaults to the
/// source file's stem and is sanitized and made unique.
pub fn read_manifest(path: &Path) -> Result<Discovery> {
    let with_path = |e: Error| e.with_path(path);
    let base = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .from_path(path)
        .map_err(|e| with_path(csv_error(e)))?;
    let headers = reader
        .headers()
        .map_err(|e| with_path(csv_error(e)))?
        .clone();
    for col in ["src", "tgt"] {
        if !headers.iter().any(|h| h == col) {
            return Err(with_path(Error::parse(
                1,
                format!("the manifest header needs columns 'src' and 'tgt' (and optionally 'id'), found '{}'",
                    headers.iter().collect::<Vec<_>>().join(",")),
            )));
        }
    }
    let mut out = Discovery::default();
    for record in reader.records() {
        let record = record.map_err(|e| with_path(csv_error(e)))?;
        let line = record.position().map_or(0, |p| p.line());
        if record.iter().all(str::is_empty) {
            continue;
        }
        let row: ManifestRow = record
            .deserialize(Some(&headers))
            .map_err(|e| with_path(Error::parse(line, e.to_string())))?;
        let nonempty = |s: Option<String>| s.filter(|s| !s.is_empty());
        let (Some(src), Some(tgt)) = (nonempty(row.src), nonempty(row.tgt)) else {
            return Err(with_path(Error::parse(
                line,
                "a row needs both a 'src' and a 'tgt' path",
            )));
        };
        let src = base.join(src);
        let tgt = base.join(tgt);
        let id = nonempty(row.id).unwrap_or_else(|| {
            src.file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default()
        });
        let clean = sanitize_id(&id);
        if clean != id {
            out.warnings.push(format!(
                "{}:{line}: pair id '{id}' is written as '{clean}'",
                path.display()
            ));
        }
        out.pairs.push(PairSpec {
            id: clean,
            src,
            tgt,
            src_lang: nonempty(row.src_lang),
            tgt_lang: nonempty(row.tgt_lang),
        });
    }
    if out.pairs.is_empty() {
        return Err(with_path(Error::msg("the manifest lists no pairs")));
    }
    let renamed = make_unique(&mut out.pairs);
    out.warnings.extend(renamed);
    Ok(out)
}

pub(super) fn csv_error(e: csv::Error) -> Error {
    let line = e.position().map(|p| p.line());
    let err = match e.into_kind() {
        csv::ErrorKind::Io(io) => Error::from(io),
        other => Error::new(ErrorKind::Parse(format!("{other:?}"))),
    };
    match line {
        Some(l) => err.at_line(l),
        None => err,
    }
}
