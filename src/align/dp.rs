//! Dynamic programming over beads inside a band: Viterbi for the path, forward–backward for
//! each bead's posterior probability. The band (a column window per row) keeps time and memory
//! linear in the document length; a full window per row gives the exact quadratic search.

use super::logspace::log_add;
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

    /// The part of the band between two of its points, `from` and `to` (monotone: `to` at or
    /// after `from` in both coordinates), as a band of its own with `from` as origin.
    pub fn between(&self, from: (usize, usize), to: (usize, usize)) -> Band {
        let rows = from.0..=to.0;
        let clip = |v: usize| v.clamp(from.1, to.1) - from.1;
        let mut band = Band {
            lo: self.lo[rows.clone()].iter().map(|&v| clip(v)).collect(),
            hi: self.hi[rows].iter().map(|&v| clip(v)).collect(),
        };
        band.lo[0] = 0;
        if let Some(h) = band.hi.last_mut() {
            *h = to.1 - from.1;
        }
        band.tighten();
        band
    }

    /// Narrows rows so that both edges never move left from one row to the next (and each
    /// row keeps at least one cell): monotone edges keep every in-band cell reachable.
    pub fn tighten(&mut self) {
        let (lo, hi) = (&mut self.lo, &mut self.hi);
        for i in 1..lo.len() {
            lo[i] = lo[i].max(lo[i - 1]).min(hi[i]);
        }
        for i in (0..hi.len().saturating_sub(1)).rev() {
            hi[i] = hi[i].min(hi[i + 1]).max(lo[i]);
        }
    }
}

/// Values over every cell of a band, row by row.
struct Grid<'a, T> {
    band: &'a Band,
    offset: Vec<usize>,
    data: Vec<T>,
}

impl<'a, T: Copy> Grid<'a, T> {
    fn new(band: &'a Band, fill: T) -> Self {
        Self::with_data(band, |total| vec![fill; total])
    }

    /// A grid over `band` whose storage `data(cells)` makes.
    fn with_data(band: &'a Band, data: impl FnOnce(usize) -> Vec<T>) -> Self {
        let mut offset = Vec::with_capacity(band.rows());
        let mut total = 0;
        for (l, h) in band.lo.iter().zip(&band.hi) {
            offset.push(total);
            total += h + 1 - l;
        }
        Grid {
            band,
            offset,
            data: data(total),
        }
    }

    #[inline]
    fn idx(&self, i: usize, j: usize) -> usize {
        self.offset[i] + (j - self.band.lo[i])
    }

    #[inline]
    fn get(&self, i: usize, j: usize) -> T {
        self.data[self.idx(i, j)]
    }

    #[inline]
    fn set(&mut self, i: usize, j: usize, v: T) {
        let k = self.idx(i, j);
        self.data[k] = v;
    }
}

/// The rows `i..i + depth` of a band, for sweeps that only look a bead ahead (or behind):
/// memory stays proportional to the band's width, not its length.
struct Ring<'a> {
    band: &'a Band,
    rows: Vec<Vec<f64>>,
    /// The ring holds a power of two of rows, so a row's slot is a mask, not a division.
    mask: usize,
}

impl<'a> Ring<'a> {
    fn new(band: &'a Band, depth: usize) -> Self {
        let size = depth.next_power_of_two();
        Ring {
            band,
            rows: vec![Vec::new(); size],
            mask: size - 1,
        }
    }

    /// Makes row `i` current (all −∞), replacing the row `depth` away.
    fn init(&mut self, i: usize) {
        let row = &mut self.rows[i & self.mask];
        row.clear();
        row.resize(self.band.hi[i] + 1 - self.band.lo[i], f64::NEG_INFINITY);
    }

    #[inline]
    fn get(&self, i: usize, j: usize) -> f64 {
        self.rows[i & self.mask][j - self.band.lo[i]]
    }

    #[inline]
    fn slot(&mut self, i: usize, j: usize) -> &mut f64 {
        &mut self.rows[i & self.mask][j - self.band.lo[i]]
    }
}

/// Rows of bead scores computed at once, in parallel, then consumed by a sweep and dropped.
const CHUNK_ROWS: usize = 256;

/// Bead scores of a run of start rows: `rows[i - first][(j - lo[i]) * shapes + k]`, with −∞
/// for beads that would end outside the band.
struct Chunk {
    first: usize,
    rows: Vec<Vec<f32>>,
}

