//! A multilingual TM through a pivot: one document aligned against its translations in
//! several languages becomes one TMX whose `<tu>` hold every language.
//!
//! Each alignment is pivot → language. Units are joined through the pivot sentences: two
//! pivot sentences share a unit when any language's bead covers both (a 2-1 bead in German
//! forces the French of those two sentences into the same unit too), which is the merge of
//! overlapping pivot ranges, so every pivot sentence is in exactly one unit. A language gets
//! a `tuv` in a unit only when its two-sided beads cover every pivot sentence of the unit: a
//! partial translation (one sentence omitted, a bead filtered out) would teach a CAT tool a
//! wrong match, so that language is left out of that unit instead.
//!
//! [`join`] is the pure grouping; [`write_tmx`] and [`write_file`] write the TMX (`srclang`
//! = the pivot; pivot `tuv` first, then the languages in input order; per-`tuv` props
//! `x-sentences` and, for the translations, `x-score` = the lowest bead score of the unit).

use std::collections::HashSet;
use std::io::Write;
use std::ops::Range;
use std::path::Path;

use super::tmx::{self, UniqueIds};
use super::{check_pair, clean_score, pick_tag, ExportOptions, Format};
use crate::bitext::AlignedPair;
use crate::error::{Error, Result};
use crate::output::AtomicFile;

/// One translation of a unit.
#[derive(Debug, Clone, PartialEq)]
pub struct Side {
    /// Index of the language in the list given to [`join`].
    pub lang: usize,
    /// Sentences of that language's document.
    pub sentences: Range<usize>,
    /// The lowest score of the beads joined into this side.
    pub score: f64,
}

/// A group of consecutive pivot sentences and their translations.
#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    pub pivot: Range<usize>,
    /// Languages with a full translation of `pivot`, in input order.
    pub sides: Vec<Side>,
}

/// Groups the alignments of one pivot document (`pivot_len` sentences) against several
/// languages into units covering every pivot sentence exactly once, in order.
///
/// Fails, naming the pair, when a pair's source is not a `pivot_len`-sentence document or a
/// bead lies outside its documents.
pub fn join(pivot_len: usize, pairs: &[(&str, &AlignedPair)]) -> Result<Vec<Unit>> {
    for (_, pair) in pairs {
        check_pair(pair)?;
        if pair.src.len() != pivot_len {
            return Err(Error::msg(format!(
                "the pivot document has {pivot_len} sentences but this pair's source has {}",
                pair.src.len()
            ))
            .with_pair(pair.id.clone()));
        }
    }
    // joined[k]: pivot sentences k and k+1 are in one bead of some language.
    let mut joined = vec![false; pivot_len.saturating_sub(1)];
    for (_, pair) in pairs {
        for bead in pair.beads.iter().filter(|b| b.src.len() > 1) {
            joined[bead.src.start..bead.src.end - 1]
                .iter_mut()
                .for_each(|j| *j = true);
        }
    }
    // A unit ends at every pivot sentence not joined to the next one.
    let mut ranges = Vec::new();
    let mut start = 0;
    for end in 1..=pivot_len {
        if joined.get(end - 1) != Some(&true) {
            ranges.push(start..end);
            start = end;
        }
    }
    // cover[lang][k]: the two-sided bead of that language holding pivot sentence k.
    let cover: Vec<Vec<Option<usize>>> = pairs
        .iter()
        .map(|(_, pair)| {
            let mut c = vec![None; pivot_len];
            for (i, bead) in pair.beads.iter().enumerate() {
                if !bead.is_one_sided() {
                    for slot in &mut c[bead.src.clone()] {
                        *slot = Some(i);
                    }
                }
            }
            c
        })
        .collect();
    Ok(ranges
        .into_iter()
        .map(|pivot| {
            let sides = pairs
                .iter()
                .zip(&cover)
                .enumerate()
                .filter_map(|(lang, ((_, pair), cover))| side(lang, pair, &cover[pivot.clone()]))
                .collect();
            Unit { pivot, sides }
        })
        .collect())
}

/// The translation of one unit in one language, when its beads cover the whole unit. Beads
/// are monotone, so the target span from the first to the last bead is contiguous (it also
/// takes target-only sentences lying between them).
fn side(lang: usize, pair: &AlignedPair, cover: &[Option<usize>]) -> Option<Side> {
    let beads: Vec<usize> = cover.iter().copied().collect::<Option<Vec<_>>>()?;
    let beads = beads.iter().map(|&i| &pair.beads[i]);
    let mut start = usize::MAX;
    let mut end = 0;
    let mut score = f64::INFINITY;
    for b in beads {
        start = start.min(b.tgt.start);
        end = end.max(b.tgt.end);
        score = score.min(b.score);
    }
    (start < end).then_some(Side {
        lang,
        sentences: start..end,
        score,
    })
}

