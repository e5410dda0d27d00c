//! Export formats and atomic output, on a hand-built English–Arabic pair with the characters
//! that break naive writers (`&`, `<`, U+0001, tabs, newlines, quotes, commas); then the TMX
//! options of the command line (dates, tags, note, filters) on the seed article.

mod common;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use bitalign::align::{AlignedPair, Bead};
use bitalign::document::{Document, Sentence};
use bitalign::eval;
use bitalign::export::{self, ExportOptions, Format};
use bitalign::output::AtomicFile;
use bitalign::ErrorKind;
use common::{parse_tmx, xmllint_validate};

const DATE: &str = "20250101T120000Z";

fn sentence(text: &str) -> Sentence {
    // Built directly: Sentence::new would collapse the tabs and newlines under test.
    Sentence {
        text: text.to_string(),
        key: text.to_lowercase(),
        paragraph: 0,
        structure: Default::default(),
    }
}

fn doc(lang: &str, texts: &[&str]) -> Document {
    Document {
        lang: lang.to_string(),
        sentences: texts.iter().map(|t| sentence(t)).collect(),
    }
}

fn bead(src: std::ops::Range<usize>, tgt: std::ops::Range<usize>, score: f64) -> Bead {
    Bead { src, tgt, score }
}

/// 4 beads: 1-1 with `&` and `<`, 2-1 with quotes/comma/tab/newline, 0-1, 1-1 with U+0001.
fn pair(id: &str) -> AlignedPair {
    AlignedPair {
        id: id.to_string(),
        src: doc(
            "en",
            &[
                "Tom & Jerry say <hi>.",
                "First part, with \"quotes\",",
                "second part\twith a tab\nand a newline.",
                "Bell\u{1} rings.",
            ],
        ),
        tgt: doc(
            "ar",
            &[
                "توم وجيري يقولون <مرحبا> & وداعا.",
                "الجزء الأول، \"والثاني\".",
                "جملة عربية فقط.",
                "الجرس\u{1} يرن.",
            ],
        ),
        beads: vec![
            bead(0..1, 0..1, 0.973),
            bead(1..3, 1..2, 0.8),
            bead(3..3, 2..3, 0.5),
            bead(3..4, 3..4, 0.9),
        ],
    }
}

fn opts() -> ExportOptions {
    ExportOptions {
        creation_date: Some(DATE.to_string()),
        ..Default::default()
    }
}

fn write(
    format: Format,
    pairs: &[&AlignedPair],
    opts: &ExportOptions,
) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("out.{}", format.name()));
    export::write_file(format, &path, pairs.iter().copied(), opts).unwrap();
    (dir, path)
}

fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn tmx_has_required_header_attributes_and_escaped_clean_segments() {
    let p = pair("doc1");
    let (_dir, path) = write(Format::Tmx, &[&p], &opts());
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.starts_with(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE tmx SYSTEM \"tmx14.dtd\">"
    ));
    assert!(!text.contains('\u{1}'));
    let tmx = parse_tmx(&text);
    assert_eq!(tmx.tmx_attrs["version"], "1.4");
    let h = &tmx.header;
    assert_eq!(h["creationtool"], "bitalign");
    assert_eq!(h["creationtoolversion"], env!("CARGO_PKG_VERSION"));
    assert_eq!(h["segtype"], "sentence");
    assert_eq!(h["o-tmf"], "bitalign");
    assert_eq!(h["adminlang"], "en");
    assert_eq!(h["srclang"], "en");
    assert_eq!(h["datatype"], "plaintext");
    assert_eq!(h["creationdate"], DATE);

    let first = &tmx.tus[0];
    assert_eq!(first.attrs["tuid"], "doc1-1");
    assert_eq!(first.attrs["creationdate"], DATE);
    assert_eq!(first.prop("x-score"), Some("0.973"));
    assert_eq!(first.prop("x-document"), Some("doc1"));
    assert_eq!(first.prop("x-src-sentences"), Some("1"));
    assert_eq!(
        first.tuvs,
        vec![
            ("en".to_string(), "Tom & Jerry say <hi>.".to_string()),
            (
                "ar".to_string(),
                "توم وجيري يقولون <مرحبا> & وداعا.".to_string()
            )
        ]
    );
    let two_one = &tmx.tus[1];
    assert_eq!(two_one.prop("x-src-sentences"), Some("2-3"));
    assert_eq!(two_one.prop("x-tgt-sentences"), Some("2"));
    assert_eq!(two_one.prop("x-bead"), Some("2-1"));
    // The control character is gone, the rest of the text kept.
    let last = tmx.tus.last().unwrap();
    assert_eq!(last.tuvs[0].1, "Bell rings.");
    assert_eq!(last.tuvs[1].1, "الجرس يرن.");
    for tu in &tmx.tus {
        let first_tuv = tu.children.iter().position(|c| c == "tuv").unwrap();
        assert!(
            tu.children[first_tuv..].iter().all(|c| c == "tuv"),
            "{:?}",
            tu.children
        );
    }
}

