//! Normalization: the output text users see and the matching key the aligner compares.
//!
//! Two views of one sentence, because they serve opposite goals:
//! - [`output_text`] goes into the translation memory, so it changes as little as possible:
//!   NFC (so equal text is equal bytes) and whitespace trimmed and collapsed.
//! - [`matching_key`] is never shown; it folds every difference that should not count
//!   against a match (compatibility forms, case, Arabic spelling variants and diacritics,
//!   digit scripts, typographic quotes and dashes, invisible bidi controls).
//!
//! Both run on every sentence of large corpora, so they take one pass over the text plus a
//! quick normalization check that skips the Unicode normalizer on text already in form.

use unicode_normalization::{is_nfc_quick, is_nfkc_quick, IsNormalized, UnicodeNormalization};

/// Output text: NFC, whitespace (any Unicode whitespace, e.g. NBSP, U+3000) trimmed and
/// collapsed to one ASCII space; nothing else changed.
pub fn output_text(raw: &str) -> String {
    if raw.chars().all(|c| is_stable_starter(c, false))
        || is_nfc_quick(raw.chars()) == IsNormalized::Yes
    {
        collapse_chars(raw.chars(), raw.len())
    } else {
        collapse_chars(raw.nfc(), raw.len())
    }
}

/// Whitespace trimmed and every run of Unicode whitespace replaced by one ASCII space.
pub fn collapse_whitespace(text: &str) -> String {
    collapse_chars(text.chars(), text.len())
}

fn collapse_chars(chars: impl Iterator<Item = char>, capacity: usize) -> String {
    let mut out = String::with_capacity(capacity);
    let mut pending_space = false;
    for c in chars {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
        } else {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
        }
    }
    out
}

/// Matching key, used only for scoring: NFKC, lowercase, Arabic folding, ASCII digits,
/// invisible and bidi controls removed, quotes and dashes unified, whitespace collapsed.
pub fn matching_key(text: &str) -> String {
    // NFKC first: it turns presentation forms, fullwidth letters and ligatures into the
    // base characters that the folding below knows.
    if text
        .chars()
        .all(|c| is_stable_starter(c, true) || is_inert_haraka(c))
        || is_nfkc_quick(text.chars()) == IsNormalized::Yes
    {
        key_chars(text.chars(), text.len())
    } else {
        key_chars(text.nfkc(), text.len())
    }
}

/// Characters that NFC (and, with `compat`, NFKC) leave alone whatever surrounds them:
/// starters (combining class 0) with quick-check "Yes", which are therefore never the second
/// half of a composition. Text made only of these (most Latin, Cyrillic, Greek, Hebrew,
/// unvocalized Arabic, Chinese, Japanese, Korean text) skips the table-driven quick check,
/// which costs as much as the rest of the key. A unit test checks every character against the
/// Unicode tables.
#[inline]
fn is_stable_starter(c: char, compat: bool) -> bool {
    match c {
        '\0'..='\u{7F}'
        | '\u{A1}'..='\u{A7}'
        | '\u{A9}'
        | '\u{AB}'..='\u{AE}'
        | '\u{B0}'
        | '\u{B1}'
        | '\u{B6}'
        | '\u{B7}'
        | '\u{BB}'
        | '\u{BF}'..='\u{131}'
        | '\u{134}'..='\u{13E}'
        | '\u{141}'..='\u{148}'
        | '\u{14A}'..='\u{17E}'
        | '\u{391}'..='\u{3A1}'
        | '\u{3A3}'..='\u{3A9}'
        | '\u{3B1}'..='\u{3C9}'
        | '\u{400}'..='\u{482}'
        | '\u{48A}'..='\u{4FF}'
        | '\u{5D0}'..='\u{5EA}'
        | '\u{60C}'
        | '\u{61B}'
        | '\u{61F}'
        | '\u{621}'..='\u{64A}'
        | '\u{660}'..='\u{66D}'
        | '\u{671}'..='\u{674}'
        | '\u{679}'..='\u{6D5}'
        | '\u{6F0}'..='\u{6F9}'
        | '\u{2013}'
        | '\u{2014}'
        | '\u{2018}'
        | '\u{2019}'
        | '\u{201C}'
        | '\u{201D}'
        | '\u{3001}'..='\u{3029}'
        | '\u{3030}'..='\u{3035}'
        | '\u{3041}'..='\u{3096}'
        | '\u{30A1}'..='\u{30FE}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{AC00}'..='\u{D7A3}'
        // Invisible format characters (dropped by the key); soft hyphen U+AD is above.
        | '\u{61C}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'
        | '\u{2066}'..='\u{2069}'
        | '\u{FEFF}' => true,
        // Compatibility characters: NFC keeps them, NFKC maps them (NBSP, ideographic space,
        // fullwidth punctuation common in Chinese text).
        '\u{A0}' | '\u{3000}' | '\u{FF01}'..='\u{FF5E}' => !compat,
        _ => false,
    }
}

