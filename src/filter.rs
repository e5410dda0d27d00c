//! Filters between alignment and export: what a user keeps in a translation memory.

use std::collections::HashSet;

use crate::bitext::{AlignedPair, Bead};

/// Which beads to keep.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Drop beads whose confidence is below this.
    pub min_score: Option<f64>,
    /// Keep only the first of beads with identical source and target text.
    pub dedup: bool,
}

impl Filter {
    /// True when the filter keeps everything (the common case, no copy needed).
    pub fn is_noop(&self) -> bool {
        self.min_score.is_none() && !self.dedup
    }

    /// Applies the filter to a pair's beads. `seen` carries dedup state across pairs of a
    /// merged corpus TM.
    pub fn apply(&self, pair: &AlignedPair, seen: &mut HashSet<(String, String)>) -> Vec<Bead> {
        pair.beads
            .iter()
            .filter(|b| self.min_score.is_none_or(|m| b.score >= m))
            .filter(|b| !self.dedup || seen.insert((pair.src_text(b), pair.tgt_text(b))))
            .cloned()
            .collect()
    }

    /// The pair with only the kept beads.
    pub fn filtered(
        &self,
        pair: &AlignedPair,
        seen: &mut HashSet<(String, String)>,
    ) -> AlignedPair {
        AlignedPair {
            beads: self.apply(pair, seen),
            ..pair.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Document;

    fn pair() -> AlignedPair {
        let d = |l: &str| Document::from_paragraphs(l, &[vec!["Hi.", "Hi.", "Bye."]]);
        AlignedPair {
            id: "p".into(),
            src: d("en"),
            tgt: d("fr"),
            beads: (0..3)
                .map(|k| Bead {
                    src: k..k + 1,
                    tgt: k..k + 1,
                    score: 0.3 * k as f64 + 0.1,
                })
                .collect(),
        }
    }

    #[test]
    fn min_score_drops_low_confidence_beads() {
        let f = Filter {
            min_score: Some(0.35),
            dedup: false,
        };
        assert_eq!(f.apply(&pair(), &mut HashSet::new()).len(), 2);
    }

    #[test]
    fn dedup_keeps_the_first_of_identical_pairs() {
        let f = Filter {
            min_score: None,
            dedup: true,
        };
        let kept = f.apply(&pair(), &mut HashSet::new());
        assert_eq!(kept.len(), 2);
        assert_eq!(kept[0].src, 0..1);
    }
}
