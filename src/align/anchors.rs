//! The anchor signal: features that survive translation (numbers, some punctuation, names and
//! acronyms, cognates, paragraph starts). Each shared or missing feature adds a calibrated
//! log-likelihood ratio: how much likelier it is in a true bead (survival rate, learned from
//! the first pass) than between unrelated sentences (the feature's own frequency).

use rustc_hash::FxHashMap as HashMap;

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Kinds of anchor, each with its own survival rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Class {
    Number = 0,
    Punct = 1,
    Word = 2,
    Cognate = 3,
    Paragraph = 4,
    /// A word pair of the translation lexicon (learned or given as a dictionary).
    Lexical = 5,
}

const CLASSES: usize = 6;

/// Initial survival rates, before the document's first pass is seen.
const INITIAL_SURVIVAL: [f64; CLASSES] = [0.8, 0.5, 0.5, 0.3, 0.5, 0.3];

/// Anchor features of one sentence, before interning.
pub type Features = Vec<(Class, String)>;

/// Sentences whose features are extracted at once (in parallel) before being interned.
const BUILD_BATCH: usize = 4096;

/// Features too common to tell sentences apart are ignored (share of sentences holding them).
const MAX_SHARE: f64 = 0.25;

/// Sorted feature ids of one sentence (a multiset: repeats kept).
pub type Bag = Vec<u32>;

/// Feature ids of every sentence of both sides, and what is known about each feature.
#[derive(Debug, Clone)]
pub struct Anchors {
    pub src: Vec<Bag>,
    pub tgt: Vec<Bag>,
    class: Vec<Class>,
    /// Share of source / target sentences holding each feature.
    q_src: Vec<f64>,
    q_tgt: Vec<f64>,
    /// Survival rate per class, source→target and target→source.
    surv_fwd: [f64; CLASSES],
    surv_bwd: [f64; CLASSES],
    /// Per feature, the gain of a match and the cost of a miss, for 1..=4 sentences on the
    /// other side: precomputed because beads are scored millions of times.
    w_fwd: Vec<Weights>,
    w_bwd: Vec<Weights>,
    /// Prefix sums over sentences of the summed miss costs of their features, for 1..=4
    /// sentences opposite: a bead's score is a range of these plus a correction for the
    /// features that do match.
    miss_src: Vec<[f64; 4]>,
    miss_tgt: Vec<[f64; 4]>,
    /// Where each feature occurs on the target side: the sentences of feature `f` (one entry
    /// per occurrence, in order) are `post[post_start[f]..post_start[f + 1]]`.
    post_start: Vec<u32>,
    post: Vec<u32>,
}

/// A thread's working memory for [`Anchors::hits_row`]: the source run's feature counts by
/// feature id (all zero between rows), its distinct features, and the gains per bead.
#[derive(Debug, Clone, Default)]
pub struct Marks {
    count: Vec<u8>,
    features: Vec<u32>,
    hits: Vec<f32>,
    /// Per feature, where its postings were last entered: rows come in order, so the next
    /// look-up starts close by.
    cursor: Vec<u32>,
}

/// `out` = the sorted multiset union of two sorted lists.
fn merge_sorted(a: &[u32], b: &[u32], out: &mut Vec<u32>) {
    out.clear();
    let (mut x, mut y) = (0, 0);
    while x < a.len() && y < b.len() {
        if a[x] <= b[y] {
            out.push(a[x]);
            x += 1;
        } else {
            out.push(b[y]);
            y += 1;
        }
    }
    out.extend_from_slice(&a[x..]);
    out.extend_from_slice(&b[y..]);
}

#[derive(Debug, Clone, Copy, Default)]
struct Weights {
    hit: [f32; 4],
    miss: [f32; 4],
}

