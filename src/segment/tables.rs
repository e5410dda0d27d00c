//! Per-language abbreviation and sentence-opener tables.
//!
//! The data are readable text files (`abbreviations/<lang>.txt`, `starters/<lang>.txt`),
//! compiled in with `include_str!` so the binary needs no data directory, and parsed once
//! on first use into hash sets shared by every [`Segmenter`](super::Segmenter).

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

/// A small multiply-rotate hasher: keys are short table words, looked up at every
/// sentence end, where SipHash's DoS resistance buys nothing and costs several times more.
#[derive(Default, Clone, Copy)]
pub(crate) struct WordHasher(u64);

impl Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x517c_c1b7_2722_0a95;
        let mut chunks = bytes.chunks_exact(8);
        for c in chunks.by_ref() {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K);
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.0 =
                (self.0.rotate_left(5) ^ u64::from_le_bytes(w) ^ rest.len() as u64).wrapping_mul(K);
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.0 = (self.0.rotate_left(5) ^ u64::from(i)).wrapping_mul(0x517c_c1b7_2722_0a95);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

type Build = BuildHasherDefault<WordHasher>;

/// How an abbreviation behaves before the next word (see `abbreviations/README.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Abbr {
    /// Never ends a sentence (`Dr.`, `e.g.`).
    Title,
    /// Ends a sentence only before a usual sentence opener (`Inc.`, `U.S.`, `usw.`).
    MayEnd,
    /// Closes a list or an amount (`etc.`, `itd.`, `kr.`): ends a sentence before any
    /// capitalised word.
    ListEnd,
    /// An abbreviation only before a number (`No. 5`).
    Number,
    /// A time of day (`a.m.`): ends a sentence before a capitalised word that is no day,
    /// month or time zone.
    Clock,
}

/// The tables of one language (its own entries merged over the common ones).
#[derive(Default)]
pub(crate) struct Tables {
    /// Entries, plus their case variants (see [`Tables::lookup`]) resolved at load time.
    abbr: HashMap<String, Abbr, Build>,
    /// Leading pieces of multi-piece entries (`s.r` of `s. r. o.`), so the scanner knows
    /// a period inside `s. r. o.` is no end before it reaches the last piece.
    prefixes: HashSet<String, Build>,
    starters: HashSet<String, Build>,
    /// Endings that make a word an abbreviation (`Hauptstr.` ends in `str`).
    suffixes: Vec<String>,
    /// Longest entry in bytes: longer words skip the look-up.
    max_len: usize,
}

const COMMON: &str = include_str!("abbreviations/common.txt");
const EN_STARTERS: &str = include_str!("starters/en.txt");

/// (language, abbreviations, sentence openers). Languages without openers of their own
/// use the English ones only.
const LANGS: &[(&str, &str, &str)] = &[
    ("am", include_str!("abbreviations/am.txt"), ""),
    ("ar", include_str!("abbreviations/ar.txt"), ""),
    (
        "bg",
        include_str!("abbreviations/bg.txt"),
        include_str!("starters/bg.txt"),
    ),
    (
        "cs",
        include_str!("abbreviations/cs.txt"),
        include_str!("starters/cs.txt"),
    ),
    (
        "da",
        include_str!("abbreviations/da.txt"),
        include_str!("starters/da.txt"),
    ),
    (
        "de",
        include_str!("abbreviations/de.txt"),
        include_str!("starters/de.txt"),
    ),
    (
        "el",
        include_str!("abbreviations/el.txt"),
        include_str!("starters/el.txt"),
    ),
    ("en", include_str!("abbreviations/en.txt"), ""),
    (
        "es",
        include_str!("abbreviations/es.txt"),
        include_str!("starters/es.txt"),
    ),
    ("fa", include_str!("abbreviations/fa.txt"), ""),
    (
        "fr",
        include_str!("abbreviations/fr.txt"),
        include_str!("starters/fr.txt"),
    ),
    ("hi", include_str!("abbreviations/hi.txt"), ""),
    ("hy", include_str!("abbreviations/hy.txt"), ""),
    (
        "it",
        include_str!("abbreviations/it.txt"),
        include_str!("starters/it.txt"),
    ),
    ("ja", include_str!("abbreviations/ja.txt"), ""),
    (
        "kk",
        include_str!("abbreviations/kk.txt"),
        include_str!("starters/kk.txt"),
    ),
    ("mr", include_str!("abbreviations/mr.txt"), ""),
    ("my", include_str!("abbreviations/my.txt"), ""),
    (
        "nl",
        include_str!("abbreviations/nl.txt"),
        include_str!("starters/nl.txt"),
    ),
    (
        "pl",
        include_str!("abbreviations/pl.txt"),
        include_str!("starters/pl.txt"),
    ),
    (
        "pt",
        include_str!("abbreviations/pt.txt"),
        include_str!("starters/pt.txt"),
    ),
    (
        "ru",
        include_str!("abbreviations/ru.txt"),
        include_str!("starters/ru.txt"),
    ),
    (
        "sk",
        include_str!("abbreviations/sk.txt"),
        include_str!("starters/sk.txt"),
    ),
    (
        "sv",
        include_str!("abbreviations/sv.txt"),
        include_str!("starters/sv.txt"),
    ),
    ("ur", include_str!("abbreviations/ur.txt"), ""),
    ("zh", include_str!("abbreviations/zh.txt"), ""),
];

