//! The XML layer shared by the TMX and XLIFF readers: decoding by BOM or declaration, and a
//! walker over elements and text whose errors name the line and byte of the input.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8};
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use crate::error::{Error, ErrorKind, Result};

/// Decodes an XML file: a BOM decides, else UTF-16 is recognized by `<\0`/`\0<`, else the
/// declared `encoding` (ISO-8859-1, windows-1252...), else UTF-8. Strict: bytes that are not
/// valid in the encoding are an error at their line (a Latin-1 TMX declared UTF-8 must not
/// be imported as text with replacement characters).
pub fn decode(bytes: &[u8]) -> Result<String> {
    let (encoding, body) = if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        (enc, &bytes[bom_len..])
    } else if bytes.starts_with(b"<\0") {
        (UTF_16LE, bytes)
    } else if bytes.starts_with(b"\0<") {
        (UTF_16BE, bytes)
    } else {
        (declared(bytes)?.unwrap_or(UTF_8), bytes)
    };
    if encoding == UTF_8 {
        return match std::str::from_utf8(body) {
            Ok(s) => Ok(s.to_string()),
            Err(e) => {
                let at = e.valid_up_to();
                Err(Error::parse(
                    line_of(&body[..at]),
                    format!(
                        "byte {}: not valid UTF-8 (declare the file's real encoding)",
                        at + bytes.len() - body.len()
                    ),
                ))
            }
        };
    }
    encoding
        .decode_without_bom_handling_and_without_replacement(body)
        .map(Cow::into_owned)
        .ok_or_else(|| {
            ErrorKind::Undecodable {
                encoding: encoding.name().to_string(),
            }
            .into()
        })
}

/// The encoding named in an ASCII-compatible XML declaration, if any.
fn declared(bytes: &[u8]) -> Result<Option<&'static Encoding>> {
    let head = &bytes[..bytes.len().min(256)];
    if !head.starts_with(b"<?xml") {
        return Ok(None);
    }
    let Some(end) = head.windows(2).position(|w| w == b"?>") else {
        return Ok(None);
    };
    let decl = String::from_utf8_lossy(&head[..end]);
    let Some(at) = decl.find("encoding") else {
        return Ok(None);
    };
    let rest = decl[at + "encoding".len()..].trim_start();
    let Some(rest) = rest.strip_prefix('=') else {
        return Ok(None);
    };
    let rest = rest.trim_start();
    let Some(quote) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') else {
        return Ok(None);
    };
    let label = rest[1..].split(quote).next().unwrap_or("");
    match crate::input::encoding_for_label(label) {
        // A UTF-16 label without BOM or zero bytes: the bytes are ASCII-compatible after all.
        Some(e) if e == UTF_16LE || e == UTF_16BE => Ok(Some(UTF_8)),
        Some(e) => Ok(Some(e)),
        None => Err(ErrorKind::UnknownEncoding(label.to_string()).into()),
    }
}

/// 1-based line number at the end of `bytes`.
fn line_of(bytes: &[u8]) -> u64 {
    1 + bytes.iter().filter(|&&b| b == b'\n').count() as u64
}

/// What the walker reports: an element opening (name without prefix, attributes with
/// theirs), closing, or text (entities resolved).
#[derive(Debug)]
pub enum Node {
    Open {
        name: String,
        attrs: Vec<(String, String)>,
    },
    Close(String),
    Text(String),
    End,
}

/// A pull walker over decoded XML that keeps track of open elements, so a truncated file is
/// an error rather than a short TM.
pub struct Walker<'a> {
    text: &'a str,
    reader: Reader<&'a [u8]>,
    open: Vec<String>,
}

