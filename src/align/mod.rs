//! Alignment: scoring signals (length, anchors, lexicon) combined in one cost, searched by
//! dynamic programming over beads, each bead given a calibrated confidence.

use std::ops::Range;

use crate::document::Document;

pub use crate::bitext::{AlignedPair, Bead};

pub mod anchors;
pub mod dp;
pub mod length;
pub mod lexicon;
pub mod logspace;
pub mod meaning;
pub mod orphan;
pub mod shapes;

use anchors::Anchors;
use dp::{Band, Lattice, Step};
use length::{GaleChurch, LengthModel};
use lexicon::Lexicon;
use shapes::{Priors, Shape};
use std::sync::Arc;

/// Which signals the aligner combines. The defaults are the full system; the others exist to
/// measure what each signal brings.
#[derive(Debug, Clone)]
pub struct AlignConfig {
    /// Classic Gale–Church length cost and its six bead shapes instead of the length
    /// likelihood ratio (the baseline).
    pub gale_church: bool,
    /// Use anchors (numbers, punctuation, names, cognates, paragraph starts).
    pub anchors: bool,
    /// Learn a translation lexicon from the pair's first-pass alignment and use it.
    pub lexicon: bool,
    /// Word pairs known beforehand: a bilingual dictionary, or a lexicon learned over a whole
    /// corpus (more reliable than one document's).
    pub dictionary: Option<Arc<Lexicon>>,
    /// Bead scores are divided by this before posteriors are computed (calibration).
    pub temperature: f64,
    /// Above this many lattice cells the search runs in a band around a coarse path.
    pub max_full_cells: usize,
    /// Most lattice cells one pass may search (memory: about 9 bytes per cell on the last
    /// pass). A band that would grow beyond is not widened, or is narrowed, and when even
    /// the narrowest does not fit, the coarse (block-level) alignment is returned: a coarser
    /// result and a warning, never an abort.
    pub max_dp_cells: usize,
    /// A sentence encoder ([`meaning`]): where the model-free alignment is unsure, the
    /// cosine of the bead's sentence vectors joins the score. `None`: no model, and the
    /// output is what it always was.
    pub embed: Option<Arc<meaning::Embeddings>>,
}

impl Default for AlignConfig {
    fn default() -> Self {
        AlignConfig {
            gale_church: false,
            anchors: true,
            lexicon: true,
            dictionary: None,
            temperature: 1.0,
            max_full_cells: 40_000,
            max_dp_cells: 100_000_000,
            embed: None,
        }
    }
}

/// One side of a pair at some resolution: sentences, or blocks of them on a coarse level.
struct Side {
    /// Length in characters of each unit.
    len: Vec<usize>,
    /// Whether each unit opens a paragraph (other than the first).
    para: Vec<bool>,
    /// How many original sentences each unit stands for.
    units: Vec<usize>,
    /// Evidence (log-odds) that each unit has no counterpart ([`orphan`]); zero for blocks.
    orphan: Vec<f32>,
}

impl Side {
    fn of(doc: &Document, orphans: bool) -> Self {
        Side {
            orphan: if orphans {
                orphan::evidence(doc)
            } else {
                vec![0.0; doc.len()]
            },
            len: doc
                .sentences
                .iter()
                .map(|s| s.text.chars().count())
                .collect(),
            para: (0..doc.len()).map(|k| doc.starts_paragraph(k)).collect(),
            units: vec![1; doc.len()],
        }
    }

    fn coarsen(&self, k: usize) -> Self {
        Side {
            len: self.len.chunks(k).map(|c| c.iter().sum()).collect(),
            para: self.para.chunks(k).map(|c| c[0]).collect(),
            units: self.units.chunks(k).map(|c| c.iter().sum()).collect(),
            orphan: vec![0.0; self.len.len().div_ceil(k)],
        }
    }
}

/// A document pair at one resolution of the search: what scoring needs before any fitting.
struct Level<'a> {
    /// The documents themselves, on the full-resolution level only: the lexicon is learned
    /// from their words.
    docs: Option<(&'a Document, &'a Document)>,
    src: Side,
    tgt: Side,
    anchors: Option<Anchors>,
    /// The length ratio expected for the language pair and its weight
    /// ([`length::prior_log_ratio`]).
    ratio: Option<(f64, f64)>,
}

impl<'a> Level<'a> {
    fn new(src: &'a Document, tgt: &'a Document, cfg: &AlignConfig) -> Self {
        let anchors = cfg.anchors.then(|| {
            Anchors::build(src.len(), tgt.len(), |source, k| {
                let d = if source { src } else { tgt };
                let start = anchors::Start {
                    paragraph: d.starts_paragraph(k),
                    heading: d.is_heading(k),
                };
                (d.sentences[k].key.as_str(), start)
            })
        });
        let orphans = cfg.anchors && !cfg.gale_church;
        Level {
            docs: Some((src, tgt)),
            src: Side::of(src, orphans),
            tgt: Side::of(tgt, orphans),
            anchors,
            ratio: length::prior_log_ratio(&src.lang, &tgt.lang),
        }
    }

