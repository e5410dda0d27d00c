//! `input::decode` on arbitrary bytes, detected and with an explicit encoding: it must
//! return text or a typed error, never panic, and decoded text must hold no control
//! characters but tab and newline, and no CR.
#![no_main]

use bitalign::input::{decode, DecodeOptions};
use libfuzzer_sys::fuzz_target;

const LABELS: &[&str] = &[
    "utf-8",
    "utf-16le",
    "utf-16be",
    "windows-1256",
    "iso-8859-6",
    "gbk",
    "windows-1251",
    "latin1",
    "shift_jis",
    "no-such-encoding",
];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let encoding = (selector as usize % (LABELS.len() + 1))
        .checked_sub(1)
        .map(|i| LABELS[i].to_string());
    for encoding in [None, encoding] {
        let opts = DecodeOptions {
            encoding,
            ..DecodeOptions::default()
        };
        if let Ok(d) = decode(bytes, &opts) {
            assert!(!d.text.contains('\r'), "CR left in {:?}", d.text);
            assert!(
                !d.text
                    .chars()
                    .any(bitalign::normalize::is_strippable_control),
                "control character left in {:?}",
                d.text
            );
            assert!(!d.text.trim().is_empty(), "empty text accepted");
        }
    }
});
