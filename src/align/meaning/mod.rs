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

mod calibration;
mod runs;
mod signal;
mod store;

pub(crate) use signal::Meaning;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::bitext::Bead;
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
    /// Where the cache is kept between runs ([`Embeddings::persist`]).
    store: Option<std::path::PathBuf>,
}

impl std::fmt::Debug for Embeddings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Embeddings")
            .field("model", &self.embedder.name())
            .field("digest", &self.embedder.digest())
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
            store: None,
        }
    }

    /// Keeps the vectors in `path` between runs: loaded now when the file exists (and was
    /// made by the same model), written by [`Embeddings::save`]. Re-aligning a corrected
    /// document then costs the encoder only its changed sentences.
    pub fn persist(mut self, path: &std::path::Path) -> Result<Self> {
        if path.exists() {
            let bytes =
                std::fs::read(path).map_err(|e| crate::error::Error::from(e).with_path(path))?;
            let cache = store::decode(&bytes, self.digest()).map_err(|e| e.with_path(path))?;
            self.cache = Mutex::new(cache);
        }
        self.store = Some(path.to_path_buf());
        Ok(self)
    }

    /// Writes the cache to its store (atomically), if it has one.
    pub fn save(&self) -> Result<()> {
        let Some(path) = &self.store else {
            return Ok(());
        };
        let bytes = {
            let cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
            store::encode(&cache, self.digest())
        };
        crate::output::write_atomic(path, |file| Ok(std::io::Write::write_all(file, &bytes)?))
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
pub(super) const CONCAT: usize = 2;

/// Bead sides hold at most this many sentences (the shapes' tallest).
pub(super) const MAX_RUN: usize = 4;

/// Beads under this posterior are unsure.
pub const UNSURE: f64 = 0.9;

/// Beads on each side of an unsure one whose sentences are embedded too: the better path may
/// run through them.
const NEIGHBOURS: usize = 2;

/// When more than this share of the beads is unsure, every sentence is embedded.
const EVERYWHERE_SHARE: f64 = 0.5;

/// Which sentences of each side to embed: those of unsure beads and of their
/// [`NEIGHBOURS`], or all of them (scope, or most beads unsure).
fn coverage(n: usize, m: usize, beads: &[Bead], scope: Scope) -> (Vec<bool>, Vec<bool>) {
    let unsure: Vec<usize> = (0..beads.len())
        .filter(|&k| beads[k].score < UNSURE)
        .collect();
    let all =
        scope == Scope::Everywhere || unsure.len() as f64 > EVERYWHERE_SHARE * beads.len() as f64;
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
    fn only_unsure_beads_and_their_neighbours_are_covered() {
        let bead = |i: usize, score: f64| Bead {
            src: i..i + 1,
            tgt: i..i + 1,
            score,
        };
        let beads: Vec<Bead> = (0..20)
            .map(|i| bead(i, if i == 10 { 0.5 } else { 0.99 }))
            .collect();
        let (cs, ct) = coverage(20, 20, &beads, Scope::Unsure);
        let covered: Vec<usize> = (0..20).filter(|&i| cs[i]).collect();
        assert_eq!(covered, vec![8, 9, 10, 11, 12]);
        assert_eq!(cs, ct);
        let (all, _) = coverage(20, 20, &beads, Scope::Everywhere);
        assert!(all.iter().all(|&c| c));
    }
}