impl<'a> Walker<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut reader = Reader::from_str(text);
        reader.config_mut().expand_empty_elements = true;
        Walker {
            text,
            reader,
            open: Vec::new(),
        }
    }

    /// A parse error at byte `pos` of the decoded text, with its line.
    pub fn error_at(&self, pos: u64, message: impl std::fmt::Display) -> Error {
        let pos = usize::try_from(pos)
            .unwrap_or(usize::MAX)
            .min(self.text.len());
        let before = &self.text.as_bytes()[..pos];
        let column = pos
            - before
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |p| p + 1)
            + 1;
        Error::parse(line_of(before), format!("column {column}: {message}"))
    }

    /// The root element, which must be `expected` (else an error saying what the file is
    /// not); its attributes.
    pub fn root(&mut self, expected: &str, what: &str) -> Result<Vec<(String, String)>> {
        loop {
            match self.next_node()? {
                Node::Open { name, attrs } if name == expected => return Ok(attrs),
                Node::Open { name, .. } => {
                    return Err(self.error(format!("not {what} file: the root element is <{name}>")))
                }
                Node::Text(t) if t.trim().is_empty() => {}
                _ => return Err(self.error(format!("not {what} file: no <{expected}> root"))),
            }
        }
    }

    /// A parse error at the current position.
    pub fn error(&self, message: impl std::fmt::Display) -> Error {
        self.error_at(self.reader.buffer_position(), message)
    }

    /// The depth of the element being read (1 inside the root).
    pub fn depth(&self) -> usize {
        self.open.len()
    }

    pub fn next_node(&mut self) -> Result<Node> {
        loop {
            let event = match self.reader.read_event() {
                Ok(e) => e,
                Err(e) => {
                    let pos = self.reader.error_position();
                    return Err(self.error_at(pos, format!("malformed XML: {e}")));
                }
            };
            return Ok(match event {
                Event::Start(e) => {
                    let name = local(&e);
                    let attrs = self.attributes(&e)?;
                    self.open.push(name.clone());
                    Node::Open { name, attrs }
                }
                Event::End(e) => {
                    self.open.pop();
                    Node::Close(String::from_utf8_lossy(e.local_name().as_ref()).into_owned())
                }
                Event::Text(t) => match t.unescape() {
                    Ok(s) => Node::Text(s.into_owned()),
                    Err(e) => return Err(self.error(format!("malformed XML: {e}"))),
                },
                Event::CData(c) => Node::Text(String::from_utf8_lossy(&c).into_owned()),
                Event::Eof => match self.open.last() {
                    Some(name) => {
                        return Err(
                            self.error(format!("unexpected end of file: <{name}> is not closed"))
                        )
                    }
                    None => Node::End,
                },
                // Declarations, comments, processing instructions, DOCTYPE: nothing to keep.
                _ => continue,
            });
        }
    }

    fn attributes(&self, e: &BytesStart<'_>) -> Result<Vec<(String, String)>> {
        let mut attrs = Vec::new();
        for a in e.attributes() {
            let a = a.map_err(|err| self.error(format!("malformed attribute: {err}")))?;
            let value = a
                .unescape_value()
                .map_err(|err| self.error(format!("malformed attribute: {err}")))?;
            let key = String::from_utf8_lossy(a.key.as_ref()).into_owned();
            attrs.push((key, value.into_owned()));
        }
        Ok(attrs)
    }

    /// The text of the element just opened, up to its end: inline markup is read through,
    /// except the content of elements in `skip` (TMX `bpt`, `ph`...: native codes, not text).
    pub fn text_of(&mut self, skip: &[&str]) -> Result<String> {
        let depth = self.depth();
        let mut text = String::new();
        let mut skipping: Option<usize> = None;
        loop {
            match self.next_node()? {
                Node::Open { name, .. } => {
                    if skipping.is_none() && skip.contains(&name.as_str()) {
                        skipping = Some(self.depth());
                    }
                }
                Node::Close(_) => {
                    if skipping.is_some_and(|d| self.depth() < d) {
                        skipping = None;
                    }
                    if self.depth() < depth {
                        return Ok(text);
                    }
                }
                Node::Text(t) if skipping.is_none() => text.push_str(&t),
                Node::Text(_) => {}
                Node::End => return Err(self.error("unexpected end of file")),
            }
        }
    }

    /// Reads through the element just opened, ignoring it.
    pub fn skip(&mut self) -> Result<()> {
        self.text_of(&[]).map(drop)
    }
}

/// An element's name without namespace prefix.
fn local(e: &BytesStart<'_>) -> String {
    String::from_utf8_lossy(e.local_name().as_ref()).into_owned()
}

/// The value of attribute `key` (exact, prefix included).
pub fn attr<'v>(attrs: &'v [(String, String)], key: &str) -> Option<&'v str> {
    attrs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_follows_bom_and_declaration() {
        let latin1 = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>caf\xe9</a>";
        assert!(decode(latin1).unwrap().contains("café"));
        let mut utf16 = vec![0xFF, 0xFE];
        for u in "<a>é</a>".encode_utf16() {
            utf16.extend(u.to_le_bytes());
        }
        assert_eq!(decode(&utf16).unwrap(), "<a>é</a>");
        let e = decode(b"<?xml version=\"1.0\"?>\n<a>caf\xe9</a>").unwrap_err();
        assert_eq!(e.line(), Some(2));
    }

    #[test]
    fn text_of_skips_native_codes_and_reports_truncation() {
        let mut w = Walker::new("<seg>a <bpt i=\"1\">&lt;b&gt;</bpt>b<hi>c</hi></seg>");
        assert!(matches!(w.next_node().unwrap(), Node::Open { .. }));
        assert_eq!(w.text_of(&["bpt"]).unwrap(), "a bc");
        let mut w = Walker::new("<tmx>\n<body>");
        let e = loop {
            match w.next_node() {
                Err(e) => break e,
                Ok(Node::End) => panic!("no error"),
                Ok(_) => {}
            }
        };
        assert_eq!(e.line(), Some(2));
    }
}