    /// The pair with blocks of `k` sentences as units.
    fn coarsen(&self, k: usize) -> Level<'static> {
        Level {
            docs: None,
            src: self.src.coarsen(k),
            tgt: self.tgt.coarsen(k),
            anchors: self.anchors.as_ref().map(|a| a.coarsen(k)),
            ratio: self.ratio,
        }
    }

    fn dims(&self) -> (usize, usize) {
        (self.src.len.len(), self.tgt.len.len())
    }
}

/// Everything learned about one document pair that scores a bead.
struct Scorer<'a> {
    src_pre: Vec<usize>,
    tgt_pre: Vec<usize>,
    /// Prefix counts of paragraph starts, to count the paragraph breaks inside a bead.
    src_para: Vec<usize>,
    tgt_para: Vec<usize>,
    /// Prefix counts of the original sentences each (block) unit stands for: on a coarse
    /// level a one-sided bead drops a whole block, and costs as much as dropping each of
    /// its sentences (else a periodic text can slip by a period for the price of one bead).
    src_units: Vec<usize>,
    tgt_units: Vec<usize>,
    /// Prefix sums of each side's one-sided evidence ([`orphan`]).
    src_orphan: Vec<f64>,
    tgt_orphan: Vec<f64>,
    priors: Priors,
    length: LengthModel,
    gale_church: Option<GaleChurch>,
    anchors: Option<Anchors>,
    /// The sentence-vector signal, on the last pass of a pair aligned with a model.
    meaning: Option<meaning::Meaning>,
    docs: Option<(&'a Document, &'a Document)>,
}

impl<'a> Scorer<'a> {
    fn new(level: Level<'a>, cfg: &AlignConfig) -> Self {
        let (src, tgt) = (&level.src, &level.tgt);
        let flags = |p: &[bool]| -> Vec<usize> { p.iter().map(|&b| usize::from(b)).collect() };
        Scorer {
            src_pre: prefix(&src.len),
            tgt_pre: prefix(&tgt.len),
            src_para: prefix(&flags(&src.para)),
            tgt_para: prefix(&flags(&tgt.para)),
            src_units: prefix(&src.units),
            tgt_units: prefix(&tgt.units),
            src_orphan: prefix(&src.orphan),
            tgt_orphan: prefix(&tgt.orphan),
            priors: if cfg.gale_church {
                Priors::gale_church()
            } else if level.docs.is_none() {
                Priors::up_to(COARSE_SHAPE)
            } else {
                Priors::default()
            },
            length: LengthModel::new(&src.len, &tgt.len, level.ratio),
            gale_church: cfg.gale_church.then(|| GaleChurch::new(&src.len, &tgt.len)),
            anchors: level.anchors,
            meaning: None,
            docs: level.docs,
        }
    }

    /// The log score of the bead of shape `k` from `(i, j)`, whose matched anchor features
    /// gain `hit` ([`Anchors::hits_row`]; unused for one-sided beads and without anchors).
    #[inline]
    fn score(&self, i: usize, j: usize, k: usize, hit: f32) -> f64 {
        let (s, lp) = (self.priors.shapes[k], self.priors.log_prior[k]);
        let drift = self.drift(i, j, s);
        let (ws, wt) = (
            self.src_orphan[i + s.di] - self.src_orphan[i],
            self.tgt_orphan[j + s.dj] - self.tgt_orphan[j],
        );
        if s.di == 0 || s.dj == 0 {
            let m = self
                .meaning
                .as_ref()
                .map_or(0.0, |m| m.one_sided(i, s.di, j, s.dj));
            return lp * self.units(i, j, s) as f64 - drift + ws + wt + m;
        }
        // A line likely without counterpart inside a two-sided bead must be matched by one
        // of its kind on the other side (a credit translated as a credit), else it was
        // swallowed; matched, the two lines are a weak anchor (a byline for a byline).
        let mut v = lp - drift - ORPHAN_MISMATCH * (ws - wt).abs() + ORPHAN_MATCH * ws.min(wt);
        v += match &self.gale_church {
            Some(gc) => gc.log_p(
                self.src_pre[i + s.di] - self.src_pre[i],
                self.tgt_pre[j + s.dj] - self.tgt_pre[j],
            ),
            None => self.length.llr_at(i, s.di, j, s.dj),
        };
        if let Some(a) = &self.anchors {
            v += a.llr_with_hit(i..i + s.di, j..j + s.dj, hit);
            // A paragraph break inside one side of a bead but not the other: translators
            // keep paragraphs, so such a bead is unlikely.
            let inside = |pre: &[usize], a: usize, d: usize| pre[a + d] - pre[a + 1];
            let (bs, bt) = (
                inside(&self.src_para, i, s.di),
                inside(&self.tgt_para, j, s.dj),
            );
            v -= PARAGRAPH_BREAK_COST * bs.abs_diff(bt) as f64;
        }
        if let Some(m) = &self.meaning {
            v += m.llr(i, s.di, j, s.dj);
        }
        v
    }