impl Weights {
    fn new(s: f64, q: f64) -> Self {
        let mut w = Weights::default();
        for n in 1..=4 {
            let qn = (1.0 - (1.0 - q).powi(n as i32)).clamp(1e-9, 1.0 - 1e-9);
            w.hit[n - 1] = (s / qn).ln() as f32;
            w.miss[n - 1] = ((1.0 - s) / (1.0 - qn)).ln() as f32;
        }
        w
    }
}

impl Anchors {
    /// Extracts features from both sides' matching keys and paragraph starts.
    pub fn from_keys(src: &[(&str, bool)], tgt: &[(&str, bool)]) -> Self {
        Self::build(
            src.len(),
            tgt.len(),
            |source, k| {
                if source {
                    src[k]
                } else {
                    tgt[k]
                }
            },
        )
    }

    /// The model of `n` source and `m` target sentences, `sentence(is_source, k)` giving
    /// each one's matching key and whether it opens a paragraph (see [`intern`]).
    pub fn build<'k, S: Into<Start>>(
        n: usize,
        m: usize,
        sentence: impl Fn(bool, usize) -> (&'k str, S) + Sync,
    ) -> Self {
        let mut class = Vec::new();
        let (src, tgt) = intern(n, m, sentence, &mut class);
        Self::from_bags(src, tgt, class)
    }

    /// The model with the `count` word pairs of a lexicon as more features (ids
    /// `pairs(is_source, sentence)` in `0..count`), numbered after the current ones, which
    /// are kept as they are rather than extracted again.
    pub fn extended(&self, count: usize, pairs: impl Fn(bool, usize) -> Vec<u32> + Sync) -> Self {
        use rayon::prelude::*;
        let base = self.class.len() as u32;
        let mut class = self.class.clone();
        class.extend(std::iter::repeat_n(Class::Lexical, count));
        let join = |source: bool, old: &[Bag]| -> Vec<Bag> {
            old.par_iter()
                .enumerate()
                .map(|(k, a)| {
                    let mut new: Bag = pairs(source, k).into_iter().map(|id| base + id).collect();
                    new.sort_unstable();
                    let mut bag = Vec::with_capacity(a.len() + new.len());
                    merge_sorted(a, &new, &mut bag);
                    bag
                })
                .collect()
        };
        let (src, tgt) = rayon::join(|| join(true, &self.src), || join(false, &self.tgt));
        Self::from_bags(src, tgt, class)
    }

    fn from_bags(src: Vec<Bag>, tgt: Vec<Bag>, class: Vec<Class>) -> Self {
        let nf = class.len();
        let q_src = shares(&src, nf);
        let q_tgt = shares(&tgt, nf);
        let mut a = Anchors {
            src,
            tgt,
            class,
            q_src,
            q_tgt,
            surv_fwd: INITIAL_SURVIVAL,
            surv_bwd: INITIAL_SURVIVAL,
            w_fwd: Vec::new(),
            w_bwd: Vec::new(),
            miss_src: Vec::new(),
            miss_tgt: Vec::new(),
            post_start: Vec::new(),
            post: Vec::new(),
        };
        a.prune();
        a.reweight();
        a.index_target();
        a
    }

    /// Builds the postings of the target side (see [`Anchors::hits_row`]).
    fn index_target(&mut self) {
        let mut start = vec![0u32; self.class.len() + 1];
        for &f in self.tgt.iter().flatten() {
            start[f as usize + 1] += 1;
        }
        for f in 1..start.len() {
            start[f] += start[f - 1];
        }
        let mut fill = start.clone();
        let mut post = vec![0u32; start.last().map_or(0, |&n| n as usize)];
        for (j, bag) in self.tgt.iter().enumerate() {
            for &f in bag {
                post[fill[f as usize] as usize] = j as u32;
                fill[f as usize] += 1;
            }
        }
        self.post_start = start;
        self.post = post;
    }

