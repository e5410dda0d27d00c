//! Sums of probabilities kept as logarithms. `ln(eᵃ + eᵇ)` is taken millions of times per
//! document (forward sums, the length model's two-component mixture), and `exp` plus `ln_1p`
//! dominated those loops: a table of `ln(1 + e⁻ˣ)` with linear interpolation is exact to
//! about 1e-5, far below the single precision bead scores are stored in.

use std::sync::LazyLock;

/// Table steps per unit of `x`.
const STEPS: f64 = 64.0;
/// Beyond this gap the smaller term changes the sum by less than e⁻³² (≈ 1e-14).
const RANGE: f64 = 32.0;

static SOFTPLUS: LazyLock<Vec<f64>> = LazyLock::new(|| {
    (0..=(RANGE * STEPS) as usize + 1)
        .map(|k| (-(k as f64) / STEPS).exp().ln_1p())
        .collect()
});

/// `ln(eᵃ + eᵇ)`, with −∞ as the log of zero.
#[inline]
pub fn log_add(a: f64, b: f64) -> f64 {
    let (hi, lo) = if a > b { (a, b) } else { (b, a) };
    if lo == f64::NEG_INFINITY {
        return hi;
    }
    let x = (hi - lo) * STEPS;
    if x >= RANGE * STEPS || x.is_nan() {
        return hi;
    }
    let table = &*SOFTPLUS;
    let k = x as usize;
    let frac = x - k as f64;
    hi + table[k] + (table[k + 1] - table[k]) * frac
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exact(a: f64, b: f64) -> f64 {
        let hi = a.max(b);
        hi + ((a - hi).exp() + (b - hi).exp()).ln()
    }

    #[test]
    fn log_add_matches_the_exact_sum_to_1e5_over_the_whole_range() {
        for k in 0..4000 {
            let (a, b) = (-(k as f64) * 0.01, -3.0 + (k % 7) as f64);
            assert!((log_add(a, b) - exact(a, b)).abs() < 1e-5, "{a} {b}");
        }
    }

    #[test]
    fn log_of_zero_is_the_identity_of_log_add() {
        assert_eq!(log_add(f64::NEG_INFINITY, -2.5), -2.5);
        assert_eq!(log_add(-2.5, f64::NEG_INFINITY), -2.5);
        assert_eq!(
            log_add(f64::NEG_INFINITY, f64::NEG_INFINITY),
            f64::NEG_INFINITY
        );
    }

    #[test]
    fn far_apart_terms_return_the_larger() {
        assert_eq!(log_add(0.0, -100.0), 0.0);
    }
}
