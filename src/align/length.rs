//! The length signal: how well the character lengths of the two sides of a bead fit each other,
//! as a log-likelihood ratio against the two sides being unrelated. Every parameter (length
//! ratio, its variance as a function of length, the marginal length distributions) is learned
//! from the document pair itself, because language pairs differ widely (Arabic vs English).

use super::logspace::log_add;

/// Width of one bin of the log-length histograms.
const BIN: f64 = 0.05;
const BINS: usize = 300; // ln(L+1) in [0, 15)
/// Kernel bandwidth (in bins) for smoothing the histograms.
const KERNEL: f64 = 3.0;
/// Up to how many consecutive sentences a bead side can hold.
pub const MAX_SIDE: usize = 4;

/// The density of the log length of `j` consecutive sentences of one side, for `j = 1..=4`.
#[derive(Debug, Clone)]
struct Marginals {
    /// `log_density[j-1][bin]`, per unit of ln-length.
    log_density: Vec<Vec<f64>>,
}

impl Marginals {
    fn from_lengths(lengths: &[usize]) -> Self {
        let log_density = (1..=MAX_SIDE)
            .map(|j| {
                let samples: Vec<f64> = if lengths.len() >= j {
                    lengths.windows(j).map(|w| ln_len(w.iter().sum())).collect()
                } else {
                    vec![ln_len(lengths.iter().sum::<usize>().max(1))]
                };
                smoothed_log_density(&samples)
            })
            .collect();
        Marginals { log_density }
    }

    fn log_density(&self, j: usize, x: f64) -> f64 {
        let j = j.clamp(1, MAX_SIDE);
        let bin = ((x / BIN) as usize).min(BINS - 1);
        self.log_density[j - 1][bin]
    }
}

fn smoothed_log_density(samples: &[f64]) -> Vec<f64> {
    let mut hist = vec![0.0f64; BINS];
    for &x in samples {
        let b = ((x / BIN) as usize).min(BINS - 1);
        hist[b] += 1.0;
    }
    let radius = (KERNEL * 3.0) as isize;
    let weights: Vec<f64> = (-radius..=radius)
        .map(|d| (-0.5 * (d as f64 / KERNEL).powi(2)).exp())
        .collect();
    let wsum: f64 = weights.iter().sum();
    let n = samples.len().max(1) as f64;
    // A uniform floor over the plausible range keeps unseen lengths possible.
    let floor = 0.01 / (BINS as f64 * BIN);
    (0..BINS)
        .map(|b| {
            let mut acc = 0.0;
            for (k, w) in weights.iter().enumerate() {
                let src = b as isize + k as isize - radius;
                if (0..BINS as isize).contains(&src) {
                    acc += w * hist[src as usize];
                }
            }
            let dens = acc / wsum / n / BIN;
            (0.99 * dens + floor).ln()
        })
        .collect()
}

fn ln_len(chars: usize) -> f64 {
    (chars as f64 + 1.0).ln()
}

/// Characters a language spends on what English says in 100, over 100 (the length ratio of
/// a language pair is the ratio of these). Measured on gold 1-1 beads: English–Arabic
/// (TICO-19) 0.90, German–French (Text+Berg) 1.03, Chinese–English (MAC) 0.27; the others
/// from published text-expansion tables. Only the start of an estimate: the pair's own
/// beads take over as the document grows.
const CHAR_FACTORS: &[(&str, f64)] = &[
    ("en", 1.0),
    ("ar", 0.90),
    ("fa", 0.92),
    ("ur", 0.95),
    ("he", 0.80),
    ("de", 1.12),
    ("nl", 1.10),
    ("sv", 1.02),
    ("da", 1.02),
    ("no", 1.02),
    ("nb", 1.02),
    ("fi", 1.05),
    ("fr", 1.15),
    ("es", 1.14),
    ("it", 1.12),
    ("pt", 1.12),
    ("ro", 1.12),
    ("ca", 1.12),
    ("pl", 1.08),
    ("cs", 1.0),
    ("sk", 1.0),
    ("hu", 1.05),
    ("ru", 1.05),
    ("uk", 1.05),
    ("bg", 1.05),
    ("el", 1.15),
    ("tr", 1.02),
    ("hi", 1.05),
    ("th", 0.95),
    ("vi", 1.1),
    ("id", 1.12),
    ("zh", 0.27),
    ("ja", 0.38),
    ("ko", 0.45),
];

