//! A reviewer's corrections of an alignment, between the aligner (and filters) and export:
//! beads merged, split, moved, confirmed or rejected in the review page, saved as a small
//! JSON patch ([`Edits`]) and replayed on a fresh alignment of the same texts.
//!
//! The patch holds only the beads the reviewer touched, each by its sentence ranges and a
//! digest of the text of those sentences, so it survives re-running the aligner: an edited
//! bead replaces whatever machine beads cover its sentences (a machine bead cut by it keeps
//! its uncovered sentences and gets score 0, so it heads the review queue), and an edit whose
//! sentences no longer match the text is skipped with a warning rather than applied to the
//! wrong sentences.
//!
//! The digest is FNV-1a (32-bit) over the UTF-16 code units of each sentence followed by a
//! 0 unit: the page computes it in plain JS, where UTF-16 is the native string form.

use std::ops::Range;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::bitext::{AlignedPair, Bead};
use crate::document::Document;
use crate::error::{Error, Result};

/// What the reviewer said about a bead.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// As the aligner made it, not reviewed.
    #[default]
    Machine,
    /// Made by a merge, split or move.
    Edited,
    /// Checked and kept as it is.
    Confirmed,
    /// Wrong: left out of the TM.
    Rejected,
}

impl Status {
    /// The value of the TMX `x-reviewed` prop: set for beads a person has checked.
    pub fn reviewed(self) -> Option<&'static str> {
        match self {
            Status::Edited => Some("edited"),
            Status::Confirmed => Some("confirmed"),
            Status::Machine | Status::Rejected => None,
        }
    }
}

/// A pair with the reviewer's verdict on each bead (`status[i]` for `pair.beads[i]`; a
/// shorter list means the rest are [`Status::Machine`]).
#[derive(Debug, Clone, Default)]
pub struct Reviewed {
    pub pair: AlignedPair,
    pub status: Vec<Status>,
}

impl Reviewed {
    /// A pair nobody has reviewed yet.
    pub fn machine(pair: AlignedPair) -> Self {
        Reviewed {
            pair,
            status: Vec::new(),
        }
    }

    /// The status of bead `i`.
    pub fn status(&self, i: usize) -> Status {
        self.status.get(i).copied().unwrap_or_default()
    }

    /// The pair without its rejected beads: what formats without a review field write.
    pub fn accepted(&self) -> AlignedPair {
        let beads = self
            .pair
            .beads
            .iter()
            .enumerate()
            .filter(|(i, _)| self.status(*i) != Status::Rejected)
            .map(|(_, b)| b.clone())
            .collect();
        AlignedPair {
            beads,
            ..self.pair.clone()
        }
    }
}

/// The version written in [`Edits::bitalign_edits`]; other versions are refused.
pub const EDITS_VERSION: u32 = 1;

/// The patch the review page saves (`data-action="export-edits"`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Edits {
    /// Format version ([`EDITS_VERSION`]).
    pub bitalign_edits: u32,
    pub pairs: Vec<PairEdits>,
}

/// The edited beads of one document pair.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairEdits {
    /// The pair id (`align`: the source file stem; `batch`: the pair id).
    pub id: String,
    /// Sentence counts of the texts reviewed, to say when the texts have changed.
    pub src_sentences: usize,
    pub tgt_sentences: usize,
    /// Touched beads, in order.
    pub beads: Vec<BeadEdit>,
}

/// One touched bead: 0-based half-open sentence ranges `[start, end]` and their digests.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BeadEdit {
    pub src: [usize; 2],
    pub tgt: [usize; 2],
    pub status: Status,
    /// The bead's score as the page showed it; `null` when unknown.
    #[serde(default)]
    pub score: Option<f64>,
    pub src_digest: String,
    pub tgt_digest: String,
}

