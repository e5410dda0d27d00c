//! Input: a file's bytes to blocks of text (paragraphs, headings, list items, table cells),
//! whatever the format, so that every later stage works the same on all of them.
//!
//! One path for all sources (as ripgrep's searcher): [`read_path`] reads the bytes once,
//! [`sniff`] picks the format from the content (zip parts, `%PDF`, an HTML root) and then
//! the extension, and one reader per format turns it into [`Block`]s:
//! - [`text`]: decoding (BOM, UTF-8, legacy encodings), line ends, paragraphs and the
//!   plain-text structure rules (headings, bylines, credits);
//! - [`docx`] and [`odt`]: the word processors' zip packages (body, tables cell by cell,
//!   footnotes after the body; tracked deletions, fields and hidden text skipped);
//! - [`html`]: visible text only (no script, style, navigation or page chrome);
//! - [`markdown`]: CommonMark with tables and footnotes;
//! - PDF is refused with a one-line error: no maintained pure-Rust crate gives text in
//!   reading order (see [`Format::Pdf`]).
//!
//! Errors name the file (added by [`read_path`]) and, for packaged formats, the part and
//! byte where reading stopped ([`crate::ErrorKind::Document`]).

pub mod docx;
pub mod html;
pub mod markdown;
pub mod odt;
mod package;
pub mod text;

use std::io::Read;
use std::path::Path;

use crate::document::Structure;
use crate::error::{Error, ErrorKind, Result};

pub use text::{
    decode, encoding_for_label, paragraphs, presegmented, read_file, DecodeOptions, Decoded,
};

/// An input format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Text,
    Docx,
    Odt,
    Html,
    Markdown,
    /// Refused: PDF keeps glyphs at positions, not paragraphs; pure-Rust extractors
    /// (pdf-extract over lopdf) lose reading order, columns and hyphenation, which would
    /// give a translation memory of broken sentences. Export the PDF as text or DOCX.
    Pdf,
}

impl std::str::FromStr for Format {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Ok(match s.trim().to_ascii_lowercase().as_str() {
            "text" | "txt" | "plain" => Format::Text,
            "docx" | "word" => Format::Docx,
            "odt" | "opendocument" => Format::Odt,
            "html" | "htm" | "xhtml" => Format::Html,
            "markdown" | "md" => Format::Markdown,
            "pdf" => Format::Pdf,
            _ => return Err(ErrorKind::UnknownFormat(s.to_string()).into()),
        })
    }
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Docx => "DOCX",
            Format::Odt => "ODT",
            Format::Html => "HTML",
            Format::Markdown => "Markdown",
            Format::Pdf => "PDF",
        }
    }

    /// The format an extension names, if any (`None` for `.txt` and unknown ones: content
    /// decides).
    fn from_extension(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "docx" | "docm" | "dotx" => Format::Docx,
            "odt" | "ott" => Format::Odt,
            "html" | "htm" | "xhtml" | "xht" => Format::Html,
            "md" | "markdown" | "mdown" | "mkd" => Format::Markdown,
            "pdf" => Format::Pdf,
            "txt" | "text" => Format::Text,
            _ => return None,
        })
    }
}

/// How paragraphs of plain text are found.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ParagraphMode {
    /// Blank lines when there are any, else one paragraph per line unless the text looks
    /// hard-wrapped ([`text`] module docs).
    #[default]
    Auto,
    /// Blank lines separate paragraphs; the lines of a block are joined.
    Blank,
    /// Every non-empty line is a paragraph.
    Line,
}

impl std::str::FromStr for ParagraphMode {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "auto" => Ok(ParagraphMode::Auto),
            "blank" => Ok(ParagraphMode::Blank),
            "line" => Ok(ParagraphMode::Line),
            _ => Err(Error::msg(format!(
                "unknown paragraph mode '{s}' (auto, blank or line)"
            ))),
        }
    }
}

/// How to read an input.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    pub decode: DecodeOptions,
    /// Forces a format instead of sniffing it.
    pub format: Option<Format>,
    pub paragraphs: ParagraphMode,
}

/// One block of text: a paragraph, heading, list item or table cell, whitespace collapsed,
/// never empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub text: String,
    pub structure: Structure,
}

impl Block {
    pub fn new(text: impl Into<String>, structure: Structure) -> Self {
        Block {
            text: text.into(),
            structure,
        }
    }
}

