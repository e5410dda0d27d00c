//! Plain text: bytes to text (BOM, UTF-8, legacy encodings detected), line ends, paragraphs,
//! and the structure plain text shows only by layout.
//!
//! # Decoding
//!
//! [`decode`] picks the encoding in this order, and every step is linear in the input:
//! 1. an explicit label ([`DecodeOptions::encoding`]) — trusted, so bytes it cannot decode
//!    are an error rather than replacement characters;
//! 2. a byte order mark (UTF-8, UTF-16LE, UTF-16BE) — also a declaration, also strict;
//! 3. NUL bytes: UTF-16 without BOM when the zeros fall mostly on one byte parity
//!    (the high bytes of ASCII letters, spaces and line breaks), otherwise binary data;
//! 4. valid UTF-8;
//! 5. *mostly* valid UTF-8 (at least ten valid non-ASCII characters per invalid sequence):
//!    UTF-8 with replacement characters, because a legacy-encoding guess would garble the
//!    whole file to work around a few corrupt bytes;
//! 6. otherwise chardetng's guess among legacy encodings (windows-1256, GBK, windows-1251,
//!    windows-1252, ...), decoded with replacement: a guess is best effort. Inputs over
//!    8 MB are sampled for the guess (chardetng runs at about 5 MB/s).
//!
//! Then line ends become `\n` (CRLF, CR, vertical tab and form feed — the line and page breaks
//! of word processors and PDF converters —, U+2028; U+2029 becomes a blank line), input with a
//! NUL character or more than 10% control characters is refused as binary, the remaining
//! control characters are removed ([`crate::normalize::strip_controls`]) and input without any
//! visible text is refused.
//!
//! # Paragraphs
//!
//! [`paragraphs`] applies one rule to the whole text:
//! - If blank (whitespace-only) lines separate at least two blocks, each block is a paragraph
//!   and its lines are joined (hard-wrapped text, or soft line breaks).
//! - Otherwise, if the text looks hard-wrapped (see below), lines are joined and a paragraph
//!   ends after a short line (under 75% of the wrap width) or before a line indented deeper
//!   than the others.
//! - Otherwise each non-empty line is a paragraph (the usual export of word processors).
//!
//! Lines are joined with a space, or with nothing when both sides are CJK characters (Chinese
//! and Japanese do not put spaces between words). Whitespace is collapsed to single spaces.
//!
//! `--paragraphs blank` always takes blank-line blocks, `--paragraphs line` always one
//! paragraph per line.
//!
//! # Structure
//!
//! [`blocks`] applies the paragraph rule, then:
//! - a credit line (a byline `By Jane Doe`, `Photo: ...`, `Source: ...`, `المصدر: ...`,
//!   `© ...`) inside a paragraph becomes a paragraph of its own: such lines are added or
//!   dropped by translators, and glued to a sentence they spoil its pair;
//! - the first line of a paragraph, when it is short (at most 15 words, no question or
//!   exclamation mark), starts with a capital, digit or uncased letter, ends without
//!   sentence or clause punctuation and is shorter than the rest, is a heading, not the
//!   start of the paragraph's first sentence;
//! - a paragraph of one such line directly above a longer paragraph (or a credit line) is a
//!   heading. A heading is one segment: it is not split into sentences.
//!
//! "Looks hard-wrapped": at least 3 lines; the wrap width W (the 90th percentile of line
//! lengths in characters) is between 16 and 250; at least half the lines but the last are
//! *full* (at least 75% of W); and at most a third of the full lines end with sentence
//! punctuation. Text with one paragraph or sentence per line fails the last test (its lines
//! end with punctuation), lists and headings usually fail the length tests; wrapped text
//! passes because a wrap point rarely falls on a sentence end.

use std::borrow::Cow;
use std::path::Path;

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8};

use super::{Block, ParagraphMode};
use crate::document::Structure;
use crate::error::{Error, ErrorKind, Result};
use crate::normalize::collapse_whitespace;

/// How to decode an input.
#[derive(Debug, Clone)]
pub struct DecodeOptions {
    /// Encoding label (WHATWG names and common aliases: `windows-1256`, `utf-16le`, `gbk`,
    /// `latin-1`, `cp1256`, `utf16le`...); `None` detects it.
    pub encoding: Option<String>,
    /// Inputs larger than this are refused (bytes).
    pub max_bytes: u64,
}

impl Default for DecodeOptions {
    fn default() -> Self {
        DecodeOptions {
            encoding: None,
            max_bytes: 256 << 20,
        }
    }
}

/// Decoded text and what was done to get it.
#[derive(Debug, Clone)]
pub struct Decoded {
    /// Text with line ends normalized to `\n` and control characters (but tab/newline) removed.
    pub text: String,
    /// Name of the encoding used (e.g. `UTF-8`, `windows-1256`).
    pub encoding: &'static str,
    /// How many control characters were removed.
    pub dropped_controls: usize,
}

