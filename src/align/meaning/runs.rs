//! The vectors of one side's runs of sentences (the sides a bead can have).

use super::{Embeddings, CONCAT, MAX_RUN};
use crate::document::Document;
use crate::error::Result;

/// The vectors of every run of 1..=[`MAX_RUN`] sentences of one side that lies inside the
/// embedded stretches.
pub(super) struct Runs {
    /// `index[start][len - 1]`: offset into `arena` (in vectors), or `u32::MAX`.
    index: Vec<[u32; MAX_RUN]>,
    arena: Vec<f32>,
    dim: usize,
}

impl Runs {
    /// Sentences on this side.
    pub fn len(&self) -> usize {
        self.index.len()
    }

    pub fn get(&self, start: usize, len: usize) -> Option<&[f32]> {
        let k = *self.index.get(start)?.get(len.checked_sub(1)?)?;
        (k != u32::MAX).then(|| &self.arena[k as usize * self.dim..(k as usize + 1) * self.dim])
    }

    /// Runs up to [`CONCAT`] sentences are embedded as their text; longer ones take the
    /// normalized sum of their sentences' vectors.
    pub fn build(doc: &Document, covered: &[bool], emb: &Embeddings) -> Result<Runs> {
        let n = doc.len();
        let inside = |s: usize, l: usize| s + l <= n && covered[s..s + l].iter().all(|&c| c);
        let keys: Vec<(usize, usize)> = (0..n)
            .flat_map(|s| (1..=CONCAT).map(move |l| (s, l)))
            .filter(|&(s, l)| inside(s, l))
            .collect();
        let texts: Vec<String> = keys
            .iter()
            .map(|&(s, l)| crate::bitext::join(doc, &(s..s + l)))
            .collect();
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
        for s in 0..n {
            for l in (CONCAT + 1..=MAX_RUN).filter(|&l| inside(s, l)) {
                if let Some(v) = runs.mean(s, l) {
                    runs.push(s, l, &v);
                }
            }
        }
        Ok(runs)
    }

    fn mean(&self, s: usize, l: usize) -> Option<Vec<f32>> {
        let mut sum = vec![0f32; self.dim];
        for k in s..s + l {
            sum.iter_mut()
                .zip(self.get(k, 1)?)
                .for_each(|(a, b)| *a += b);
        }
        let norm = sum.iter().map(|x| x * x).sum::<f32>().sqrt();
        (norm > 0.0).then(|| sum.iter().map(|x| x / norm).collect())
    }

    fn push(&mut self, start: usize, len: usize, v: &[f32]) {
        self.index[start][len - 1] = (self.arena.len() / self.dim.max(1)) as u32;
        self.arena.extend_from_slice(v);
    }
}

pub(super) fn dot(a: &[f32], b: &[f32]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum::<f32>() as f64
}