/// What a reader made of an input.
#[derive(Debug, Clone)]
pub struct Content {
    pub format: Format,
    pub blocks: Vec<Block>,
    /// The decoded text, for plain text only (`--presegmented` reads its lines).
    pub text: Option<String>,
    /// Encoding of text formats; `UTF-8` for packages (their XML is UTF-8 or declares it).
    pub encoding: &'static str,
    pub dropped_controls: usize,
    /// Language the document declares (`<html lang>`, ODT `dc:language`, DOCX default
    /// run language), canonicalized later.
    pub lang: Option<String>,
    /// What the user should know (e.g. tracked changes were resolved).
    pub warnings: Vec<String>,
}

impl Content {
    /// Content of a text-like format, empty blocks refused.
    fn new(format: Format, blocks: Vec<Block>) -> Result<Self> {
        let blocks: Vec<Block> = blocks
            .into_iter()
            .filter(|b| !b.text.trim().is_empty())
            .collect();
        if blocks.is_empty() {
            return Err(ErrorKind::Empty.into());
        }
        Ok(Content {
            format,
            blocks,
            text: None,
            encoding: "UTF-8",
            dropped_controls: 0,
            lang: None,
            warnings: Vec::new(),
        })
    }
}

/// Reads a file's bytes, refusing files over `max_bytes` before reading them.
pub fn read_bytes(path: &Path, max_bytes: u64) -> Result<Vec<u8>> {
    let with_path = |e: Error| e.with_path(path);
    let file = std::fs::File::open(path).map_err(|e| with_path(e.into()))?;
    let size = file.metadata().map_err(|e| with_path(e.into()))?.len();
    if size > max_bytes {
        return Err(with_path(
            ErrorKind::TooLarge {
                bytes: size,
                limit: max_bytes,
            }
            .into(),
        ));
    }
    // `take` guards against files that grow, and special files that report size 0.
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    file.take(max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| with_path(e.into()))?;
    Ok(bytes)
}

/// Reads a file in whatever format it is (sniffed, or `opts.format`); errors name the file.
pub fn read_path(path: &Path, opts: &ReadOptions) -> Result<Content> {
    let bytes = read_bytes(path, opts.decode.max_bytes)?;
    read_bytes_as(&bytes, Some(path), opts).map_err(|e| e.with_path(path))
}

/// Reads bytes; `path` (if any) lends its extension to [`sniff`].
pub fn read_bytes_as(bytes: &[u8], path: Option<&Path>, opts: &ReadOptions) -> Result<Content> {
    if bytes.len() as u64 > opts.decode.max_bytes {
        return Err(ErrorKind::TooLarge {
            bytes: bytes.len() as u64,
            limit: opts.decode.max_bytes,
        }
        .into());
    }
    let format = match opts.format {
        Some(f) => f,
        None => sniff(bytes, path)?,
    };
    match format {
        Format::Docx => docx::read(bytes),
        Format::Odt => odt::read(bytes),
        Format::Pdf => Err(ErrorKind::Document {
            format: "PDF",
            part: None,
            position: None,
            message: "PDF is not read (its text has no reliable reading order): export it \
                      as text or DOCX and align that"
                .into(),
        }
        .into()),
        Format::Text | Format::Html | Format::Markdown => {
            let decoded = decode(bytes, &opts.decode)?;
            let mut content = match format {
                Format::Html => html::read(&decoded.text)?,
                Format::Markdown => markdown::read(&decoded.text)?,
                _ => {
                    let mut c =
                        Content::new(Format::Text, text::blocks(&decoded.text, opts.paragraphs))?;
                    c.text = Some(decoded.text.clone());
                    c
                }
            };
            content.encoding = decoded.encoding;
            content.dropped_controls = decoded.dropped_controls;
            Ok(content)
        }
    }
}

/// The format of an input: zip packages by their parts, legacy and encrypted Office files
/// (OLE compound files) refused, `%PDF`, an HTML root element; then the extension; else
/// plain text.
pub fn sniff(bytes: &[u8], path: Option<&Path>) -> Result<Format> {
    const OLE: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    let by_extension = path.and_then(Format::from_extension);
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return package::kind(bytes, by_extension);
    }
    if bytes.starts_with(OLE) {
        return Err(package::ole_error(bytes));
    }
    if bytes.starts_with(b"%PDF-") {
        return Ok(Format::Pdf);
    }
    if looks_like_html(bytes) && by_extension != Some(Format::Markdown) {
        return Ok(Format::Html);
    }
    Ok(match by_extension {
        Some(Format::Docx | Format::Odt) => {
            return Err(ErrorKind::Document {
                format: by_extension.map_or("zip", Format::name),
                part: None,
                position: None,
                message: "not a zip package (corrupt or renamed file)".into(),
            }
            .into())
        }
        Some(f) => f,
        None => Format::Text,
    })
}