/// Decodes bytes into text (see the module docs for how the encoding is chosen).
pub fn decode(bytes: &[u8], opts: &DecodeOptions) -> Result<Decoded> {
    let len = bytes.len() as u64;
    if len > opts.max_bytes {
        return Err(ErrorKind::TooLarge {
            bytes: len,
            limit: opts.max_bytes,
        }
        .into());
    }
    let (text, encoding) = match &opts.encoding {
        Some(label) => decode_declared(bytes, label)?,
        None => decode_detected(bytes)?,
    };
    finish(text, encoding.name())
}

/// Reads and decodes a file; errors name the file. Refuses files over the size limit
/// before reading them.
pub fn read_file(path: &Path, opts: &DecodeOptions) -> Result<Decoded> {
    let bytes = super::read_bytes(path, opts.max_bytes)?;
    decode(&bytes, opts).map_err(|e| e.with_path(path))
}

/// Resolves an encoding label: WHATWG labels, plus the spellings people type
/// (`latin-1`, `utf16le`, `cp936`, `windows1256`, Python's `iso8859_6`...).
/// `None` for unknown labels and for WHATWG's "replacement" labels, which decode nothing.
pub fn encoding_for_label(label: &str) -> Option<&'static Encoding> {
    let label = label.trim();
    if let Some(e) = Encoding::for_label_no_replacement(label.as_bytes()) {
        return Some(e);
    }
    let compact: String = label
        .chars()
        .filter(|c| !matches!(c, '-' | '_' | ' ' | '.'))
        .flat_map(char::to_lowercase)
        .collect();
    let canonical = match compact.as_str() {
        "latin1" | "iso88591" | "cp819" => "windows-1252",
        "utf8" | "utf8sig" => "utf-8",
        "utf16" | "utf16le" | "ucs2" | "ucs2le" | "utf16lebom" => "utf-16le",
        "utf16be" | "ucs2be" => "utf-16be",
        "cp936" | "ms936" | "windows936" | "euccn" => "gbk",
        "cp949" | "ms949" | "uhc" | "euckr" => "euc-kr",
        "cp932" | "windows932" | "shiftjis" | "sjis" | "mskanji" => "shift_jis",
        "cp950" | "ms950" | "windows950" | "big5hkscs" => "big5",
        "eucjp" => "euc-jp",
        "koi8r" => "koi8-r",
        "koi8u" => "koi8-u",
        "macroman" | "mac" => "macintosh",
        "maccyrillic" => "x-mac-cyrillic",
        other => {
            // windows1256, win1256, cp1256, ms1256 → windows-1256; iso88596 → iso-8859-6.
            let digits = ["windows", "win", "cp", "ms"]
                .iter()
                .find_map(|p| other.strip_prefix(p))
                .filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()));
            if let Some(d) = digits {
                return Encoding::for_label_no_replacement(format!("windows-{d}").as_bytes());
            }
            if let Some(d) = other.strip_prefix("iso8859") {
                return Encoding::for_label_no_replacement(format!("iso-8859-{d}").as_bytes());
            }
            return Encoding::for_label_no_replacement(compact.as_bytes());
        }
    };
    Encoding::for_label_no_replacement(canonical.as_bytes())
}

/// Decodes with an explicit label; strict, because the user vouched for it.
fn decode_declared<'a>(bytes: &'a [u8], label: &str) -> Result<(Cow<'a, str>, &'static Encoding)> {
    let mut encoding = encoding_for_label(label)
        .ok_or_else(|| Error::new(ErrorKind::UnknownEncoding(label.to_string())))?;
    let mut body = bytes;
    // A BOM that agrees with the label is not text. For UTF-16 the BOM also settles the
    // byte order, which labels like `utf-16` and `ucs-2` leave open.
    if let Some((bom_encoding, bom_len)) = Encoding::for_bom(bytes) {
        let is_utf16 = |e: &'static Encoding| e == UTF_16LE || e == UTF_16BE;
        if bom_encoding == encoding || (is_utf16(encoding) && is_utf16(bom_encoding)) {
            encoding = bom_encoding;
            body = &bytes[bom_len..];
        }
    }
    strict(body, encoding).map(|t| (t, encoding))
}

/// Detects the encoding (module docs, steps 2–6).
fn decode_detected(bytes: &[u8]) -> Result<(Cow<'_, str>, &'static Encoding)> {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        return strict(&bytes[bom_len..], encoding).map(|t| (t, encoding));
    }
    if bytes.contains(&0) {
        let encoding = utf16_by_zero_pattern(bytes).ok_or_else(|| Error::new(ErrorKind::Binary))?;
        // Text that fails to decode under the byte order its zeros suggest is not UTF-16 text.
        return encoding
            .decode_without_bom_handling_and_without_replacement(bytes)
            .map(|t| (t, encoding))
            .ok_or_else(|| Error::new(ErrorKind::Binary));
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok((Cow::Borrowed(text), UTF_8));
    }
    if mostly_utf8(bytes) {
        return Ok((String::from_utf8_lossy(bytes), UTF_8));
    }
    let encoding = guess_legacy(bytes);
    let (text, _had_errors) = encoding.decode_without_bom_handling(bytes);
    Ok((text, encoding))
}