    /// The model of the same pair with blocks of `k` sentences as units (a coarse level of
    /// the search): each block holds its sentences' features, their frequencies are
    /// re-counted over blocks.
    pub fn coarsen(&self, k: usize) -> Self {
        let k = k.max(1);
        let blocks = |bags: &[Bag]| -> Vec<Bag> {
            (0..bags.len())
                .step_by(k)
                .map(|start| {
                    let mut bag = Bag::new();
                    merge_into(bags, start..(start + k).min(bags.len()), &mut bag);
                    bag
                })
                .collect()
        };
        Self::from_bags(blocks(&self.src), blocks(&self.tgt), self.class.clone())
    }

    fn reweight(&mut self) {
        let class = &self.class;
        self.w_fwd = (0..class.len())
            .map(|f| Weights::new(self.surv_fwd[class[f] as usize], self.q_tgt[f]))
            .collect();
        self.w_bwd = (0..class.len())
            .map(|f| Weights::new(self.surv_bwd[class[f] as usize], self.q_src[f]))
            .collect();
        let sums = |bags: &[Bag], w: &[Weights]| -> Vec<[f64; 4]> {
            let mut pre = Vec::with_capacity(bags.len() + 1);
            let mut acc = [0.0f64; 4];
            pre.push(acc);
            for bag in bags {
                for &f in bag {
                    for (n, a) in acc.iter_mut().enumerate() {
                        *a += w[f as usize].miss[n] as f64;
                    }
                }
                pre.push(acc);
            }
            pre
        };
        self.miss_src = sums(&self.src, &self.w_fwd);
        self.miss_tgt = sums(&self.tgt, &self.w_bwd);
    }

    /// Drops features that cannot discriminate: absent from one side (a word of the other
    /// script never matches, and would only tax every bead) or too common.
    fn prune(&mut self) {
        let keep: Vec<bool> = (0..self.class.len())
            .map(|f| {
                let (qs, qt) = (self.q_src[f], self.q_tgt[f]);
                qs > 0.0
                    && qt > 0.0
                    && (self.class[f] == Class::Paragraph || (qs <= MAX_SHARE && qt <= MAX_SHARE))
            })
            .collect();
        for bag in self.src.iter_mut().chain(self.tgt.iter_mut()) {
            bag.retain(|&f| keep[f as usize]);
        }
    }

    /// Survival rates (forward, backward) per class, to carry over to a rebuilt model.
    pub fn survival(&self) -> ([f64; CLASSES], [f64; CLASSES]) {
        (self.surv_fwd, self.surv_bwd)
    }

    /// Re-estimates survival rates from beads believed right (source and target ranges).
    pub fn refit(&mut self, beads: &[(std::ops::Range<usize>, std::ops::Range<usize>)]) {
        let mut fwd = [(0.0f64, 0.0f64); CLASSES];
        let mut bwd = [(0.0f64, 0.0f64); CLASSES];
        for (s, t) in beads {
            let mut sb = Vec::new();
            let mut tb = Vec::new();
            merge_into(&self.src, s.clone(), &mut sb);
            merge_into(&self.tgt, t.clone(), &mut tb);
            for_each_group(&sb, &tb, |f, a, b| {
                let c = self.class[f as usize] as usize;
                let m = a.min(b) as f64;
                fwd[c].0 += m;
                fwd[c].1 += a as f64;
                bwd[c].0 += m;
                bwd[c].1 += b as f64;
            });
        }
        for c in 0..CLASSES {
            // Beta(2·s0, 2·(1-s0)) prior: a few observations move it, none leave it as is.
            let s0 = INITIAL_SURVIVAL[c];
            self.surv_fwd[c] = ((fwd[c].0 + 4.0 * s0) / (fwd[c].1 + 4.0)).clamp(0.02, 0.98);
            self.surv_bwd[c] = ((bwd[c].0 + 4.0 * s0) / (bwd[c].1 + 4.0)).clamp(0.02, 0.98);
        }
        self.reweight();
    }

