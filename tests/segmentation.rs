//! Segmentation against the Golden Rules cases in `../shared/segmentation/golden-rules/`
//! (pySBD / pragmatic_segmenter, MIT), plus a property test that splitting never loses or
//! alters a character.
//!
//! The floors below are set just under what the segmenter reaches, so a rule change that
//! costs accuracy fails here instead of going unnoticed.

mod common;

use bitalign::segment::Segmenter;
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::path::Path;

const GOLDEN_DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/segmentation/golden-rules"
);

/// Overall share of cases passed (measured 292/294 = 99.3%).
const MIN_OVERALL: f64 = 0.99;
/// English cases passed (measured 57/58; the miss, `6 P.M. Mr. Smith`, is marked an
/// expected failure upstream: `5 a.m. Mr. Smith` in the same text must not break).
const MIN_ENGLISH: usize = 57;
/// Lowest share passed in any one language (measured: Arabic 4/5, whose miss is the
/// accepted one: we keep the rule that the Arabic comma `،` does not end a sentence).
const MIN_PER_LANGUAGE: f64 = 0.80;
/// Cases each language may fail at most (measured); languages not listed: none.
const ALLOWED_FAILURES: &[(&str, usize)] = &[("ar", 1), ("en", 1)];

#[derive(serde::Deserialize)]
struct Case {
    text: String,
    sentences: Vec<String>,
}

#[test]
fn golden_rules() {
    let dir = Path::new(GOLDEN_DIR);
    let Ok(entries) = std::fs::read_dir(dir) else {
        common::skip(format_args!(
            "{} not found (shared data absent)",
            dir.display()
        ));
        return;
    };
    let mut files: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let mut results: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut failures = Vec::new();
    for path in files {
        let lang = path.file_stem().unwrap().to_string_lossy().to_string();
        let raw = std::fs::read_to_string(&path).unwrap();
        let cases: Vec<Case> = serde_json::from_str(&raw).unwrap();
        let seg = Segmenter::new(&lang);
        let entry = results.entry(lang.clone()).or_default();
        for (i, case) in cases.iter().enumerate() {
            let got = seg.split(&case.text);
            let want: Vec<&str> = case.sentences.iter().map(|s| s.trim()).collect();
            entry.1 += 1;
            if got == want {
                entry.0 += 1;
            } else {
                failures.push(format!(
                    "{lang} #{i}: {:?}\n    want {want:?}\n    got  {got:?}",
                    case.text
                ));
            }
        }
    }
    println!("{:<6} {:>7} {:>6}", "lang", "passed", "total");
    let (mut passed, mut total) = (0, 0);
    for (lang, (p, t)) in &results {
        println!("{lang:<6} {p:>7} {t:>6}");
        passed += p;
        total += t;
    }
    println!(
        "{:<6} {passed:>7} {total:>6}  ({:.1}%)",
        "all",
        100.0 * passed as f64 / total as f64
    );
    for f in &failures {
        println!("FAIL {f}");
    }
    assert!(total > 0, "no cases read from {}", dir.display());
    assert!(
        passed as f64 / total as f64 >= MIN_OVERALL,
        "overall {passed}/{total} below {MIN_OVERALL}"
    );
    if let Some((p, _)) = results.get("en") {
        assert!(*p >= MIN_ENGLISH, "English {p} below {MIN_ENGLISH}");
    }
    for (lang, (p, t)) in &results {
        let allowed = ALLOWED_FAILURES
            .iter()
            .find(|(l, _)| l == lang)
            .map_or(0, |(_, n)| *n);
        assert!(
            t - p <= allowed,
            "{lang}: {} failures, at most {allowed} expected",
            t - p
        );
        assert!(
            *p as f64 / *t as f64 >= MIN_PER_LANGUAGE,
            "{lang}: {p}/{t} below {MIN_PER_LANGUAGE}"
        );
    }
}

