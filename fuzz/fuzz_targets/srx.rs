//! SRX on arbitrary input: the parser on arbitrary bytes (an error or rules, never a panic),
//! and fixed rule sets (a small one using look-around, empty sides and cascade; and
//! LanguageTool's when `../shared` is there) on arbitrary text, where the sentences must
//! hold every non-space character of the text, in order.
#![no_main]

use std::sync::OnceLock;

use bitalign::segment::srx::Srx;
use libfuzzer_sys::fuzz_target;

const RULES: &str = r#"<?xml version="1.0"?>
<srx xmlns="http://www.lisa.org/srx20" version="2.0">
<header segmentsubflows="yes" cascade="yes"/>
<body><languagerules>
<languagerule languagerulename="Exceptions">
  <rule break="no"><beforebreak>\b(?:Dr|Mr|[A-Z])\.</beforebreak><afterbreak>\s</afterbreak></rule>
  <rule break="no"><beforebreak>(?&lt;=\d)\.</beforebreak><afterbreak>\d</afterbreak></rule>
  <rule break="no"><beforebreak></beforebreak><afterbreak>\s*[,;]</afterbreak></rule>
</languagerule>
<languagerule languagerulename="Breaks">
  <rule break="yes"><beforebreak>[.!?。؟…]+['"»)\]]*</beforebreak><afterbreak>\s</afterbreak></rule>
  <rule break="yes"><beforebreak>[。！？]</beforebreak><afterbreak></afterbreak></rule>
  <rule break="yes"><beforebreak>\n</beforebreak><afterbreak></afterbreak></rule>
  <rule break="yes"><beforebreak>\w+:</beforebreak><afterbreak>(?=\s\p{Lu})</afterbreak></rule>
</languagerule>
</languagerules><maprules>
<languagemap languagepattern=".*" languagerulename="Exceptions"/>
<languagemap languagepattern=".*" languagerulename="Breaks"/>
</maprules></body></srx>"#;

fn fixed() -> &'static Srx {
    static S: OnceLock<Srx> = OnceLock::new();
    S.get_or_init(|| Srx::parse(RULES).expect("fixed rules parse"))
}

fn languagetool() -> Option<&'static Srx> {
    static S: OnceLock<Option<Srx>> = OnceLock::new();
    S.get_or_init(|| {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../shared/segmentation/segment.srx"
        );
        Srx::from_file(std::path::Path::new(path)).ok()
    })
    .as_ref()
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn check(srx: &Srx, lang: &str, text: &str) {
    let seg = srx.segmenter(lang);
    let ranges = seg.split_ranges(text);
    let mut prev = 0;
    for r in &ranges {
        assert!(r.start >= prev && r.start < r.end, "ranges {ranges:?}");
        prev = r.end;
    }
    let joined: String = ranges.iter().map(|r| &text[r.clone()]).collect();
    assert_eq!(squash(&joined), squash(text));
}

const LANGS: &[&str] = &["en", "de", "fr", "pl", "ar", "zh", "ru", "en_two"];

// Rules are compiled before fuzzing starts: LanguageTool's 1,698 rules take longer to compile
// under AddressSanitizer than libFuzzer's per-input timeout.
fuzz_target!(
    init: {
        fixed();
        languagetool();
    },
    |data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let lang = LANGS[(mode as usize >> 2) % LANGS.len()];
    match mode % 4 {
        0 => {
            if let Ok(srx) = Srx::parse(&text) {
                check(&srx, lang, "Dr. Smith came. He sat down! Did he? Yes.");
            }
        }
        1 | 2 => check(fixed(), lang, &text),
        _ => {
            if let Some(lt) = languagetool() {
                check(lt, lang, &text);
            }
        }
    }
});