/// Inputs up to this size are fed to chardetng whole; larger ones are sampled.
const DETECT_WHOLE: usize = 8 << 20;
/// Size of each sampled window of a large input.
const DETECT_WINDOW: usize = 256 << 10;
/// Number of windows spread over a large input (after its first `DETECT_WHOLE / 4` bytes).
const DETECT_WINDOWS: usize = 24;

/// chardetng's guess among legacy encodings. chardetng runs at about 5 MB/s, so a large input
/// is sampled: its start and evenly spread windows, about 8 MB in all, cut at line breaks or
/// spaces (never inside a multi-byte character in the encodings chardetng knows). The
/// statistics of a document's encoding do not change along the file; spreading the samples
/// guards against a long ASCII-only preamble.
fn guess_legacy(bytes: &[u8]) -> &'static Encoding {
    let mut detector = chardetng::EncodingDetector::new();
    if bytes.len() <= DETECT_WHOLE {
        detector.feed(bytes, true);
        return detector.guess(None, false);
    }
    let head = boundary_after(bytes, DETECT_WHOLE / 4);
    detector.feed(&bytes[..head], false);
    let rest = bytes.len() - head;
    for i in 0..DETECT_WINDOWS {
        let start = boundary_after(bytes, head + rest / DETECT_WINDOWS * i);
        let end = boundary_after(bytes, start.saturating_add(DETECT_WINDOW));
        detector.feed(&bytes[start..end], false);
    }
    detector.feed(&[], true);
    detector.guess(None, false)
}

/// The offset just after the first line break or space at or after `at`, looking at most
/// 64 KB ahead (then `at` itself: one split character costs the detector little); at most
/// the input length.
fn boundary_after(bytes: &[u8], at: usize) -> usize {
    if at >= bytes.len() {
        return bytes.len();
    }
    let ahead = &bytes[at..bytes.len().min(at + (64 << 10))];
    ahead
        .iter()
        .position(|&b| matches!(b, b'\n' | b'\r' | b' '))
        .map_or(at, |p| at + p + 1)
}

fn strict<'a>(bytes: &'a [u8], encoding: &'static Encoding) -> Result<Cow<'a, str>> {
    encoding
        .decode_without_bom_handling_and_without_replacement(bytes)
        .ok_or_else(|| {
            Error::new(ErrorKind::Undecodable {
                encoding: encoding.name().to_string(),
            })
        })
}

/// UTF-16 byte order from where the zero bytes are: in UTF-16 text with any ASCII (letters,
/// digits, spaces, line breaks), the high byte of those units is zero, so zeros pile up on one
/// parity (odd offsets for little endian). Binary data has zeros on both.
fn utf16_by_zero_pattern(bytes: &[u8]) -> Option<&'static Encoding> {
    if !bytes.len().is_multiple_of(2) {
        return None;
    }
    let units = bytes.len() / 2;
    let (mut even, mut odd) = (0usize, 0usize);
    for pair in bytes.chunks_exact(2) {
        even += usize::from(pair[0] == 0);
        odd += usize::from(pair[1] == 0);
    }
    let (high, low, encoding) = if odd >= even {
        (odd, even, UTF_16LE)
    } else {
        (even, odd, UTF_16BE)
    };
    // At least 1 unit in 32 has a zero high byte, and zeros are 4x as common there.
    (high * 32 >= units && low * 4 <= high).then_some(encoding)
}

/// UTF-8 with a few corrupt bytes: at least ten valid non-ASCII characters per invalid
/// sequence. Legacy CJK and single-byte text almost never forms valid multi-byte sequences.
/// Stops as soon as the rest of the input could no longer reach the ratio, so legacy input
/// costs a small prefix.
fn mostly_utf8(bytes: &[u8]) -> bool {
    let (mut valid, mut invalid, mut seen) = (0usize, 0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        valid += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        invalid += usize::from(!chunk.invalid().is_empty());
        seen += chunk.valid().len() + chunk.invalid().len();
        // A non-ASCII character takes at least two bytes.
        let best_case = valid + (bytes.len() - seen) / 2;
        if best_case < invalid.saturating_mul(10) {
            return false;
        }
    }
    valid > 0 && valid >= invalid.saturating_mul(10)
}

/// Line ends, binary check, control characters, emptiness (module docs).
fn finish(text: Cow<'_, str>, encoding: &'static str) -> Result<Decoded> {
    let (text, controls) = normalize_line_ends(text)?;
    let (text, dropped_controls) = if controls == 0 {
        (text, 0)
    } else {
        // More than 10% control characters: not text, whatever decoded it.
        let chars = text.chars().count();
        if controls.saturating_mul(10) > chars {
            return Err(ErrorKind::Binary.into());
        }
        crate::normalize::strip_controls(&text)
    };
    if text.trim().is_empty() {
        return Err(ErrorKind::Empty.into());
    }
    Ok(Decoded {
        text,
        encoding,
        dropped_controls,
    })
}

