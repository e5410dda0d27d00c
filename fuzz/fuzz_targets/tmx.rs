//! Arbitrary sentences, pair id, note and language tags into the TMX writer: the output
//! must be well-formed XML that quick-xml reads to the end.
#![no_main]

use bitalign::align::{AlignedPair, Bead};
use bitalign::document::{Document, Sentence};
use bitalign::export::{sink, ExportOptions, Format};
use libfuzzer_sys::fuzz_target;
use quick_xml::events::Event;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // Fields separated by U+0001 (itself a character the writer must cope with elsewhere).
    let mut fields = text.split('\u{1}');
    let id = fields.next().unwrap_or_default().to_string();
    let src_tag = fields.next().map(str::to_string);
    let tgt_tag = fields.next().map(str::to_string);
    let note = fields.next().map(str::to_string);
    let sentences: Vec<&str> = fields.collect();
    let half = sentences.len() / 2;
    let doc = |lang: &str, s: &[&str]| Document {
        lang: lang.to_string(),
        sentences: s.iter().map(|t| Sentence::new(t, 0)).collect(),
    };
    let src = doc("en", &sentences[..half]);
    let tgt = doc("ar", &sentences[half..]);
    let (n, m) = (src.len(), tgt.len());
    // 1-1 beads while both sides last, then one-sided beads for the rest.
    let mut beads = Vec::new();
    for k in 0..n.max(m) {
        let s = if k < n { k..k + 1 } else { n..n };
        let t = if k < m { k..k + 1 } else { m..m };
        beads.push(Bead {
            src: s,
            tgt: t,
            score: k as f64 / 3.0 - 1.0,
        });
    }
    let pair = AlignedPair {
        id,
        src,
        tgt,
        beads,
    };
    let opts = ExportOptions {
        src_tag,
        tgt_tag,
        note,
        one_sided: Some(true),
        creation_date: Some("20240101T000000Z".to_string()),
        ..ExportOptions::default()
    };
    let buf = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    struct Shared(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);
    impl std::io::Write for Shared {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().expect("lock").extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut out = sink(
        Format::Tmx,
        Box::new(Shared(buf.clone())),
        &opts,
        "en",
        "ar",
    )
    .expect("sink");
    out.write_pair(&pair).expect("write");
    out.finish().expect("finish");
    let xml = String::from_utf8(buf.lock().expect("lock").clone()).expect("UTF-8 output");
    let mut reader = quick_xml::Reader::from_str(&xml);
    let mut depth = 0i32;
    loop {
        match reader.read_event() {
            Ok(Event::Eof) => break,
            Ok(Event::Start(_)) => depth += 1,
            Ok(Event::End(_)) => depth -= 1,
            Ok(Event::Text(t)) => {
                t.unescape().expect("text unescapes");
            }
            Ok(_) => {}
            Err(e) => panic!("TMX does not parse: {e}\n{xml}"),
        }
    }
    assert_eq!(depth, 0, "unbalanced TMX");
    assert!(!xml.chars().any(|c| matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}')));
});
