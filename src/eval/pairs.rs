//! Scores a translation memory made from raw documents against a gold alignment given as
//! text, as `../shared/bench/pairscore.py` does, so that users can score pairs whose
//! segmentation is their own (indices would not compare).
//!
//! Gold: JSON `{"src_segments": [...], "tgt_segments": [...], "links": [[[src ids], [tgt
//! ids]], ...]}`. Hypothesis: JSON Lines with `src` and `tgt` (our `-f jsonl`) or TSV
//! `src<TAB>tgt`. Texts are compared NFC with whitespace folded; one-sided pairs and links
//! are left out on both sides.
//! - strict: a pair is right when both sides equal a gold link's joined segments;
//!   precision over predicted pairs, recall over gold links.
//! - within: share of pairs whose sides both lie inside one gold link.
//! - tiled: a gold link also counts as found when the pairs lying inside it cover it exactly
//!   on both sides (a finer but consistent split); those pairs then count as right.
//!   Pairs are located in the gold text in order, each after the previous one.

use std::collections::HashSet;
use std::path::Path;

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use super::Prf;
use crate::error::{Error, Result};

/// A gold alignment as text.
#[derive(Debug, Clone, Deserialize)]
pub struct TextGold {
    pub src_segments: Vec<String>,
    pub tgt_segments: Vec<String>,
    pub links: Vec<(Vec<usize>, Vec<usize>)>,
}

/// One document's gold and hypothesis pairs.
#[derive(Debug, Clone)]
pub struct Scored {
    pub gold: TextGold,
    pub hyp: Vec<(String, String)>,
}

/// Scores of pairs against text gold, summed over documents.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct PairScores {
    /// Two-sided predicted pairs.
    pub pairs: usize,
    /// Two-sided gold links.
    pub gold: usize,
    pub strict: Prf,
    pub within_precision: f64,
    pub tiled: Prf,
}

/// Reads a text gold file; errors name the file.
pub fn read_gold(path: &Path) -> Result<TextGold> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::from(e).with_path(path))?;
    let gold: TextGold = serde_json::from_str(&text).map_err(|e| {
        Error::parse(e.line() as u64, format!("not a text gold ({e})")).with_path(path)
    })?;
    let (n, m) = (gold.src_segments.len(), gold.tgt_segments.len());
    for (k, (s, t)) in gold.links.iter().enumerate() {
        if s.iter().any(|&i| i >= n) || t.iter().any(|&i| i >= m) {
            return Err(Error::msg(format!("link {k} points past the segments")).with_path(path));
        }
    }
    Ok(gold)
}

/// Reads hypothesis pairs (JSON Lines with `src`/`tgt`, or TSV); errors name file and line.
pub fn read_pairs(path: &Path) -> Result<Vec<(String, String)>> {
    #[derive(Deserialize)]
    struct Row {
        #[serde(default)]
        src: Option<String>,
        #[serde(default)]
        tgt: Option<String>,
    }
    let text = std::fs::read_to_string(path).map_err(|e| Error::from(e).with_path(path))?;
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        if line.trim_start().starts_with('{') {
            let row: Row = serde_json::from_str(line)
                .map_err(|e| Error::parse(n as u64 + 1, e.to_string()).with_path(path))?;
            out.push((row.src.unwrap_or_default(), row.tgt.unwrap_or_default()));
        } else {
            let (s, t) = line.split_once('\t').unwrap_or((line, ""));
            out.push((s.to_string(), t.to_string()));
        }
    }
    Ok(out)
}

