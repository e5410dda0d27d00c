//! Helpers shared by the integration tests: the binary, the bundled seed pair, a TMX parser
//! and the external TMX clients (xmllint, translate-toolkit). Each client helper returns
//! `None` after printing a skip reason when the client is absent.

// Each test crate uses a different subset of these helpers.
#![allow(dead_code)]

use std::collections::HashMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Mutex;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

/// Skips of this test binary: `test name: reason`.
static SKIPS: Mutex<Vec<String>> = Mutex::new(Vec::new());

extern "C" {
    fn atexit(callback: extern "C" fn()) -> std::os::raw::c_int;
}

/// Records that the running test skipped (part of) its checks, and why.
///
/// libtest captures what a passing test prints, so a skip printed from the test is seen only
/// under `--nocapture`. The reason is therefore also printed once more when the test binary
/// exits, after its `test result:` line, as one summary line, written to the stderr handle
/// directly (libtest captures only the `print!` macros).
pub fn skip(reason: impl std::fmt::Display) {
    let test = std::thread::current().name().unwrap_or("main").to_string();
    println!("skipped: {reason}");
    let mut skips = SKIPS.lock().unwrap_or_else(|e| e.into_inner());
    if skips.is_empty() {
        // SAFETY: registers a plain function with the C runtime; it runs once at exit.
        unsafe {
            atexit(print_skips);
        }
    }
    skips.push(format!("{test} ({reason})"));
}

extern "C" fn print_skips() {
    let skips = SKIPS.lock().unwrap_or_else(|e| e.into_inner());
    let binary = std::env::args()
        .next()
        .and_then(|a| {
            Path::new(&a)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
        })
        .unwrap_or_default();
    // The binary is `NAME-HASH`: the test file's name is enough.
    let name = binary.rsplit_once('-').map_or(binary.as_str(), |(n, _)| n);
    let _ = writeln!(
        std::io::stderr(),
        "skipped in tests/{name}.rs: {}",
        skips.join("; ")
    );
}

/// The `bitalign` binary under test.
pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_bitalign"))
}

/// `bitalign align --presegmented --src-lang en --tgt-lang fr`, for generated line files.
pub fn align_en_fr_lines() -> Command {
    let mut cmd = bin();
    cmd.args([
        "align",
        "--presegmented",
        "--src-lang",
        "en",
        "--tgt-lang",
        "fr",
    ]);
    cmd
}

