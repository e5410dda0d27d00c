//! XLIFF reader, 1.2 (`file`/`trans-unit`) and 2.0 (`file`/`unit`/`segment`): source and
//! target text without the native codes of `bpt`/`ept`/`ph`/`it`; alternatives
//! (`alt-trans`) and `seg-source` are ignored. The score is read back from the note
//! bitalign writes (1.2 `<note from="bitalign">score 0.934</note>`, 2.0
//! `<note category="bitalign:score">`), the document id from `original`.

use super::xml::{attr, Node, Walker};
use super::{Row, Table};
use crate::error::Result;

/// Inline elements whose content is native markup, not text.
const CODES: [&str; 4] = ["bpt", "ept", "ph", "it"];

pub(super) fn read(text: &str) -> Result<Table> {
    let mut w = Walker::new(text);
    let mut table = Table::default();
    // 2.0 names the languages once on the root, 1.2 on every <file>.
    let root = w.root("xliff", "an XLIFF")?;
    let mut src = attr(&root, "srcLang").map(str::to_string);
    let mut tgt = attr(&root, "trgLang").map(str::to_string);
    table.src_hint = src.clone();
    let mut doc = String::new();
    let mut row: Option<Row> = None;
    loop {
        match w.next_node()? {
            Node::Open { name, attrs } => match name.as_str() {
                "file" => {
                    doc = attr(&attrs, "original").unwrap_or("").trim().to_string();
                    if let Some(s) = attr(&attrs, "source-language") {
                        src = Some(s.to_string());
                        table.src_hint.get_or_insert_with(|| s.to_string());
                    }
                    if let Some(t) = attr(&attrs, "target-language") {
                        tgt = Some(t.to_string());
                    }
                }
                "trans-unit" | "unit" => {
                    row = Some(Row {
                        doc: doc.clone(),
                        ..Row::default()
                    })
                }
                "source" | "target" if row.is_some() => {
                    let text = w.text_of(&CODES)?;
                    let lang = if name == "source" { &src } else { &tgt };
                    let index = table.lang_index(lang.as_deref().unwrap_or("und"));
                    if let Some(r) = row.as_mut() {
                        append(r, index, text.trim());
                    }
                }
                "note" if row.is_some() => {
                    let ours = attr(&attrs, "from") == Some("bitalign")
                        || attr(&attrs, "category") == Some("bitalign:score");
                    let text = w.text_of(&[])?;
                    if ours {
                        let value = text.trim().trim_start_matches("score").trim();
                        if let (Some(r), Ok(s)) = (row.as_mut(), value.parse::<f64>()) {
                            r.score = Some(s);
                        }
                    }
                }
                "alt-trans" | "seg-source" | "originalData" | "context-group" => w.skip()?,
                _ => {}
            },
            Node::Close(name) if name == "trans-unit" || name == "unit" => {
                if let Some(r) = row.take() {
                    table.rows.push(r);
                }
            }
            Node::Close(_) | Node::Text(_) => {}
            Node::End => break,
        }
    }
    Ok(table)
}

/// Adds text for a language; 2.0 units with several segments are joined with a space.
fn append(row: &mut Row, index: usize, text: &str) {
    match row.texts.iter_mut().find(|(i, _)| *i == index) {
        Some((_, t)) if !text.is_empty() => {
            if !t.is_empty() {
                t.push(' ');
            }
            t.push_str(text);
        }
        Some(_) => {}
        None => row.texts.push((index, text.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_xliff_1_2_with_score_note() {
        let t = read(
            "<xliff version=\"1.2\"><file original=\"d\" source-language=\"en\" \
             target-language=\"ar\" datatype=\"plaintext\"><body>\
             <trans-unit id=\"1\"><source>Hi <ph id=\"1\">{x}</ph>there</source>\
             <target state=\"translated\">مرحبا</target>\
             <note from=\"bitalign\">score 0.934</note>\
             <alt-trans><target>no</target></alt-trans></trans-unit></body></file></xliff>",
        )
        .unwrap();
        assert_eq!(t.langs, ["en", "ar"]);
        assert_eq!(t.rows.len(), 1);
        assert_eq!(t.rows[0].score, Some(0.934));
        assert_eq!(t.rows[0].doc, "d");
        assert_eq!(
            t.rows[0].texts,
            [(0, "Hi there".to_string()), (1, "مرحبا".to_string())]
        );
    }

    #[test]
    fn reads_xliff_2_0_segments() {
        let t = read(
            "<xliff version=\"2.0\" srcLang=\"en\" trgLang=\"fr\"><file id=\"f1\">\
             <unit id=\"1\"><notes><note category=\"bitalign:score\">0.5</note></notes>\
             <segment><source>A.</source><target>B.</target></segment>\
             <segment><source>C.</source><target>D.</target></segment></unit></file></xliff>",
        )
        .unwrap();
        assert_eq!(t.rows[0].score, Some(0.5));
        assert_eq!(t.rows[0].texts[1], (1, "B. D.".to_string()));
    }
}