/// Bead scores, a row at a time: the beads that start in one row share their source side,
/// so a scorer may prepare it once (say, mark its features) for all of them.
pub trait BeadScores: Sync {
    /// Working memory of one thread scoring rows.
    type Scratch: Default + Send;

    /// The log scores of the beads starting in row `i`: for each shape `k`, those starting
    /// at the columns `spans[k]`, written to `out[(j - lo) * spans.len() + k]` (the beads
    /// of `spans[k]` end inside the lattice).
    fn row(
        &self,
        scratch: &mut Self::Scratch,
        i: usize,
        lo: usize,
        spans: &[std::ops::Range<usize>],
        out: &mut [f32],
    );
}

/// A plain function `score(i, j, k)` (the log score of the bead of shape `k` covering source
/// `i..i+di` and target `j..j+dj`; −∞ forbids it) scores bead by bead.
impl<F: Fn(usize, usize, usize) -> f64 + Sync> BeadScores for F {
    type Scratch = ();
    fn row(
        &self,
        _: &mut (),
        i: usize,
        lo: usize,
        spans: &[std::ops::Range<usize>],
        out: &mut [f32],
    ) {
        for (k, span) in spans.iter().enumerate() {
            for j in span.clone() {
                out[(j - lo) * spans.len() + k] = self(i, j, k) as f32;
            }
        }
    }
}

/// The scores of `inner` seen from `origin`: a sub-lattice's bead `(i, j)` is `inner`'s bead
/// `(i + origin.0, j + origin.1)`.
pub struct Shifted<'a, S> {
    pub inner: &'a S,
    pub origin: (usize, usize),
}

impl<S: BeadScores> BeadScores for Shifted<'_, S> {
    type Scratch = S::Scratch;
    fn row(
        &self,
        scratch: &mut Self::Scratch,
        i: usize,
        lo: usize,
        spans: &[std::ops::Range<usize>],
        out: &mut [f32],
    ) {
        let (i0, j0) = self.origin;
        let spans: Vec<_> = spans.iter().map(|r| r.start + j0..r.end + j0).collect();
        self.inner.row(scratch, i + i0, lo + j0, &spans, out);
    }
}

/// The search space of one pass: a band, the bead shapes, and the bead scores.
/// Scores are never stored for the whole band: each sweep computes them a chunk of rows at a
/// time, so memory is one byte per cell (the back pointers) plus, on the final pass, the
/// forward sums.
pub struct Lattice<'a, F> {
    pub band: &'a Band,
    pub shapes: &'a [Shape],
    pub score: F,
}

/// What one forward sweep found.
pub struct Sweep {
    /// The best path, or `None` when the band holds no complete path.
    pub path: Option<Vec<Step>>,
    /// Log sum over all paths reaching each cell, when asked for (for posteriors).
    pub forward: Option<Forward>,
}

/// Forward log sums of every cell of the band a sweep ran over, and the bead scores the
/// sweep computed when they fit [`KEPT_SCORES_BYTES`] (the backward sweep then reuses them).
pub struct Forward {
    sums: Vec<f64>,
    scores: Vec<Chunk>,
}

/// Most bytes of bead scores a forward sweep keeps for the posteriors: about 10 million
/// cells of 13 shapes (twice the last pass of a 200,000-sentence pair); longer pairs
/// recompute them chunk by chunk.
const KEPT_SCORES_BYTES: usize = 512 << 20;