    /// Log-likelihood ratio of the bead `src × tgt`, averaged over both directions.
    pub fn llr(&self, src: std::ops::Range<usize>, tgt: std::ops::Range<usize>) -> f64 {
        if src.is_empty() || tgt.is_empty() {
            return 0.0;
        }
        let mut hit = 0.0;
        let (start, depth) = (tgt.start, tgt.len());
        self.hits_row(
            &mut Marks::default(),
            src.clone(),
            depth,
            start..start + 1,
            |_, h| hit = h[depth - 1],
        );
        self.llr_with_hit(src, tgt, hit)
    }

    /// [`Anchors::llr`] of a bead whose matched features add up to `hit` (see
    /// [`Anchors::hits_row`]): every feature counted as a miss, corrected by the matches.
    #[inline]
    pub fn llr_with_hit(
        &self,
        src: std::ops::Range<usize>,
        tgt: std::ops::Range<usize>,
        hit: f32,
    ) -> f64 {
        let (ni, nj) = (src.len(), tgt.len());
        if ni == 0 || nj == 0 {
            return 0.0;
        }
        let (fi, fj) = (nj.min(4) - 1, ni.min(4) - 1);
        let miss = |pre: &[[f64; 4]], r: &std::ops::Range<usize>, f: usize| {
            pre[r.end][f] - pre[r.start][f]
        };
        0.5 * (miss(&self.miss_src, &src, fi) + miss(&self.miss_tgt, &tgt, fj) + hit as f64)
    }

    /// The matched gains of the beads of the (non-empty) source run `src` against
    /// `1..=depth` target sentences from each column `j` of `cols`: `each(j, hits)` gets
    /// `hits[d - 1]` for `d` target sentences (sentences past the end count as empty).
    /// A matched feature counts `min(source count, target count)` times (multisets).
    /// Only the target occurrences of the run's own features are visited (postings), not
    /// every target sentence of every bead: most of a band's beads share nothing.
    pub fn hits_row(
        &self,
        marks: &mut Marks,
        src: std::ops::Range<usize>,
        depth: usize,
        cols: std::ops::Range<usize>,
        mut each: impl FnMut(usize, &[f32]),
    ) {
        let fj = src.len().clamp(1, 4) - 1;
        let Marks {
            count,
            features,
            hits,
            cursor,
        } = marks;
        if count.len() < self.class.len() {
            count.resize(self.class.len(), 0);
            cursor.resize(self.class.len(), 0);
        }
        features.clear();
        for &f in self.src[src].iter().flatten() {
            if count[f as usize] == 0 {
                features.push(f);
            }
            count[f as usize] = count[f as usize].saturating_add(1);
        }
        let (first, width) = (cols.start, cols.len());
        hits.clear();
        hits.resize(width * depth, 0.0);
        for &f in features.iter() {
            let have = std::mem::take(&mut count[f as usize]) as usize;
            if width == 0 {
                continue;
            }
            let gain: [f32; 4] = std::array::from_fn(|fi| self.gain(f, fi, fj));
            let all = &self.post[self.post_start[f as usize] as usize..][..self.postings(f)];
            let from = seek(all, first, &mut cursor[f as usize]);
            let reach = first + width + depth - 1;
            let upto = all[from..]
                .iter()
                .take_while(|&&p| (p as usize) < reach)
                .count();
            let post = &all[from..from + upto];
            // Each column whose beads reach an occurrence, once: the first occurrence at or
            // after it is `post[x]`, and the counts grow with the depth from there.
            let mut next = first;
            for (x, &p) in post.iter().enumerate() {
                let p = p as usize;
                let (lo, hi) = (
                    (p + 1).saturating_sub(depth).max(next),
                    p.min(first + width - 1),
                );
                for j in lo..=hi {
                    let row = &mut hits[(j - first) * depth..][..depth];
                    let (mut k, mut seen) = (x, 0);
                    for (d, h) in row.iter_mut().enumerate() {
                        while k < post.len() && (post[k] as usize) <= j + d {
                            seen += 1;
                            k += 1;
                        }
                        *h += seen.min(have) as f32 * gain[d.min(3)];
                    }
                }
                next = next.max(hi + 1);
            }
        }
        for (c, j) in cols.enumerate() {
            each(j, &hits[c * depth..][..depth]);
        }
    }

