//! Input formats: DOCX, ODT, HTML and Markdown documents built by the tests themselves (runs
//! split mid-word, tracked changes, tables, footnotes, fields, hidden text; pages with
//! navigation, scripts, comments, entities, right-to-left text), the same article in every
//! format giving the same pairs, and one-line errors with exit 2 for bad documents.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};

use bitalign::document::Structure;
use bitalign::input::{self, Block, Content, Format, ReadOptions};
use bitalign::pipeline::{self, Options};

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/// A zip package of `(name, text)` parts, deflated.
fn zip(parts: &[(&str, &str)]) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, text) in parts {
        out.start_file(*name, opts).expect("zip entry");
        out.write_all(text.as_bytes()).expect("zip write");
    }
    out.finish().expect("zip finish").into_inner()
}

/// A DOCX whose body is `body` (WordprocessingML inside `w:body`), with optional styles and
/// footnotes parts.
fn docx(body: &str, styles: Option<&str>, footnotes: Option<&str>) -> Vec<u8> {
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
         <w:document xmlns:w=\"{W}\" xmlns:mc=\"http://schemas.openxmlformats.org/markup-compatibility/2006\">\
         <w:body>{body}</w:body></w:document>"
    );
    let styles = styles.map(|s| format!("<w:styles xmlns:w=\"{W}\">{s}</w:styles>"));
    let notes = footnotes.map(|s| format!("<w:footnotes xmlns:w=\"{W}\">{s}</w:footnotes>"));
    let mut parts = vec![
        ("[Content_Types].xml", String::from("<Types/>")),
        ("word/document.xml", document),
    ];
    parts.extend(styles.map(|s| ("word/styles.xml", s)));
    parts.extend(notes.map(|s| ("word/footnotes.xml", s)));
    let refs: Vec<(&str, &str)> = parts.iter().map(|(n, t)| (*n, t.as_str())).collect();
    zip(&refs)
}

/// A Word paragraph of plain runs, with an optional style id.
fn w_p(text: &str, style: Option<&str>) -> String {
    let ppr = style.map_or(String::new(), |s| {
        format!("<w:pPr><w:pStyle w:val=\"{s}\"/></w:pPr>")
    });
    format!("<w:p>{ppr}<w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>")
}

/// An ODT with `body` inside `office:text`.
fn odt(body: &str, lang: Option<&str>) -> Vec<u8> {
    let content = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
         <office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
         xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" \
         xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\
         <office:body><office:text>{body}</office:text></office:body></office:document-content>"
    );
    let meta = lang.map(|l| {
        format!(
            "<office:document-meta xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
             xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><office:meta><dc:language>{l}</dc:language>\
             </office:meta></office:document-meta>"
        )
    });
    let mut parts = vec![
        (
            "mimetype",
            String::from("application/vnd.oasis.opendocument.text"),
        ),
        ("content.xml", content),
    ];
    parts.extend(meta.map(|m| ("meta.xml", m)));
    let refs: Vec<(&str, &str)> = parts.iter().map(|(n, t)| (*n, t.as_str())).collect();
    zip(&refs)
}

