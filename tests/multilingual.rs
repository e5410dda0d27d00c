//! `batch DIR --pivot en --merge all.tmx`: one English document aligned against its French,
//! German and Spanish versions becomes one TMX whose units hold every language, joined
//! through the English sentences. The corpus is built here: a hand-made report in four
//! languages (German merges two English sentences, Spanish splits one) and the bundled
//! `fr-museum` pair, which has only English and French.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use common::{bin, parse_tmx, Tmx};

const EN: &str = "Annual Report of the Harbour Museum 2023

The Harbour Museum welcomed 48,000 visitors in 2023. This is 12 percent more than in 2022. The new wing, designed by Anna Berg, opened on 3 May.

The collection grew by 214 objects. Most of them are ship models and maps. A rare map from 1652 was donated by the Lind family.

In October, the museum hosted a conference on maritime trade. Researchers from 9 countries took part. The museum will close for repairs from 1 to 15 February 2024.
";

const FR: &str = "Rapport annuel du Musée du Port 2023

Le Musée du Port a accueilli 48 000 visiteurs en 2023. C'est 12 pour cent de plus qu'en 2022. La nouvelle aile, conçue par Anna Berg, a ouvert le 3 mai.

La collection s'est enrichie de 214 objets. La plupart sont des maquettes de navires et des cartes. Une carte rare de 1652 a été offerte par la famille Lind.

En octobre, le musée a accueilli une conférence sur le commerce maritime. Des chercheurs de 9 pays y ont participé. Le musée fermera pour travaux du 1er au 15 février 2024.
";

const DE: &str = "Jahresbericht des Hafenmuseums 2023

Das Hafenmuseum empfing 2023 insgesamt 48.000 Besucher, 12 Prozent mehr als 2022. Der neue Flügel, entworfen von Anna Berg, wurde im Mai eröffnet.

Die Sammlung wuchs um 214 Objekte. Die meisten davon sind Schiffsmodelle und Karten. Eine seltene Karte aus dem Jahr 1652 wurde von der Familie Lind geschenkt.

Im Oktober veranstaltete das Museum eine Konferenz über den Seehandel. Forscher aus 9 Ländern nahmen teil. Das Museum bleibt im Februar 2024 zwei Wochen lang wegen Reparaturen geschlossen.
";

const ES: &str = "Informe anual del Museo del Puerto 2023

El Museo del Puerto recibió 48.000 visitantes en 2023. Es un 12 por ciento más que en 2022. El nuevo pabellón, diseñado por Anna Berg, se inauguró el 3 de mayo.

La colección creció en 214 objetos. La mayoría son maquetas de barcos y mapas. La familia Lind donó un mapa raro. El mapa es de 1652.

En octubre, el museo organizó un congreso sobre comercio marítimo. Participaron investigadores de 9 países. El museo cerrará por reparaciones del 1 al 15 de febrero de 2024.
";

/// `dir/corpus` with en/, fr/, de/, es/ (`report.txt` in all four, `museum.txt` in en/ and
/// fr/ only).
fn corpus(dir: &Path) -> std::path::PathBuf {
    let root = dir.join("corpus");
    for (lang, text) in [("en", EN), ("fr", FR), ("de", DE), ("es", ES)] {
        fs::create_dir_all(root.join(lang)).expect("folder");
        fs::write(root.join(lang).join("report.txt"), text).expect("write");
    }
    let docs = common::root().join("corpora/docs");
    for lang in ["en", "fr"] {
        fs::copy(
            docs.join(lang).join("fr-museum.txt"),
            root.join(lang).join("museum.txt"),
        )
        .expect("copy the bundled pair");
    }
    root
}