/// Languages with tables, for documentation and tests.
pub(crate) fn languages() -> impl Iterator<Item = &'static str> {
    LANGS.iter().map(|(code, _, _)| *code)
}

/// The tables for a primary language subtag; unknown languages get the common tables.
pub(crate) fn for_lang(code: &str) -> &'static Tables {
    static ALL: OnceLock<(HashMap<&'static str, Tables>, Tables)> = OnceLock::new();
    let (by_lang, generic) = ALL.get_or_init(|| {
        let by_lang = LANGS
            .iter()
            .map(|(code, abbr, starters)| (*code, Tables::build(abbr, starters)))
            .collect();
        (by_lang, Tables::build("", ""))
    });
    // Norwegian shares nearly all its abbreviations with Danish.
    let code = match code {
        "nb" | "nn" | "no" => "da",
        other => other,
    };
    by_lang.get(code).unwrap_or(generic)
}

/// Sizes only: a `Segmenter`'s debug output should not list hundreds of entries.
impl std::fmt::Debug for Tables {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tables")
            .field("abbreviations", &self.abbr.len())
            .field("starters", &self.starters.len())
            .finish()
    }
}

impl Tables {
    fn build(abbr: &str, starters: &str) -> Tables {
        let mut t = Tables::default();
        t.add_abbreviations(COMMON);
        t.add_abbreviations(abbr);
        t.add_case_variants();
        for text in [EN_STARTERS, starters] {
            for word in entries(text) {
                t.starters.insert(word.to_string());
            }
        }
        t
    }

    fn add_abbreviations(&mut self, text: &str) {
        let mut kind = Abbr::Title;
        let mut kind_is_suffix = false;
        for line in text.lines() {
            let line = line.split('#').next().unwrap_or("").trim();
            match line {
                "" => continue,
                "[title]" | "[may-end]" | "[list-end]" | "[number]" | "[clock]" => {
                    kind_is_suffix = false;
                    kind = match line {
                        "[title]" => Abbr::Title,
                        "[may-end]" => Abbr::MayEnd,
                        "[list-end]" => Abbr::ListEnd,
                        "[clock]" => Abbr::Clock,
                        _ => Abbr::Number,
                    };
                }
                "[suffix]" => kind_is_suffix = true,
                _ if kind_is_suffix => self.suffixes.push(normalize(line)),
                _ => {
                    let key = normalize(line);
                    if key.is_empty() {
                        continue;
                    }
                    // Every leading part of two pieces or more: "s.r" for "s.r.o".
                    for (end, _) in key.match_indices('.').skip(1) {
                        self.prefixes.insert(key[..end].to_string());
                    }
                    self.max_len = self.max_len.max(key.len());
                    self.abbr.insert(key, kind);
                }
            }
        }
    }