/// An HTML document starts (after a BOM, whitespace, an XML declaration or comments) with
/// `<!DOCTYPE html` or `<html`.
fn looks_like_html(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(2048)];
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    let mut rest = head.trim_start_matches('\u{feff}').trim_start();
    loop {
        if let Some(r) = rest.strip_prefix("<?xml") {
            rest = r.split_once("?>").map_or("", |(_, r)| r).trim_start();
        } else if let Some(r) = rest.strip_prefix("<!--") {
            rest = r.split_once("-->").map_or("", |(_, r)| r).trim_start();
        } else {
            break;
        }
    }
    rest.starts_with("<!doctype html") || rest.starts_with("<html")
}

/// Collects the text of one block at a time from a reader's events: runs of text joined,
/// whitespace collapsed, a block ended when its element ends.
/// Nested block elements (`<li><p>`) take the most specific kind: a paragraph inside a
/// list item is a list item, a heading stays a heading.
#[derive(Debug, Default)]
pub(crate) struct BlockWriter {
    blocks: Vec<Block>,
    current: String,
    kinds: Vec<Structure>,
}

impl BlockWriter {
    fn kind(&self) -> Structure {
        self.kinds.last().copied().unwrap_or_default()
    }

    /// A block element opens: the text so far is a block of the enclosing kind.
    pub(crate) fn open(&mut self, kind: Structure) {
        let outer = self.kind();
        self.end(outer);
        self.kinds.push(if kind == Structure::Paragraph {
            outer
        } else {
            kind
        });
    }

    /// Closes every open block element.
    pub(crate) fn close_all(&mut self) {
        while !self.kinds.is_empty() {
            self.close();
        }
    }

    /// A block element closes: its text is a block of its kind.
    pub(crate) fn close(&mut self) {
        let kind = self.kind();
        self.end(kind);
        self.kinds.pop();
    }

    pub(crate) fn text(&mut self, text: &str) {
        self.current.push_str(text);
    }

    /// A line break inside a block (`<br>`, `w:br`): whitespace to the segmenter.
    pub(crate) fn line_break(&mut self) {
        self.current.push('\n');
    }

    /// Ends the current block as `structure` (nothing when it holds no text).
    pub(crate) fn end(&mut self, structure: Structure) {
        let text = crate::normalize::collapse_whitespace(&self.current);
        self.current.clear();
        if !text.is_empty() {
            self.blocks.push(Block::new(text, structure));
        }
    }

    pub(crate) fn finish(mut self) -> Vec<Block> {
        let kind = self.kind();
        self.end(kind);
        self.blocks
    }

    /// Appends another writer's blocks (footnotes after the body).
    pub(crate) fn append(&mut self, other: BlockWriter) {
        let kind = self.kind();
        self.end(kind);
        self.blocks.extend(other.finish());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniff_html_by_root_element_and_text_by_default() {
        let html = b"\xEF\xBB\xBF <!-- c --><!DOCTYPE html><html><body>x</body></html>";
        assert_eq!(sniff(html, None).ok(), Some(Format::Html));
        let xhtml = b"<?xml version=\"1.0\"?>\n<html xmlns=\"http://www.w3.org/1999/xhtml\">";
        assert_eq!(sniff(xhtml, None).ok(), Some(Format::Html));
        assert_eq!(sniff(b"Plain <b>text</b>.", None).ok(), Some(Format::Text));
        let md = Path::new("a.md");
        assert_eq!(sniff(b"# Title", Some(md)).ok(), Some(Format::Markdown));
        assert_eq!(sniff(b"%PDF-1.7", None).ok(), Some(Format::Pdf));
    }

    #[test]
    fn sniff_refuses_a_docx_that_is_not_a_zip() {
        let e = sniff(b"hello", Some(Path::new("x.docx"))).err();
        assert!(e.is_some_and(|e| e.to_string().contains("not a zip")));
    }

    #[test]
    fn formats_parse_from_their_names() {
        assert_eq!("DOCX".parse::<Format>().ok(), Some(Format::Docx));
        assert_eq!("md".parse::<Format>().ok(), Some(Format::Markdown));
        assert!("rtf".parse::<Format>().is_err());
    }
}
