//! Pairs of a folder corpus: one subfolder per language holding same-named files; ids that
//! are safe output paths and unique on case-insensitive file systems.

use std::collections::HashSet;
use std::ffi::OsString;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::DEFAULT_SRC_LANG;
use crate::error::{Error, Result};
use crate::export::Format;

/// One document pair to align.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairSpec {
    /// Unique, sanitized id (see [`sanitize_id`]); also the output path under OUT without
    /// extension, so `ar/ar-water` is written as `OUT/ar/ar-water.tmx`.
    pub id: String,
    pub src: PathBuf,
    pub tgt: PathBuf,
    /// Languages of the pair; `None` = the job's, else detected.
    pub src_lang: Option<String>,
    pub tgt_lang: Option<String>,
}

impl PairSpec {
    /// The output path of this pair for `format` (Moses: the stem of its two files).
    pub fn output_path(&self, out_dir: &Path, format: Format) -> PathBuf {
        let mut path = out_dir.to_path_buf();
        let mut parts = self.id.split('/').peekable();
        while let Some(part) = parts.next() {
            if parts.peek().is_some() || format == Format::Moses {
                path.push(part);
            } else {
                path.push(format!("{part}.{}", extension(format)));
            }
        }
        path
    }
}

/// The file extension of a per-pair output.
pub fn extension(format: Format) -> &'static str {
    match format {
        Format::Moses => "",
        // What CAT tools save and open by default.
        Format::Xliff => "xlf",
        f => f.name(),
    }
}

/// The pairs of a corpus and the files that have no counterpart.
#[derive(Debug, Clone, Default)]
pub struct Discovery {
    pub pairs: Vec<PairSpec>,
    /// Files present in one language folder only (not an error: reported).
    pub unpaired: Vec<PathBuf>,
    /// Non-fatal remarks (ids made unique, ...), one line each.
    pub warnings: Vec<String>,
}

/// Finds the pairs of a folder corpus: every file of `dir/<src_lang>/` with the same-named
/// file of each other language folder (only `tgt_lang`'s when given). Pairs are ordered by
/// target language, then file name; ids are `<tgt-lang>/<stem>`. Hidden entries and
/// `exclude` (the output folder, when it lies inside `dir`) are ignored.
pub fn discover(
    dir: &Path,
    src_lang: Option<&str>,
    tgt_lang: Option<&str>,
    exclude: Option<&Path>,
) -> Result<Discovery> {
    let folders = list(dir, true)?;
    let exclude = exclude.and_then(|p| fs::canonicalize(p).ok());
    let langs: Vec<String> = folders
        .iter()
        .filter(|f| exclude.is_none() || fs::canonicalize(dir.join(f)).ok() != exclude)
        .map(|f| f.to_string_lossy().into_owned())
        .collect();
    let src_lang = match src_lang.filter(|l| !l.is_empty() && *l != "auto") {
        Some(l) if langs.iter().any(|x| x == l) => l.to_string(),
        Some(l) => {
            return Err(Error::msg(format!(
                "no source language folder '{l}' (folders: {})",
                names(&langs)
            ))
            .with_path(dir))
        }
        None if langs.iter().any(|x| x == DEFAULT_SRC_LANG) => DEFAULT_SRC_LANG.to_string(),
        None => {
            return Err(Error::msg(format!(
                "no '{DEFAULT_SRC_LANG}' folder: give the source language with --src-lang \
                 (folders: {})",
                names(&langs)
            ))
            .with_path(dir))
        }
    };
    let targets: Vec<&String> = match tgt_lang.filter(|l| !l.is_empty() && *l != "auto") {
        Some(t) if t == src_lang => {
            return Err(Error::msg(format!(
                "the target language '{t}' is the source language"
            )))
        }
        Some(t) => match langs.iter().find(|x| *x == t) {
            Some(x) => vec![x],
            None => {
                return Err(Error::msg(format!(
                    "no target language folder '{t}' (folders: {})",
                    names(&langs)
                ))
                .with_path(dir))
            }
        },
        None => langs.iter().filter(|l| **l != src_lang).collect(),
    };
    if targets.is_empty() {
        return Err(Error::msg(format!(
            "no target language folder beside '{src_lang}': expected one subfolder per language"
        ))
        .with_path(dir));
    }

    let src_dir = dir.join(&src_lang);
    let src_files = list(&src_dir, false)?;
    let src_set: HashSet<&OsString> = src_files.iter().collect();
    let mut matched: HashSet<&OsString> = HashSet::new();
    let mut out = Discovery::default();
    for lang in targets {
        let tgt_dir = dir.join(lang);
        for name in list(&tgt_dir, false)? {
            if let Some(src_name) = src_set.get(&name) {
                matched.insert(*src_name);
                let stem = Path::new(&name)
                    .file_stem()
                    .unwrap_or(&name)
                    .to_string_lossy()
                    .into_owned();
                out.pairs.push(PairSpec {
                    id: sanitize_id(&format!("{lang}/{stem}")),
                    src: src_dir.join(&name),
                    tgt: tgt_dir.join(&name),
                    src_lang: Some(src_lang.clone()),
                    tgt_lang: Some(lang.clone()),
                });
            } else {
                out.unpaired.push(tgt_dir.join(&name));
            }
        }
    }
    out.unpaired.extend(
        src_files
            .iter()
            .filter(|n| !matched.contains(n))
            .map(|n| src_dir.join(n)),
    );
    out.unpaired.sort();
    out.warnings = make_unique(&mut out.pairs);
    Ok(out)
}

