//! Bead shapes (how many source and target sentences a bead covers) and their prior
//! probabilities, re-estimated from each document's own first-pass alignment.

/// A bead of `di` source and `dj` target sentences.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Shape {
    pub di: usize,
    pub dj: usize,
}

/// Every shape the search considers, with the prior used before any data is seen.
/// Many-to-many shapes beyond these are rare in real translations (Text+Berg gold: < 1%).
pub const SHAPES: &[(usize, usize, f64)] = &[
    (1, 1, 0.80),
    (1, 0, 0.01),
    (0, 1, 0.01),
    (2, 1, 0.05),
    (1, 2, 0.05),
    (2, 2, 0.02),
    (1, 3, 0.015),
    (3, 1, 0.015),
    (2, 3, 0.005),
    (3, 2, 0.005),
    (1, 4, 0.004),
    (4, 1, 0.004),
    (3, 3, 0.002),
];

/// Shapes with their log priors.
#[derive(Debug, Clone)]
pub struct Priors {
    pub shapes: Vec<Shape>,
    pub log_prior: Vec<f64>,
}

impl Default for Priors {
    fn default() -> Self {
        let total: f64 = SHAPES.iter().map(|s| s.2).sum();
        Priors {
            shapes: SHAPES.iter().map(|&(di, dj, _)| Shape { di, dj }).collect(),
            log_prior: SHAPES.iter().map(|s| (s.2 / total).ln()).collect(),
        }
    }
}

impl Priors {
    /// Only the shapes of the classic Gale–Church search (1-1, 1-0, 0-1, 2-1, 1-2, 2-2).
    pub fn gale_church() -> Self {
        Self::up_to(2)
    }

    /// The default shapes of at most `max` sentences per side, with their priors.
    pub fn up_to(max: usize) -> Self {
        let mut p = Priors::default();
        let keep: Vec<usize> = (0..p.shapes.len())
            .filter(|&k| p.shapes[k].di <= max && p.shapes[k].dj <= max)
            .collect();
        p.shapes = keep.iter().map(|&k| p.shapes[k]).collect();
        p.log_prior = keep.iter().map(|&k| p.log_prior[k]).collect();
        p
    }

    pub fn log_prior(&self, shape: Shape) -> f64 {
        self.shapes
            .iter()
            .position(|s| *s == shape)
            .map_or(f64::NEG_INFINITY, |k| self.log_prior[k])
    }

    /// Re-estimates the priors from shape counts of a path, smoothed toward the current priors
    /// with `strength` pseudo-counts so that a short document cannot zero out a shape.
    pub fn reestimate(&self, counts: &[(Shape, usize)], strength: f64) -> Self {
        let total: usize = counts.iter().map(|c| c.1).sum();
        let denom = total as f64 + strength;
        let log_prior = self
            .shapes
            .iter()
            .zip(&self.log_prior)
            .map(|(s, lp)| {
                let c = counts
                    .iter()
                    .filter(|c| c.0 == *s)
                    .map(|c| c.1)
                    .sum::<usize>() as f64;
                ((c + strength * lp.exp()) / denom).ln()
            })
            .collect();
        Priors {
            shapes: self.shapes.clone(),
            log_prior,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn priors_sum_to_one() {
        let p = Priors::default();
        let s: f64 = p.log_prior.iter().map(|l| l.exp()).sum();
        assert!((s - 1.0).abs() < 1e-9);
    }

    #[test]
    fn reestimate_moves_mass_toward_observed_shapes() {
        let p = Priors::default();
        let del = Shape { di: 0, dj: 1 };
        let q = p.reestimate(&[(del, 40), (Shape { di: 1, dj: 1 }, 60)], 20.0);
        assert!(q.log_prior(del) > p.log_prior(del));
        let s: f64 = q.log_prior.iter().map(|l| l.exp()).sum();
        assert!((s - 1.0).abs() < 1e-9);
    }
}