    /// How many original sentences the bead of shape `s` from `(i, j)` covers, both sides.
    #[inline]
    fn units(&self, i: usize, j: usize, s: Shape) -> usize {
        self.src_units[i + s.di] - self.src_units[i] + self.tgt_units[j + s.dj] - self.tgt_units[j]
    }

    /// On a coarse level (no documents: blocks of sentences), the cost of the bead of shape
    /// `s` from `(i, j)` for ending off the diagonal.
    /// Blocks are too long for a bead's own lengths to say where it belongs: in an even or
    /// periodic text the path can drift by many blocks at no cost (the extra blocks of the
    /// longer side go anywhere), and the finer levels then search around the wrong place.
    /// A weak pull toward the diagonal breaks those ties; real anchors outweigh it, and the
    /// full-resolution level has none.
    #[inline]
    fn drift(&self, i: usize, j: usize, s: Shape) -> f64 {
        if self.docs.is_some() {
            return 0.0;
        }
        let (ns, nt) = (
            self.src_units[self.src_units.len() - 1],
            self.tgt_units[self.tgt_units.len() - 1],
        );
        let off = (self.src_units[i + s.di] as f64 / ns.max(1) as f64
            - self.tgt_units[j + s.dj] as f64 / nt.max(1) as f64)
            .abs();
        DRIFT_COST * off * self.units(i, j, s) as f64
    }

