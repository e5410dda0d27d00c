//! Markdown (CommonMark with tables and footnotes, by pulldown-cmark): headings, paragraphs,
//! list items and table cells as blocks, footnotes after the body; emphasis and links keep
//! their text, raw HTML and image descriptions are not text.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use super::{BlockWriter, Content, Format};
use crate::document::Structure;
use crate::error::Result;

/// Reads Markdown text.
pub fn read(text: &str) -> Result<Content> {
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH;
    let (mut body, mut notes) = (BlockWriter::default(), BlockWriter::default());
    let (mut in_note, mut in_image) = (false, 0usize);
    for event in Parser::new_ext(text, options) {
        let out = if in_note { &mut notes } else { &mut body };
        match event {
            Event::Start(Tag::FootnoteDefinition(_)) => in_note = true,
            Event::End(TagEnd::FootnoteDefinition) => {
                out.close_all();
                in_note = false;
            }
            Event::Start(Tag::Image { .. }) => in_image += 1,
            Event::End(TagEnd::Image) => in_image = in_image.saturating_sub(1),
            Event::Start(tag) => {
                if let Some(kind) = block_kind(&tag) {
                    out.open(kind);
                }
            }
            Event::End(tag) if is_block_end(tag) => out.close(),
            Event::Text(t) | Event::Code(t) if in_image == 0 => out.text(&t),
            Event::SoftBreak => out.text(" "),
            Event::HardBreak => out.line_break(),
            _ => {}
        }
    }
    body.append(notes);
    Content::new(Format::Markdown, body.finish())
}

fn block_kind(tag: &Tag<'_>) -> Option<Structure> {
    Some(match tag {
        Tag::Heading { .. } => Structure::Heading,
        Tag::Item => Structure::ListItem,
        Tag::TableCell => Structure::TableCell,
        Tag::Paragraph
        | Tag::BlockQuote(_)
        | Tag::CodeBlock(_)
        | Tag::Table(_)
        | Tag::TableRow
        | Tag::TableHead
        | Tag::List(_) => Structure::Paragraph,
        _ => return None,
    })
}

fn is_block_end(tag: TagEnd) -> bool {
    matches!(
        tag,
        TagEnd::Heading(_)
            | TagEnd::Item
            | TagEnd::TableCell
            | TagEnd::Paragraph
            | TagEnd::BlockQuote(_)
            | TagEnd::CodeBlock
            | TagEnd::Table
            | TagEnd::TableRow
            | TagEnd::TableHead
            | TagEnd::List(_)
    )
}