/// News-style sentences written for this project (not from the Golden Rules): each
/// `|` marks an expected boundary. They cover what news text adds to the Golden Rules:
/// datelines, state and title abbreviations, money, dates, ordinals, attribution after
/// quotations, units.
const NEWS_SAMPLES: &[(&str, &str)] = &[
    ("en", "LONDON (Reuters) - Britain's economy grew 0.3% in the third quarter, official data showed on Friday. | Economists had expected growth of 0.4%."),
    ("en", "The Bank of England raised rates to 5.25% in August. | Gov. Andrew Bailey said inflation would fall. | \"We are not there yet,\" he told reporters."),
    ("en", "Apple Inc. reported record sales of $89.5 billion. | The company, based in Cupertino, Calif., said iPhone demand was strong."),
    ("en", "Dr. Anthony Fauci, director of the National Institute of Allergy and Infectious Diseases, testified on Tuesday. | Sen. Rand Paul (R-Ky.) questioned him."),
    ("en", "The U.S. and China agreed to resume talks. | Officials in Beijing declined to comment."),
    ("en", "About 1,200 people were evacuated from St. Petersburg, Fla., on Sunday night. | No injuries were reported."),
    ("en", "The film, directed by J.J. Abrams, opens Dec. 18. | Tickets went on sale Monday."),
    ("en", "He paid £3.50 for the ticket, i.e. less than last year. | Prices are expected to rise in Jan. 2024."),
    ("en", "The vote, scheduled for 3 p.m. Thursday, was postponed. | Lawmakers will meet again next week."),
    ("en", "Shares of Tesla Inc. fell 4%. | The electric-car maker's stock has dropped 20% this year."),
    ("en", "The report cites research by Smith et al. (2019) and others. | It was published in the journal Nature."),
    ("en", "\"I don't know. Maybe tomorrow,\" said Mr. Jones."),
    ("en", "Visit www.un.org/en for details. | The site is updated daily."),
    ("de", "Am 3. Oktober feiert Deutschland den Tag der Deutschen Einheit. | Viele Menschen haben frei."),
    ("de", "Die Firma beschäftigt rund 1.200 Mitarbeiter, u. a. in München und Hamburg. | Sie plant weitere Stellen."),
    ("de", "„Wir müssen handeln“, sagte Dr. Müller. | „Die Zeit drängt.“"),
    ("de", "Der Umsatz stieg um ca. 5 Prozent auf 2,3 Mrd. Euro. | Im Vorjahr waren es 2,2 Mrd. Euro."),
    ("de", "Er wurde 1950 in der Bahnhofstr. 12 geboren. | Später zog er nach Köln."),
    ("de", "Laut Prof. Schmidt von der Univ. Heidelberg ist das Risiko gering. | Andere Experten sehen das anders."),
    ("de", "Die Veranstaltung findet vom 12. bis 14. Mai statt. | Der Eintritt ist frei."),
    ("de", "Der 1. FC Köln verlor mit 0:3. | Trainer Steffen Baumgart war enttäuscht."),
    ("de", "Die Preise für Obst, Gemüse usw. sind gestiegen. | Die Inflation liegt bei 6,1 Prozent."),
    ("fr", "« Nous devons agir maintenant », a déclaré M. Dupont. | Il s'exprimait devant l'Assemblée nationale."),
    ("fr", "Selon l'Insee, le chômage a reculé à 7,1 % au 2e trimestre. | C'est son plus bas niveau depuis 2008."),
    ("fr", "Mme Martin, 45 ans, a été élue maire. | Elle succède à M. Bernard."),
    ("fr", "Quelle est la solution ? | Personne ne le sait encore."),
    ("es", "«Tenemos que actuar ya», dijo el Sr. García. | Hablaba ante el Congreso."),
    ("es", "¿Cuál es la solución? | Nadie lo sabe todavía."),
    ("es", "La Dra. López, de 45 años, fue nombrada directora. | Sustituye al Dr. Pérez."),
    ("es", "La reunión será el 5 de marzo a las 14 h. | Durará dos horas."),
    ("ru", "«Мы должны действовать сейчас», — заявил министр. | Он выступал в Госдуме."),
    ("ru", "В 2022 г. ВВП страны сократился на 2,1%. | В 2023 г. ожидается рост."),
    ("ru", "Зарплата составила 50 тыс. руб. в месяц. | Это на 10% больше, чем год назад."),
    ("ru", "Встреча прошла в г. Москве на ул. Тверской. | В ней участвовали 200 человек."),
    ("ru", "Компания закупила компьютеры, принтеры и т. д. | Общая сумма сделки не раскрывается."),
    ("ar", "وقال الوزير: \"يجب أن نتحرك الآن\". | وكان يتحدث أمام البرلمان."),
    ("ar", "ما هو الحل؟ | لا أحد يعرف حتى الآن."),
    ("ar", "وقال د. أحمد محمود، أستاذ الاقتصاد، إن الوضع صعب. | وأضاف أن الحكومة يجب أن تتدخل."),
    ("zh", "国家统计局15日发布数据显示，今年前三季度国内生产总值同比增长5.2%。|专家表示，经济持续恢复向好。"),
    ("zh", "“我们对未来充满信心。”他说。|会议将于下月举行。"),
    ("ja", "首相は「全力で取り組む」と述べた。|会見は約３０分続いた。"),
    ("pl", "Według GUS bezrobocie spadło do 5,1 proc. w III kw. | To najniższy poziom od 1990 r."),
    ("pl", "Spotkanie odbędzie się 5 marca o godz. 14. | Potrwa dwie godziny."),
    ("sv", "Bolaget säljer bl.a. cyklar, mopeder osv. | Omsättningen ökade med 12 procent."),
    ("da", "Mødet finder sted den 5. marts kl. 14. | Det varer to timer."),
    ("da", "Firmaet sælger bl.a. cykler, knallerter osv. | Omsætningen steg med 12 pct."),
    ("it", "«Dobbiamo agire subito», ha detto il sig. Rossi. | Parlava alla Camera."),
    ("it", "Il dott. Bianchi, 45 anni, è stato nominato direttore. | Sostituisce l'ing. Verdi."),
    ("hi", "डॉ. शर्मा ने कहा कि स्थिति गंभीर है। | उन्होंने सरकार से कार्रवाई की मांग की।"),
];