fn read(bytes: &[u8], name: &str) -> Content {
    input::read_bytes_as(bytes, Some(Path::new(name)), &ReadOptions::default())
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn texts(c: &Content) -> Vec<&str> {
    c.blocks.iter().map(|b| b.text.as_str()).collect()
}

fn kinds(c: &Content) -> Vec<Structure> {
    c.blocks.iter().map(|b| b.structure).collect()
}

#[test]
fn docx_joins_runs_split_mid_word_and_keeps_bold_and_italic_text() {
    let body = format!(
        "<w:p><w:r><w:t>Trans</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>lation</w:t></w:r>\
         <w:r><w:rPr><w:i/></w:rPr><w:t xml:space=\"preserve\"> memories are </w:t></w:r>\
         <w:r><w:t>use</w:t></w:r><w:r><w:t>ful.</w:t></w:r></w:p>{}",
        w_p("Second &amp; last paragraph.", None)
    );
    let c = read(&docx(&body, None, None), "a.docx");
    assert_eq!(c.format, Format::Docx);
    assert_eq!(
        texts(&c),
        [
            "Translation memories are useful.",
            "Second & last paragraph."
        ]
    );
}

#[test]
fn docx_drops_tracked_deletions_and_keeps_insertions() {
    let body = "<w:p><w:r><w:t xml:space=\"preserve\">The fee is </w:t></w:r>\
        <w:del w:id=\"1\" w:author=\"A\"><w:r><w:delText>ten</w:delText></w:r></w:del>\
        <w:ins w:id=\"2\" w:author=\"A\"><w:r><w:t>twelve</w:t></w:r></w:ins>\
        <w:r><w:t xml:space=\"preserve\"> euros.</w:t></w:r></w:p>";
    let c = read(&docx(body, None, None), "t.docx");
    assert_eq!(texts(&c), ["The fee is twelve euros."]);
    assert!(c.warnings.iter().any(|w| w.contains("tracked change")));
}

#[test]
fn docx_reads_tables_cell_by_cell_and_footnotes_after_the_body() {
    let cell = |t: &str| format!("<w:tc>{}</w:tc>", w_p(t, None));
    let body = format!(
        "{}<w:tbl><w:tr>{}{}</w:tr><w:tr>{}{}</w:tr></w:tbl>{}",
        w_p("Prices", Some("Heading1")),
        cell("Tea"),
        cell("2 euros"),
        cell("Coffee"),
        cell("3 euros"),
        "<w:p><w:r><w:t>Prices include tax.</w:t></w:r>\
         <w:r><w:footnoteReference w:id=\"1\"/></w:r></w:p>"
    );
    let notes = "<w:footnote w:type=\"separator\" w:id=\"-1\"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>\
         <w:footnote w:id=\"1\"><w:p><w:r><w:t>VAT at 20 percent.</w:t></w:r></w:p></w:footnote>";
    let c = read(&docx(&body, None, Some(notes)), "table.docx");
    assert_eq!(
        texts(&c),
        [
            "Prices",
            "Tea",
            "2 euros",
            "Coffee",
            "3 euros",
            "Prices include tax.",
            "VAT at 20 percent."
        ]
    );
    assert_eq!(c.blocks[0].structure, Structure::Heading);
    assert_eq!(c.blocks[1].structure, Structure::TableCell);
    assert_eq!(c.blocks[5].structure, Structure::Paragraph);
}

#[test]
fn docx_skips_field_codes_hidden_text_and_fallback_copies_and_reads_localized_headings() {
    let styles = "<w:docDefaults><w:rPrDefault><w:rPr><w:lang w:val=\"de-DE\"/></w:rPr></w:rPrDefault></w:docDefaults>\
        <w:style w:type=\"paragraph\" w:styleId=\"berschrift1\"><w:name w:val=\"heading 1\"/></w:style>\
        <w:style w:type=\"paragraph\" w:styleId=\"Aufzhlung\"><w:name w:val=\"List Paragraph\"/></w:style>";
    let body = format!(
        "{}{}<w:p><w:r><w:t xml:space=\"preserve\">Page </w:t></w:r>\
         <w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r>\
         <w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t>3</w:t></w:r>\
         <w:r><w:fldChar w:fldCharType=\"end\"/></w:r>\
         <w:r><w:rPr><w:vanish/></w:rPr><w:t>secret</w:t></w:r><w:r><w:t>.</w:t></w:r></w:p>\
         <w:p><w:r><mc:AlternateContent><mc:Choice Requires=\"wps\"><w:t>Box</w:t></mc:Choice>\
         <mc:Fallback><w:t>Box</w:t></mc:Fallback></mc:AlternateContent></w:r></w:p>",
        w_p("Einleitung", Some("berschrift1")),
        w_p("Erster Punkt", Some("Aufzhlung")),
    );
    let c = read(&docx(&body, Some(styles), None), "de.docx");
    assert_eq!(texts(&c), ["Einleitung", "Erster Punkt", "Page 3.", "Box"]);
    assert_eq!(
        kinds(&c)[..2],
        [Structure::Heading, Structure::ListItem],
        "style names, not ids, decide"
    );
    assert_eq!(c.lang.as_deref(), Some("de-DE"));
}

#[test]
fn odt_reads_headings_lists_tables_notes_and_skips_tracked_deletions() {
    let body = "<text:tracked-changes><text:changed-region text:id=\"c1\"><text:deletion>\
        <text:p>Deleted words.</text:p></text:deletion></text:changed-region></text:tracked-changes>\
        <text:h text:outline-level=\"1\">Annual report</text:h>\
        <text:p>Sales<text:s text:c=\"2\"/>rose.<text:note text:note-class=\"footnote\">\
        <text:note-citation>1</text:note-citation><text:note-body><text:p>In euros.</text:p>\
        </text:note-body></text:note> Costs<text:change text:change-id=\"c1\"/> fell.</text:p>\
        <text:list><text:list-item><text:p>First item</text:p></text:list-item></text:list>\
        <table:table><table:table-row><table:table-cell><text:p>Cell one</text:p></table:table-cell>\
        <table:table-cell><text:p>Cell two</text:p></table:table-cell></table:table-row></table:table>\
        <office:annotation><text:p>A reviewer's comment.</text:p></office:annotation>";
    let c = read(&odt(body, Some("en-GB")), "r.odt");
    assert_eq!(c.format, Format::Odt);
    assert_eq!(
        texts(&c),
        [
            "Annual report",
            "Sales rose. Costs fell.",
            "First item",
            "Cell one",
            "Cell two",
            "In euros."
        ]
    );
    assert_eq!(
        kinds(&c)[..5],
        [
            Structure::Heading,
            Structure::Paragraph,
            Structure::ListItem,
            Structure::TableCell,
            Structure::TableCell
        ]
    );
    assert_eq!(c.lang.as_deref(), Some("en-GB"));
}

const PAGE: &str = "<!DOCTYPE html>\n<html lang=\"ar\" dir=\"rtl\"><head><title>موقع</title>\
    <style>p { color: red }</style><script>var x = \"<p>not text</p>\";</script></head>\
    <body><header><nav><a href=\"/\">الرئيسية</a> | <a href=\"/news\">أخبار</a></nav></header>\
    <!-- a comment that is not text -->\
    <article><header><h1>تقرير المياه</h1><p class=\"byline\">بقلم رنا الخطيب</p></header>\
    <p>قد تواجه المنطقة عجزا مائيا&nbsp;كبيرا &amp; متزايدا.<br>وقال الخبراء إن الحل ممكن.</p>\
    <ul><li>الري</li><li>التحلية</li></ul>\
    <table><tr><td>2020</td><td>&#1633;&#1632; مليار</td></tr></table>\
    <div hidden>مخفي</div><span style=\"display: none\">مخفي أيضا</span></article>\
    <aside>إعلان</aside><footer>حقوق النشر</footer></body></html>";

#[test]
fn html_reads_visible_text_only_with_structure_and_language() {
    let c = read(PAGE.as_bytes(), "page.html");
    assert_eq!(c.format, Format::Html);
    assert_eq!(
        texts(&c),
        [
            "تقرير المياه",
            "بقلم رنا الخطيب",
            "قد تواجه المنطقة عجزا مائيا كبيرا & متزايدا. وقال الخبراء إن الحل ممكن.",
            "الري",
            "التحلية",
            "2020",
            "١٠ مليار",
        ]
    );
    assert_eq!(c.blocks[0].structure, Structure::Heading);
    assert_eq!(c.blocks[3].structure, Structure::ListItem);
    assert_eq!(c.blocks[6].structure, Structure::TableCell);
    assert_eq!(c.lang.as_deref(), Some("ar"));
}

#[test]
fn html_is_sniffed_without_an_extension_and_malformed_pages_still_read() {
    let page = "<html><body><p>One <b>bold<p>Two</i> words</body>";
    let c = read(page.as_bytes(), "page");
    assert_eq!(texts(&c), ["One bold", "Two words"]);
}

#[test]
fn markdown_reads_headings_lists_tables_and_footnotes() {
    let md = "# Water report\n\nThe region *may* face a deficit.[^1]\n\n- Irrigation\n- Desalination\n\n\
              | Year | Deficit |\n| --- | --- |\n| 2040 | 75 |\n\n[^1]: Source: the centre.\n";
    let c = read(md.as_bytes(), "r.md");
    assert_eq!(
        texts(&c),
        [
            "Water report",
            "The region may face a deficit.",
            "Irrigation",
            "Desalination",
            "Year",
            "Deficit",
            "2040",
            "75",
            "Source: the centre."
        ]
    );
    assert_eq!(c.blocks[0].structure, Structure::Heading);
    assert_eq!(c.blocks[2].structure, Structure::ListItem);
    assert_eq!(c.blocks[4].structure, Structure::TableCell);
}

#[test]
fn plain_text_titles_are_headings_and_credit_lines_stand_alone() {
    let text = "Water deficit may double by 2040\n\
                Arab states could face a deficit of 75 billion cubic metres. Experts agree.\n\
                Photo: Levant Wire\n\n\
                By Rana Khatib\n\nThe study was published on Monday.\n";
    let blocks = input::text::blocks(text, input::ParagraphMode::Auto);
    let got: Vec<(&str, Structure)> = blocks
        .iter()
        .map(|b: &Block| (b.text.as_str(), b.structure))
        .collect();
    assert_eq!(
        got,
        [
            ("Water deficit may double by 2040", Structure::Heading),
            (
                "Arab states could face a deficit of 75 billion cubic metres. Experts agree.",
                Structure::Paragraph
            ),
            ("Photo: Levant Wire", Structure::Paragraph),
            ("By Rana Khatib", Structure::Paragraph),
            ("The study was published on Monday.", Structure::Paragraph),
        ]
    );
}

/// The paragraphs of a corpus document (one per line, blank lines between).
fn corpus_paragraphs(lang: &str, name: &str) -> Vec<String> {
    let path = common::root().join(format!("corpora/docs/{lang}/{name}.txt"));
    let text = std::fs::read_to_string(&path).expect("corpus document");
    text.split("\n\n")
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

fn escape(t: &str) -> String {
    t.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// One article written as .txt, .docx, .odt, .html and .md in `dir`, first paragraph a title.
fn write_formats(dir: &Path, stem: &str, paras: &[String]) -> Vec<PathBuf> {
    let write = |ext: &str, bytes: &[u8]| {
        let path = dir.join(format!("{stem}.{ext}"));
        std::fs::write(&path, bytes).expect("write fixture");
        path
    };
    let body: String = paras
        .iter()
        .enumerate()
        .map(|(k, p)| w_p(&escape(p), (k == 0).then_some("Title")))
        .collect();
    let odt_body: String = paras
        .iter()
        .enumerate()
        .map(|(k, p)| match k {
            0 => format!("<text:h text:outline-level=\"1\">{}</text:h>", escape(p)),
            _ => format!("<text:p>{}</text:p>", escape(p)),
        })
        .collect();
    let html: String = paras
        .iter()
        .enumerate()
        .map(|(k, p)| match k {
            0 => format!("<h1>{}</h1>", escape(p)),
            _ => format!("<p>{}</p>", escape(p)),
        })
        .collect();
    let md: String = paras
        .iter()
        .enumerate()
        .map(|(k, p)| {
            if k == 0 {
                format!("# {p}\n\n")
            } else {
                format!("{p}\n\n")
            }
        })
        .collect();
    vec![
        write("txt", paras.join("\n\n").as_bytes()),
        write("docx", &docx(&body, None, None)),
        write("odt", &odt(&odt_body, None)),
        write(
            "html",
            format!("<!DOCTYPE html><html><body><nav>Home</nav><main>{html}</main></body></html>")
                .as_bytes(),
        ),
        write("md", md.as_bytes()),
    ]
}

#[test]
fn the_same_article_in_every_format_gives_the_same_pairs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let en = corpus_paragraphs("en", "ar-water");
    let ar = corpus_paragraphs("ar", "ar-water");
    let srcs = write_formats(dir.path(), "en", &en);
    let tgts = write_formats(dir.path(), "ar", &ar);
    let opts = Options {
        src_lang: Some("en".into()),
        tgt_lang: Some("ar".into()),
        ..Options::default()
    };
    let mut all = Vec::new();
    for (s, t) in srcs.iter().zip(&tgts) {
        let (pair, _) = pipeline::align_files("p", s, t, &opts)
            .unwrap_or_else(|e| panic!("{}: {e}", s.display()));
        let texts: Vec<(String, String)> = pair
            .beads
            .iter()
            .map(|b| {
                let side = |d: &bitalign::document::Document, r: std::ops::Range<usize>| {
                    d.sentences[r]
                        .iter()
                        .map(|s| s.text.as_str())
                        .collect::<Vec<_>>()
                        .join(" ")
                };
                (
                    side(&pair.src, b.src.clone()),
                    side(&pair.tgt, b.tgt.clone()),
                )
            })
            .collect();
        assert!(texts.len() > 15, "{}: {} pairs", s.display(), texts.len());
        all.push((
            s.extension().map(|e| e.to_string_lossy().into_owned()),
            texts,
        ));
    }
    for (ext, pairs) in &all[1..] {
        assert_eq!(pairs, &all[0].1, "{ext:?} differs from .txt");
    }
}

/// Runs `align` on a bad document: exit 2 and one line naming the file.
fn refused(name: &str, bytes: &[u8], expect: &str) {
    let dir = tempfile::tempdir().expect("tempdir");
    let bad = dir.path().join(name);
    std::fs::write(&bad, bytes).expect("write");
    let good = dir.path().join("good.txt");
    std::fs::write(&good, "A perfectly good sentence.").expect("write");
    let out = common::bin()
        .args(["align"])
        .arg(&bad)
        .arg(&good)
        .output()
        .expect("run bitalign");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{name}: {err}");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "{name}: one line, got {err}");
    assert!(lines[0].contains(&*bad.to_string_lossy()), "{name}: {err}");
    assert!(
        lines[0].contains(expect),
        "{name}: wanted '{expect}' in {err}"
    );
}

#[test]
fn bad_documents_get_one_line_errors_naming_the_file_and_exit_2() {
    let mut corrupt = b"PK\x03\x04".to_vec();
    corrupt.extend_from_slice(&[7u8; 200]);
    refused("corrupt.docx", &corrupt, "corrupt zip");
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.extend(vec![0u8; 100]);
    ole.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
    refused("locked.docx", &ole, "password-protected");
    let no_body = zip(&[
        ("[Content_Types].xml", "<Types/>"),
        ("word/styles.xml", "<x/>"),
    ]);
    refused("empty.docx", &no_body, "word/document.xml");
    refused(
        "blank.html",
        b"<!DOCTYPE html><html><head><script>alert(1)</script></head><body><nav>Home</nav></body></html>",
        "no visible text",
    );
    refused("scan.pdf", b"%PDF-1.7\n...", "export it as text or DOCX");
    let truncated = &docx(&w_p("Some text here.", None), None, None)[..60];
    refused("cut.docx", truncated, "DOCX");
}

#[test]
fn input_format_forces_the_reader() {
    let dir = tempfile::tempdir().expect("tempdir");
    let page = dir.path().join("page.txt");
    std::fs::write(&page, "<p>Hello <b>world</b>.</p>").expect("write");
    let opts = ReadOptions {
        format: Some(Format::Html),
        ..ReadOptions::default()
    };
    let c = input::read_path(&page, &opts).expect("read");
    assert_eq!(texts(&c), ["Hello world."]);
    let plain = input::read_path(&page, &ReadOptions::default()).expect("read");
    assert_eq!(texts(&plain), ["<p>Hello <b>world</b>.</p>"]);
}