impl Edits {
    /// Reads and checks a patch file.
    pub fn read(path: &Path) -> Result<Edits> {
        let bytes = std::fs::read(path).map_err(|e| Error::from(e).with_path(path))?;
        let edits: Edits = serde_json::from_slice(&bytes)
            .map_err(|e| Error::msg(format!("not a bitalign edits file: {e}")).with_path(path))?;
        if edits.bitalign_edits != EDITS_VERSION {
            return Err(Error::msg(format!(
                "edits format version {} is not supported (expected {EDITS_VERSION})",
                edits.bitalign_edits
            ))
            .with_path(path));
        }
        Ok(edits)
    }

    /// Applies the patch to each pair with the same id (a patch of one pair applies to a
    /// run of one pair whatever its id: `align` names the pair after the file). Returns the
    /// reviewed pairs and warnings about edits that could not be applied.
    pub fn apply_all(&self, pairs: Vec<AlignedPair>) -> (Vec<Reviewed>, Vec<String>) {
        let mut warnings = Vec::new();
        let single = pairs.len() == 1 && self.pairs.len() == 1;
        let mut used = vec![false; self.pairs.len()];
        let reviewed = pairs
            .into_iter()
            .map(|pair| {
                let found = self
                    .pairs
                    .iter()
                    .position(|e| e.id == pair.id)
                    .or(if single { Some(0) } else { None });
                match found {
                    Some(k) => {
                        used[k] = true;
                        let (r, w) = self.pairs[k].apply(pair);
                        warnings.extend(w);
                        r
                    }
                    None => Reviewed::machine(pair),
                }
            })
            .collect();
        for (e, used) in self.pairs.iter().zip(used) {
            if !used {
                warnings.push(format!("edits for pair '{}': no such pair, ignored", e.id));
            }
        }
        (reviewed, warnings)
    }
}

impl PairEdits {
    /// The edited beads of a reviewed pair (every bead not [`Status::Machine`]).
    pub fn of(r: &Reviewed) -> PairEdits {
        let p = &r.pair;
        let beads = p
            .beads
            .iter()
            .enumerate()
            .filter(|(i, _)| r.status(*i) != Status::Machine)
            .map(|(i, b)| BeadEdit {
                src: [b.src.start, b.src.end],
                tgt: [b.tgt.start, b.tgt.end],
                status: r.status(i),
                score: (!b.score.is_nan()).then_some(b.score),
                src_digest: digest(&p.src, &b.src),
                tgt_digest: digest(&p.tgt, &b.tgt),
            })
            .collect();
        PairEdits {
            id: p.id.clone(),
            src_sentences: p.src.len(),
            tgt_sentences: p.tgt.len(),
            beads,
        }
    }

    /// Replays the patch on a pair: edits that match the text replace the machine beads
    /// covering their sentences; the others are skipped, each with a warning.
    pub fn apply(&self, pair: AlignedPair) -> (Reviewed, Vec<String>) {
        let mut warnings = Vec::new();
        if (self.src_sentences, self.tgt_sentences) != (pair.src.len(), pair.tgt.len()) {
            warnings.push(format!(
                "pair '{}': the edits were made on {} / {} sentences, the text now has {} / {}; \
                 edits whose sentences changed are skipped",
                pair.id,
                self.src_sentences,
                self.tgt_sentences,
                pair.src.len(),
                pair.tgt.len()
            ));
        }
        let mut accepted: Vec<&BeadEdit> = Vec::new();
        let mut edits: Vec<&BeadEdit> = self.beads.iter().collect();
        edits.sort_by_key(|e| (e.src[0], e.tgt[0], e.src[1], e.tgt[1]));
        for (k, e) in edits.into_iter().enumerate() {
            match check(&pair, e, accepted.last().copied()) {
                Ok(()) => accepted.push(e),
                Err(why) => warnings.push(format!(
                    "pair '{}': edit {} (source {}, target {}) skipped: {why}",
                    pair.id,
                    k + 1,
                    shown(e.src),
                    shown(e.tgt)
                )),
            }
        }
        (splice(pair, &accepted), warnings)
    }
}

/// `3..5` as 1-based positions `4-5` (as in TMX props), `-` for none.
fn shown(r: [usize; 2]) -> String {
    match r[1].saturating_sub(r[0]) {
        0 => "-".to_string(),
        1 => (r[0] + 1).to_string(),
        _ => format!("{}-{}", r[0] + 1, r[1]),
    }
}

