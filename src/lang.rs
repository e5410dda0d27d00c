//! Language detection for inputs whose language is not given.
//!
//! whatlang names languages in ISO 639-3 (`eng`); the rest of the pipeline (segmentation
//! tables, TMX `xml:lang`) uses BCP 47 primary tags, so the result is mapped to ISO 639-1
//! where one exists. A guess is only returned when it is reliable: a wrong language would
//! pick the wrong abbreviation table and the wrong TMX tag, which is worse than none.

use language_tags::LanguageTag;
use whatlang::{Lang, Script};

use crate::error::{Error, Result};

/// Canonical BCP 47 form of a language tag a user typed: case and separators fixed
/// (`EN_us` → `en-US`), deprecated subtags replaced, ISO 639-3 codes with a two-letter
/// equivalent shortened (`eng` → `en`), English language names accepted (`english` → `en`).
/// Anything else (`e n`, `klingon`) is an error saying what a tag looks like.
pub fn canonical(tag: &str) -> Result<String> {
    let trimmed = tag.trim();
    let bad = || {
        Error::msg(format!(
            "'{tag}' is not a BCP 47 language tag (e.g. en, en-US, ar, zh-Hant)"
        ))
    };
    if trimmed.len() > 3 && trimmed.chars().all(char::is_alphabetic) {
        if let Some(lang) = Lang::all()
            .iter()
            .find(|l| l.eng_name().eq_ignore_ascii_case(trimmed))
        {
            return Ok(bcp47(*lang).to_string());
        }
    }
    let mut text = trimmed.replace('_', "-");
    // ISO 639-3/639-2 codes with a two-letter equivalent are not registered subtags.
    let head = text.split('-').next().unwrap_or("").to_ascii_lowercase();
    if head.len() == 3 {
        if let Some(two) = Lang::from_code(head.as_str())
            .map(bcp47)
            .filter(|t| t.len() == 2)
        {
            text = format!("{two}{}", &text[3..]);
        }
    }
    let parsed = LanguageTag::parse(&text).map_err(|_| bad())?;
    let tag = parsed.canonicalize().map_err(|_| bad())?;
    tag.validate().map_err(|_| bad())?;
    Ok(tag.into_string())
}

/// The primary language subtag (`en-US` → `en`).
pub fn primary(tag: &str) -> &str {
    tag.split(['-', '_']).next().unwrap_or(tag)
}

/// Characters of text below which a declared language is not second-guessed.
const CHECK_MIN_CHARS: usize = 200;

/// Languages whisper-close in writing, which detection confuses on short texts.
const CLOSE: &[&[&str]] = &[
    &["nb", "nn", "no", "da", "sv"],
    &["hr", "sr", "bs", "sl", "sh", "mk"],
    &["id", "ms"],
    &["hi", "mr", "ne"],
    &["ar", "fa", "ur", "ps"],
    &["es", "pt", "gl", "ca"],
    &["zh", "ja", "yue"],
    &["ru", "uk", "be", "bg"],
];

/// The language `text` clearly reads as when it is not the `declared` one (a sizeable text,
/// a reliable detection, not a close relative): likely swapped or mislabelled files.
pub fn contradicts(declared: &str, text: &str) -> Option<String> {
    let declared = primary(declared);
    if declared == "und" || sample(text).chars().count() < CHECK_MIN_CHARS {
        return None;
    }
    let detected = detect(text)?;
    let close = |a: &str, b: &str| CLOSE.iter().any(|g| g.contains(&a) && g.contains(&b));
    (detected != declared && !close(&detected, declared)).then_some(detected)
}

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
    fn tags_are_canonicalized_and_names_accepted() {
        let c = |t: &str| canonical(t).ok();
        assert_eq!(c("english").as_deref(), Some("en"));
        assert_eq!(c("EN_us").as_deref(), Some("en-US"));
        assert_eq!(c("en").as_deref(), Some("en"));
        assert_eq!(c("zh-hant-tw").as_deref(), Some("zh-Hant-TW"));
        assert_eq!(c("ara").as_deref(), Some("ar"));
        assert_eq!(c("iw").as_deref(), Some("he"));
        assert_eq!(c(" ar-iq ").as_deref(), Some("ar-IQ"));
    }

    #[test]
    fn malformed_tags_are_refused_in_one_line() {
        for bad in ["e n", "", "klingon", "en--US", "12"] {
            let e = canonical(bad).err().map(|e| e.to_string());
            assert!(
                e.as_deref()
                    .is_some_and(|m| m.contains("BCP 47") && !m.contains('\n')),
                "{bad}: {e:?}"
            );
        }
    }

    #[test]
    fn a_declared_language_contradicted_by_the_text_is_reported() {
        let ar = "ذكر الجنرال بان قيادة التحالف في العراق تنظر الان في كيفية تحويل علاقتها \
                  الامنية مع العراق الى علاقة دفاع طويلة الاجل "
            .repeat(3);
        assert_eq!(contradicts("en", &ar).as_deref(), Some("ar"));
        assert_eq!(contradicts("ar-IQ", &ar), None);
        assert_eq!(
            contradicts("fa", &ar),
            None,
            "close languages are not second-guessed"
        );
        assert_eq!(contradicts("en", "Short."), None);
    }

    #[test]
    fn every_language_maps_to_a_short_tag() {
        for &lang in Lang::all() {
            let tag = bcp47(lang);
            assert!(tag.len() == 2 || tag.len() == 3, "{lang:?} -> {tag}");
        }
    }
}