    /// How many target occurrences feature `f` has.
    fn postings(&self, f: u32) -> usize {
        (self.post_start[f as usize + 1] - self.post_start[f as usize]) as usize
    }

    /// What a matched occurrence of feature `f` adds over the miss it was counted as.
    #[inline]
    fn gain(&self, f: u32, fi: usize, fj: usize) -> f32 {
        let (wf, wb) = (&self.w_fwd[f as usize], &self.w_bwd[f as usize]);
        wf.hit[fi] + wb.hit[fj] - wf.miss[fi] - wb.miss[fj]
    }
}

/// The index of the first of the sorted `post` at or after `target`, searched from `*cursor`
/// (a previous answer) by galloping, and left there.
fn seek(post: &[u32], target: usize, cursor: &mut u32) -> usize {
    let below = |k: usize| (post[k] as usize) < target;
    let c = (*cursor as usize).min(post.len());
    let found = if c > 0 && !below(c - 1) {
        post[..c].partition_point(|&p| (p as usize) < target)
    } else {
        // Every entry before `c` is below the target: gallop forward from `c`.
        let (mut lo, mut step) = (c, 1);
        while lo + step <= post.len() && below(lo + step - 1) {
            lo += step;
            step *= 2;
        }
        let hi = (lo + step).min(post.len());
        lo + post[lo..hi].partition_point(|&p| (p as usize) < target)
    };
    *cursor = found as u32;
    found
}

/// The share of sentences that hold each feature, smoothed so that it is never 0 or 1.
fn shares(bags: &[Bag], nf: usize) -> Vec<f64> {
    let mut df = vec![0usize; nf];
    for bag in bags {
        let mut last = u32::MAX;
        for &f in bag {
            if f != last {
                df[f as usize] += 1;
                last = f;
            }
        }
    }
    let n = bags.len() as f64;
    df.into_iter()
        .map(|d| {
            if d == 0 {
                0.0
            } else {
                (d as f64 + 0.5) / (n + 1.0)
            }
        })
        .collect()
}

/// The sorted union (as multisets) of the bags of a range of sentences, into `out`.
fn merge_into(bags: &[Bag], range: std::ops::Range<usize>, out: &mut Bag) {
    out.clear();
    out.extend(bags[range].iter().flatten().copied());
    out.sort_unstable();
}

/// Interns the anchor features of `n` source and `m` target sentences (`sentence(is_source,
/// k)`: key and paragraph start) as sorted bags of ids, new features numbered from
/// `class.len()` on (their classes pushed onto `class`). Features are extracted and hashed
/// ([`feature_key`]) in parallel a batch at a time, and interned as they come: the one thread
/// that numbers them compares no strings, and no string is kept.
fn intern<'k, S: Into<Start>>(
    n: usize,
    m: usize,
    sentence: impl Fn(bool, usize) -> (&'k str, S) + Sync,
    class: &mut Vec<Class>,
) -> (Vec<Bag>, Vec<Bag>) {
    use rayon::prelude::*;
    let mut vocab: HashMap<u64, u32> = HashMap::default();
    let mut bags_of = |source: bool, count: usize| -> Vec<Bag> {
        let mut bags = Vec::with_capacity(count);
        for start in (0..count).step_by(BUILD_BATCH) {
            let batch: Vec<Vec<(u64, Class)>> = (start..(start + BUILD_BATCH).min(count))
                .into_par_iter()
                .map(|k| {
                    let (key, para) = sentence(source, k);
                    let mut feats = Vec::new();
                    extract_into(key, para, &mut |c, text| {
                        feats.push((feature_key(c, text), c));
                    });
                    feats
                })
                .collect();
            for feats in batch {
                let mut bag: Bag = feats
                    .into_iter()
                    .map(|(key, c)| {
                        let next = class.len() as u32;
                        *vocab.entry(key).or_insert_with(|| {
                            class.push(c);
                            next
                        })
                    })
                    .collect();
                bag.sort_unstable();
                bags.push(bag);
            }
        }
        bags
    };
    let src = bags_of(true, n);
    let tgt = bags_of(false, m);
    (src, tgt)
}

