//! Unpunctuated text: speech transcripts, subtitles and chat logs run clauses together
//! without punctuation, so the sentence scanner leaves a whole turn (`and how high has your
//! fever been and i have a cough too`) as one segment, and its translation, punctuated or
//! not, cannot pair with it piece by piece.
//!
//! A document counts as unpunctuated when many of its longer sentences end without any
//! punctuation ([`is_unpunctuated`]); edited prose almost never does (news, papers, manuals:
//! under 20% in the TICO-19 documents, against 59% in their speech transcript). Only then
//! are its sentences cut again, before words that open a clause: conjunctions, question
//! words and discourse markers, an auxiliary verb followed by a pronoun (a question), and in
//! Arabic the clause particles and the conjunction `و` written onto the next word. The cuts
//! are finer than the translator's sentences on purpose: both sides are cut at the same kind
//! of place and the aligner joins pieces back (2-1, 3-1 beads), which it can; it cannot split
//! a segment that was never cut.
//!
//! Languages without clause tables (all but English and Arabic so far) are left as they are.

use std::ops::Range;

/// Shortest sentence (words) counted when judging a document: headings, list items and
/// one-word answers end without punctuation in any text.
const JUDGED_WORDS: usize = 6;
/// Fewest judged sentences for a verdict: a short text proves nothing.
const MIN_JUDGED: usize = 8;
/// Share of judged sentences without final punctuation from which a document counts as
/// unpunctuated.
const UNPUNCTUATED_SHARE: f64 = 0.35;
/// Shortest piece (words) a cut may leave on either side.
const MIN_PIECE_WORDS: usize = 2;

/// Words that open a clause, per language, and how questions are made.
struct Openers {
    /// Lower-case words before which an unpunctuated sentence is cut.
    words: &'static [&'static str],
    /// Two-word openers (`مع ذلك`).
    pairs: &'static [(&'static str, &'static str)],
    /// Auxiliary verbs that open a question when one of `subjects` follows (`do you`).
    auxiliaries: &'static [&'static str],
    subjects: &'static [&'static str],
    /// A conjunction written onto the next word (Arabic `و`): a word of at least
    /// `prefix_len` letters starting with it opens a clause.
    prefix: Option<(char, usize)>,
}

const EN: Openers = Openers {
    words: &[
        "and", "but", "so", "because", "however", "or", "then", "although", "though", "since",
        "while", "if", "now", "okay", "well", "how", "what", "when", "where", "why", "who",
    ],
    pairs: &[],
    auxiliaries: &[
        "do", "does", "did", "are", "is", "can", "could", "would", "will", "have", "has", "was",
        "were",
    ],
    subjects: &[
        "you", "they", "he", "she", "it", "we", "i", "your", "there", "this", "that",
    ],
    prefix: None,
};

const AR: Openers = Openers {
    words: &[
        "لكن",
        "ولكن",
        "لأن",
        "هل",
        "وهل",
        "إذا",
        "حسنًا",
        "إذًا",
        "ما",
        "ماذا",
        "متى",
        "أين",
        "كيف",
        "لماذا",
        "الآن",
        "منذ",
    ],
    pairs: &[("مع", "ذلك")],
    auxiliaries: &[],
    subjects: &[],
    prefix: Some(('و', 4)),
};

fn openers(lang: &str) -> Option<&'static Openers> {
    match lang {
        "en" => Some(&EN),
        "ar" => Some(&AR),
        _ => None,
    }
}

/// Whether a document whose sentences are `sentences` reads as unpunctuated (module docs).
pub(crate) fn is_unpunctuated<'a>(sentences: impl IntoIterator<Item = &'a str>) -> bool {
    let (mut judged, mut bare) = (0usize, 0usize);
    for s in sentences {
        if s.split_whitespace().nth(JUDGED_WORDS - 1).is_none() {
            continue;
        }
        judged += 1;
        if !ends_with_punctuation(s) {
            bare += 1;
        }
    }
    judged >= MIN_JUDGED && bare as f64 >= UNPUNCTUATED_SHARE * judged as f64
}

/// The last character that is not a closing quote or bracket is punctuation.
fn ends_with_punctuation(s: &str) -> bool {
    s.trim_end()
        .chars()
        .rev()
        .find(|&c| !super::chars::is_closer(c))
        .is_some_and(|c| {
            super::chars::terminator(c).is_some()
                || matches!(c, ':' | ';' | ',' | '،' | '؛' | '、' | '，' | '：' | '；')
        })
}

