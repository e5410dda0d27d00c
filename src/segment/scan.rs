//! The boundary scanner: one left-to-right pass over the paragraph's bytes.
//!
//! Most bytes are skipped through a 256-entry table; only terminators, quotes and brackets
//! (and the lead bytes of their multi-byte forms) stop the loop. At a terminator the
//! scanner reads the run of terminators and closing quotes, the word before it and the
//! start of the next sentence, each through a bounded window (so the pass stays linear
//! even on pathological input), and decides. Quotes and brackets go on a small stack:
//! when one closes around text that does not end a sentence (`„Ich bin's. Du?“, sagte`,
//! `《摔跤吧！爸爸》`), breaks found inside it are withdrawn.

use super::chars::{
    case_of, continues_sentence, is_cjk, is_closer, is_dash_or_bullet, is_format, is_mark,
    is_opener, is_roman, letter_count, terminator, Case, Term,
};
use super::tables::{self, Abbr, Tables};

/// Longest word (bytes) read before a terminator; longer words are ordinary words.
const WORD_WINDOW: usize = 64;
/// Longest quotation or bracket (bytes) whose inner breaks are withdrawn when it turns
/// out to sit inside a sentence; longer spans are more likely unbalanced marks or a
/// quoted passage of several sentences.
const MAX_EMBEDDED_SPAN: usize = 300;
/// Depth of the quote stack; deeper nesting is not tracked.
const QUOTE_DEPTH: usize = 16;

/// What `:` means in a language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Colon {
    /// Not an end.
    None,
    /// A full stop (Armenian text typed with a plain colon for `։`).
    Strong,
    /// An end before a new clause, as in Arabic prose (`قال الوزير: ...` is not, because
    /// a quotation follows; a bare clause is).
    BeforeWord,
    /// An end before a capitalized word (`includes the following steps: Wet hands...`,
    /// `repurposable as treatments: Tocilizumab...`), after a clause of at least four words:
    /// English, so that it is cut where an Arabic translation's colon is. A colon before a
    /// lower-case word, a quotation or a number is no end.
    BeforeCapital,
}

/// Language rules for the scanner.
#[derive(Debug, Clone)]
pub(crate) struct Profile {
    /// The primary language subtag, lower-case (`en` of `en-GB`).
    primary: String,
    pub(crate) tables: &'static Tables,
    /// `.` and `…` end sentences (not in Armenian, where `.` is a pause).
    pub(crate) dot_ends: bool,
    pub(crate) colon: Colon,
    /// Greek: `;` is the question mark.
    pub(crate) greek: bool,
    /// A number with a period is an ordinal (`am 5. Oktober`, `XII. Pluk`).
    pub(crate) ordinal_dot: bool,
}

impl Profile {
    /// Rules for a BCP 47 tag; only the primary subtag counts.
    pub(crate) fn new(lang: &str) -> Profile {
        let primary = lang
            .split(['-', '_'])
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        let p = primary.as_str();
        Profile {
            primary: primary.clone(),
            tables: tables::for_lang(p),
            dot_ends: p != "hy",
            colon: match p {
                "hy" => Colon::Strong,
                "ar" => Colon::BeforeWord,
                "en" => Colon::BeforeCapital,
                _ => Colon::None,
            },
            greek: p == "el",
            ordinal_dot: matches!(
                p,
                "de" | "da"
                    | "nb"
                    | "nn"
                    | "no"
                    | "fi"
                    | "et"
                    | "is"
                    | "fo"
                    | "cs"
                    | "sk"
                    | "sl"
                    | "hr"
                    | "sr"
                    | "bs"
                    | "hu"
                    | "lv"
                    | "tr"
            ),
        }
    }

    pub(crate) fn primary(&self) -> &str {
        &self.primary
    }

    #[inline]
    fn term(&self, c: char) -> Option<Term> {
        match c {
            '.' | '…' if !self.dot_ends => None,
            ';' if self.greek => Some(Term::Strong),
            ':' if self.colon == Colon::Strong => Some(Term::Strong),
            _ => terminator(c),
        }
    }
}

/// Bytes that can start a character the scanner must look at: ASCII terminators, quotes
/// and brackets, and the lead bytes of the multi-byte ones (`«»` C2, Greek `;` CD,
/// Armenian D6, Arabic D8/DB, Indic E0, Ethiopic/Myanmar/Khmer E1, `…“”„` E2, CJK E3/EF).
static INTERESTING: [bool; 256] = {
    let mut t = [false; 256];
    let ascii = b".!?;:\"()[]";
    let mut k = 0;
    while k < ascii.len() {
        t[ascii[k] as usize] = true;
        k += 1;
    }
    let leads = [0xC2u8, 0xCD, 0xD6, 0xD8, 0xDB, 0xE0, 0xE1, 0xE2, 0xE3, 0xEF];
    let mut k = 0;
    while k < leads.len() {
        t[leads[k] as usize] = true;
        k += 1;
    }
    t
};