/// Whether `c` needs [`normalize_line_ends`] to look at it.
#[inline]
fn is_special(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || c == '\u{2028}' || c == '\u{2029}'
}

/// Rewrites line ends to `\n` and counts the control characters left for
/// [`crate::normalize::strip_controls`]; a NUL character means binary data.
/// Copies only from the first character that needs a change.
fn normalize_line_ends(text: Cow<'_, str>) -> Result<(String, usize)> {
    let Some(first) = text.find(is_special) else {
        return Ok((text.into_owned(), 0));
    };
    let mut out = String::with_capacity(text.len());
    out.push_str(&text[..first]);
    let mut controls = 0usize;
    let mut chars = text[first..].chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                chars.next_if_eq(&'\n');
                out.push('\n');
            }
            '\u{0B}' | '\u{0C}' | '\u{2028}' => out.push('\n'),
            '\u{2029}' => out.push_str("\n\n"),
            '\0' => return Err(ErrorKind::Binary.into()),
            c => {
                controls += usize::from(is_special(c));
                out.push(c);
            }
        }
    }
    Ok((out, controls))
}

/// Lines split at `\n`, `\r\n` and lone `\r`, so text that did not come through [`decode`]
/// works too.
fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.split('\n').flat_map(|line| {
        let line = line.strip_suffix('\r').unwrap_or(line);
        line.split('\r')
    })
}

fn is_blank(line: &str) -> bool {
    line.trim().is_empty()
}

/// Splits running text into paragraphs (see the module docs for the rule).
/// Paragraphs are never empty and have their whitespace collapsed.
pub fn paragraphs(text: &str) -> Vec<String> {
    let all: Vec<&str> = lines(text).collect();
    paragraph_lines(&all, ParagraphMode::Auto)
        .iter()
        .map(|l| join_lines(l))
        .filter(|p| !p.is_empty())
        .collect()
}

