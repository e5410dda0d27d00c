//! The text of one side of a document pair after decoding, normalization and segmentation:
//! the unit every later stage (alignment, filters, export) works on.

use serde::{Deserialize, Serialize};

/// One sentence: what the user sees, and what the aligner compares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sentence {
    /// Output text: original characters, NFC, whitespace trimmed and collapsed.
    pub text: String,
    /// Matching key (NFKC, case-folded, script folding): used only for scoring.
    pub key: String,
    /// 0-based paragraph index; paragraph starts are soft anchors for the aligner.
    pub paragraph: usize,
    /// What kind of block the sentence comes from (heading, list item, table cell,
    /// paragraph): a heading should pair with a heading, and TMX keeps it as a prop.
    #[serde(default, skip_serializing_if = "Structure::is_paragraph")]
    pub structure: Structure,
}

/// The kind of block a sentence was read from. Word processors and web pages say it
/// outright; in plain text a short unpunctuated line above a paragraph is a heading.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Structure {
    #[default]
    Paragraph,
    Heading,
    ListItem,
    TableCell,
}

impl Structure {
    /// The name used in TMX (`x-structure`) and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Structure::Paragraph => "paragraph",
            Structure::Heading => "heading",
            Structure::ListItem => "list-item",
            Structure::TableCell => "table-cell",
        }
    }

    pub fn is_paragraph(&self) -> bool {
        *self == Structure::Paragraph
    }
}

impl Sentence {
    /// Builds both views from raw sentence text.
    pub fn new(raw: &str, paragraph: usize) -> Self {
        let text = crate::normalize::output_text(raw);
        let key = crate::normalize::matching_key(&text);
        Sentence {
            text,
            key,
            paragraph,
            structure: Structure::Paragraph,
        }
    }

    /// The sentence marked as coming from a block of kind `structure`.
    pub fn with_structure(mut self, structure: Structure) -> Self {
        self.structure = structure;
        self
    }
}

/// One side of a pair: its language and its sentences in order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    /// BCP 47 language code, e.g. `en`, `ar`, `zh-Hans`.
    pub lang: String,
    pub sentences: Vec<Sentence>,
}

impl Document {
    pub fn len(&self) -> usize {
        self.sentences.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sentences.is_empty()
    }

    /// True when sentence `k` opens a paragraph other than the first (a soft anchor).
    pub fn starts_paragraph(&self, k: usize) -> bool {
        k > 0 && self.sentences[k].paragraph != self.sentences[k - 1].paragraph
    }

    /// True when sentence `k` belongs to a heading.
    pub fn is_heading(&self, k: usize) -> bool {
        self.sentences[k].structure == Structure::Heading
    }

    /// Builds a document from sentences given as paragraphs of raw sentence strings.
    pub fn from_paragraphs<S: AsRef<str>>(lang: &str, paragraphs: &[Vec<S>]) -> Self {
        let sentences = paragraphs
            .iter()
            .enumerate()
            .flat_map(|(p, sents)| sents.iter().map(move |s| Sentence::new(s.as_ref(), p)))
            .filter(|s| !s.text.is_empty())
            .collect();
        Document {
            lang: lang.to_string(),
            sentences,
        }
    }
}
