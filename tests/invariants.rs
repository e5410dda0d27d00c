//! "Nothing lost, nothing crashes" as properties of the whole pipeline: for arbitrary pairs
//! of texts (words of several scripts, sentence punctuation, digits, blank lines, control
//! characters, very long tokens) decoding, segmentation, alignment and TMX export never
//! panic; every sentence of both sides is in exactly one bead, in order; the output holds
//! every character of the input but whitespace and dropped control characters; the TMX
//! parses, holds no XML-1.0-illegal character and (with xmllint) validates against the DTD.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use bitalign::align::AlignedPair;
use bitalign::export::{self, ExportOptions, Format};
use bitalign::input::{self, DecodeOptions};
use bitalign::pipeline::{self, Options};
use bitalign::ErrorKind;
use proptest::prelude::*;
use quick_xml::events::Event;

/// Text pieces: words of four scripts, the sentence ends the segmenters know, digits,
/// line and paragraph breaks, control characters (C0, C1, DEL), characters XML forbids.
fn piece() -> impl Strategy<Value = String> {
    let fixed = prop::sample::select(vec![
        "word",
        "Dr.",
        "U.S.",
        "the",
        "Hello",
        "كتاب",
        "الوزير",
        "مدينة",
        "中文",
        "我们",
        "北京",
        "Москва",
        "слово",
        "г.",
        ".",
        "!",
        "?",
        "،",
        "。",
        "…",
        "؟",
        "3.14",
        "2024",
        "٣٤",
        "(1)",
        "\"",
        "«",
        "»",
        " ",
        " ",
        " ",
        " ",
        "\n",
        "\n\n",
        "\n \n",
        "\t",
        "\u{1}",
        "\u{7}",
        "\u{1b}[0m",
        "\u{7f}",
        "\u{85}",
        "\u{9f}",
        "\u{b}",
        "\u{c}",
        "\u{fffe}",
        "\u{ffff}",
        "&",
        "<",
        "]]>",
        "\u{200f}",
        "\u{a0}",
    ])
    .prop_map(str::to_string);
    prop_oneof![
        20 => fixed,
        1 => (100usize..3000).prop_map(|n| "x".repeat(n)),
        1 => (50usize..400).prop_map(|n| "نص".repeat(n)),
        2 => "[a-zA-Z\u{621}-\u{64a}\u{4e00}-\u{4e80}\u{410}-\u{44f}]{1,12}",
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..60).prop_map(|p| p.concat())
}

fn lang() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["en", "ar", "zh", "ru", "fr", "und"])
}

/// The text without whitespace and without the characters decoding removes (controls).
fn visible(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && !bitalign::normalize::is_strippable_control(*c))
        .collect()
}

fn xml_illegal(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}')
}

/// Decodes and segments one side as `align` does; `None` when the input is refused for a
/// documented reason (no visible text, mostly control characters).
fn side(raw: &str, lang: &str, opts: &Options) -> Option<bitalign::document::Document> {
    let decoded = match input::decode(raw.as_bytes(), &DecodeOptions::default()) {
        Ok(d) => d,
        Err(e) => {
            assert!(
                matches!(e.kind(), ErrorKind::Empty | ErrorKind::Binary),
                "unexpected error {e} for {raw:?}"
            );
            return None;
        }
    };
    match pipeline::side_from_text(&decoded.text, Some(lang), opts) {
        Ok((doc, _)) => Some(doc),
        Err(e) => {
            assert!(matches!(e.kind(), ErrorKind::Empty), "{e} for {raw:?}");
            None
        }
    }
}

/// Beads cover `0..n` and `0..m` exactly once, in order, never 0-0, scores in [0, 1].
fn assert_coverage(pair: &AlignedPair) {
    let (mut i, mut j) = (0, 0);
    for b in &pair.beads {
        assert_eq!((b.src.start, b.tgt.start), (i, j), "beads {:?}", pair.beads);
        assert!(!(b.src.is_empty() && b.tgt.is_empty()), "0-0 bead");
        assert!((0.0..=1.0).contains(&b.score), "score {}", b.score);
        (i, j) = (b.src.end, b.tgt.end);
    }
    assert_eq!(
        (i, j),
        (pair.src.len(), pair.tgt.len()),
        "sentences left out"
    );
}

/// Writes the pair as TMX with one-sided beads, returns the file's text.
fn tmx_of(pair: &AlignedPair, path: &Path) -> String {
    let opts = ExportOptions {
        one_sided: Some(true),
        creation_date: Some("20240101T000000Z".into()),
        ..ExportOptions::default()
    };
    export::write_file(Format::Tmx, path, [pair], &opts).expect("TMX written");
    std::fs::read_to_string(path).expect("TMX is UTF-8")
}

