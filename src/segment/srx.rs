//! SRX 2.0 segmentation rules (LISA's Segmentation Rules eXchange), so users can bring the
//! rules of their CAT tool (OmegaT, Okapi, LanguageTool) instead of the built-in segmenter.
//!
//! [`Srx::parse`] reads `languagerule`s (ordered `rule`s with `beforebreak`/`afterbreak`
//! regexes and `break="yes|no"`) and `maprules` (`languagemap`s choosing rule sets by a
//! regex on the language code; with `cascade="yes"` every matching map contributes, in map
//! order, else only the first). [`SrxSegmenter`] applies them: at each position between two
//! characters, the first rule whose `beforebreak` matches text ending there and whose
//! `afterbreak` matches text starting there decides; no matching rule means no break.
//!
//! Real rule files are written in Java's regex dialect (look-behind, possessive quantifiers,
//! `\p{Lu}`, `\uXXXX`), so patterns are compiled with `fancy-regex`, a backtracking engine
//! with a step limit. A pattern that does not compile costs its rule only: the rule is
//! skipped and named in [`Srx::warnings`]. A search that hits the step limit counts as no
//! match, so hostile text can slow a rule down but not hang it.

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;
use std::path::Path;

use fancy_regex::{Regex, RegexBuilder, RegexInput};
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use sha2::{Digest, Sha256};

use crate::error::{Error, ErrorKind, Result};

/// Backtracking steps one regex search may take before it counts as no match (fancy-regex's
/// default is 1,000,000; a rule looks at a few characters, so far fewer are enough and keep
/// adversarial paragraphs fast).
const BACKTRACK_LIMIT: usize = 100_000;

/// How far (bytes) a `beforebreak` match may overlap the previous match of the same rule.
/// Restarting every search one character after the previous start finds every match but is
/// quadratic on long matches (`\w+\.` over a 2 MB word); rules need short overlaps only (a
/// shared space or full stop).
const MAX_OVERLAP: usize = 64;

/// Matches are searched for in windows of this many bytes (overlapping by
/// [`MAX_OVERLAP`]), and an `afterbreak` may span at most [`AFTER_WINDOW`] bytes: without
/// bounds, `\S*@` checked after each of a million full stops reads the whole run each
/// time. Rules look at a word or two around the break.
const SEARCH_WINDOW: usize = 4096;
const AFTER_WINDOW: usize = 256;

/// A parsed SRX document.
pub struct Srx {
    cascade: bool,
    rule_sets: Vec<RuleSet>,
    maps: Vec<LanguageMap>,
    warnings: Vec<String>,
    total_rules: usize,
    digest: String,
}

/// One `languagerule`: a named, ordered list of rules.
struct RuleSet {
    name: String,
    rules: Vec<Rule>,
}

/// One `rule`: a break or an exception, each side a regex or empty (matches anywhere).
#[derive(Debug)]
struct Rule {
    breaks: bool,
    before: Option<Regex>,
    after: Option<Regex>,
}

/// One `languagemap`: language codes fully matching `pattern` use rule set `name`.
struct LanguageMap {
    pattern: Regex,
    name: String,
}

impl fmt::Debug for Srx {
    /// Short: the digest and counts (the rules themselves run to thousands of lines).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Srx")
            .field("sha256", &self.digest)
            .field("cascade", &self.cascade)
            .field("rule_sets", &self.rule_sets.len())
            .field("rules", &self.compiled_rules())
            .field("skipped", &self.warnings.len())
            .finish()
    }
}

impl Srx {
    /// Reads and parses an SRX file; errors name the file.
    pub fn from_file(path: &Path) -> Result<Srx> {
        let decoded = crate::input::read_file(path, &crate::input::DecodeOptions::default())?;
        Srx::parse(&decoded.text).map_err(|e| e.with_path(path))
    }

    /// Parses an SRX 2.0 document. Malformed XML, a missing `srx` root, a `break` value
    /// other than yes/no or a map to an unknown rule set are errors (with the line); a
    /// regex that does not compile is a warning and its rule is skipped.
    pub fn parse(text: &str) -> Result<Srx> {
        Parser::new(text).run()
    }