/// Break positions (byte offsets, increasing) in `text`.
pub(crate) fn boundaries(text: &str, profile: &Profile) -> Vec<usize> {
    let mut s = Scanner {
        text,
        p: profile,
        breaks: Vec::new(),
        quotes: QuoteStack::default(),
        list: None,
    };
    s.run();
    s.breaks
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Q {
    Paren,
    Bracket,
    Ascii,
    Curly,
    Low,
    Swedish,
    Guil,
    RevGuil,
    Corner,
    WhiteCorner,
    Title,
    Angle,
    Lenticular,
}

#[derive(Debug, Default)]
struct QuoteStack {
    items: Vec<(Q, usize)>,
}

impl QuoteStack {
    fn has(&self, kinds: &[Q]) -> bool {
        self.items.iter().any(|(k, _)| kinds.contains(k))
    }

    fn push(&mut self, kind: Q, pos: usize) {
        if self.items.len() < QUOTE_DEPTH {
            self.items.push((kind, pos));
        }
    }

    /// Pops the innermost opener of one of `kinds` (and anything opened after it);
    /// returns its position.
    fn pop(&mut self, kinds: &[Q]) -> Option<usize> {
        let j = self.items.iter().rposition(|(k, _)| kinds.contains(k))?;
        let pos = self.items[j].1;
        self.items.truncate(j);
        Some(pos)
    }

    /// Whether `c` after a space would close something open (French `« texte »`).
    fn would_close(&self, c: char) -> bool {
        match c {
            ')' | '）' => self.has(&[Q::Paren]),
            ']' | '］' => self.has(&[Q::Bracket]),
            '»' => self.has(&[Q::Guil]),
            '«' => self.has(&[Q::RevGuil]),
            '”' => self.has(&[Q::Curly, Q::Low, Q::Swedish]),
            '“' => self.has(&[Q::Low]),
            '」' => self.has(&[Q::Corner]),
            '』' => self.has(&[Q::WhiteCorner]),
            '》' => self.has(&[Q::Title]),
            '〉' => self.has(&[Q::Angle]),
            '】' => self.has(&[Q::Lenticular]),
            _ => false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ListStyle {
    /// `1. ` / `a. `
    Dot,
    /// `1.) `
    DotParen,
    /// `1) ` / `a) `
    Paren,
}

/// A numbered or lettered list that opens the paragraph: its next marker starts a new
/// item even without final punctuation before it (`1. The first item 2. The second`).
#[derive(Debug, Clone, Copy)]
struct List {
    style: ListStyle,
    letters: bool,
    next: u32,
}

/// The terminator run being decided.
#[derive(Debug, Default)]
struct Run {
    end: usize,
    dots: usize,
    ellipses: usize,
    strong: bool,
    nospace: bool,
    last_question: bool,
    closers: bool,
    spaced: bool,
    /// Dots before the first space of a spaced ellipsis (`word. . . .` has 1).
    first_dots: usize,
}

/// The word before a terminator.
#[derive(Debug)]
struct Word<'a> {
    token_start: usize,
    /// The word without leading quotes/brackets/bullets, elided article (`l'Ing` → `Ing`)
    /// and trailing closers.
    core: &'a str,
    /// Nothing but openers before the terminator (`[...]`, ` . . .`, French ` ?`).
    detached: bool,
    /// A closing quote or bracket sits between the word and the period (`(Smith 55).`).
    closer_before: bool,
    long: bool,
    url: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NextKind {
    End,
    Upper,
    Lower,
    Digit,
    /// A caseless letter (Arabic, CJK...) or a symbol such as `$`.
    Other,
    /// `...` or `…` opening the next sentence.
    Ellipsis,
    /// A closing quote or bracket after a space.
    Closer,
    /// Punctuation that continues the sentence (`/` in quoted verse, `,` `;`).
    Continue,
}

/// The start of what follows a terminator.
#[derive(Debug)]
struct Next<'a> {
    kind: NextKind,
    pos: usize,
    ch: char,
    word: &'a str,
    /// The word is followed by a period (an initial or abbreviation, not an opener).
    word_dot: bool,
    /// No quote, bracket or dash was skipped to reach it.
    direct: bool,
    letter: bool,
}

struct Scanner<'a> {
    text: &'a str,
    p: &'a Profile,
    breaks: Vec<usize>,
    quotes: QuoteStack,
    list: Option<List>,
}

#[inline]
fn char_at(text: &str, i: usize) -> Option<char> {
    text.get(i..).and_then(|s| s.chars().next())
}

#[inline]
fn char_before(text: &str, i: usize) -> Option<char> {
    text.get(..i).and_then(|s| s.chars().next_back())
}

fn skip_ws(text: &str, mut k: usize) -> usize {
    while let Some(c) = char_at(text, k) {
        if !c.is_whitespace() {
            break;
        }
        k += c.len_utf8();
    }
    k
}

/// `1`–`999`, a single letter, or a short Roman numeral: a list or section marker.
fn is_marker(core: &str) -> bool {
    (!core.is_empty() && core.len() <= 3 && core.bytes().all(|b| b.is_ascii_digit()))
        || letter_count(core) == Some(1)
        || (core.len() <= 4 && is_roman(core))
}

/// Labels of credit and header lines (source, translation, photo, author, editing, date,
/// subject, to/from): what follows is a name or a date, not a new sentence.
const ARABIC_LABELS: &[&str] = &[
    "المصدر",
    "مصدر",
    "ترجمة",
    "الترجمة",
    "المترجم",
    "تصوير",
    "الصورة",
    "صورة",
    "بقلم",
    "كتبه",
    "الكاتب",
    "إعداد",
    "تحرير",
    "التحرير",
    "مراجعة",
    "تدقيق",
    "التاريخ",
    "الموضوع",
    "إلى",
    "من",
    "عن",
    "نقلا عن",
    "مصدر الصورة",
    "حقوق الصورة",
    "المحرر",
];

/// Whether `before` (the segment up to a colon) is one of [`ARABIC_LABELS`].
fn is_arabic_label(before: &str) -> bool {
    let label = before
        .trim()
        .trim_start_matches(['(', '[', '-', '–', '—', '*'])
        .trim();
    ARABIC_LABELS.contains(&label)
}

/// At most four words to the paragraph's end with no terminator: a name, a credit.
fn is_short_tail(after: &str) -> bool {
    let after = after.trim();
    after.split_whitespace().nth(4).is_none()
        && !after.contains(['.', '!', '?', '؟', '۔', '…', ':'])
}

/// Words that follow a time of day inside a sentence (`10 a.m. Tuesday`, `9 p.m. Eastern`):
/// days, months and time-zone names.
const CALENDAR: &[&str] = &[
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Sept",
    "Oct",
    "Nov",
    "Dec",
    "Eastern",
    "Central",
    "Mountain",
    "Pacific",
    "Atlantic",
    "Alaska",
    "Hawaii",
    "Greenwich",
    "Universal",
    "Coordinated",
    "Local",
    "Standard",
    "Daylight",
];

/// Room for a multi-piece abbreviation key (`s.r.o`) built without allocating.
const KEY_BUF: usize = 32;

/// `parts` joined by `.` in `buf`, or `None` when they do not fit.
fn join_key<'b>(buf: &'b mut [u8; KEY_BUF], parts: &[&str]) -> Option<&'b str> {
    let mut len = 0;
    for (k, part) in parts.iter().enumerate() {
        if k > 0 {
            *buf.get_mut(len)? = b'.';
            len += 1;
        }
        buf.get_mut(len..len + part.len())?
            .copy_from_slice(part.as_bytes());
        len += part.len();
    }
    std::str::from_utf8(&buf[..len]).ok()
}

