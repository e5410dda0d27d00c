//! Language detection for inputs whose language is not given.
//!
//! whatlang names languages in ISO 639-3 (`eng`); the rest of the pipeline (segmentation
//! tables, TMX `xml:lang`) uses BCP 47 primary tags, so the result is mapped to ISO 639-1
//! where one exists. A guess is only returned when it is reliable: a wrong language would
//! pick the wrong abbreviation table and the wrong TMX tag, which is worse than none.

use whatlang::{Lang, Script};

/// Detects the language of a text as a BCP 47 code (`en`, `ar`, `zh`...), if confident.
///
/// Scripts used by a single language in practice (kana → `ja`, Hangul → `ko`, Greek →
/// `el`, Armenian → `hy`, Georgian → `ka`, Thai → `th`...) decide on their own, even for
/// short texts where whatlang's trigram statistics are not yet reliable.
pub fn detect(text: &str) -> Option<String> {
    let info = whatlang::detect(sample(text))?;
    if let Some(code) = single_language_script(info.script()) {
        return Some(code.to_string());
    }
    if !info.is_reliable() {
        return None;
    }
    Some(bcp47(info.lang()).to_string())
}

/// Bytes of text examined: trigram statistics settle long before this, and whole books
/// would otherwise cost a pass of their own.
const SAMPLE_BYTES: usize = 16 * 1024;

/// The first [`SAMPLE_BYTES`] of `text`, cut at a character boundary.
fn sample(text: &str) -> &str {
    if text.len() <= SAMPLE_BYTES {
        return text;
    }
    let mut end = SAMPLE_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Languages that a script alone identifies.
fn single_language_script(script: Script) -> Option<&'static str> {
    Some(match script {
        Script::Hiragana | Script::Katakana => "ja",
        Script::Hangul => "ko",
        Script::Greek => "el",
        Script::Armenian => "hy",
        Script::Georgian => "ka",
        Script::Thai => "th",
        Script::Khmer => "km",
        Script::Myanmar => "my",
        Script::Sinhala => "si",
        Script::Gujarati => "gu",
        Script::Gurmukhi => "pa",
        Script::Kannada => "kn",
        Script::Malayalam => "ml",
        Script::Oriya => "or",
        Script::Tamil => "ta",
        Script::Telugu => "te",
        _ => return None,
    })
}

/// BCP 47 primary tag of a whatlang language: ISO 639-1 where it exists, else the
/// ISO 639-3 code (valid BCP 47 too).
pub fn bcp47(lang: Lang) -> &'static str {
    match lang {
        Lang::Epo => "eo",
        Lang::Eng => "en",
        Lang::Rus => "ru",
        Lang::Cmn => "zh",
        Lang::Spa => "es",
        Lang::Por => "pt",
        Lang::Ita => "it",
        Lang::Ben => "bn",
        Lang::Fra => "fr",
        Lang::Deu => "de",
        Lang::Ukr => "uk",
        Lang::Kat => "ka",
        Lang::Ara => "ar",
        Lang::Hin => "hi",
        Lang::Jpn => "ja",
        Lang::Heb => "he",
        Lang::Yid => "yi",
        Lang::Pol => "pl",
        Lang::Amh => "am",
        Lang::Jav => "jv",
        Lang::Kor => "ko",
        Lang::Nob => "nb",
        Lang::Dan => "da",
        Lang::Swe => "sv",
        Lang::Fin => "fi",
        Lang::Tur => "tr",
        Lang::Nld => "nl",
        Lang::Hun => "hu",
        Lang::Ces => "cs",
        Lang::Ell => "el",
        Lang::Bul => "bg",
        Lang::Bel => "be",
        Lang::Mar => "mr",
        Lang::Kan => "kn",
        Lang::Ron => "ro",
        Lang::Slv => "sl",
        Lang::Hrv => "hr",
        Lang::Srp => "sr",
        Lang::Mkd => "mk",
        Lang::Lit => "lt",
        Lang::Lav => "lv",
        Lang::Est => "et",
        Lang::Tam => "ta",
        Lang::Vie => "vi",
        Lang::Urd => "ur",
        Lang::Tha => "th",
        Lang::Guj => "gu",
        Lang::Uzb => "uz",
        Lang::Pan => "pa",
        Lang::Aze => "az",
        Lang::Ind => "id",
        Lang::Tel => "te",
        Lang::Pes => "fa",
        Lang::Mal => "ml",
        Lang::Ori => "or",
        Lang::Mya => "my",
        Lang::Nep => "ne",
        Lang::Sin => "si",
        Lang::Khm => "km",
        Lang::Tuk => "tk",
        Lang::Aka => "ak",
        Lang::Zul => "zu",
        Lang::Sna => "sn",
        Lang::Afr => "af",
        Lang::Lat => "la",
        Lang::Slk => "sk",
        Lang::Cat => "ca",
        Lang::Tgl => "tl",
        Lang::Hye => "hy",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_common_languages() {
        let en = "The committee met on Tuesday to discuss the budget for the coming year, \
                  and most members agreed that spending on schools should rise.";
        assert_eq!(detect(en).as_deref(), Some("en"));
        let de = "Der Ausschuss trat am Dienstag zusammen, um den Haushalt für das kommende \
                  Jahr zu beraten, und die meisten Mitglieder stimmten zu.";
        assert_eq!(detect(de).as_deref(), Some("de"));
        let ar = "ذكر الجنرال بان قيادة التحالف في العراق تنظر الان في كيفية تحويل علاقتها \
                  الامنية مع العراق الى علاقة دفاع طويلة الاجل";
        assert_eq!(detect(ar).as_deref(), Some("ar"));
        assert_eq!(detect("これはペンです。").as_deref(), Some("ja"));
        assert_eq!(detect("Καλημέρα").as_deref(), Some("el"));
    }

    #[test]
    fn long_text_is_sampled_at_a_char_boundary() {
        let text = "é".repeat(20_000);
        assert!(sample(&text).len() <= SAMPLE_BYTES);
        let ar =
            "ذكر الجنرال بان قيادة التحالف في العراق تنظر الان في كيفية تحويل علاقتها ".repeat(500);
        assert_eq!(detect(&ar).as_deref(), Some("ar"));
    }

    #[test]
    fn unreliable_or_empty_is_none() {
        assert_eq!(detect(""), None);
        assert_eq!(detect("12345 !!!"), None);
    }

    #[test]
    fn every_language_maps_to_a_short_tag() {
        for &lang in Lang::all() {
            let tag = bcp47(lang);
            assert!(tag.len() == 2 || tag.len() == 3, "{lang:?} -> {tag}");
        }
    }
}