/// Arabic vowel marks that compose with nothing and that the key drops: NFKC would only
/// reorder them among themselves, so vocalized Arabic can skip it too.
#[inline]
fn is_inert_haraka(c: char) -> bool {
    matches!(c, '\u{064B}'..='\u{0652}' | '\u{0670}')
}

/// What one (NFKC) character becomes in the matching key.
enum Fold {
    Keep(char),
    Drop,
    Space,
}

#[inline]
fn fold(c: char) -> Fold {
    match c {
        // Bidi and invisible format controls: present or not depending on the editor.
        '\u{200B}'..='\u{200F}'
        | '\u{061C}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'
        | '\u{2066}'..='\u{2069}'
        | '\u{FEFF}'
        | '\u{00AD}' => Fold::Drop,
        // Arabic tatweel (justification) and harakat (optional vowel marks).
        '\u{0640}' | '\u{064B}'..='\u{065F}' | '\u{0670}' => Fold::Drop,
        // Alef with madda / hamza above / hamza below / wasla / wavy hamza: spelled either way.
        '\u{0622}' | '\u{0623}' | '\u{0625}' | '\u{0671}' | '\u{0672}' | '\u{0673}' => {
            Fold::Keep('\u{0627}')
        }
        // Alef maqsura and Persian ye are written for Arabic ye (and back) in practice.
        '\u{0649}' | '\u{06CC}' => Fold::Keep('\u{064A}'),
        // Persian keheh for Arabic kaf.
        '\u{06A9}' => Fold::Keep('\u{0643}'),
        // Arabic-Indic and Eastern Arabic-Indic digits: numbers must match across scripts.
        '\u{0660}'..='\u{0669}' => Fold::Keep(ascii_digit(c as u32 - 0x0660)),
        '\u{06F0}'..='\u{06F9}' => Fold::Keep(ascii_digit(c as u32 - 0x06F0)),
        // Double quotes, guillemets and CJK primary quote brackets.
        '\u{00AB}'
        | '\u{00BB}'
        | '\u{201C}'..='\u{201F}'
        | '\u{2E42}'
        | '\u{275D}'
        | '\u{275E}'
        | '\u{300C}'
        | '\u{300D}'
        | '\u{301D}'..='\u{301F}' => Fold::Keep('"'),
        // Single quotes, single guillemets, CJK secondary quote brackets, backtick.
        '\u{2018}'..='\u{201B}'
        | '\u{2039}'
        | '\u{203A}'
        | '\u{275B}'
        | '\u{275C}'
        | '\u{300E}'
        | '\u{300F}'
        | '`' => Fold::Keep('\''),
        // Hyphens and dashes (NFKC already maps the small and fullwidth hyphen-minus).
        '\u{2010}'..='\u{2015}'
        | '\u{2212}'
        | '\u{2E3A}'
        | '\u{2E3B}'
        | '\u{FE63}'
        | '\u{FF0D}' => Fold::Keep('-'),
        c if c.is_whitespace() => Fold::Space,
        c => Fold::Keep(c),
    }
}

#[inline]
fn ascii_digit(d: u32) -> char {
    char::from_digit(d, 10).unwrap_or('0')
}

fn key_chars(chars: impl Iterator<Item = char>, capacity: usize) -> String {
    let mut out = String::with_capacity(capacity);
    // A space is written lazily, before the next kept character, so runs collapse and
    // neither end gets one.
    let mut pending_space = false;
    for c in chars {
        let k = if c.is_ascii() {
            // Fast path: most text is mostly ASCII.
            if c.is_ascii_whitespace() || c == '\u{0B}' {
                pending_space = true;
                continue;
            }
            if c == '`' {
                '\''
            } else {
                c.to_ascii_lowercase()
            }
        } else {
            match fold(c) {
                Fold::Drop => continue,
                Fold::Space => {
                    pending_space = true;
                    continue;
                }
                Fold::Keep(k) => k,
            }
        };
        if pending_space {
            if !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
        }
        if k.is_ascii() || is_caseless(k) {
            out.push(k);
        } else {
            out.extend(k.to_lowercase());
        }
    }
    out
}