#[test]
fn tmx_leaves_one_sided_beads_out_by_default_and_includes_them_on_request() {
    let p = pair("doc1");
    let (_d, path) = write(Format::Tmx, &[&p], &opts());
    let tmx = parse_tmx(&fs::read_to_string(&path).unwrap());
    let ids: Vec<&str> = tmx.tus.iter().map(|t| t.attrs["tuid"].as_str()).collect();
    assert_eq!(ids, ["doc1-1", "doc1-2", "doc1-4"]);

    let with = ExportOptions {
        one_sided: Some(true),
        ..opts()
    };
    let (_d, path) = write(Format::Tmx, &[&p], &with);
    let tmx = parse_tmx(&fs::read_to_string(&path).unwrap());
    assert_eq!(tmx.tus.len(), 4);
    let one_sided = &tmx.tus[2];
    assert_eq!(one_sided.attrs["tuid"], "doc1-3");
    assert_eq!(one_sided.prop("x-src-sentences"), Some(""));
    assert_eq!(one_sided.prop("x-tgt-sentences"), Some("3"));
    assert_eq!(
        one_sided.tuvs,
        vec![("ar".to_string(), "جملة عربية فقط.".to_string())]
    );
}

#[test]
fn tmx_uses_tag_overrides_hyphenated_and_puts_the_note_on_every_tu() {
    let p = pair("doc1");
    let o = ExportOptions {
        src_tag: Some("en_US".into()),
        tgt_tag: Some("ar_eg".into()),
        note: Some("checked & \"approved\" <v2>".into()),
        ..opts()
    };
    let (_d, path) = write(Format::Tmx, &[&p], &o);
    let tmx = parse_tmx(&fs::read_to_string(&path).unwrap());
    assert_eq!(tmx.header["srclang"], "en-US");
    for tu in &tmx.tus {
        assert_eq!(tu.tuvs[0].0, "en-US");
        assert_eq!(tu.tuvs[1].0, "ar-EG");
        assert_eq!(tu.notes, vec!["checked & \"approved\" <v2>".to_string()]);
    }
}

#[test]
fn tmx_tuids_stay_unique_when_merged_pairs_share_an_id() {
    let (a, b) = (pair("same"), pair("same"));
    let (_d, path) = write(Format::Tmx, &[&a, &b], &opts());
    let tmx = parse_tmx(&fs::read_to_string(&path).unwrap());
    assert_eq!(tmx.tus.len(), 6);
    let mut ids: Vec<&str> = tmx.tus.iter().map(|t| t.attrs["tuid"].as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 6);
    assert!(tmx.tus.iter().all(|t| t.prop("x-document") == Some("same")));
}

#[test]
fn tmx_validates_against_tmx14_dtd_with_xmllint() {
    let (a, b) = (pair("doc1"), pair(""));
    for one_sided in [None, Some(true)] {
        let o = ExportOptions {
            one_sided,
            note: Some("a & b".into()),
            ..opts()
        };
        let (_d, path) = write(Format::Tmx, &[&a, &b], &o);
        let Some((ok, stderr)) = xmllint_validate(&path) else {
            return;
        };
        assert!(ok, "xmllint: {stderr}");
    }
    // An empty TM is valid too.
    let (_d, path) = write(Format::Tmx, &[], &opts());
    if let Some((ok, stderr)) = xmllint_validate(&path) {
        assert!(ok, "xmllint: {stderr}");
    }
}

