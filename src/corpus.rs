//! The corpus-level lexicon of `batch`: a translation lexicon learned over every pair of the
//! corpus before any pair is aligned (Moore 2002; hunalign's realign over a corpus).
//!
//! A lexicon learned from one document of a few dozen sentences is fragile: it learns
//! spurious word pairs from too little data. Over a corpus the same word pairs recur, so the
//! lexicon becomes reliable. Two passes:
//!
//! 1. Each pair of an even sample of the corpus (at most [`CorpusLexicon::harvest_pairs`]) is
//!    read and aligned with length and anchors only; its confident 1-1 beads (posterior at
//!    least [`CorpusLexicon::min_score`], at most a share of the training budget per pair, so
//!    one huge pair does not dominate) are kept as training data, keyed by language pair.
//!    IBM Model 1 is trained on each language pair's union ([`Lexicon::learn_with`]).
//! 2. Every pair is read again and aligned with its language pair's lexicon (given to the
//!    aligner as a dictionary, with the per-pair lexicon or instead of it).
//!
//! Memory stays bounded whatever the corpus size: pass 1 keeps only the sampled sentence
//! pairs, never documents, and pass 2 re-reads each pair (reading and segmenting cost a small
//! part of aligning). Training data are gathered in pair order, so the lexicon, and so the
//! output, does not depend on the number of threads.
//!
//! For `--resume`, the lexicons are saved in the batch state with a fingerprint of the
//! inputs they were learned from; when nothing changed, they are reused without pass 1, and
//! each pair's settings carry the fingerprint of the lexicon it was aligned with.

use std::collections::BTreeMap;
use std::sync::Arc;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::align::lexicon::{Learning, Lexicon};
use crate::align::{self, AlignConfig};
use crate::document::Document;

/// Source and target language of a group of pairs sharing one lexicon.
pub type LangPair = (String, String);

/// Sentence pairs (matching keys) that train a lexicon.
pub type Training = Vec<(String, String)>;

/// How the corpus lexicon is learned and used.
#[derive(Debug, Clone, PartialEq)]
pub struct CorpusLexicon {
    /// Beads of the first pass at least this confident train the lexicon.
    pub min_score: f64,
    /// At most this many pairs are aligned in the first pass (an even sample of the corpus):
    /// a lexicon needs tens of thousands of sentence pairs, not millions.
    pub harvest_pairs: usize,
    /// At most this many sentence pairs train each language pair's lexicon; each pair
    /// contributes at most an equal share of it (but at least [`MIN_PER_PAIR`]).
    pub training_pairs: usize,
    /// A word pair must co-occur in this many training pairs to enter the lexicon.
    pub min_count: usize,
    /// A language pair with fewer confident sentence pairs than this gets no corpus lexicon
    /// (its pairs learn their own): so little data is no more reliable than one document.
    pub min_training: usize,
    /// A language pair whose confident beads come from fewer pairs than this gets no corpus
    /// lexicon: a corpus of one document is that document, whose own lexicon (learned from
    /// all its beads, not only the confident 1-1 ones) does better (dev: .876 against .865).
    pub min_pairs: usize,
    /// Also learn each pair's own lexicon and add the corpus lexicon to it (else the corpus
    /// lexicon replaces it).
    pub keep_pair_lexicon: bool,
}

impl Default for CorpusLexicon {
    fn default() -> Self {
        CorpusLexicon {
            min_score: 0.9,
            harvest_pairs: 10_000,
            training_pairs: 50_000,
            min_count: 2,
            min_training: 100,
            min_pairs: 2,
            keep_pair_lexicon: false,
        }
    }
}

/// Each pair contributes at least this many confident beads (when it has them).
pub const MIN_PER_PAIR: usize = 16;

/// Whether an aligner configuration uses a lexicon at all (the anchors model with its
/// lexicon signal); the others have no lexicon for a corpus lexicon to replace.
pub fn uses_lexicon(align: &AlignConfig) -> bool {
    align.lexicon && align.anchors && !align.gale_church
}

/// The first pass takes every `sample_step`-th pair of a corpus of `pairs` pairs (from the
/// first): an even sample of at most `harvest_pairs`. A caller that samples the corpus
/// itself (a Spark job) takes the same pairs with this step.
pub fn sample_step(pairs: usize, harvest_pairs: usize) -> usize {
    pairs.div_ceil(harvest_pairs.max(1)).max(1)
}

/// Corpus lexicons learned earlier (a lexicon file) with the settings they were learned
/// with: what `stream`, `align` and `batch --lexicon` align with, so that each pair gets the
/// very settings a batch over the corpus gives it.
#[derive(Debug, Clone)]
pub struct Learned {
    pub settings: CorpusLexicon,
    pub lexicons: Lexicons,
}