/// Blocks of scripts without case (Hebrew to Myanmar, CJK, Hangul syllables), where the
/// lowercase lookup can be skipped: they make up most of the text in those languages.
#[inline]
fn is_caseless(c: char) -> bool {
    matches!(c, '\u{0590}'..='\u{109F}' | '\u{3000}'..='\u{9FFF}' | '\u{AC00}'..='\u{D7AF}')
}

/// Removes control characters (C0 but tab and newline, DEL, C1 U+0080–U+009F) and counts
/// them: they carry no text (terminal escapes, stray bytes of mis-converted files) and would
/// end up in the translation memory.
pub fn strip_controls(text: &str) -> (String, usize) {
    let Some(first) = text.find(is_strippable_control) else {
        return (text.to_owned(), 0);
    };
    let mut out = String::with_capacity(text.len());
    out.push_str(&text[..first]);
    let mut dropped = 0;
    for c in text[first..].chars() {
        if is_strippable_control(c) {
            dropped += 1;
        } else {
            out.push(c);
        }
    }
    (out, dropped)
}

/// A control character that [`strip_controls`] removes.
#[inline]
pub fn is_strippable_control(c: char) -> bool {
    c.is_control() && c != '\t' && c != '\n'
}

#[cfg(test)]
mod tests {
    use super::*;

    // output_text

    #[test]
    fn output_composes_to_nfc() {
        assert_eq!(output_text("e\u{301}te\u{301}"), "\u{e9}t\u{e9}");
    }

    #[test]
    fn output_trims_and_collapses_unicode_whitespace_to_one_space() {
        assert_eq!(
            output_text(" \u{3000}a\u{a0}\u{a0}b\t\nc\u{2009}d \u{2028}"),
            "a b c d"
        );
    }

    #[test]
    fn output_keeps_case_quotes_dashes_and_compatibility_forms() {
        let s = "«Ｆｕｌｌ» “Quote” – ﬁ ٣ أ";
        assert_eq!(output_text(s), s);
    }

    #[test]
    fn output_of_whitespace_only_is_empty() {
        assert_eq!(output_text(" \u{a0}\u{3000}\n"), "");
    }

    // matching_key

    #[test]
    fn key_applies_nfkc_compatibility_forms() {
        assert_eq!(matching_key("ﬁＡ１"), "fia1");
        // Arabic presentation form lam-alef ligature becomes two letters.
        assert_eq!(matching_key("\u{FEFB}"), "\u{0644}\u{0627}");
    }

    #[test]
    fn key_lowercases_all_scripts() {
        assert_eq!(
            matching_key("HeLLo ÉCOLE Привет ΣΟΦΙΑ"),
            "hello école привет σοφια"
        );
    }

    #[test]
    fn key_removes_tatweel() {
        assert_eq!(matching_key("كتـــاب"), "كتاب");
    }

    #[test]
    fn key_removes_harakat_and_superscript_alef() {
        // kataba with fatha on each letter; hadha with superscript alef; tanwin; shadda.
        assert_eq!(matching_key("كَتَبَ"), "كتب");
        assert_eq!(matching_key("هٰذا"), "هذا");
        assert_eq!(matching_key("أحرارًا"), "احرارا");
        assert_eq!(matching_key("لمّا"), "لما");
    }

    #[test]
    fn key_folds_alef_variants_to_bare_alef() {
        assert_eq!(matching_key("آ أ إ ٱ"), "ا ا ا ا");
        // Decomposed alef + hamza above composes under NFKC, then folds the same way.
        assert_eq!(matching_key("\u{0627}\u{0654}"), "ا");
    }

    #[test]
    fn key_folds_alef_maqsura_to_ye() {
        assert_eq!(matching_key("على"), "علي");
    }

    #[test]
    fn key_folds_persian_ye_and_keheh_to_arabic() {
        assert_eq!(matching_key("یک"), "يك");
    }

    #[test]
    fn key_keeps_ta_marbuta() {
        assert_eq!(matching_key("مدرسة"), "مدرسة");
    }

    #[test]
    fn key_maps_arabic_indic_digits_to_ascii() {
        assert_eq!(matching_key("٠١٢٣٤٥٦٧٨٩"), "0123456789");
    }

