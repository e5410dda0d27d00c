//! Alignment accuracy as Vecalign's `score.py` computes it (strict and lax precision, recall
//! and F1, micro-averaged over documents), re-implemented exactly so our numbers compare with
//! published Bleualign/Vecalign results.
//!
//! The rules of `score.py`, as reproduced against `shared/bench/textberg-dev/scorer-check`:
//! * Each side is turned into a *set* of links: duplicates count once, and `[]:[]` links are
//!   dropped. Index lists are compared as written (`[7, 6]` ≠ `[6, 7]`).
//! * Precision counts every hypothesis link, null links (`[3]:[]`, `[]:[4]`) included,
//!   against all gold links (null ones included).
//! * Recall is the same computation with the roles swapped, over the gold links that have
//!   both sides non-empty only (a missed null link costs no recall).
//! * A link is a strict hit when it equals a reference link. Otherwise it is a lax hit when
//!   one of its target indices is aligned in the reference to one of its source indices. A
//!   null link has no source-target pair, so it can only be a strict hit or a miss.
//! * P = tp / (tp + fp), R = tp / (tp + fn), F1 = 2PR / (P + R); 0 when a denominator is 0.

pub mod pairs;

use std::collections::{HashMap, HashSet};
use std::ops::{Add, AddAssign};
use std::path::Path;

use serde::Serialize;

use crate::error::{Error, Result};

/// One alignment link: source and target sentence indices (0-based), as written.
pub type Link = (Vec<usize>, Vec<usize>);

/// Parses a Vecalign alignment file: one `[src]:[tgt]` link per line (e.g. `[0, 1]:[2]`,
/// `[]:[3]`); a third `:cost` field (Vecalign's own output) is ignored; blank lines are
/// skipped; a UTF-8 BOM is allowed. A malformed line is an error naming its 1-based number.
pub fn read_alignments(text: &str) -> Result<Vec<Link>> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let mut links = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line_no = n as u64 + 1;
        if line.trim().is_empty() {
            continue;
        }
        // As score.py: split on ':', drop empty fields, use the first two.
        let fields: Vec<&str> = line
            .split(':')
            .map(str::trim)
            .filter(|f| !f.is_empty())
            .collect();
        if fields.len() < 2 {
            return Err(Error::parse(
                line_no,
                format!("'{}' is not a link of the form [src]:[tgt]", line.trim()),
            ));
        }
        let src = parse_list(fields[0]).map_err(|m| Error::parse(line_no, m))?;
        let tgt = parse_list(fields[1]).map_err(|m| Error::parse(line_no, m))?;
        links.push((src, tgt));
    }
    Ok(links)
}

/// Reads and parses an alignment file; errors carry the path.
pub fn read_alignments_file(path: impl AsRef<Path>) -> Result<Vec<Link>> {
    let path = path.as_ref();
    let text = std::fs::read_to_string(path).map_err(|e| Error::from(e).with_path(path))?;
    read_alignments(&text).map_err(|e| e.with_path(path))
}

/// A Python list of non-negative integers: `[]`, `[3]`, `[1, 2]`, `[1,2,]`.
fn parse_list(field: &str) -> std::result::Result<Vec<usize>, String> {
    let bad = || format!("'{field}' is not a list of sentence indices like [0, 1]");
    let inner = field
        .strip_prefix('[')
        .and_then(|f| f.strip_suffix(']'))
        .ok_or_else(bad)?
        .trim();
    if inner.is_empty() {
        return Ok(Vec::new());
    }
    let inner = inner.strip_suffix(',').unwrap_or(inner);
    inner
        .split(',')
        .map(|x| {
            let x = x.trim();
            if x.is_empty() || !x.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            x.parse::<usize>().map_err(|_| bad())
        })
        .collect()
}

/// Precision, recall and F1.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Prf {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

/// The raw counts behind the scores, named as in `expected.tsv`: `p_*` from the precision
/// pass (hypothesis links), `r_*` from the recall pass (non-null gold links).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Counts {
    pub p_tp_strict: u64,
    pub p_fp_strict: u64,
    pub p_tp_lax: u64,
    pub p_fp_lax: u64,
    pub r_tp_strict: u64,
    pub r_fn_strict: u64,
    pub r_tp_lax: u64,
    pub r_fn_lax: u64,
}

impl Add for Counts {
    type Output = Counts;

    fn add(self, o: Counts) -> Counts {
        Counts {
            p_tp_strict: self.p_tp_strict + o.p_tp_strict,
            p_fp_strict: self.p_fp_strict + o.p_fp_strict,
            p_tp_lax: self.p_tp_lax + o.p_tp_lax,
            p_fp_lax: self.p_fp_lax + o.p_fp_lax,
            r_tp_strict: self.r_tp_strict + o.r_tp_strict,
            r_fn_strict: self.r_fn_strict + o.r_fn_strict,
            r_tp_lax: self.r_tp_lax + o.r_tp_lax,
            r_fn_lax: self.r_fn_lax + o.r_fn_lax,
        }
    }
}

impl AddAssign for Counts {
    fn add_assign(&mut self, o: Counts) {
        *self = *self + o;
    }
}

/// Strict and lax scores with their counts (serialized as is by `eval --json`).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Scores {
    pub strict: Prf,
    pub lax: Prf,
    pub counts: Counts,
}