#[test]
fn csv_round_trips_through_the_csv_reader_with_language_header() {
    let p = pair("doc1");
    let (_d, path) = write(Format::Csv, &[&p], &opts());
    let bytes = fs::read(&path).unwrap();
    assert!(!bytes.starts_with(b"\xEF\xBB\xBF"));
    let mut r = csv::Reader::from_reader(&bytes[..]);
    assert_eq!(r.headers().unwrap(), vec!["en", "ar"]);
    let rows: Vec<Vec<String>> = r
        .records()
        .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
        .collect();
    let expected: Vec<Vec<String>> = [0usize, 1, 3]
        .iter()
        .map(|&i| {
            let b = &p.beads[i];
            vec![p.src_text(b), p.tgt_text(b)]
        })
        .collect();
    assert_eq!(rows, expected);
    assert!(rows[1][0].contains(",") && rows[1][0].contains('"') && rows[1][0].contains('\n'));
}

#[test]
fn csv_starts_with_a_bom_when_asked_and_keeps_one_sided_rows_on_request() {
    let p = pair("doc1");
    let o = ExportOptions {
        bom: true,
        one_sided: Some(true),
        src_tag: Some("en-gb".into()),
        ..opts()
    };
    let (_d, path) = write(Format::Csv, &[&p], &o);
    let bytes = fs::read(&path).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBFen-GB,ar\r\n"));
    let mut r = csv::Reader::from_reader(&bytes[..]);
    assert_eq!(r.headers().unwrap(), vec!["en-GB", "ar"]);
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 4);
    assert_eq!(&rows[2][0], "");
}

#[test]
fn tsv_has_exactly_one_tab_per_line_even_when_text_holds_tabs_and_newlines() {
    let p = pair("doc1");
    for one_sided in [None, Some(true)] {
        let o = ExportOptions {
            one_sided,
            ..opts()
        };
        let (_d, path) = write(Format::Tsv, &[&p], &o);
        let text = fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), if one_sided.is_some() { 4 } else { 3 });
        for line in &lines {
            assert_eq!(line.matches('\t').count(), 1, "{line:?}");
            assert!(!line.contains('\r'));
        }
        assert_eq!(
            lines[1],
            "First part, with \"quotes\", second part with a tab and a newline.\tالجزء الأول، \"والثاني\"."
        );
    }
}

#[test]
fn jsonl_lines_parse_and_indices_cover_every_sentence_in_order() {
    let p = pair("doc1");
    let (_d, path) = write(Format::Jsonl, &[&p], &opts());
    let text = fs::read_to_string(&path).unwrap();
    let values: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(values.len(), 4);
    let idx = |v: &serde_json::Value, k: &str| -> Vec<u64> {
        v[k].as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_u64().unwrap())
            .collect()
    };
    let src: Vec<u64> = values.iter().flat_map(|v| idx(v, "src_idx")).collect();
    let tgt: Vec<u64> = values.iter().flat_map(|v| idx(v, "tgt_idx")).collect();
    assert_eq!(src, (0..p.src.len() as u64).collect::<Vec<_>>());
    assert_eq!(tgt, (0..p.tgt.len() as u64).collect::<Vec<_>>());
    assert_eq!(values[2]["src"], "");
    assert_eq!(values[2]["tgt"], "جملة عربية فقط.");
    assert_eq!(values[0]["score"], 0.973);
    assert_eq!(values[0]["pair_id"], "doc1");
    // Keys in the documented order.
    let first = text.lines().next().unwrap();
    let pos = |k: &str| first.find(&format!("\"{k}\":")).unwrap();
    assert!(pos("src") < pos("tgt") && pos("tgt") < pos("src_idx"));
    assert!(pos("src_idx") < pos("tgt_idx") && pos("tgt_idx") < pos("score"));
}

#[test]
fn jsonl_leaves_out_pair_id_when_the_pair_has_none() {
    let p = pair("");
    let (_d, path) = write(Format::Jsonl, &[&p], &opts());
    let text = fs::read_to_string(&path).unwrap();
    assert!(!text.contains("pair_id"));
}

#[test]
fn vecalign_output_reparses_and_scores_perfectly_against_itself() {
    let p = pair("doc1");
    let (_d, path) = write(Format::Vecalign, &[&p], &opts());
    let text = fs::read_to_string(&path).unwrap();
    assert_eq!(text, "[0]:[0]\n[1, 2]:[1]\n[]:[2]\n[3]:[3]\n");
    let links = eval::read_alignments(&text).unwrap();
    let s = eval::score(&links, &links);
    assert_eq!((s.strict.f1, s.lax.f1), (1.0, 1.0));
}