    #[test]
    fn key_maps_eastern_arabic_indic_digits_to_ascii() {
        assert_eq!(matching_key("۰۱۲۳۴۵۶۷۸۹"), "0123456789");
    }

    #[test]
    fn key_removes_bidi_and_invisible_controls() {
        let s =
            "a\u{200B}b\u{200C}c\u{200D}d\u{200E}e\u{200F}f\u{061C}g\u{202A}h\u{202B}i\u{202C}j\
                 \u{202D}k\u{202E}l\u{2066}m\u{2067}n\u{2068}o\u{2069}p\u{FEFF}q\u{AD}r";
        assert_eq!(matching_key(s), "abcdefghijklmnopqr");
    }

    #[test]
    fn key_unifies_double_quotes() {
        assert_eq!(
            matching_key("«a» „b“ “c” ‟d” 「e」 〝f〞 ＂g＂"),
            "\"a\" \"b\" \"c\" \"d\" \"e\" \"f\" \"g\""
        );
    }

    #[test]
    fn key_unifies_single_quotes() {
        assert_eq!(
            matching_key("‹a› ‚b‘ ‘c’ ‛d’ 『e』 ＇f＇ `g'"),
            "'a' 'b' 'c' 'd' 'e' 'f' 'g'"
        );
    }

    #[test]
    fn key_unifies_dashes_to_hyphen_minus() {
        assert_eq!(matching_key("a‐b‑c‒d–e—f―g−h﹣i－j"), "a-b-c-d-e-f-g-h-i-j");
    }

    #[test]
    fn key_collapses_and_trims_whitespace() {
        assert_eq!(matching_key("  a \u{a0}\u{3000} b\t\n c  "), "a b c");
        // A removed invisible character between spaces leaves one space.
        assert_eq!(matching_key("a \u{200B} b"), "a b");
    }

    #[test]
    fn key_leaves_other_text_alone() {
        assert_eq!(matching_key("人人生而自由。"), "人人生而自由。");
        assert_eq!(matching_key("ؤ ئ ة"), "ؤ ئ ة");
    }

    #[test]
    fn stable_starters_agree_with_the_unicode_tables() {
        use unicode_normalization::char::canonical_combining_class;
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            for compat in [false, true] {
                if !is_stable_starter(c, compat) {
                    continue;
                }
                assert_eq!(canonical_combining_class(c), 0, "{:04X}", c as u32);
                let quick = if compat {
                    is_nfkc_quick(std::iter::once(c))
                } else {
                    is_nfc_quick(std::iter::once(c))
                };
                assert_eq!(quick, IsNormalized::Yes, "{:04X} compat={compat}", c as u32);
            }
        }
    }

    mod prop {
        use super::super::*;
        use proptest::prelude::*;

        /// Text mixing stable starters with combining marks, compatibility characters and
        /// whitespace, so both the fast path and the full normalization run.
        fn mixed_text() -> impl Strategy<Value = String> {
            prop_oneof![
                "[a-zA-Z é\u{301}\u{308}\u{327}ا-يًٌَُّْٰ\u{653}\u{654}\u{655}\u{a0}\u{3000}\u{200c}\u{feff}人，。ЁЕ ﬁＡ«»–]{0,40}",
                any::<String>(),
            ]
        }

        proptest! {
            #[test]
            fn output_text_is_collapsed_nfc(s in mixed_text()) {
                let nfc: String = s.nfc().collect();
                let expected = nfc.split_whitespace().collect::<Vec<_>>().join(" ");
                prop_assert_eq!(output_text(&s), expected);
            }

            #[test]
            fn key_fast_path_agrees_with_full_nfkc(s in mixed_text()) {
                prop_assert_eq!(matching_key(&s), key_chars(s.nfkc(), s.len()));
            }
        }
    }

    // strip_controls

    #[test]
    fn strip_controls_removes_c0_del_and_c1_and_counts_them() {
        let (s, n) = strip_controls("a\u{0}b\u{1b}[0m\u{7f}c\u{85}d\u{9f}e\u{c}f\rg");
        assert_eq!(s, "ab[0mcdefg");
        assert_eq!(n, 7);
    }

    #[test]
    fn strip_controls_keeps_tab_newline_and_text() {
        let (s, n) = strip_controls("a\tb\nc é\u{a0}ж");
        assert_eq!(s, "a\tb\nc é\u{a0}ж");
        assert_eq!(n, 0);
    }
}