    /// Adds lexical anchors (learned from `path` and/or the given dictionary) to the anchor
    /// model, rebuilt and refitted on `path`.
    fn add_lexicon(&mut self, path: &[Step], cfg: &AlignConfig) {
        let (Some((src, tgt)), Some(base)) = (self.docs, &self.anchors) else {
            return;
        };
        if !(cfg.lexicon || cfg.dictionary.is_some()) {
            return;
        }
        let mut lex = Lexicon::default();
        if cfg.lexicon {
            let key = |d: &Document, r: std::ops::Range<usize>| {
                d.sentences[r]
                    .iter()
                    .map(|s| s.key.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            let beads: Vec<&Step> = path
                .iter()
                .filter(|s| s.shape.di > 0 && s.shape.dj > 0)
                .collect();
            // Model 1 costs grow with the number of word pairs it is trained on; a budget of
            // them, drawn over the whole document, learns the frequent words as well as all
            // beads would (coarse passes have long blocks). The draw is hashed, not strided,
            // so a periodic document cannot alias with it, and keyed by the bead's source
            // sentence, so that a path changed in one place draws the same beads elsewhere.
            let cost = |s: &&Step| {
                let words = |d: &Document, r: std::ops::Range<usize>| {
                    let chars: usize = d.sentences[r].iter().map(|x| x.key.len()).sum();
                    (chars / 6 + 1).min(80) as f64
                };
                words(src, s.i..s.i + s.shape.di) * words(tgt, s.j..s.j + s.shape.dj)
            };
            let total: f64 = beads.iter().map(cost).sum();
            let keep = MAX_LEXICON_CELLS / total.max(1.0);
            let pairs: Vec<(String, String)> = beads
                .iter()
                .filter(|s| keep >= 1.0 || unit_hash(s.i as u64) < keep)
                .map(|s| {
                    (
                        key(src, s.i..s.i + s.shape.di),
                        key(tgt, s.j..s.j + s.shape.dj),
                    )
                })
                .collect();
            lex = Lexicon::learn(&pairs);
        }
        if let Some(d) = &cfg.dictionary {
            lex.extend(d);
        }
        if lex.is_empty() {
            return;
        }
        let mut a = base.extended(lex.len(), |source, k| {
            let d = if source { src } else { tgt };
            lex.features(&d.sentences[k].key, source)
        });
        a.refit(&two_sided_ranges(path));
        self.anchors = Some(a);
    }

    /// Learns the pair's parameters from a path believed mostly right.
    fn refit(&mut self, path: &[Step]) {
        let len = |pre: &[usize], a: usize, d: usize| pre[a + d] - pre[a];
        let one_to_one: Vec<(usize, usize)> = path
            .iter()
            .filter(|s| s.shape.di == 1 && s.shape.dj == 1)
            .map(|s| (len(&self.src_pre, s.i, 1), len(&self.tgt_pre, s.j, 1)))
            .collect();
        match &mut self.gale_church {
            Some(gc) => gc.refit(&one_to_one),
            None => self.length.refit(&one_to_one),
        }
        if let Some(a) = &mut self.anchors {
            a.refit(&two_sided_ranges(path));
        }
        if self.gale_church.is_some() {
            return; // the classic baseline keeps its fixed priors
        }
        let mut counts: Vec<(Shape, usize)> = Vec::new();
        for s in path {
            match counts.iter_mut().find(|c| c.0 == s.shape) {
                Some(c) => c.1 += 1,
                None => counts.push((s.shape, 1)),
            }
        }
        self.priors = self.priors.reestimate(&counts, 20.0);
    }
}

impl dp::BeadScores for &Scorer<'_> {
    type Scratch = anchors::Marks;

    /// One-sided beads score their prior alone. Two-sided beads are scored by source run
    /// (all the shapes of one source height together): the run's features are gathered once,
    /// and their target occurrences give the matches of every target height
    /// ([`Anchors::hits_row`]).
    fn row(
        &self,
        marks: &mut Self::Scratch,
        i: usize,
        lo: usize,
        spans: &[Range<usize>],
        out: &mut [f32],
    ) {
        let shapes = &self.priors.shapes;
        let ns = shapes.len();
        let mut put = |j: usize, k: usize, v: f64| out[(j - lo) * ns + k] = v as f32;
        let anchors = self.anchors.as_ref();
        for (k, s) in shapes.iter().enumerate() {
            if anchors.is_none() || s.di == 0 || s.dj == 0 {
                for j in spans[k].clone() {
                    put(j, k, self.score(i, j, k, 0.0));
                }
            }
        }
        let Some(a) = anchors else { return };
        let max_di = shapes.iter().map(|s| s.di).max().unwrap_or(0);
        for di in 1..=max_di {
            let group = |k: &usize| shapes[*k].di == di && shapes[*k].dj > 0;
            let ks = (0..ns).filter(group).filter(|&k| !spans[k].is_empty());
            let Some(depth) = ks.clone().map(|k| shapes[k].dj).max() else {
                continue;
            };
            let from = ks.clone().map(|k| spans[k].start).min().unwrap_or(0);
            let to = ks.map(|k| spans[k].end).max().unwrap_or(0);
            a.hits_row(marks, i..i + di, depth, from..to, |j, hits| {
                for k in (0..ns).filter(group).filter(|&k| spans[k].contains(&j)) {
                    put(j, k, self.score(i, j, k, hits[shapes[k].dj - 1]));
                }
            });
        }
    }
}

/// Source and target ranges of the beads of `path` that have both sides (what anchor
/// survival rates are learned from).
fn two_sided_ranges(path: &[Step]) -> Vec<(Range<usize>, Range<usize>)> {
    path.iter()
        .filter(|s| s.shape.di > 0 && s.shape.dj > 0)
        .map(|s| (s.i..s.i + s.shape.di, s.j..s.j + s.shape.dj))
        .collect()
}

/// A deterministic pseudo-random number in `[0, 1)` for `k` (splitmix64).
fn unit_hash(k: u64) -> f64 {
    let mut z = k.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    (z ^ (z >> 31)) as f64 / (u64::MAX as f64 + 1.0)
}

/// Running sums from 0 (`out[k]` sums the first `k` values), in `A` (lengths in `usize`,
/// evidence in `f64`).
pub(crate) fn prefix<T: Copy, A: Copy + Default + std::ops::Add<Output = A> + From<T>>(
    values: &[T],
) -> Vec<A> {
    let mut out = Vec::with_capacity(values.len() + 1);
    let mut acc = A::default();
    out.push(acc);
    for &v in values {
        acc = acc + A::from(v);
        out.push(acc);
    }
    out
}

/// Cost per original sentence of a coarse bead for each unit of relative distance (share of
/// the document) between its end and the diagonal.
const DRIFT_COST: f64 = 1.0;

/// How much of a line's one-sided evidence a two-sided bead pays when the other side has
/// no such line.
const ORPHAN_MISMATCH: f64 = 0.5;

/// How much of the one-sided evidence that both sides of a bead share is counted for it.
const ORPHAN_MATCH: f64 = 0.5;

/// Log cost of each paragraph break inside one side of a bead that the other side lacks.
const PARAGRAPH_BREAK_COST: f64 = 5.0;

/// About this many word pairs (source × target words of a bead, summed) train the pair's own
/// lexicon: some 3000 beads of 20-word sentences.
const MAX_LEXICON_CELLS: f64 = 1.2e6;

/// How many times the pair's parameters are re-learned from the current best path, on the
/// full-resolution level. Coarse levels search once: their path only places the next band,
/// and re-learning there moved no band of the benchmarks (the 20k pair: same alignment).
const REFITS: usize = 1;

/// Aligns two documents. Every sentence of both sides lands in exactly one bead, beads are
/// in document order, and each carries the posterior probability that it is right.
pub fn align(src: &Document, tgt: &Document, cfg: &AlignConfig) -> Vec<Bead> {
    align_with_warnings(src, tgt, cfg).beads
}

/// An alignment and what the aligner had to give up on the way (see
/// [`AlignConfig::max_dp_cells`]).
#[derive(Debug, Clone, Default)]
pub struct Alignment {
    pub beads: Vec<Bead>,
    pub warnings: Vec<String>,
}

/// [`align`], also reporting where the memory cap made the search coarser.
pub fn align_with_warnings(src: &Document, tgt: &Document, cfg: &AlignConfig) -> Alignment {
    align_level(Level::new(src, tgt, cfg), cfg, true)
}

/// Aligns one level of the search; coarser levels only guide it, and need no posteriors
/// (their beads then score 0).
fn align_level(level: Level, cfg: &AlignConfig, posteriors: bool) -> Alignment {
    let (n, m) = level.dims();
    let mut warnings = Vec::new();
    if n == 0 || m == 0 {
        return Alignment {
            beads: one_sided(n, m),
            warnings,
        };
    }
    let mut band = match first_band(&level, cfg, &mut warnings) {
        Ok(band) => band,
        Err(coarse) => {
            return Alignment {
                beads: coarse,
                warnings,
            }
        }
    };
    let mut scorer = Scorer::new(level, cfg);
    let shapes = scorer.priors.shapes.clone();
    let mut found = None;
    let refits = if scorer.docs.is_some() { REFITS } else { 0 };
    for pass in 0..=refits {
        let last = pass == refits;
        let t = (last && posteriors).then_some(cfg.temperature);
        let (sweep, used) = search(&scorer, &shapes, band, t, cfg.max_dp_cells, &mut warnings);
        band = used;
        let Some(path) = sweep.path else { break };
        if !last {
            scorer.refit(&path);
            if pass == 0 {
                scorer.add_lexicon(&path, cfg);
            }
            band = band_around(&path_points(&path), n, m, REFIT_WIDTH);
            continue;
        }
        found = Some((path, sweep.forward));
    }
    let Some((path, forward)) = found else {
        return Alignment {
            beads: one_sided(n, m),
            warnings,
        };
    };
    let beads = scored_beads(&scorer, &shapes, &band, &path, forward, cfg.temperature);
    let mut out = Alignment { beads, warnings };
    if let (Some(emb), Some((src, tgt)), true) = (&cfg.embed, scorer.docs, posteriors) {
        match meaning::Meaning::learn(src, tgt, &out.beads, emb) {
            Ok(signal) => {
                scorer.meaning = Some(signal);
                let band = band_around(&path_points(&path), n, m, MEANING_WIDTH);
                let t = Some(cfg.temperature);
                let (sweep, used) = search(
                    &scorer,
                    &shapes,
                    band,
                    t,
                    cfg.max_dp_cells,
                    &mut out.warnings,
                );
                if let Some(p) = sweep.path {
                    out.beads =
                        scored_beads(&scorer, &shapes, &used, &p, sweep.forward, cfg.temperature);
                }
            }
            Err(e) => out.warnings.push(format!(
                "the sentence encoder failed ({e}); aligned without it"
            )),
        }
    }
    out
}

/// Half-width of the band searched again with the sentence vectors: they can move the path
/// further than a refit of the model-free signals does.
const MEANING_WIDTH: usize = 8;

/// The beads of `path` with their posteriors (zero without forward sums).
fn scored_beads(
    scorer: &Scorer,
    shapes: &[Shape],
    band: &Band,
    path: &[Step],
    forward: Option<dp::Forward>,
    temperature: f64,
) -> Vec<Bead> {
    let lattice = Lattice {
        band,
        shapes,
        score: scorer,
    };
    let post = match forward {
        Some(forward) => lattice.posteriors(path, forward, temperature),
        None => vec![0.0; path.len()],
    };
    path.iter()
        .zip(post)
        .map(|(st, p)| Bead {
            src: st.i..st.i + st.shape.di,
            tgt: st.j..st.j + st.shape.dj,
            score: p,
        })
        .collect()
}

/// Rows around each path point that a band covers (the tallest bead's height).
const ROW_REACH: usize = 4;

/// Sentences per block of the coarse pass; levels recurse until the lattice is small.
const COARSE_BLOCK: usize = 8;

/// Most blocks per side of a coarse level's beads: a block holds several sentences, so the
/// rarest shapes of sentences (1-4, 4-1) are next to absent between blocks, and each taller
/// bead costs more matching. At most 2 was faster still but lost a 50-line untranslated
/// passage in a long text (`tests/scale.rs`): the coarse path must bend sharply there.
const COARSE_SHAPE: usize = 3;

/// Half-width of the first full-resolution band around the coarse path: a block's own
/// sentences plus a small margin. What blocks cannot resolve (a run of one-sided sentences
/// inside a block) makes the path touch the edge, and only those stretches are widened and
/// searched again; a wider band everywhere cost time for nothing (the 20k and 200k pairs:
/// same or better F1 at ±10 than at ±20).
const FIRST_WIDTH: usize = COARSE_BLOCK + 2;

/// Half-width of the band, in sentences, searched around the previous pass's path. The
/// refitted model moves the path by a sentence or two (Text+Berg dev and the repeated-dev
/// benchmark: widths 3 to 12 give the same alignment), and the posteriors weigh the paths
/// inside this band.
const REFIT_WIDTH: usize = 3;

/// The widest a band grows around a point where the path keeps touching its edge.
const MAX_WIDTH: usize = 768;

/// Viterbi inside `band`, widening it where the best path touches its edge (the true path may
/// lie outside), until it does not or the cell budget is spent. Returns the band finally used.
/// With `temperature`, the sweep also keeps the forward sums for posteriors, and a wider band
/// is swept again whole; without, only the stretches of the path around the edge points are
/// searched again ([`repair`]), so a narrow first band costs little where it was too narrow.
fn search(
    scorer: &Scorer,
    shapes: &[Shape],
    mut band: Band,
    temperature: Option<f64>,
    max_cells: usize,
    warnings: &mut Vec<String>,
) -> (dp::Sweep, Band) {
    let (n, m) = (band.rows() - 1, band.hi.last().copied().unwrap_or(0));
    let sweep_in = |band: &Band| {
        Lattice {
            band,
            shapes,
            score: scorer,
        }
        .sweep(temperature)
    };
    let mut sweep = sweep_in(&band);
    let mut width = REFIT_WIDTH;
    loop {
        let full = band.cells() >= (n + 1) * (m + 1);
        let edge = sweep
            .path
            .as_ref()
            .map(|p| edge_points(&band, p))
            .unwrap_or_default();
        match &sweep.path {
            Some(_) if full || edge.is_empty() => return (sweep, band),
            _ if full || width > MAX_WIDTH => return (sweep, band),
            _ => {}
        }
        width *= 2;
        // Only where the path runs along the edge: widening the whole band would double
        // the work of a long document for one hard passage.
        let wider = match &sweep.path {
            Some(_) => widen_at(&band, &edge, width),
            None => widen(&band, n, m, width),
        };
        if wider.cells() > max_cells {
            warnings.push(format!(
                "the search band was not widened beyond {} cells (memory cap {max_cells} cells); \
                 the alignment may be coarser there",
                band.cells()
            ));
            return (sweep, band);
        }
        band = wider;
        sweep = match sweep.path {
            Some(path) if temperature.is_none() => dp::Sweep {
                path: Some(repair(scorer, shapes, &band, path, &edge, width)),
                forward: None,
            },
            _ => sweep_in(&band),
        };
    }
}

/// `path` searched again inside `band` around the `edge` points only: each stretch between
/// two of its corners about `2 × reach` rows before and after a cluster of edge points is
/// the best path between those corners (held fixed); the rest of the path is kept.
fn repair(
    scorer: &Scorer,
    shapes: &[Shape],
    band: &Band,
    path: Vec<Step>,
    edge: &[(usize, usize)],
    reach: usize,
) -> Vec<Step> {
    let corners = path_points(&path);
    // Stretches as ranges of corner indices, merged where they overlap.
    let mut stretches: Vec<(usize, usize)> = Vec::new();
    for &(i, _) in edge {
        let (r0, r1) = (i.saturating_sub(2 * reach), i + 2 * reach);
        let a = corners.partition_point(|c| c.0 <= r0).saturating_sub(1);
        let b = corners.partition_point(|c| c.0 < r1).min(corners.len() - 1);
        match stretches.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => stretches.push((a, b)),
        }
    }
    let mut out = Vec::with_capacity(path.len());
    let mut next = 0; // steps before `next` are placed
    for (a, b) in stretches {
        out.extend_from_slice(&path[next..a]);
        let (from, to) = (corners[a], corners[b]);
        let sub = band.between(from, to);
        let found = Lattice {
            band: &sub,
            shapes,
            score: dp::Shifted {
                inner: &scorer,
                origin: from,
            },
        }
        .sweep(None)
        .path;
        match found {
            Some(steps) => out.extend(steps.into_iter().map(|s| Step {
                i: s.i + from.0,
                j: s.j + from.1,
                ..s
            })),
            None => out.extend_from_slice(&path[a..b]),
        }
        next = b;
    }
    out.extend_from_slice(&path[next..]);
    out
}

