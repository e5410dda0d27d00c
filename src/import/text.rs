//! Readers of the line formats: CSV (a header row of language tags is recognized), TSV
//! (`src<TAB>tgt`) and bitalign's JSON Lines. Languages not in the file come from
//! [`Langs`] (`--src-lang`/`--tgt-lang`), else `und`.

use serde_json::Value;

use super::{Langs, Row, Table};
use crate::error::{Error, Result};

/// A table of two languages named by the user (or `und`).
fn two_langs(langs: &Langs) -> Table {
    let mut t = Table::default();
    let src = t.lang_index(langs.src.as_deref().unwrap_or("und"));
    let tgt_name = langs.tgt.as_deref().unwrap_or("und");
    // Two unknown languages must stay two columns.
    if t.lang_index(tgt_name) == src {
        t.langs.push(format!("{tgt_name}-x-target"));
    }
    t
}

fn row(src: &str, tgt: &str, score: Option<f64>, doc: &str) -> Row {
    Row {
        texts: vec![(0, src.trim().to_string()), (1, tgt.trim().to_string())],
        score,
        doc: doc.to_string(),
    }
}

/// Whether a cell has the form of a language tag (`en`, `zh-Hans`, `pt-BR`, `und`).
fn is_tag_shaped(cell: &str) -> bool {
    let tag = super::bcp47(cell);
    let mut subtags = tag.split('-');
    let primary = subtags.next().unwrap_or("");
    (2..=3).contains(&primary.len())
        && primary.chars().all(|c| c.is_ascii_alphabetic())
        && subtags
            .all(|s| (1..=8).contains(&s.len()) && s.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// Whether a cell's primary subtag is a language the detector knows (so that a data row
/// such as `ok,oui` is not taken for a header).
fn is_known_lang(cell: &str) -> bool {
    let tag = super::bcp47(cell);
    let primary = tag.split('-').next().unwrap_or("");
    whatlang::Lang::all()
        .iter()
        .any(|&l| crate::lang::bcp47(l) == primary)
}

/// A first row is a header of language tags when every cell is shaped like one and at least
/// one names a known language (`en,ga` is a header though Irish is not detected).
fn is_lang_header(cells: &[&str]) -> bool {
    cells.len() >= 2
        && cells.iter().all(|c| is_tag_shaped(c))
        && cells.iter().any(|c| is_known_lang(c))
}

pub(super) fn read_csv(text: &str, langs: &Langs) -> Result<Table> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut table = Table::default();
    let mut header: Option<Vec<usize>> = None;
    for (n, record) in reader.records().enumerate() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(n as u64 + 1, |p| p.line());
            Error::parse(line, format!("malformed CSV: {e}"))
        })?;
        if n == 0 {
            let cells: Vec<&str> = record.iter().map(str::trim).collect();
            if is_lang_header(&cells) {
                header = Some(cells.iter().map(|c| table.lang_index(c)).collect());
                continue;
            }
            table = two_langs(langs);
            let is_label = |c: &str| {
                matches!(
                    c.to_ascii_lowercase().as_str(),
                    "source" | "target" | "src" | "tgt"
                )
            };
            if cells.iter().all(|c| is_label(c)) {
                continue;
            }
        }
        let texts = match &header {
            Some(cols) => record
                .iter()
                .zip(cols)
                .map(|(t, &l)| (l, t.trim().to_string()))
                .filter(|(_, t)| !t.is_empty())
                .collect(),
            None => {
                if record.len() > 2 {
                    let line = record.position().map_or(n as u64 + 1, |p| p.line());
                    return Err(Error::parse(
                        line,
                        format!(
                            "{} columns but no header row of language tags to name them",
                            record.len()
                        ),
                    ));
                }
                let r = row(
                    record.get(0).unwrap_or(""),
                    record.get(1).unwrap_or(""),
                    None,
                    "",
                );
                r.texts.into_iter().filter(|(_, t)| !t.is_empty()).collect()
            }
        };
        table.rows.push(Row {
            texts,
            ..Row::default()
        });
    }
    Ok(table)
}

/// Non-blank lines with their 1-based numbers.
fn numbered_lines(text: &str) -> impl Iterator<Item = (u64, &str)> {
    (1..)
        .zip(text.lines())
        .filter(|(_, line)| !line.trim().is_empty())
}

pub(super) fn read_tsv(text: &str, langs: &Langs) -> Result<Table> {
    let mut table = two_langs(langs);
    for (n, line) in numbered_lines(text) {
        let fields: Vec<&str> = line.split('\t').collect();
        if fields.len() != 2 {
            return Err(Error::parse(
                n,
                format!("expected 2 tab-separated fields, found {}", fields.len()),
            ));
        }
        table.rows.push(row(fields[0], fields[1], None, ""));
    }
    Ok(table)
}

/// bitalign's JSONL: `src`, `tgt` (strings), optional `score` and `pair_id`.
pub(super) fn read_jsonl(text: &str, langs: &Langs) -> Result<Table> {
    let mut table = two_langs(langs);
    for (n, line) in numbered_lines(text) {
        let bad = |m: String| Error::parse(n, m);
        let v: Value =
            serde_json::from_str(line).map_err(|e| bad(format!("malformed JSON: {e}")))?;
        let text_of = |key: &str| match v.get(key) {
            Some(Value::String(s)) => Ok(s.as_str()),
            Some(Value::Null) | None => Ok(""),
            Some(_) => Err(bad(format!("\"{key}\" is not a string"))),
        };
        let score = match v.get("score") {
            Some(Value::Number(x)) => x.as_f64(),
            Some(Value::Null) | None => None,
            Some(_) => return Err(bad("\"score\" is not a number".to_string())),
        };
        let doc = v.get("pair_id").and_then(Value::as_str).unwrap_or("");
        table
            .rows
            .push(row(text_of("src")?, text_of("tgt")?, score, doc));
    }
    Ok(table)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_header_of_language_tags_names_the_columns() {
        let t = read_csv("en-US,fr,de\r\na,b,c\r\n\"x,y\",,z\r\n", &Langs::default()).unwrap();
        assert_eq!(t.langs, ["en-US", "fr", "de"]);
        assert_eq!(t.rows.len(), 2);
        assert_eq!(
            t.rows[1].texts,
            [(0, "x,y".to_string()), (2, "z".to_string())]
        );
    }

    #[test]
    fn csv_data_row_is_not_taken_for_a_header() {
        let t = read_csv("ok,oui\n", &Langs::default()).unwrap();
        assert_eq!(t.rows.len(), 1);
        assert_eq!(t.langs, ["und", "und-x-target"]);
        let t = read_csv("en,ga\nyes,tá\n", &Langs::default()).unwrap();
        assert_eq!(t.langs, ["en", "ga"]);
    }

    #[test]
    fn jsonl_and_tsv_errors_name_the_line() {
        let e = read_jsonl("{\"src\":\"a\",\"tgt\":\"b\"}\n{bad\n", &Langs::default()).unwrap_err();
        assert_eq!(e.line(), Some(2));
        let e = read_tsv("a\tb\nc\n", &Langs::default()).unwrap_err();
        assert_eq!(e.line(), Some(2));
    }
}