/// Languages written without spaces between words, whose length against an alphabetic
/// language varies most from text to text (MAC chapters: 3.4 to 5.2 English characters per
/// Chinese one; a press release 2.7): their prior is trusted less.
const LOOSE: &[&str] = &["zh", "ja", "ko", "th"];

/// The expected `ln(Lt/Ls)` of the language pair, and how many beads of the pair's own that
/// is worth, when both languages are in [`CHAR_FACTORS`].
pub fn prior_log_ratio(src_lang: &str, tgt_lang: &str) -> Option<(f64, f64)> {
    let base = |lang: &str| {
        lang.split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase()
    };
    let (s, t) = (base(src_lang), base(tgt_lang));
    let factor = |lang: &str| CHAR_FACTORS.iter().find(|f| f.0 == lang).map(|f| f.1);
    let ratio = (factor(&t)? / factor(&s)?).ln();
    let loose = LOOSE.contains(&s.as_str()) != LOOSE.contains(&t.as_str());
    Some((
        ratio,
        if loose {
            PRIOR_BEADS / 4.0
        } else {
            PRIOR_BEADS
        },
    ))
}

/// Pseudo-beads the prior length ratio weighs against the pair's own: a five-sentence
/// document learns a little from itself, a long one nearly all.
const PRIOR_BEADS: f64 = 12.0;

/// Length model of one document pair.
#[derive(Debug, Clone)]
pub struct LengthModel {
    /// Mean of `ln(Lt+1) - ln(Ls+1)` over true beads.
    mu: f64,
    /// What `mu` is shrunk toward, and how many beads that is worth ([`PRIOR_BEADS`] when
    /// the language pair is known, else the whole-text ratio worth as many as a short
    /// document's sentences).
    prior: (f64, f64),
    /// Variance of that difference is `a + b / (Ls + Lt + 2)`: short sentences vary more.
    a: f64,
    b: f64,
    /// Share of true beads whose lengths disagree arbitrarily (free translation, OCR loss).
    eps: f64,
    src: Marginals,
    tgt: Marginals,
    /// Every run of 1..=4 sentences of each side, measured once: beads are scored millions
    /// of times and each would otherwise take two logarithms and two density look-ups.
    src_runs: Runs,
    tgt_runs: Runs,
    /// `ln(TAIL_WIDTH²)`, `ln(1 - eps)`, `ln(eps)`: constants of [`LengthModel::mix`].
    ln_tail: [f64; 3],
    /// `1/var` and `-ln(2π·var)/2` for bead lengths `Ls + Lt` below `VAR_TABLE`, side by
    /// side (one look-up), refreshed on refit.
    var_table: Vec<(f64, f64)>,
    /// [`LengthModel::shape_of`] at `q = k / Q_STEPS`, and the step to the next entry.
    q_table: Vec<(f64, f64)>,
}

/// Bead lengths (in characters, both sides) whose variance term is tabulated.
const VAR_TABLE: usize = 4096;

/// Steps per unit of `q` and entries of [`LengthModel::shape_of`]'s table (`q` below 256,
/// beyond which the exact form is taken: such beads are far off anyway).
const Q_STEPS: f64 = 16.0;
const Q_TABLE: usize = 4096;

/// Length, log length and marginal log density of the run of `d` sentences from each position.
#[derive(Debug, Clone, Default)]
struct Runs {
    len: Vec<[u32; MAX_SIDE]>,
    ln: Vec<[f64; MAX_SIDE]>,
    dens: Vec<[f64; MAX_SIDE]>,
}

impl Runs {
    fn new(lengths: &[usize], marginals: &Marginals) -> Self {
        let mut runs = Runs::default();
        for i in 0..lengths.len() {
            let (mut len, mut ln, mut dens) = ([0; MAX_SIDE], [0.0; MAX_SIDE], [0.0; MAX_SIDE]);
            let mut total = 0usize;
            for d in 1..=MAX_SIDE.min(lengths.len() - i) {
                total += lengths[i + d - 1];
                len[d - 1] = total.min(u32::MAX as usize) as u32;
                ln[d - 1] = ln_len(total);
                dens[d - 1] = marginals.log_density(d, ln[d - 1]);
            }
            runs.len.push(len);
            runs.ln.push(ln);
            runs.dens.push(dens);
        }
        runs
    }
}

