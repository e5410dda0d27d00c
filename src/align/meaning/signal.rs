//! The meaning signal of one document pair: each bead scored by how much closer its sides'
//! vectors are than what their sentences usually reach nearby (a margin), as a whole and
//! sentence by sentence.

use std::ops::Range;

use super::calibration::{Calibration, PRIOR};
use super::runs::{dot, Runs};
use super::{coverage, Embeddings, UNSURE};
use crate::bitext::Bead;
use crate::document::Document;
use crate::error::Result;

/// Sentences of the other side, around a sentence's place on the model-free path, that its
/// base is taken from.
const BASE_WINDOW: usize = 8;

/// The base is the mean cosine of this many most similar of them.
const BASE_TOP: usize = 4;

pub(crate) struct Meaning {
    src: Runs,
    tgt: Runs,
    /// Prefix sums of each sentence's base ([`bases`]).
    src_base: Vec<f64>,
    tgt_base: Vec<f64>,
    /// The bead's vectors against each other.
    whole: Calibration,
    /// One sentence against the other side of its bead.
    part: Calibration,
}

impl Meaning {
    /// Embeds the stretches of `beads` (the model-free alignment with its posteriors) that
    /// need it and calibrates on the sure beads among them.
    pub fn learn(
        src: &Document,
        tgt: &Document,
        beads: &[Bead],
        emb: &Embeddings,
    ) -> Result<Meaning> {
        let (cs, ct) = coverage(src.len(), tgt.len(), beads, emb.scope);
        let src_runs = Runs::build(src, &cs, emb)?;
        let tgt_runs = Runs::build(tgt, &ct, emb)?;
        let (bs, bt) = bases(&src_runs, &tgt_runs, beads);
        let mut m = Meaning {
            src_base: crate::align::prefix(&bs),
            tgt_base: crate::align::prefix(&bt),
            src: src_runs,
            tgt: tgt_runs,
            whole: PRIOR,
            part: PRIOR,
        };
        m.whole = m.fit_whole(beads);
        m.part = m.fit_parts(beads);
        Ok(m)
    }

    /// The log-likelihood ratio of the two-sided bead `i..i+di` × `j..j+dj`: its sides as
    /// wholes, plus each sentence against the other side (zero where not embedded).
    #[inline]
    pub fn llr(&self, i: usize, di: usize, j: usize, dj: usize) -> f64 {
        let whole = self
            .margin(i..i + di, j..j + dj)
            .map_or(0.0, |c| self.whole.llr(c));
        whole + self.parts(i..i + di, j..j + dj).unwrap_or(0.0)
    }

    /// A sentence left one-sided loses as much as it would in the better of the sentences
    /// beside its place on the other side, when that is a loss: the sentence-by-sentence
    /// term then decides where a sentence goes, not whether it goes anywhere (fragments of a
    /// split sentence look unlike their whole and would otherwise be left alone).
    pub fn one_sided(&self, i: usize, di: usize, j: usize, dj: usize) -> f64 {
        let side = |source: bool, k: usize, at: usize, len: usize| -> f64 {
            let near = [at.checked_sub(1), (at < len).then_some(at)];
            let best = near
                .iter()
                .flatten()
                .filter_map(|&o| self.sentence_margin(source, k, o..o + 1))
                .map(|c| self.part.llr(c))
                .fold(f64::NEG_INFINITY, f64::max);
            if best.is_finite() {
                best.min(0.0) / 2.0
            } else {
                0.0
            }
        };
        let src: f64 = (i..i + di).map(|s| side(true, s, j, self.tgt.len())).sum();
        let tgt: f64 = (j..j + dj).map(|t| side(false, t, i, self.src.len())).sum();
        src + tgt
    }

    fn cos(&self, s: &Range<usize>, t: &Range<usize>) -> Option<f64> {
        Some(dot(
            self.src.get(s.start, s.len())?,
            self.tgt.get(t.start, t.len())?,
        ))
    }

    /// The bead's cosine above the mean base of its sentences: a sentence close to
    /// everything (short, generic) gains nothing from being close to its partner.
    fn margin(&self, s: Range<usize>, t: Range<usize>) -> Option<f64> {
        let c = self.cos(&s, &t)?;
        let bs = (self.src_base[s.end] - self.src_base[s.start]) / s.len() as f64;
        let bt = (self.tgt_base[t.end] - self.tgt_base[t.start]) / t.len() as f64;
        Some(c - (bs + bt) / 2.0)
    }

    /// Sentence `k` of one side against the run `other` of the other side, above its base.
    fn sentence_margin(&self, source: bool, k: usize, other: Range<usize>) -> Option<f64> {
        let (me, them, base) = if source {
            (&self.src, &self.tgt, &self.src_base)
        } else {
            (&self.tgt, &self.src, &self.tgt_base)
        };
        let c = dot(me.get(k, 1)?, them.get(other.start, other.len())?);
        Some(c - (base[k + 1] - base[k]))
    }