/// The lines of each paragraph, by `mode` (module docs).
fn paragraph_lines<'t>(all: &[&'t str], mode: ParagraphMode) -> Vec<Vec<&'t str>> {
    // Blocks of consecutive non-blank lines.
    let blocks: Vec<&[&str]> = all
        .split(|l| is_blank(l))
        .filter(|b| !b.is_empty())
        .collect();
    let per_line = |b: &[&[&'t str]]| -> Vec<Vec<&'t str>> {
        b.iter().flat_map(|b| b.iter()).map(|l| vec![*l]).collect()
    };
    match (mode, blocks.as_slice()) {
        (_, []) => Vec::new(),
        (ParagraphMode::Line, b) => per_line(b),
        (ParagraphMode::Auto, [single]) => match wrap_width(single) {
            Some(width) => wrapped_paragraphs(single, width),
            None => per_line(&[single]),
        },
        (_, many) => many.iter().map(|b| b.to_vec()).collect(),
    }
}

/// Paragraphs as blocks with the plain-text structure rules applied (module docs,
/// "Structure").
pub fn blocks(text: &str, mode: ParagraphMode) -> Vec<Block> {
    let all: Vec<&str> = lines(text).collect();
    let paragraphs = paragraph_lines(&all, mode);
    let mut out = Vec::with_capacity(paragraphs.len());
    for (k, lines) in paragraphs.iter().enumerate() {
        let next = paragraphs.get(k + 1).map(Vec::as_slice);
        structure_paragraph(lines, next, &mut out);
    }
    out
}

/// One paragraph's lines as blocks: credit lines on their own, a heading line split off
/// the paragraph it tops, a lone short line above a paragraph marked as a heading.
fn structure_paragraph(lines: &[&str], next: Option<&[&str]>, out: &mut Vec<Block>) {
    let mut rest = lines;
    let longer = |line: &str, after: &[&str]| {
        after.iter().map(|l| line_len(l)).sum::<usize>() > line_len(line)
    };
    if rest.len() > 1
        && is_heading_line(rest[0])
        && !is_credit(rest[0])
        && longer(rest[0], &rest[1..])
    {
        out.push(Block::new(join_lines(&rest[..1]), Structure::Heading));
        rest = &rest[1..];
    }
    let mut start = 0;
    for (k, line) in rest.iter().enumerate() {
        if rest.len() > 1 && is_credit(line) {
            push_block(out, &rest[start..k], Structure::Paragraph);
            push_block(out, &rest[k..=k], Structure::Paragraph);
            start = k + 1;
        }
    }
    let tail = &rest[start..];
    let heading = tail.len() == 1
        && is_heading_line(tail[0])
        && !is_credit(tail[0])
        && next.is_some_and(|n| {
            is_credit(n[0]) || (longer(tail[0], n) && (n.len() > 1 || !is_heading_line(n[0])))
        });
    let kind = if heading {
        Structure::Heading
    } else {
        Structure::Paragraph
    };
    push_block(out, tail, kind);
}

fn push_block(out: &mut Vec<Block>, lines: &[&str], structure: Structure) {
    let text = join_lines(lines);
    if !text.is_empty() {
        out.push(Block::new(text, structure));
    }
}

/// Words a heading may have at most.
const HEADING_WORDS: usize = 15;

/// A short line that does not end like a sentence or a clause, and starts with a letter
/// or a digit: a title or heading.
fn is_heading_line(line: &str) -> bool {
    let line = line.trim();
    let words = line.split_whitespace().count();
    let continues = line.ends_with([',', '،', '、', '，', '-', '–', '—', '(', '&', '/']);
    // A question or exclamation inside is a sentence end: not a title.
    let inner_end = line.contains(['?', '!', '؟', '？', '！', '。']);
    (1..=HEADING_WORDS).contains(&words)
        && !inner_end
        && line.chars().count() <= 120
        && !ends_sentence(line)
        && !continues
        && line
            .chars()
            .next()
            .is_some_and(|c| c.is_alphanumeric() && !c.is_lowercase())
}

/// Labels that open a credit, byline or source line (compared case-folded, before `:`).
const CREDIT_LABELS: &[&str] = &[
    "photo",
    "photos",
    "photo credit",
    "image",
    "images",
    "picture",
    "credit",
    "credits",
    "source",
    "sources",
    "translation",
    "translated by",
    "translator",
    "reporting by",
    "editing by",
    "writing by",
    "author",
    "authors",
    "foto",
    "fotos",
    "quelle",
    "bild",
    "fuente",
    "crédit",
    "crédits",
    "traduction",
    "traducción",
    "источник",
    "фото",
    "перевод",
    "المصدر",
    "مصدر",
    "ترجمة",
    "الترجمة",
    "تصوير",
    "الصورة",
    "صورة",
    "بقلم",
    "إعداد",
    "تحرير",
    "来源",
    "图片",
    "摄影",
    "翻译",
    "出典",
    "写真",
];

/// A byline (`By Jane Doe`), credit or source line (`Photo: Reuters`, `Source: WHO`,
/// `المصدر: رويترز`, `ترجمة / حامد احمد`), copyright line: its own segment, never glued to a sentence.
pub fn is_credit(line: &str) -> bool {
    let line = line.trim();
    if line.split_whitespace().nth(20).is_some() {
        return false;
    }
    if line.starts_with(['©', '(']) && line.contains(['©']) {
        return true;
    }
    if let Some(name) = line
        .strip_prefix("By ")
        .or_else(|| line.strip_prefix("by "))
    {
        let words: Vec<&str> = name.split_whitespace().collect();
        return (1..=6).contains(&words.len())
            && !ends_sentence(line)
            && words.iter().all(|w| {
                w.chars()
                    .next()
                    .is_some_and(|c| c.is_uppercase() || !c.is_alphabetic())
                    || matches!(*w, "and" | "of" | "in" | "de" | "van" | "von")
            });
    }
    let Some((label, _)) = line.split_once([':', '：', '/']) else {
        return false;
    };
    let label = label.trim().to_lowercase();
    CREDIT_LABELS.contains(&label.as_str())
}

/// Characters in a line without its trailing whitespace.
fn line_len(line: &str) -> usize {
    line.trim_end().chars().count()
}

/// The wrap width when the lines look hard-wrapped (module docs), else `None`.
fn wrap_width(lines: &[&str]) -> Option<usize> {
    const MIN_LINES: usize = 3;
    const WIDTH_RANGE: std::ops::RangeInclusive<usize> = 16..=250;
    if lines.len() < MIN_LINES {
        return None;
    }
    let mut lens: Vec<usize> = lines.iter().map(|l| line_len(l)).collect();
    let at = (lens.len() - 1) * 9 / 10;
    let width = *lens.select_nth_unstable(at).1;
    if !WIDTH_RANGE.contains(&width) {
        return None;
    }
    // The last line ends a paragraph whatever the layout; judge the others.
    let judged = &lines[..lines.len() - 1];
    let full: Vec<&&str> = judged.iter().filter(|l| is_full(l, width)).collect();
    let ending_sentences = full.iter().filter(|l| ends_sentence(l)).count();
    let looks_wrapped = full.len() * 2 >= judged.len() && ending_sentences * 3 <= full.len();
    looks_wrapped.then_some(width)
}

fn is_full(line: &str, width: usize) -> bool {
    line_len(line) * 4 >= width * 3
}

/// Whether the line ends with sentence punctuation (possibly followed by closing quotes or
/// brackets).
fn ends_sentence(line: &str) -> bool {
    let tail = line.trim_end().trim_end_matches([
        '"', '\'', '”', '’', '»', '›', ')', ']', '）', '」', '』', '】',
    ]);
    tail.ends_with([
        '.', '!', '?', ':', ';', '…', '。', '！', '？', '：', '；', '؟', '؛', '۔', '।', '॥', '።',
    ])
}

fn indent(line: &str) -> usize {
    line.chars().take_while(|c| c.is_whitespace()).count()
}

/// Groups hard-wrapped lines; a paragraph ends after a short line or before a line
/// indented deeper than the shallowest one.
fn wrapped_paragraphs<'t>(lines: &[&'t str], width: usize) -> Vec<Vec<&'t str>> {
    let base_indent = lines.iter().map(|l| indent(l)).min().unwrap_or(0);
    let mut out = Vec::new();
    let mut start = 0;
    for i in 0..lines.len() {
        let last = i + 1 == lines.len();
        let ends_here = last || !is_full(lines[i], width) || indent(lines[i + 1]) > base_indent;
        if ends_here {
            out.push(lines[start..=i].to_vec());
            start = i + 1;
        }
    }
    out
}

