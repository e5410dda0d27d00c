//! Hostile inputs end to end: a 2 MB line without punctuation, the seed article in UTF-16
//! and Windows-1256, characters XML forbids, binary junk named `.txt`, and the inputs the
//! fuzzers found (see `fuzz/`), each kept here as a small regression.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use bitalign::input::{self, DecodeOptions};
use bitalign::pipeline::{self, Options};
use encoding_rs::{UTF_16BE, UTF_16LE, WINDOWS_1256};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_bitalign"))
}

fn seed() -> (PathBuf, PathBuf) {
    let c = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpora/docs");
    (
        c.join("en/ar-mei-defense.txt"),
        c.join("ar/ar-mei-defense.txt"),
    )
}

/// `align SRC TGT --src-lang en --tgt-lang ar` plus `extra`; the output and stdout.
fn align(src: &Path, tgt: &Path, extra: &[&str]) -> Output {
    bin()
        .arg("align")
        .arg(src)
        .arg(tgt)
        .args(["--src-lang", "en", "--tgt-lang", "ar"])
        .args(extra)
        .output()
        .expect("runs")
}

fn jsonl(src: &Path, tgt: &Path, extra: &[&str]) -> String {
    let mut args = vec!["-f", "jsonl"];
    args.extend_from_slice(extra);
    let o = align(src, tgt, &args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).expect("UTF-8 output")
}

/// `text` in UTF-16 with a byte order mark.
fn utf16_with_bom(text: &str, little_endian: bool) -> Vec<u8> {
    let mut out = if little_endian {
        vec![0xFF, 0xFE]
    } else {
        vec![0xFE, 0xFF]
    };
    for unit in text.encode_utf16() {
        let b = if little_endian {
            unit.to_le_bytes()
        } else {
            unit.to_be_bytes()
        };
        out.extend_from_slice(&b);
    }
    // encoding_rs decodes it back the same way (a check on the encoder above).
    let enc = if little_endian { UTF_16LE } else { UTF_16BE };
    assert_eq!(enc.decode_with_bom_removal(&out[2..]).0, text);
    out
}

#[test]
fn seed_in_utf16_and_windows_1256_aligns_exactly_like_utf8() {
    let (en, ar) = seed();
    let arabic = std::fs::read_to_string(&ar).expect("seed article");
    let want = jsonl(&en, &ar, &[]);
    assert!(want.lines().count() >= 10, "{want}");
    let dir = tempfile::tempdir().expect("tmp");
    let (cp1256, _, unmappable) = WINDOWS_1256.encode(&arabic);
    assert!(!unmappable, "the seed article fits windows-1256");
    let copies = [
        ("le.txt", utf16_with_bom(&arabic, true)),
        ("be.txt", utf16_with_bom(&arabic, false)),
        ("cp1256-detected.txt", cp1256.to_vec()),
    ];
    for (name, bytes) in copies {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).expect("write");
        assert_eq!(jsonl(&en, &path, &[]), want, "{name} differs from UTF-8");
    }
    // `--encoding` applies to both inputs, so here the English side is windows-1256 too
    // (its curly quotes exist there; read as windows-1256, UTF-8 would become mojibake).
    let english = std::fs::read_to_string(&en).expect("seed article");
    let (en1256, _, unmappable) = WINDOWS_1256.encode(&english);
    assert!(!unmappable, "the English article fits windows-1256");
    let sub = dir.path().join("cp1256");
    std::fs::create_dir(&sub).expect("mkdir");
    let (src, tgt) = (sub.join("ar-mei-defense.en"), sub.join("ar-mei-defense.ar"));
    std::fs::write(&src, en1256).expect("write");
    std::fs::write(&tgt, cp1256).expect("write");
    let explicit = jsonl(&src, &tgt, &["--encoding", "windows-1256"]);
    assert_eq!(explicit, want, "explicit windows-1256 differs from UTF-8");
}

#[test]
fn two_megabyte_line_without_punctuation_is_cut_into_bounded_chunks_that_all_align() {
    const MAX: usize = 2000;
    let words = [
        "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta",
    ];
    let line: String = (0..)
        .map(|i| words[(i * 7 + i / 5) % words.len()])
        .scan(0usize, |len, w| {
            *len += w.len() + 1;
            (*len <= 2 << 20).then_some(w)
        })
        .collect::<Vec<_>>()
        .join(" ");
    assert!(line.len() > 2_000_000);
    let opts = Options {
        max_sentence_chars: MAX,
        ..Options::default()
    };
    let (src, _) = pipeline::side_from_text(&line, Some("en"), &opts).expect("segments");
    assert!(src.len() >= line.len() / MAX, "{} pieces", src.len());
    assert!(src.sentences.iter().all(|s| s.text.chars().count() <= MAX));
    let rejoined: String = src.sentences.iter().map(|s| s.text.as_str()).collect();
    let squash = |s: &str| s.split_whitespace().collect::<String>();
    assert_eq!(squash(&rejoined), squash(&line));
    let target = "Ein kurzer Satz. Noch einer.\n\n".repeat(50);
    let (tgt, _) = pipeline::side_from_text(&target, Some("de"), &opts).expect("segments");
    let (n, m) = (src.len(), tgt.len());
    let pair = pipeline::align_documents("long", src, tgt, &opts.align);
    let (mut i, mut j) = (0, 0);
    for b in &pair.beads {
        assert_eq!((b.src.start, b.tgt.start), (i, j));
        (i, j) = (b.src.end, b.tgt.end);
    }
    assert_eq!((i, j), (n, m), "every chunk in exactly one bead");
}

