//! Meaning as a signal: sentence vectors from a multilingual encoder, their cosine turned into
//! a calibrated log-likelihood ratio and added to the bead score, where the model-free
//! alignment is unsure.
//!
//! Length, anchors and the learned lexicon say little where two languages share no cognates
//! (Chinese–English) or a translation is loose. A sentence encoder says more, but costs far
//! more than all the other signals together, so it is spent where it changes something: the
//! model-free pass already knows which beads are certain, and only the sentences of unsure
//! beads and their neighbours are embedded (all of them when most beads are unsure). The
//! encoder is behind [`Embedder`], so the aligner does not depend on it (the `embed` feature
//! provides one; tests can bring their own).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::bitext::Bead;
use crate::document::Document;
use crate::error::Result;

/// Anything that turns texts into L2-normalized vectors of one dimension.
pub trait Embedder: Send + Sync {
    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>>;
    /// The model's name, for reports.
    fn name(&self) -> &str;
    /// A digest of the model file, for reports and resume fingerprints.
    fn digest(&self) -> &str;
}

/// Where the encoder is spent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scope {
    /// Sentences of unsure beads and their neighbours (all of them when most are unsure).
    #[default]
    Unsure,
    /// Every sentence.
    Everywhere,
}

/// An encoder with a cache of vectors by text, shared by every pair of a run (`batch` and
/// `stream` meet the same boilerplate again and again).
pub struct Embeddings {
    embedder: Arc<dyn Embedder>,
    cache: Mutex<HashMap<String, Arc<[f32]>>>,
    pub scope: Scope,
}

impl std::fmt::Debug for Embeddings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Embeddings")
            .field("model", &self.embedder.name())
            .field("scope", &self.scope)
            .finish()
    }
}

/// Vectors kept in the cache at most (about 1.5 KB each for a 384-dimension model); beyond,
/// it starts again empty.
const CACHE_ENTRIES: usize = 200_000;

impl Embeddings {
    pub fn new(embedder: Arc<dyn Embedder>, scope: Scope) -> Self {
        Embeddings {
            embedder,
            cache: Mutex::new(HashMap::new()),
            scope,
        }
    }

    pub fn name(&self) -> &str {
        self.embedder.name()
    }

    pub fn digest(&self) -> &str {
        self.embedder.digest()
    }

    /// The vector of each text, from the cache or embedded now (each distinct text once).
    pub fn vectors(&self, texts: &[String]) -> Result<Vec<Arc<[f32]>>> {
        let missing: Vec<&str> = {
            let cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
            let mut seen = std::collections::HashSet::new();
            texts
                .iter()
                .filter(|t| !cache.contains_key(t.as_str()) && seen.insert(t.as_str()))
                .map(String::as_str)
                .collect()
        };
        let fresh = if missing.is_empty() {
            Vec::new()
        } else {
            self.embedder.embed(&missing)?
        };
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        if cache.len() + fresh.len() > CACHE_ENTRIES {
            cache.clear();
        }
        let mut local: HashMap<&str, Arc<[f32]>> = HashMap::new();
        for (t, v) in missing.iter().zip(fresh) {
            let v: Arc<[f32]> = v.into();
            cache.insert((*t).to_string(), Arc::clone(&v));
            local.insert(t, v);
        }
        Ok(texts
            .iter()
            .map(|t| {
                local
                    .get(t.as_str())
                    .or_else(|| cache.get(t))
                    .map(Arc::clone)
                    .unwrap_or_else(|| Arc::from(Vec::new()))
            })
            .collect())
    }
}

/// Runs of up to this many sentences are embedded as one text (their concatenation): a
/// vector of the whole says more than the mean of its parts. Longer runs take the mean.
const CONCAT: usize = 2;

/// Bead sides hold at most this many sentences (the shapes' tallest).
const MAX_RUN: usize = 4;

/// Beads under this posterior are unsure.
pub const UNSURE: f64 = 0.9;

/// Beads on each side of an unsure one whose sentences are embedded too: the better path may
/// run through them.
const NEIGHBOURS: usize = 2;

/// When more than this share of the beads is unsure, every sentence is embedded.
const EVERYWHERE_SHARE: f64 = 0.5;

/// The vectors of every run of 1..=[`MAX_RUN`] sentences of one side that lies inside the
/// embedded stretches.
struct Runs {
    /// `index[start][len - 1]`: offset into `arena` (in vectors), or `u32::MAX`.
    index: Vec<[u32; MAX_RUN]>,
    arena: Vec<f32>,
    dim: usize,
}

impl Runs {
    fn get(&self, start: usize, len: usize) -> Option<&[f32]> {
        let k = *self.index.get(start)?.get(len.checked_sub(1)?)?;
        (k != u32::MAX).then(|| &self.arena[k as usize * self.dim..(k as usize + 1) * self.dim])
    }