/// Why an edit cannot be applied: out of range, not in order with the previous accepted
/// edit, empty, or its text changed.
fn check(
    pair: &AlignedPair,
    e: &BeadEdit,
    prev: Option<&BeadEdit>,
) -> std::result::Result<(), String> {
    let (src, tgt) = (e.src[0]..e.src[1], e.tgt[0]..e.tgt[1]);
    if src.start > src.end || tgt.start > tgt.end {
        return Err("ranges run backwards".into());
    }
    if src.is_empty() && tgt.is_empty() {
        return Err("no sentence".into());
    }
    if src.end > pair.src.len() || tgt.end > pair.tgt.len() {
        return Err("beyond the end of the text".into());
    }
    if prev.is_some_and(|p| src.start < p.src[1] || tgt.start < p.tgt[1]) {
        return Err("overlaps or crosses an earlier edit".into());
    }
    if digest(&pair.src, &src) != e.src_digest || digest(&pair.tgt, &tgt) != e.tgt_digest {
        return Err("the text of its sentences changed".into());
    }
    Ok(())
}

/// The pair's beads with `edits` (checked, in order, disjoint) put in place of the machine
/// beads they cover; machine beads in between are clipped to the sentences left to them.
fn splice(pair: AlignedPair, edits: &[&BeadEdit]) -> Reviewed {
    let mut beads = Vec::with_capacity(pair.beads.len());
    let mut status = Vec::with_capacity(pair.beads.len());
    let (mut s, mut t) = (0, 0);
    for e in edits {
        clip_into(
            &pair.beads,
            s..e.src[0],
            t..e.tgt[0],
            &mut beads,
            &mut status,
        );
        beads.push(Bead {
            src: e.src[0]..e.src[1],
            tgt: e.tgt[0]..e.tgt[1],
            score: e.score.unwrap_or(f64::NAN),
        });
        status.push(e.status);
        (s, t) = (e.src[1], e.tgt[1]);
    }
    let (ns, nt) = (pair.src.len(), pair.tgt.len());
    clip_into(&pair.beads, s..ns, t..nt, &mut beads, &mut status);
    Reviewed {
        pair: AlignedPair { beads, ..pair },
        status,
    }
}

/// Appends the parts of the machine beads inside `src` × `tgt`; a bead that lost sentences
/// gets score 0 (it needs a look).
fn clip_into(
    machine: &[Bead],
    src: Range<usize>,
    tgt: Range<usize>,
    beads: &mut Vec<Bead>,
    status: &mut Vec<Status>,
) {
    if src.is_empty() && tgt.is_empty() {
        return;
    }
    let cut = |r: &Range<usize>, w: &Range<usize>| {
        let start = r.start.max(w.start);
        start..r.end.min(w.end).max(start)
    };
    for b in machine {
        let (bs, bt) = (cut(&b.src, &src), cut(&b.tgt, &tgt));
        if bs.is_empty() && bt.is_empty() {
            continue;
        }
        let whole = bs == b.src && bt == b.tgt;
        beads.push(Bead {
            score: if whole { b.score } else { 0.0 },
            src: bs,
            tgt: bt,
        });
        status.push(Status::Machine);
    }
}

