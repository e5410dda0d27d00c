//! Real TMX clients read the real output: the seed article (our English version against the
//! Arabic original) aligned by the binary, then checked by xmllint against the TMX 1.4 DTD,
//! parsed by translate-toolkit, and used by OmegaT to pre-translate the English document.
//! Each check skips with a printed reason when its client is absent.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{parse_tmx, seed};

/// Aligns the seed into `dir/name` as TMX (fixed date: reproducible); returns the path.
fn seed_tmx(dir: &Path, name: &str, extra: &[&str]) -> PathBuf {
    let out = dir.join(name);
    let fixed = ["-f", "tmx", "--creation-date", "20250101T120000Z"];
    let args: Vec<&str> = fixed.iter().chain(extra).copied().collect();
    common::align_seed(&out, &args, &[]);
    out
}

#[test]
fn seed_tmx_validates_against_the_tmx14_dtd() {
    let dir = tempfile::tempdir().expect("tmp");
    for (name, extra) in [("seed.tmx", &[][..]), ("all.tmx", &["--one-sided"][..])] {
        let tmx = seed_tmx(dir.path(), name, extra);
        let Some((ok, stderr)) = common::xmllint_validate(&tmx) else {
            return;
        };
        assert!(ok, "xmllint on {name}: {stderr}");
    }
}

#[test]
fn translate_toolkit_reads_every_seed_unit_with_our_texts() {
    let Some(python) = common::translate_toolkit_python() else {
        return;
    };
    let dir = tempfile::tempdir().expect("tmp");
    let path = seed_tmx(dir.path(), "seed.tmx", &[]);
    let ours = parse_tmx(&fs::read_to_string(&path).expect("tmx"));
    let theirs = common::read_with_translate_toolkit(&python, &path);
    println!("translate-toolkit read {} units", theirs.len());
    assert!(ours.tus.len() >= 10);
    assert_eq!(theirs.len(), ours.tus.len());
    for (tu, unit) in ours.tus.iter().zip(&theirs) {
        assert_eq!(&tu.tuvs, unit);
        assert!(unit.iter().all(|(_, text)| !text.is_empty()));
    }
}

/// Where OmegaT is: `$BITALIGN_OMEGAT_JAR`, else Debian's path; `None` (reason printed) when
/// the jar or `java` is missing.
fn omegat_jar() -> Option<PathBuf> {
    let jar = std::env::var_os("BITALIGN_OMEGAT_JAR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/share/omegat/OmegaT.jar"));
    if !jar.is_file() {
        common::skip(format_args!(
            "OmegaT not found at {} (apt install omegat)",
            jar.display()
        ));
        return None;
    }
    if Command::new("java").arg("-version").output().is_err() {
        common::skip(format_args!("java not runnable"));
        return None;
    }
    Some(jar)
}

/// An OmegaT project (en → ar, sentence segmentation on) holding `source` in `source/` and
/// `tmx` in `tm/auto/`, whose units OmegaT applies as exact translations.
fn omegat_project(dir: &Path, source: &Path, tmx: &Path, rules: Option<&str>) -> PathBuf {
    let project = dir.join("project");
    for sub in [
        "source",
        "target",
        "tm/auto",
        "glossary",
        "dictionary",
        "omegat",
    ] {
        fs::create_dir_all(project.join(sub)).expect("project folder");
    }
    let name = source.file_name().expect("file name");
    fs::copy(source, project.join("source").join(name)).expect("source copy");
    fs::copy(tmx, project.join("tm/auto/seed.tmx")).expect("tmx copy");
    fs::write(
        project.join("omegat.project"),
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<omegat>
  <project version="1.0">
    <source_dir>__DEFAULT__</source_dir>
    <target_dir>__DEFAULT__</target_dir>
    <tm_dir>__DEFAULT__</tm_dir>
    <glossary_dir>__DEFAULT__</glossary_dir>
    <glossary_file>__DEFAULT__</glossary_file>
    <dictionary_dir>__DEFAULT__</dictionary_dir>
    <source_lang>en</source_lang>
    <target_lang>ar</target_lang>
    <source_tok>org.omegat.tokenizer.LuceneEnglishTokenizer</source_tok>
    <target_tok>org.omegat.tokenizer.LuceneArabicTokenizer</target_tok>
    <sentence_seg>true</sentence_seg>
    <support_default_translations>true</support_default_translations>
    <remove_tags>false</remove_tags>
  </project>
</omegat>
"#,
    )
    .expect("omegat.project");
    if let Some(rules) = rules {
        fs::write(project.join("omegat/segmentation.conf"), rules).expect("segmentation.conf");
    }
    project
}

