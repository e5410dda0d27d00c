//! XLIFF export read back by translate-toolkit (every unit, same texts, review state from the
//! score) and checked well-formed by xmllint; characters illegal in XML never reach the file.
//! Python comes from `$BITALIGN_PYTHON` (CI: a venv with translate-toolkit), else `python3`.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use bitalign::align::{AlignedPair, Bead};
use bitalign::document::{Document, Sentence};
use bitalign::export::{self, xliff::Version, ExportOptions, Format};

/// The Python with translate-toolkit's XLIFF readers; `None` (skip reason printed) without.
fn xliff_python() -> Option<String> {
    common::translate_toolkit_python_for("translate.storage.xliff, translate.storage.xliff2")
}

/// The units translate-toolkit reads: `[source, target, state]` (state only for 1.2).
fn units_by_translate_toolkit(
    python: &str,
    path: &Path,
    version: Version,
) -> Vec<(String, String, String)> {
    const SCRIPT: &str = r#"
import json, sys
from translate.storage import xliff, xliff2
path, version = sys.argv[1], sys.argv[2]
out = []
if version == "1.2":
    ns = "{urn:oasis:names:tc:xliff:document:1.2}"
    for u in xliff.xlifffile.parsefile(path).getunits():
        if u.isheader():
            continue
        t = u.xmlelement.find(ns + "target")
        out.append([u.source or "", u.target or "", "" if t is None else t.get("state", "")])
else:
    for u in xliff2.Xliff2File.parsefile(path).getunits():
        out.append([u.source or "", u.target or "", ""])
print(json.dumps(out))
"#;
    let v = if version == Version::V1_2 {
        "1.2"
    } else {
        "2.0"
    };
    common::python_json(python, SCRIPT, path, &[v])
}

fn xmllint_well_formed(path: &Path) {
    let Ok(out) = Command::new("xmllint").arg("--noout").arg(path).output() else {
        common::skip(format_args!(
            "xmllint: not installed (Debian package libxml2-utils)"
        ));
        return;
    };
    assert!(
        out.status.success(),
        "xmllint: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn doc(lang: &str, texts: &[&str]) -> Document {
    Document {
        lang: lang.to_string(),
        sentences: texts
            .iter()
            .map(|t| Sentence {
                text: t.to_string(),
                key: String::new(),
                paragraph: 0,
                structure: Default::default(),
            })
            .collect(),
    }
}

/// Markup characters, a control character, a 2-1 bead, a one-sided bead, a low score.
fn tricky_pair() -> AlignedPair {
    AlignedPair {
        id: "doc <1> & \"2\"".into(),
        src: doc(
            "en",
            &["Tom & Jerry <b>.", "Bell\u{1} rings.", "Only here.", "Last"],
        ),
        tgt: doc("fr", &["Tom & Jerry <b>.", "La cloche sonne.", "Fin"]),
        beads: vec![
            Bead {
                src: 0..1,
                tgt: 0..1,
                score: 0.97,
            },
            Bead {
                src: 1..2,
                tgt: 1..2,
                score: 0.4,
            },
            Bead {
                src: 2..3,
                tgt: 2..2,
                score: 0.8,
            },
            Bead {
                src: 3..4,
                tgt: 2..3,
                score: 0.95,
            },
        ],
    }
}

fn write(version: Version, one_sided: Option<bool>, dir: &Path) -> PathBuf {
    let path = dir.join(format!("t{}{one_sided:?}.xlf", version as u8));
    let opts = ExportOptions {
        xliff_version: version,
        one_sided,
        ..ExportOptions::default()
    };
    export::write_file(Format::Xliff, &path, [&tricky_pair()], &opts).unwrap();
    path
}

#[test]
fn xliff_1_2_units_read_back_with_texts_and_review_states() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(Version::V1_2, None, dir.path());
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("xmlns=\"urn:oasis:names:tc:xliff:document:1.2\""));
    assert!(text.contains("source-language=\"en\" target-language=\"fr\""));
    assert!(!text.contains('\u{1}'));
    xmllint_well_formed(&path);
    let Some(python) = xliff_python() else {
        return;
    };
    let units = units_by_translate_toolkit(&python, &path, Version::V1_2);
    let expected = [
        ("Tom & Jerry <b>.", "Tom & Jerry <b>.", "translated"),
        (
            "Bell rings.",
            "La cloche sonne.",
            "needs-review-translation",
        ),
        ("Last", "Fin", "translated"),
    ];
    let got: Vec<(&str, &str, &str)> = units
        .iter()
        .map(|(s, t, st)| (s.as_str(), t.as_str(), st.as_str()))
        .collect();
    assert_eq!(got, expected, "one-sided bead left out by default");

    let path = write(Version::V1_2, Some(true), dir.path());
    let units = units_by_translate_toolkit(&python, &path, Version::V1_2);
    assert_eq!(units.len(), 4);
    assert_eq!(
        units[2],
        ("Only here.".into(), String::new(), String::new())
    );
}

#[test]
fn xliff_2_0_units_read_back_with_texts() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(Version::V2_0, None, dir.path());
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("urn:oasis:names:tc:xliff:document:2.0"));
    assert!(text.contains("srcLang=\"en\" trgLang=\"fr\""));
    xmllint_well_formed(&path);
    let Some(python) = xliff_python() else {
        return;
    };
    let units = units_by_translate_toolkit(&python, &path, Version::V2_0);
    let sources: Vec<&str> = units.iter().map(|u| u.0.as_str()).collect();
    let targets: Vec<&str> = units.iter().map(|u| u.1.as_str()).collect();
    assert_eq!(sources, ["Tom & Jerry <b>.", "Bell rings.", "Last"]);
    assert_eq!(targets, ["Tom & Jerry <b>.", "La cloche sonne.", "Fin"]);
}

#[test]
fn seed_pair_xliff_has_a_unit_per_two_sided_bead() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let xlf = dir.path().join("seed.xlf");
    let jsonl = dir.path().join("seed.jsonl");
    for out in [&xlf, &jsonl] {
        let status = Command::new(env!("CARGO_BIN_EXE_bitalign"))
            .arg("align")
            .arg(root.join("corpora/docs/en/ar-mei-defense.txt"))
            .arg(root.join("corpora/docs/ar/ar-mei-defense.txt"))
            .args([
                "--src-lang",
                "en",
                "--tgt-lang",
                "ar",
                "--no-one-sided",
                "-o",
            ])
            .arg(out)
            .status()
            .unwrap();
        assert!(status.success());
    }
    xmllint_well_formed(&xlf);
    let Some(python) = xliff_python() else {
        return;
    };
    let expected: Vec<(String, String)> = std::fs::read_to_string(&jsonl)
        .unwrap()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let text = |k: &str| v[k].as_str().unwrap().trim().to_string();
            (text("src"), text("tgt"))
        })
        .collect();
    let got: Vec<(String, String)> = units_by_translate_toolkit(&python, &xlf, Version::V1_2)
        .into_iter()
        .map(|(s, t, _)| (s, t))
        .collect();
    assert!(!got.is_empty());
    assert_eq!(got, expected);
}