    /// Case variants, so a look-up is one probe: a capitalised word finds its lower-case
    /// entry (sentence-initial `Vgl.`), a lower-case word finds a capitalised title or
    /// number entry (`rs. 100`). Entries as written take precedence.
    fn add_case_variants(&mut self) {
        let mut variants = Vec::new();
        for (key, &kind) in &self.abbr {
            let mut chars = key.chars();
            let Some(first) = chars.next() else { continue };
            let rest = chars.as_str();
            if rest.is_empty() {
                continue;
            }
            if first.is_lowercase() {
                let raised: String = first.to_uppercase().chain(rest.chars()).collect();
                if !rest.chars().any(char::is_uppercase) {
                    variants.push((raised, kind));
                }
            } else if first.is_uppercase() && matches!(kind, Abbr::Title | Abbr::Number) {
                let lowered: String = first.to_lowercase().chain(rest.chars()).collect();
                variants.push((lowered, kind));
            }
        }
        for (key, kind) in variants {
            self.abbr.entry(key).or_insert(kind);
        }
    }

    /// The class of an abbreviation written `word` (without its final period, pieces
    /// joined by `.` without spaces). Case fallback as documented in the README.
    pub(crate) fn lookup(&self, word: &str) -> Option<Abbr> {
        if word.is_empty() {
            return None;
        }
        if word.len() <= self.max_len {
            if let Some(&kind) = self.abbr.get(word) {
                // A lone letter is an initial unless an entry says it always precedes a name.
                let single = word.chars().nth(1).is_none();
                return (!single || kind == Abbr::Title).then_some(kind);
            }
        }
        self.suffix(word)
    }

    /// A compound ending in a `[suffix]` entry (`Bahnhofstr`), which may end a sentence.
    fn suffix(&self, word: &str) -> Option<Abbr> {
        self.suffixes
            .iter()
            .any(|s| {
                word.len() > s.len() + 2
                    && word.ends_with(s.as_str())
                    && word[..word.len() - s.len()]
                        .chars()
                        .all(char::is_alphabetic)
            })
            .then_some(Abbr::MayEnd)
    }

    /// Whether `key` (pieces joined by `.`) is an entry or the start of one.
    pub(crate) fn is_entry_or_prefix(&self, key: &str) -> bool {
        key.len() <= self.max_len && (self.abbr.contains_key(key) || self.prefixes.contains(key))
    }

    /// Whether `word` usually opens a sentence in this language (or in English).
    pub(crate) fn is_starter(&self, word: &str) -> bool {
        self.starters.contains(word)
    }
}

/// Non-comment, non-blank lines, trimmed.
fn entries(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
}

/// Entry key: whitespace removed, trailing periods dropped (`z. B.` → `z.B`).
fn normalize(entry: &str) -> String {
    let joined: String = entry.chars().filter(|c| !c.is_whitespace()).collect();
    joined.trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_file_parses_with_entries() {
        for code in languages() {
            let t = for_lang(code);
            assert!(t.abbr.len() > 20, "{code}: only {} entries", t.abbr.len());
        }
    }

    #[test]
    fn lookup_classes_and_case_fallback() {
        let en = for_lang("en");
        assert_eq!(en.lookup("Dr"), Some(Abbr::Title));
        assert_eq!(en.lookup("etc"), Some(Abbr::ListEnd));
        assert_eq!(en.lookup("Inc"), Some(Abbr::MayEnd));
        assert_eq!(en.lookup("No"), Some(Abbr::Number));
        assert_eq!(en.lookup("rs"), Some(Abbr::Number));
        assert_eq!(en.lookup("Etc"), Some(Abbr::ListEnd));
        assert_eq!(en.lookup("house"), None);
        let de = for_lang("de");
        assert_eq!(de.lookup("z.B"), Some(Abbr::Title));
        assert!(de.is_entry_or_prefix("u.s"));
        assert_eq!(de.lookup("Bahnhofstr"), Some(Abbr::MayEnd));
        assert_eq!(de.lookup("str"), None);
        assert!(de.is_starter("Die"));
        assert!(de.is_starter("The"));
    }
}