/// The band of the first pass: the whole lattice when it is small, else a band around the
/// path found on a coarse version of the pair (blocks of sentences), as Vecalign does,
/// narrowed to fit the memory cap. `Err` holds the coarse alignment itself, in sentences,
/// when not even the narrowest band fits.
fn first_band(
    level: &Level,
    cfg: &AlignConfig,
    warnings: &mut Vec<String>,
) -> Result<Band, Vec<Bead>> {
    let (n, m) = level.dims();
    if (n + 1) * (m + 1) <= cfg.max_full_cells.min(cfg.max_dp_cells) {
        return Ok(Band::full(n, m));
    }
    let k = COARSE_BLOCK;
    // The coarse levels guide the search with length and anchors; a lexicon learned from
    // blocks would be weak, and the full-resolution level learns its own.
    let coarse_cfg = AlignConfig {
        lexicon: false,
        dictionary: None,
        ..cfg.clone()
    };
    let coarse = align_level(level.coarsen(k), &coarse_cfg, false);
    warnings.extend(coarse.warnings);
    let to_sentences = |beads: Vec<Bead>| -> Vec<Bead> {
        beads
            .into_iter()
            .map(|b| Bead {
                src: (b.src.start * k).min(n)..(b.src.end * k).min(n),
                tgt: (b.tgt.start * k).min(m)..(b.tgt.end * k).min(m),
                score: b.score,
            })
            .collect()
    };
    let coarse = to_sentences(coarse.beads);
    let mut points = Vec::new();
    for b in &coarse {
        let (s0, s1, t0, t1) = (b.src.start, b.src.end, b.tgt.start, b.tgt.end);
        let steps = (s1 - s0).max(t1 - t0).max(1);
        for x in 0..=steps {
            points.push((s0 + (s1 - s0) * x / steps, t0 + (t1 - t0) * x / steps));
        }
    }
    let mut w = FIRST_WIDTH;
    loop {
        let band = band_around(&points, n, m, w);
        if band.cells() <= cfg.max_dp_cells {
            if w < FIRST_WIDTH {
                warnings.push(format!(
                    "the search band was narrowed to ±{w} sentences to stay under {} cells",
                    cfg.max_dp_cells
                ));
            }
            return Ok(band);
        }
        if w == 1 {
            warnings.push(format!(
                "{n} × {m} sentences do not fit in {} lattice cells: the block-level \
                 alignment ({k} sentences per block) is returned",
                cfg.max_dp_cells
            ));
            // The block beads are the result now: they get their posteriors after all.
            let scored = align_level(level.coarsen(k), &coarse_cfg, true);
            return Err(to_sentences(scored.beads));
        }
        w /= 2;
    }
}