impl LengthModel {
    /// Initial model from the sentence lengths (in characters) of both sides, and the length
    /// ratio expected for the language pair when known ([`prior_log_ratio`]).
    pub fn new(src_len: &[usize], tgt_len: &[usize], prior: Option<(f64, f64)>) -> Self {
        let ts: usize = src_len.iter().sum::<usize>().max(1);
        let tt: usize = tgt_len.iter().sum::<usize>().max(1);
        let (src, tgt) = (
            Marginals::from_lengths(src_len),
            Marginals::from_lengths(tgt_len),
        );
        // The whole-text ratio counts lines without counterpart too: in a short document
        // one untranslated sentence moves it a lot, so a known pair's ratio weighs in.
        let whole = (tt as f64 / ts as f64).ln();
        let n = src_len.len().min(tgt_len.len()) as f64;
        let prior = prior.unwrap_or((whole, PRIOR_BEADS));
        let mu = (prior.0 * prior.1 + whole * n) / (prior.1 + n);
        let mut model = LengthModel {
            mu,
            prior,
            a: 0.01,
            b: 6.0,
            eps: 0.02,
            src_runs: Runs::new(src_len, &src),
            tgt_runs: Runs::new(tgt_len, &tgt),
            src,
            tgt,
            var_table: Vec::new(),
            q_table: Vec::new(),
            ln_tail: [0.0; 3],
        };
        model.tabulate();
        model
    }

    fn tabulate(&mut self) {
        self.ln_tail = [
            (TAIL_WIDTH * TAIL_WIDTH).ln(),
            (1.0 - self.eps).ln(),
            self.eps.ln(),
        ];
        self.var_table = (0..VAR_TABLE)
            .map(|total| self.variance_terms(total))
            .collect();
        self.q_table = (0..Q_TABLE)
            .map(|k| {
                let at = |k: usize| self.shape_exact(k as f64 / Q_STEPS);
                (at(k), at(k + 1) - at(k))
            })
            .collect();
    }

    /// Refits ratio and variance on lengths of beads believed right (`(Ls, Lt)` pairs).
    /// The ratio is shrunk toward the prior ([`PRIOR_BEADS`]); the variance, which a few
    /// beads cannot tell, is refitted from eight beads on.
    pub fn refit(&mut self, pairs: &[(usize, usize)]) {
        if pairs.is_empty() {
            return;
        }
        let mut resid: Vec<f64> = pairs.iter().map(|&(s, t)| ln_len(t) - ln_len(s)).collect();
        resid.sort_by(f64::total_cmp);
        let n = resid.len() as f64;
        self.mu = (self.prior.0 * self.prior.1 + resid[resid.len() / 2] * n) / (self.prior.1 + n);
        self.tabulate();
        if pairs.len() < 8 {
            return;
        }
        // Least squares of r² on 1/(L+2), ignoring gross outliers.
        let pts: Vec<(f64, f64)> = pairs
            .iter()
            .map(|&(s, t)| {
                let r = ln_len(t) - ln_len(s) - self.mu;
                (1.0 / (s + t + 2) as f64, r * r)
            })
            .filter(|&(_, r2)| r2 < 1.0)
            .collect();
        let n = pts.len() as f64;
        if n < 8.0 {
            return;
        }
        let mx = pts.iter().map(|p| p.0).sum::<f64>() / n;
        let my = pts.iter().map(|p| p.1).sum::<f64>() / n;
        let sxx: f64 = pts.iter().map(|p| (p.0 - mx).powi(2)).sum();
        let sxy: f64 = pts.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
        let b = if sxx > 0.0 { (sxy / sxx).max(0.0) } else { 0.0 };
        let a = (my - b * mx).max(0.002);
        self.a = a;
        self.b = b;
        self.tabulate();
    }

