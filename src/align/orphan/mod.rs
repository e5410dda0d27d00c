//! Evidence that a sentence has no counterpart in the translation: credits, bylines, sources,
//! copyright lines, lines in another script than their document, lines without words.
//!
//! Short documents (news, web pages) carry such lines on one side only ("Photo: Getty Images",
//! "ترجمة: فريق التحرير"), and with a handful of sentences neither length nor anchors can tell
//! a line merged into its neighbour's bead from one standing alone. What such a line looks like
//! can: its evidence makes the one-sided bead cheaper, and a two-sided bead that holds it
//! (unmatched by a line of the same kind on the other side) dearer, so a merge must be earned
//! by the length and anchor evidence of both parts.

use std::sync::OnceLock;

use crate::document::Document;
use crate::normalize::matching_key;

/// Log-odds (nats) that a credit, byline, source or copyright line has no counterpart.
const LABEL: f32 = 5.0;
/// Log-odds for a line written in another script than most of its document.
const FOREIGN_SCRIPT: f32 = 2.5;
/// Log-odds for a line without a letter (numbers, dates, separators).
const NO_LETTERS: f32 = 1.5;
/// Log-odds for a short line that does not end like a sentence (headings are often kept, so
/// this is weak).
const UNFINISHED: f32 = 0.5;

/// Lines longer than this are sentences, whatever they start with.
const SHORT_CHARS: usize = 90;
const SHORT_WORDS: usize = 10;
/// A byline without separator ("By Jane Doe") is a few words at most.
const BYLINE_WORDS: usize = 6;

/// The evidence of every sentence of `doc`, in nats, never negative.
pub fn evidence(doc: &Document) -> Vec<f32> {
    let script = dominant_script(doc.sentences.iter().map(|s| s.text.as_str()));
    doc.sentences
        .iter()
        .map(|s| line_evidence(&s.text, &s.key, script))
        .collect()
}

/// The evidence for one line with output text `text` and matching key `key` in a document
/// written mostly in `script`.
pub fn line_evidence(text: &str, key: &str, script: Option<Script>) -> f32 {
    if text.chars().count() > SHORT_CHARS {
        return 0.0;
    }
    let words = text.split_whitespace().count();
    if words > SHORT_WORDS {
        return 0.0;
    }
    let mut e = 0.0;
    if is_credit(text, key, words) {
        e += LABEL;
    }
    let total = letters(text);
    match script {
        _ if total == 0 => e += NO_LETTERS,
        // Mixed lines (a product name inside Chinese text) are the document's own.
        Some(doc) if total >= 3 && 5 * letters_in(text, doc) < total => e += FOREIGN_SCRIPT,
        _ => {}
    }
    if !ends_like_a_sentence(text) {
        e += UNFINISHED;
    }
    e
}

/// A credit, byline, source or copyright line (see `labels.txt`).
fn is_credit(text: &str, key: &str, words: usize) -> bool {
    let t = tables();
    let key = key.trim_start_matches(|c: char| !c.is_alphanumeric() && c != '©');
    if t.mark.iter().any(|m| contains_word(key, m)) {
        return true;
    }
    if t.label.iter().any(|l| label_then_separator(key, l)) {
        return true;
    }
    words <= BYLINE_WORDS && t.by.iter().any(|b| byline(text, key, b))
}

/// `key` opens with the word(s) `label`, then (after spaces) a separator.
fn label_then_separator(key: &str, label: &str) -> bool {
    let Some(rest) = key.strip_prefix(label) else {
        return false;
    };
    let rest = rest.trim_start();
    rest.starts_with([':', '：', '/', '|', '-', '–', '—', '·', '•', '=', '>'])
}

/// `key` opens with `by` as a word, followed by a name (capitalized where the script has case).
fn byline(text: &str, key: &str, by: &str) -> bool {
    let Some(rest) = key.strip_prefix(by) else {
        return false;
    };
    if !rest.starts_with(' ') || rest.trim().is_empty() {
        return false;
    }
    // The same word in the output text, to read the case of the name after it.
    let by_words = by.split_whitespace().count();
    match text
        .split_whitespace()
        .nth(by_words)
        .and_then(|w| w.chars().next())
    {
        Some(c) if c.is_lowercase() => false,
        Some(_) => true,
        None => false,
    }
}

/// `needle` occurs in `hay` not inside a longer word.
fn contains_word(hay: &str, needle: &str) -> bool {
    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric());
    hay.match_indices(needle).any(|(at, _)| {
        let before = hay[..at].chars().next_back();
        let after = hay[at + needle.len()..].chars().next();
        let alnum_edge = needle.chars().next().is_some_and(char::is_alphanumeric);
        !alnum_edge || (!word(before) && !word(after))
    })
}

fn ends_like_a_sentence(text: &str) -> bool {
    let last = text
        .trim_end_matches(|c: char| {
            c.is_whitespace() || matches!(c, '"' | '\'' | '»' | '”' | '’' | ')' | ']' | '」' | '』')
        })
        .chars()
        .next_back();
    matches!(
        last,
        Some('.' | '!' | '?' | '…' | '。' | '！' | '？' | '؟' | '۔' | '।' | ':' | ';' | '；')
    )
}