/// Byte ranges of `sentence` cut before clause openers of language `lang` (primary
/// subtag); the whole sentence when the language has no table.
pub(crate) fn clauses(lang: &str, sentence: &str) -> Vec<Range<usize>> {
    let whole = std::iter::once(0..sentence.len()).collect();
    let Some(table) = openers(lang) else {
        return whole;
    };
    let words: Vec<(usize, &str)> = sentence
        .split_whitespace()
        .map(|w| (w.as_ptr() as usize - sentence.as_ptr() as usize, w))
        .collect();
    let mut cuts: Vec<usize> = Vec::new();
    let mut piece_start = 0;
    for k in 1..words.len() {
        if k - piece_start >= MIN_PIECE_WORDS && opens_clause(table, &words, k) {
            cuts.push(k);
            piece_start = k;
        }
    }
    if cuts
        .last()
        .is_some_and(|&c| words.len() - c < MIN_PIECE_WORDS)
    {
        cuts.pop();
    }
    if cuts.is_empty() {
        return whole;
    }
    let mut out = Vec::with_capacity(cuts.len() + 1);
    let mut from = 0;
    for k in cuts {
        let at = words[k].0;
        out.push(from..sentence[..at].trim_end().len());
        from = at;
    }
    out.push(from..sentence.len());
    out
}

/// Whether word `k` opens a clause: not right after clause punctuation (the writer marked
/// that boundary already and chose not to end the sentence).
fn opens_clause(table: &Openers, words: &[(usize, &str)], k: usize) -> bool {
    let prev = words[k - 1].1;
    if prev.ends_with([',', ';', ':', '،', '؛', '-', '—', '–']) {
        return false;
    }
    let word = words[k]
        .1
        .trim_start_matches(|c: char| !c.is_alphanumeric());
    let lower = word.to_lowercase();
    let next = words.get(k + 1).map(|w| w.1.to_lowercase());
    let next = next.as_deref().unwrap_or("");
    // `how high has your fever been`: after a question word the auxiliary is inverted
    // inside the same question.
    let after_opener = words[k.saturating_sub(2)..k]
        .iter()
        .any(|w| table.words.contains(&w.1.to_lowercase().as_str()));
    table.words.contains(&lower.as_str())
        || table.pairs.iter().any(|&(a, b)| a == lower && b == next)
        || (table.auxiliaries.contains(&lower.as_str())
            && table.subjects.contains(&next)
            && !after_opener)
        || table
            .prefix
            .is_some_and(|(c, len)| lower.starts_with(c) && lower.chars().count() >= len)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces<'a>(lang: &str, s: &'a str) -> Vec<&'a str> {
        clauses(lang, s).into_iter().map(|r| &s[r]).collect()
    }

    #[test]
    fn english_turns_are_cut_at_clause_openers() {
        assert_eq!(
            pieces(
                "en",
                "and all chest pain should be treated this way especially with your age and along with a fever"
            ),
            [
                "and all chest pain should be treated this way especially with your age",
                "and along with a fever"
            ]
        );
        assert_eq!(
            pieces("en", "i have a cough do you have a fever"),
            ["i have a cough", "do you have a fever"]
        );
    }

    #[test]
    fn marked_boundaries_and_short_pieces_are_left_alone() {
        // After a comma the writer chose not to end the sentence.
        assert_eq!(
            pieces("en", "a cold, and a cough today"),
            ["a cold, and a cough today"]
        );
        // A cut never leaves a one-word piece.
        assert_eq!(pieces("en", "yes and no"), ["yes and no"]);
        assert_eq!(pieces("en", "tell me more and"), ["tell me more and"]);
        // No table: unchanged.
        assert_eq!(
            pieces("fr", "oui et non et peut-être"),
            ["oui et non et peut-être"]
        );
    }

    #[test]
    fn arabic_conjunction_prefix_and_particles() {
        assert_eq!(
            pieces(
                "ar",
                "وينبغي علاج كل آلام الصدر خاصة في عمرك وبالإضافة إلى الحمى مع ذلك أجري اختبارات"
            ),
            [
                "وينبغي علاج كل آلام الصدر خاصة في عمرك",
                "وبالإضافة إلى الحمى",
                "مع ذلك أجري اختبارات"
            ]
        );
    }

    #[test]
    fn only_mostly_unpunctuated_documents_qualify() {
        let transcript = ["and how high has your fever been and i have a cough too"; 9];
        assert!(is_unpunctuated(transcript));
        let prose = ["The committee met on Tuesday to discuss the budget."; 9];
        assert!(!is_unpunctuated(prose));
        // Headings and short lines are not judged; too few sentences prove nothing.
        let headings = ["Results and discussion"; 20];
        assert!(!is_unpunctuated(headings));
        assert!(!is_unpunctuated(transcript[..5].iter().copied()));
        // A closing quote or bracket after the period still counts as punctuated.
        let quoted = ["He said that the plan would work for everyone (see below)."; 9];
        assert!(!is_unpunctuated(quoted));
    }
}
