//! The whole pipeline on two arbitrary texts (split at the first 0xFF byte): every
//! sentence of both sides lands in exactly one bead, beads in order, scores in [0, 1].
#![no_main]

use bitalign::pipeline::{align_documents, side_from_text, Options};
use libfuzzer_sys::fuzz_target;

const LANGS: &[&str] = &["en", "de", "ar", "zh", "ru", "und"];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let at = rest
        .iter()
        .position(|&b| b == 0xFF)
        .unwrap_or(rest.len() / 2);
    let (a, b) = rest.split_at(at);
    let b = b.get(1..).unwrap_or_default();
    let (a, b) = (String::from_utf8_lossy(a), String::from_utf8_lossy(b));
    let opts = Options {
        presegmented: selector & 0x80 != 0,
        max_sentence_chars: 16 + (selector as usize & 0x3F),
        ..Options::default()
    };
    let src_lang = LANGS[selector as usize % LANGS.len()];
    let tgt_lang = LANGS[(selector as usize / 8) % LANGS.len()];
    let (Ok((src, _)), Ok((tgt, _))) = (
        side_from_text(&a, Some(src_lang), &opts),
        side_from_text(&b, Some(tgt_lang), &opts),
    ) else {
        return;
    };
    let (n, m) = (src.len(), tgt.len());
    let pair = align_documents("fuzz", src, tgt, &opts.align);
    let (mut i, mut j) = (0, 0);
    for bead in &pair.beads {
        assert_eq!((bead.src.start, bead.tgt.start), (i, j), "gap or overlap");
        assert!(!(bead.src.is_empty() && bead.tgt.is_empty()), "0-0 bead");
        assert!((0.0..=1.0).contains(&bead.score), "score {}", bead.score);
        i = bead.src.end;
        j = bead.tgt.end;
    }
    assert_eq!((i, j), (n, m), "sentences left out");
});