    fn variance_of(&self, total: usize) -> f64 {
        self.a + self.b / (total + 2) as f64
    }

    /// Log-likelihood ratio of a bead of `ni` source sentences totalling `ls` characters and
    /// `nj` target sentences totalling `lt`, against the two sides being unrelated; averaged
    /// over both directions so that neither language is privileged.
    pub fn llr(&self, ni: usize, ls: usize, nj: usize, lt: usize) -> f64 {
        if ni == 0 || nj == 0 {
            return 0.0;
        }
        let (x, y) = (ln_len(lt), ln_len(ls));
        let mix = self.mix(x - y, ls + lt);
        0.5 * ((mix - self.tgt.log_density(nj, x)) + (mix - self.src.log_density(ni, y)))
    }

    /// [`LengthModel::llr`] of the bead of `di` source sentences from `i` and `dj` target
    /// sentences from `j` (each at most [`MAX_SIDE`]) of the pair the model was built on.
    #[inline]
    pub fn llr_at(&self, i: usize, di: usize, j: usize, dj: usize) -> f64 {
        if di == 0 || dj == 0 {
            return 0.0;
        }
        let (s, t) = (&self.src_runs, &self.tgt_runs);
        let total = s.len[i][di - 1] as usize + t.len[j][dj - 1] as usize;
        let mix = self.mix(t.ln[j][dj - 1] - s.ln[i][di - 1], total);
        mix - 0.5 * (t.dens[j][dj - 1] + s.dens[i][di - 1])
    }

    /// Log density of the log-length difference `d` of a true bead of `total` characters:
    /// a normal core mixed with a wider normal tail.
    #[inline]
    fn mix(&self, d: f64, total: usize) -> f64 {
        let (inv_var, half_ln) = match self.var_table.get(total) {
            Some(&terms) => terms,
            None => self.variance_terms(total),
        };
        let r = d - self.mu;
        half_ln + self.shape_of(r * r * inv_var)
    }

    /// `1/var` and `-ln(2π·var)/2` for a bead of `total` characters.
    fn variance_terms(&self, total: usize) -> (f64, f64) {
        let v = self.variance_of(total);
        (1.0 / v, -0.5 * (2.0 * std::f64::consts::PI * v).ln())
    }

    /// The part of [`LengthModel::mix`] that depends on the squared standardized difference
    /// `q`: `ln((1 - eps)·e^(-q/2) + eps/w·e^(-q/2w²))`, the tail a wider normal, not a floor
    /// (free translations vary more, yet a title is still no match for a whole paragraph).
    /// Tabulated: it is taken for every bead the search scores.
    #[inline]
    fn shape_of(&self, q: f64) -> f64 {
        let x = q * Q_STEPS;
        if x < (Q_TABLE - 1) as f64 {
            let k = x as usize;
            let (v, step) = self.q_table[k];
            return v + step * (x - k as f64);
        }
        self.shape_exact(q)
    }

    fn shape_exact(&self, q: f64) -> f64 {
        let core = self.ln_tail[1] - 0.5 * q;
        let tail = self.ln_tail[2] - 0.5 * (q / (TAIL_WIDTH * TAIL_WIDTH) + self.ln_tail[0]);
        log_add(core, tail)
    }
}

/// How much wider (in standard deviations) the tail component of the length model is.
const TAIL_WIDTH: f64 = 3.0;

/// The classic Gale–Church cost: `ln 2(1 - Φ(|δ|))` with `δ = (lt - c·ls) / sqrt(s²·ls)`,
/// `c` and `s²` estimated from the pair. Kept as the baseline the issue asks to measure.
#[derive(Debug, Clone)]
pub struct GaleChurch {
    pub c: f64,
    pub s2: f64,
}

impl GaleChurch {
    pub fn new(src_len: &[usize], tgt_len: &[usize]) -> Self {
        let ts: usize = src_len.iter().sum::<usize>().max(1);
        let tt: usize = tgt_len.iter().sum::<usize>().max(1);
        GaleChurch {
            c: tt as f64 / ts as f64,
            s2: 6.8,
        }
    }