pub(super) fn names(langs: &[String]) -> String {
    if langs.is_empty() {
        "none".to_string()
    } else {
        langs.join(", ")
    }
}

/// Sorted names of the visible subfolders (`dirs`) or files of `dir`.
pub(super) fn list(dir: &Path, dirs: bool) -> Result<Vec<OsString>> {
    let with_path = |e: io::Error| Error::from(e).with_path(dir);
    let mut names = Vec::new();
    for entry in fs::read_dir(dir).map_err(with_path)? {
        let entry = entry.map_err(with_path)?;
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        // Follows symlinks: a corpus assembled from links is common.
        let Ok(meta) = fs::metadata(entry.path()) else {
            continue;
        };
        if (dirs && meta.is_dir()) || (!dirs && meta.is_file()) {
            names.push(name);
        }
    }
    names.sort();
    Ok(names)
}

/// Turns an id into a relative output path that cannot leave the output folder: `/` and `\`
/// separate components; empty, `.` and `..` components and absolute prefixes are dropped;
/// characters other than letters, digits, `-`, `_` and `.` become `_`; a leading dot
/// becomes `_` (no hidden files); components are cut at 100 characters. Never empty.
pub fn sanitize_id(id: &str) -> String {
    let parts: Vec<String> = id
        .split(['/', '\\'])
        .filter(|p| !p.is_empty() && *p != ".")
        .map(|p| {
            if p == ".." {
                return "_".to_string();
            }
            let mut s: String = p
                .chars()
                .take(100)
                .map(|c| {
                    if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
            if s.starts_with('.') {
                s.replace_range(..1, "_");
            }
            s
        })
        .collect();
    if parts.is_empty() {
        "_".to_string()
    } else {
        parts.join("/")
    }
}

/// Makes ids unique (case-insensitively, for macOS and Windows file systems) by appending
/// `-2`, `-3`...; returns one warning per renamed pair.
pub(super) fn make_unique(pairs: &mut [PairSpec]) -> Vec<String> {
    let mut seen: HashSet<String> = pairs.iter().map(|p| p.id.to_lowercase()).collect();
    let mut counts: HashSet<String> = HashSet::new();
    let mut warnings = Vec::new();
    for pair in pairs.iter_mut() {
        let key = pair.id.to_lowercase();
        if counts.insert(key) {
            continue;
        }
        let mut n = 2;
        let new = loop {
            let candidate = format!("{}-{n}", pair.id);
            if seen.insert(candidate.to_lowercase()) {
                break candidate;
            }
            n += 1;
        };
        warnings.push(format!(
            "pair id '{}' is used twice; {} is written as '{new}'",
            pair.id,
            pair.src.display()
        ));
        counts.insert(new.to_lowercase());
        pair.id = new;
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_id_keeps_outputs_inside_the_output_folder() {
        assert_eq!(sanitize_id("../evil"), "_/evil");
        assert_eq!(sanitize_id("/etc/passwd"), "etc/passwd");
        assert_eq!(sanitize_id("..\\..\\x"), "_/_/x");
        assert_eq!(sanitize_id("a b:c*?"), "a_b_c__");
        assert_eq!(sanitize_id(".hidden"), "_hidden");
        assert_eq!(sanitize_id("fr/доклад-1"), "fr/доклад-1");
        assert_eq!(sanitize_id(""), "_");
        assert_eq!(sanitize_id("./"), "_");
    }

    #[test]
    fn duplicate_ids_get_numbered_case_insensitively() {
        let spec = |id: &str| PairSpec {
            id: id.into(),
            src: PathBuf::from(id),
            tgt: PathBuf::from(id),
            src_lang: None,
            tgt_lang: None,
        };
        let mut pairs = vec![spec("a"), spec("A"), spec("a"), spec("a-2")];
        let warnings = make_unique(&mut pairs);
        let ids: Vec<&str> = pairs.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["a", "A-3", "a-4", "a-2"]);
        assert_eq!(warnings.len(), 2);
    }

    #[test]
    fn output_path_adds_the_format_extension_except_for_moses() {
        let spec = PairSpec {
            id: "ar/ar-water".into(),
            src: PathBuf::new(),
            tgt: PathBuf::new(),
            src_lang: None,
            tgt_lang: None,
        };
        let out = Path::new("OUT");
        assert_eq!(
            spec.output_path(out, Format::Tmx),
            Path::new("OUT/ar/ar-water.tmx")
        );
        assert_eq!(
            spec.output_path(out, Format::Moses),
            Path::new("OUT/ar/ar-water")
        );
    }
}