#[test]
fn vecalign_numbers_merged_pairs_as_concatenated_documents() {
    let (a, b) = (pair("a"), pair("b"));
    let (_d, path) = write(Format::Vecalign, &[&a, &b], &opts());
    let links = eval::read_alignments(&fs::read_to_string(&path).unwrap()).unwrap();
    let src: Vec<usize> = links.iter().flat_map(|l| l.0.clone()).collect();
    assert_eq!(src, (0..8).collect::<Vec<_>>());
}

#[test]
fn moses_writes_two_files_with_equal_line_counts() {
    let p = pair("doc1");
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("corpus");
    export::write_file(Format::Moses, &base, [&p], &opts()).unwrap();
    assert_eq!(entries(dir.path()), vec!["corpus.ar", "corpus.en"]);
    let en = fs::read_to_string(dir.path().join("corpus.en")).unwrap();
    let ar = fs::read_to_string(dir.path().join("corpus.ar")).unwrap();
    assert_eq!(en.lines().count(), 3);
    assert_eq!(ar.lines().count(), 3);
    assert!(!en.contains('\t'));
    assert_eq!(
        en.lines().nth(1),
        Some("First part, with \"quotes\", second part with a tab and a newline.")
    );
    assert_eq!(ar.lines().nth(2), Some("الجرس\u{1} يرن."));
}

#[test]
fn moses_needs_two_different_tags_and_cannot_go_to_one_stream() {
    let p = pair("doc1");
    let dir = tempfile::tempdir().unwrap();
    let o = ExportOptions {
        tgt_tag: Some("en".into()),
        ..opts()
    };
    assert!(export::write_file(Format::Moses, &dir.path().join("c"), [&p], &o).is_err());
    assert!(entries(dir.path()).is_empty());
    assert!(export::sink(Format::Moses, Box::new(Vec::new()), &opts(), "en", "ar").is_err());
}

/// A writer whose bytes stay readable after the sink took ownership of it.
#[derive(Clone, Default)]
struct Shared(Arc<Mutex<Vec<u8>>>);

impl Write for Shared {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn sink_streams_many_pairs_into_one_merged_tm() {
    let buf = Shared::default();
    let mut sink = export::sink(Format::Tmx, Box::new(buf.clone()), &opts(), "en", "ar").unwrap();
    for id in ["a", "b", "c"] {
        sink.write_pair(&pair(id)).unwrap();
    }
    sink.finish().unwrap();
    let text = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
    let tmx = parse_tmx(&text);
    assert_eq!(tmx.tus.len(), 9);
    assert!(text.ends_with("</tmx>\n"));
}

#[test]
fn bead_out_of_range_is_an_error_naming_the_pair_and_leaves_no_file() {
    let mut p = pair("broken");
    p.beads.push(bead(3..9, 4..4, 0.5));
    for format in [
        Format::Tmx,
        Format::Csv,
        Format::Tsv,
        Format::Jsonl,
        Format::Vecalign,
    ] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out");
        let e = export::write_file(format, &path, [&p], &opts()).unwrap_err();
        assert_eq!(e.pair(), Some("broken"), "{format}");
        assert_eq!(e.path(), Some(path.as_path()));
        assert!(
            entries(dir.path()).is_empty(),
            "{format}: {:?}",
            entries(dir.path())
        );
    }
}

#[test]
fn atomic_file_dropped_without_commit_leaves_no_file_and_no_temp_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tm.tmx");
    {
        let mut f = AtomicFile::create(&path).unwrap();
        f.write_all(b"half a TM").unwrap();
        assert!(!path.exists());
    }
    assert!(entries(dir.path()).is_empty());

    let mut f = AtomicFile::create(&path).unwrap();
    f.write_all(b"done").unwrap();
    f.commit().unwrap();
    assert_eq!(entries(dir.path()), vec!["tm.tmx"]);
    assert_eq!(fs::read_to_string(&path).unwrap(), "done");
}