fn all_lower(s: &str) -> bool {
    s.chars().all(|c| is_mark(c) || case_of(c) == Case::Lower)
}

impl<'a> Scanner<'a> {
    fn run(&mut self) {
        let text = self.text;
        let bytes = text.as_bytes();
        let n = bytes.len();
        self.list = self.detect_list();
        let mut i = 0;
        while i < n {
            match bytes[i..].iter().position(|&b| INTERESTING[b as usize]) {
                Some(skip) => i += skip,
                None => break,
            }
            // Interesting bytes are ASCII or UTF-8 lead bytes, so `i` is a char boundary.
            let Some(c) = char_at(text, i) else { break };
            if let Some(t) = self.p.term(c) {
                i = self.terminator_run(i, t);
                continue;
            }
            if c == ':' && self.p.colon == Colon::BeforeWord {
                self.arabic_colon(i);
            }
            if c == ':' && self.p.colon == Colon::BeforeCapital {
                self.capital_colon(i);
            }
            if c == ')' {
                self.paren_marker(i);
            }
            self.quote_char(c, i);
            i += c.len_utf8();
        }
    }

    fn push_break(&mut self, pos: usize) {
        if pos == 0 || pos >= self.text.len() {
            return;
        }
        if self.breaks.last().is_none_or(|&last| pos > last) {
            self.breaks.push(pos);
        }
    }

    /// Tracks quotes and brackets; on a close, withdraws the breaks inside a short span
    /// that does not end with a terminator (a quotation embedded in a sentence).
    fn quote_char(&mut self, c: char, i: usize) {
        let qs = &mut self.quotes;
        let closed = match c {
            '(' | '（' => {
                qs.push(Q::Paren, i);
                None
            }
            ')' | '）' => qs.pop(&[Q::Paren]),
            '[' | '［' => {
                qs.push(Q::Bracket, i);
                None
            }
            ']' | '］' => qs.pop(&[Q::Bracket]),
            '"' | '＂' => {
                let before = char_before(self.text, i);
                let after = char_at(self.text, i + c.len_utf8());
                let opens = before
                    .is_none_or(|b| b.is_whitespace() || is_opener(b) || is_dash_or_bullet(b))
                    && after.is_some_and(|a| !a.is_whitespace());
                if opens {
                    qs.push(Q::Ascii, i);
                    None
                } else {
                    qs.pop(&[Q::Ascii])
                }
            }
            '„' => {
                qs.push(Q::Low, i);
                None
            }
            '“' => {
                if qs.has(&[Q::Low]) {
                    qs.pop(&[Q::Low])
                } else {
                    qs.push(Q::Curly, i);
                    None
                }
            }
            '”' => {
                if qs.has(&[Q::Curly, Q::Low, Q::Swedish]) {
                    qs.pop(&[Q::Curly, Q::Low, Q::Swedish])
                } else {
                    qs.push(Q::Swedish, i);
                    None
                }
            }
            '«' => {
                if qs.has(&[Q::RevGuil]) {
                    qs.pop(&[Q::RevGuil])
                } else {
                    qs.push(Q::Guil, i);
                    None
                }
            }
            '»' => {
                if qs.has(&[Q::Guil]) {
                    qs.pop(&[Q::Guil])
                } else {
                    qs.push(Q::RevGuil, i);
                    None
                }
            }
            '「' => {
                qs.push(Q::Corner, i);
                None
            }
            '」' => qs.pop(&[Q::Corner]),
            '『' => {
                qs.push(Q::WhiteCorner, i);
                None
            }
            '』' => qs.pop(&[Q::WhiteCorner]),
            '《' => {
                qs.push(Q::Title, i);
                None
            }
            '》' => qs.pop(&[Q::Title]),
            '〈' => {
                qs.push(Q::Angle, i);
                None
            }
            '〉' => qs.pop(&[Q::Angle]),
            '【' => {
                qs.push(Q::Lenticular, i);
                None
            }
            '】' => qs.pop(&[Q::Lenticular]),
            _ => None,
        };
        if let Some(open) = closed {
            let quotation = matches!(c, '"' | '＂' | '“' | '”' | '«' | '»' | '」' | '』');
            if i - open <= MAX_EMBEDDED_SPAN
                && !self.ends_with_terminator(open, i)
                && !(quotation && self.quoted_sentences(open, i))
            {
                while self.breaks.last().is_some_and(|&b| b > open) {
                    self.breaks.pop();
                }
            }
        }
    }

