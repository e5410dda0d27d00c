//! ODT (OpenDocument text): `content.xml` with `text:h` headings, `text:p` paragraphs, list
//! items and table cells; notes after the body. The tracked-changes region (it holds the
//! deleted text), annotations, hidden text and generated indexes (a table of contents
//! repeats the headings) are skipped. The language comes from `meta.xml` (`dc:language`).

use super::package::{self, attr, Xml};
use super::{BlockWriter, Content, Format};
use crate::document::Structure;
use crate::error::Result;

const FORMAT: &str = "ODT";

/// Reads an ODT package.
pub fn read(bytes: &[u8]) -> Result<Content> {
    let mut zip = package::open(bytes, FORMAT)?;
    let manifest = package::part(&mut zip, "META-INF/manifest.xml", FORMAT)?.unwrap_or_default();
    if manifest.contains("encryption-data") {
        return Err(package::error(
            FORMAT,
            None,
            "password-protected (encrypted): remove the password and save again",
        ));
    }
    let xml = package::part(&mut zip, "content.xml", FORMAT)?
        .ok_or_else(|| package::error(FORMAT, None, "no content.xml: not a text document"))?;
    let mut walker = Walker::default();
    package::walk(&xml, FORMAT, "content.xml", |ev| walker.event(ev))?;
    let mut body = walker.body;
    body.append(walker.notes);
    let mut content = Content::new(Format::Odt, body.finish())
        .map_err(|_| package::error(FORMAT, Some("content.xml"), "no text"))?;
    if let Some(meta) = package::part(&mut zip, "meta.xml", FORMAT)? {
        content.lang = language(&meta);
    }
    Ok(content)
}

/// `dc:language` of meta.xml.
fn language(meta: &str) -> Option<String> {
    let (mut inside, mut lang) = (false, None);
    package::walk(meta, FORMAT, "meta.xml", |ev| match ev {
        Xml::Start(e) => inside = e.local_name().as_ref() == b"language",
        Xml::Text(t) if inside && lang.is_none() => lang = Some(t.trim().to_string()),
        Xml::End(_) => inside = false,
        _ => {}
    })
    .ok()?;
    lang.filter(|l| !l.is_empty())
}

/// Elements whose content is not body text.
fn skipped(name: &[u8]) -> bool {
    matches!(
        name,
        b"tracked-changes"
            | b"annotation"
            | b"hidden-text"
            | b"hidden-paragraph"
            | b"note-citation"
            | b"table-of-content"
            | b"alphabetical-index"
            | b"illustration-index"
            | b"bibliography"
            | b"desc"
            | b"title"
    )
}

#[derive(Default)]
struct Walker {
    body: BlockWriter,
    notes: BlockWriter,
    skip: usize,
    /// Depth inside `text:note` (its paragraphs go to `notes`).
    note: usize,
    /// Depth inside `text:p`/`text:h`: text outside them is layout whitespace.
    para: usize,
}

impl Walker {
    fn out(&mut self) -> &mut BlockWriter {
        if self.note > 0 {
            &mut self.notes
        } else {
            &mut self.body
        }
    }

    fn event(&mut self, ev: Xml<'_, '_>) {
        if package::skipping(&mut self.skip, &ev) {
            return;
        }
        match ev {
            Xml::Start(e) => self.start(e),
            Xml::End(name) => self.end(name),
            Xml::Text(t) if self.para > 0 => self.out().text(t),
            Xml::Text(_) => {}
        }
    }

    fn start(&mut self, e: &quick_xml::events::BytesStart<'_>) {
        let name = e.local_name();
        let name = name.as_ref();
        if skipped(name) {
            self.skip = 1;
            return;
        }
        match name {
            b"h" => {
                self.para += 1;
                self.out().open(Structure::Heading)
            }
            b"p" => {
                self.para += 1;
                self.out().open(Structure::Paragraph)
            }
            b"list-item" | b"list-header" => self.out().open(Structure::ListItem),
            b"table-cell" => self.out().open(Structure::TableCell),
            b"note" => self.note += 1,
            b"s" => {
                let n = attr(e, b"c")
                    .and_then(|c| c.parse::<usize>().ok())
                    .unwrap_or(1);
                self.out().text(&" ".repeat(n.min(64)));
            }
            b"tab" => self.out().text(" "),
            b"line-break" => self.out().line_break(),
            _ => {}
        }
    }

    fn end(&mut self, name: &[u8]) {
        match name {
            b"h" | b"p" => {
                self.para = self.para.saturating_sub(1);
                self.out().close()
            }
            b"list-item" | b"list-header" | b"table-cell" => self.out().close(),
            b"note" => self.note = self.note.saturating_sub(1),
            _ => {}
        }
    }
}