/// Runs OmegaT's console translation (120 s at most); returns its stdout + stderr.
fn omegat_translate(jar: &Path, project: &Path) -> String {
    let config = project.with_file_name("omegat-config");
    fs::create_dir_all(&config).expect("config folder");
    let mut child = Command::new("java")
        .arg("-Djava.awt.headless=true")
        .arg("-jar")
        .arg(jar)
        .arg(project)
        .arg("--mode=console-translate")
        .arg(format!("--config-dir={}", config.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("java starts");
    let started = Instant::now();
    loop {
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        if started.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("OmegaT did not finish in 120 s");
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let out = child.wait_with_output().expect("output");
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Paragraphs (blocks between blank lines) of a text.
fn paragraphs(text: &str) -> Vec<String> {
    text.replace("\r\n", "\n")
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect()
}

/// Whether a paragraph of OmegaT's target is Arabic: it has Arabic letters and Latin letters
/// are under 5% of its letters (names such as "ISIS" may stay Latin in a translation).
fn is_arabic(paragraph: &str) -> bool {
    let arabic = paragraph
        .chars()
        .filter(|c| ('\u{0600}'..='\u{06FF}').contains(c))
        .count();
    let latin = paragraph.chars().filter(char::is_ascii_alphabetic).count();
    arabic > 0 && latin * 20 < arabic + latin
}

/// OmegaT segmentation rules (a project's `omegat/segmentation.conf`, Java XMLEncoder form)
/// that do not split English after the titles bitalign's own table never ends a sentence
/// with (`Gen.`, `Maj.`, `Dr.`...) nor after `U.S.`; elsewhere a break after `.?!` + space.
/// OmegaT 3.6's defaults split `Maj. Gen. Duke Pirak` and `U.S. Commander`, so those
/// segments never match a unit of bitalign's.
fn segmentation_conf_like_bitalign() -> String {
    let table = fs::read_to_string(common::root().join("src/segment/abbreviations/en.txt"))
        .expect("English abbreviation table");
    let mut titles = vec!["U.S".to_string()];
    let mut section = "";
    for line in table.lines().map(str::trim) {
        if line.starts_with('[') {
            section = line;
        } else if section == "[title]" && !line.is_empty() && !line.starts_with('#') {
            titles.push(line.to_string());
        }
    }
    let rule = |brk: bool, before: &str, after: &str| {
        format!(
            "<void method=\"add\"><object class=\"org.omegat.core.segmentation.Rule\">\
             <void property=\"breakRule\"><boolean>{brk}</boolean></void>\
             <void property=\"beforebreak\"><string>{before}</string></void>\
             <void property=\"afterbreak\"><string>{after}</string></void>\
             </object></void>\n"
        )
    };
    let map_rule = |name: &str, pattern: &str, rules: String| {
        format!(
            "<void method=\"add\"><object class=\"org.omegat.core.segmentation.MapRule\">\
             <void property=\"language\"><string>{name}</string></void>\
             <void property=\"pattern\"><string>{pattern}</string></void>\
             <void property=\"rules\"><object class=\"java.util.ArrayList\">\n{rules}\
             </object></void></object></void>\n"
        )
    };
    let english: String = titles
        .iter()
        .map(|t| rule(false, &format!("\\b{}\\.", t.replace('.', "\\.")), "\\s"))
        .collect();
    let default = rule(false, "\\.\\.\\.", "\\s+\\P{Lu}") + &rule(true, "[\\.\\?\\!]+", "\\s");
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <java version=\"1.8.0\" class=\"java.beans.XMLDecoder\">\n\
         <object class=\"org.omegat.core.segmentation.SRX\">\n\
         <void property=\"segmentSubflows\"><boolean>true</boolean></void>\n\
         <void property=\"version\"><string>0.2.2</string></void>\n\
         <void property=\"mappingRules\"><object class=\"java.util.ArrayList\">\n{}{}\
         </object></void>\n</object>\n</java>\n",
        map_rule("English", "EN.*", english),
        map_rule("Default", ".*", default)
    )
}

/// Pre-translates the English seed with OmegaT from our TMX; returns the share of English
/// paragraphs that came out in Arabic, after checking OmegaT loaded the TMX cleanly.
fn omegat_fraction(jar: &Path, tmx_extra: &[&str], rules: Option<&str>) -> (usize, usize) {
    let dir = tempfile::tempdir().expect("tmp");
    let tmx = seed_tmx(dir.path(), "seed.tmx", tmx_extra);
    let (en, _) = seed();
    let project = omegat_project(dir.path(), &en, &tmx, rules);
    let log = omegat_translate(jar, &project);
    for bad in ["TF_TM_LOAD_ERROR", "TMXR_WARNING", "TMXR_ERROR"] {
        assert!(!log.contains(bad), "OmegaT reported {bad}:\n{log}");
    }
    assert!(log.contains("TMXR_INFO_READING_COMPLETE"), "{log}");
    let target = project.join("target").join("ar-mei-defense.txt");
    let translated = fs::read_to_string(&target).expect("OmegaT wrote the target document");
    let source = paragraphs(&fs::read_to_string(&en).expect("source"));
    let target = paragraphs(&translated);
    assert_eq!(target.len(), source.len(), "paragraphs kept");
    let arabic = target.iter().filter(|p| is_arabic(p)).count();
    (arabic, source.len())
}

#[test]
fn omegat_pretranslates_at_least_half_of_the_seed_paragraphs() {
    let Some(jar) = omegat_jar() else {
        return;
    };
    let (plain, total) = omegat_fraction(&jar, &[], None);
    println!("OmegaT 3.6 default segmentation: {plain}/{total} paragraphs in Arabic");
    let rules = segmentation_conf_like_bitalign();
    let (matched, total) = omegat_fraction(&jar, &[], Some(&rules));
    println!("OmegaT, titles and U.S. not split: {matched}/{total} paragraphs in Arabic");
    assert!(plain >= 1 && matched >= plain);
    assert!(
        2 * matched >= total,
        "OmegaT pre-translated {matched} of {total} paragraphs"
    );
}