    /// Re-estimates `s²` from beads believed right.
    pub fn refit(&mut self, pairs: &[(usize, usize)]) {
        let v: Vec<f64> = pairs
            .iter()
            .filter(|p| p.0 > 0)
            .map(|&(s, t)| (t as f64 - self.c * s as f64).powi(2) / s as f64)
            .collect();
        if v.len() >= 8 {
            let mut v = v;
            v.sort_by(f64::total_cmp);
            // Median-based: robust to the few wrong beads of a first pass.
            self.s2 = (v[v.len() / 2] / 0.455).max(0.5);
        }
    }

    /// Log probability of the length match (`ln 2(1-Φ(|δ|))`).
    pub fn log_p(&self, ls: usize, lt: usize) -> f64 {
        let mean = (ls as f64 + lt as f64 / self.c) / 2.0;
        let delta = (lt as f64 - self.c * ls as f64) / (self.s2 * mean.max(1.0)).sqrt();
        let p = 2.0 * (1.0 - normal_cdf(delta.abs()));
        p.max(1e-300).ln()
    }
}

/// Standard normal CDF (Abramowitz & Stegun 7.1.26 via erf), accurate to ~1e-7.
fn normal_cdf(x: f64) -> f64 {
    0.5 * (1.0 + erf(x / std::f64::consts::SQRT_2))
}

fn erf(x: f64) -> f64 {
    let t = 1.0 / (1.0 + 0.327_591_1 * x.abs());
    let y = 1.0
        - (((((1.061_405_429 * t - 1.453_152_027) * t) + 1.421_413_741) * t - 0.284_496_736) * t
            + 0.254_829_592)
            * t
            * (-x * x).exp();
    if x >= 0.0 {
        y
    } else {
        -y
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> LengthModel {
        let src: Vec<usize> = (0..200).map(|k| 40 + (k * 37) % 120).collect();
        let tgt: Vec<usize> = src.iter().map(|l| l * 12 / 10).collect();
        LengthModel::new(&src, &tgt, None)
    }

    #[test]
    fn matching_lengths_score_above_mismatched_ones() {
        let m = model();
        assert!(m.llr(1, 100, 1, 120) > 0.0);
        assert!(m.llr(1, 100, 1, 120) > m.llr(1, 100, 1, 400));
    }

    #[test]
    fn a_moderately_wrong_length_costs_less_than_a_wildly_wrong_one() {
        let m = model();
        assert!(m.llr(1, 100, 1, 200) > m.llr(1, 100, 1, 600));
        assert!(m.llr(1, 100, 1, 200).is_finite());
    }

    #[test]
    fn null_beads_carry_no_length_evidence() {
        assert_eq!(model().llr(0, 0, 1, 50), 0.0);
    }

    #[test]
    fn refit_learns_the_pair_length_ratio() {
        let mut m = model();
        let pairs: Vec<(usize, usize)> =
            (0..400).map(|k| (50 + k % 50, 2 * (50 + k % 50))).collect();
        m.refit(&pairs);
        assert!((m.mu - 2f64.ln()).abs() < 0.05, "{}", m.mu);
    }

    #[test]
    fn a_few_beads_move_the_ratio_only_part_of_the_way_from_the_language_prior() {
        let prior = prior_log_ratio("en", "ar").expect("known pair");
        let en_ar = prior.0;
        let mut m = LengthModel::new(&[100; 5], &[200; 5], Some(prior));
        m.refit(&[(100, 200); 4]);
        let learned = 2f64.ln();
        assert!(
            m.mu > en_ar && m.mu < en_ar + (learned - en_ar) / 2.0,
            "{}",
            m.mu
        );
        assert_eq!(prior_log_ratio("xx", "ar"), None);
        let zh = prior_log_ratio("zh-Hans", "en").expect("zh");
        assert!(zh.0 > 1.0 && zh.1 < prior.1, "{zh:?}");
    }

    #[test]
    fn gale_church_prefers_the_expected_ratio() {
        let gc = GaleChurch::new(&[100, 100], &[150, 150]);
        assert!(gc.log_p(100, 150) > gc.log_p(100, 60));
        assert!((normal_cdf(0.0) - 0.5).abs() < 1e-7);
        assert!((normal_cdf(1.96) - 0.975).abs() < 1e-4);
    }
}