impl Learned {
    /// The alignment settings of a pair in languages `src_lang`–`tgt_lang` (see
    /// [`Lexicons::config`]); `base` unchanged when it uses no lexicon.
    pub fn config(&self, base: &AlignConfig, src_lang: &str, tgt_lang: &str) -> AlignConfig {
        if uses_lexicon(base) {
            self.lexicons
                .config(base, &self.settings, src_lang, tgt_lang)
        } else {
            base.clone()
        }
    }
}

/// The learned lexicon of each language pair, and the same merged with the dictionary (what
/// the aligner gets).
#[derive(Debug, Clone, Default)]
pub struct Lexicons {
    learned: BTreeMap<LangPair, Arc<Lexicon>>,
    merged: BTreeMap<LangPair, Arc<Lexicon>>,
}

/// Lexicons as saved in the batch state.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Saved {
    /// Fingerprint of the inputs and settings the lexicons were learned from.
    pub inputs: String,
    pub lexicons: Vec<SavedLexicon>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedLexicon {
    pub src_lang: String,
    pub tgt_lang: String,
    pub entries: Vec<(String, String)>,
}

impl Lexicons {
    fn new(learned: BTreeMap<LangPair, Arc<Lexicon>>, dictionary: Option<&Lexicon>) -> Self {
        let merged = learned
            .iter()
            .map(|(k, lex)| {
                let lex = match dictionary {
                    Some(d) => {
                        let mut m = (**lex).clone();
                        m.extend(d);
                        Arc::new(m)
                    }
                    None => Arc::clone(lex),
                };
                (k.clone(), lex)
            })
            .collect();
        Lexicons { learned, merged }
    }

    /// The learned lexicon of a language pair, if the corpus gave one.
    pub fn get(&self, src_lang: &str, tgt_lang: &str) -> Option<&Arc<Lexicon>> {
        self.learned
            .get(&(src_lang.to_string(), tgt_lang.to_string()))
    }

    /// The alignment settings of a pair in languages `src_lang`–`tgt_lang`: `base` with the
    /// corpus lexicon (and the dictionary) as known word pairs. Language pairs the corpus
    /// gave no lexicon for keep `base` (the per-pair lexicon).
    pub fn config(
        &self,
        base: &AlignConfig,
        cfg: &CorpusLexicon,
        src_lang: &str,
        tgt_lang: &str,
    ) -> AlignConfig {
        let key = (src_lang.to_string(), tgt_lang.to_string());
        match self.merged.get(&key).filter(|l| !l.is_empty()) {
            Some(lex) => AlignConfig {
                dictionary: Some(Arc::clone(lex)),
                lexicon: base.lexicon && cfg.keep_pair_lexicon,
                ..base.clone()
            },
            None => base.clone(),
        }
    }

    /// Fingerprint of the lexicon a pair is aligned with: its language pair's when both
    /// languages are known before reading, else (languages detected) of all lexicons.
    pub fn fingerprint(&self, langs: (Option<&str>, Option<&str>)) -> String {
        let mut h = Sha256::new();
        let mut add = |k: &LangPair, lex: &Lexicon| {
            h.update(k.0.as_bytes());
            h.update(b"\0");
            h.update(k.1.as_bytes());
            for (s, t) in lex.entries() {
                h.update(b"\0");
                h.update(s.as_bytes());
                h.update(b"\t");
                h.update(t.as_bytes());
            }
            h.update(b"\n");
        };
        match langs {
            (Some(s), Some(t)) => {
                let key = (s.to_string(), t.to_string());
                if let Some(lex) = self.learned.get(&key) {
                    add(&key, lex);
                }
            }
            _ => self.learned.iter().for_each(|(k, lex)| add(k, lex)),
        }
        format!("{:x}", h.finalize())
    }

    /// The lexicons as saved in the batch state.
    pub fn saved(&self, inputs: String) -> Saved {
        Saved {
            inputs,
            lexicons: self
                .learned
                .iter()
                .map(|((s, t), lex)| SavedLexicon {
                    src_lang: s.clone(),
                    tgt_lang: t.clone(),
                    entries: lex.entries(),
                })
                .collect(),
        }
    }

    /// Lexicons back from the batch state (word pairs in their saved order, so feature ids,
    /// and so the alignment, come out the same as when they were learned).
    pub fn from_saved(saved: &Saved, dictionary: Option<&Lexicon>) -> Self {
        let learned = saved
            .lexicons
            .iter()
            .map(|l| {
                let mut lex = Lexicon::default();
                for (s, t) in &l.entries {
                    lex.insert(s, t);
                }
                ((l.src_lang.clone(), l.tgt_lang.clone()), Arc::new(lex))
            })
            .collect();
        Lexicons::new(learned, dictionary)
    }
}