/// Joins lines with a space, or with nothing between two CJK characters; collapses
/// whitespace.
fn join_lines(lines: &[&str]) -> String {
    let mut out = String::with_capacity(lines.iter().map(|l| l.len() + 1).sum());
    for line in lines {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let cjk_join =
            out.chars().next_back().is_some_and(is_cjk) && line.chars().next().is_some_and(is_cjk);
        if !out.is_empty() && !cjk_join {
            out.push(' ');
        }
        push_collapsed(&mut out, line);
    }
    out
}

/// Appends trimmed `line` with its whitespace runs collapsed to one space.
fn push_collapsed(out: &mut String, line: &str) {
    let mut words = line.split_whitespace();
    if let Some(first) = words.next() {
        out.push_str(first);
    }
    for word in words {
        out.push(' ');
        out.push_str(word);
    }
}

/// Han, kana, bopomofo, CJK punctuation and fullwidth forms: scripts written without spaces
/// between words. Hangul is not included: Korean puts spaces between words.
fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{2E80}'..='\u{2FDF}'     // CJK radicals, Kangxi radicals
        | '\u{2FF0}'..='\u{303F}'   // ideographic description, CJK symbols and punctuation
        | '\u{3040}'..='\u{31FF}'   // hiragana, katakana, bopomofo, kanbun, strokes
        | '\u{3200}'..='\u{4DBF}'   // enclosed CJK, compatibility, extension A
        | '\u{4E00}'..='\u{9FFF}'   // unified ideographs
        | '\u{F900}'..='\u{FAFF}'   // compatibility ideographs
        | '\u{FE30}'..='\u{FE4F}'   // CJK compatibility forms
        | '\u{FF00}'..='\u{FF9F}'   // fullwidth forms, halfwidth katakana
        | '\u{20000}'..='\u{3FFFF}' // extensions B and later
    )
}

