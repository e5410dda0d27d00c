//! Import: reading existing translation memories (TMX, CSV, TSV, JSONL, XLIFF) back into
//! sentence pairs, so `bitalign convert` can filter them and write any export format.
//!
//! Every reader returns a [`Table`]: languages as found, and rows holding a text per language
//! with an optional score and document id. [`Table::select`] picks the language pair
//! (exact tag first, then the primary subtag: `en` finds `en-US`) and [`Tm::into_pairs`]
//! turns units into [`AlignedPair`]s, one per run of units from the same document, each unit
//! one 1-1 bead (or one-sided), so every [`crate::export::Sink`] can write them.

use std::collections::HashSet;
use std::fmt;
use std::path::Path;
use std::str::FromStr;

use crate::bitext::{AlignedPair, Bead};
use crate::document::{Document, Sentence};
use crate::error::{Error, ErrorKind, Result};
use crate::export::bcp47;
use crate::input::DecodeOptions;

mod text;
mod tmx;
mod xliff;
pub mod xml;

/// A TM format that can be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    Tmx,
    Csv,
    Tsv,
    Jsonl,
    Xliff,
}

impl InputFormat {
    pub const ALL: [InputFormat; 5] = [
        InputFormat::Tmx,
        InputFormat::Csv,
        InputFormat::Tsv,
        InputFormat::Jsonl,
        InputFormat::Xliff,
    ];

    pub fn name(self) -> &'static str {
        match self {
            InputFormat::Tmx => "tmx",
            InputFormat::Csv => "csv",
            InputFormat::Tsv => "tsv",
            InputFormat::Jsonl => "jsonl",
            InputFormat::Xliff => "xliff",
        }
    }

    /// Guesses the format from a file extension (case-insensitive).
    pub fn from_path(path: &Path) -> Option<InputFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "tmx" => Some(InputFormat::Tmx),
            "csv" => Some(InputFormat::Csv),
            "tsv" | "tab" => Some(InputFormat::Tsv),
            "jsonl" | "ndjson" => Some(InputFormat::Jsonl),
            "xlf" | "xliff" => Some(InputFormat::Xliff),
            _ => None,
        }
    }
}

impl fmt::Display for InputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for InputFormat {
    type Err = Error;

    fn from_str(s: &str) -> Result<InputFormat> {
        let lower = s.trim().to_ascii_lowercase();
        let lower = match lower.as_str() {
            "ndjson" => "jsonl",
            "xlf" => "xliff",
            other => other,
        };
        InputFormat::ALL
            .into_iter()
            .find(|f| f.name() == lower)
            .ok_or_else(|| Error::new(ErrorKind::UnknownFormat(s.to_string())))
    }
}

/// One translation unit as read: a text per language (index into [`Table::langs`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Row {
    pub texts: Vec<(usize, String)>,
    /// TMX `x-score` prop, JSONL `score`, bitalign's XLIFF note; `None` when absent.
    pub score: Option<f64>,
    /// TMX `x-document`, JSONL `pair_id`, XLIFF `original`; empty when absent.
    pub doc: String,
}

/// What a reader found: languages in order of appearance and the units.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub langs: Vec<String>,
    /// The file's own source language (TMX `srclang` unless `*all*`, XLIFF
    /// `source-language`), used when no source is asked for.
    pub src_hint: Option<String>,
    pub rows: Vec<Row>,
}

impl Table {
    /// The index of `lang`, added if new.
    pub(crate) fn lang_index(&mut self, lang: &str) -> usize {
        let lang = bcp47(lang);
        match self.langs.iter().position(|l| *l == lang) {
            Some(i) => i,
            None => {
                self.langs.push(lang);
                self.langs.len() - 1
            }
        }
    }

    /// The languages of the file that `wanted` means: the exact tag (case and `_`
    /// insensitive), else every tag with the same primary subtag.
    fn matching(&self, wanted: &str) -> Vec<usize> {
        let wanted = bcp47(wanted);
        if let Some(i) = self.langs.iter().position(|l| *l == wanted) {
            return vec![i];
        }
        let primary = |t: &str| t.split('-').next().unwrap_or("").to_string();
        let p = primary(&wanted);
        (0..self.langs.len())
            .filter(|&i| primary(&self.langs[i]) == p)
            .collect()
    }

    fn resolve(&self, wanted: &str, side: &str) -> Result<Vec<usize>> {
        let found = self.matching(wanted);
        if found.is_empty() {
            return Err(Error::msg(format!(
                "no {side} language '{wanted}' in the file (found: {})",
                self.found()
            )));
        }
        Ok(found)
    }