/// Lattice points a path goes through (bead corners and the cells between them).
fn path_points(path: &[Step]) -> Vec<(usize, usize)> {
    let mut pts = vec![(0, 0)];
    for s in path {
        pts.push((s.i + s.shape.di, s.j + s.shape.dj));
    }
    pts
}

/// A band of half-width `w` around the given points, always holding both corners.
fn band_around(points: &[(usize, usize)], n: usize, m: usize, w: usize) -> Band {
    let mut lo = vec![usize::MAX; n + 1];
    let mut hi = vec![0usize; n + 1];
    // Columns are widened by `w`, rows only by a bead's height: a square neighbourhood of a
    // diagonal path would double the band's width for nothing.
    let reach = w.min(ROW_REACH);
    for &(i, j) in points {
        for r in i.saturating_sub(reach)..=(i + reach).min(n) {
            lo[r] = lo[r].min(j.saturating_sub(w));
            hi[r] = hi[r].max((j + w).min(m));
        }
    }
    lo[0] = 0;
    hi[n] = m;
    // Rows no point reached (cannot happen for a complete path) get the widest neighbour.
    for i in 0..=n {
        if lo[i] > hi[i] {
            lo[i] = if i > 0 { lo[i - 1] } else { 0 };
            hi[i] = m;
        }
    }
    let mut band = Band { lo, hi };
    band.tighten();
    band
}