/// The writing systems a line can be told apart by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    Latin,
    Arabic,
    Cyrillic,
    Greek,
    Hebrew,
    Han,
    Kana,
    Hangul,
    Devanagari,
    Thai,
    Other,
}

fn script_of(c: char) -> Option<Script> {
    if !c.is_alphabetic() {
        return None;
    }
    Some(match c as u32 {
        0x0041..=0x024F | 0x1E00..=0x1EFF => Script::Latin,
        0x0370..=0x03FF | 0x1F00..=0x1FFF => Script::Greek,
        0x0400..=0x052F => Script::Cyrillic,
        0x0590..=0x05FF => Script::Hebrew,
        0x0600..=0x06FF | 0x0750..=0x077F | 0x08A0..=0x08FF | 0xFB50..=0xFEFF => Script::Arabic,
        0x0900..=0x097F => Script::Devanagari,
        0x0E00..=0x0E7F => Script::Thai,
        0x3040..=0x30FF => Script::Kana,
        0x3400..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FFFF => Script::Han,
        0xAC00..=0xD7AF | 0x1100..=0x11FF => Script::Hangul,
        _ => Script::Other,
    })
}

fn letters(text: &str) -> usize {
    text.chars().filter(|c| c.is_alphabetic()).count()
}

/// Letters of `text` in `script` (kana counted as Han, as in [`dominant_script`]).
fn letters_in(text: &str, script: Script) -> usize {
    text.chars()
        .filter_map(script_of)
        .filter(|&s| s == script || (s == Script::Kana && script == Script::Han))
        .count()
}

/// The script most letters of `texts` are written in (Japanese kana count as Han: a Japanese
/// line is a mix of both). `None` without letters.
pub fn dominant_script<'a>(texts: impl Iterator<Item = &'a str>) -> Option<Script> {
    let mut counts = [0usize; 11];
    for c in texts.flat_map(str::chars) {
        if let Some(s) = script_of(c) {
            let s = if s == Script::Kana { Script::Han } else { s };
            counts[s as usize] += 1;
        }
    }
    let (best, &n) = counts.iter().enumerate().max_by_key(|&(_, n)| *n)?;
    (n > 0).then(|| ALL[best])
}

const ALL: [Script; 11] = [
    Script::Latin,
    Script::Arabic,
    Script::Cyrillic,
    Script::Greek,
    Script::Hebrew,
    Script::Han,
    Script::Kana,
    Script::Hangul,
    Script::Devanagari,
    Script::Thai,
    Script::Other,
];

/// The label table, folded like matching keys once.
struct Tables {
    label: Vec<String>,
    by: Vec<String>,
    mark: Vec<String>,
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        let mut t = Tables {
            label: Vec::new(),
            by: Vec::new(),
            mark: Vec::new(),
        };
        let mut section = "";
        for line in include_str!("labels.txt").lines().map(str::trim) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if line.starts_with('[') {
                section = line;
                continue;
            }
            let entry = matching_key(line);
            match section {
                "[label]" => t.label.push(entry),
                "[by]" => t.by.push(entry),
                _ => t.mark.push(entry),
            }
        }
        // Longest first, so "photo credit" is tried before "photo".
        t.label.sort_by_key(|l| std::cmp::Reverse(l.len()));
        t
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(text: &str, script: Option<Script>) -> f32 {
        line_evidence(text, &matching_key(text), script)
    }

    #[test]
    fn credits_bylines_and_sources_are_likely_one_sided() {
        let en = Some(Script::Latin);
        let ar = Some(Script::Arabic);
        for line in [
            "Photo: Getty Images",
            "Source: World Health Organization",
            "By Jane Doe",
            "© Reuters 2020",
            "(Photo credit: AFP)",
        ] {
            assert!(ev(line, en) >= LABEL, "{line}");
        }
        for line in ["ترجمة: فريق التحرير", "ترجمة / حامد احمد", "المصدر: وكالات"]
        {
            assert!(ev(line, ar) >= LABEL, "{line}");
        }
    }

    #[test]
    fn ordinary_sentences_carry_no_evidence() {
        let en = Some(Script::Latin);
        for line in [
            "Photos of the event were shared widely.",
            "by the end of the week the fever was gone.",
            "The source of the outbreak is unknown.",
            "Sources say the talks will resume on Monday, according to officials close to both sides.",
        ] {
            assert_eq!(ev(line, en), 0.0, "{line}");
        }
        assert_eq!(ev("وقلت إن هذا ضغط في صدرك.", Some(Script::Arabic)), 0.0);
    }

    #[test]
    fn a_line_in_another_script_than_its_document_is_suspect() {
        let e = ev("We respect your privacy.", Some(Script::Arabic));
        assert!((FOREIGN_SCRIPT..LABEL).contains(&e));
    }

    #[test]
    fn a_mixed_line_belongs_to_its_document() {
        assert_eq!(
            ev("ShelfRunner 3每台售价16.8万元人民币起。", Some(Script::Han)),
            0.0
        );
    }

    #[test]
    fn the_dominant_script_counts_letters() {
        let texts = ["Hello world", "مرحبا بالعالم الكبير جدا"];
        assert_eq!(dominant_script(texts.into_iter()), Some(Script::Arabic));
        assert_eq!(dominant_script(["12.03.2020"].into_iter()), None);
    }
}
