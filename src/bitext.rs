//! Aligned text: the beads an aligner produces and the document pair they index, the one
//! vocabulary the aligner, filters, importers and exporters share (so exporters never depend
//! on the aligner).

use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::document::Document;

/// A group of consecutive source sentences aligned to a group of consecutive target sentences.
/// Either side may be empty (a 1-0 or 0-1 bead: a sentence with no counterpart).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bead {
    pub src: Range<usize>,
    pub tgt: Range<usize>,
    /// Probability in [0, 1] that this bead is right.
    pub score: f64,
}

impl Bead {
    /// True when one side is empty.
    pub fn is_one_sided(&self) -> bool {
        self.src.is_empty() || self.tgt.is_empty()
    }

    /// The bead as an evaluation link (source and target index lists).
    pub fn link(&self) -> (Vec<usize>, Vec<usize>) {
        (self.src.clone().collect(), self.tgt.clone().collect())
    }
}

/// A document pair with its alignment: what filters and exporters consume.
#[derive(Debug, Clone, Default)]
pub struct AlignedPair {
    /// Identifier (file stem or stream pair id); used in TMX props and reports.
    pub id: String,
    pub src: Document,
    pub tgt: Document,
    pub beads: Vec<Bead>,
}

impl AlignedPair {
    /// Source text of a bead: its sentences joined by a space.
    pub fn src_text(&self, bead: &Bead) -> String {
        join(&self.src, &bead.src)
    }

    /// Target text of a bead: its sentences joined by a space (no space between CJK sentences).
    pub fn tgt_text(&self, bead: &Bead) -> String {
        join(&self.tgt, &bead.tgt)
    }
}

/// What goes between two sentences of a bead in `doc`: a space, or nothing for scripts
/// written without spaces between sentences.
pub fn sentence_separator(doc: &Document) -> &'static str {
    let no_space = matches!(
        doc.lang.split('-').next(),
        Some("zh" | "ja" | "th" | "lo" | "km" | "my")
    );
    if no_space {
        ""
    } else {
        " "
    }
}

/// The text of sentences `range` of `doc`, as a bead shows them.
pub(crate) fn join(doc: &Document, range: &Range<usize>) -> String {
    doc.sentences[range.clone()]
        .iter()
        .map(|s| s.text.as_str())
        .collect::<Vec<_>>()
        .join(sentence_separator(doc))
}
