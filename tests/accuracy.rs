//! Accuracy floors: the real aligner on real gold data. Floors sit just under what was
//! measured, so any regression fails here (figures and commands are in README.md).

mod common;

use std::path::{Path, PathBuf};

use bitalign::align::AlignConfig;
use bitalign::batch::{self, BatchJob, Source};
use bitalign::corpus::CorpusLexicon;
use bitalign::eval::{self, Link, Scores};
use bitalign::export::Format;
use bitalign::pipeline::{self, Options};
use bitalign::progress::Silent;

fn dev_dir() -> Option<PathBuf> {
    let d = common::shared().join("bench/textberg-dev");
    if d.join("dev.defr").exists() {
        Some(d)
    } else {
        common::skip(format_args!(
            "../shared/bench/textberg-dev is absent (only on a bare clone)"
        ));
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
            s.strict.f1 >= 0.87,
            "strict F1 {:.4} fell under 0.87",
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
    let gold_root = common::root().join("corpora/gold");
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
            let src = common::root().join("corpora/reference/en").join(&name);
            let tgt = common::root()
                .join("corpora/reference")
                .join(&tgt_lang)
                .join(&name);
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

/// The dev document cut into pieces: a small corpus `corpus/de/NN.txt`, `corpus/fr/NN.txt`
/// (one sentence per line) in a temporary folder, and each piece's gold with indices re-based
/// to 0.
struct Pieces {
    dir: tempfile::TempDir,
    gold: Vec<Vec<Link>>,
}

impl Pieces {
    fn corpus(&self) -> PathBuf {
        self.dir.path().join("corpus")
    }

    fn name(k: usize) -> String {
        format!("{k:02}")
    }
}

/// Cuts dev into `k` pieces at gold bead boundaries: before the first two-sided gold bead at
/// or after each k-th of the source sentences, so no gold bead is split (as
/// `benches/peers/split_dev.py` does for the benchmark).
fn dev_pieces(k: usize) -> Option<Pieces> {
    let d = dev_dir()?;
    let read = |f: &str| std::fs::read_to_string(d.join(f)).expect("dev file");
    let (src, tgt) = (read("dev.de"), read("dev.fr"));
    let (src, tgt): (Vec<&str>, Vec<&str>) = (src.lines().collect(), tgt.lines().collect());
    let gold = eval::read_alignments_file(d.join("dev.defr")).expect("gold parses");
    let mut starts = Vec::with_capacity(gold.len() + 1);
    let (mut i, mut j) = (0, 0);
    for (s, t) in &gold {
        starts.push((i, j));
        i = s.last().map_or(i, |x| x + 1);
        j = t.last().map_or(j, |y| y + 1);
    }
    starts.push((src.len(), tgt.len()));
    let mut cuts = vec![0];
    for p in 1..k {
        let want = p * src.len() / k;
        let from = cuts[cuts.len() - 1] + 1;
        let two_sided = |b: &usize| !gold[*b].0.is_empty() && !gold[*b].1.is_empty();
        if let Some(b) = (from..gold.len()).find(|b| starts[*b].0 >= want && two_sided(b)) {
            cuts.push(b);
        }
    }
    cuts.push(gold.len());
    let dir = tempfile::tempdir().expect("temporary folder");
    let mut pieces = Vec::new();
    for (n, w) in cuts.windows(2).enumerate() {
        let ((i0, j0), (i1, j1)) = (starts[w[0]], starts[w[1]]);
        for (lang, lines) in [("de", &src[i0..i1]), ("fr", &tgt[j0..j1])] {
            let folder = dir.path().join("corpus").join(lang);
            std::fs::create_dir_all(&folder).expect("piece folder");
            let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
            std::fs::write(folder.join(format!("{}.txt", Pieces::name(n))), text)
                .expect("piece written");
        }
        let rebase = |v: &[usize], o: usize| v.iter().map(|x| x - o).collect();
        pieces.push(
            gold[w[0]..w[1]]
                .iter()
                .map(|(s, t)| (rebase(s, i0), rebase(t, j0)))
                .collect(),
        );
    }
    Some(Pieces { dir, gold: pieces })
}

/// Each piece aligned alone, as `bitalign align` would.
fn pieces_alone(p: &Pieces) -> Scores {
    let docs: Vec<(Vec<Link>, Vec<Link>)> = (0..p.gold.len())
        .map(|n| {
            let file = |lang: &str| {
                p.corpus()
                    .join(lang)
                    .join(format!("{}.txt", Pieces::name(n)))
            };
            let hyp =
                align_presegmented(&file("de"), &file("fr"), "de", "fr", AlignConfig::default());
            (p.gold[n].clone(), hyp)
        })
        .collect();
    eval::score_many(&docs)
}

/// `bitalign batch --presegmented -f vecalign` over the pieces into `out`.
fn pieces_job(p: &Pieces, out: &Path, corpus_lexicon: Option<CorpusLexicon>) -> BatchJob {
    BatchJob {
        format: Format::Vecalign,
        options: Options {
            presegmented: true,
            src_lang: Some("de".into()),
            tgt_lang: Some("fr".into()),
            ..Options::default()
        },
        corpus_lexicon,
        ..BatchJob::new(Source::Folders(p.corpus()), out)
    }
}

/// The pieces through `bitalign batch --presegmented -f vecalign`; returns the scores and the
/// output folder.
fn pieces_in_batch(
    p: &Pieces,
    corpus_lexicon: Option<CorpusLexicon>,
    jobs: usize,
) -> (Scores, tempfile::TempDir) {
    let out = tempfile::tempdir().expect("temporary folder");
    let job = BatchJob {
        jobs: Some(jobs),
        ..pieces_job(p, out.path(), corpus_lexicon)
    };
    let report = batch::run(&job, &Silent).expect("batch runs");
    assert_eq!(
        report.totals.failed,
        0,
        "{:?}",
        report.failed().collect::<Vec<_>>()
    );
    let docs: Vec<(Vec<Link>, Vec<Link>)> = (0..p.gold.len())
        .map(|n| {
            let hyp = out
                .path()
                .join("fr")
                .join(format!("{}.vecalign", Pieces::name(n)));
            let hyp = eval::read_alignments_file(hyp).expect("hypothesis parses");
            (p.gold[n].clone(), hyp)
        })
        .collect();
    (eval::score_many(&docs), out)
}

#[test]
fn corpus_lexicon_beats_per_pair_lexicons_on_dev_cut_into_ten_documents() {
    let Some(p) = dev_pieces(10) else { return };
    let alone = pieces_alone(&p);
    let (per_pair, _) = pieces_in_batch(&p, None, 2);
    let (corpus, _) = pieces_in_batch(&p, Some(CorpusLexicon::default()), 2);
    println!(
        "dev in 10 pieces, strict F1: align alone {:.4}, batch per-pair lexicon {:.4}, \
         batch corpus lexicon {:.4}",
        alone.strict.f1, per_pair.strict.f1, corpus.strict.f1
    );
    assert!(
        corpus.strict.f1 >= 0.87,
        "corpus lexicon F1 {:.4} fell under 0.87",
        corpus.strict.f1
    );
    assert!(
        corpus.strict.f1 > per_pair.strict.f1 && corpus.strict.f1 > alone.strict.f1,
        "corpus {:.4}, per pair {:.4}, alone {:.4}",
        corpus.strict.f1,
        per_pair.strict.f1,
        alone.strict.f1
    );
}

#[test]
fn corpus_lexicon_output_is_the_same_for_any_thread_count_and_resumes_without_work() {
    let Some(p) = dev_pieces(5) else { return };
    let cfg = Some(CorpusLexicon::default());
    let (one, a) = pieces_in_batch(&p, cfg.clone(), 1);
    let (two, b) = pieces_in_batch(&p, cfg.clone(), 2);
    assert_eq!(one, two);
    for n in 0..p.gold.len() {
        let file =
            |d: &Path| std::fs::read(d.join("fr").join(format!("{}.vecalign", Pieces::name(n))));
        assert_eq!(file(a.path()).ok(), file(b.path()).ok(), "piece {n}");
    }
    let job = BatchJob {
        resume: true,
        ..pieces_job(&p, a.path(), cfg)
    };
    let report = batch::run(&job, &Silent).expect("batch resumes");
    assert_eq!(report.totals.skipped, p.gold.len(), "{:?}", report.totals);
}

#[test]
fn a_20k_sentence_pair_through_the_coarse_search_keeps_the_single_documents_accuracy() {
    let Some(d) = dev_dir() else { return };
    let lines = |f: &str| -> Vec<String> {
        let text = std::fs::read_to_string(d.join(f)).expect("dev file reads");
        text.lines().map(str::to_string).collect()
    };
    let (de, fr) = (lines("dev.de"), lines("dev.fr"));
    let gold = eval::read_alignments_file(d.join("dev.defr")).expect("gold parses");
    // Dev repeated 43 times (20,124 × 23,822 sentences), its gold shifted with it.
    let copies = 43;
    let dir = tempfile::tempdir().expect("temp dir");
    let (src, tgt) = (
        common::write_repeated(dir.path(), "src.txt", &de, copies),
        common::write_repeated(dir.path(), "tgt.txt", &fr, copies),
    );
    let long_gold: Vec<Link> = (0..copies)
        .flat_map(|c| {
            let (so, to) = (c * de.len(), c * fr.len());
            gold.iter().map(move |(s, t)| {
                (
                    s.iter().map(|x| x + so).collect(),
                    t.iter().map(|y| y + to).collect(),
                )
            })
        })
        .collect();
    let hyp = align_presegmented(&src, &tgt, "de", "fr", AlignConfig::default());
    let s = eval::score(&long_gold, &hyp);
    println!("dev ×43 strict F1 {:.4}", s.strict.f1);
    // Measured .8715 (dev alone: .876).
    assert!(
        s.strict.f1 >= 0.865,
        "strict F1 {:.4} fell under 0.865",
        s.strict.f1
    );
}