/// Runs the pivot batch; returns the merged TMX's path.
fn pivot_batch(dir: &Path, extra: &[&str]) -> std::path::PathBuf {
    let corpus = corpus(dir);
    let merged = dir.join("all.tmx");
    let o = bin()
        .arg("batch")
        .arg(&corpus)
        .arg("-o")
        .arg(dir.join("out"))
        .args(["--pivot", "en", "--merge"])
        .arg(&merged)
        .args(["--creation-date", "20250101T120000Z"])
        .args(extra)
        .output()
        .expect("bitalign runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    merged
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// 1-based positions `3` or `3-4` as a range of 0-based indices.
fn positions(p: &str) -> std::ops::Range<usize> {
    let (a, b) = p.split_once('-').unwrap_or((p, p));
    let a: usize = a.parse().expect("position");
    let b: usize = b.parse().expect("position");
    a - 1..b
}

/// The units of each document (by `x-document`), in file order.
fn by_document(tmx: &Tmx) -> BTreeMap<String, Vec<&common::Tu>> {
    let mut docs: BTreeMap<String, Vec<&common::Tu>> = BTreeMap::new();
    for tu in &tmx.tus {
        let doc = tu.prop("x-document").expect("x-document").to_string();
        docs.entry(doc).or_default().push(tu);
    }
    docs
}

#[test]
fn every_english_sentence_is_in_exactly_one_unit_in_order() {
    let dir = tempfile::tempdir().expect("tmp");
    let merged = pivot_batch(dir.path(), &["--one-sided"]);
    let tmx = parse_tmx(&fs::read_to_string(&merged).expect("tmx"));
    assert_eq!(tmx.header["srclang"], "en");
    let docs = by_document(&tmx);
    assert_eq!(docs.keys().collect::<Vec<_>>(), ["museum", "report"]);
    let sources = [
        ("report", EN.to_string()),
        (
            "museum",
            fs::read_to_string(common::root().join("corpora/docs/en/fr-museum.txt")).expect("en"),
        ),
    ];
    for (doc, source) in sources {
        let tus = &docs[doc];
        let mut next = 0;
        let mut english = String::new();
        for tu in tus {
            assert_eq!(tu.tuvs[0].0, "en", "the pivot comes first in {tu:?}");
            let range = positions(tu.prop("x-src-sentences").expect("pivot positions"));
            assert_eq!(range.start, next, "{doc}: units cover the pivot in order");
            next = range.end;
            english.push_str(&tu.tuvs[0].1);
        }
        assert_eq!(
            squash(&english),
            squash(&source),
            "{doc}: the English text once"
        );
    }
}

#[test]
fn units_hold_every_language_joined_through_the_english_sentences() {
    let dir = tempfile::tempdir().expect("tmp");
    let merged = pivot_batch(dir.path(), &[]);
    let tmx = parse_tmx(&fs::read_to_string(&merged).expect("tmx"));
    let docs = by_document(&tmx);
    for tu in &tmx.tus {
        assert_eq!(tu.tuvs[0].0, "en", "{tu:?}");
        assert!(tu.tuvs.len() >= 2, "no unit without translation by default");
        // Per-tuv positions and, for translations, a score.
        for (i, props) in tu.tuv_props.iter().enumerate() {
            assert!(props.iter().any(|(t, _)| t == "x-sentences"));
            assert_eq!(props.iter().any(|(t, _)| t == "x-score"), i > 0);
        }
    }
    // The museum exists in English and French only.
    assert!(docs["museum"].iter().all(|tu| tu
        .tuvs
        .iter()
        .map(|t| t.0.as_str())
        .collect::<Vec<_>>()
        == ["en", "fr"]));
    // German's one sentence for two English ones puts the French and Spanish of both there.
    let report = &docs["report"];
    let joined = report
        .iter()
        .find(|tu| tu.prop("x-src-sentences") == Some("2-3"))
        .expect("a unit for English sentences 2-3");
    let langs: Vec<&str> = joined.tuvs.iter().map(|t| t.0.as_str()).collect();
    assert_eq!(langs, ["en", "de", "es", "fr"]);
    assert!(joined.seg("fr").expect("fr").contains("48 000"));
    assert!(joined.seg("fr").expect("fr").contains("2022"));
    // Spanish's two sentences for one English one stay in that unit.
    let split = report
        .iter()
        .find(|tu| tu.seg("en").is_some_and(|s| s.contains("1652")))
        .expect("the 1652 unit");
    let es = split.seg("es").expect("es");
    assert!(es.contains("Lind") && es.contains("1652"), "{es}");
    assert_eq!(report.len(), 9);
    assert!(report.iter().filter(|tu| tu.tuvs.len() == 4).count() >= 7);
}

#[test]
fn multilingual_tmx_validates_and_translate_toolkit_reads_every_unit() {
    let dir = tempfile::tempdir().expect("tmp");
    let merged = pivot_batch(dir.path(), &["--note", "pivot test"]);
    let ours = parse_tmx(&fs::read_to_string(&merged).expect("tmx"));
    if let Some((ok, stderr)) = common::xmllint_validate(&merged) {
        assert!(ok, "xmllint: {stderr}");
    }
    let Some(python) = common::translate_toolkit_python() else {
        return;
    };
    let theirs = common::read_with_translate_toolkit(&python, &merged);
    assert_eq!(theirs.len(), ours.tus.len());
    for (tu, unit) in ours.tus.iter().zip(&theirs) {
        assert_eq!(&tu.tuvs, unit);
    }
}

#[test]
fn pivot_other_than_the_source_language_or_a_non_tmx_merge_is_refused() {
    let dir = tempfile::tempdir().expect("tmp");
    let corpus = corpus(dir.path());
    for args in [
        &["--pivot", "en", "--src-lang", "fr", "--merge", "all.tmx"][..],
        &["--pivot", "en", "--merge", "all.csv"][..],
        &["--pivot", "en"][..],
    ] {
        let o = bin()
            .arg("batch")
            .arg(&corpus)
            .arg("-o")
            .arg(dir.path().join("out"))
            .args(args)
            .current_dir(dir.path())
            .output()
            .expect("runs");
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(!dir.path().join("all.tmx").exists());
        assert!(!dir.path().join("all.csv").exists());
    }
}