/// The `seg` texts of a TMX in document order, source and target apart (by `xml:lang`
/// order within each `tu`: the source `tuv` comes first when present).
fn segs(xml: &str, src_tag: &str) -> (String, String) {
    let mut reader = quick_xml::Reader::from_str(xml);
    let (mut src, mut tgt) = (String::new(), String::new());
    let (mut in_seg, mut is_src) = (false, false);
    loop {
        match reader.read_event().unwrap_or_else(|e| panic!("{e}\n{xml}")) {
            Event::Eof => break,
            Event::Start(e) if e.name().as_ref() == b"tuv" => {
                let lang = e
                    .try_get_attribute("xml:lang")
                    .expect("attribute")
                    .expect("tuv has xml:lang");
                is_src = lang.unescape_value().expect("value") == src_tag;
            }
            Event::Start(e) if e.name().as_ref() == b"seg" => in_seg = true,
            Event::End(e) if e.name().as_ref() == b"seg" => in_seg = false,
            Event::Text(t) if in_seg => {
                let t = t.unescape().expect("text unescapes");
                if is_src { &mut src } else { &mut tgt }.push_str(&t);
            }
            _ => {}
        }
    }
    (src, tgt)
}

fn run_case(a: &str, b: &str, la: &str, lb: &str, presegmented: bool, dir: &Path) -> String {
    // Random text under a declared language: the language check is not what is tested here.
    let opts = Options {
        presegmented,
        max_sentence_chars: 200,
        force_lang: true,
        ..Options::default()
    };
    let (Some(src), Some(tgt)) = (side(a, la, &opts), side(b, lb, &opts)) else {
        return String::new();
    };
    let pair = pipeline::align_documents("p<&>\u{1}", src, tgt, &opts.align);
    assert_coverage(&pair);
    let src_all: String = pair.beads.iter().map(|x| pair.src_text(x)).collect();
    let tgt_all: String = pair.beads.iter().map(|x| pair.tgt_text(x)).collect();
    assert_eq!(visible(&src_all), visible(a), "source text lost or changed");
    assert_eq!(visible(&tgt_all), visible(b), "target text lost or changed");
    let path = dir.join("case.tmx");
    let xml = tmx_of(&pair, &path);
    assert!(!xml.chars().any(xml_illegal), "XML-illegal char in {xml:?}");
    let (s, t) = segs(&xml, &export::bcp47(la));
    if la != lb {
        // The TMX holds the same text minus what XML cannot carry.
        let strip = |x: &str| {
            visible(x)
                .chars()
                .filter(|&c| !xml_illegal(c))
                .collect::<String>()
        };
        assert_eq!(visible(&s), strip(a), "TMX source differs from the input");
        assert_eq!(visible(&t), strip(b), "TMX target differs from the input");
    }
    xml
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, max_shrink_iters: 200, ..ProptestConfig::default() })]

    #[test]
    fn every_sentence_in_one_bead_and_no_text_lost(
        a in text(), b in text(), la in lang(), lb in lang(), presegmented in any::<bool>()
    ) {
        let dir = tempfile::tempdir().expect("tmp");
        run_case(&a, &b, la, lb, presegmented, dir.path());
    }
}

fn dtd() -> Option<PathBuf> {
    let dtd = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/formats/tmx14.dtd");
    let has_xmllint = Command::new("xmllint").arg("--version").output().is_ok();
    if dtd.exists() && has_xmllint {
        Some(dtd)
    } else {
        common::skip(format_args!(
            "DTD validation: needs ../shared/formats/tmx14.dtd and xmllint"
        ));
        None
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, ..ProptestConfig::default() })]

    #[test]
    fn generated_tmx_validates_against_the_tmx14_dtd(
        a in text(), b in text(), la in lang(), lb in lang()
    ) {
        let Some(dtd) = dtd() else { return Ok(()) };
        let dir = tempfile::tempdir().expect("tmp");
        if run_case(&a, &b, la, lb, false, dir.path()).is_empty() {
            return Ok(());
        }
        let v = Command::new("xmllint")
            .args(["--noout", "--nonet", "--dtdvalid"])
            .arg(&dtd)
            .arg(dir.path().join("case.tmx"))
            .output()
            .expect("xmllint runs");
        prop_assert!(v.status.success(), "{}", String::from_utf8_lossy(&v.stderr));
    }
}
