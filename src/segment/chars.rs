//! Character classes for the scanner, as plain `match`es (compiled to range checks), so the
//! hot loop needs no Unicode tables beyond what `char` already offers.

/// How a terminator behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Term {
    /// `.`: an end, or an abbreviation, a decimal, an initial, an ordinal...
    Dot,
    /// `…`: an ellipsis, an end only before a capital.
    Ellipsis,
    /// `! ?` and their relatives: an end unless a lower-case word follows.
    Strong,
    /// Full stops of scripts written without spaces or case (`。` `।` `؟` `።` `။`): an end
    /// even when the next sentence follows without a space.
    NoSpace,
}

/// The terminator class of `c` when the language-independent table knows it; language
/// rules (Greek `;`, Armenian `:`, no `.` in Armenian) are applied by the caller.
#[inline]
pub(crate) fn terminator(c: char) -> Option<Term> {
    match c {
        '.' => Some(Term::Dot),
        '…' => Some(Term::Ellipsis),
        '!' | '?' | '‼' | '⁇' | '⁈' | '⁉' | '﹖' | '﹗' | '\u{37E}' => Some(Term::Strong),
        // CJK full stop, full-width ! ? and half-width ideographic full stop.
        '。' | '！' | '？' | '｡' | '．' => Some(Term::NoSpace),
        // Arabic question mark, Urdu full stop.
        '؟' | '۔' => Some(Term::NoSpace),
        // Devanagari danda and double danda (Hindi, Marathi, Nepali, Sanskrit).
        '।' | '॥' => Some(Term::NoSpace),
        // Ethiopic full stop, question mark, paragraph separator.
        '።' | '፧' | '፨' => Some(Term::NoSpace),
        // Myanmar section mark, Khmer khan and bariyoosan, Armenian full stop.
        '။' | '។' | '៕' | '։' => Some(Term::NoSpace),
        _ => None,
    }
}

/// Marks that close a quotation or bracket and stay with the sentence before them.
#[inline]
pub(crate) fn is_closer(c: char) -> bool {
    matches!(
        c,
        ')' | ']'
            | '}'
            | '"'
            | '\''
            | '”'
            | '’'
            | '“'
            | '»'
            | '«'
            | '›'
            | '‹'
            | '」'
            | '』'
            | '）'
            | '］'
            | '｝'
            | '》'
            | '〉'
            | '】'
            | '〕'
            | '〗'
            | '〙'
            | '〛'
            | '＂'
            | '＇'
            | '｣'
    ) || is_format(c)
}

/// Marks that open a quotation or bracket, plus Spanish `¿ ¡`: skipped when looking at
/// the first letter of the next sentence.
#[inline]
pub(crate) fn is_opener(c: char) -> bool {
    matches!(
        c,
        '(' | '['
            | '{'
            | '"'
            | '\''
            | '“'
            | '‘'
            | '„'
            | '‚'
            | '«'
            | '‹'
            | '»'
            | '›'
            | '「'
            | '『'
            | '（'
            | '［'
            | '｛'
            | '《'
            | '〈'
            | '【'
            | '〔'
            | '〖'
            | '¿'
            | '¡'
            | '＂'
            | '｢'
    ) || is_format(c)
}

/// Invisible formatting characters (bidi controls, zero-width joiners, BOM): transparent
/// for every decision, e.g. the Arabic `د\u{202A}.\u{202C}` (Dr.) keeps its abbreviation.
#[inline]
pub(crate) fn is_format(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}' | '\u{061C}')
}

/// Dashes and bullets: a dash-only token between sentences (`see? - Posted`) is skipped
/// to find the next word; a bullet can start a list item.
#[inline]
pub(crate) fn is_dash_or_bullet(c: char) -> bool {
    matches!(
        c,
        '-' | '–'
            | '—'
            | '‒'
            | '―'
            | '−'
            | '⁃'
            | '•'
            | '‣'
            | '◦'
            | '▪'
            | '·'
            | '*'
            | '●'
            | '■'
    )
}

/// Letter case as the scanner needs it: scripts without case (and Georgian, whose
/// everyday letters Unicode files as lower case) are `Other`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Case {
    Upper,
    Lower,
    Other,
}

#[inline]
pub(crate) fn case_of(c: char) -> Case {
    if c.is_ascii() {
        if c.is_ascii_uppercase() {
            Case::Upper
        } else if c.is_ascii_lowercase() {
            Case::Lower
        } else {
            Case::Other
        }
    } else if ('\u{10D0}'..='\u{10FF}').contains(&c) {
        Case::Other
    } else if c.is_uppercase() {
        Case::Upper
    } else if c.is_lowercase() {
        Case::Lower
    } else {
        Case::Other
    }
}

/// Combining marks of the scripts where they are common (Latin diacritics, Arabic
/// harakat, Indic vowel signs), so `पी` counts as one letter like `P`.
#[inline]
pub(crate) fn is_mark(c: char) -> bool {
    let u = c as u32;
    match u {
        0x0300..=0x036F | 0x0483..=0x0489 | 0x0591..=0x05C7 => true,
        0x064B..=0x065F | 0x0670 | 0x06D6..=0x06ED => true,
        // Indic blocks share the ISCII layout: signs at the same offsets in each block.
        0x0900..=0x0DFF => {
            let off = (u - 0x0900) % 0x80;
            matches!(off, 0x00..=0x03 | 0x3A..=0x3C | 0x3E..=0x4F | 0x51..=0x57 | 0x62..=0x63)
        }
        _ => false,
    }
}

/// Ideographs, kana and Hangul: text that needs no space after its full stop.
#[inline]
pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30FF}' | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}'
        | '\u{AC00}'..='\u{D7AF}' | '\u{F900}'..='\u{FAFF}' | '\u{FF66}'..='\u{FF9F}')
}

/// Marks after which a full stop never breaks at once (`。」`, `？、`): more punctuation of
/// the same sentence.
#[inline]
pub(crate) fn continues_sentence(c: char) -> bool {
    matches!(
        c,
        ',' | '、'
            | '，'
            | '､'
            | ';'
            | '；'
            | ':'
            | '：'
            | '·'
            | '،'
            | '؛'
            | '-'
            | '–'
            | '—'
            | '~'
            | '～'
    )
}

/// Roman numeral (`XII`), read as an ordinal in languages that write `XII. Pluk`.
pub(crate) fn is_roman(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 7
        && s.bytes()
            .all(|b| matches!(b, b'I' | b'V' | b'X' | b'L' | b'C' | b'D' | b'M'))
}

/// Number of letters in `s`, counting a letter with its combining marks once; `None`
/// when `s` holds anything but letters and marks.
pub(crate) fn letter_count(s: &str) -> Option<usize> {
    if s.is_ascii() {
        return s
            .bytes()
            .all(|b| b.is_ascii_alphabetic())
            .then_some(s.len());
    }
    let mut n = 0;
    for c in s.chars() {
        if is_mark(c) {
            continue;
        }
        if !c.is_alphabetic() {
            return None;
        }
        n += 1;
    }
    Some(n)
}