/// Writes `lines` repeated `copies` times, one per line, to `dir/name` (a long input made of
/// a short one).
pub fn write_repeated(dir: &Path, name: &str, lines: &[String], copies: usize) -> PathBuf {
    let path = dir.join(name);
    let text: String = (0..copies)
        .flat_map(|_| lines.iter())
        .map(|l| format!("{l}\n"))
        .collect();
    fs::write(&path, text).expect("write input");
    path
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The read-only shared data folder (`../shared`).
pub fn shared() -> PathBuf {
    root().join("../shared")
}

/// The seed article: our English version (source) and the Arabic original.
pub fn seed() -> (PathBuf, PathBuf) {
    let c = root().join("corpora/docs");
    (
        c.join("en/ar-mei-defense.txt"),
        c.join("ar/ar-mei-defense.txt"),
    )
}

/// Aligns the seed (en → ar) into `out` with the binary, `extra` options and `env` (and no
/// inherited `SOURCE_DATE_EPOCH`, so dates come from the test only); asserts success.
pub fn align_seed(out: &Path, extra: &[&str], env: &[(&str, &str)]) -> Output {
    let (en, ar) = seed();
    let o = bin()
        .arg("align")
        .arg(&en)
        .arg(&ar)
        .args(["--src-lang", "en", "--tgt-lang", "ar", "-o"])
        .arg(out)
        .args(extra)
        .env_remove("SOURCE_DATE_EPOCH")
        .envs(env.iter().copied())
        .output()
        .expect("bitalign runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    o
}

#[derive(Debug, Default)]
pub struct Tu {
    pub attrs: HashMap<String, String>,
    pub props: Vec<(String, String)>,
    pub notes: Vec<String>,
    /// `(xml:lang, seg text)` in document order.
    pub tuvs: Vec<(String, String)>,
    /// Props of each tuv, in the order of `tuvs`.
    pub tuv_props: Vec<Vec<(String, String)>>,
    /// Child element names in document order, to check prop/note come before tuv.
    pub children: Vec<String>,
}

impl Tu {
    /// The value of the tu-level prop `ty`.
    pub fn prop(&self, ty: &str) -> Option<&str> {
        find(&self.props, ty)
    }

    /// The text of the tuv in `lang`.
    pub fn seg(&self, lang: &str) -> Option<&str> {
        find(&self.tuvs, lang)
    }
}

fn find<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

#[derive(Debug, Default)]
pub struct Tmx {
    pub tmx_attrs: HashMap<String, String>,
    pub header: HashMap<String, String>,
    pub tus: Vec<Tu>,
}

fn attrs(e: &BytesStart) -> HashMap<String, String> {
    e.attributes()
        .map(|a| {
            let a = a.expect("attribute");
            (
                String::from_utf8(a.key.as_ref().to_vec()).expect("utf-8 name"),
                a.unescape_value().expect("attribute value").into_owned(),
            )
        })
        .collect()
}

/// Parses TMX with quick-xml (which fails on ill-formed XML, e.g. a raw U+0001).
pub fn parse_tmx(text: &str) -> Tmx {
    let mut r = Reader::from_str(text);
    let mut p = Parser::default();
    let mut stack: Vec<String> = Vec::new();
    loop {
        match r.read_event().expect("well-formed XML") {
            Event::Start(e) => {
                let name = String::from_utf8(e.name().as_ref().to_vec()).expect("name");
                p.start(&name, &e);
                stack.push(name);
            }
            Event::Empty(e) => {
                let name = String::from_utf8(e.name().as_ref().to_vec()).expect("name");
                p.start(&name, &e);
                p.end(&name);
            }
            Event::Text(t) => p.text.push_str(&t.unescape().expect("text")),
            Event::CData(_) => panic!("no CDATA expected"),
            Event::End(_) => {
                let name = stack.pop().expect("balanced");
                p.end(&name);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert!(stack.is_empty());
    p.tmx
}

#[derive(Default)]
struct Parser {
    tmx: Tmx,
    tuv_lang: String,
    prop_type: String,
    in_tuv: bool,
    text: String,
}

impl Parser {
    fn start(&mut self, name: &str, e: &BytesStart) {
        self.text.clear();
        match name {
            "tmx" => self.tmx.tmx_attrs = attrs(e),
            "header" => self.tmx.header = attrs(e),
            "tu" => self.tmx.tus.push(Tu {
                attrs: attrs(e),
                ..Default::default()
            }),
            "tuv" => {
                self.tuv_lang = attrs(e).get("xml:lang").cloned().unwrap_or_default();
                self.in_tuv = true;
                if let Some(tu) = self.tmx.tus.last_mut() {
                    tu.tuv_props.push(Vec::new());
                }
            }
            "prop" => self.prop_type = attrs(e)["type"].clone(),
            _ => {}
        }
        let inside_tuv = self.in_tuv && name != "tuv";
        if let (Some(tu), "prop" | "note" | "tuv") = (self.tmx.tus.last_mut(), name) {
            if !inside_tuv {
                tu.children.push(name.to_string());
            }
        }
    }

    fn end(&mut self, name: &str) {
        let text = std::mem::take(&mut self.text);
        let Some(tu) = self.tmx.tus.last_mut() else {
            return;
        };
        match name {
            "seg" => tu.tuvs.push((self.tuv_lang.clone(), text)),
            "prop" if self.in_tuv => {
                if let Some(props) = tu.tuv_props.last_mut() {
                    props.push((self.prop_type.clone(), text));
                }
            }
            "prop" => tu.props.push((self.prop_type.clone(), text)),
            "note" => tu.notes.push(text),
            "tuv" => self.in_tuv = false,
            _ => {}
        }
    }
}

/// Validates `path` against the TMX 1.4 DTD with xmllint: `Some((ok, stderr))`, `None` when
/// the DTD or xmllint is missing. Any output counts as failure (xmllint reports a tuv
/// without xml:lang only as a warning with exit 0).
pub fn xmllint_validate(path: &Path) -> Option<(bool, String)> {
    let dtd = shared().join("formats/tmx14.dtd");
    if !dtd.is_file() {
        skip(format_args!("{} not found", dtd.display()));
        return None;
    }
    // The DOCTYPE names tmx14.dtd relative to the file; without it beside the file xmllint
    // warns that it cannot load it.
    let beside = path.with_file_name("tmx14.dtd");
    if !beside.exists() {
        fs::copy(&dtd, &beside).expect("copy the DTD beside the TMX");
    }
    let out = match Command::new("xmllint")
        .args(["--noout", "--nonet", "--dtdvalid"])
        .arg(&dtd)
        .arg(path)
        .output()
    {
        Ok(o) => o,
        Err(e) => {
            skip(format_args!(
                "xmllint not runnable ({e}); install libxml2-utils"
            ));
            return None;
        }
    };
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    Some((out.status.success() && stderr.trim().is_empty(), stderr))
}

/// The Python with translate-toolkit: `$BITALIGN_PYTHON`, else `python3`; `None` (skip
/// reason printed) when it cannot `import translate`.
pub fn translate_toolkit_python() -> Option<String> {
    translate_toolkit_python_for("translate.storage.tmx")
}

/// [`translate_toolkit_python`], checking that the given modules import.
pub fn translate_toolkit_python_for(modules: &str) -> Option<String> {
    let python = std::env::var("BITALIGN_PYTHON").unwrap_or_else(|_| "python3".to_string());
    match Command::new(&python)
        .args(["-c", &format!("import {modules}")])
        .output()
    {
        Ok(o) if o.status.success() => Some(python),
        Ok(o) => {
            skip(format_args!(
                "{python} cannot import translate (set BITALIGN_PYTHON to a Python \
                 with translate-toolkit): {}",
                String::from_utf8_lossy(&o.stderr)
                    .lines()
                    .last()
                    .unwrap_or("")
            ));
            None
        }
        Err(e) => {
            skip(format_args!("{python} not runnable ({e})"));
            None
        }
    }
}

/// Runs `python -c script path args...`, asserts it succeeded (naming the file and
/// translate-toolkit's complaint) and parses what it printed as JSON.
pub fn python_json<T: serde::de::DeserializeOwned>(
    python: &str,
    script: &str,
    path: &Path,
    args: &[&str],
) -> T {
    let out = Command::new(python)
        .args(["-c", script])
        .arg(path)
        .args(args)
        .output()
        .expect("python runs");
    assert!(
        out.status.success(),
        "translate-toolkit failed on {}: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON from the script")
}

/// Reads a TMX with translate-toolkit's `tmxfile` and returns, per unit, the text of every
/// tuv as `(lang, text)` (translate-toolkit itself exposes only the first two languages;
/// the rest are read from the unit's XML through lxml).
pub fn read_with_translate_toolkit(python: &str, path: &Path) -> Vec<Vec<(String, String)>> {
    const SCRIPT: &str = r#"
import json, sys
from translate.storage.tmx import tmxfile
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
with open(sys.argv[1], "rb") as f:
    store = tmxfile(f)
units = []
for unit in store.units:
    tuvs = [(t.get(XML_LANG), "".join(t.find("seg").itertext()))
            for t in unit.xmlelement.iter("tuv")]
    units.append({"source": unit.source, "target": unit.target, "tuvs": tuvs})
json.dump(units, sys.stdout, ensure_ascii=False)
"#;
    let units: Vec<serde_json::Value> = python_json(python, SCRIPT, path, &[]);
    units
        .iter()
        .map(|u| {
            let tuvs: Vec<(String, String)> = u["tuvs"]
                .as_array()
                .expect("tuvs")
                .iter()
                .map(|t| {
                    (
                        t[0].as_str().unwrap_or_default().to_string(),
                        t[1].as_str().unwrap_or_default().to_string(),
                    )
                })
                .collect();
            // translate-toolkit's own view: source = first tuv, target = second.
            let first = tuvs.first().map(|t| t.1.as_str()).unwrap_or_default();
            assert_eq!(u["source"].as_str(), Some(first), "source of {u}");
            if let Some(second) = tuvs.get(1) {
                assert_eq!(
                    u["target"].as_str(),
                    Some(second.1.as_str()),
                    "target of {u}"
                );
            }
            tuvs
        })
        .collect()
}

/// The TICO-19 short documents (`../shared/bench/tico19-en-ar-short`, 426 English–Arabic
/// pairs) as a folder corpus `dir/en/NAME.txt`, `dir/ar/NAME.txt`: large enough for `batch`
/// to learn a corpus lexicon. `None`, with the skip printed, when the data are absent.
pub fn tico_short_corpus(dir: &Path) -> Option<PathBuf> {
    let data = shared().join("bench/tico19-en-ar-short");
    let Ok(entries) = std::fs::read_dir(&data) else {
        skip(format_args!("{} is absent", data.display()));
        return None;
    };
    let corpus = dir.join("tico");
    for lang in ["en", "ar"] {
        std::fs::create_dir_all(corpus.join(lang)).unwrap();
    }
    for e in entries
        .flatten()
        .filter(|e| e.path().join("src.txt").is_file())
    {
        let name = format!("{}.txt", e.file_name().to_string_lossy());
        std::fs::copy(e.path().join("src.txt"), corpus.join("en").join(&name)).unwrap();
        std::fs::copy(e.path().join("tgt.txt"), corpus.join("ar").join(&name)).unwrap();
    }
    Some(corpus)
}

/// Runs the binary with `args` and `stdin` as its input. The input is written from another
/// thread so a full stdout pipe cannot deadlock the test; a run that stops before reading (a
/// usage error) may close the pipe first, which is no failure of the writing.
pub fn run_with_input(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = bin()
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    let data = stdin.to_vec();
    let writer = std::thread::spawn(move || pipe.write_all(&data));
    let out = child.wait_with_output().unwrap();
    let written = writer.join().unwrap();
    assert!(
        written.is_ok() || !out.status.success(),
        "input not written: {written:?}"
    );
    out
}
