//! Dynamic programming over beads inside a band: Viterbi for the path, forward–backward for
//! each bead's posterior probability. The band (a column window per row) keeps time and memory
//! linear in the document length; a full window per row gives the exact quadratic search.

use super::shapes::Shape;

/// For each source position `i` in `0..=n`, the inclusive window of target positions searched.
#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    pub lo: Vec<usize>,
    pub hi: Vec<usize>,
}

impl Band {
    /// The whole `(n+1) × (m+1)` lattice.
    pub fn full(n: usize, m: usize) -> Self {
        Band {
            lo: vec![0; n + 1],
            hi: vec![m; n + 1],
        }
    }

    pub fn rows(&self) -> usize {
        self.lo.len()
    }

    /// Number of lattice cells searched.
    pub fn cells(&self) -> usize {
        self.lo.iter().zip(&self.hi).map(|(l, h)| h + 1 - l).sum()
    }

    fn contains(&self, i: usize, j: usize) -> bool {
        i < self.lo.len() && j >= self.lo[i] && j <= self.hi[i]
    }
}

/// A lattice of scores laid out row by row over a band.
struct Grid<'a, T> {
    band: &'a Band,
    offset: Vec<usize>,
    data: Vec<T>,
}

impl<'a, T: Copy> Grid<'a, T> {
    fn new(band: &'a Band, fill: T) -> Self {
        let mut offset = Vec::with_capacity(band.rows());
        let mut total = 0;
        for (l, h) in band.lo.iter().zip(&band.hi) {
            offset.push(total);
            total += h + 1 - l;
        }
        Grid {
            band,
            offset,
            data: vec![fill; total],
        }
    }

    fn idx(&self, i: usize, j: usize) -> usize {
        self.offset[i] + (j - self.band.lo[i])
    }

    fn get(&self, i: usize, j: usize) -> Option<T> {
        self.band.contains(i, j).then(|| self.data[self.idx(i, j)])
    }

    fn set(&mut self, i: usize, j: usize, v: T) {
        let k = self.idx(i, j);
        self.data[k] = v;
    }
}

/// The log score of every bead the band allows, computed once per model (in parallel over
/// rows) and read by Viterbi and forward–backward alike.
pub struct ScoreTable<'a> {
    band: &'a Band,
    shapes: &'a [Shape],
    offset: Vec<usize>,
    /// `data[(offset[i] + j - lo[i]) * shapes + k]`: bead of shape `k` starting at `(i, j)`.
    data: Vec<f32>,
}

impl<'a> ScoreTable<'a> {
    pub fn build<F>(band: &'a Band, shapes: &'a [Shape], score: F) -> Self
    where
        F: Fn(usize, usize, Shape) -> f64 + Sync,
    {
        use rayon::prelude::*;
        let n = band.rows() - 1;
        let m = band.hi.last().copied().unwrap_or(0);
        let rows: Vec<Vec<f32>> = (0..=n)
            .into_par_iter()
            .map(|i| {
                let mut row = Vec::with_capacity((band.hi[i] + 1 - band.lo[i]) * shapes.len());
                for j in band.lo[i]..=band.hi[i] {
                    for s in shapes {
                        let ends = (i + s.di, j + s.dj);
                        let v = if ends.0 <= n && ends.1 <= m && band.contains(ends.0, ends.1) {
                            score(i, j, *s) as f32
                        } else {
                            f32::NEG_INFINITY
                        };
                        row.push(v);
                    }
                }
                row
            })
            .collect();
        let mut offset = Vec::with_capacity(rows.len());
        let mut data = Vec::with_capacity(rows.iter().map(Vec::len).sum());
        for r in rows {
            offset.push(data.len() / shapes.len().max(1));
            data.extend(r);
        }
        ScoreTable {
            band,
            shapes,
            offset,
            data,
        }
    }

    /// Score of the bead of shape index `k` starting at `(i, j)` (which must be in the band).
    #[inline]
    pub fn get(&self, i: usize, j: usize, k: usize) -> f64 {
        self.data[(self.offset[i] + j - self.band.lo[i]) * self.shapes.len() + k] as f64
    }
}

/// One step of the best path: a bead starting at `(i, j)` with `shape`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Step {
    pub i: usize,
    pub j: usize,
    pub shape: Shape,
    /// The bead's own log score.
    pub score: f64,
}

/// Finds the highest-scoring monotone path from `(0,0)` to `(n,m)` through the band.
/// `score(i, j, shape)` is the log score of a bead covering `i..i+di` and `j..j+dj`
/// (`f64::NEG_INFINITY` forbids it). Returns `None` when the band holds no complete path.
pub fn viterbi(table: &ScoreTable) -> Option<Vec<Step>> {
    let (band, shapes) = (table.band, table.shapes);
    let n = band.rows() - 1;
    let m = *band.hi.last()?;
    let mut best: Grid<f64> = Grid::new(band, f64::NEG_INFINITY);
    let mut back: Grid<u8> = Grid::new(band, u8::MAX);
    if !band.contains(0, 0) {
        return None;
    }
    best.set(0, 0, 0.0);
    for i in 0..=n {
        for j in band.lo[i]..=band.hi[i] {
            if i == 0 && j == 0 {
                continue;
            }
            let mut top = f64::NEG_INFINITY;
            let mut arg = u8::MAX;
            for (k, s) in shapes.iter().enumerate() {
                let (Some(pi), Some(pj)) = (i.checked_sub(s.di), j.checked_sub(s.dj)) else {
                    continue;
                };
                let Some(prev) = best.get(pi, pj) else {
                    continue;
                };
                if prev == f64::NEG_INFINITY {
                    continue;
                }
                let v = prev + table.get(pi, pj, k);
                if v > top {
                    top = v;
                    arg = k as u8;
                }
            }
            best.set(i, j, top);
            back.set(i, j, arg);
        }
    }
    if !band.contains(n, m) || best.get(n, m)? == f64::NEG_INFINITY {
        return None;
    }
    let mut steps = Vec::new();
    let (mut i, mut j) = (n, m);
    while i > 0 || j > 0 {
        let k = back.get(i, j)? as usize;
        let s = shapes[k];
        let (pi, pj) = (i - s.di, j - s.dj);
        steps.push(Step {
            i: pi,
            j: pj,
            shape: s,
            score: table.get(pi, pj, k),
        });
        i = pi;
        j = pj;
    }
    steps.reverse();
    Some(steps)
}