#[test]
fn xml_illegal_characters_in_the_input_never_reach_the_tmx() {
    let dir = tempfile::tempdir().expect("tmp");
    let (src, tgt) = (dir.path().join("en.txt"), dir.path().join("ar.txt"));
    std::fs::write(
        &src,
        "First\u{1} sentence\u{b} here.\u{c} Second \u{fffe}one\u{ffff}.\n\nThird \u{1b}[1mone\u{7}.",
    )
    .expect("write");
    std::fs::write(
        &tgt,
        "الجملة\u{2} الأولى.\u{fffe} الجملة\u{ffff} الثانية.\n\nالجملة\u{8} الثالثة.",
    )
    .expect("write");
    let out = dir.path().join("out.tmx");
    let o = align(
        &src,
        &tgt,
        &["--one-sided", "-o", out.to_str().expect("utf-8 path")],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let xml = std::fs::read_to_string(&out).expect("TMX");
    let illegal = |c: char| matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}');
    assert!(!xml.chars().any(illegal), "{xml:?}");
    assert!(
        xml.contains("Third [1mone.") || xml.contains("Third [1mone ."),
        "{xml}"
    );
    let mut reader = quick_xml::Reader::from_str(&xml);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("TMX does not parse: {e}"),
        }
    }
}

#[test]
fn binary_junk_named_txt_is_a_one_line_error_naming_the_file() {
    let dir = tempfile::tempdir().expect("tmp");
    let (en, _) = seed();
    // Noise without NUL bytes (so it is not caught as UTF-16 or by the NUL test), and the
    // head of a real executable.
    let mut x: u32 = 7;
    let noise: Vec<u8> = (0..65536)
        .map(|_| {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            ((x >> 16) as u8).max(1)
        })
        .collect();
    let exe = std::fs::read(env!("CARGO_BIN_EXE_bitalign")).expect("binary");
    for (name, bytes) in [("noise.txt", noise), ("program.txt", exe[..65536].to_vec())] {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).expect("write");
        let o = align(&en, &path, &[]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{name}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        assert!(err.contains(name), "{err}");
    }
}

/// Decoding, segmenting and aligning `a` against `b` neither panics nor loses a sentence.
fn survives(a: impl AsRef<[u8]>, b: impl AsRef<[u8]>) {
    let opts = Options::default();
    let side = |bytes: &[u8], lang| {
        let text = input::decode(bytes, &DecodeOptions::default()).ok()?.text;
        pipeline::side_from_text(&text, Some(lang), &opts).ok()
    };
    let (Some((src, _)), Some((tgt, _))) = (side(a.as_ref(), "en"), side(b.as_ref(), "ar")) else {
        return;
    };
    let (n, m) = (src.len(), tgt.len());
    let pair = pipeline::align_documents("regression", src, tgt, &opts.align);
    let covered = pair.beads.iter().map(|b| (b.src.len(), b.tgt.len()));
    let (sn, sm) = covered.fold((0, 0), |(x, y), (p, q)| (x + p, y + q));
    assert_eq!((sn, sm), (n, m));
}

#[test]
fn inputs_of_only_marks_and_terminators_survive() {
    survives(".\u{0301}!?\n\n\u{0651}", "؟؟؟\u{200f}");
    survives(b"\xEF\xBB\xBF", b"\xFF\xFE");
}

/// SRX rules whose `afterbreak` can run far (`\S*@`, from LanguageTool's e-mail exception)
/// checked after each of 500,000 full stops: quadratic before `afterbreak` got a bounded
/// window (a 1 MB run of dots took over 5 minutes with LanguageTool's rules).
#[test]
fn srx_rules_stay_linear_on_a_long_run_of_full_stops() {
    let rules = r#"<?xml version="1.0"?><srx xmlns="http://www.lisa.org/srx20" version="2.0">
      <header segmentsubflows="yes" cascade="yes"/><body><languagerules>
      <languagerule languagerulename="X">
        <rule break="no"><beforebreak>[\.!?]</beforebreak><afterbreak>\S*@</afterbreak></rule>
        <rule break="no"><beforebreak>(?&lt;=\w)\.+</beforebreak><afterbreak>\s*x</afterbreak></rule>
        <rule break="yes"><beforebreak>[\.!?]+</beforebreak><afterbreak>\s</afterbreak></rule>
      </languagerule></languagerules><maprules>
      <languagemap languagepattern=".*" languagerulename="X"/></maprules></body></srx>"#;
    let srx = bitalign::segment::srx::Srx::parse(rules).expect("parses");
    let text = format!("{} Bx", ".".repeat(500_000));
    let started = std::time::Instant::now();
    let sentences = srx.segmenter("en").split(&text);
    assert_eq!(sentences.len(), 2);
    assert!(started.elapsed().as_secs() < 60, "{:?}", started.elapsed());
}