impl Scores {
    /// Scores from (possibly summed) counts, with score.py's arithmetic in the same order so
    /// the floats are bit-identical.
    pub fn from_counts(c: Counts) -> Scores {
        let strict = prf(
            ratio(c.p_tp_strict, c.p_fp_strict),
            ratio(c.r_tp_strict, c.r_fn_strict),
        );
        let lax = prf(ratio(c.p_tp_lax, c.p_fp_lax), ratio(c.r_tp_lax, c.r_fn_lax));
        Scores {
            strict,
            lax,
            counts: c,
        }
    }
}

fn ratio(tp: u64, other: u64) -> f64 {
    if tp + other == 0 {
        0.0
    } else {
        tp as f64 / (tp + other) as f64
    }
}

fn prf(precision: f64, recall: f64) -> Prf {
    let f1 = if precision + recall == 0.0 {
        0.0
    } else {
        2.0 * (precision * recall) / (precision + recall)
    };
    Prf {
        precision,
        recall,
        f1,
    }
}

/// Counts for one document.
pub fn counts(gold: &[Link], hyp: &[Link]) -> Counts {
    let (p_tp_strict, p_fp_strict, p_tp_lax, p_fp_lax) = precision_counts(gold, hyp);
    let gold_non_null: Vec<Link> = gold
        .iter()
        .filter(|(s, t)| !s.is_empty() && !t.is_empty())
        .cloned()
        .collect();
    // Recall is precision with the roles swapped, over non-null gold links.
    let (r_tp_strict, r_fn_strict, r_tp_lax, r_fn_lax) = precision_counts(hyp, &gold_non_null);
    Counts {
        p_tp_strict,
        p_fp_strict,
        p_tp_lax,
        p_fp_lax,
        r_tp_strict,
        r_fn_strict,
        r_tp_lax,
        r_fn_lax,
    }
}

/// score.py's `_precision`: (tp strict, fp strict, tp lax, fp lax) of `test` against `gold`.
fn precision_counts(gold: &[Link], test: &[Link]) -> (u64, u64, u64, u64) {
    let as_set = |links: &'_ [Link]| -> Vec<(Vec<usize>, Vec<usize>)> {
        let mut seen = HashSet::new();
        links
            .iter()
            .filter(|(s, t)| !s.is_empty() || !t.is_empty())
            .filter(|l| seen.insert(*l))
            .cloned()
            .collect()
    };
    let gold = as_set(gold);
    let test = as_set(test);
    let gold_set: HashSet<&Link> = gold.iter().collect();
    let mut src_to_tgt: HashMap<usize, HashSet<usize>> = HashMap::new();
    for (s, t) in &gold {
        for &si in s {
            src_to_tgt.entry(si).or_default().extend(t.iter().copied());
        }
    }
    let (mut tp_strict, mut fp_strict, mut tp_lax, mut fp_lax) = (0, 0, 0, 0);
    for link in &test {
        if gold_set.contains(link) {
            tp_strict += 1;
            tp_lax += 1;
            continue;
        }
        fp_strict += 1;
        let (s, t) = link;
        let lax_hit = s.iter().any(|si| {
            src_to_tgt
                .get(si)
                .is_some_and(|tgts| t.iter().any(|ti| tgts.contains(ti)))
        });
        if lax_hit {
            tp_lax += 1;
        } else {
            fp_lax += 1;
        }
    }
    (tp_strict, fp_strict, tp_lax, fp_lax)
}

/// Scores one document's hypothesis against its gold alignment.
pub fn score(gold: &[Link], hyp: &[Link]) -> Scores {
    Scores::from_counts(counts(gold, hyp))
}

/// Micro-averaged scores over documents: counts are summed first, as score.py does with
/// several `-g`/`-t` files.
pub fn score_many<G, H>(docs: &[(G, H)]) -> Scores
where
    G: AsRef<[Link]>,
    H: AsRef<[Link]>,
{
    let total = docs.iter().fold(Counts::default(), |acc, (g, h)| {
        acc + counts(g.as_ref(), h.as_ref())
    });
    Scores::from_counts(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_lists_cost_field_and_skips_blank_lines() {
        let links = read_alignments("\u{FEFF}[0, 1]:[2]\n\n[]:[3]:0.5\r\n[4,]:[]\n").unwrap();
        assert_eq!(
            links,
            vec![(vec![0, 1], vec![2]), (vec![], vec![3]), (vec![4], vec![])]
        );
    }

    #[test]
    fn malformed_line_is_an_error_naming_it() {
        for bad in [
            "[0]:[1]\n[1]\n",
            "[0]:[1]\n[a]:[1]\n",
            "[0]:[1]\n[-1]:[2]\n",
            "[0]:[1]\n[1, ]]:[2]\n",
        ] {
            let e = read_alignments(bad).unwrap_err();
            assert_eq!(e.line(), Some(2), "{bad:?}");
        }
    }

    #[test]
    fn null_links_are_strict_or_miss_and_recall_ignores_them() {
        let gold = vec![(vec![0], vec![0]), (vec![1], vec![])];
        let hyp = vec![(vec![0], vec![0]), (vec![1], vec![]), (vec![], vec![1])];
        let c = counts(&gold, &hyp);
        assert_eq!((c.p_tp_strict, c.p_fp_strict, c.p_fp_lax), (2, 1, 1));
        assert_eq!((c.r_tp_strict, c.r_fn_strict), (1, 0));
    }

    #[test]
    fn empty_inputs_score_zero_without_dividing_by_zero() {
        let s = score(&[], &[]);
        assert_eq!(s.strict, Prf::default());
    }
}