/// The digest of sentences `range` of `doc`, as the review page computes it.
pub fn digest(doc: &Document, range: &Range<usize>) -> String {
    let mut h: u32 = 0x811c_9dc5;
    for s in doc.sentences.get(range.clone()).unwrap_or_default() {
        for unit in s.text.encode_utf16().chain([0]) {
            h ^= u32::from(unit);
            h = h.wrapping_mul(0x0100_0193);
        }
    }
    format!("{h:08x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair() -> AlignedPair {
        let doc = |l: &str, p: &str| {
            Document::from_paragraphs(l, &[(0..6).map(|k| format!("{p}{k}.")).collect()])
        };
        AlignedPair {
            id: "p".into(),
            src: doc("en", "S"),
            tgt: doc("fr", "T"),
            beads: (0..6)
                .map(|k| Bead {
                    src: k..k + 1,
                    tgt: k..k + 1,
                    score: 0.5,
                })
                .collect(),
        }
    }

    fn edit(p: &AlignedPair, src: Range<usize>, tgt: Range<usize>, status: Status) -> BeadEdit {
        BeadEdit {
            src_digest: digest(&p.src, &src),
            tgt_digest: digest(&p.tgt, &tgt),
            src: [src.start, src.end],
            tgt: [tgt.start, tgt.end],
            status,
            score: Some(0.25),
        }
    }

    fn ranges(r: &Reviewed) -> Vec<(Range<usize>, Range<usize>, Status)> {
        let p = &r.pair;
        (0..p.beads.len())
            .map(|i| (p.beads[i].src.clone(), p.beads[i].tgt.clone(), r.status(i)))
            .collect()
    }

    #[test]
    fn a_merge_and_a_reject_replace_the_machine_beads_they_cover() {
        let p = pair();
        let edits = PairEdits {
            id: "p".into(),
            src_sentences: 6,
            tgt_sentences: 6,
            beads: vec![
                edit(&p, 4..5, 4..5, Status::Rejected),
                edit(&p, 1..3, 1..3, Status::Edited),
            ],
        };
        let (r, warnings) = edits.apply(p);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(
            ranges(&r),
            vec![
                (0..1, 0..1, Status::Machine),
                (1..3, 1..3, Status::Edited),
                (3..4, 3..4, Status::Machine),
                (4..5, 4..5, Status::Rejected),
                (5..6, 5..6, Status::Machine),
            ]
        );
        assert_eq!(r.pair.beads[1].score, 0.25);
        assert_eq!(r.accepted().beads.len(), 4);
        // The patch of the result is the patch applied.
        let again = PairEdits::of(&r);
        assert_eq!(again.beads.len(), 2);
        assert_eq!(again.beads[0].src, [1, 3]);
    }

    #[test]
    fn an_edit_cutting_machine_beads_keeps_their_other_sentences_at_score_zero() {
        let mut p = pair();
        p.beads = vec![
            Bead {
                src: 0..3,
                tgt: 0..3,
                score: 0.9,
            },
            Bead {
                src: 3..6,
                tgt: 3..6,
                score: 0.9,
            },
        ];
        let e = edit(&p, 2..4, 2..4, Status::Edited);
        let edits = PairEdits {
            id: "p".into(),
            src_sentences: 6,
            tgt_sentences: 6,
            beads: vec![e],
        };
        let (r, _) = edits.apply(p);
        let b = &r.pair.beads;
        assert_eq!(b.len(), 3);
        assert_eq!((b[0].src.clone(), b[0].score), (0..2, 0.0));
        assert_eq!((b[2].src.clone(), b[2].tgt.clone()), (4..6, 4..6));
        let covered: usize = b.iter().map(|b| b.src.len()).sum();
        assert_eq!(covered, 6, "every sentence in exactly one bead");
    }

    #[test]
    fn an_edit_whose_text_changed_is_skipped_with_a_warning() {
        let p = pair();
        let mut e = edit(&p, 1..3, 1..3, Status::Edited);
        e.tgt_digest = "00000000".into();
        let edits = PairEdits {
            id: "p".into(),
            src_sentences: 6,
            tgt_sentences: 6,
            beads: vec![e],
        };
        let (r, warnings) = edits.apply(p.clone());
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].contains("changed"), "{}", warnings[0]);
        assert_eq!(r.pair.beads, p.beads);
    }

    #[test]
    fn digest_matches_the_page_on_non_ascii_text() {
        // FNV-1a over UTF-16 units + 0, as editor.js computes it for "é😀" and "a".
        let doc = Document::from_paragraphs("fr", &[vec!["é😀", "a"]]);
        assert_eq!(digest(&doc, &(0..0)), "811c9dc5");
        assert_eq!(digest(&doc, &(0..1)), "ee9e3473");
        assert_eq!(digest(&doc, &(1..2)), "2b24d044");
        assert_eq!(digest(&doc, &(0..2)), "57d7ef62");
    }
}