/// A feature's identity when interned: a 64-bit hash of its class and text (SipHash with
/// fixed keys, so runs agree). Two of a document's features collide with odds of about
/// n²/2⁶⁴, and a collision would only merge two anchors.
fn feature_key(class: Class, text: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    (class as u8).hash(&mut h);
    text.hash(&mut h);
    h.finish()
}

/// Calls `f(feature, count_in_a, count_in_b)` for every feature present in either bag.
fn for_each_group(a: &[u32], b: &[u32], mut f: impl FnMut(u32, usize, usize)) {
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        let next = match (a.get(i), b.get(j)) {
            (Some(&x), Some(&y)) => x.min(y),
            (Some(&x), None) => x,
            (None, Some(&y)) => y,
            (None, None) => break,
        };
        let si = i;
        while a.get(i) == Some(&next) {
            i += 1;
        }
        let sj = j;
        while b.get(j) == Some(&next) {
            j += 1;
        }
        f(next, i - si, j - sj);
    }
}

/// The anchor features of one sentence, from its matching key.
pub fn extract(key: &str, para_start: impl Into<Start>) -> Features {
    let mut out = Vec::new();
    extract_into(key, para_start, &mut |c, text| {
        out.push((c, text.to_string()))
    });
    out
}

/// Layout marks of a sentence that are soft anchors: it opens a paragraph, it is a heading
/// (a heading should pair with a heading). A plain `bool` is a paragraph start.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Start {
    pub paragraph: bool,
    pub heading: bool,
}

impl From<bool> for Start {
    fn from(paragraph: bool) -> Self {
        Start {
            paragraph,
            heading: false,
        }
    }
}

/// Calls `emit(class, text)` for each anchor feature of one sentence, in order: what
/// [`extract`] collects, without a string per feature.
pub fn extract_into(key: &str, start: impl Into<Start>, emit: &mut impl FnMut(Class, &str)) {
    let start = start.into();
    if start.paragraph {
        emit(Class::Paragraph, "");
    }
    if start.heading {
        emit(Class::Paragraph, "h");
    }
    let (mut digits, mut latin) = (String::new(), String::new());
    let mut rest = key;
    while let Some(c) = rest.chars().next() {
        if c.is_ascii_digit() {
            rest = number(rest, &mut digits);
            let trimmed = digits.trim_start_matches('0');
            emit(
                Class::Number,
                if trimmed.is_empty() { "0" } else { trimmed },
            );
        } else if c.is_alphanumeric() {
            let end = rest
                .char_indices()
                .find(|&(_, ch)| !(ch.is_alphanumeric() || is_combining_mark(ch)))
                .map_or(rest.len(), |(b, _)| b);
            word_features(&rest[..end], &mut latin, emit);
            rest = &rest[end..];
        } else {
            if let Some(p) = anchor_punct(c) {
                emit(Class::Punct, p.encode_utf8(&mut [0; 4]));
            }
            rest = &rest[c.len_utf8()..];
        }
    }
}