    /// A quotation that a running sentence introduces and that holds whole sentences of
    /// its own (`noted: "All countries can still change the course of this pandemic. If
    /// countries detect, test [...]," said Tedros`): its inner breaks stand, as translators
    /// cut there too. A quotation opening the sentence (`„Prieskumy beriem na ľahkú váhu.
    /// V podstate ma to nezaujíma,“ reagoval Matovič.`) or short pieces (`"Go. Now," he
    /// said`) keep the sentence whole.
    fn quoted_sentences(&self, open: usize, close: usize) -> bool {
        const MIN_WORDS: usize = 4;
        let text = self.text;
        let k = self.breaks.partition_point(|&b| b <= open);
        let (Some(&first), Some(&last)) = (self.breaks.get(k), self.breaks.last()) else {
            return false;
        };
        let before = self.breaks.get(k.wrapping_sub(1)).copied().unwrap_or(0);
        let words = |a: usize, b: usize| text.get(a..b).map_or(0, |s| s.split_whitespace().count());
        last < close
            && words(before, open) >= 1
            && words(open, first) >= MIN_WORDS
            && words(last, close) >= MIN_WORDS
    }

    /// Whether the text inside a quotation (`open`..`close`) ends with a terminator,
    /// looking through nested closers; a bracketed omission `[...]` is no terminator.
    fn ends_with_terminator(&self, open: usize, close: usize) -> bool {
        let inner = self.text.get(open..close).unwrap_or("");
        let inner = inner.trim_end();
        if inner.ends_with("[...]") || inner.ends_with("[…]") || inner.ends_with("(...)") {
            return false;
        }
        for (steps, c) in inner.chars().rev().enumerate() {
            if steps > 8 {
                return false;
            }
            if is_closer(c) || c.is_whitespace() {
                continue;
            }
            return self.p.term(c).is_some() || terminator(c).is_some();
        }
        false
    }

    /// Reads the terminator run at `i`, decides, and returns where scanning resumes.
    fn terminator_run(&mut self, i: usize, first: Term) -> usize {
        let text = self.text;
        let bytes = text.as_bytes();
        let n = bytes.len();
        // A full-width point between digits is a decimal point (`３．２９`).
        if first == Term::NoSpace && text[i..].starts_with('．') {
            let next = char_at(text, i + '．'.len_utf8());
            if next.is_some_and(|c| c.is_numeric()) {
                return i + '．'.len_utf8();
            }
        }
        let mut r = Run::default();
        let mut j = i;
        let mut first_end = None;
        while let Some(c) = char_at(text, j) {
            if let Some(t) = self.p.term(c) {
                match t {
                    Term::Dot => r.dots += 1,
                    Term::Ellipsis => r.ellipses += 1,
                    Term::Strong => r.strong = true,
                    Term::NoSpace => {
                        r.strong = true;
                        r.nospace = true;
                    }
                }
                r.last_question = matches!(c, '?' | '؟' | '？');
                j += c.len_utf8();
                continue;
            }
            if is_format(c) {
                j += c.len_utf8();
                continue;
            }
            if is_closer(c) {
                // A mark that can open as well as close (`“` opens in English and Chinese,
                // closes in German) opens the next sentence when a word follows at once.
                let both = is_opener(c);
                if both && char_at(text, j + c.len_utf8()).is_some_and(char::is_alphanumeric) {
                    break;
                }
                r.closers = true;
                self.quote_char(c, j);
                j += c.len_utf8();
                continue;
            }
            // Spaced ellipsis `. . .`: a single space between single periods.
            if c == ' '
                && !r.strong
                && !r.closers
                && r.ellipses == 0
                && bytes.get(j + 1) == Some(&b'.')
                && bytes.get(j + 2) != Some(&b'.')
                && self.p.dot_ends
            {
                if first_end.is_none() {
                    first_end = Some(j);
                    r.first_dots = r.dots;
                }
                r.spaced = true;
                j += 1;
                continue;
            }
            break;
        }
        if r.spaced && r.dots < 3 {
            // Not an ellipsis after all (`end. .NET`): the run is its first part.
            j = first_end.unwrap_or(j);
            r.dots = r.first_dots;
            r.spaced = false;
        }
        r.end = j;
        if j >= n {
            return j;
        }
        let Some(next) = char_at(text, j) else {
            return j;
        };
        if next.is_whitespace() {
            self.gap(i, &r)
        } else {
            self.in_token(i, &r, next);
            j
        }
    }