fn widen(band: &Band, n: usize, m: usize, w: usize) -> Band {
    let points: Vec<(usize, usize)> = (0..=n)
        .flat_map(|i| [(i, band.lo[i]), (i, band.hi[i])])
        .collect();
    band_around(&points, n, m, w)
}

/// Points where the path runs along the band's edge, where a better path may lie outside.
fn edge_points(band: &Band, path: &[Step]) -> Vec<(usize, usize)> {
    let m = band.hi.last().copied().unwrap_or(0);
    path_points(path)
        .into_iter()
        .filter(|&(i, j)| {
            (j == band.lo[i] && band.lo[i] > 0) || (j == band.hi[i] && band.hi[i] < m)
        })
        .collect()
}

/// The band grown by `w` rows and columns around each of `points`, unchanged elsewhere.
fn widen_at(band: &Band, points: &[(usize, usize)], w: usize) -> Band {
    let (n, m) = (band.rows() - 1, band.hi.last().copied().unwrap_or(0));
    let mut out = band.clone();
    for &(i, j) in points {
        for r in i.saturating_sub(w)..=(i + w).min(n) {
            out.lo[r] = out.lo[r].min(j.saturating_sub(w));
            out.hi[r] = out.hi[r].max((j + w).min(m));
        }
    }
    // Monotone edges keep every in-band cell reachable.
    for i in (0..n).rev() {
        out.lo[i] = out.lo[i].min(out.lo[i + 1]);
    }
    for i in 1..=n {
        out.hi[i] = out.hi[i].max(out.hi[i - 1]);
    }
    out
}

