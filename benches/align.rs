//! Alignment costs, from the inside out:
//! - `scoring`: one bead's length and anchor log-likelihood ratios on a real document pair
//!   (Text+Berg dev, German–French; a synthetic pair when `../shared` is absent), per bead;
//! - `dp`: Viterbi, Viterbi + forward sums, and posteriors over a band of half-width 12 around
//!   the diagonal, with a trivial score so that only the DP is measured, per lattice cell;
//! - `align`: the whole aligner with the default configuration on the pair and on the pair
//!   repeated four times.
//!
//! `cargo bench --bench align -- --quick` for a short run; `BITALIGN_BENCH_DEV=DIR` reads
//! `dev.de`/`dev.fr` from DIR instead of `../shared/bench/textberg-dev`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use bitalign::align::anchors::{Anchors, Marks};
use bitalign::align::dp::{Band, Lattice};
use bitalign::align::length::LengthModel;
use bitalign::align::shapes::{Priors, Shape};
use bitalign::align::{align, AlignConfig};
use bitalign::document::Document;
use criterion::{
    black_box, criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion, SamplingMode,
    Throughput,
};

/// Half-width of the DP band, as the aligner's refit passes use.
const HALF_WIDTH: usize = 12;

/// The document pair as paragraphs of sentences: Text+Berg dev when present, else synthetic.
fn pair_paragraphs() -> (Vec<Vec<String>>, Vec<Vec<String>>, &'static str) {
    // `BITALIGN_BENCH_DEV` points elsewhere (a missing directory forces the synthetic pair).
    let dir = match std::env::var_os("BITALIGN_BENCH_DEV") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench/textberg-dev"),
    };
    let read = |f: &str| std::fs::read_to_string(dir.join(f)).ok();
    if let (Some(de), Some(fr)) = (read("dev.de"), read("dev.fr")) {
        let (src, tgt) = (
            bitalign::input::presegmented(&de),
            bitalign::input::presegmented(&fr),
        );
        if !src.is_empty() && !tgt.is_empty() {
            return (src, tgt, "dev");
        }
    }
    eprintln!(
        "bench align: {} not found; using a synthetic pair instead",
        dir.display()
    );
    let (src, tgt) = synthetic(470);
    (src, tgt, "synthetic")
}

/// A deterministic pseudo-random pair of about `n` source sentences in paragraphs of 3–8:
/// the target sentence is ~15% longer, shares the source's numbers and names, and every 9th
/// source sentence is split in two on the target side (so not every bead is 1-1).
fn synthetic(n: usize) -> (Vec<Vec<String>>, Vec<Vec<String>>) {
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let (mut src, mut tgt) = (Vec::new(), Vec::new());
    let mut k = 0;
    while k < n {
        let sents = 3 + (next() % 6) as usize;
        let (mut ps, mut pt) = (Vec::new(), Vec::new());
        for _ in 0..sents {
            let words = 4 + (next() % 25) as usize;
            let (mut s, mut t) = (Vec::new(), Vec::new());
            for w in 0..words {
                match next() % 20 {
                    0 => {
                        let num = (next() % 3000).to_string();
                        s.push(num.clone());
                        t.push(num);
                    }
                    1 => {
                        let name = word(&mut next, 4);
                        let name = name[..1].to_uppercase() + &name[1..];
                        s.push(name.clone());
                        t.push(name);
                    }
                    _ => {
                        s.push(word(&mut next, 2));
                        t.push(word(&mut next, 3));
                    }
                }
                if w % 6 == 5 {
                    t.push(word(&mut next, 1));
                }
            }
            if k % 9 == 8 && t.len() >= 4 {
                let half = t.len() / 2;
                pt.push(t[..half].join(" ") + ".");
                pt.push(t[half..].join(" ") + ".");
            } else {
                pt.push(t.join(" ") + ".");
            }
            ps.push(s.join(" ") + ".");
            k += 1;
        }
        src.push(ps);
        tgt.push(pt);
    }
    (src, tgt)
}

/// A pseudo-random lowercase word of `min..min + 8` letters.
fn word(next: &mut impl FnMut() -> u64, min: u64) -> String {
    let len = min + next() % 8;
    (0..len)
        .map(|_| (b'a' + (next() % 26) as u8) as char)
        .collect()
}

/// Documents of the pair repeated `times` times (paragraphs continue across copies).
fn documents(src: &[Vec<String>], tgt: &[Vec<String>], times: usize) -> (Document, Document) {
    let rep = |p: &[Vec<String>]| -> Vec<Vec<String>> {
        (0..times).flat_map(|_| p.iter().cloned()).collect()
    };
    (
        Document::from_paragraphs("de", &rep(src)),
        Document::from_paragraphs("fr", &rep(tgt)),
    )
}

/// Each sentence's matching key and whether it opens a paragraph, as the aligner feeds anchors.
fn keys(d: &Document) -> Vec<(&str, bool)> {
    (0..d.len())
        .map(|k| (d.sentences[k].key.as_str(), d.starts_paragraph(k)))
        .collect()
}