/// NFC with whitespace runs folded to one space.
fn norm(s: &str) -> String {
    let nfc: String = s.nfc().collect();
    nfc.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// NFC without any whitespace: how pairs are located in the gold text.
fn no_space(s: &str) -> String {
    s.nfc().filter(|c| !c.is_whitespace()).collect()
}

/// Counts of one document: (pairs, gold, strict hits, gold found, within, tiled links,
/// tiled pairs).
fn counts(doc: &Scored) -> [usize; 7] {
    let g = &doc.gold;
    let join = |segs: &[String], ids: &[usize]| {
        norm(
            &ids.iter()
                .map(|&i| segs[i].as_str())
                .collect::<Vec<_>>()
                .join(" "),
        )
    };
    let gold: Vec<(String, String)> = g
        .links
        .iter()
        .map(|(s, t)| (join(&g.src_segments, s), join(&g.tgt_segments, t)))
        .filter(|(s, t)| !s.is_empty() && !t.is_empty())
        .collect();
    let hyp: Vec<(String, String)> = doc
        .hyp
        .iter()
        .map(|(s, t)| (norm(s), norm(t)))
        .filter(|(s, t)| !s.is_empty() && !t.is_empty())
        .collect();
    let gold_set: HashSet<&(String, String)> = gold.iter().collect();
    let hyp_set: HashSet<&(String, String)> = hyp.iter().collect();
    let strict = hyp.iter().filter(|p| gold_set.contains(p)).count();
    let found = gold.iter().filter(|p| hyp_set.contains(p)).count();
    let within = hyp
        .iter()
        .filter(|(s, t)| {
            gold.iter()
                .any(|(gs, gt)| gs.contains(s.as_str()) && gt.contains(t.as_str()))
        })
        .count();
    let (links, pairs) = tiled(g, &hyp);
    [hyp.len(), gold.len(), strict, found, within, links, pairs]
}

/// Character span of each segment in the whitespace-free text of a side.
fn spans(segs: &[String]) -> (String, Vec<usize>) {
    let mut text = String::new();
    let mut offsets = vec![0];
    for s in segs {
        text.push_str(&no_space(s));
        offsets.push(text.len());
    }
    (text, offsets)
}

/// Gold links tiled by the pairs inside them, and those pairs (module docs).
fn tiled(g: &TextGold, hyp: &[(String, String)]) -> (usize, usize) {
    let sides = [spans(&g.src_segments), spans(&g.tgt_segments)];
    let range = |side: usize, ids: &[usize]| {
        let (lo, hi) = (ids.iter().min(), ids.iter().max());
        lo.zip(hi)
            .map(|(&a, &b)| (sides[side].1[a], sides[side].1[b + 1]))
    };
    let links: Vec<[(usize, usize); 2]> = g
        .links
        .iter()
        .filter_map(|(s, t)| Some([range(0, s)?, range(1, t)?]))
        .collect();
    let mut pos = [0usize; 2];
    let mut inside: Vec<Vec<[(usize, usize); 2]>> = vec![Vec::new(); links.len()];
    for (s, t) in hyp {
        let mut found = [(0, 0); 2];
        let mut ok = true;
        for (k, x) in [s, t].into_iter().enumerate() {
            let x = no_space(x);
            match sides[k].0.get(pos[k]..).and_then(|rest| rest.find(&x)) {
                Some(i) if !x.is_empty() => {
                    found[k] = (pos[k] + i, pos[k] + i + x.len());
                    pos[k] = found[k].1;
                }
                _ => ok = false,
            }
            if !ok {
                break;
            }
        }
        if !ok {
            continue;
        }
        let within = |(a, b): (usize, usize), (x, y): (usize, usize)| a <= x && y <= b;
        if let Some(n) = links
            .iter()
            .position(|l| within(l[0], found[0]) && within(l[1], found[1]))
        {
            inside[n].push(found);
        }
    }
    let mut tiled = (0, 0);
    for (l, ps) in links.iter().zip(&inside) {
        let covered =
            |k: usize| ps.iter().map(|p| p[k].1 - p[k].0).sum::<usize>() == l[k].1 - l[k].0;
        if !ps.is_empty() && covered(0) && covered(1) {
            tiled.0 += 1;
            tiled.1 += ps.len();
        }
    }
    tiled
}

fn prf(precision: f64, recall: f64) -> Prf {
    let f1 = if precision + recall > 0.0 {
        2.0 * precision * recall / (precision + recall)
    } else {
        0.0
    };
    Prf {
        precision,
        recall,
        f1,
    }
}

/// Micro-averaged scores over documents.
pub fn score(docs: &[Scored]) -> PairScores {
    let mut c = [0usize; 7];
    for doc in docs {
        for (a, b) in c.iter_mut().zip(counts(doc)) {
            *a += b;
        }
    }
    let [pairs, gold, strict, found, within, t_links, t_pairs] = c;
    let share = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    PairScores {
        pairs,
        gold,
        strict: prf(share(strict, pairs), share(found, gold)),
        within_precision: share(within, pairs),
        tiled: prf(share(t_pairs, pairs), share(t_links, gold)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gold() -> TextGold {
        TextGold {
            src_segments: vec!["A b.".into(), "C d. E f.".into(), "G.".into()],
            tgt_segments: vec!["1 2.".into(), "3 4. 5 6.".into(), "7.".into()],
            links: vec![(vec![0], vec![0]), (vec![1], vec![1]), (vec![2], vec![])],
        }
    }

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(s, t)| (s.to_string(), t.to_string()))
            .collect()
    }

    #[test]
    fn exact_pairs_are_strict_and_tiled_hits() {
        let s = score(&[Scored {
            gold: gold(),
            hyp: pairs(&[("A  b.", "1 2."), ("C d. E f.", "3 4. 5 6."), ("G.", "")]),
        }]);
        assert_eq!((s.pairs, s.gold), (2, 2));
        assert_eq!(s.strict.f1, 1.0);
        assert_eq!(s.tiled.f1, 1.0);
    }

    #[test]
    fn a_finer_consistent_split_counts_as_tiled_not_strict() {
        let s = score(&[Scored {
            gold: gold(),
            hyp: pairs(&[("A b.", "1 2."), ("C d.", "3 4."), ("E f.", "5 6.")]),
        }]);
        assert_eq!(s.strict.precision, 1.0 / 3.0);
        assert_eq!(s.strict.recall, 0.5);
        assert_eq!(s.tiled.precision, 1.0);
        assert_eq!(s.tiled.recall, 1.0);
        assert_eq!(s.within_precision, 1.0);
    }

    #[test]
    fn a_pair_crossing_links_is_wrong_everywhere() {
        let s = score(&[Scored {
            gold: gold(),
            hyp: pairs(&[("A b. C d.", "1 2. 3 4."), ("E f.", "5 6.")]),
        }]);
        assert_eq!(s.strict.f1, 0.0);
        assert_eq!(s.tiled.recall, 0.0);
        assert_eq!(s.within_precision, 0.5);
    }
}