/// The digits of the number `text` starts with into `digits`, group and decimal separators
/// between digits dropped (so that 1,250.50 and 1.250,50 agree); returns the text after it.
fn number<'a>(text: &'a str, digits: &mut String) -> &'a str {
    digits.clear();
    let mut chars = text.char_indices().peekable();
    while let Some((b, d)) = chars.next() {
        if d.is_ascii_digit() {
            digits.push(d);
            continue;
        }
        let separator = matches!(d, '.' | ',' | '\u{202f}' | '\u{a0}' | '\'' | '٫' | '٬');
        if !(separator && chars.peek().is_some_and(|&(_, n)| n.is_ascii_digit())) {
            return &text[b..];
        }
    }
    ""
}

fn anchor_punct(c: char) -> Option<char> {
    match c {
        '?' | '؟' => Some('?'),
        '!' | '(' | '"' | '%' | ':' | '/' | '@' => Some(c),
        _ => None,
    }
}

/// Word-level anchors: the word itself when it is short Latin (acronyms, codes), and its
/// four-letter prefix, diacritics stripped and Cyrillic/Greek romanized, as a cognate.
/// `latin` is scratch space.
fn word_features(word: &str, latin: &mut String, emit: &mut impl FnMut(Class, &str)) {
    if word.chars().any(is_cjk) {
        return;
    }
    let latin: &str = if word.bytes().all(|b| b.is_ascii_alphanumeric()) {
        // Most words of Latin-script text: nothing to decompose or romanize.
        word
    } else {
        romanized(word, latin);
        if latin.is_empty() {
            return;
        }
        latin
    };
    let n = latin.chars().count();
    if n >= 4 {
        let end = latin.char_indices().nth(4).map_or(latin.len(), |(b, _)| b);
        emit(Class::Cognate, &latin[..end]);
    }
    if (2..=3).contains(&n) || latin.bytes().any(|b| b.is_ascii_digit()) {
        emit(Class::Word, latin);
    }
}

/// `word` without diacritics, Cyrillic and Greek romanized, into `latin`; left empty when
/// the word holds another script (no cheap anchor: the lexicon covers it).
fn romanized(word: &str, latin: &mut String) {
    latin.clear();
    for ch in word.nfd() {
        if is_combining_mark(ch) {
            continue;
        }
        match romanize(ch) {
            Some(r) => latin.push_str(r),
            None if ch.is_ascii_alphanumeric() => latin.push(ch),
            None => {
                latin.clear();
                return;
            }
        }
    }
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF)
}

