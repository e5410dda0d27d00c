//! The lexical signal: word pairs that translate each other, learned from the text itself
//! (IBM Model 1 trained on the confident beads of a first pass, in the spirit of Moore 2002 and
//! hunalign's realign) or read from a bilingual dictionary. Each word pair becomes an anchor
//! feature, so the anchor model learns how often a pair survives and how rare it is: a
//! spurious pair from a short document gets little weight instead of steering the search.

use rustc_hash::FxHashMap as HashMap;

use crate::error::{Error, Result};

/// EM iterations of Model 1.
const ITERATIONS: usize = 5;
/// At most this many sentence pairs train the model by default (spread over the document).
const MAX_TRAINING_PAIRS: usize = 20_000;

/// Limits of [`Lexicon::learn_with`].
#[derive(Debug, Clone, PartialEq)]
pub struct Learning {
    /// At most this many sentence pairs train the model (taken evenly from the input).
    pub max_pairs: usize,
    /// A word pair is kept only when its words appear together in at least this many
    /// training pairs: a pair seen once is as likely a coincidence as a translation.
    pub min_count: usize,
}

impl Default for Learning {
    fn default() -> Self {
        Learning {
            max_pairs: MAX_TRAINING_PAIRS,
            min_count: 1,
        }
    }
}
/// Words beyond this per side are ignored in training (very long pieces add only noise).
const MAX_WORDS: usize = 80;

/// A set of word pairs `(source word, target word)`, each with a feature id.
#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    src: HashMap<String, Vec<u32>>,
    tgt: HashMap<String, Vec<u32>>,
    pairs: usize,
}

impl Lexicon {
    /// Number of word pairs.
    pub fn len(&self) -> usize {
        self.pairs
    }

    pub fn is_empty(&self) -> bool {
        self.pairs == 0
    }

    /// Adds a word pair (matching-key forms); returns false when it was known.
    pub fn insert(&mut self, s: &str, t: &str) -> bool {
        if self.src.get(s).is_some_and(|ids| {
            ids.iter()
                .any(|id| self.tgt.get(t).is_some_and(|tids| tids.contains(id)))
        }) {
            return false;
        }
        let id = self.pairs as u32;
        self.pairs += 1;
        self.src.entry(s.to_string()).or_default().push(id);
        self.tgt.entry(t.to_string()).or_default().push(id);
        true
    }

    /// Adds every pair of `other`.
    pub fn extend(&mut self, other: &Lexicon) {
        for (s, t) in other.entries() {
            self.insert(&s, &t);
        }
    }

    /// All word pairs.
    pub fn entries(&self) -> Vec<(String, String)> {
        let mut by_id: Vec<(Option<&str>, Option<&str>)> = vec![(None, None); self.pairs];
        for (w, ids) in &self.src {
            for &id in ids {
                by_id[id as usize].0 = Some(w);
            }
        }
        for (w, ids) in &self.tgt {
            for &id in ids {
                by_id[id as usize].1 = Some(w);
            }
        }
        by_id
            .into_iter()
            .filter_map(|(s, t)| Some((s?.to_string(), t?.to_string())))
            .collect()
    }