    /// Whether every matching `languagemap` contributes its rules (header `cascade="yes"`).
    pub fn cascade(&self) -> bool {
        self.cascade
    }

    /// Rules skipped because a regex did not compile, one line each.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// Rules read, compiled or not.
    pub fn total_rules(&self) -> usize {
        self.total_rules
    }

    /// Rules whose regexes compiled (the ones applied).
    pub fn compiled_rules(&self) -> usize {
        self.rule_sets.iter().map(|s| s.rules.len()).sum()
    }

    /// Names of the `languagerule`s, in document order.
    pub fn rule_set_names(&self) -> impl Iterator<Item = &str> {
        self.rule_sets.iter().map(|s| s.name.as_str())
    }

    /// SHA-256 (hex) of the SRX text: identifies the rules in reports and resume state.
    pub fn digest(&self) -> &str {
        &self.digest
    }

    /// A segmenter for a language code (`en`, `de-CH`, `en_two`...): the rule sets of the
    /// matching `languagemap`s, all of them in map order when cascading, else the first.
    pub fn segmenter(&self, lang: &str) -> SrxSegmenter<'_> {
        let mut sets = Vec::new();
        for map in &self.maps {
            if !map.pattern.is_match(lang).unwrap_or(false) {
                continue;
            }
            if let Some(set) = self.rule_sets.iter().find(|s| s.name == map.name) {
                sets.push(set);
            }
            if !self.cascade {
                break;
            }
        }
        SrxSegmenter { sets }
    }
}

/// SRX rules chosen for one language, applied to paragraphs.
pub struct SrxSegmenter<'a> {
    sets: Vec<&'a RuleSet>,
}

impl SrxSegmenter<'_> {
    /// Names of the rule sets applied, in order.
    pub fn rule_set_names(&self) -> Vec<&str> {
        self.sets.iter().map(|s| s.name.as_str()).collect()
    }

    /// Splits one paragraph into sentences (trimmed, non-empty).
    pub fn split(&self, paragraph: &str) -> Vec<String> {
        self.split_ranges(paragraph)
            .into_iter()
            .map(|r| paragraph[r].to_string())
            .collect()
    }

    /// Byte ranges of the sentences (trimmed, non-empty, in order).
    pub fn split_ranges(&self, paragraph: &str) -> Vec<Range<usize>> {
        super::trimmed_pieces(paragraph, self.breaks(paragraph))
    }

    /// Break positions (byte offsets strictly inside `text`, ascending).
    pub fn breaks(&self, text: &str) -> Vec<usize> {
        let mut decided: HashMap<usize, bool> = HashMap::new();
        for rule in self.sets.iter().flat_map(|s| &s.rules) {
            for p in rule.candidates(text) {
                if p == 0 || p >= text.len() || decided.contains_key(&p) {
                    continue;
                }
                if rule.matches_after(text, p) {
                    decided.insert(p, rule.breaks);
                }
            }
        }
        let mut cuts: Vec<usize> = decided
            .into_iter()
            .filter_map(|(p, b)| b.then_some(p))
            .collect();
        cuts.sort_unstable();
        cuts
    }
}

impl Rule {
    /// Positions where `beforebreak` matches text ending there (every position when it is
    /// empty; then, as a shortcut, only where `afterbreak` can start).
    fn candidates(&self, text: &str) -> Vec<usize> {
        match (&self.before, &self.after) {
            (Some(before), _) => match_positions(before, text, |m| m.end()),
            (None, Some(after)) => match_positions(after, text, |m| m.start()),
            (None, None) => text.char_indices().map(|(i, _)| i).collect(),
        }
    }

    /// Whether `afterbreak` matches text starting exactly at `p` (look-behind sees the
    /// text before `p`).
    fn matches_after(&self, text: &str, p: usize) -> bool {
        let Some(after) = &self.after else {
            return true;
        };
        let end = ceil_boundary(text, p.saturating_add(AFTER_WINDOW));
        let input = RegexInput::new(text)
            .from_pos(p)
            .range(p..end)
            .anchored(true);
        matches!(after.find_input(input), Ok(Some(m)) if m.start() == p)
    }
}