/// A rough romanization of Cyrillic and Greek letters, enough for names and cognates.
fn romanize(c: char) -> Option<&'static str> {
    Some(match c {
        'а' => "a",
        'б' => "b",
        'в' => "v",
        'г' => "g",
        'д' => "d",
        'е' | 'ё' | 'э' | 'є' => "e",
        'ж' => "zh",
        'з' => "z",
        'и' | 'й' | 'і' | 'ї' => "i",
        'к' => "k",
        'л' => "l",
        'м' => "m",
        'н' => "n",
        'о' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' => "u",
        'ф' => "f",
        'х' => "kh",
        'ц' => "ts",
        'ч' => "ch",
        'ш' => "sh",
        'щ' => "sch",
        'ъ' | 'ь' => "",
        'ы' => "y",
        'ю' => "yu",
        'я' => "ya",
        'α' => "a",
        'β' => "b",
        'γ' => "g",
        'δ' => "d",
        'ε' => "e",
        'ζ' => "z",
        'η' => "i",
        'θ' => "th",
        'ι' => "i",
        'κ' => "k",
        'λ' => "l",
        'μ' => "m",
        'ν' => "n",
        'ξ' => "x",
        'ο' => "o",
        'π' => "p",
        'ρ' => "r",
        'σ' | 'ς' => "s",
        'τ' => "t",
        'υ' => "y",
        'φ' => "f",
        'χ' => "ch",
        'ψ' => "ps",
        'ω' => "o",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feats(key: &str) -> Vec<(Class, String)> {
        extract(key, false)
    }

    #[test]
    fn a_heading_carries_its_own_soft_anchor() {
        let heading = Start {
            paragraph: true,
            heading: true,
        };
        let f = extract("title", heading);
        assert!(f.contains(&(Class::Paragraph, "h".to_string())));
        assert!(f.contains(&(Class::Paragraph, String::new())));
        assert!(!extract("title", true).contains(&(Class::Paragraph, "h".to_string())));
    }

    #[test]
    fn numbers_lose_their_separators_so_locales_agree() {
        let a = feats("it cost 1,250.50 dollars");
        let b = feats("il a coûté 1.250,50 dollars");
        let num = |v: &[(Class, String)]| {
            v.iter()
                .filter(|f| f.0 == Class::Number)
                .cloned()
                .collect::<Vec<_>>()
        };
        assert_eq!(num(&a), num(&b));
        assert_eq!(num(&a)[0].1, "125050");
    }

    #[test]
    fn cyrillic_names_romanize_to_latin_cognates() {
        assert!(feats("смит").contains(&(Class::Cognate, "smit".into())));
        assert!(feats("smith").contains(&(Class::Cognate, "smit".into())));
    }

    #[test]
    fn arabic_question_mark_matches_latin_one() {
        assert!(feats("هل؟").contains(&(Class::Punct, "?".into())));
    }

    #[test]
    fn shared_rare_features_raise_the_score_of_a_bead() {
        let src = [
            ("in 1956 everest was climbed", true),
            ("the weather was bad", false),
            ("nothing else", false),
        ];
        let tgt = [
            ("en 1956 l'everest fut gravi", true),
            ("le temps était mauvais", false),
            ("rien d'autre", false),
        ];
        let a = Anchors::from_keys(&src, &tgt);
        assert!(a.llr(0..1, 0..1) > a.llr(0..1, 1..2));
    }

    #[test]
    fn repeated_feature_in_a_merge_is_matched_once() {
        assert_eq!(
            {
                let mut v = Vec::new();
                for_each_group(&[1, 1, 2], &[1, 3], |f, a, b| v.push((f, a, b)));
                v
            },
            vec![(1, 2, 1), (2, 1, 0), (3, 0, 1)]
        );
    }

    /// Bags of pseudo-random features (some repeated within a sentence), 40 features in all.
    fn random_bags(n: usize, seed: u64) -> Vec<Bag> {
        let mut x = seed;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        (0..n)
            .map(|_| {
                let mut bag: Bag = (0..next() % 6).map(|_| (next() % 40) as u32).collect();
                bag.sort_unstable();
                bag
            })
            .collect()
    }

    #[test]
    fn hits_from_postings_equal_the_multiset_matches_of_every_bead() {
        let a = Anchors::from_bags(
            random_bags(60, 7),
            random_bags(70, 11),
            vec![Class::Word; 40],
        );
        let count = |bags: &[Bag], f: u32| bags.iter().flatten().filter(|&&g| g == f).count();
        let mut marks = Marks::default();
        for (i, di) in [(0, 1), (5, 2), (17, 3), (30, 4), (56, 4)] {
            let src = i..i + di;
            let fj = di.min(4) - 1;
            let mut got = Vec::new();
            a.hits_row(&mut marks, src.clone(), 4, 3..66, |j, h| {
                got.push((j, h.to_vec()))
            });
            assert_eq!(got.len(), 63);
            for (j, hits) in got {
                for d in 1..=4 {
                    let tgt = &a.tgt[j..(j + d).min(a.tgt.len())];
                    let want: f32 = (0..40)
                        .map(|f| {
                            let m = count(&a.src[src.clone()], f).min(count(tgt, f));
                            m as f32 * a.gain(f, d.min(4) - 1, fj)
                        })
                        .sum();
                    assert!(
                        (hits[d - 1] - want).abs() < 1e-3,
                        "run {src:?}, column {j}, depth {d}: {} vs {want}",
                        hits[d - 1]
                    );
                }
            }
        }
    }
}