    fn found(&self) -> String {
        if self.langs.is_empty() {
            "none".to_string()
        } else {
            self.langs.join(", ")
        }
    }

    /// Picks the language pair: `src`, else the file's source language, else the first
    /// one; `tgt`, else the only other language (an error when there are several: a
    /// multilingual TM needs `--tgt-lang`).
    pub fn select(self, src: Option<&str>, tgt: Option<&str>) -> Result<Tm> {
        let src_set = match src.or(self.src_hint.as_deref()) {
            Some(s) => match self.resolve(s, "source") {
                Ok(found) => found,
                // A header srclang that no unit uses is not the user's mistake.
                Err(_) if src.is_none() && !self.langs.is_empty() => vec![0],
                Err(e) => return Err(e),
            },
            None if !self.langs.is_empty() => vec![0],
            None => return Err(Error::msg("no languages in the file")),
        };
        let tgt_set = match tgt {
            Some(t) => self.resolve(t, "target")?,
            None => {
                let others: Vec<usize> = (0..self.langs.len())
                    .filter(|i| !src_set.contains(i))
                    .collect();
                match others.len() {
                    1 => others,
                    0 => {
                        return Err(Error::msg(format!(
                            "only one language in the file ({}): nothing to pair",
                            self.found()
                        )))
                    }
                    _ => {
                        let names: Vec<&str> =
                            others.iter().map(|&i| self.langs[i].as_str()).collect();
                        return Err(Error::msg(format!(
                            "several target languages ({}): choose one with --tgt-lang",
                            names.join(", ")
                        )));
                    }
                }
            }
        };
        if src_set.iter().any(|i| tgt_set.contains(i)) {
            return Err(Error::msg(format!(
                "source and target are the same language ({})",
                self.langs[src_set[0]]
            )));
        }
        let pick = |row: &Row, set: &[usize]| {
            row.texts
                .iter()
                .find(|(l, _)| set.contains(l))
                .map(|(_, t)| t.clone())
        };
        let units = self
            .rows
            .iter()
            .filter_map(|row| {
                let (s, t) = (pick(row, &src_set), pick(row, &tgt_set));
                (s.is_some() || t.is_some()).then(|| Unit {
                    src: s.unwrap_or_default(),
                    tgt: t.unwrap_or_default(),
                    score: row.score,
                    doc: row.doc.clone(),
                })
            })
            .collect();
        Ok(Tm {
            src_lang: self.langs[src_set[0]].clone(),
            tgt_lang: self.langs[tgt_set[0]].clone(),
            units,
        })
    }
}

/// A unit of the chosen language pair; a missing side is empty.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Unit {
    pub src: String,
    pub tgt: String,
    pub score: Option<f64>,
    pub doc: String,
}

/// A bilingual TM: what [`Table::select`] gives.
#[derive(Debug, Clone, Default)]
pub struct Tm {
    pub src_lang: String,
    pub tgt_lang: String,
    pub units: Vec<Unit>,
}

impl Tm {
    /// Keeps units scored at least `min_score` (units without a score pass: there is nothing
    /// to judge them by) and, with `dedup`, the first of identical source–target pairs.
    pub fn filter(&mut self, min_score: Option<f64>, dedup: bool) {
        let mut seen = HashSet::new();
        self.units.retain(|u| {
            min_score.is_none_or(|m| u.score.is_none_or(|s| s >= m))
                && (!dedup || seen.insert((u.src.clone(), u.tgt.clone())))
        });
    }

    /// One pair per run of consecutive units of the same document, a bead per unit. Texts
    /// are kept as they are (no normalization), and an unknown score is NaN, which the
    /// exporters leave out.
    pub fn into_pairs(self) -> Vec<AlignedPair> {
        let mut pairs: Vec<AlignedPair> = Vec::new();
        for unit in self.units {
            if pairs.last().is_none_or(|p| p.id != unit.doc) {
                pairs.push(AlignedPair {
                    id: unit.doc.clone(),
                    src: Document {
                        lang: self.src_lang.clone(),
                        sentences: Vec::new(),
                    },
                    tgt: Document {
                        lang: self.tgt_lang.clone(),
                        sentences: Vec::new(),
                    },
                    beads: Vec::new(),
                });
            }
            let Some(pair) = pairs.last_mut() else {
                continue;
            };
            let src = push(&mut pair.src, unit.src);
            let tgt = push(&mut pair.tgt, unit.tgt);
            pair.beads.push(Bead {
                src,
                tgt,
                score: unit.score.unwrap_or(f64::NAN),
            });
        }
        pairs
    }
}