/// `pick` of every match of `re`, overlapping ones included (searches restart one
/// character after each match start, but at most [`MAX_OVERLAP`] bytes before its end),
/// searched window by window. A window where the step limit is hit counts as matchless.
fn match_positions(
    re: &Regex,
    text: &str,
    pick: impl Fn(&fancy_regex::Match) -> usize,
) -> Vec<usize> {
    let mut out = Vec::new();
    let mut from = 0;
    while from <= text.len() {
        let end = ceil_boundary(text, from.saturating_add(SEARCH_WINDOW));
        let input = RegexInput::new(text).from_pos(from).range(from..end);
        match re.find_input(input) {
            Ok(Some(m)) => {
                out.push(pick(&m));
                let next_char = text[m.start()..]
                    .chars()
                    .next()
                    .map_or(m.start() + 1, |c| m.start() + c.len_utf8());
                from = ceil_boundary(text, next_char.max(m.end().saturating_sub(MAX_OVERLAP)));
                if m.start() == text.len() {
                    break;
                }
            }
            _ if end >= text.len() => break,
            _ => from = ceil_boundary(text, end.saturating_sub(MAX_OVERLAP).max(from + 1)),
        }
    }
    out
}

/// The first char boundary at or after `i` (capped at the text's length).
fn ceil_boundary(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// Compiles one SRX regex: Java dialect as far as fancy-regex reads it, with a step limit.
fn compile(pattern: &str) -> std::result::Result<Regex, String> {
    RegexBuilder::new(&java_class_dashes(pattern))
        .backtrack_limit(BACKTRACK_LIMIT)
        .build()
        .map_err(|e| e.to_string())
}

/// Java reads a `-` right after a class escape in a bracket (`[\d-–]`, `[\p{Lu}-—]`) as a
/// literal dash, Rust as an invalid range: escape such dashes.
fn java_class_dashes(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 4);
    let mut chars = pattern.chars().peekable();
    let mut depth = 0usize;
    while let Some(c) = chars.next() {
        out.push(c);
        match c {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            '\\' => {
                let Some(e) = chars.next() else { break };
                out.push(e);
                if matches!(e, 'p' | 'P') && chars.peek() == Some(&'{') {
                    for b in chars.by_ref() {
                        out.push(b);
                        if b == '}' {
                            break;
                        }
                    }
                }
                let class = matches!(e, 'd' | 'D' | 'w' | 'W' | 's' | 'S' | 'p' | 'P');
                if depth > 0 && class && chars.peek() == Some(&'-') {
                    chars.next();
                    out.push_str(if chars.peek() == Some(&']') {
                        "-"
                    } else {
                        "\\-"
                    });
                }
            }
            _ => {}
        }
    }
    out
}