fn log_add(a: f64, b: f64) -> f64 {
    if a == f64::NEG_INFINITY {
        return b;
    }
    if b == f64::NEG_INFINITY {
        return a;
    }
    let (hi, lo) = if a > b { (a, b) } else { (b, a) };
    hi + (lo - hi).exp().ln_1p()
}

/// Posterior probability of each step of `path` under all paths of the band, with every bead
/// score divided by `temperature` (flattening an over-confident model).
pub fn posteriors(table: &ScoreTable, path: &[Step], temperature: f64) -> Vec<f64> {
    let (band, shapes) = (table.band, table.shapes);
    let n = band.rows() - 1;
    let Some(&m) = band.hi.last() else {
        return vec![0.0; path.len()];
    };
    let t = temperature.max(1e-6);
    if !band.contains(0, 0) || !band.contains(n, m) {
        return vec![0.0; path.len()];
    }
    let mut fwd: Grid<f64> = Grid::new(band, f64::NEG_INFINITY);
    fwd.set(0, 0, 0.0);
    for i in 0..=n {
        for j in band.lo[i]..=band.hi[i] {
            if i == 0 && j == 0 {
                continue;
            }
            let mut acc = f64::NEG_INFINITY;
            for (k, s) in shapes.iter().enumerate() {
                let (Some(pi), Some(pj)) = (i.checked_sub(s.di), j.checked_sub(s.dj)) else {
                    continue;
                };
                match fwd.get(pi, pj) {
                    Some(p) if p > f64::NEG_INFINITY => {
                        acc = log_add(acc, p + table.get(pi, pj, k) / t)
                    }
                    _ => {}
                }
            }
            fwd.set(i, j, acc);
        }
    }
    let mut bwd: Grid<f64> = Grid::new(band, f64::NEG_INFINITY);
    bwd.set(n, m, 0.0);
    for i in (0..=n).rev() {
        for j in (band.lo[i]..=band.hi[i]).rev() {
            if i == n && j == m {
                continue;
            }
            let mut acc = f64::NEG_INFINITY;
            for (k, s) in shapes.iter().enumerate() {
                match bwd.get(i + s.di, j + s.dj) {
                    Some(b) if b > f64::NEG_INFINITY => {
                        acc = log_add(acc, b + table.get(i, j, k) / t)
                    }
                    _ => {}
                }
            }
            bwd.set(i, j, acc);
        }
    }
    let z = fwd.get(n, m).unwrap_or(f64::NEG_INFINITY);
    path.iter()
        .map(|st| {
            let a = fwd.get(st.i, st.j).unwrap_or(f64::NEG_INFINITY);
            let b = bwd
                .get(st.i + st.shape.di, st.j + st.shape.dj)
                .unwrap_or(f64::NEG_INFINITY);
            let p = (a + st.score / t + b - z).exp();
            if p.is_finite() {
                p.clamp(0.0, 1.0)
            } else {
                0.0
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::align::shapes::Shape;

    fn shapes() -> Vec<Shape> {
        [(1, 1), (1, 0), (0, 1), (2, 1), (1, 2)]
            .iter()
            .map(|&(di, dj)| Shape { di, dj })
            .collect()
    }

    #[test]
    fn viterbi_prefers_diagonal_when_one_to_one_scores_best() {
        let band = Band::full(3, 3);
        let sh = shapes();
        let table = ScoreTable::build(
            &band,
            &sh,
            |_, _, s| if s.di == 1 && s.dj == 1 { 0.0 } else { -5.0 },
        );
        let path = viterbi(&table).expect("path");
        assert_eq!(path.len(), 3);
        assert!(path.iter().all(|s| s.shape.di == 1 && s.shape.dj == 1));
    }

    #[test]
    fn posteriors_sum_like_probabilities_and_peak_on_clear_path() {
        let band = Band::full(2, 2);
        let sc = |_, _, s: Shape| if s.di == 1 && s.dj == 1 { 0.0 } else { -8.0 };
        let sh = shapes();
        let table = ScoreTable::build(&band, &sh, sc);
        let path = viterbi(&table).expect("path");
        let post = posteriors(&table, &path, 1.0);
        assert!(post.iter().all(|p| *p > 0.99 && *p <= 1.0), "{post:?}");
    }

    #[test]
    fn viterbi_fails_cleanly_when_band_cannot_reach_the_end() {
        // Row 0 holds only column 0 and row 1 only column 1: no 1-1 bead, no path.
        let band = Band {
            lo: vec![0, 1],
            hi: vec![0, 1],
        };
        let sh: Vec<Shape> = [(1, 0), (0, 1)]
            .iter()
            .map(|&(di, dj)| Shape { di, dj })
            .collect();
        assert!(viterbi(&ScoreTable::build(&band, &sh, |_, _, _| 0.0)).is_none());
    }
}