    /// Each sentence of the bead against the other side, halved (a 1-1 bead counts its pair
    /// twice): every sentence counts once on any path, however it is cut into beads, and a
    /// sentence at a bead's edge goes where it reads best.
    fn parts(&self, s: Range<usize>, t: Range<usize>) -> Option<f64> {
        let mut sum = 0.0;
        for k in s.clone() {
            sum += self.part.llr(self.sentence_margin(true, k, t.clone())?);
        }
        for k in t {
            sum += self.part.llr(self.sentence_margin(false, k, s.clone())?);
        }
        Some(sum / 2.0)
    }

    /// Sure 1-1 beads against the four 1-1 beads next to them.
    fn fit_whole(&self, beads: &[Bead]) -> Calibration {
        let (mut pos, mut neg) = (Vec::new(), Vec::new());
        for b in beads.iter().filter(|b| b.score >= UNSURE) {
            if b.src.len() != 1 || b.tgt.len() != 1 {
                continue;
            }
            let (i, j) = (b.src.start, b.tgt.start);
            let Some(c) = self.margin(i..i + 1, j..j + 1) else {
                continue;
            };
            pos.push(c);
            for (a, b) in [
                (i, j + 1),
                (i + 1, j),
                (i.wrapping_sub(1), j),
                (i, j.wrapping_sub(1)),
            ] {
                if a != usize::MAX && b != usize::MAX {
                    neg.extend(self.margin(a..a + 1, b..b + 1));
                }
            }
        }
        Calibration::fit(&pos, &neg)
    }

    /// Each sentence of a sure bead against its bead's other side, and against the other
    /// sides of the beads before and after.
    fn fit_parts(&self, beads: &[Bead]) -> Calibration {
        let (mut pos, mut neg) = (Vec::new(), Vec::new());
        for (k, b) in beads.iter().enumerate() {
            if b.score < UNSURE || b.src.is_empty() || b.tgt.is_empty() {
                continue;
            }
            let near: Vec<&Bead> = [k.checked_sub(1), Some(k + 1)]
                .into_iter()
                .flatten()
                .filter_map(|o| beads.get(o))
                .collect();
            for (source, mine, other) in [(true, &b.src, &b.tgt), (false, &b.tgt, &b.src)] {
                let side = |n: &Bead| if source { n.tgt.clone() } else { n.src.clone() };
                for s in mine.clone() {
                    pos.extend(self.sentence_margin(source, s, other.clone()));
                    for n in near.iter().map(|n| side(n)).filter(|r| !r.is_empty()) {
                        neg.extend(self.sentence_margin(source, s, n));
                    }
                }
            }
        }
        Calibration::fit(&pos, &neg)
    }
}

/// Each sentence's base: the mean cosine of its [`BASE_TOP`] most similar sentences of the
/// other side within [`BASE_WINDOW`] of where the model-free path puts it (0 where not
/// embedded). Margin scoring (Artetxe and Schwenk, 2019) made local to the path: on MAC dev
/// it separates true 1-1 beads from their neighbours by 2.7 standard deviations, the raw
/// cosine by 1.9.
fn bases(src: &Runs, tgt: &Runs, beads: &[Bead]) -> (Vec<f64>, Vec<f64>) {
    let (mut at_s, mut at_t) = (vec![0usize; src.len()], vec![0usize; tgt.len()]);
    for b in beads {
        let mid = |r: &Range<usize>| (r.start + r.end) / 2;
        at_s[b.src.clone()]
            .iter_mut()
            .for_each(|x| *x = mid(&b.tgt));
        at_t[b.tgt.clone()]
            .iter_mut()
            .for_each(|x| *x = mid(&b.src));
    }
    (side_bases(src, tgt, &at_s), side_bases(tgt, src, &at_t))
}

fn side_bases(me: &Runs, other: &Runs, at: &[usize]) -> Vec<f64> {
    (0..me.len())
        .map(|i| {
            let Some(v) = me.get(i, 1) else { return 0.0 };
            let lo = at[i].saturating_sub(BASE_WINDOW);
            let hi = (at[i] + BASE_WINDOW + 1).min(other.len());
            let mut cs: Vec<f64> = (lo..hi)
                .filter_map(|j| other.get(j, 1))
                .map(|u| dot(v, u))
                .collect();
            cs.sort_by(|x, y| y.total_cmp(x));
            let k = cs.len().min(BASE_TOP);
            if k == 0 {
                0.0
            } else {
                cs[..k].iter().sum::<f64>() / k as f64
            }
        })
        .collect()
}