    fn build(doc: &Document, covered: &[bool], emb: &Embeddings) -> Result<Runs> {
        let n = doc.len();
        let inside = |s: usize, l: usize| s + l <= n && covered[s..s + l].iter().all(|&c| c);
        let mut keys = Vec::new();
        let mut texts = Vec::new();
        for s in 0..n {
            for l in 1..=CONCAT {
                if inside(s, l) {
                    keys.push((s, l));
                    texts.push(crate::bitext::join(doc, &(s..s + l)));
                }
            }
        }
        let vectors = emb.vectors(&texts)?;
        let dim = vectors.iter().map(|v| v.len()).max().unwrap_or(0);
        let mut runs = Runs {
            index: vec![[u32::MAX; MAX_RUN]; n],
            arena: Vec::with_capacity(keys.len() * dim),
            dim,
        };
        for ((s, l), v) in keys.into_iter().zip(vectors) {
            if v.len() == dim {
                runs.push(s, l, &v);
            }
        }
        // Longer runs: the normalized mean of their sentences' vectors.
        for s in 0..n {
            for l in CONCAT + 1..=MAX_RUN {
                if !inside(s, l) {
                    continue;
                }
                let mut sum = vec![0f32; dim];
                for k in s..s + l {
                    if let Some(v) = runs.get(k, 1) {
                        sum.iter_mut().zip(v).for_each(|(a, b)| *a += b);
                    }
                }
                let norm = sum.iter().map(|x| x * x).sum::<f32>().sqrt();
                if norm > 0.0 {
                    sum.iter_mut().for_each(|x| *x /= norm);
                    runs.push(s, l, &sum);
                }
            }
        }
        Ok(runs)
    }

    fn push(&mut self, start: usize, len: usize, v: &[f32]) {
        self.index[start][len - 1] = (self.arena.len() / self.dim.max(1)) as u32;
        self.arena.extend_from_slice(v);
    }
}

/// The meaning signal of one document pair.
pub(crate) struct Meaning {
    src: Runs,
    tgt: Runs,
    cal: Calibration,
    /// Sentences embedded (both sides).
    pub embedded: usize,
}

/// Two normal densities of the cosine: of true beads and of their near misses.
#[derive(Debug, Clone, Copy)]
struct Calibration {
    mu_t: f64,
    var_t: f64,
    mu_f: f64,
    var_f: f64,
}

/// What multilingual-e5-small gives before any pair is seen (measured on Text+Berg dev and
/// TICO-19 en–ar): true 1-1 beads around .88, their neighbours around .80.
const PRIOR: Calibration = Calibration {
    mu_t: 0.88,
    var_t: 0.0016,
    mu_f: 0.80,
    var_f: 0.0025,
};

/// Pseudo-observations of the prior in each class.
const PRIOR_WEIGHT: f64 = 10.0;

/// The log-likelihood ratio of one bead is kept within ± this: one sentence pair's vectors
/// never outvote everything else.
const LLR_CAP: f64 = 6.0;

/// Share of the log-likelihood ratio that enters the bead score: the vectors overlap with
/// what length, anchors and lexicon already say.
const WEIGHT: f64 = 0.7;

impl Calibration {
    fn fit(pos: &[f64], neg: &[f64]) -> Self {
        let fit = |xs: &[f64], mu0: f64, var0: f64| {
            let n = xs.len() as f64;
            let mean = (xs.iter().sum::<f64>() + PRIOR_WEIGHT * mu0) / (n + PRIOR_WEIGHT);
            let ss: f64 = xs.iter().map(|x| (x - mean).powi(2)).sum();
            let var = (ss + PRIOR_WEIGHT * var0) / (n + PRIOR_WEIGHT);
            (mean, var.max(1e-4))
        };
        let (mu_t, var_t) = fit(pos, PRIOR.mu_t, PRIOR.var_t);
        let (mu_f, var_f) = fit(neg, PRIOR.mu_f, PRIOR.var_f);
        Calibration {
            mu_t,
            var_t,
            mu_f,
            var_f,
        }
    }

    fn llr(&self, cos: f64) -> f64 {
        let ln_normal = |x: f64, mu: f64, var: f64| -0.5 * ((x - mu).powi(2) / var + var.ln());
        // Above the true mean, a higher cosine is no less likely true.
        let x = cos.min(self.mu_t);
        (ln_normal(x, self.mu_t, self.var_t) - ln_normal(x, self.mu_f, self.var_f))
            .clamp(-LLR_CAP, LLR_CAP)
    }
}