    /// A terminator run followed by whitespace.
    fn gap(&mut self, i: usize, r: &Run) -> usize {
        let text = self.text;
        let mut resume = r.end;
        let w = self.word_before(i);
        // List and section markers: `1. `, `a. `, `2.) `.
        if r.dots == 1 && r.ellipses == 0 && !r.strong && !r.spaced {
            let tail = &text[i..r.end];
            let style = match tail {
                "." => Some(ListStyle::Dot),
                ".)" => Some(ListStyle::DotParen),
                _ => None,
            };
            if let Some(style) = style {
                if is_marker(w.core)
                    && !w.closer_before
                    && (self.list_marker(&w, style) || self.sentence_start(w.token_start))
                {
                    return resume;
                }
            }
        }
        let mut nx = self.next_after(r.end);
        let mut at = r.end;
        let mut absorbed = false;
        // A closing quote after a space belongs to this sentence (`« LL.AA. » pour`).
        if nx.kind == NextKind::Closer && self.quotes.would_close(nx.ch) {
            let mut k = nx.pos;
            while let Some(c) = char_at(text, k) {
                if is_closer(c) {
                    self.quote_char(c, k);
                    k += c.len_utf8();
                } else if is_format(c) {
                    k += c.len_utf8();
                } else {
                    break;
                }
            }
            resume = k;
            if char_at(text, k).is_some_and(|c| !c.is_whitespace()) {
                return resume;
            }
            at = k;
            absorbed = true;
            nx = self.next_after(k);
        }
        if nx.kind == NextKind::End {
            return resume;
        }
        if let Some(pos) = self.decide(i, r, &w, &nx, absorbed, at) {
            self.push_break(pos);
        }
        resume
    }

    /// Break position for a run followed by whitespace, if it ends the sentence.
    fn decide(
        &self,
        i: usize,
        r: &Run,
        w: &Word,
        nx: &Next,
        absorbed: bool,
        at: usize,
    ) -> Option<usize> {
        let lower = matches!(nx.kind, NextKind::Lower | NextKind::Continue);
        if r.strong {
            if !lower {
                return Some(at);
            }
            // `кім? не?`: a bare question mark after a word ends the question even before
            // a lower-case word (not `-- if I may say so? -- a bit`, not `"Why?" she`).
            let bare = r.last_question && !r.closers && !absorbed && nx.direct && !w.detached;
            return (bare && nx.kind == NextKind::Lower).then_some(at);
        }
        let units = r.dots + 3 * r.ellipses;
        if units >= 2 {
            // `Nov..`: an abbreviation's period plus the sentence's.
            if r.dots == 2 && r.ellipses == 0 && !r.spaced {
                return (!lower).then_some(at);
            }
            if w.detached {
                // A free-standing ` ... ` or ` . . . ` is an omission inside the sentence;
                // four points are an omission plus the period.
                return (units >= 4 && !lower).then_some(at);
            }
            if r.spaced && r.first_dots == 1 && units >= 4 {
                // `compounds. . . . The`: the period ends the sentence, the ellipsis opens
                // the next one.
                return (!lower).then_some(i + 1);
            }
            if units >= 4 {
                return (!lower).then_some(at);
            }
            // `waited... Then` ends; `really... well` does not.
            return (nx.kind == NextKind::Upper).then_some(at);
        }
        if w.detached || r.closers || absorbed || w.closer_before {
            return (!lower).then_some(at);
        }
        self.period(w, nx).then_some(at)
    }

    /// Whether a single period right after a word ends the sentence.
    fn period(&self, w: &Word, nx: &Next) -> bool {
        if w.long || w.url {
            return self.ordinary(w, nx);
        }
        let t = self.p.tables;
        let kind = self.compound_before(w).or_else(|| t.lookup(w.core));
        match kind {
            Some(Abbr::Title) => false,
            Some(Abbr::Number) if nx.kind == NextKind::Digit => false,
            Some(Abbr::Number) => self.ordinary(w, nx),
            Some(Abbr::MayEnd) => self.opens_sentence(nx),
            Some(Abbr::ListEnd) => nx.kind == NextKind::Upper && !nx.word_dot,
            Some(Abbr::Clock) => {
                nx.kind == NextKind::Upper
                    && !nx.word_dot
                    && !nx.word.chars().all(|c| c.is_uppercase())
                    && !CALENDAR.contains(&nx.word)
            }
            None => {
                if self.compound_after(w, nx) {
                    false
                } else if self.unit_after_number(w) {
                    // `14 h.`, `5 m.`: a unit symbol, not an initial.
                    self.ordinary(w, nx)
                } else if self.implied_abbreviation(w.core) {
                    self.opens_sentence(nx)
                } else {
                    self.ordinary(w, nx)
                }
            }
        }
    }

    /// A single letter (initial), a dotted acronym (`U.S.A`, `т.г`, `LL.AA`) or, in
    /// languages with ordinal periods, a small number or Roman numeral.
    fn implied_abbreviation(&self, core: &str) -> bool {
        if letter_count(core) == Some(1) {
            return true;
        }
        if core.contains('.')
            && core
                .split('.')
                .all(|p| matches!(letter_count(p), Some(1..=2)))
        {
            return true;
        }
        self.p.ordinal_dot
            && ((core.len() <= 3 && !core.is_empty() && core.bytes().all(|b| b.is_ascii_digit()))
                || is_roman(core))
    }

