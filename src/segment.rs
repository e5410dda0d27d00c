//! Sentence segmentation: one paragraph in, its sentences out.
//!
//! Alignment quality depends on both sides being cut at the same kind of place, so the
//! rules aim at real sentence ends and avoid the usual false ones: abbreviations (per
//! language tables in `segment/abbreviations/`), initials, decimals, ordinals (`5. Oktober`),
//! URLs and e-mail addresses, ellipses inside a sentence, quotations embedded in a
//! sentence, list markers. Closing quotes and brackets after a terminator stay with their
//! sentence; scripts without spaces or case (CJK, Devanagari, Ethiopic, Myanmar, Arabic)
//! break at their own full stops. The Arabic comma `،` and semicolon `؛` are never ends.
//!
//! The scanner (`segment/scan.rs`) is a single linear pass over the bytes with table
//! look-ups, no regular expressions, so segmentation stays far faster than alignment.
//! Splitting never drops or changes a character and never panics: the sentences,
//! concatenated, equal the paragraph up to whitespace.
//!
//! Arabic follows the Golden Rules in one more way: a colon before a new clause
//! (`سؤال وجواب: ماذا حدث`) ends a sentence, so headline-style `label: text` lines split
//! there; a colon before a quotation or a number does not. English cuts where such a colon
//! would be: after a clause of four words or more, before a capitalised word.
//!
//! Speech transcripts and other unpunctuated text are cut again at clause openers
//! ([`resplit_unpunctuated`], `segment/transcript.rs`), but only when most of the document
//! lacks punctuation.

mod chars;
mod scan;
pub mod srx;
mod tables;
mod transcript;

use std::ops::Range;

use crate::document::Structure;

/// A sentence splitter for one language.
#[derive(Debug, Clone)]
pub struct Segmenter {
    lang: String,
    profile: scan::Profile,
}

impl Segmenter {
    /// A splitter for a BCP 47 / ISO 639-1 tag (`en`, `de-CH`, `zh_Hant`...). Unknown or
    /// empty tags get language-neutral rules (common abbreviations, English openers).
    pub fn new(lang: &str) -> Self {
        Segmenter {
            lang: lang.to_string(),
            profile: scan::Profile::new(lang),
        }
    }

    /// The language tag this splitter was made for, as given.
    pub fn lang(&self) -> &str {
        &self.lang
    }

    /// Splits one paragraph into sentences (trimmed, non-empty).
    pub fn split(&self, paragraph: &str) -> Vec<String> {
        self.split_ranges(paragraph)
            .into_iter()
            .map(|r| paragraph[r].to_string())
            .collect()
    }

    /// Like [`split`](Self::split) but borrowing: the sentences as slices of `paragraph`.
    pub fn split_str<'a>(&self, paragraph: &'a str) -> Vec<&'a str> {
        self.split_ranges(paragraph)
            .into_iter()
            .map(|r| &paragraph[r])
            .collect()
    }

    /// Byte ranges of the sentences in `paragraph` (trimmed, non-empty, in order), for
    /// callers that keep offsets into the source text.
    pub fn split_ranges(&self, paragraph: &str) -> Vec<Range<usize>> {
        trimmed_pieces(paragraph, scan::boundaries(paragraph, &self.profile))
    }

    /// A sentence of unpunctuated text (a transcript) cut before the words that open a
    /// clause (`segment/transcript.rs`); whole when the language has no such table.
    pub fn clauses<'a>(&self, sentence: &'a str) -> Vec<&'a str> {
        transcript::clauses(self.profile.primary(), sentence)
            .into_iter()
            .map(|r| &sentence[r])
            .filter(|s| !s.is_empty())
            .collect()
    }
}

/// Whether a document whose sentences are `sentences` reads as unpunctuated: many of its
/// longer sentences end without any punctuation, as in speech transcripts.
pub fn unpunctuated<'a>(sentences: impl IntoIterator<Item = &'a str>) -> bool {
    transcript::is_unpunctuated(sentences)
}

/// When the blocks' sentences read as unpunctuated, cuts every sentence outside headings
/// again at its clause openers ([`Segmenter::clauses`]); punctuated text is left alone.
pub fn resplit_unpunctuated(seg: &Segmenter, blocks: &mut [(Structure, Vec<String>)]) {
    let judged = blocks
        .iter()
        .filter(|(kind, _)| *kind == Structure::Paragraph)
        .flat_map(|(_, sentences)| sentences.iter().map(String::as_str));
    if !unpunctuated(judged) {
        return;
    }
    for (kind, sentences) in blocks.iter_mut() {
        if *kind != Structure::Heading {
            *sentences = sentences
                .iter()
                .flat_map(|s| seg.clauses(s))
                .map(str::to_string)
                .collect();
        }
    }
}