#[test]
fn news_samples() {
    let mut failures = Vec::new();
    for (lang, marked) in NEWS_SAMPLES {
        let want: Vec<&str> = marked.split('|').map(str::trim).collect();
        let text = want.join(if *lang == "zh" || *lang == "ja" {
            ""
        } else {
            " "
        });
        let got = Segmenter::new(lang).split(&text);
        if got != want {
            failures.push(format!("{lang}: want {want:?}\n    got  {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Characters that stress the scanner: terminators of every script, quotes, brackets,
/// multi-byte whitespace, abbreviation pieces, digits.
fn tricky_text() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        ".",
        "..",
        "...",
        "…",
        "!",
        "?",
        ";",
        ":",
        "。",
        "！",
        "？",
        "．",
        "؟",
        "۔",
        "।",
        "॥",
        "։",
        "።",
        "፧",
        "။",
        "\"",
        "'",
        "“",
        "”",
        "„",
        "«",
        "»",
        "「",
        "」",
        "《",
        "》",
        "(",
        ")",
        "[",
        "]",
        "¿",
        "¡",
        "-",
        "—",
        "•",
        "\u{a0}",
        "\u{3000}",
        "\u{85}",
        "\u{2028}",
        " ",
        "  ",
        "\n",
        "\u{202a}",
        "\u{202c}",
        "\u{200b}",
        "Dr",
        "Mr",
        "e.g",
        "U.S",
        "z. B",
        "etc",
        "Co",
        "No",
        "p",
        "a",
        "I",
        "1",
        "12",
        "3.14",
        "XII",
        "The",
        "it",
        "Hello",
        "word",
        "www.x.com",
        "a@b.org",
        "г",
        "т. е",
        "د",
        "ديفيد",
        "中文",
        "これ",
        "हो",
        "Ի՞նչ",
        "Τις",
        "το",
        "ß",
        "é",
        "\u{301}",
        "ı",
        "İ",
        "ǅ",
    ]);
    prop::collection::vec(pieces, 0..40).prop_map(|v| v.concat())
}

fn without_whitespace(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

const PROP_LANGS: &[&str] = &[
    "en", "de", "fr", "es", "it", "ru", "ar", "el", "hy", "zh", "ja", "hi", "sk", "da", "xx", "",
];

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 600,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn split_keeps_every_character(text in tricky_text(), lang in prop::sample::select(PROP_LANGS)) {
        let seg = Segmenter::new(lang);
        let sentences = seg.split(&text);
        for s in &sentences {
            prop_assert!(!s.is_empty());
            prop_assert_eq!(s.trim(), s.as_str());
        }
        prop_assert_eq!(without_whitespace(&sentences.concat()), without_whitespace(&text));
    }

    #[test]
    fn split_keeps_every_character_any_string(text in any::<String>(), lang in prop::sample::select(PROP_LANGS)) {
        let sentences = Segmenter::new(lang).split(&text);
        prop_assert_eq!(without_whitespace(&sentences.concat()), without_whitespace(&text));
    }
}