    /// A single lower-case letter right after a number (`14 h`, `5 m`).
    fn unit_after_number(&self, w: &Word) -> bool {
        if !(letter_count(w.core) == Some(1) && all_lower(w.core)) {
            return false;
        }
        let before = self.text[..w.token_start].trim_end_matches([' ', '\u{a0}', '\u{202f}']);
        before.len() + 4 >= w.token_start
            && before.chars().next_back().is_some_and(|c| c.is_numeric())
    }

    /// After an abbreviation: the sentence ends only if the next word usually opens one.
    fn opens_sentence(&self, nx: &Next) -> bool {
        nx.kind == NextKind::Upper && !nx.word_dot && self.p.tables.is_starter(nx.word)
    }

    /// An ordinary word before the period.
    fn ordinary(&self, w: &Word, nx: &Next) -> bool {
        match nx.kind {
            NextKind::Lower => self.lowercase_start(w, nx),
            NextKind::Continue | NextKind::End => false,
            _ => true,
        }
    }

    /// A sentence starting in lower case (`δούλευε κανένας. το κόστος`): accepted after
    /// a long all-lower-case word that no table knows (short ones may be unlisted
    /// abbreviations: `st. d. arte`).
    fn lowercase_start(&self, w: &Word, nx: &Next) -> bool {
        !w.url
            && !w.long
            && nx.direct
            && matches!(letter_count(w.core), Some(5..))
            && all_lower(w.core)
            && matches!(letter_count(nx.word), Some(2..))
            && all_lower(nx.word)
            && !nx.word_dot
    }

    /// Class of a multi-piece abbreviation ending with this word (`z. B.`, `s. r. o.`).
    fn compound_before(&self, w: &Word) -> Option<Abbr> {
        if w.core.len() > 8 || w.core.is_empty() {
            return None;
        }
        // Cheap test first: a period one or two spaces before the word.
        let b = self.text.as_bytes();
        let s = w.token_start;
        let dot_near = (s >= 2 && b[s - 2] == b'.') || (s >= 3 && b[s - 3] == b'.');
        if !dot_near {
            return None;
        }
        let prev = self.piece_before(w.token_start)?;
        let t = self.p.tables;
        let mut buf = [0u8; KEY_BUF];
        if let Some(prev2) = self.piece_before(prev.0) {
            if let Some(k) =
                join_key(&mut buf, &[prev2.1, prev.1, w.core]).and_then(|key| t.lookup(key))
            {
                return Some(k);
            }
        }
        join_key(&mut buf, &[prev.1, w.core]).and_then(|key| t.lookup(key))
    }

    /// The short token ending with a period just before `start` (one space apart):
    /// its start and its text without the period.
    fn piece_before(&self, start: usize) -> Option<(usize, &'a str)> {
        let text = self.text;
        let before = text.get(..start)?;
        let trimmed = before.trim_end();
        if before.len() - trimmed.len() > 2 || !trimmed.ends_with('.') {
            return None;
        }
        let body = &trimmed[..trimmed.len() - 1];
        let mut s = body.len();
        for (k, c) in body.char_indices().rev() {
            if c.is_whitespace() || is_opener(c) {
                break;
            }
            if body.len() - k > 8 {
                return None;
            }
            s = k;
        }
        let piece = &body[s..];
        (!piece.is_empty()).then_some((s, piece))
    }

    /// Whether the period sits inside a multi-piece abbreviation (`s.` of `s. r. o.`,
    /// `EE.` of `EE. UU.`).
    fn compound_after(&self, w: &Word, nx: &Next) -> bool {
        if !nx.word_dot || nx.word.is_empty() || w.core.len() > 8 || nx.word.len() > 8 {
            return false;
        }
        let mut buf = [0u8; KEY_BUF];
        join_key(&mut buf, &[w.core, nx.word])
            .is_some_and(|key| self.p.tables.is_entry_or_prefix(key))
    }

