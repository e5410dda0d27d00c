//! HTML and XHTML: the visible text of the page, parsed by html5ever (through scraper) as a
//! browser would, so malformed pages, entities and comments behave as they do on screen.
//! Not text: `script`, `style`, `template`, forms, embedded media, elements hidden by
//! `hidden`, `aria-hidden` or an inline `display:none`, and the page's chrome — `nav`,
//! `aside`, and `header`/`footer` outside an `article` or `main` (an article's own header
//! holds its title and byline, which are kept). Block elements are paragraphs, `h1`–`h6`
//! headings, `li` list items, `td`/`th` table cells; `<br>` is a line break inside one.
//! The page's language is `<html lang>` (or `xml:lang`).

use ego_tree::NodeRef;
use scraper::{Html, Node};

use super::{BlockWriter, Content, Format};
use crate::document::Structure;
use crate::error::{ErrorKind, Result};

/// Reads an HTML page's visible text.
pub fn read(text: &str) -> Result<Content> {
    let page = Html::parse_document(text);
    let root = page.root_element();
    let mut out = BlockWriter::default();
    walk(*root, &mut out);
    let mut content = Content::new(Format::Html, out.finish()).map_err(|_| {
        crate::Error::from(ErrorKind::Document {
            format: "HTML",
            part: None,
            position: None,
            message: "no visible text (only markup, scripts or navigation)".into(),
        })
    })?;
    content.lang = root
        .value()
        .attr("lang")
        .or_else(|| root.value().attr("xml:lang"))
        .map(str::to_string)
        .filter(|l| !l.trim().is_empty());
    Ok(content)
}

/// A step of the depth-first walk: entering a node (and whether it is inside an article),
/// or leaving a block element.
enum Step<'a> {
    Enter(NodeRef<'a, Node>, bool),
    Close,
}

/// Walks the tree without recursion (pages nest thousands deep).
fn walk(root: NodeRef<'_, Node>, out: &mut BlockWriter) {
    let mut stack = vec![Step::Enter(root, false)];
    while let Some(step) = stack.pop() {
        let (node, in_article) = match step {
            Step::Close => {
                out.close();
                continue;
            }
            Step::Enter(node, in_article) => (node, in_article),
        };
        let element = match node.value() {
            Node::Text(t) => {
                out.text(t);
                continue;
            }
            Node::Element(e) => e,
            _ => continue,
        };
        let name = element.name();
        if is_hidden(name, element, in_article) {
            continue;
        }
        if name == "br" {
            out.line_break();
            continue;
        }
        let in_article = in_article || matches!(name, "article" | "main");
        if let Some(kind) = block_kind(name) {
            out.open(kind);
            stack.push(Step::Close);
        }
        let children: Vec<_> = node.children().collect();
        stack.extend(
            children
                .into_iter()
                .rev()
                .map(|c| Step::Enter(c, in_article)),
        );
    }
}

/// Elements that are not visible text, or page chrome.
fn is_hidden(name: &str, e: &scraper::node::Element, in_article: bool) -> bool {
    let chrome = match name {
        "script" | "style" | "noscript" | "template" | "head" | "nav" | "aside" | "form"
        | "button" | "select" | "textarea" | "svg" | "math" | "iframe" | "object" | "embed"
        | "video" | "audio" | "canvas" | "map" => true,
        "header" | "footer" => !in_article,
        _ => false,
    };
    let role = e.attr("role").unwrap_or("");
    let style = e
        .attr("style")
        .unwrap_or("")
        .replace(' ', "")
        .to_ascii_lowercase();
    chrome
        || e.attr("hidden").is_some()
        || e.attr("aria-hidden") == Some("true")
        || matches!(role, "navigation" | "banner" | "contentinfo" | "search")
        || style.contains("display:none")
        || style.contains("visibility:hidden")
}

/// The kind of block an element opens, `None` for inline elements.
fn block_kind(name: &str) -> Option<Structure> {
    Some(match name {
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => Structure::Heading,
        "li" | "dt" | "dd" => Structure::ListItem,
        "td" | "th" => Structure::TableCell,
        "p" | "div" | "blockquote" | "pre" | "figcaption" | "caption" | "section" | "article"
        | "main" | "address" | "table" | "tr" | "ul" | "ol" | "dl" | "figure" | "hr" | "body"
        | "header" | "footer" | "details" | "summary" | "fieldset" | "legend" | "center"
        | "title" => Structure::Paragraph,
        _ => return None,
    })
}