impl Meaning {
    /// Embeds the stretches of `beads` (the model-free alignment with its posteriors) that
    /// need it and calibrates the cosine on the sure beads among them.
    pub fn learn(
        src: &Document,
        tgt: &Document,
        beads: &[Bead],
        emb: &Embeddings,
    ) -> Result<Meaning> {
        let (cs, ct) = coverage(src.len(), tgt.len(), beads, emb.scope);
        let embedded = cs.iter().chain(&ct).filter(|&&c| c).count();
        let src_runs = Runs::build(src, &cs, emb)?;
        let tgt_runs = Runs::build(tgt, &ct, emb)?;
        let mut m = Meaning {
            src: src_runs,
            tgt: tgt_runs,
            cal: PRIOR,
            embedded,
        };
        let (mut pos, mut neg) = (Vec::new(), Vec::new());
        for b in beads.iter().filter(|b| b.score >= UNSURE) {
            if b.src.len() != 1 || b.tgt.len() != 1 {
                continue;
            }
            let (i, j) = (b.src.start, b.tgt.start);
            let Some(c) = m.cos(i, 1, j, 1) else { continue };
            pos.push(c);
            for (a, b) in [(i, j + 1), (i + 1, j), (i.wrapping_sub(1), j), (i, j.wrapping_sub(1))]
            {
                if let Some(c) = m.cos(a, 1, b, 1) {
                    neg.push(c);
                }
            }
        }
        m.cal = Calibration::fit(&pos, &neg);
        if std::env::var("BA_DEBUG").is_ok() { eprintln!("meaning: embedded {} pos {} neg {} cal {:?} dims {} {}", m.embedded, pos.len(), neg.len(), m.cal, m.src.dim, m.tgt.dim); }
        Ok(m)
    }

    fn cos(&self, i: usize, di: usize, j: usize, dj: usize) -> Option<f64> {
        let (a, b) = (self.src.get(i, di)?, self.tgt.get(j, dj)?);
        Some(a.iter().zip(b).map(|(x, y)| x * y).sum::<f32>() as f64)
    }

    /// The weighted log-likelihood ratio of the two-sided bead `i..i+di` × `j..j+dj`, zero
    /// where its sentences were not embedded.
    #[inline]
    pub fn llr(&self, i: usize, di: usize, j: usize, dj: usize) -> f64 {
        self.cos(i, di, j, dj)
            .map_or(0.0, |c| std::env::var("BA_W").ok().and_then(|v| v.parse().ok()).unwrap_or(WEIGHT) * self.cal.llr(c))
    }
}

/// Which sentences of each side to embed: those of unsure beads and of their
/// [`NEIGHBOURS`], or all of them (scope, or most beads unsure).
fn coverage(n: usize, m: usize, beads: &[Bead], scope: Scope) -> (Vec<bool>, Vec<bool>) {
    let unsure: Vec<usize> = (0..beads.len())
        .filter(|&k| beads[k].score < UNSURE)
        .collect();
    let all = scope == Scope::Everywhere
        || unsure.len() as f64 > EVERYWHERE_SHARE * beads.len() as f64;
    if all {
        return (vec![true; n], vec![true; m]);
    }
    let (mut cs, mut ct) = (vec![false; n], vec![false; m]);
    for k in unsure {
        let lo = k.saturating_sub(NEIGHBOURS);
        let hi = (k + NEIGHBOURS + 1).min(beads.len());
        for b in &beads[lo..hi] {
            cs[b.src.clone()].iter_mut().for_each(|c| *c = true);
            ct[b.tgt.clone()].iter_mut().for_each(|c| *c = true);
        }
    }
    (cs, ct)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cosine_like_true_beads_scores_above_one_like_their_neighbours() {
        let cal = Calibration::fit(&[0.9, 0.91, 0.89], &[0.78, 0.8, 0.79]);
        assert!(cal.llr(0.9) > 1.0);
        assert!(cal.llr(0.78) < -1.0);
        assert!(cal.llr(0.99) >= cal.llr(0.9), "higher is never worse");
        assert!(cal.llr(-1.0) >= -LLR_CAP);
    }

    #[test]
    fn only_unsure_beads_and_their_neighbours_are_covered() {
        let bead = |i: usize, score: f64| Bead {
            src: i..i + 1,
            tgt: i..i + 1,
            score,
        };
        let beads: Vec<Bead> = (0..20).map(|i| bead(i, if i == 10 { 0.5 } else { 0.99 })).collect();
        let (cs, ct) = coverage(20, 20, &beads, Scope::Unsure);
        let covered: Vec<usize> = (0..20).filter(|&i| cs[i]).collect();
        assert_eq!(covered, vec![8, 9, 10, 11, 12]);
        assert_eq!(cs, ct);
        let (all, _) = coverage(20, 20, &beads, Scope::Everywhere);
        assert!(all.iter().all(|&c| c));
    }
}