#[test]
fn writing_into_a_missing_folder_is_an_error_naming_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no/such/folder/tm.tmx");
    let e = AtomicFile::create(&path).unwrap_err();
    assert_eq!(e.path(), Some(path.as_path()));
    assert!(matches!(e.kind(), ErrorKind::Io(_)));
    assert!(e.to_string().contains("tm.tmx"), "{e}");
    let p = pair("doc1");
    let e = export::write_file(Format::Csv, &path, [&p], &opts()).unwrap_err();
    assert_eq!(e.path(), Some(path.as_path()));
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn one_pair(src: &str, tgt: &str) -> AlignedPair {
        AlignedPair {
            id: "p".into(),
            src: doc("en", &[src]),
            tgt: doc("ar", &[tgt]),
            beads: vec![bead(0..1, 0..1, 0.5)],
        }
    }

    fn to_string(format: Format, p: &AlignedPair) -> String {
        let buf = Shared::default();
        let mut sink = export::sink(format, Box::new(buf.clone()), &opts(), "en", "ar").unwrap();
        sink.write_pair(p).unwrap();
        sink.finish().unwrap();
        let bytes = buf.0.lock().unwrap().clone();
        String::from_utf8(bytes).unwrap()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        #[test]
        fn any_text_gives_well_formed_tmx_holding_the_cleaned_text(
            src in "\\PC{1,20}|[\\x00-\\x20&<>\"'a\u{FFFE}\u{FFFF}\r\n\t]{1,20}",
            tgt in any::<String>(),
        ) {
            let p = one_pair(&src, &tgt);
            let tmx = parse_tmx(&to_string(Format::Tmx, &p));
            let clean = |s: &str| export::xml_safe(s.trim()).trim().to_string();
            let (cs, ct) = (clean(&src), clean(&tgt));
            if cs.is_empty() || ct.is_empty() {
                prop_assert!(tmx.tus.is_empty());
            } else {
                prop_assert_eq!(&tmx.tus[0].tuvs[0].1, &cs);
                prop_assert_eq!(&tmx.tus[0].tuvs[1].1, &ct);
            }
        }

        #[test]
        fn any_text_gives_one_tab_per_tsv_line_and_csv_round_trips(
            src in "[a-z,\"\t\n\r ]{1,12}", tgt in any::<String>(),
        ) {
            let p = one_pair(&src, &tgt);
            let tsv = to_string(Format::Tsv, &p);
            for line in tsv.lines() {
                prop_assert_eq!(line.matches('\t').count(), 1);
            }
            let csv_text = to_string(Format::Csv, &p);
            let mut r = csv::Reader::from_reader(csv_text.as_bytes());
            for rec in r.records() {
                let rec = rec.unwrap();
                prop_assert_eq!(&rec[0], src.trim());
                prop_assert_eq!(&rec[1], tgt.trim());
            }
        }
    }
}

/// Aligns the seed article with the real binary into a TMX; returns its text.
fn seed_tmx(dir: &Path, name: &str, extra: &[&str], env: &[(&str, &str)]) -> String {
    let out = dir.join(name);
    let args: Vec<&str> = ["-f", "tmx"].iter().chain(extra).copied().collect();
    common::align_seed(&out, &args, env);
    fs::read_to_string(out).unwrap()
}

#[test]
fn tmx_is_byte_for_byte_reproducible_with_a_fixed_date_or_source_date_epoch() {
    let dir = tempfile::tempdir().unwrap();
    let fixed = ["--creation-date", "2025-01-01T12:00:00Z"];
    let a = seed_tmx(dir.path(), "a.tmx", &fixed, &[]);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let b = seed_tmx(dir.path(), "b.tmx", &fixed, &[]);
    assert_eq!(a, b);
    let tmx = parse_tmx(&a);
    assert_eq!(tmx.header["creationdate"], DATE);
    assert!(tmx.tus.iter().all(|t| t.attrs["creationdate"] == DATE));
    let epoch = seed_tmx(
        dir.path(),
        "c.tmx",
        &[],
        &[("SOURCE_DATE_EPOCH", "1735732800")],
    );
    assert_eq!(epoch, a);
    // The option wins over the environment.
    let both = seed_tmx(
        dir.path(),
        "d.tmx",
        &["--creation-date", "20000101T000000Z"],
        &[("SOURCE_DATE_EPOCH", "1735732800")],
    );
    assert_eq!(parse_tmx(&both).header["creationdate"], "20000101T000000Z");
}

#[test]
fn malformed_creation_date_or_source_date_epoch_is_a_usage_error() {
    let (en, ar) = common::seed();
    for (args, env) in [
        (vec!["--creation-date", "1 Jan 2025"], None),
        (vec![], Some("tomorrow")),
    ] {
        let mut cmd = common::bin();
        cmd.arg("align")
            .arg(&en)
            .arg(&ar)
            .args(["-f", "tmx"])
            .args(&args);
        cmd.env_remove("SOURCE_DATE_EPOCH");
        if let Some(v) = env {
            cmd.env("SOURCE_DATE_EPOCH", v);
        }
        let o = cmd.output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?} {env:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains("date") || err.contains("SOURCE_DATE_EPOCH"),
            "{err}"
        );
    }
}