/// Presegmented text: one sentence per line; blank (whitespace-only) lines separate
/// paragraphs and produce no sentence. Sentences are trimmed with whitespace collapsed.
pub fn presegmented(text: &str) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = Vec::new();
    let mut current: Vec<String> = Vec::new();
    for line in lines(text) {
        if is_blank(line) {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
        } else {
            current.push(collapse_whitespace(line));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> DecodeOptions {
        DecodeOptions::default()
    }

    fn decoded(bytes: &[u8]) -> Decoded {
        match decode(bytes, &opts()) {
            Ok(d) => d,
            Err(e) => panic!("decode failed: {e}"),
        }
    }

    fn err(bytes: &[u8], o: &DecodeOptions) -> Error {
        match decode(bytes, o) {
            Ok(d) => panic!("expected an error, decoded {:?}", d.text),
            Err(e) => e,
        }
    }

    // decode

    #[test]
    fn decode_normalizes_crlf_and_lone_cr() {
        assert_eq!(decoded(b"a\r\nb\rc\r\r\nd").text, "a\nb\nc\n\nd");
    }

    #[test]
    fn decode_turns_unicode_line_and_paragraph_separators_into_newlines() {
        assert_eq!(decoded("a\u{2028}b\u{2029}c".as_bytes()).text, "a\nb\n\nc");
    }

    #[test]
    fn decode_turns_vertical_tab_and_form_feed_into_newlines() {
        let d = decoded(b"page one\x0cpage two\x0bline");
        assert_eq!(d.text, "page one\npage two\nline");
        assert_eq!(d.dropped_controls, 0);
    }

    #[test]
    fn decode_drops_and_counts_controls() {
        let d =
            decoded("Hello\u{1b} world\u{7f}, this is text\u{85} with controls.\t\n".as_bytes());
        assert_eq!(d.text, "Hello world, this is text with controls.\t\n");
        assert_eq!(d.dropped_controls, 3);
    }

    #[test]
    fn decode_refuses_mostly_controls_as_binary() {
        assert!(matches!(
            err(b"ab\x01\x02\x03cd", &opts()).kind(),
            ErrorKind::Binary
        ));
    }

    #[test]
    fn decode_refuses_nul_as_binary() {
        assert!(matches!(
            err(b"some text\0more text", &opts()).kind(),
            ErrorKind::Binary
        ));
        let o = DecodeOptions {
            encoding: Some("utf-8".into()),
            ..opts()
        };
        assert!(matches!(
            err(b"some text\0more text", &o).kind(),
            ErrorKind::Binary
        ));
    }

    #[test]
    fn decode_refuses_empty_and_whitespace_only() {
        assert!(matches!(err(b"", &opts()).kind(), ErrorKind::Empty));
        assert!(matches!(
            err(b"\xEF\xBB\xBF", &opts()).kind(),
            ErrorKind::Empty
        ));
        assert!(matches!(
            err(" \n\t\u{a0}\u{3000}\r\n".as_bytes(), &opts()).kind(),
            ErrorKind::Empty
        ));
    }

    #[test]
    fn decode_refuses_input_over_the_limit() {
        let o = DecodeOptions {
            max_bytes: 3,
            ..opts()
        };
        assert!(matches!(
            err(b"abcd", &o).kind(),
            ErrorKind::TooLarge { bytes: 4, limit: 3 }
        ));
        assert_eq!(
            decode(b"abc", &o).map(|d| d.text).ok().as_deref(),
            Some("abc")
        );
    }

    #[test]
    fn decode_utf16_without_bom_both_byte_orders() {
        let text = "Plain text in UTF-16,\nwithout a byte order mark.";
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(decoded(&le).encoding, "UTF-16LE");
        assert_eq!(decoded(&le).text, text);
        assert_eq!(decoded(&be).encoding, "UTF-16BE");
        assert_eq!(decoded(&be).text, text);
    }

    #[test]
    fn decode_mostly_utf8_with_a_corrupt_byte_stays_utf8() {
        let mut bytes = "Déjà vu: élève, café, naïve, crème brûlée. "
            .repeat(3)
            .into_bytes();
        bytes.push(0xFF);
        let d = decoded(&bytes);
        assert_eq!(d.encoding, "UTF-8");
        assert!(d.text.starts_with("Déjà vu"));
        assert!(d.text.ends_with('\u{FFFD}'));
    }

    #[test]
    fn labels_resolve_friendly_aliases() {
        let name = |l: &str| encoding_for_label(l).map(|e| e.name());
        assert_eq!(name("latin1"), Some("windows-1252"));
        assert_eq!(name("Latin-1"), Some("windows-1252"));
        assert_eq!(name("latin_1"), Some("windows-1252"));
        assert_eq!(name("utf16le"), Some("UTF-16LE"));
        assert_eq!(name("UTF16BE"), Some("UTF-16BE"));
        assert_eq!(name("utf_8"), Some("UTF-8"));
        assert_eq!(name("cp1256"), Some("windows-1256"));
        assert_eq!(name("windows1251"), Some("windows-1251"));
        assert_eq!(name("win1252"), Some("windows-1252"));
        assert_eq!(name("gb2312"), Some("GBK"));
        assert_eq!(name("cp936"), Some("GBK"));
        assert_eq!(name("iso8859_6"), Some("ISO-8859-6"));
        assert_eq!(name(" ISO-8859-6 "), Some("ISO-8859-6"));
        assert_eq!(name("koi8r"), Some("KOI8-R"));
        assert_eq!(name("no-such-encoding"), None);
        assert_eq!(
            name("iso-2022-kr"),
            None,
            "replacement labels decode nothing"
        );
        assert_eq!(name("cp"), None);
    }

    #[test]
    fn explicit_utf16_label_follows_the_bom_byte_order() {
        let mut bytes = vec![0xFE, 0xFF];
        bytes.extend("Hi".encode_utf16().flat_map(u16::to_be_bytes));
        let o = DecodeOptions {
            encoding: Some("utf-16".into()),
            ..opts()
        };
        let d = decode(&bytes, &o).ok();
        assert_eq!(d.as_ref().map(|d| d.text.as_str()), Some("Hi"));
        assert_eq!(d.map(|d| d.encoding), Some("UTF-16BE"));
    }

    // paragraphs

    #[test]
    fn paragraphs_are_blank_line_separated_blocks_with_lines_joined() {
        let text = "First paragraph,\nsecond line.\n\n  \t\nSecond   paragraph.\n\n\n";
        assert_eq!(
            paragraphs(text),
            ["First paragraph, second line.", "Second paragraph."]
        );
    }

    #[test]
    fn paragraphs_without_blank_lines_are_one_per_line() {
        let text = "Title\nThe first paragraph is one line. It has two sentences.\n\
                    The second paragraph is also on one line.\nShort one.\n";
        assert_eq!(
            paragraphs(text),
            [
                "Title",
                "The first paragraph is one line. It has two sentences.",
                "The second paragraph is also on one line.",
                "Short one."
            ]
        );
    }

    #[test]
    fn paragraphs_only_leading_and_trailing_blank_lines_still_one_per_line() {
        assert_eq!(paragraphs("\n\nOne.\nTwo.\n\n"), ["One.", "Two."]);
    }

    const WRAPPED: &str = "\
All human beings are born free and equal in dignity and rights. They are
endowed with reason and conscience and should act towards one another in
a spirit of brotherhood.
Everyone is entitled to all the rights and freedoms set forth in this
Declaration, without distinction of any kind, such as race, colour, sex,
language, religion, political or other opinion, national or social origin,
property, birth or other status.
Everyone has the right to life, liberty and security of person.";

    #[test]
    fn paragraphs_hard_wrapped_text_is_joined_and_split_at_short_lines() {
        let p = paragraphs(WRAPPED);
        assert_eq!(p.len(), 3, "{p:#?}");
        assert!(p[0].starts_with("All human beings"));
        assert!(p[0].contains("another in a spirit"));
        assert!(p[0].ends_with("brotherhood."));
        assert!(p[1].ends_with("other status."));
        assert_eq!(
            p[2],
            "Everyone has the right to life, liberty and security of person."
        );
    }

    #[test]
    fn paragraphs_hard_wrapped_text_breaks_before_indented_lines() {
        let text = "  The first paragraph starts indented and is wrapped at a fixed\n\
                    width so that its lines are all about the same length and end\n\
                    mid-sentence, as in any plain text file made for a terminal.\n\
                    \x20 The second one is indented too, and it is wrapped the same\n\
                    way, with a last line that happens to be rather long as well.\n";
        let p = paragraphs(text);
        assert_eq!(p.len(), 2, "{p:#?}");
        assert!(p[1].starts_with("The second one"));
    }

    #[test]
    fn paragraphs_handle_crlf_and_lone_cr() {
        let text = "One,\r\ncontinued.\r\n\r\nTwo.\r\rThree.";
        assert_eq!(paragraphs(text), ["One, continued.", "Two.", "Three."]);
    }

    #[test]
    fn paragraphs_join_cjk_lines_without_space() {
        let text =
            "人人生而自由，在尊严和权利上\n一律平等。\n\nThis line\nis English.\n\n中文\nEnglish";
        assert_eq!(
            paragraphs(text),
            [
                "人人生而自由，在尊严和权利上一律平等。",
                "This line is English.",
                "中文 English"
            ]
        );
    }

    #[test]
    fn paragraphs_collapse_whitespace_and_are_never_empty() {
        let p = paragraphs(" \u{3000}a \u{a0} b \n\n\n \t \n\nc\n");
        assert_eq!(p, ["a b", "c"]);
        assert!(paragraphs("").is_empty());
        assert!(paragraphs(" \n \n").is_empty());
    }

    #[test]
    fn one_sentence_per_line_is_not_taken_for_wrapped_text() {
        let text = "The committee met on Monday to discuss the budget for next year.\n\
                    All members were present except the treasurer, who was abroad.\n\
                    The chair opened the meeting and presented the draft agenda.\n\
                    After a short debate, the agenda was adopted without changes.\n";
        assert_eq!(paragraphs(text).len(), 4);
    }

    mod prop {
        use super::super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn decode_never_panics_and_cleans_what_it_accepts(
                bytes in proptest::collection::vec(any::<u8>(), 0..400),
            ) {
                if let Ok(d) = decode(&bytes, &DecodeOptions::default()) {
                    prop_assert!(!d.text.trim().is_empty());
                    prop_assert!(!d.text.contains(|c: char| c.is_control() && c != '\t' && c != '\n'));
                    let separators = ['\u{2028}', '\u{2029}'];
                    prop_assert!(!d.text.contains(separators));
                }
            }

            #[test]
            fn paragraphs_are_trimmed_collapsed_and_non_empty(
                text in "[a-z人。. \t\n\r\u{a0}\u{3000}]{0,200}",
            ) {
                for p in paragraphs(&text) {
                    prop_assert!(!p.is_empty());
                    prop_assert_eq!(collapse_whitespace(&p), p.clone());
                }
                for para in presegmented(&text) {
                    prop_assert!(!para.is_empty());
                    for s in para {
                        prop_assert!(!s.is_empty());
                        prop_assert_eq!(collapse_whitespace(&s), s.clone());
                    }
                }
            }
        }
    }

    // presegmented

    #[test]
    fn presegmented_is_one_sentence_per_line_and_blank_lines_split_paragraphs() {
        let text = "\n  First sentence. \nSecond  sentence.\r\n \t\n\nThird.\n\n";
        assert_eq!(
            presegmented(text),
            vec![
                vec![
                    "First sentence.".to_string(),
                    "Second sentence.".to_string()
                ],
                vec!["Third.".to_string()],
            ]
        );
        assert!(presegmented("").is_empty());
        assert!(presegmented("\n \n").is_empty());
    }
}
