//! `bitalign convert`: TMX/CSV/JSONL round trips, TMX encodings and language selection, score
//! and dedup filters, and malformed input giving one line and exit 2 with no output file.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use bitalign::import::{self, InputFormat, Langs, Unit};

fn bitalign(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bitalign"))
        .args(args)
        .output()
        .expect("run bitalign")
}

fn convert(input: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "convert",
        input.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    bitalign(&args)
}

fn ok(out: Output) {
    assert!(
        out.status.success(),
        "bitalign failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The units of a TM file, read for the pair `src`–`tgt` (or the file's own pair).
fn units(path: &Path, src: Option<&str>, tgt: Option<&str>) -> Vec<Unit> {
    let format = InputFormat::from_path(path).unwrap();
    let langs = Langs {
        src: src.map(String::from),
        tgt: tgt.map(String::from),
    };
    import::read_file(path, format, &langs)
        .unwrap()
        .select(src, tgt)
        .unwrap()
        .units
}

fn texts(units: &[Unit]) -> Vec<(String, String)> {
    units
        .iter()
        .map(|u| (u.src.clone(), u.tgt.clone()))
        .collect()
}

/// A TMX of the seed pair as `align` writes it (scores, document ids).
fn seed_tmx(dir: &Path) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmx = dir.join("seed.tmx");
    ok(bitalign(&[
        "align",
        root.join("corpora/docs/en/ar-mei-defense.txt")
            .to_str()
            .unwrap(),
        root.join("corpora/docs/ar/ar-mei-defense.txt")
            .to_str()
            .unwrap(),
        "--src-lang",
        "en",
        "--tgt-lang",
        "ar",
        "-o",
        tmx.to_str().unwrap(),
    ]));
    tmx
}

const TRILINGUAL: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4">
  <header creationtool="t" creationtoolversion="1" segtype="sentence" o-tmf="t" adminlang="en" srclang="*all*" datatype="plaintext"/>
  <body>
    <tu><prop type="x-score">0.95</prop>
      <tuv xml:lang="en-US"><seg>Good morning &amp; welcome.</seg></tuv>
      <tuv xml:lang="fr-FR"><seg>Bonjour et bienvenue.</seg></tuv>
      <tuv lang="de-DE"><seg>Guten Morgen und willkommen.</seg></tuv>
    </tu>
    <tu><prop type="x-score">0.20</prop>
      <tuv xml:lang="en-US"><seg>Low score.</seg></tuv>
      <tuv xml:lang="fr-FR"><seg>Score bas.</seg></tuv>
      <tuv xml:lang="de-DE"><seg>Niedrige Bewertung.</seg></tuv>
    </tu>
    <tu>
      <tuv xml:lang="en-US"><seg>No score.</seg></tuv>
      <tuv xml:lang="fr-FR"><seg>Sans score.</seg></tuv>
      <tuv xml:lang="de-DE"><seg>Ohne Bewertung.</seg></tuv>
    </tu>
    <tu>
      <tuv xml:lang="en-US"><seg>No score.</seg></tuv>
      <tuv xml:lang="fr-FR"><seg>Sans score.</seg></tuv>
    </tu>
  </body>
</tmx>
"#;

#[test]
fn tmx_to_csv_to_tmx_keeps_every_unit_and_text() {
    let dir = tempfile::tempdir().unwrap();
    let tmx = seed_tmx(dir.path());
    let csv = dir.path().join("seed.csv");
    let back = dir.path().join("back.tmx");
    ok(convert(&tmx, &csv, &[]));
    ok(convert(&csv, &back, &[]));
    let original = units(&tmx, None, None);
    assert!(original.len() > 10);
    assert_eq!(texts(&units(&back, None, None)), texts(&original));
    let header = fs::read_to_string(&csv).unwrap();
    assert!(
        header.starts_with("en,ar\r\n"),
        "CSV header names the languages"
    );
    let back = fs::read_to_string(&back).unwrap();
    assert!(back.contains("srclang=\"en\""));
    assert!(back.contains("xml:lang=\"ar\""));
    // CSV carries no score: none is invented.
    assert!(!back.contains("x-score"));
}

/// The seed TMX through `via` and back: every unit, text, score and document id.
fn round_trip_keeps_scores_and_documents(via: &str) {
    let dir = tempfile::tempdir().unwrap();
    let tmx = seed_tmx(dir.path());
    let middle = dir.path().join(format!("seed.{via}"));
    let back = dir.path().join("back.tmx");
    ok(convert(&tmx, &middle, &[]));
    ok(convert(
        &middle,
        &back,
        &["--src-lang", "en", "--tgt-lang", "ar"],
    ));
    let (original, back) = (units(&tmx, None, None), units(&back, None, None));
    assert_eq!(back, original, "texts, scores and x-document");
    assert!(original.iter().all(|u| u.score.is_some()));
    assert!(original.iter().all(|u| u.doc == "ar-mei-defense"));
}

#[test]
fn tmx_to_jsonl_to_tmx_keeps_scores_and_documents() {
    round_trip_keeps_scores_and_documents("jsonl");
}

#[test]
fn tmx_to_xliff_to_tmx_keeps_scores_and_documents() {
    round_trip_keeps_scores_and_documents("xlf");
}

#[test]
fn utf16_and_latin1_tmx_read_like_utf8() {
    let dir = tempfile::tempdir().unwrap();
    let tmx = dir.path().join("utf8.tmx");
    fs::write(&tmx, TRILINGUAL).unwrap();
    let utf16 = dir.path().join("utf16.tmx");
    let mut bytes = vec![0xFF, 0xFE];
    for u in TRILINGUAL
        .replace("encoding=\"UTF-8\"", "encoding=\"UTF-16\"")
        .encode_utf16()
    {
        bytes.extend(u.to_le_bytes());
    }
    fs::write(&utf16, bytes).unwrap();
    let pick = |p: &Path| {
        let out = dir.path().join("out.jsonl");
        ok(convert(p, &out, &["--src-lang", "en", "--tgt-lang", "fr"]));
        fs::read_to_string(out).unwrap()
    };
    assert_eq!(pick(&utf16), pick(&tmx));

    let latin1 = dir.path().join("latin1.tmx");
    let mut bytes = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<tmx version=\"1.4\">\
        <header srclang=\"fr\"/><body><tu><tuv xml:lang=\"fr\"><seg>Caf"
        .to_vec();
    bytes.push(0xE9);
    bytes.extend(b"</seg></tuv><tuv xml:lang=\"en\"><seg>Coffee</seg></tuv></tu></body></tmx>");
    fs::write(&latin1, bytes).unwrap();
    assert_eq!(
        texts(&units(&latin1, None, None)),
        [("Café".into(), "Coffee".into())]
    );
}

#[test]
fn trilingual_tmx_gives_the_chosen_pair_by_primary_subtag() {
    let dir = tempfile::tempdir().unwrap();
    let tmx = dir.path().join("three.tmx");
    fs::write(&tmx, TRILINGUAL).unwrap();
    let csv = dir.path().join("de-fr.csv");
    ok(convert(
        &tmx,
        &csv,
        &["--src-lang", "de", "--tgt-lang", "fr"],
    ));
    let text = fs::read_to_string(&csv).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("de-DE,fr-FR"));
    assert_eq!(
        lines.next(),
        Some("Guten Morgen und willkommen.,Bonjour et bienvenue.")
    );
    assert_eq!(
        lines.count(),
        2,
        "the unit without German is one-sided, left out"
    );

    let out = convert(&tmx, &dir.path().join("x.csv"), &["--src-lang", "en"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--tgt-lang") && err.contains("fr-FR, de-DE"),
        "{err}"
    );
}

#[test]
fn min_score_lets_unscored_units_pass_and_dedup_drops_repeats() {
    let dir = tempfile::tempdir().unwrap();
    let tmx = dir.path().join("three.tmx");
    fs::write(&tmx, TRILINGUAL).unwrap();
    let out = dir.path().join("kept.tmx");
    let args = [
        "--src-lang",
        "en",
        "--tgt-lang",
        "fr",
        "--min-score",
        "0.5",
        "--dedup",
    ];
    ok(convert(&tmx, &out, &args));
    let kept = units(&out, None, None);
    assert_eq!(
        texts(&kept),
        [
            (
                "Good morning & welcome.".into(),
                "Bonjour et bienvenue.".into()
            ),
            ("No score.".into(), "Sans score.".into()),
        ]
    );
    assert_eq!(kept[0].score, Some(0.95));
    assert_eq!(kept[1].score, None);
}

#[test]
fn malformed_tmx_is_one_line_exit_2_and_leaves_the_output_alone() {
    let dir = tempfile::tempdir().unwrap();
    let tmx = dir.path().join("broken.tmx");
    // Line 4 closes <tuv> with </tu>.
    fs::write(
        &tmx,
        "<tmx version=\"1.4\"><header srclang=\"en\"/>\n<body>\n<tu><tuv xml:lang=\"en\"><seg>a</seg>\n</tu>\n</body></tmx>\n",
    )
    .unwrap();
    let out_dir = dir.path().join("out");
    fs::create_dir(&out_dir).unwrap();
    let target = out_dir.join("tm.csv");
    fs::write(&target, "old").unwrap();
    let out = convert(&tmx, &target, &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    assert!(err.contains("broken.tmx:4:"), "names file and line: {err}");
    assert_eq!(fs::read_to_string(&target).unwrap(), "old");
    assert_eq!(
        fs::read_dir(&out_dir).unwrap().count(),
        1,
        "no temporary file left"
    );

    let truncated = dir.path().join("truncated.tmx");
    fs::write(&truncated, &TRILINGUAL[..TRILINGUAL.len() / 2]).unwrap();
    let out = convert(&truncated, &out_dir.join("new.csv"), &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not closed"));
    assert!(!out_dir.join("new.csv").exists());
}
