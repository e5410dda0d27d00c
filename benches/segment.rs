//! Segmentation throughput on ≥10 MB of synthetic English news-like prose: sentences with
//! abbreviations, initials, numbers, decimals, quotes, brackets and ellipses, so every
//! branch of the scanner is exercised, not just the fast skip loop.
//!
//! The `icu_segmenter` row runs ICU4X's Unicode sentence segmenter (UAX #29, no abbreviation
//! rules) over the same paragraphs in the same run, as the baseline of a maintained,
//! table-driven segmenter.

use bitalign::segment::Segmenter;
use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use icu_segmenter::SentenceSegmenter;

const SENTENCES: &[&str] = &[
    "The committee met on Tuesday to discuss the budget for the coming year.",
    "Mr. Smith, who chairs the panel, said the vote would take place at 10 a.m. on Friday.",
    "Shares of Acme Corp. rose 3.5% to $120.50 in early trading.",
    "“We are confident that the plan will work,” said Dr. Jane Doe, the company's chief economist.",
    "Analysts at J.P. Morgan expect growth of about 2.1 per cent, i.e. slightly below the forecast.",
    "The U.S. Senate approved the measure by 52 votes to 48.",
    "He was born in St. Louis in 1950 and moved to Washington, D.C. in 1975.",
    "Is this the end of the story?",
    "Not at all!",
    "The report (published in Jan. 2019 by the Dept. of Energy) was largely ignored.",
    "Gen. Mark Brown and Lt. Col. Anne White visited the base, e.g. the northern camp.",
    "See Fig. 3 and pp. 45-47 for details on the No. 2 reactor.",
    "Prices fell by 0.4 points in the U.K. and by 1.2 points in Germany.",
    "\"I never meant that,\" she said. \"It was a mistake.\"",
    "The museum holds works by J. R. R. Tolkien, C. S. Lewis and others.",
    "Visit www.example.com or write to press@example.org for more information.",
    "Sales reached 1.000.000 units, etc. The firm was pleased.",
    "He waited... Then the door opened.",
    "Officials said the talks, which began in Geneva on Oct. 5, would resume next week.",
    "The company, founded by Prof. Alan Green, employs 1,200 people in 14 countries.",
    "It was, in the words of one observer, “a very long day [...] for everybody.”",
    "Sen. Collins voted no; Rep. Jones abstained.",
    "The new rules take effect on Jan. 1 and apply to firms with more than 50 staff.",
    "Why did it take so long?",
    "Nobody knows, but the answer may come soon.",
];

/// Deterministic pseudo-random paragraphs (3–8 sentences) totalling at least `min_bytes`.
fn corpus(min_bytes: usize) -> Vec<String> {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut paragraphs = Vec::new();
    let mut total = 0;
    while total < min_bytes {
        let count = 3 + (next() % 6) as usize;
        let mut p = String::new();
        for k in 0..count {
            if k > 0 {
                p.push(' ');
            }
            p.push_str(SENTENCES[(next() % SENTENCES.len() as u64) as usize]);
        }
        total += p.len();
        paragraphs.push(p);
    }
    paragraphs
}

fn bench_segment(c: &mut Criterion) {
    let paragraphs = corpus(10 * 1024 * 1024);
    let bytes: usize = paragraphs.iter().map(String::len).sum();
    let seg = Segmenter::new("en");
    let mut group = c.benchmark_group("segment");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.sample_size(10);
    group.bench_function("english_10MB_split", |b| {
        b.iter(|| {
            let mut n = 0;
            for p in &paragraphs {
                n += seg.split(black_box(p)).len();
            }
            n
        })
    });
    group.bench_function("english_10MB_ranges", |b| {
        b.iter(|| {
            let mut n = 0;
            for p in &paragraphs {
                n += seg.split_ranges(black_box(p)).len();
            }
            n
        })
    });
    let icu = SentenceSegmenter::new(Default::default());
    group.bench_function("english_10MB_icu_segmenter", |b| {
        b.iter(|| {
            let mut n = 0;
            for p in &paragraphs {
                n += icu.segment_str(black_box(p)).count();
            }
            n
        })
    });
    group.finish();
}

criterion_group!(benches, bench_segment);
criterion_main!(benches);
