//! The zip packages of word processors (DOCX, ODT): opening them, telling them apart, and the
//! errors of files that only look like them (corrupt zip, encrypted or legacy Office files).

use std::io::{Cursor, Read};

use zip::ZipArchive;

use super::Format;
use crate::error::{Error, ErrorKind, Result};

/// Largest part read from a package (bytes, uncompressed): a zip bomb stops here.
const MAX_PART: u64 = 512 << 20;

pub(crate) type Archive<'a> = ZipArchive<Cursor<&'a [u8]>>;

pub(crate) fn error(format: &'static str, part: Option<&str>, message: impl Into<String>) -> Error {
    ErrorKind::Document {
        format,
        part: part.map(str::to_string),
        position: None,
        message: message.into(),
    }
    .into()
}

/// Opens a zip archive; a corrupt one is a one-line error.
pub(crate) fn open<'a>(bytes: &'a [u8], format: &'static str) -> Result<Archive<'a>> {
    ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| error(format, None, format!("corrupt zip archive ({e})")))
}

/// Whether the archive holds a part of this name.
pub(crate) fn has(zip: &Archive<'_>, name: &str) -> bool {
    zip.index_for_name(name).is_some()
}

/// A part as UTF-8 text (`None` when absent).
pub(crate) fn part(
    zip: &mut Archive<'_>,
    name: &str,
    format: &'static str,
) -> Result<Option<String>> {
    let Some(index) = zip.index_for_name(name) else {
        return Ok(None);
    };
    let file = zip
        .by_index(index)
        .map_err(|e| error(format, Some(name), format!("unreadable ({e})")))?;
    if file.encrypted() {
        return Err(error(
            format,
            Some(name),
            "encrypted: remove the password and save again",
        ));
    }
    let mut bytes = Vec::new();
    file.take(MAX_PART)
        .read_to_end(&mut bytes)
        .map_err(|e| error(format, Some(name), format!("corrupt compressed data ({e})")))?;
    let text = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    String::from_utf8(text)
        .map(Some)
        .map_err(|e| error(format, Some(name), format!("not UTF-8 XML ({e})")))
}

/// DOCX or ODT, by the parts the archive holds.
/// `named` is the format the file's extension names, if any (for the error of a corrupt one).
pub(crate) fn kind(bytes: &[u8], named: Option<Format>) -> Result<Format> {
    let mut zip = open(bytes, named.map_or("zip", Format::name))?;
    if has(&zip, "word/document.xml") {
        return Ok(Format::Docx);
    }
    if has(&zip, "[Content_Types].xml") {
        return Err(error(
            "DOCX",
            None,
            "no word/document.xml: not a Word document (a spreadsheet or presentation?)",
        ));
    }
    let mimetype = part(&mut zip, "mimetype", "ODT")?.unwrap_or_default();
    if mimetype.trim() == "application/vnd.oasis.opendocument.text" || has(&zip, "content.xml") {
        return Ok(Format::Odt);
    }
    Err(error(
        "zip",
        None,
        "a zip archive that is neither DOCX nor ODT",
    ))
}

/// The error for an OLE compound file: an encrypted (password-protected) Office document,
/// whose package is inside as `EncryptedPackage`, or a legacy binary `.doc`.
pub(crate) fn ole_error(bytes: &[u8]) -> Error {
    let marker: Vec<u8> = "EncryptedPackage"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    if bytes.windows(marker.len()).any(|w| w == marker.as_slice()) {
        error(
            "DOCX",
            None,
            "password-protected (encrypted): remove the password in Word and save again",
        )
    } else {
        error(
            "Word 97-2003",
            None,
            "legacy binary .doc is not read: save it as .docx",
        )
    }
}

/// One event of a package's XML, names without their namespace prefix (`w:p` → `p`).
pub(crate) enum Xml<'e, 'x> {
    Start(&'e quick_xml::events::BytesStart<'x>),
    End(&'e [u8]),
    Text(&'e str),
}

/// Streams `xml` (a part of `format` named `name`) to `f`, empty elements as a start and an
/// end; a malformed part is an error naming the part and the byte.
pub(crate) fn walk(
    xml: &str,
    format: &'static str,
    name: &str,
    mut f: impl FnMut(Xml<'_, '_>),
) -> Result<()> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().expand_empty_elements = true;
    reader.config_mut().check_end_names = false;
    let bad = |reader: &quick_xml::Reader<&[u8]>, e: &dyn std::fmt::Display| -> Error {
        ErrorKind::Document {
            format,
            part: Some(name.to_string()),
            position: Some(reader.error_position()),
            message: format!("malformed XML ({e})"),
        }
        .into()
    };
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => f(Xml::Start(&e)),
            Ok(Event::End(e)) => f(Xml::End(e.local_name().as_ref())),
            Ok(Event::Text(t)) => {
                let text = t.unescape().map_err(|e| bad(&reader, &e))?;
                f(Xml::Text(&text));
            }
            Ok(Event::CData(t)) => f(Xml::Text(&String::from_utf8_lossy(&t))),
            Ok(Event::Eof) => return Ok(()),
            Ok(_) => {}
            Err(e) => return Err(bad(&reader, &e)),
        }
    }
}

/// Inside an element being skipped (`depth` > 0: a deleted run, a field, a table of
/// contents), follows its nesting and tells the caller to drop `ev`; returns false outside.
pub(crate) fn skipping(depth: &mut usize, ev: &Xml<'_, '_>) -> bool {
    if *depth == 0 {
        return false;
    }
    match ev {
        Xml::Start(_) => *depth += 1,
        Xml::End(_) => *depth -= 1,
        Xml::Text(_) => {}
    }
    true
}

/// The value of the attribute with local name `key` (any prefix).
pub(crate) fn attr(e: &quick_xml::events::BytesStart<'_>, key: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == key)
        .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()))
}