    /// The word before the terminator at `i`.
    fn word_before(&self, i: usize) -> Word<'a> {
        let text = self.text;
        let bytes = text.as_bytes();
        let mut start = i;
        let mut long = false;
        let mut plain = true;
        // ASCII fast path; any other byte hands over to the char-wise loop.
        while start > 0 && bytes[start - 1].is_ascii() && !bytes[start - 1].is_ascii_whitespace() {
            if i - start >= WORD_WINDOW {
                long = true;
                break;
            }
            start -= 1;
            plain &= bytes[start].is_ascii_alphanumeric();
        }
        let boundary = start == 0 || bytes[start - 1].is_ascii_whitespace();
        if plain && boundary && !long {
            // Letters and digits only: the token is the word, nothing to strip.
            return Word {
                token_start: start,
                core: &text[start..i],
                detached: start == i,
                closer_before: false,
                long: false,
                url: false,
            };
        }
        if !long && start > 0 && !bytes[start - 1].is_ascii() {
            for (k, c) in text[..start].char_indices().rev() {
                if c.is_whitespace() {
                    break;
                }
                if i - k > WORD_WINDOW {
                    long = true;
                    break;
                }
                start = k;
            }
        }
        let token = &text[start..i];
        let url = token.contains('@')
            || token.contains("://")
            || token
                .get(..4)
                .is_some_and(|p| p.eq_ignore_ascii_case("www."));
        let trimmed = token.trim_end_matches(is_format);
        let without_closers = trimmed.trim_end_matches(|c| is_closer(c) || is_format(c));
        let closer_before = without_closers.len() < trimmed.len();
        let mut core = without_closers.trim_start_matches(|c| is_opener(c) || is_dash_or_bullet(c));
        // Elided article: `l'Ing`, `dell'Avv`.
        if let Some(pos) = core.rfind(['\'', '’']) {
            let after = &core[pos..];
            let after = &after[after.chars().next().map_or(0, char::len_utf8)..];
            if after.chars().next().is_some_and(char::is_alphabetic) {
                core = after;
            }
        }
        let detached = core.is_empty() && !closer_before;
        Word {
            token_start: start,
            core,
            detached,
            closer_before,
            long,
            url,
        }
    }

    /// Whether the token at `start` opens the current sentence (nothing but whitespace,
    /// or a bullet, since the last break).
    fn sentence_start(&self, start: usize) -> bool {
        let from = self.breaks.last().copied().unwrap_or(0);
        let text = self.text;
        let mut k = start;
        let mut bullet_seen = false;
        while k > from {
            let Some(c) = char_before(text, k) else { break };
            if c.is_whitespace() || is_format(c) {
                k -= c.len_utf8();
            } else if is_dash_or_bullet(c) && !bullet_seen {
                bullet_seen = true;
                k -= c.len_utf8();
            } else {
                return false;
            }
        }
        true
    }

    /// What follows the whitespace at `k`: skips opening quotes, brackets and dash-only
    /// tokens (`see? - Posted`), all within a few steps.
    fn next_after(&self, k: usize) -> Next<'a> {
        let text = self.text;
        let mut k = skip_ws(text, k);
        let mut direct = true;
        let end = |pos| Next {
            kind: NextKind::End,
            pos,
            ch: ' ',
            word: "",
            word_dot: false,
            direct: false,
            letter: false,
        };
        for _ in 0..8 {
            let Some(c) = char_at(text, k) else {
                return end(k);
            };
            if c.is_ascii_alphanumeric() {
                break;
            }
            if is_closer(c) && !is_format(c) && self.quotes.would_close(c) {
                break;
            }
            if is_dash_or_bullet(c) && c != '*' {
                let mut m = k;
                while let Some(d) = char_at(text, m) {
                    if !is_dash_or_bullet(d) {
                        break;
                    }
                    m += d.len_utf8();
                }
                k = skip_ws(text, m);
                direct = false;
                continue;
            }
            if is_opener(c) {
                k += c.len_utf8();
                direct = false;
                continue;
            }
            break;
        }
        let Some(c) = char_at(text, k) else {
            return end(k);
        };
        let mut nx = Next {
            kind: NextKind::Other,
            pos: k,
            ch: c,
            word: "",
            word_dot: false,
            direct,
            letter: false,
        };
        if c == '.' || c == '…' {
            nx.kind = NextKind::Ellipsis;
        } else if c.is_alphabetic() {
            let mut m = k;
            let bytes = text.as_bytes();
            while m < bytes.len() && m - k < 48 && bytes[m].is_ascii_alphabetic() {
                m += 1;
            }
            let tail = if m < bytes.len() && !bytes[m].is_ascii() {
                &text[m..]
            } else {
                ""
            };
            let base = m;
            for (off, d) in tail.char_indices() {
                if !(d.is_alphabetic() || is_mark(d)) || base + off - k > 48 {
                    break;
                }
                m = base + off + d.len_utf8();
            }
            nx.word = &text[k..m];
            nx.word_dot = text[m..].starts_with('.');
            nx.letter = true;
            nx.kind = match case_of(c) {
                Case::Upper => NextKind::Upper,
                Case::Lower => NextKind::Lower,
                Case::Other => NextKind::Other,
            };
        } else if c.is_numeric() {
            nx.kind = NextKind::Digit;
        } else if is_closer(c) {
            nx.kind = NextKind::Closer;
        } else if matches!(c, '/' | '|' | ',' | ';' | ':' | '،' | '、' | '，') {
            nx.kind = NextKind::Continue;
        }
        nx
    }

    /// A terminator run directly followed by a non-space character.
    fn in_token(&mut self, i: usize, r: &Run, next: char) {
        let text = self.text;
        let cjk_before = char_before(text, i).is_some_and(is_cjk);
        if r.nospace || (r.strong && cjk_before) {
            // `。彼は`, `፧መልካም`: no space needed; but `。」と` continues in Japanese, and
            // `？、` or `!,` is punctuation inside the sentence.
            // After a closing quote, text that follows at once is the attribution or the
            // rest of the sentence (`“…。”他说。`, `「…。」と述べた`), as in the translation.
            if continues_sentence(next) || (r.closers && is_cjk(next)) {
                return;
            }
            self.push_break(r.end);
            return;
        }
        // `жағдайы.XVIII ғасыр`: a missing space after a period before a capitalised word.
        if r.dots == 1 && r.ellipses == 0 && !r.closers && !r.strong && case_of(next) == Case::Upper
        {
            // The word before: only lower-case letters back to a space (checked char by
            // char, so a long token without spaces costs no more than its last word).
            let mut start = i;
            for (k, c) in text[..i].char_indices().rev() {
                if case_of(c) == Case::Lower || is_mark(c) {
                    start = k;
                    if i - k > WORD_WINDOW {
                        return;
                    }
                } else if c.is_whitespace() || is_opener(c) {
                    break;
                } else {
                    return;
                }
            }
            let core = &text[start..i];
            if !matches!(letter_count(core), Some(3..)) || self.p.tables.lookup(core).is_some() {
                return;
            }
            // The next word: at least two letters, no more periods, slashes or `@` in
            // the token (file names, domains).
            let rest = &text[r.end..];
            let mut letters = 0;
            for (off, c) in rest.char_indices() {
                if c.is_whitespace() || off > WORD_WINDOW {
                    break;
                }
                if matches!(c, '.' | '/' | '@' | '\\' | '_' | '=') {
                    return;
                }
                if c.is_alphabetic() {
                    letters += 1;
                }
            }
            if letters >= 2 && rest.chars().nth(1).is_some_and(char::is_alphabetic) {
                self.push_break(r.end);
            }
        }
    }

    /// Arabic: a colon followed by a new clause ends the sentence (`وجواب: ماذا حدث`);
    /// not before a quotation, a number or within `05:01`.
    /// A credit label (`المصدر:`, `ترجمة:`) or a short unpunctuated tail (`ترجمة: فريق
    /// التحرير`) keeps the colon inside its segment: a label never stands alone.
    fn arabic_colon(&mut self, i: usize) {
        let end = i + 1;
        if !char_at(self.text, end).is_some_and(char::is_whitespace) {
            return;
        }
        let start = self.breaks.last().copied().unwrap_or(0);
        if is_arabic_label(&self.text[start..i]) || is_short_tail(&self.text[end..]) {
            return;
        }
        let nx = self.next_after(end);
        if nx.direct && nx.letter {
            self.push_break(end);
        }
    }

    /// A colon before a capitalised word ends a sentence after a real clause (module docs
    /// of `segment`).
    fn capital_colon(&mut self, i: usize) {
        let end = i + 1;
        if !char_at(self.text, end).is_some_and(char::is_whitespace) {
            return;
        }
        let start = self.breaks.last().copied().unwrap_or(0);
        if self.text[start..i].split_whitespace().nth(3).is_none() {
            return;
        }
        let nx = self.next_after(end);
        if nx.direct && nx.kind == NextKind::Upper && !nx.word_dot {
            self.push_break(end);
        }
    }

    /// A list opening the paragraph: `1. `, `a. `, `1.) `, `1) `, after an optional bullet.
    fn detect_list(&self) -> Option<List> {
        let text = self.text;
        let mut k = skip_ws(text, 0);
        if let Some(c) = char_at(text, k) {
            if is_dash_or_bullet(c) {
                k = skip_ws(text, k + c.len_utf8());
            }
        }
        let rest = text.get(k..)?;
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let (letters, value, after) = if (1..=3).contains(&digits) {
            (false, rest[..digits].parse::<u32>().ok()?, &rest[digits..])
        } else if let Some(after) = rest.strip_prefix('a') {
            (true, 1, after)
        } else {
            return None;
        };
        let (style, after) = if let Some(a) = after.strip_prefix(".)") {
            (ListStyle::DotParen, a)
        } else if let Some(a) = after.strip_prefix('.') {
            (ListStyle::Dot, a)
        } else if let Some(a) = after.strip_prefix(')') {
            (ListStyle::Paren, a)
        } else {
            return None;
        };
        if !after.chars().next().is_some_and(char::is_whitespace) {
            return None;
        }
        Some(List {
            style,
            letters,
            next: value + 1,
        })
    }

    /// If `w` is the paragraph list's next marker, breaks before it and advances.
    fn list_marker(&mut self, w: &Word, style: ListStyle) -> bool {
        let Some(list) = self.list.as_mut() else {
            return false;
        };
        if list.style != style {
            return false;
        }
        let expected = if list.letters {
            char::from_u32(u32::from(b'a') + list.next - 1).is_some_and(|c| {
                let mut buf = [0u8; 4];
                w.core == c.encode_utf8(&mut buf)
            })
        } else {
            w.core.parse::<u32>().ok() == Some(list.next)
                && w.core.bytes().all(|b| b.is_ascii_digit())
        };
        if !expected {
            return false;
        }
        list.next += 1;
        // Break before a free-standing bullet too (`item • 10. The`).
        let mut start = w.token_start;
        let before = &self.text[..start];
        let trimmed = before.trim_end();
        if let Some(c) = trimmed.chars().next_back() {
            let bullet_start = trimmed.len() - c.len_utf8();
            let lone = trimmed[..bullet_start]
                .chars()
                .next_back()
                .is_none_or(char::is_whitespace);
            if is_dash_or_bullet(c) && lone && trimmed.len() + 4 >= before.len() {
                start = bullet_start;
            }
        }
        if !self.sentence_start(start) {
            self.push_break(start);
        }
        true
    }

    /// `2) ` in a paragraph that opened with `1) `.
    fn paren_marker(&mut self, i: usize) {
        if !self.list.is_some_and(|l| l.style == ListStyle::Paren) {
            return;
        }
        if !char_at(self.text, i + 1).is_some_and(char::is_whitespace) {
            return;
        }
        let w = self.word_before(i);
        if is_marker(w.core) {
            self.list_marker(&w, ListStyle::Paren);
        }
    }
}