    /// Reads a bilingual dictionary in hunalign's format: `target @ source` per line. Entries of
    /// several words are kept only when both sides are single words (the features are words).
    pub fn read_dictionary(text: &str) -> Result<Lexicon> {
        let mut lex = Lexicon::default();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((t, s)) = line.split_once(" @ ") else {
                return Err(Error::parse(n as u64 + 1, "expected 'target @ source'"));
            };
            let s = crate::normalize::matching_key(s);
            let t = crate::normalize::matching_key(t);
            if let ([s], [t]) = (tokens(&s).as_slice(), tokens(&t).as_slice()) {
                lex.insert(s, t);
            }
        }
        Ok(lex)
    }

    /// Learns word pairs from sentence pairs (matching keys): Model 1 in both directions,
    /// keeping the pairs that are each other's best translation.
    pub fn learn(pairs: &[(String, String)]) -> Lexicon {
        Self::learn_with(pairs, &Learning::default())
    }

    /// [`Lexicon::learn`] with explicit limits (a corpus affords more data and can demand
    /// more evidence per word pair than one document).
    pub fn learn_with(pairs: &[(String, String)], opts: &Learning) -> Lexicon {
        let step = (pairs.len() / opts.max_pairs.max(1)).max(1);
        let mut sv = Vocab::default();
        let mut tv = Vocab::default();
        let data: Vec<(Vec<u32>, Vec<u32>)> = pairs
            .iter()
            .step_by(step)
            .map(|(s, t)| {
                let s: Vec<u32> = tokens(s)
                    .into_iter()
                    .take(MAX_WORDS)
                    .map(|w| sv.id(w))
                    .collect();
                let t: Vec<u32> = tokens(t)
                    .into_iter()
                    .take(MAX_WORDS)
                    .map(|w| tv.id(w))
                    .collect();
                (s, t)
            })
            .filter(|(s, t)| !s.is_empty() && !t.is_empty())
            .collect();
        let (fwd, bwd) = rayon::join(|| model1(&data, false), || model1(&data, true));
        let best_fwd = best(&fwd, sv.words.len());
        let best_bwd = best(&bwd, tv.words.len());
        let mutual: Vec<Option<u32>> = best_fwd
            .iter()
            .enumerate()
            .map(|(s, t)| {
                let (t, p) = (*t)?;
                let (s2, q) = best_bwd[t as usize]?;
                (s2 as usize == s && p >= 0.2 && q >= 0.2).then_some(t)
            })
            .collect();
        let seen = co_occurrences(&data, &mutual);
        let mut lex = Lexicon::default();
        for (s, t) in mutual.iter().enumerate() {
            match t {
                Some(t) if seen[s] >= opts.min_count => {
                    lex.insert(&sv.words[s], &tv.words[*t as usize]);
                }
                _ => {}
            }
        }
        lex
    }

    /// Lexical features of a sentence of the source (`source = true`) or target side: the
    /// ids (in `0..len()`) of the word pairs its words belong to.
    pub fn features(&self, key: &str, source: bool) -> Vec<u32> {
        let map = if source { &self.src } else { &self.tgt };
        tokens(key)
            .into_iter()
            .filter_map(|w| map.get(w))
            .flatten()
            .copied()
            .collect()
    }
}

/// Word tokens of a matching key: runs of letters (CJK characters one by one). Numbers are
/// left to the number anchors.
pub fn tokens(key: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = None;
    for (b, c) in key.char_indices() {
        let cjk = matches!(c as u32, 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF);
        let letter = c.is_alphabetic() || unicode_normalization::char::is_combining_mark(c);
        if let Some(s) = start {
            if !letter || cjk {
                out.push(&key[s..b]);
                start = None;
            }
        }
        if cjk {
            out.push(&key[b..b + c.len_utf8()]);
        } else if letter && start.is_none() {
            start = Some(b);
        }
    }
    if let Some(s) = start {
        out.push(&key[s..]);
    }
    out.retain(|w| w.chars().count() >= 2 || w.chars().any(|c| c as u32 >= 0x3040));
    out
}

#[derive(Default)]
struct Vocab {
    ids: HashMap<String, u32>,
    words: Vec<String>,
}

impl Vocab {
    fn id(&mut self, w: &str) -> u32 {
        if let Some(&id) = self.ids.get(w) {
            return id;
        }
        let id = self.words.len() as u32;
        self.ids.insert(w.to_string(), id);
        self.words.push(w.to_string());
        id
    }
}

/// IBM Model 1: `t(target word | source word)` with a null word (id `u32::MAX`), by EM.
/// `reverse` trains the other direction. Word pairs are indexed once, so each EM iteration is
/// a pass over flat arrays rather than hash look-ups.
fn model1(data: &[(Vec<u32>, Vec<u32>)], reverse: bool) -> HashMap<(u32, u32), f64> {
    const NULL: u32 = u32::MAX;
    let mut index: HashMap<(u32, u32), u32> = HashMap::default();
    let mut keys: Vec<(u32, u32)> = Vec::new();
    // Per sentence pair: for each target word, the indices of (source word or null, it).
    let mut cells: Vec<(usize, Vec<u32>)> = Vec::with_capacity(data.len());
    for (s, t) in data {
        let (from, to) = if reverse { (t, s) } else { (s, t) };
        let width = from.len() + 1;
        let mut idx = Vec::with_capacity(width * to.len());
        for &w in to {
            for &f in from.iter().chain(std::iter::once(&NULL)) {
                let next = keys.len() as u32;
                let k = *index.entry((f, w)).or_insert_with(|| {
                    keys.push((f, w));
                    next
                });
                idx.push(k);
            }
        }
        cells.push((width, idx));
    }
    drop(index);
    let slot = |f: u32| -> usize {
        if f == NULL {
            0
        } else {
            f as usize + 1
        }
    };
    let nf = keys
        .iter()
        .map(|&(f, _)| slot(f))
        .max()
        .map_or(1, |m| m + 1);
    let mut prob = vec![1.0f64; keys.len()];
    let mut count = vec![0.0f64; keys.len()];
    let mut total = vec![0.0f64; nf];
    for _ in 0..ITERATIONS {
        count.iter_mut().for_each(|c| *c = 0.0);
        total.iter_mut().for_each(|t| *t = 0.0);
        for (width, idx) in &cells {
            for row in idx.chunks(*width) {
                let denom: f64 = row.iter().map(|&k| prob[k as usize]).sum();
                if denom <= 0.0 {
                    continue;
                }
                for &k in row {
                    let c = prob[k as usize] / denom;
                    count[k as usize] += c;
                    total[slot(keys[k as usize].0)] += c;
                }
            }
        }
        for (k, p) in prob.iter_mut().enumerate() {
            let t = total[slot(keys[k].0)];
            *p = if t > 0.0 { count[k] / t } else { 0.0 };
        }
    }
    keys.into_iter().zip(prob).collect()
}