/// Two-sided beads `(i, j, shape)` starting on or within 2 cells of the diagonal, every shape
/// the aligner searches: what a refit pass mostly scores.
fn beads_near_diagonal(n: usize, m: usize) -> Vec<(usize, usize, Shape)> {
    let shapes: Vec<Shape> = Priors::default()
        .shapes
        .into_iter()
        .filter(|s| s.di > 0 && s.dj > 0)
        .collect();
    let mut beads = Vec::new();
    for i in 0..n {
        let d = i * m / n;
        for j in d.saturating_sub(2)..=(d + 2).min(m) {
            for s in &shapes {
                if i + s.di <= n && j + s.dj <= m {
                    beads.push((i, j, *s));
                }
            }
        }
    }
    beads
}

fn bench_scoring(c: &mut Criterion) {
    let (src_p, tgt_p, name) = pair_paragraphs();
    let (src, tgt) = documents(&src_p, &tgt_p, 1);
    let lengths = |d: &Document| -> Vec<usize> {
        d.sentences.iter().map(|s| s.text.chars().count()).collect()
    };
    let length = LengthModel::new(&lengths(&src), &lengths(&tgt), None);
    let anchors = Anchors::from_keys(&keys(&src), &keys(&tgt));
    let beads = beads_near_diagonal(src.len(), tgt.len());

    let mut group = c.benchmark_group("scoring");
    group.throughput(Throughput::Elements(beads.len() as u64));
    group.warm_up_time(Duration::from_millis(300));
    group.measurement_time(Duration::from_secs(2));
    group.bench_function(BenchmarkId::new("length_llr_at", name), |b| {
        b.iter(|| {
            let mut acc = 0.0;
            for &(i, j, s) in black_box(&beads) {
                acc += length.llr_at(i, s.di, j, s.dj);
            }
            acc
        })
    });
    // The aligner scores a row's beads by source run: its features gathered once, their
    // target occurrences giving the matches of 1..=4 target sentences at every column
    // (`Anchors::hits_row`); here the columns within 2 of the diagonal, as above.
    let (n, m) = (src.len(), tgt.len());
    group.bench_function(BenchmarkId::new("anchors_hits_row", name), |b| {
        let mut marks = Marks::default();
        b.iter(|| {
            let mut acc = 0.0f32;
            for i in 0..n {
                let d = i * m / n;
                for di in (1..=4).filter(|di| i + di <= n) {
                    let cols = d.saturating_sub(2)..(d + 3).min(m);
                    anchors.hits_row(&mut marks, i..i + di, 4, cols, |_, h| {
                        acc += h.iter().sum::<f32>()
                    });
                }
            }
            black_box(acc)
        })
    });
    group.finish();
}

/// A band of half-width `w` around the diagonal of the `n × m` lattice.
fn diagonal_band(n: usize, m: usize, w: usize) -> Band {
    let centre = |i: usize| i * m / n;
    Band {
        lo: (0..=n).map(|i| centre(i).saturating_sub(w)).collect(),
        hi: (0..=n).map(|i| (centre(i) + w).min(m)).collect(),
    }
}

fn bench_dp(c: &mut Criterion) {
    let priors = Priors::default();
    let shapes = priors.shapes.clone();
    let lp = priors.log_prior.clone();
    // Cheap, but not constant: the log prior plus a little position-dependent noise, so the
    // Viterbi comparisons do not all go one way.
    let score = |i: usize, j: usize, k: usize| lp[k] - ((i * 31 + j * 17 + k) % 7) as f64 * 0.1;

    let mut group = c.benchmark_group("dp");
    group.warm_up_time(Duration::from_millis(300));
    group.measurement_time(Duration::from_secs(2));
    // Flat sampling: the 10k sweeps take a tenth of a second, and criterion's default linear
    // sampling would run 55 of them per benchmark at the least.
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    for n in [1_000, 10_000] {
        let m = n + n / 8;
        let band = diagonal_band(n, m, HALF_WIDTH);
        let lattice = Lattice {
            band: &band,
            shapes: &shapes,
            score,
        };
        group.throughput(Throughput::Elements(band.cells() as u64));
        group.bench_with_input(BenchmarkId::new("viterbi", n), &n, |b, _| {
            b.iter(|| lattice.sweep(None).path.map(|p| p.len()))
        });
        group.bench_with_input(BenchmarkId::new("viterbi_forward", n), &n, |b, _| {
            b.iter(|| lattice.sweep(Some(1.0)).path.map(|p| p.len()))
        });
        group.bench_with_input(BenchmarkId::new("posteriors", n), &n, |b, _| {
            b.iter_batched(
                || {
                    let sweep = lattice.sweep(Some(1.0));
                    (sweep.path.expect("path"), sweep.forward.expect("forward"))
                },
                |(path, forward)| lattice.posteriors(&path, forward, 1.0),
                BatchSize::LargeInput,
            )
        });
    }
    group.finish();
}

fn bench_align(c: &mut Criterion) {
    let (src_p, tgt_p, name) = pair_paragraphs();
    let cfg = AlignConfig::default();
    let mut group = c.benchmark_group("align");
    // One run per sample (about a second on dev): ten runs each, not the 55 of linear sampling.
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(5));
    for times in [1, 4] {
        let (src, tgt) = documents(&src_p, &tgt_p, times);
        group.throughput(Throughput::Elements((src.len() + tgt.len()) as u64));
        let id = BenchmarkId::new(
            format!("default_{name}_x{times}"),
            format!("{}x{}", src.len(), tgt.len()),
        );
        group.bench_function(id, |b| b.iter(|| align(&src, &tgt, &cfg).len()));
    }
    group.finish();
}

criterion_group!(benches, bench_scoring, bench_dp, bench_align);
criterion_main!(benches);
