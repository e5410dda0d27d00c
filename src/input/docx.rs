//! DOCX (Office Open XML): `word/document.xml` paragraph by paragraph, tables cell by cell,
//! then footnotes and endnotes. What Word shows is what is read: tracked deletions and moves
//! away are dropped (insertions kept), field instructions and hidden runs skipped, the
//! `mc:Fallback` copy of drawings skipped. Headings come from the paragraph style (its name,
//! `heading 1`…, `Title`, or an outline level, so localized style ids work too), list items
//! from numbering.

use std::collections::HashMap;

use super::package::{self, attr, Xml};
use super::{BlockWriter, Content, Format};
use crate::document::Structure;
use crate::error::Result;

const FORMAT: &str = "DOCX";

/// Reads a DOCX package.
pub fn read(bytes: &[u8]) -> Result<Content> {
    let mut zip = package::open(bytes, FORMAT)?;
    let body = package::part(&mut zip, "word/document.xml", FORMAT)?
        .ok_or_else(|| package::error(FORMAT, None, "no word/document.xml: not a Word document"))?;
    let styles = match package::part(&mut zip, "word/styles.xml", FORMAT)? {
        Some(xml) => Styles::parse(&xml)?,
        None => Styles::default(),
    };
    let mut body_reader = Walker::new(&styles);
    body_reader.read(&body, "word/document.xml")?;
    let mut notes = Walker::new(&styles);
    for name in ["word/footnotes.xml", "word/endnotes.xml"] {
        if let Some(xml) = package::part(&mut zip, name, FORMAT)? {
            notes.read(&xml, name)?;
        }
    }
    let tracked = body_reader.tracked;
    let mut out = body_reader.out;
    out.append(notes.out);
    let mut content = Content::new(Format::Docx, out.finish())
        .map_err(|_| package::error(FORMAT, Some("word/document.xml"), "no text"))?;
    content.lang = styles.lang.clone();
    if tracked > 0 {
        content.warnings.push(format!(
            "{tracked} tracked change(s): read as accepted (insertions kept, deletions dropped)"
        ));
    }
    Ok(content)
}

/// Paragraph styles: which are headings and which list items, and the default language.
#[derive(Debug, Default)]
struct Styles {
    kind: HashMap<String, Structure>,
    lang: Option<String>,
}

impl Styles {
    fn parse(xml: &str) -> Result<Self> {
        let mut styles = Styles::default();
        let mut based_on: HashMap<String, String> = HashMap::new();
        let (mut id, mut in_defaults) = (None::<String>, false);
        package::walk(xml, FORMAT, "word/styles.xml", |ev| match ev {
            Xml::Start(e) => match e.local_name().as_ref() {
                b"style" => id = attr(e, b"styleId"),
                b"docDefaults" => in_defaults = true,
                b"lang" if in_defaults && styles.lang.is_none() => styles.lang = attr(e, b"val"),
                b"name" => {
                    if let (Some(id), Some(name)) = (&id, attr(e, b"val")) {
                        if let Some(kind) = kind_of_name(&name) {
                            styles.kind.insert(id.clone(), kind);
                        }
                    }
                }
                b"outlineLvl" => {
                    let level = attr(e, b"val").and_then(|v| v.parse::<u8>().ok());
                    if let (Some(id), Some(0..=8)) = (&id, level) {
                        styles.kind.insert(id.clone(), Structure::Heading);
                    }
                }
                b"basedOn" => {
                    if let (Some(id), Some(base)) = (&id, attr(e, b"val")) {
                        based_on.insert(id.clone(), base);
                    }
                }
                _ => {}
            },
            Xml::End(b"docDefaults") => in_defaults = false,
            Xml::End(b"style") => id = None,
            _ => {}
        })?;
        // A style based on a heading style is a heading (a few levels deep at most).
        for _ in 0..4 {
            let inherited: Vec<(String, Structure)> = based_on
                .iter()
                .filter(|(id, _)| !styles.kind.contains_key(*id))
                .filter_map(|(id, base)| styles.kind.get(base).map(|k| (id.clone(), *k)))
                .collect();
            styles.kind.extend(inherited);
        }
        Ok(styles)
    }

    fn of(&self, id: &str) -> Option<Structure> {
        self.kind.get(id).copied().or_else(|| kind_of_name(id))
    }
}