/// One pivot document with its translations: what [`write_tmx`] writes.
#[derive(Debug, Clone)]
pub struct PivotDocument<'a> {
    /// Used for `tuid`s (`<id>-<unit number>`) and the `x-document` prop.
    pub id: String,
    /// Alignments whose source is the same pivot document; the language tag of each is its
    /// target document's.
    pub pairs: Vec<&'a AlignedPair>,
}

/// Writes the multilingual TMX of `docs`. `pivot_lang` is the header `srclang` unless
/// [`ExportOptions::src_tag`] overrides it (`tgt_tag` has no meaning with several targets and
/// is ignored). Units with no translation are left out unless one-sided units are asked for;
/// with `dedup`, a unit whose texts were all written before is left out too.
pub fn write_tmx<W: Write>(
    mut out: W,
    docs: &[PivotDocument<'_>],
    pivot_lang: &str,
    opts: &ExportOptions,
    dedup: bool,
) -> Result<(W, usize)> {
    let date = tmx::creation_date(opts)?;
    let pivot_tag = pick_tag(opts.src_tag.as_deref(), pivot_lang, "und");
    tmx::write_header(&mut out, opts, &pivot_tag, &date)?;
    let note = tmx::clean_note(opts);
    let one_sided = opts.one_sided_for(Format::Tmx);
    let mut ids = UniqueIds::default();
    let mut seen: HashSet<Vec<(String, String)>> = HashSet::new();
    let mut written = 0;
    for doc in docs {
        let Some(first) = doc.pairs.first() else {
            continue;
        };
        let with_tags: Vec<(String, &AlignedPair)> = doc
            .pairs
            .iter()
            .map(|p| (pick_tag(None, &p.tgt.lang, "und"), *p))
            .collect();
        let refs: Vec<(&str, &AlignedPair)> =
            with_tags.iter().map(|(t, p)| (t.as_str(), *p)).collect();
        let units = join(first.src.len(), &refs).map_err(|e| e.with_pair(doc.id.clone()))?;
        let doc_id = tmx::clean_segment(&doc.id);
        let base = ids.claim(&doc_id);
        for (n, unit) in units.iter().enumerate() {
            let pivot_text = tmx::clean_segment(&first.src_text(&span(&unit.pivot)));
            let has_pivot = !pivot_text.is_empty();
            let mut tuvs = vec![(pivot_tag.clone(), pivot_text, &unit.pivot, None)];
            for s in &unit.sides {
                let (tag, pair) = refs[s.lang];
                let text = tmx::clean_segment(&pair.tgt_text(&tgt_span(&s.sentences)));
                tuvs.push((tag.to_string(), text, &s.sentences, Some(s.score)));
            }
            tuvs.retain(|t| !t.1.is_empty());
            let translated = has_pivot && tuvs.len() >= 2;
            if !(translated || one_sided && !tuvs.is_empty()) {
                continue;
            }
            if dedup {
                let key = tuvs.iter().map(|t| (t.0.clone(), t.1.clone())).collect();
                if !seen.insert(key) {
                    continue;
                }
            }
            tmx::open_tu(&mut out, &tmx::tuid(&base, n + 1), &date)?;
            if !doc_id.is_empty() {
                tmx::write_prop(&mut out, 6, "x-document", &doc_id)?;
            }
            tmx::write_prop(&mut out, 6, "x-src-sentences", &tmx::positions(&unit.pivot))?;
            if let Some(note) = &note {
                writeln!(out, "      <note>{}</note>", super::xml_escape(note, false))?;
            }
            for (tag, text, sentences, score) in &tuvs {
                let mut props = vec![("x-sentences", tmx::positions(sentences))];
                if let Some(score) = score {
                    props.push(("x-score", format!("{:.3}", clean_score(*score))));
                }
                tmx::write_tuv(&mut out, tag, &props, text)?;
            }
            writeln!(out, "    </tu>")?;
            written += 1;
        }
    }
    tmx::write_footer(&mut out)?;
    out.flush()?;
    Ok((out, written))
}

/// [`write_tmx`] to `path`, atomically; returns the number of units written.
pub fn write_file(
    path: &Path,
    docs: &[PivotDocument<'_>],
    pivot_lang: &str,
    opts: &ExportOptions,
    dedup: bool,
) -> Result<usize> {
    let file = AtomicFile::create(path)?;
    let (file, units) =
        write_tmx(file, docs, pivot_lang, opts, dedup).map_err(|e| e.with_path(path))?;
    file.commit()?;
    Ok(units)
}

/// A bead spanning `pivot` on the source side, to reuse the pair's text joining.
fn span(pivot: &Range<usize>) -> crate::bitext::Bead {
    crate::bitext::Bead {
        src: pivot.clone(),
        tgt: 0..0,
        score: 0.0,
    }
}

/// A bead spanning `tgt` on the target side.
fn tgt_span(tgt: &Range<usize>) -> crate::bitext::Bead {
    crate::bitext::Bead {
        src: 0..0,
        tgt: tgt.clone(),
        score: 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bitext::Bead;
    use crate::document::Document;

    fn doc(lang: &str, n: usize) -> Document {
        let sents: Vec<String> = (0..n).map(|i| format!("{lang} {i}.")).collect();
        Document::from_paragraphs(lang, &[sents])
    }

    fn pair(
        lang: &str,
        pivot: usize,
        tgt: usize,
        beads: &[(Range<usize>, Range<usize>)],
    ) -> AlignedPair {
        AlignedPair {
            id: format!("{lang}/d"),
            src: doc("en", pivot),
            tgt: doc(lang, tgt),
            beads: beads
                .iter()
                .map(|(s, t)| Bead {
                    src: s.clone(),
                    tgt: t.clone(),
                    score: 0.9,
                })
                .collect(),
        }
    }

    fn pivots(units: &[Unit]) -> Vec<Range<usize>> {
        units.iter().map(|u| u.pivot.clone()).collect()
    }

    #[test]
    fn a_merge_in_one_language_joins_the_pivot_sentences_for_all() {
        let fr = pair(
            "fr",
            4,
            4,
            &[(0..1, 0..1), (1..2, 1..2), (2..3, 2..3), (3..4, 3..4)],
        );
        let de = pair("de", 4, 3, &[(0..1, 0..1), (1..3, 1..2), (3..4, 2..3)]);
        let units = join(4, &[("fr", &fr), ("de", &de)]).unwrap();
        assert_eq!(pivots(&units), [0..1, 1..3, 3..4]);
        assert_eq!(units[1].sides.len(), 2);
        assert_eq!(units[1].sides[0].sentences, 1..3);
        assert_eq!(units[1].sides[1].sentences, 1..2);
    }

    #[test]
    fn a_language_missing_part_of_a_unit_gets_no_side_there() {
        // fr leaves pivot sentence 2 untranslated (1-0); de joins 1 and 2.
        let fr = pair("fr", 3, 2, &[(0..1, 0..1), (1..2, 1..2), (2..3, 2..2)]);
        let de = pair("de", 3, 2, &[(0..1, 0..1), (1..3, 1..2)]);
        let units = join(3, &[("fr", &fr), ("de", &de)]).unwrap();
        assert_eq!(pivots(&units), [0..1, 1..3]);
        let langs: Vec<usize> = units[1].sides.iter().map(|s| s.lang).collect();
        assert_eq!(langs, [1]);
    }

    #[test]
    fn every_pivot_sentence_is_in_exactly_one_unit_even_without_beads() {
        let fr = pair("fr", 5, 1, &[(2..4, 0..1)]);
        let units = join(5, &[("fr", &fr)]).unwrap();
        assert_eq!(pivots(&units), [0..1, 1..2, 2..4, 4..5]);
        assert!(join(0, &[]).unwrap().is_empty());
    }

    #[test]
    fn target_only_sentences_inside_a_unit_are_kept_with_it() {
        let fr = pair("fr", 2, 3, &[(0..1, 0..1), (1..1, 1..2), (1..2, 2..3)]);
        let de = pair("de", 2, 1, &[(0..2, 0..1)]);
        let units = join(2, &[("fr", &fr), ("de", &de)]).unwrap();
        assert_eq!(units[0].sides[0].sentences, 0..3);
    }

    #[test]
    fn a_pair_with_another_source_length_is_refused() {
        let fr = pair("fr", 3, 3, &[]);
        assert!(join(4, &[("fr", &fr)]).is_err());
    }

    #[test]
    fn tmx_puts_the_pivot_first_and_leaves_untranslated_units_out() {
        let fr = pair("fr", 3, 3, &[(0..1, 0..1), (1..2, 1..2), (2..3, 2..2)]);
        let de = pair("de", 3, 2, &[(0..1, 0..1), (1..2, 1..2), (2..3, 2..2)]);
        let opts = ExportOptions {
            creation_date: Some("20250101T120000Z".into()),
            ..Default::default()
        };
        let docs = [PivotDocument {
            id: "d".into(),
            pairs: vec![&fr, &de],
        }];
        let (out, n) = write_tmx(Vec::new(), &docs, "en", &opts, false).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(n, 2);
        assert!(text.contains("srclang=\"en\""));
        assert!(!text.contains("en 2."));
        let first = text.find("<tu ").unwrap();
        let en = text[first..].find("xml:lang=\"en\"").unwrap();
        let fr_pos = text[first..].find("xml:lang=\"fr\"").unwrap();
        assert!(en < fr_pos);
    }
}