/// The pieces of `paragraph` between ascending byte offsets `cuts`, trimmed, empty ones
/// dropped (shared by the built-in and the SRX segmenter).
fn trimmed_pieces(paragraph: &str, cuts: Vec<usize>) -> Vec<Range<usize>> {
    let mut out = Vec::with_capacity(cuts.len() + 1);
    let mut prev = 0;
    for cut in cuts.into_iter().chain(std::iter::once(paragraph.len())) {
        let piece = &paragraph[prev..cut];
        let start = prev + (piece.len() - piece.trim_start().len());
        let end = prev + piece.trim_end().len();
        if start < end {
            out.push(start..end);
        }
        prev = cut;
    }
    out
}

/// Splits every paragraph with one [`Segmenter`] for `lang`.
pub fn split_paragraphs(paragraphs: &[String], lang: &str) -> Vec<Vec<String>> {
    let seg = Segmenter::new(lang);
    paragraphs.iter().map(|p| seg.split(p)).collect()
}

/// Languages with their own abbreviation tables (others use the common table).
pub fn languages_with_tables() -> Vec<&'static str> {
    tables::languages().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(lang: &str, text: &str) -> Vec<String> {
        Segmenter::new(lang).split(text)
    }

    fn assert_split(lang: &str, text: &str, expected: &[&str]) {
        assert_eq!(split(lang, text), expected, "lang {lang}, text {text:?}");
    }

    #[test]
    fn simple_sentences() {
        assert_split(
            "en",
            "Hello World. My name is Jonas.",
            &["Hello World.", "My name is Jonas."],
        );
        assert_split(
            "en",
            "What is it? There it is! Yes.",
            &["What is it?", "There it is!", "Yes."],
        );
    }

    #[test]
    fn decimal_is_not_an_end() {
        assert_split(
            "en",
            "Pi is 3.14 and a million is 1.000.000 here.",
            &["Pi is 3.14 and a million is 1.000.000 here."],
        );
        assert_split(
            "en",
            "She has $100.00. It is in her bag.",
            &["She has $100.00.", "It is in her bag."],
        );
    }

    #[test]
    fn initials_are_not_ends() {
        assert_split(
            "en",
            "J. R. R. Tolkien wrote it. He was English.",
            &["J. R. R. Tolkien wrote it.", "He was English."],
        );
        assert_split(
            "en",
            "We make a good team, you and I. Did you see Albert I. Jones?",
            &[
                "We make a good team, you and I.",
                "Did you see Albert I. Jones?",
            ],
        );
    }

    #[test]
    fn abbreviations_per_language() {
        assert_split(
            "en",
            "Gen. Smith met Dr. Jones and Lt. Col. Brown, e.g. at the U.S. Embassy.",
            &["Gen. Smith met Dr. Jones and Lt. Col. Brown, e.g. at the U.S. Embassy."],
        );
        assert_split(
            "en",
            "They closed the deal with Pitt, Briggs & Co. It closed yesterday.",
            &[
                "They closed the deal with Pitt, Briggs & Co.",
                "It closed yesterday.",
            ],
        );
        assert_split(
            "en",
            "I live in the U.S. How about you?",
            &["I live in the U.S.", "How about you?"],
        );
        assert_split(
            "de",
            "Es gibt z. B. Hunde, Katzen usw. Die Tiere sind da.",
            &["Es gibt z. B. Hunde, Katzen usw.", "Die Tiere sind da."],
        );
        assert_split(
            "fr",
            "M. Le Pen a parlé. Mme Dupont aussi.",
            &["M. Le Pen a parlé.", "Mme Dupont aussi."],
        );
        assert_split(
            "es",
            "Hola Srta. Ledesma. Buenos días, Sr. Pérez.",
            &["Hola Srta. Ledesma.", "Buenos días, Sr. Pérez."],
        );
        assert_split(
            "ru",
            "В 2010 г. Виктор посещал г. Волгоград, т. е. юг. Потом уехал.",
            &[
                "В 2010 г. Виктор посещал г. Волгоград, т. е. юг.",
                "Потом уехал.",
            ],
        );
    }

    #[test]
    fn closing_quote_kept() {
        assert_split(
            "en",
            "He said \"Go.\" Then he left.",
            &["He said \"Go.\"", "Then he left."],
        );
        assert_split(
            "de",
            "Sie sagte: „Und auch keine Lust.“ Wir gingen.",
            &["Sie sagte: „Und auch keine Lust.“", "Wir gingen."],
        );
        assert_split(
            "fr",
            "Il a dit « Bonjour. » Puis il est parti.",
            &["Il a dit « Bonjour. »", "Puis il est parti."],
        );
    }

    #[test]
    fn embedded_quotation_is_not_split() {
        assert_split(
            "sk",
            "„Prieskumy beriem na ľahkú váhu. V podstate ma to nezaujíma,“ reagoval Matovič.",
            &["„Prieskumy beriem na ľahkú váhu. V podstate ma to nezaujíma,“ reagoval Matovič."],
        );
    }

    #[test]
    fn arabic_comma_is_not_an_end() {
        assert_split(
            "ar",
            "عثر في الغرفة على بعض الأدوية، والقلب، وبدأت مراسم الحداد عليه. وقال الطبيب؛ نعم.",
            &[
                "عثر في الغرفة على بعض الأدوية، والقلب، وبدأت مراسم الحداد عليه.",
                "وقال الطبيب؛ نعم.",
            ],
        );
    }

    #[test]
    fn arabic_question_mark() {
        assert_split(
            "ar",
            "ماذا حدث بعد الانتخابات؟ طرح الكثير من التساؤلات.",
            &["ماذا حدث بعد الانتخابات؟", "طرح الكثير من التساؤلات."],
        );
        assert_split(
            "ur",
            "کیا حال ہے؟ میرا نام ہے۔ میں ٹھیک ہوں؟",
            &["کیا حال ہے؟", "میرا نام ہے۔", "میں ٹھیک ہوں؟"],
        );
    }

    #[test]
    fn arabic_abbreviation_with_bidi_marks() {
        assert_split(
            "ar",
            "وقال د\u{202a}.\u{202c} ديفيد ريدي إنها مريضة. وليس معروفا.",
            &[
                "وقال د\u{202a}.\u{202c} ديفيد ريدي إنها مريضة.",
                "وليس معروفا.",
            ],
        );
    }

    #[test]
    fn cjk_needs_no_space() {
        assert_split(
            "ja",
            "これはペンです。それはマーカーです。",
            &["これはペンです。", "それはマーカーです。"],
        );
        assert_split(
            "zh",
            "我们明天一起去看《摔跤吧！爸爸》好吗？好！",
            &["我们明天一起去看《摔跤吧！爸爸》好吗？", "好！"],
        );
        assert_split(
            "zh",
            "“我很好。”他说。然后走了。",
            &["“我很好。”他说。", "然后走了。"],
        );
        assert_split(
            "ja",
            "「引き下げ幅は３．２９％だ。」と指摘した。２％台だ。",
            &["「引き下げ幅は３．２９％だ。」と指摘した。", "２％台だ。"],
        );
    }

    #[test]
    fn german_ordinal() {
        assert_split(
            "de",
            "Was geschah am 12. Juni? Wir trafen uns am 3. Mai.",
            &["Was geschah am 12. Juni?", "Wir trafen uns am 3. Mai."],
        );
        assert_split(
            "en",
            "The score was 5. The team won.",
            &["The score was 5.", "The team won."],
        );
    }

    #[test]
    fn url_and_email() {
        assert_split(
            "en",
            "Visit www.example.com for more. Then write.",
            &["Visit www.example.com for more.", "Then write."],
        );
        assert_split(
            "en",
            "Her email is Jane.Doe@example.com. I sent her an email.",
            &["Her email is Jane.Doe@example.com.", "I sent her an email."],
        );
        assert_split("en", "The site is: https://www.example.50.com/new-site/awesome_content.html. Please check it out.", &["The site is: https://www.example.50.com/new-site/awesome_content.html.", "Please check it out."]);
    }

    #[test]
    fn ellipsis() {
        assert_split(
            "en",
            "I wasn’t really ... well, what I mean...see . . . what I'm saying.",
            &["I wasn’t really ... well, what I mean...see . . . what I'm saying."],
        );
        assert_split(
            "en",
            "I never meant that.... She left the store.",
            &["I never meant that....", "She left the store."],
        );
        assert_split(
            "en",
            "He waited… Then he left.",
            &["He waited…", "Then he left."],
        );
    }

    #[test]
    fn greek_semicolon_is_a_question_mark() {
        assert_split(
            "el",
            "Με συγχωρείτε· πού είναι οι τουαλέτες; Τις Κυριακές δε δούλευε κανένας.",
            &[
                "Με συγχωρείτε· πού είναι οι τουαλέτες;",
                "Τις Κυριακές δε δούλευε κανένας.",
            ],
        );
        assert_split("en", "Stop; go on.", &["Stop; go on."]);
    }

    #[test]
    fn hindi_danda() {
        assert_split(
            "hi",
            "सच्चाई यह है कि इसे कोई नहीं जानता। हो सकता है यह विद्रोह रहा हो।",
            &[
                "सच्चाई यह है कि इसे कोई नहीं जानता।",
                "हो सकता है यह विद्रोह रहा हो।",
            ],
        );
        assert_split("hi", "डॉ. राम आए।", &["डॉ. राम आए।"]);
    }

    #[test]
    fn lowercase_after_period_is_not_an_end() {
        assert_split(
            "en",
            "She turned to him, 'This is great.' she said.",
            &["She turned to him, 'This is great.' she said."],
        );
        assert_split(
            "en",
            "She works at Yahoo! in the accounting department.",
            &["She works at Yahoo! in the accounting department."],
        );
    }

    #[test]
    fn list_markers() {
        assert_split(
            "en",
            "1.) The first item 2.) The second item",
            &["1.) The first item", "2.) The second item"],
        );
        assert_split(
            "en",
            "a. The first item b. The second item",
            &["a. The first item", "b. The second item"],
        );
        assert_split(
            "en",
            "1) The first item. 2) The second item.",
            &["1) The first item.", "2) The second item."],
        );
        assert_split(
            "it",
            "Devi comprare : 1)pesce 2)sale.",
            &["Devi comprare : 1)pesce 2)sale."],
        );
    }

    #[test]
    fn armenian_full_stop() {
        assert_split(
            "hy",
            "Ի՞նչ ես մտածում: Ոչինչ:",
            &["Ի՞նչ ես մտածում:", "Ոչինչ:"],
        );
        assert_split(
            "hy",
            "Տրամաբանությյունը հետևյալն է. պարզություն և աշխատանք։ Այո։",
            &[
                "Տրամաբանությյունը հետևյալն է. պարզություն և աշխատանք։",
                "Այո։",
            ],
        );
    }

    #[test]
    fn nothing_is_lost() {
        let seg = Segmenter::new("en");
        for text in [
            "",
            "   ",
            "\u{a0}Dr.\u{3000}No.\u{85}x",
            "a.b. c",
            "...",
            "?!",
            "\"",
            "((",
        ] {
            let joined: String = seg.split(text).concat();
            let strip = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
            assert_eq!(strip(&joined), strip(text));
        }
    }

    #[test]
    fn ranges_match_split() {
        let seg = Segmenter::new("en");
        let text = "  One. Two!  Three?  ";
        let ranges = seg.split_ranges(text);
        assert_eq!(
            ranges.iter().map(|r| &text[r.clone()]).collect::<Vec<_>>(),
            seg.split(text)
        );
        assert_eq!(seg.split_str(text), vec!["One.", "Two!", "Three?"]);
    }

    #[test]
    fn split_paragraphs_keeps_order() {
        let paras = vec!["Ab cd. Ef gh.".to_string(), String::new(), "E.".to_string()];
        assert_eq!(
            split_paragraphs(&paras, "en"),
            vec![
                vec!["Ab cd.".to_string(), "Ef gh.".to_string()],
                vec![],
                vec!["E.".to_string()]
            ]
        );
    }

    #[test]
    fn list_closing_abbreviation() {
        assert_split(
            "pl",
            "Rozmawiano o gospodarce itd. Spotkanie trwało 2 godz. Następnie wyszli.",
            &[
                "Rozmawiano o gospodarce itd.",
                "Spotkanie trwało 2 godz.",
                "Następnie wyszli.",
            ],
        );
        assert_split(
            "de",
            "Er wohnt in der Hauptstr. 5 in Berlin. Ludwig XIV. war König.",
            &[
                "Er wohnt in der Hauptstr. 5 in Berlin.",
                "Ludwig XIV. war König.",
            ],
        );
    }

    #[test]
    fn closing_abbreviations_end_before_a_new_sentence() {
        assert_split(
            "en",
            "A review was conducted by Whitby et al. Commercial devices can measure it.",
            &[
                "A review was conducted by Whitby et al.",
                "Commercial devices can measure it.",
            ],
        );
        assert_split(
            "de",
            "Verwenden Sie keine Scheuermittel o. Ä. Setzen Sie den Filter ein.",
            &[
                "Verwenden Sie keine Scheuermittel o. Ä.",
                "Setzen Sie den Filter ein.",
            ],
        );
        assert_split(
            "ru",
            "Данные за 2003–2023 гг. На глубине 10 м грунт прогрелся.",
            &[
                "Данные за 2003–2023 гг.",
                "На глубине 10 м грунт прогрелся.",
            ],
        );
    }

    #[test]
    fn time_of_day_ends_before_a_capital_unless_a_day_or_zone_follows() {
        assert_split(
            "en",
            "The curfew ran from 3 p.m. to 6 a.m. Thailand planned one too.",
            &[
                "The curfew ran from 3 p.m. to 6 a.m.",
                "Thailand planned one too.",
            ],
        );
        for text in [
            "The vote is at 10 a.m. Tuesday in the Senate.",
            "It starts at 9 p.m. EST on most channels.",
            "At 5 a.m. Mr. Smith went to the bank.",
            "It opens at 8 a.m. and closes late.",
        ] {
            assert_split("en", text, &[text]);
        }
    }

    #[test]
    fn quotation_of_whole_sentences_inside_a_sentence_keeps_its_breaks() {
        assert_split(
            "en",
            "The WHO urged action, saying \"All countries can still change the course of this pandemic. If countries detect and treat their people in the response,\" said Tedros.",
            &[
                "The WHO urged action, saying \"All countries can still change the course of this pandemic.",
                "If countries detect and treat their people in the response,\" said Tedros.",
            ],
        );
        // Short pieces, or a quotation opening the sentence, keep the sentence whole.
        for text in [
            "He said \"Go. Now,\" and left.",
            "\"I never meant to stay here this long. It was a mistake,\" she said quietly.",
        ] {
            assert_split("en", text, &[text]);
        }
    }

    #[test]
    fn english_colon_before_a_capitalised_clause() {
        assert_split(
            "en",
            "The technique includes the following steps: Wet hands with running water.",
            &[
                "The technique includes the following steps:",
                "Wet hands with running water.",
            ],
        );
        for text in [
            "Note: Wet hands first.",
            "The main findings are: pleurisy and oedema.",
            "Doors open at 10:30 on Sunday.",
        ] {
            assert_split("en", text, &[text]);
        }
    }

    #[test]
    fn unpunctuated_documents_are_cut_at_clause_openers_but_headings_stay_whole() {
        let seg = Segmenter::new("en");
        let turn = "and how high has your fever been and i have a cough too".to_string();
        let heading = "Symptoms and how they started".to_string();
        let mut blocks = vec![(Structure::Heading, vec![heading.clone()])];
        blocks.extend((0..8).map(|_| (Structure::Paragraph, vec![turn.clone()])));
        resplit_unpunctuated(&seg, &mut blocks);
        assert_eq!(blocks[0].1, [heading]);
        assert_eq!(
            blocks[1].1,
            ["and how high has your fever been", "and i have a cough too"]
        );
        // Punctuated prose is left as the scanner cut it.
        let prose = "The patient said the fever and the cough began on Monday.".to_string();
        let mut blocks = vec![(Structure::Paragraph, vec![prose.clone()]); 9];
        resplit_unpunctuated(&seg, &mut blocks);
        assert!(blocks.iter().all(|(_, s)| s.len() == 1 && s[0] == prose));
    }

    /// Pathological inputs stay linear: each would take minutes if a step rescanned the
    /// text before or after it.
    #[test]
    fn pathological_input_is_linear() {
        let patterns = [
            "a.",
            "a. ",
            "A. ",
            ". ",
            "( ",
            ") ",
            "\"",
            "\" ",
            "… ",
            "x.Yz",
            "1. ",
            "“a. B” ",
            "z. B. ",
            "!?",
            "。",
            ".)",
            "« a. B » ",
            " . . .",
            "\u{a0}Dr.\u{3000}",
            "(a. B) ",
        ];
        let start = std::time::Instant::now();
        for p in patterns {
            let text = p.repeat(200_000 / p.len());
            for lang in ["en", "de", "zh", "ar"] {
                let n = Segmenter::new(lang).split_ranges(&text).len();
                assert!(n <= text.len());
            }
        }
        let long_word = format!("{}. Next", "w".repeat(500_000));
        assert_eq!(split("en", &long_word).len(), 2);
        assert!(start.elapsed().as_secs() < 60, "took {:?}", start.elapsed());
    }
}
