//! TMX 1.1–1.4 reader: `tu` → row, `tuv` language from `xml:lang` (or TMX 1.1's `lang`),
//! `seg` text without the native codes of `bpt`/`ept`/`ph`/`it`/`ut`; props `x-score` and
//! `x-document` as bitalign writes them.

use super::xml::{attr, Node, Walker};
use super::{Row, Table};
use crate::error::Result;

/// Inline elements whose content is native markup, not text.
const CODES: [&str; 5] = ["bpt", "ept", "ph", "it", "ut"];

pub(super) fn read(text: &str) -> Result<Table> {
    let mut w = Walker::new(text);
    let mut table = Table::default();
    w.root("tmx", "a TMX")?;
    let mut row: Option<Row> = None;
    let mut lang: Option<String> = None;
    loop {
        match w.next_node()? {
            Node::Open { name, attrs } => match name.as_str() {
                "header" => {
                    table.src_hint = attr(&attrs, "srclang")
                        .filter(|l| !l.trim().is_empty() && !l.eq_ignore_ascii_case("*all*"))
                        .map(str::to_string);
                }
                "tu" => row = Some(Row::default()),
                "prop" if row.is_some() => {
                    let kind = attr(&attrs, "type").unwrap_or("").to_string();
                    let value = w.text_of(&[])?;
                    if let Some(r) = row.as_mut() {
                        match kind.as_str() {
                            "x-score" => r.score = value.trim().parse().ok(),
                            "x-document" => r.doc = value.trim().to_string(),
                            _ => {}
                        }
                    }
                }
                "tuv" => {
                    let l = attr(&attrs, "xml:lang").or_else(|| attr(&attrs, "lang"));
                    match l.filter(|l| !l.trim().is_empty()) {
                        Some(l) => lang = Some(l.to_string()),
                        None => return Err(w.error("<tuv> without xml:lang")),
                    }
                }
                "seg" => {
                    let text = w.text_of(&CODES)?;
                    let (Some(r), Some(l)) = (row.as_mut(), lang.as_deref()) else {
                        return Err(w.error("<seg> outside <tu>/<tuv>"));
                    };
                    let index = table.lang_index(l);
                    // The first tuv of a language wins; TMX allows variants.
                    if !r.texts.iter().any(|(i, _)| *i == index) {
                        r.texts.push((index, text.trim().to_string()));
                    }
                }
                // Notes and any other content carry nothing to import.
                "note" | "ude" => w.skip()?,
                _ => {}
            },
            Node::Close(name) => match name.as_str() {
                "tu" => {
                    if let Some(r) = row.take() {
                        table.rows.push(r);
                    }
                }
                "tuv" => lang = None,
                _ => {}
            },
            Node::Text(_) => {}
            Node::End => break,
        }
    }
    Ok(table)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_props_legacy_lang_and_inline_codes() {
        let t = read(
            "<tmx version=\"1.4\"><header srclang=\"*all*\"/><body>\
             <tu><prop type=\"x-score\">0.25</prop><prop type=\"x-document\">d</prop>\
             <tuv lang=\"EN_us\"><seg>A <bpt i=\"1\">&lt;b&gt;</bpt>b<ept i=\"1\">&lt;/b&gt;</ept></seg></tuv>\
             <tuv xml:lang=\"fr\"><seg> B </seg></tuv></tu></body></tmx>",
        )
        .unwrap();
        assert_eq!(t.langs, ["en-US", "fr"]);
        assert_eq!(t.src_hint, None);
        assert_eq!(t.rows[0].score, Some(0.25));
        assert_eq!(t.rows[0].doc, "d");
        assert_eq!(
            t.rows[0].texts,
            [(0, "A b".to_string()), (1, "B".to_string())]
        );
    }

    #[test]
    fn other_root_is_refused() {
        assert!(read("<xliff/>").is_err());
    }
}