/// Built-in style names are English whatever the interface language (`heading 1`, `Title`,
/// `List Paragraph`).
fn kind_of_name(name: &str) -> Option<Structure> {
    let name = name.to_ascii_lowercase();
    if name.starts_with("heading") || name == "title" || name == "subtitle" {
        Some(Structure::Heading)
    } else if name.starts_with("list") && !name.contains("table") {
        Some(Structure::ListItem)
    } else {
        None
    }
}

/// Elements whose whole content is not shown text.
fn skipped(name: &[u8]) -> bool {
    matches!(
        name,
        b"del" | b"moveFrom" | b"instrText" | b"delText" | b"Fallback" | b"commentReference"
    )
}

/// The reader's state while walking a part.
struct Walker<'s> {
    styles: &'s Styles,
    out: BlockWriter,
    /// Depth inside a skipped element (0: not skipping).
    skip: usize,
    /// Complex fields open: `true` while in the instruction part (before `separate`).
    fields: Vec<bool>,
    in_text: bool,
    hidden: bool,
    kind: Option<Structure>,
    cells: usize,
    tracked: usize,
}

impl<'s> Walker<'s> {
    fn new(styles: &'s Styles) -> Self {
        Walker {
            styles,
            out: BlockWriter::default(),
            skip: 0,
            fields: Vec::new(),
            in_text: false,
            hidden: false,
            kind: None,
            cells: 0,
            tracked: 0,
        }
    }

    fn read(&mut self, xml: &str, name: &str) -> Result<()> {
        package::walk(xml, FORMAT, name, |ev| self.event(ev))
    }

    fn event(&mut self, ev: Xml<'_, '_>) {
        if package::skipping(&mut self.skip, &ev) {
            return;
        }
        match ev {
            Xml::Start(e) => self.start(e),
            Xml::End(name) => self.end(name),
            Xml::Text(t) => {
                let in_instruction = self.fields.last().copied().unwrap_or(false);
                if self.in_text && !self.hidden && !in_instruction {
                    self.out.text(t);
                }
            }
        }
    }

    fn start(&mut self, e: &quick_xml::events::BytesStart<'_>) {
        let name = e.local_name();
        let name = name.as_ref();
        if skipped(name) || is_separator_note(name, e) {
            self.tracked += usize::from(matches!(name, b"del" | b"moveFrom"));
            self.skip = 1;
            return;
        }
        match name {
            b"p" => self.kind = None,
            b"pStyle" => {
                if let Some(kind) = attr(e, b"val").and_then(|v| self.styles.of(&v)) {
                    self.kind = Some(kind);
                }
            }
            b"outlineLvl" => self.kind = Some(Structure::Heading),
            b"numPr" if self.kind.is_none() => self.kind = Some(Structure::ListItem),
            b"tc" => self.cells += 1,
            b"r" => self.hidden = false,
            b"vanish" | b"webHidden" => {
                self.hidden = !matches!(attr(e, b"val").as_deref(), Some("0" | "false" | "off"))
            }
            b"t" => self.in_text = true,
            b"tab" if !self.hidden => self.out.text(" "),
            b"br" | b"cr" if !self.hidden => self.out.line_break(),
            b"noBreakHyphen" if !self.hidden => self.out.text("-"),
            b"ins" | b"moveTo" => self.tracked += 1,
            b"fldChar" => match attr(e, b"fldCharType").as_deref() {
                Some("begin") => self.fields.push(true),
                Some("separate") => {
                    if let Some(last) = self.fields.last_mut() {
                        *last = false;
                    }
                }
                Some("end") => {
                    self.fields.pop();
                }
                _ => {}
            },
            _ => {}
        }
    }

    fn end(&mut self, name: &[u8]) {
        match name {
            b"t" => self.in_text = false,
            b"tc" => self.cells = self.cells.saturating_sub(1),
            b"p" => {
                let kind = match self.kind.take() {
                    Some(Structure::Heading) => Structure::Heading,
                    _ if self.cells > 0 => Structure::TableCell,
                    Some(k) => k,
                    None => Structure::Paragraph,
                };
                self.out.end(kind);
            }
            _ => {}
        }
    }
}

/// The separator "notes" Word puts first in footnotes.xml (a rule line, no text).
fn is_separator_note(name: &[u8], e: &quick_xml::events::BytesStart<'_>) -> bool {
    matches!(name, b"footnote" | b"endnote")
        && attr(e, b"type").is_some_and(|t| {
            t.to_ascii_lowercase().contains("separator") || t == "continuationNotice"
        })
}