#[test]
fn cli_tag_note_and_one_sided_options_reach_the_tmx() {
    let dir = tempfile::tempdir().unwrap();
    let plain = parse_tmx(&seed_tmx(dir.path(), "p.tmx", &[], &[]));
    assert!(plain
        .tus
        .iter()
        .all(|t| t.tuvs.len() == 2 && t.notes.is_empty()));
    let extra = [
        "--src-tag",
        "en_us",
        "--tgt-tag",
        "ar-iq",
        "--note",
        "seed & co",
        "--one-sided",
    ];
    let tmx = parse_tmx(&seed_tmx(dir.path(), "t.tmx", &extra, &[]));
    assert_eq!(tmx.header["srclang"], "en-US");
    assert!(tmx.tus.len() > plain.tus.len());
    // The Arabic-only byline is kept as a unit with one tuv.
    assert!(tmx
        .tus
        .iter()
        .any(|t| t.tuvs.len() == 1 && t.tuvs[0].0 == "ar-IQ"));
    for tu in &tmx.tus {
        assert_eq!(tu.notes, ["seed & co"]);
        assert!(tu.tuvs.iter().all(|(l, _)| l == "en-US" || l == "ar-IQ"));
        // x-bead is the shape the sentence positions give.
        let len = |s: &str| match s.split_once('-') {
            Some((a, b)) => b.parse::<usize>().unwrap() - a.parse::<usize>().unwrap() + 1,
            None => usize::from(!s.is_empty()),
        };
        let src = len(tu.prop("x-src-sentences").unwrap());
        let tgt = len(tu.prop("x-tgt-sentences").unwrap());
        assert_eq!(tu.prop("x-bead"), Some(format!("{src}-{tgt}").as_str()));
    }
}

#[test]
fn cli_min_score_keeps_only_confident_units() {
    let dir = tempfile::tempdir().unwrap();
    let all = parse_tmx(&seed_tmx(dir.path(), "all.tmx", &[], &[]));
    let sure = parse_tmx(&seed_tmx(
        dir.path(),
        "sure.tmx",
        &["--min-score", "0.95"],
        &[],
    ));
    let score = |t: &common::Tu| t.prop("x-score").unwrap().parse::<f64>().unwrap();
    assert!(all.tus.iter().any(|t| score(t) < 0.95));
    assert!(!sure.tus.is_empty() && sure.tus.len() < all.tus.len());
    assert!(sure.tus.iter().all(|t| score(t) >= 0.95));
}

#[test]
fn cli_dedup_writes_a_repeated_sentence_pair_once() {
    let dir = tempfile::tempdir().unwrap();
    let (en, ar) = common::seed();
    // The seed twice over: every unit is repeated.
    let twice = |p: &Path, name: &str| {
        let text = fs::read_to_string(p).unwrap();
        let out = dir.path().join(name);
        fs::write(&out, format!("{text}\n\n{text}\n")).unwrap();
        out
    };
    let (en2, ar2) = (twice(&en, "en.txt"), twice(&ar, "ar.txt"));
    let run = |extra: &[&str]| {
        let out = dir.path().join("out.tmx");
        let o = common::bin()
            .arg("align")
            .arg(&en2)
            .arg(&ar2)
            .args(["--src-lang", "en", "--tgt-lang", "ar", "-o"])
            .arg(&out)
            .args(extra)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        parse_tmx(&fs::read_to_string(&out).unwrap())
    };
    let pairs = |t: &common::Tmx| -> Vec<Vec<(String, String)>> {
        t.tus.iter().map(|u| u.tuvs.clone()).collect()
    };
    let with_dups = pairs(&run(&[]));
    let deduped = pairs(&run(&["--dedup"]));
    let unique: std::collections::HashSet<_> = with_dups.iter().cloned().collect();
    assert!(
        unique.len() < with_dups.len(),
        "the doubled seed repeats units"
    );
    assert_eq!(deduped.len(), unique.len());
    assert_eq!(
        deduped
            .iter()
            .cloned()
            .collect::<std::collections::HashSet<_>>(),
        unique
    );
}