impl<'a, F> Lattice<'a, F>
where
    F: BeadScores,
{
    fn n(&self) -> usize {
        self.band.rows() - 1
    }

    fn m(&self) -> usize {
        self.band.hi.last().copied().unwrap_or(0)
    }

    fn depth(&self) -> usize {
        self.shapes.iter().map(|s| s.di).max().unwrap_or(0) + 1
    }

    /// The rows of the chunk that starts at row `start`.
    fn chunk_rows(&self, start: usize) -> std::ops::Range<usize> {
        start..(start + CHUNK_ROWS).min(self.n() + 1)
    }

    fn chunk(&self, rows: std::ops::Range<usize>) -> Chunk {
        use rayon::prelude::*;
        let first = rows.start;
        let rows = rows
            .into_par_iter()
            .map_init(
                || (F::Scratch::default(), Vec::new()),
                |(scratch, spans), i| {
                    self.spans(i, spans);
                    let (lo, hi) = (self.band.lo[i], self.band.hi[i]);
                    let mut row = vec![f32::NEG_INFINITY; (hi + 1 - lo) * spans.len()];
                    self.score.row(scratch, i, lo, spans, &mut row);
                    row
                },
            )
            .collect();
        Chunk { first, rows }
    }

    /// For each shape, the columns of row `i` whose bead of that shape ends inside the band.
    fn spans(&self, i: usize, spans: &mut Vec<std::ops::Range<usize>>) {
        let (band, n, m) = (self.band, self.n(), self.m());
        let (lo, hi) = (band.lo[i], band.hi[i]);
        spans.clear();
        spans.extend(self.shapes.iter().map(|s| {
            let ei = i + s.di;
            if ei > n || band.hi[ei] < s.dj {
                return 0..0;
            }
            let from = lo.max(band.lo[ei].saturating_sub(s.dj));
            let to = hi.min(band.hi[ei] - s.dj).min(m.saturating_sub(s.dj));
            from..(to + 1).max(from)
        }));
    }

    /// The stored (single-precision) score of one bead, as the sweeps see it.
    fn bead(&self, scratch: &mut F::Scratch, i: usize, j: usize, k: usize) -> f64 {
        let ns = self.shapes.len();
        let mut spans = vec![0..0; ns];
        spans[k] = j..j + 1;
        let mut out = vec![f32::NEG_INFINITY; ns];
        self.score.row(scratch, i, j, &spans, &mut out);
        out[k] as f64
    }

    /// Viterbi over the band, pushing each cell's best score to the cells its beads reach;
    /// with `temperature`, also the forward log sums (bead scores divided by it).
    pub fn sweep(&self, temperature: Option<f64>) -> Sweep {
        let (band, ns, n, m) = (self.band, self.shapes.len(), self.n(), self.m());
        let depth = self.depth();
        let t = temperature.unwrap_or(1.0).max(1e-6);
        let mut best = Ring::new(band, depth);
        let mut back: Grid<u8> = Grid::new(band, u8::MAX);
        let mut forward = temperature.map(|_| Grid::new(band, f64::NEG_INFINITY));
        for i in 0..depth.min(n + 1) {
            best.init(i);
        }
        if band.lo[0] > 0 || m < band.lo[n] {
            return Sweep {
                path: None,
                forward: None,
            };
        }
        *best.slot(0, 0) = 0.0;
        if let Some(f) = &mut forward {
            f.set(0, 0, 0.0);
        }
        let keep = forward.is_some() && band.cells() * ns * 4 <= KEPT_SCORES_BYTES;
        let mut kept = Vec::new();
        let mut next = Some(self.chunk(self.chunk_rows(0)));
        let mut start = 0;
        while let Some(chunk) = next.take() {
            start += CHUNK_ROWS;
            // The next chunk is scored while this one is swept: the sweep is sequential and
            // would leave the other cores idle.
            let ((), following) = rayon::join(
                || self.relax(&chunk, &mut best, &mut back, &mut forward, t),
                || (start <= n).then(|| self.chunk(self.chunk_rows(start))),
            );
            if keep {
                kept.push(chunk);
            }
            next = following;
        }
        let path = (best.get(n, m) > f64::NEG_INFINITY).then(|| self.trace(&back));
        Sweep {
            path,
            forward: forward.map(|g| Forward {
                sums: g.data,
                scores: kept,
            }),
        }
    }

    /// The sweep over one chunk's rows: each reachable cell pushes its best score (and its
    /// forward sum, bead scores divided by `t`) to the cells its beads end on.
    fn relax(
        &self,
        chunk: &Chunk,
        best: &mut Ring,
        back: &mut Grid<u8>,
        forward: &mut Option<Grid<f64>>,
        t: f64,
    ) {
        let (band, ns, n, depth) = (self.band, self.shapes.len(), self.n(), self.depth());
        for (r, row) in chunk.rows.iter().enumerate() {
            let i = chunk.first + r;
            for (c, j) in (band.lo[i]..=band.hi[i]).enumerate() {
                let b = best.get(i, j);
                if b == f64::NEG_INFINITY {
                    continue;
                }
                let f = forward.as_ref().map_or(0.0, |g| g.get(i, j));
                for (k, s) in self.shapes.iter().enumerate() {
                    let v = row[c * ns + k];
                    if v == f32::NEG_INFINITY {
                        continue;
                    }
                    let (ti, tj) = (i + s.di, j + s.dj);
                    let slot = best.slot(ti, tj);
                    if b + v as f64 > *slot {
                        *slot = b + v as f64;
                        back.set(ti, tj, k as u8);
                    }
                    if let Some(g) = forward.as_mut() {
                        let x = log_add(g.get(ti, tj), f + v as f64 / t);
                        g.set(ti, tj, x);
                    }
                }
            }
            if i + depth <= n {
                best.init(i + depth);
            }
        }
    }

    fn trace(&self, back: &Grid<u8>) -> Vec<Step> {
        let mut steps = Vec::new();
        let mut scratch = F::Scratch::default();
        let (mut i, mut j) = (self.n(), self.m());
        while i > 0 || j > 0 {
            let k = back.get(i, j) as usize;
            let s = self.shapes[k];
            let (pi, pj) = (i - s.di, j - s.dj);
            steps.push(Step {
                i: pi,
                j: pj,
                shape: s,
                score: self.bead(&mut scratch, pi, pj, k),
            });
            (i, j) = (pi, pj);
        }
        steps.reverse();
        steps
    }

    /// Posterior probability of each step of `path` under all paths of the band: a backward
    /// sweep (scores recomputed chunk by chunk, last rows first) meets the forward sums.
    pub fn posteriors(&self, path: &[Step], forward: Forward, temperature: f64) -> Vec<f64> {
        let (band, ns, n, m) = (self.band, self.shapes.len(), self.n(), self.m());
        let Forward { sums, mut scores } = forward;
        let forward = Grid::with_data(band, |_| sums);
        let t = temperature.max(1e-6);
        let z = forward.get(n, m);
        let mut post = vec![0.0; path.len()];
        if z == f64::NEG_INFINITY {
            return post;
        }
        let mut bwd = Ring::new(band, self.depth());
        let mut next = path.len(); // steps at or after `next` are done
        let starts: Vec<usize> = (0..=n).step_by(CHUNK_ROWS).collect();
        for &start in starts.iter().rev() {
            // Kept chunks are in sweep order: the last one is this one.
            let chunk = match scores.pop() {
                Some(c) if c.first == start => c,
                _ => self.chunk(self.chunk_rows(start)),
            };
            for i in (chunk.first..chunk.first + chunk.rows.len()).rev() {
                let row = &chunk.rows[i - chunk.first];
                bwd.init(i);
                for j in (band.lo[i]..=band.hi[i]).rev() {
                    let c = j - band.lo[i];
                    if i == n && j == m {
                        *bwd.slot(i, j) = 0.0;
                        continue;
                    }
                    let mut acc = f64::NEG_INFINITY;
                    for (k, s) in self.shapes.iter().enumerate() {
                        let v = row[c * ns + k];
                        if v == f32::NEG_INFINITY {
                            continue;
                        }
                        let b = bwd.get(i + s.di, j + s.dj);
                        if b > f64::NEG_INFINITY {
                            acc = log_add(acc, b + v as f64 / t);
                        }
                    }
                    *bwd.slot(i, j) = acc;
                }
                while next > 0 && path[next - 1].i == i {
                    next -= 1;
                    let st = &path[next];
                    let b = bwd.get(st.i + st.shape.di, st.j + st.shape.dj);
                    let p = (forward.get(st.i, st.j) + st.score / t + b - z).exp();
                    post[next] = if p.is_finite() {
                        p.clamp(0.0, 1.0)
                    } else {
                        0.0
                    };
                }
            }
        }
        post
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::align::shapes::Shape;

    fn shape_list(dims: &[(usize, usize)]) -> Vec<Shape> {
        dims.iter().map(|&(di, dj)| Shape { di, dj }).collect()
    }

    fn shapes() -> Vec<Shape> {
        shape_list(&[(1, 1), (1, 0), (0, 1), (2, 1), (1, 2)])
    }

    /// The band of half-width `w` around the diagonal of an `n × n` lattice.
    fn diagonal_band(n: usize, w: usize) -> Band {
        Band {
            lo: (0..=n).map(|i| i.saturating_sub(w)).collect(),
            hi: (0..=n).map(|i| (i + w).min(n)).collect(),
        }
    }

    /// The best path of a lattice and its beads' posteriors (temperature 1).
    fn path_and_posteriors<F: BeadScores>(lattice: &Lattice<F>) -> (Vec<Step>, Vec<f64>) {
        let sweep = lattice.sweep(Some(1.0));
        let path = sweep.path.expect("path");
        let post = lattice.posteriors(&path, sweep.forward.expect("forward"), 1.0);
        (path, post)
    }

    /// Scores 1-1 beads 0 and every other shape `other`.
    fn diagonal(sh: &[Shape], other: f64) -> impl Fn(usize, usize, usize) -> f64 + Sync + '_ {
        move |_, _, k| {
            if sh[k].di == 1 && sh[k].dj == 1 {
                0.0
            } else {
                other
            }
        }
    }

    #[test]
    fn viterbi_prefers_diagonal_when_one_to_one_scores_best() {
        let band = Band::full(3, 3);
        let sh = shapes();
        let lattice = Lattice {
            band: &band,
            shapes: &sh,
            score: diagonal(&sh, -5.0),
        };
        let path = lattice.sweep(None).path.expect("path");
        assert_eq!(path.len(), 3);
        assert!(path.iter().all(|s| s.shape.di == 1 && s.shape.dj == 1));
    }

    #[test]
    fn posteriors_sum_like_probabilities_and_peak_on_clear_path() {
        let band = Band::full(2, 2);
        let sh = shapes();
        let lattice = Lattice {
            band: &band,
            shapes: &sh,
            score: diagonal(&sh, -8.0),
        };
        let (_, post) = path_and_posteriors(&lattice);
        assert!(post.iter().all(|p| *p > 0.99 && *p <= 1.0), "{post:?}");
    }

    #[test]
    fn posteriors_split_evenly_between_two_equally_good_paths() {
        // 2 × 2 with only 1-1 and 2-2 beads, all scoring 0: two paths, equally likely.
        let band = Band::full(2, 2);
        let sh = shape_list(&[(1, 1), (2, 2)]);
        let lattice = Lattice {
            band: &band,
            shapes: &sh,
            score: |_, _, _| 0.0,
        };
        let (_, post) = path_and_posteriors(&lattice);
        assert!(post.iter().all(|p| (p - 0.5).abs() < 1e-6), "{post:?}");
    }

    #[test]
    fn sweeps_cross_chunk_boundaries_without_losing_the_path() {
        let n = 3 * CHUNK_ROWS + 7;
        let band = diagonal_band(n, 3);
        let sh = shapes();
        // Only the diagonal's own 1-1 beads score well.
        let lattice = Lattice {
            band: &band,
            shapes: &sh,
            score: |i: usize, j: usize, k: usize| {
                if i == j && k == 0 {
                    0.0
                } else {
                    -6.0
                }
            },
        };
        let (path, post) = path_and_posteriors(&lattice);
        assert_eq!(path.len(), n);
        assert!(post.iter().all(|p| *p > 0.9), "{:?}", &post[..5]);
        // The lattice is symmetric end to end, and so must the posteriors be.
        for k in 0..n {
            assert!((post[k] - post[n - 1 - k]).abs() < 1e-6, "{k}");
        }
    }

    #[test]
    fn posteriors_are_the_same_from_kept_or_recomputed_scores() {
        let n = 2 * CHUNK_ROWS + 9;
        let band = diagonal_band(n, 4);
        let sh = shapes();
        let lattice = Lattice {
            band: &band,
            shapes: &sh,
            score: |i: usize, j: usize, k: usize| -(((i * 7 + j * 3 + k) % 11) as f64),
        };
        let sweep = lattice.sweep(Some(1.3));
        let path = sweep.path.expect("path");
        let forward = sweep.forward.expect("forward");
        assert!(!forward.scores.is_empty(), "a small band keeps its scores");
        let bare = Forward {
            sums: forward.sums.clone(),
            scores: Vec::new(),
        };
        let kept = lattice.posteriors(&path, forward, 1.3);
        let recomputed = lattice.posteriors(&path, bare, 1.3);
        assert_eq!(kept, recomputed);
    }

    #[test]
    fn viterbi_fails_cleanly_when_band_cannot_reach_the_end() {
        // Row 0 holds only column 0 and row 1 only column 1: no 1-1 bead, no path.
        let band = Band {
            lo: vec![0, 1],
            hi: vec![0, 1],
        };
        let sh = shape_list(&[(1, 0), (0, 1)]);
        let lattice = Lattice {
            band: &band,
            shapes: &sh,
            score: |_, _, _| 0.0,
        };
        assert!(lattice.sweep(None).path.is_none());
    }
}