/// Appends a text as a sentence (none when empty); returns its range.
fn push(doc: &mut Document, text: String) -> std::ops::Range<usize> {
    let start = doc.sentences.len();
    if !text.is_empty() {
        doc.sentences.push(Sentence {
            key: String::new(),
            text,
            paragraph: 0,
            structure: Default::default(),
        });
    }
    start..doc.sentences.len()
}

/// Languages for formats that do not name them (TSV, JSONL, CSV without a header row).
#[derive(Debug, Clone, Default)]
pub struct Langs {
    pub src: Option<String>,
    pub tgt: Option<String>,
}

/// Reads a TM file in `format`. Errors name the file (and the line, for malformed input).
pub fn read_file(path: &Path, format: InputFormat, langs: &Langs) -> Result<Table> {
    let with_path = |e: Error| e.with_path(path);
    let bytes = std::fs::read(path).map_err(|e| with_path(e.into()))?;
    let table = match format {
        InputFormat::Tmx => xml::decode(&bytes).and_then(|t| tmx::read(&t)),
        InputFormat::Xliff => xml::decode(&bytes).and_then(|t| xliff::read(&t)),
        InputFormat::Csv | InputFormat::Tsv | InputFormat::Jsonl => {
            let decoded = crate::input::decode(&bytes, &DecodeOptions::default())?;
            match format {
                InputFormat::Csv => text::read_csv(&decoded.text, langs),
                InputFormat::Tsv => text::read_tsv(&decoded.text, langs),
                _ => text::read_jsonl(&decoded.text, langs),
            }
        }
    };
    table.map_err(with_path)
}

/// Reads a TM file and picks its language pair: `format` or the one the extension names, then
/// [`Table::select`] with `langs`. What `convert` and the Python `read_tm` both start from.
pub fn read_tm(path: &Path, format: Option<InputFormat>, langs: &Langs) -> Result<Tm> {
    let format = match format {
        Some(f) => f,
        None => InputFormat::from_path(path).ok_or_else(|| {
            Error::msg("cannot tell the input format from the extension: give --from")
                .with_path(path)
        })?,
    };
    read_file(path, format, langs)?
        .select(langs.src.as_deref(), langs.tgt.as_deref())
        .map_err(|e| e.with_path(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(langs: &[&str]) -> Table {
        let mut t = Table::default();
        for l in langs {
            t.lang_index(l);
        }
        t.rows.push(Row {
            texts: (0..langs.len()).map(|i| (i, format!("t{i}"))).collect(),
            score: None,
            doc: String::new(),
        });
        t
    }

    #[test]
    fn select_matches_primary_subtag_when_exact_tag_is_absent() {
        let tm = table(&["en-US", "fr-FR", "de"])
            .select(Some("en"), Some("de"))
            .unwrap();
        assert_eq!(
            (tm.src_lang.as_str(), tm.tgt_lang.as_str()),
            ("en-US", "de")
        );
        assert_eq!(tm.units[0].tgt, "t2");
    }

    #[test]
    fn select_needs_a_target_when_there_are_several() {
        let e = table(&["en", "fr", "de"]).select(None, None).unwrap_err();
        assert!(e.to_string().contains("--tgt-lang"), "{e}");
        assert!(table(&["en", "fr"]).select(None, None).is_ok());
    }

    #[test]
    fn filter_lets_unscored_units_pass() {
        let unit = |s: Option<f64>| Unit {
            src: "a".into(),
            tgt: format!("{s:?}"),
            score: s,
            doc: String::new(),
        };
        let mut tm = Tm {
            units: vec![unit(Some(0.2)), unit(None), unit(Some(0.9)), unit(None)],
            ..Tm::default()
        };
        tm.filter(Some(0.5), true);
        assert_eq!(tm.units.len(), 2);
    }

    #[test]
    fn into_pairs_groups_runs_of_one_document() {
        let unit = |doc: &str, tgt: &str| Unit {
            src: "s".into(),
            tgt: tgt.into(),
            score: None,
            doc: doc.into(),
        };
        let tm = Tm {
            units: vec![unit("a", "x"), unit("a", ""), unit("b", "y")],
            ..Tm::default()
        };
        let pairs = tm.into_pairs();
        assert_eq!(pairs.len(), 2);
        assert_eq!(pairs[0].beads[1].tgt, 1..1);
        assert!(pairs[0].beads[0].score.is_nan());
    }
}