/// State of the one pass over the XML events.
struct Parser<'a> {
    reader: Reader<&'a [u8]>,
    text: &'a str,
    srx: Srx,
    seen_root: bool,
    /// The rule being read: `break`, its line, and the texts read so far.
    rule: Option<(bool, u64, Option<String>, Option<String>)>,
    /// Which of `beforebreak` (0) / `afterbreak` (1) is open, and its text.
    side: Option<(usize, String)>,
    /// Rule set names seen in maps, with the line of the map, checked at the end.
    map_names: Vec<(String, u64)>,
    /// The last position whose line was computed, and that line.
    line_at: std::cell::Cell<(usize, u64)>,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Self {
        Parser {
            reader: Reader::from_str(text),
            text,
            srx: Srx {
                cascade: false,
                rule_sets: Vec::new(),
                maps: Vec::new(),
                warnings: Vec::new(),
                total_rules: 0,
                digest: format!("{:x}", Sha256::digest(text.as_bytes())),
            },
            seen_root: false,
            rule: None,
            side: None,
            map_names: Vec::new(),
            line_at: std::cell::Cell::new((0, 1)),
        }
    }

    /// 1-based line of the reader's position.
    /// Counts newlines from the last position asked for (positions only grow), so asking
    /// at every rule stays linear in the file.
    fn line(&self) -> u64 {
        let pos = usize::try_from(self.reader.buffer_position())
            .unwrap_or(usize::MAX)
            .min(self.text.len());
        let (seen, line) = self.line_at.get();
        let (from, base) = if pos >= seen { (seen, line) } else { (0, 1) };
        let line = base
            + self.text.as_bytes()[from..pos]
                .iter()
                .filter(|&&b| b == b'\n')
                .count() as u64;
        self.line_at.set((pos, line));
        line
    }

    fn error(&self, message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Parse(format!("SRX: {}", message.into()))).at_line(self.line())
    }

    fn run(mut self) -> Result<Srx> {
        loop {
            let event = self
                .reader
                .read_event()
                .map_err(|e| self.error(e.to_string()))?;
            match event {
                Event::Start(e) => self.open(&e)?,
                Event::Empty(e) => {
                    self.open(&e)?;
                    self.close(e.local_name().as_ref())?;
                }
                Event::End(e) => self.close(e.local_name().as_ref())?,
                Event::Text(t) if self.side.is_some() => {
                    let text = t.unescape().map_err(|e| self.error(e.to_string()))?;
                    if let Some((_, buf)) = &mut self.side {
                        buf.push_str(&text);
                    }
                }
                Event::CData(t) => {
                    if let Some((_, buf)) = &mut self.side {
                        buf.push_str(&String::from_utf8_lossy(&t));
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        if !self.seen_root {
            return Err(self.error("no <srx> root element"));
        }
        for (name, line) in &self.map_names {
            if !self.srx.rule_sets.iter().any(|s| &s.name == name) {
                return Err(Error::new(ErrorKind::Parse(format!(
                    "SRX: languagemap names languagerule '{name}', which is not defined"
                )))
                .at_line(*line));
            }
        }
        Ok(self.srx)
    }

    fn attr(&self, e: &BytesStart, name: &str) -> Result<Option<String>> {
        for a in e.attributes() {
            let a = a.map_err(|err| self.error(err.to_string()))?;
            if a.key.local_name().as_ref() == name.as_bytes() {
                let v = a
                    .unescape_value()
                    .map_err(|err| self.error(err.to_string()))?;
                return Ok(Some(v.into_owned()));
            }
        }
        Ok(None)
    }

    fn required(&self, e: &BytesStart, name: &str) -> Result<String> {
        let element = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
        self.attr(e, name)?
            .ok_or_else(|| self.error(format!("<{element}> without the {name} attribute")))
    }

    fn open(&mut self, e: &BytesStart) -> Result<()> {
        let name = e.local_name();
        match name.as_ref() {
            b"srx" => self.seen_root = true,
            _ if !self.seen_root => return Err(self.error("the root element is not <srx>")),
            b"header" => {
                self.srx.cascade = self.attr(e, "cascade")?.as_deref() == Some("yes");
            }
            b"languagerule" => {
                let name = self.required(e, "languagerulename")?;
                self.srx.rule_sets.push(RuleSet {
                    name,
                    rules: Vec::new(),
                });
            }
            b"rule" => {
                if self.srx.rule_sets.is_empty() {
                    return Err(self.error("<rule> outside a <languagerule>"));
                }
                let breaks = match self.attr(e, "break")?.as_deref() {
                    None | Some("yes") => true,
                    Some("no") => false,
                    Some(other) => {
                        return Err(self.error(format!("break=\"{other}\", expected yes or no")))
                    }
                };
                self.rule = Some((breaks, self.line(), None, None));
            }
            b"beforebreak" | b"afterbreak" if self.rule.is_some() => {
                let side = usize::from(name.as_ref() == b"afterbreak");
                self.side = Some((side, String::new()));
            }
            b"languagemap" => {
                let pattern = self.required(e, "languagepattern")?;
                let rules = self.required(e, "languagerulename")?;
                let full = format!("^(?:{pattern})$");
                let pattern = compile(&full)
                    .map_err(|err| self.error(format!("languagepattern '{pattern}': {err}")))?;
                self.map_names.push((rules.clone(), self.line()));
                self.srx.maps.push(LanguageMap {
                    pattern,
                    name: rules,
                });
            }
            _ => {}
        }
        Ok(())
    }

    fn close(&mut self, name: &[u8]) -> Result<()> {
        match name {
            b"beforebreak" | b"afterbreak" => {
                if let (Some((side, text)), Some(rule)) = (self.side.take(), &mut self.rule) {
                    let slot = if side == 0 { &mut rule.2 } else { &mut rule.3 };
                    *slot = Some(text);
                }
            }
            b"rule" => {
                if let Some((breaks, line, before, after)) = self.rule.take() {
                    self.finish_rule(breaks, line, before, after);
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Compiles a rule's regexes and adds it to the current rule set, or records why not.
    fn finish_rule(
        &mut self,
        breaks: bool,
        line: u64,
        before: Option<String>,
        after: Option<String>,
    ) {
        self.srx.total_rules += 1;
        let set_name = self
            .srx
            .rule_sets
            .last()
            .map_or("", |s| s.name.as_str())
            .to_string();
        let mut compiled = [None, None];
        for (slot, pattern) in compiled.iter_mut().zip([&before, &after]) {
            let Some(p) = pattern.as_deref().filter(|p| !p.is_empty()) else {
                continue;
            };
            match compile(p) {
                Ok(re) => *slot = Some(re),
                Err(err) => {
                    let err = err.replace(['\n', '\r'], " ");
                    self.srx.warnings.push(format!(
                        "line {line}: rule of '{set_name}' skipped: regex '{p}' does not compile: {err}"
                    ));
                    return;
                }
            }
        }
        let [before, after] = compiled;
        if let Some(set) = self.srx.rule_sets.last_mut() {
            set.rules.push(Rule {
                breaks,
                before,
                after,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn srx(rules: &str, maps: &str, cascade: bool) -> Srx {
        let cascade = if cascade { "yes" } else { "no" };
        let doc = format!(
            "<?xml version=\"1.0\"?>\n<srx xmlns=\"http://www.lisa.org/srx20\" version=\"2.0\">\
             <header segmentsubflows=\"yes\" cascade=\"{cascade}\"/><body><languagerules>{rules}\
             </languagerules><maprules>{maps}</maprules></body></srx>"
        );
        Srx::parse(&doc).expect("parses")
    }

    /// English rules with the `Mr.` exception listed before or after the general break.
    fn english(exception_first: bool) -> Srx {
        let no = r#"<rule break="no"><beforebreak>\bMr\.</beforebreak><afterbreak>\s</afterbreak></rule>"#;
        let yes = r#"<rule break="yes"><beforebreak>[.?!]</beforebreak><afterbreak>\s</afterbreak></rule>"#;
        let rules = if exception_first {
            [no, yes]
        } else {
            [yes, no]
        }
        .concat();
        srx(
            &format!(r#"<languagerule languagerulename="En">{rules}</languagerule>"#),
            r#"<languagemap languagepattern="en.*" languagerulename="En"/>"#,
            false,
        )
    }

    #[test]
    fn the_first_matching_rule_decides_break_or_no_break() {
        assert_eq!(
            english(true)
                .segmenter("en")
                .split("Mr. Smith came. He sat."),
            ["Mr. Smith came.", "He sat."]
        );
        assert_eq!(
            english(false).segmenter("en").split("Mr. Smith came."),
            ["Mr.", "Smith came."]
        );
    }

    #[test]
    fn java_dash_after_a_class_escape_is_a_literal() {
        assert_eq!(java_class_dashes(r"[\d-–]+"), r"[\d\-–]+");
        assert_eq!(java_class_dashes(r"[\p{Lu}-—]\d-x"), r"[\p{Lu}\-—]\d-x");
        assert_eq!(java_class_dashes(r"[a-z\s-]"), r"[a-z\s-]");
        assert!(compile(r"[\p{Ps}-–—]\s?\p{Ll}").is_ok());
    }

    #[test]
    fn empty_sides_match_anywhere_and_lookaround_compiles() {
        let s = srx(
            r#"<languagerule languagerulename="X">
               <rule><beforebreak>(?&lt;=\d)\.</beforebreak><afterbreak></afterbreak></rule>
               </languagerule>"#,
            r#"<languagemap languagepattern=".*" languagerulename="X"/>"#,
            false,
        );
        assert_eq!(s.segmenter("xx").split("1.2.a.3"), ["1.", "2.", "a.3"]);
    }
}