/// For each source word with a candidate translation (`pairs[s]`), the number of training
/// pairs holding both words.
fn co_occurrences(data: &[(Vec<u32>, Vec<u32>)], pairs: &[Option<u32>]) -> Vec<usize> {
    let mut seen = vec![0usize; pairs.len()];
    let mut counted = vec![usize::MAX; pairs.len()];
    for (k, (s, t)) in data.iter().enumerate() {
        for &w in s {
            let w = w as usize;
            if counted[w] == k {
                continue;
            }
            if let Some(tw) = pairs[w] {
                if t.contains(&tw) {
                    seen[w] += 1;
                    counted[w] = k;
                }
            }
        }
    }
    seen
}

/// For each source word, its most probable translation and that probability.
fn best(prob: &HashMap<(u32, u32), f64>, n: usize) -> Vec<Option<(u32, f64)>> {
    let mut out: Vec<Option<(u32, f64)>> = vec![None; n];
    for (&(f, w), &p) in prob {
        if f as usize >= n {
            continue; // the null word
        }
        let slot = &mut out[f as usize];
        if slot.is_none_or(|(bw, bp)| p > bp || (p == bp && w < bw)) {
            *slot = Some((w, p));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_split_words_and_single_cjk_characters() {
        assert_eq!(tokens("der berg, 1956 hoch"), vec!["der", "berg", "hoch"]);
        assert_eq!(tokens("登山队"), vec!["登", "山", "队"]);
    }

    /// Six short English–German sentence pairs, plus `extra`.
    fn house_and_book(extra: &[(&str, &str)]) -> Vec<(String, String)> {
        [
            ("the house", "das haus"),
            ("the book", "das buch"),
            ("a book", "ein buch"),
            ("a house", "ein haus"),
            ("the small house", "das kleine haus"),
            ("a small book", "ein kleines buch"),
        ]
        .iter()
        .chain(extra)
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
    }

    #[test]
    fn model1_learns_word_pairs_that_co_occur() {
        let lex = Lexicon::learn(&house_and_book(&[]));
        let e = lex.entries();
        assert!(e.contains(&("house".into(), "haus".into())), "{e:?}");
        assert!(e.contains(&("book".into(), "buch".into())), "{e:?}");
        assert!(!e.contains(&("house".into(), "buch".into())));
    }

    #[test]
    fn word_pairs_seen_too_rarely_are_left_out_when_asked() {
        let pairs = house_and_book(&[("the car", "das auto")]);
        let all = Lexicon::learn(&pairs).entries();
        assert!(all.contains(&("car".into(), "auto".into())), "{all:?}");
        let strict = Learning {
            min_count: 2,
            ..Learning::default()
        };
        let e = Lexicon::learn_with(&pairs, &strict).entries();
        assert!(!e.contains(&("car".into(), "auto".into())), "{e:?}");
        assert!(e.contains(&("house".into(), "haus".into())), "{e:?}");
    }

    #[test]
    fn dictionary_reads_hunalign_target_at_source_lines() {
        let lex = Lexicon::read_dictionary("Haus @ house\n# comment\nkleines Haus @ small house\n")
            .expect("valid");
        assert_eq!(
            lex.entries(),
            vec![("house".to_string(), "haus".to_string())]
        );
        assert!(Lexicon::read_dictionary("no separator").is_err());
    }

    #[test]
    fn features_mark_both_words_of_a_pair_with_one_id() {
        let mut lex = Lexicon::default();
        lex.insert("house", "haus");
        assert_eq!(
            lex.features("the house", true),
            lex.features("das haus", false)
        );
        assert!(lex.features("the book", true).is_empty());
    }
}
