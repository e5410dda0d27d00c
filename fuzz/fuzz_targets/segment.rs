//! The built-in segmenter on arbitrary text, several languages: no panic, ranges in order,
//! trimmed and non-empty, and the sentences hold every non-space character of the input.
#![no_main]

use bitalign::segment::Segmenter;
use libfuzzer_sys::fuzz_target;

const LANGS: &[&str] = &["en", "de", "fr", "ar", "zh", "ja", "ru", "hi", "el", "und"];

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(bytes);
    let seg = Segmenter::new(LANGS[selector as usize % LANGS.len()]);
    let ranges = seg.split_ranges(&text);
    let mut prev = 0;
    for r in &ranges {
        assert!(r.start >= prev && r.start < r.end, "ranges {ranges:?}");
        let piece = &text[r.clone()];
        assert_eq!(piece, piece.trim(), "untrimmed piece");
        prev = r.end;
    }
    let joined: String = ranges.iter().map(|r| &text[r.clone()]).collect();
    assert_eq!(squash(&joined), squash(&text));
});