/// The confident 1-1 beads of a first pass over one pair (length and anchors, no lexicon),
/// as matching-key sentence pairs: at most `limit`, taken evenly over the document.
pub fn harvest(
    src: &Document,
    tgt: &Document,
    base: &AlignConfig,
    min_score: f64,
    limit: usize,
) -> Training {
    let first = AlignConfig {
        lexicon: false,
        ..base.clone()
    };
    let beads = align::align(src, tgt, &first);
    let confident: Vec<_> = beads
        .iter()
        .filter(|b| b.src.len() == 1 && b.tgt.len() == 1 && b.score >= min_score)
        .collect();
    let step = confident.len().div_ceil(limit.max(1)).max(1);
    confident
        .into_iter()
        .step_by(step)
        .map(|b| {
            (
                src.sentences[b.src.start].key.clone(),
                tgt.sentences[b.tgt.start].key.clone(),
            )
        })
        .collect()
}

/// Pass 1 over a corpus: harvests confident beads from an even sample of `pairs` (in
/// parallel on `pool`) and learns one lexicon per language pair found. `load` reads a pair
/// into its two documents; a pair it cannot read (`None`) is left out: the caller reports
/// it when it aligns the pair. The corpus knows nothing of where pairs come from, so any
/// caller (a batch, a saved pair list) can feed it.
pub fn learn<P: Sync>(
    pairs: &[P],
    load: impl Fn(&P) -> Option<(Document, Document)> + Sync,
    base: &AlignConfig,
    cfg: &CorpusLexicon,
    dictionary: Option<&Lexicon>,
    pool: &rayon::ThreadPool,
) -> Lexicons {
    let step = sample_step(pairs.len(), cfg.harvest_pairs);
    let sample: Vec<&P> = pairs.iter().step_by(step).collect();
    let share = (cfg.training_pairs / sample.len().max(1)).max(MIN_PER_PAIR);
    let harvested: Vec<Option<(LangPair, Training)>> = pool.install(|| {
        sample
            .par_iter()
            .map(|pair| {
                let (sd, td) = load(pair)?;
                let beads = harvest(&sd, &td, base, cfg.min_score, share);
                Some(((sd.lang, td.lang), beads))
            })
            .collect()
    });
    let mut by_lang: BTreeMap<LangPair, (usize, Training)> = BTreeMap::new();
    for (key, beads) in harvested.into_iter().flatten() {
        let group = by_lang.entry(key).or_default();
        group.0 += usize::from(!beads.is_empty());
        group.1.extend(beads);
    }
    let learning = Learning {
        max_pairs: cfg.training_pairs,
        min_count: cfg.min_count,
    };
    let groups: Vec<(LangPair, Training)> = by_lang
        .into_iter()
        .filter(|(_, (pairs, data))| pairs >= &cfg.min_pairs && data.len() >= cfg.min_training)
        .map(|(key, (_, data))| (key, data))
        .collect();
    let learned = pool.install(|| {
        groups
            .par_iter()
            .map(|(key, data)| (key.clone(), Arc::new(Lexicon::learn_with(data, &learning))))
            .collect()
    });
    Lexicons::new(learned, dictionary)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lexicons(entries: &[(&str, &str)]) -> Lexicons {
        let mut lex = Lexicon::default();
        for (s, t) in entries {
            lex.insert(s, t);
        }
        let learned = [(("de".to_string(), "fr".to_string()), Arc::new(lex))]
            .into_iter()
            .collect();
        Lexicons::new(learned, None)
    }

    #[test]
    fn saved_lexicons_come_back_with_the_same_fingerprint() {
        let l = lexicons(&[("berg", "montagne"), ("gipfel", "sommet")]);
        let back = Lexicons::from_saved(&l.saved("x".into()), None);
        for langs in [(Some("de"), Some("fr")), (None, None)] {
            assert_eq!(l.fingerprint(langs), back.fingerprint(langs));
        }
        assert_ne!(
            l.fingerprint((Some("de"), Some("fr"))),
            lexicons(&[("berg", "montagne")]).fingerprint((Some("de"), Some("fr")))
        );
    }

    #[test]
    fn pairs_of_a_language_without_lexicon_keep_their_own() {
        let l = lexicons(&[("berg", "montagne")]);
        let base = AlignConfig::default();
        let cfg = CorpusLexicon {
            keep_pair_lexicon: false,
            ..CorpusLexicon::default()
        };
        let de_fr = l.config(&base, &cfg, "de", "fr");
        assert!(de_fr.dictionary.is_some() && !de_fr.lexicon);
        let en_fr = l.config(&base, &cfg, "en", "fr");
        assert!(en_fr.dictionary.is_none() && en_fr.lexicon);
    }
}