/// When one side is empty, every sentence of the other is its own one-sided bead.
fn one_sided(n: usize, m: usize) -> Vec<Bead> {
    (0..n)
        .map(|i| Bead {
            src: i..i + 1,
            tgt: 0..0,
            score: 1.0,
        })
        .chain((0..m).map(|j| Bead {
            src: n..n,
            tgt: j..j + 1,
            score: 1.0,
        }))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A coarse level of `n` source and `m` target blocks of equal length, 512 sentences each.
    fn even_blocks(n: usize, m: usize) -> Level<'static> {
        let side = |k: usize, len: usize| Side {
            len: vec![len; k],
            para: vec![false; k],
            units: vec![512; k],
            orphan: vec![0.0; k],
        };
        Level {
            docs: None,
            src: side(n, 1000),
            tgt: side(m, 1000 * n / m),
            anchors: None,
            ratio: None,
        }
    }

    #[test]
    fn a_coarse_path_through_an_even_text_stays_near_the_diagonal() {
        let (n, m) = (150, 177);
        let cfg = AlignConfig {
            anchors: false,
            ..AlignConfig::default()
        };
        let beads = align_level(even_blocks(n, m), &cfg, false).beads;
        let worst = beads
            .iter()
            .map(|b| (b.src.end as f64 / n as f64 - b.tgt.end as f64 / m as f64).abs())
            .fold(0.0, f64::max);
        // Every block fits as well anywhere: only the pull toward the diagonal places the
        // 27 extra target blocks, and it must spread them out.
        assert!(
            worst < 0.03,
            "drifted {worst:.3} of the document off the diagonal"
        );
    }

    /// Sentences of varied lengths, the target with `extra` untranslated sentences inserted
    /// at `at`: the true path leaves the diagonal by `extra` there.
    fn pair_with_insertion(n: usize, at: usize, extra: usize) -> Level<'static> {
        let len: Vec<usize> = (0..n).map(|k| 20 + (k * 37 + k * k * 11) % 90).collect();
        let mut tgt: Vec<usize> = len.iter().map(|l| l * 11 / 10).collect();
        tgt.splice(at..at, (0..extra).map(|k| 40 + k * 7));
        let side = |len: Vec<usize>| Side {
            para: vec![false; len.len()],
            units: vec![1; len.len()],
            orphan: vec![0.0; len.len()],
            len,
        };
        Level {
            docs: None,
            src: side(len),
            tgt: side(tgt),
            anchors: None,
            ratio: None,
        }
    }

    #[test]
    fn a_band_too_narrow_is_repaired_where_the_path_meets_its_edge() {
        let level = pair_with_insertion(120, 60, 9);
        let (n, m) = level.dims();
        let cfg = AlignConfig::default();
        let scorer = Scorer::new(level, &cfg);
        let shapes = scorer.priors.shapes.clone();
        let search_in = |band: Band| {
            search(&scorer, &shapes, band, None, usize::MAX, &mut Vec::new())
                .0
                .path
                .expect("a path")
        };
        let full = search_in(Band::full(n, m));
        let diagonal: Vec<(usize, usize)> = (0..=n).map(|i| (i, i * m / n)).collect();
        let narrow = band_around(&diagonal, n, m, 2);
        let edge = edge_points(&narrow, &full);
        assert!(!edge.is_empty(), "the true path must leave the narrow band");
        let repaired = search_in(narrow);
        let ends = |p: &[Step]| path_points(p);
        assert_eq!(ends(&repaired), ends(&full));
    }

    #[test]
    fn between_makes_a_band_of_its_own_from_two_of_its_points() {
        let band = band_around(&[(0, 0), (5, 6), (10, 12)], 10, 12, 2);
        let sub = band.between((2, 2), (8, 10));
        assert_eq!(sub.rows(), 7);
        assert_eq!((sub.lo[0], *sub.hi.last().unwrap()), (0, 8));
        for i in 1..sub.rows() {
            assert!(sub.lo[i] >= sub.lo[i - 1] && sub.hi[i] >= sub.hi[i - 1]);
            assert!(sub.lo[i] <= sub.hi[i]);
        }
    }
}
