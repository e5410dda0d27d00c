//! Accuracy floors: the real aligner on real gold data. Floors sit just under what was
//! measured, so any regression fails here (figures and commands are in README.md).

use std::path::{Path, PathBuf};

use bitalign::align::AlignConfig;
use bitalign::eval::{self, Link, Scores};
use bitalign::pipeline::{self, Options};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn dev_dir() -> Option<PathBuf> {
    let d = root().join("../shared/bench/textberg-dev");
    if d.join("dev.defr").exists() {
        Some(d)
    } else {
        println!("skipped: ../shared/bench/textberg-dev is absent (only on a bare clone)");
        None
    }
}

/// Aligns two presegmented files (one sentence per line) and returns the hypothesis links.
fn align_presegmented(
    src: &Path,
    tgt: &Path,
    src_lang: &str,
    tgt_lang: &str,
    cfg: AlignConfig,
) -> Vec<Link> {
    let opts = Options {
        presegmented: true,
        src_lang: Some(src_lang.into()),
        tgt_lang: Some(tgt_lang.into()),
        align: cfg,
        ..Options::default()
    };
    let (pair, _) = pipeline::align_files("t", src, tgt, &opts).expect("inputs align");
    pair.beads.iter().map(|b| b.link()).collect()
}

fn dev_scores(cfg: AlignConfig) -> Option<Scores> {
    let d = dev_dir()?;
    let hyp = align_presegmented(&d.join("dev.de"), &d.join("dev.fr"), "de", "fr", cfg);
    let gold = eval::read_alignments_file(d.join("dev.defr")).expect("gold parses");
    let s = eval::score(&gold, &hyp);
    println!(
        "dev strict P {:.3} R {:.3} F1 {:.3}  lax F1 {:.3}",
        s.strict.precision, s.strict.recall, s.strict.f1, s.lax.f1
    );
    Some(s)
}

#[test]
fn full_aligner_reaches_its_strict_f1_floor_on_text_berg_dev() {
    if let Some(s) = dev_scores(AlignConfig::default()) {
        assert!(
            s.strict.f1 >= 0.855,
            "strict F1 {:.4} fell under 0.855",
            s.strict.f1
        );
        assert!(s.lax.f1 >= 0.97, "lax F1 {:.4} fell under 0.97", s.lax.f1);
    }
}

#[test]
fn anchors_beat_length_alone_on_text_berg_dev() {
    let length_only = AlignConfig {
        anchors: false,
        lexicon: false,
        ..AlignConfig::default()
    };
    if let (Some(full), Some(length)) =
        (dev_scores(AlignConfig::default()), dev_scores(length_only))
    {
        assert!(
            length.strict.f1 >= 0.69,
            "length-only F1 {:.4}",
            length.strict.f1
        );
        assert!(full.strict.f1 > length.strict.f1 + 0.1);
    }
}

#[test]
fn gale_church_baseline_runs_and_stays_below_the_full_system() {
    let gc = AlignConfig {
        anchors: false,
        lexicon: false,
        gale_church: true,
        ..AlignConfig::default()
    };
    if let (Some(full), Some(base)) = (dev_scores(AlignConfig::default()), dev_scores(gc)) {
        assert!(
            base.strict.f1 >= 0.5,
            "Gale–Church F1 {:.4}",
            base.strict.f1
        );
        assert!(full.strict.f1 > base.strict.f1);
    }
}

#[test]
fn learned_lexicon_adds_to_anchors_on_text_berg_dev() {
    let anchors_only = AlignConfig {
        lexicon: false,
        ..AlignConfig::default()
    };
    if let (Some(full), Some(anchors)) =
        (dev_scores(AlignConfig::default()), dev_scores(anchors_only))
    {
        assert!(
            anchors.strict.f1 >= 0.85,
            "anchors-only F1 {:.4}",
            anchors.strict.f1
        );
        assert!(
            full.strict.f1 > anchors.strict.f1,
            "{:.4} vs {:.4}",
            full.strict.f1,
            anchors.strict.f1
        );
    }
}

/// Every pair of the bundled corpus, aligned over its reference segmentation.
fn corpus_scores() -> Scores {
    let gold_root = root().join("corpora/gold");
    let mut docs = Vec::new();
    let mut langs: Vec<_> = std::fs::read_dir(&gold_root)
        .expect("corpora/gold")
        .flatten()
        .collect();
    langs.sort_by_key(|e| e.file_name());
    for lang in langs {
        let tgt_lang = lang.file_name().to_string_lossy().into_owned();
        let mut files: Vec<_> = std::fs::read_dir(lang.path())
            .expect("gold lang")
            .flatten()
            .collect();
        files.sort_by_key(|e| e.file_name());
        for f in files {
            let name = f.file_name();
            let src = root().join("corpora/reference/en").join(&name);
            let tgt = root().join("corpora/reference").join(&tgt_lang).join(&name);
            let hyp = align_presegmented(&src, &tgt, "en", &tgt_lang, AlignConfig::default());
            let gold = eval::read_alignments_file(f.path()).expect("gold parses");
            let s = eval::score(&gold, &hyp);
            println!(
                "{:>3} {:<24} strict F1 {:.3}",
                tgt_lang,
                name.to_string_lossy(),
                s.strict.f1
            );
            docs.push((gold, hyp));
        }
    }
    eval::score_many(&docs)
}

#[test]
fn bundled_corpus_reaches_its_strict_f1_floor() {
    let s = corpus_scores();
    println!(
        "corpus strict P {:.3} R {:.3} F1 {:.3}",
        s.strict.precision, s.strict.recall, s.strict.f1
    );
    assert!(s.strict.f1 >= 0.96, "corpus strict F1 {:.4}", s.strict.f1);
}
