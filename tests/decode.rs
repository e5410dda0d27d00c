//! One test per decoder path: each writes a file with bytes it made itself, reads it back
//! through `input::read_file`, and checks the text and the encoding reported.

mod common;

use std::path::{Path, PathBuf};

use bitalign::input::{read_file, DecodeOptions, Decoded};
use bitalign::{Error, ErrorKind};
use encoding_rs::Encoding;

// UDHR articles 1 and 2 (public domain): long enough for encoding detection.
const ENGLISH: &str = "All human beings are born free and equal in dignity and rights. \
They are endowed with reason and conscience and should act towards one another in a spirit \
of brotherhood.\n\nEveryone is entitled to all the rights and freedoms set forth in this \
Declaration, without distinction of any kind.\n";

const ARABIC: &str = "يولد جميع الناس أحرارًا متساوين في الكرامة والحقوق. وهم قد وهبوا \
العقل والوجدان وعليهم أن يعاملوا بعضهم بعضًا بروح الإخاء.\n\nلكل إنسان حق التمتع بجميع \
الحقوق والحريات المذكورة في هذا الإعلان، دونما تمييز من أي نوع، ولا سيما التمييز بسبب \
العنصر أو اللون أو الجنس أو اللغة أو الدين أو الرأي السياسي.\n";

const CHINESE: &str = "人人生而自由，在尊严和权利上一律平等。他们赋有理性和良心，并应以兄弟关系\
的精神相对待。\n\n人人有资格享有本宣言所载的一切权利和自由，不分种族、肤色、性别、语言、宗教、\
政治或其他见解、国籍或社会出身、财产、出生或其他身分等任何区别。\n";

const RUSSIAN: &str = "Все люди рождаются свободными и равными в своем достоинстве и правах. \
Они наделены разумом и совестью и должны поступать в отношении друг друга в духе братства.\n\n\
Каждый человек должен обладать всеми правами и всеми свободами, провозглашенными настоящей \
Декларацией, без какого бы то ни было различия.\n";

const FRENCH: &str = "Tous les êtres humains naissent libres et égaux en dignité et en droits. \
Ils sont doués de raison et de conscience et doivent agir les uns envers les autres dans un \
esprit de fraternité.\n\nChacun peut se prévaloir de tous les droits et de toutes les libertés \
proclamés dans la présente Déclaration, sans distinction aucune, notamment de race, de couleur, \
de sexe, de langue, de religion, d'opinion politique ou de toute autre opinion.\n";

const GERMAN: &str = "Alle Menschen sind frei und gleich an Würde und Rechten geboren. Sie sind \
mit Vernunft und Gewissen begabt und sollen einander im Geist der Brüderlichkeit begegnen.\n\n\
Jeder hat Anspruch auf alle in dieser Erklärung verkündeten Rechte und Freiheiten ohne \
irgendeinen Unterschied, etwa nach Rasse, Hautfarbe, Geschlecht, Sprache, Religion, politischer \
oder sonstiger Überzeugung, nationaler oder sozialer Herkunft, Vermögen, Geburt oder sonstigem \
Stand.\n";

/// A temporary directory holding one file with the given bytes.
struct TempInput {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

fn write_input(name: &str, bytes: &[u8]) -> TempInput {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).expect("write input");
    TempInput { _dir: dir, path }
}

fn opts(encoding: Option<&str>) -> DecodeOptions {
    DecodeOptions {
        encoding: encoding.map(str::to_string),
        ..DecodeOptions::default()
    }
}

fn read_ok(path: &Path, encoding: Option<&str>) -> Decoded {
    read_file(path, &opts(encoding)).unwrap_or_else(|e| panic!("{e}"))
}

fn read_err(path: &Path, o: &DecodeOptions) -> Error {
    match read_file(path, o) {
        Ok(d) => panic!("expected an error, got {} text {:?}", d.encoding, d.text),
        Err(e) => e,
    }
}

/// Encodes with encoding_rs, insisting that every character is representable.
fn encode(text: &str, label: &str) -> Vec<u8> {
    let encoding = Encoding::for_label(label.as_bytes()).expect("known label");
    let (bytes, _, unmappable) = encoding.encode(text);
    assert!(!unmappable, "{label} cannot encode the sample");
    bytes.into_owned()
}

fn utf16(text: &str, little_endian: bool, bom: bool) -> Vec<u8> {
    let mut units: Vec<u16> = Vec::new();
    if bom {
        units.push(0xFEFF);
    }
    units.extend(text.encode_utf16());
    units
        .into_iter()
        .flat_map(|u| {
            if little_endian {
                u.to_le_bytes()
            } else {
                u.to_be_bytes()
            }
        })
        .collect()
}

/// Writes `bytes`, decodes them (detected or explicit) and checks text and encoding name.
fn assert_round_trip(bytes: &[u8], explicit: Option<&str>, expected_text: &str, encoding: &str) {
    let input = write_input("input.txt", bytes);
    let d = read_ok(&input.path, explicit);
    assert_eq!(d.encoding, encoding);
    assert_eq!(d.text, expected_text);
    assert_eq!(d.dropped_controls, 0);
}

#[test]
fn utf8_is_detected() {
    assert_round_trip(ARABIC.as_bytes(), None, ARABIC, "UTF-8");
    assert_round_trip(FRENCH.as_bytes(), None, FRENCH, "UTF-8");
}

#[test]
fn utf8_bom_is_detected_and_removed() {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(CHINESE.as_bytes());
    assert_round_trip(&bytes, None, CHINESE, "UTF-8");
}

#[test]
fn utf16le_bom_is_detected_and_removed() {
    assert_round_trip(&utf16(RUSSIAN, true, true), None, RUSSIAN, "UTF-16LE");
}

#[test]
fn utf16be_bom_is_detected_and_removed() {
    assert_round_trip(&utf16(ARABIC, false, true), None, ARABIC, "UTF-16BE");
}

#[test]
fn utf16le_without_bom_is_detected_by_zero_bytes() {
    assert_round_trip(&utf16(GERMAN, true, false), None, GERMAN, "UTF-16LE");
    assert_round_trip(&utf16(ARABIC, true, false), None, ARABIC, "UTF-16LE");
}

#[test]
fn utf16be_without_bom_is_detected_by_zero_bytes() {
    assert_round_trip(&utf16(ENGLISH, false, false), None, ENGLISH, "UTF-16BE");
}

#[test]
fn windows1256_arabic_is_detected() {
    let bytes = encode(ARABIC, "windows-1256");
    assert_round_trip(&bytes, None, ARABIC, "windows-1256");
}

#[test]
fn iso_8859_6_arabic_decodes_with_explicit_encoding() {
    // chardetng may take ISO-8859-6 for windows-1256, so this encoding is given explicitly.
    let bytes = encode(ARABIC, "iso-8859-6");
    assert_round_trip(&bytes, Some("iso-8859-6"), ARABIC, "ISO-8859-6");
    assert_round_trip(&bytes, Some("arabic"), ARABIC, "ISO-8859-6");
}

#[test]
fn gbk_chinese_is_detected() {
    let bytes = encode(CHINESE, "gbk");
    assert_round_trip(&bytes, None, CHINESE, "GBK");
}

#[test]
fn gb2312_chinese_decodes_with_explicit_alias() {
    let bytes = encode(CHINESE, "gb2312");
    assert_round_trip(&bytes, Some("gb2312"), CHINESE, "GBK");
    assert_round_trip(&bytes, Some("cp936"), CHINESE, "GBK");
}

#[test]
fn windows1251_russian_is_detected() {
    let bytes = encode(RUSSIAN, "windows-1251");
    assert_round_trip(&bytes, None, RUSSIAN, "windows-1251");
}

#[test]
fn latin1_french_is_detected() {
    let bytes = encode(FRENCH, "iso-8859-1");
    assert_round_trip(&bytes, None, FRENCH, "windows-1252");
}

#[test]
fn latin1_german_is_detected() {
    let bytes = encode(GERMAN, "iso-8859-1");
    assert_round_trip(&bytes, None, GERMAN, "windows-1252");
}

#[test]
fn explicit_friendly_labels_are_accepted() {
    assert_round_trip(
        &encode(GERMAN, "latin1"),
        Some("latin-1"),
        GERMAN,
        "windows-1252",
    );
    assert_round_trip(
        &utf16(FRENCH, true, false),
        Some("utf16le"),
        FRENCH,
        "UTF-16LE",
    );
    assert_round_trip(
        &encode(ARABIC, "windows-1256"),
        Some("cp1256"),
        ARABIC,
        "windows-1256",
    );
}

#[test]
fn explicit_encoding_overrides_detection() {
    // Valid UTF-8 read as windows-1252 on request gives mojibake, not UTF-8.
    let input = write_input("input.txt", "Déjà vu.".as_bytes());
    let d = read_ok(&input.path, Some("windows-1252"));
    assert_eq!(d.encoding, "windows-1252");
    assert_eq!(d.text, "DÃ©jÃ\u{a0} vu.");
}

#[test]
fn explicit_encoding_with_undecodable_bytes_is_an_error() {
    // windows-1256 Arabic uses bytes that ISO-8859-6 leaves unassigned (e.g. 0xDF, kaf).
    let input = write_input("input.txt", &encode(ARABIC, "windows-1256"));
    let e = read_err(&input.path, &opts(Some("iso-8859-6")));
    assert!(
        matches!(e.kind(), ErrorKind::Undecodable { encoding } if encoding == "ISO-8859-6"),
        "{e}"
    );
    let latin = write_input("latin.txt", &encode(FRENCH, "latin1"));
    let e = read_err(&latin.path, &opts(Some("utf-8")));
    assert!(
        matches!(e.kind(), ErrorKind::Undecodable { encoding } if encoding == "UTF-8"),
        "{e}"
    );
    assert!(e.to_string().contains("latin.txt"), "{e}");
}

#[test]
fn unknown_encoding_label_is_an_error() {
    let input = write_input("input.txt", ENGLISH.as_bytes());
    let e = read_err(&input.path, &opts(Some("klingon-8")));
    assert!(
        matches!(e.kind(), ErrorKind::UnknownEncoding(l) if l == "klingon-8"),
        "{e}"
    );
}

#[test]
fn nul_byte_is_binary() {
    let mut bytes = ENGLISH.as_bytes().to_vec();
    bytes.insert(20, 0);
    let input = write_input("input.bin", &bytes);
    let e = read_err(&input.path, &opts(None));
    assert!(matches!(e.kind(), ErrorKind::Binary), "{e}");
}

#[test]
fn binary_data_is_refused() {
    // Something like an image header: zeros on both byte parities, control bytes.
    let bytes: Vec<u8> = (0..4096u32).map(|i| (i * 7 % 256) as u8).collect();
    let input = write_input("input.bin", &bytes);
    let e = read_err(&input.path, &opts(None));
    assert!(matches!(e.kind(), ErrorKind::Binary), "{e}");
}

#[test]
fn empty_file_is_an_error() {
    let input = write_input("empty.txt", b"");
    let e = read_err(&input.path, &opts(None));
    assert!(matches!(e.kind(), ErrorKind::Empty), "{e}");
    assert!(e.to_string().contains("empty.txt"), "{e}");
}

#[test]
fn whitespace_only_file_is_an_error() {
    let input = write_input("blank.txt", " \r\n\t\n\u{a0}\u{3000}\n".as_bytes());
    let e = read_err(&input.path, &opts(None));
    assert!(matches!(e.kind(), ErrorKind::Empty), "{e}");
}

#[test]
fn file_over_the_size_limit_is_an_error() {
    let input = write_input("big.txt", ENGLISH.as_bytes());
    let o = DecodeOptions {
        max_bytes: 100,
        ..DecodeOptions::default()
    };
    let e = read_err(&input.path, &o);
    let size = ENGLISH.len() as u64;
    assert!(
        matches!(e.kind(), ErrorKind::TooLarge { bytes, limit: 100 } if *bytes == size),
        "{e}"
    );
    assert!(e.to_string().contains("big.txt"), "{e}");
}

#[test]
fn missing_file_error_names_the_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("no-such-file.txt");
    let e = read_err(&path, &opts(None));
    assert!(matches!(e.kind(), ErrorKind::Io(_)), "{e}");
    assert_eq!(e.path(), Some(path.as_path()));
    assert!(e.to_string().contains("no-such-file.txt"), "{e}");
}

#[test]
fn control_characters_are_dropped_and_counted() {
    let raw = "All human beings\u{1b}[1m are born free\u{7}\u{7f} and equal.\u{85}\r\n";
    let input = write_input("input.txt", raw.as_bytes());
    let d = read_ok(&input.path, None);
    assert_eq!(d.text, "All human beings[1m are born free and equal.\n");
    assert_eq!(d.dropped_controls, 4);
}

#[test]
fn line_ends_are_normalized() {
    let raw = "One\r\nTwo\rThree\u{2028}Four\u{2029}Five\n";
    let input = write_input("input.txt", &utf16(raw, true, true));
    let d = read_ok(&input.path, None);
    assert_eq!(d.text, "One\nTwo\nThree\nFour\n\nFive\n");
}

#[test]
fn large_legacy_input_is_detected_from_samples() {
    // Over the size chardetng gets whole: an ASCII preamble longer than the sampled head, then
    // windows-1251 Russian. The samples spread over the file must find the Cyrillic.
    let mut text = ENGLISH.repeat((3 << 20) / ENGLISH.len());
    text.push_str(&RUSSIAN.repeat((12 << 20) / RUSSIAN.len()));
    let bytes = encode(&text, "windows-1251");
    assert!(
        bytes.len() > 9 << 20,
        "sample too small: {} bytes",
        bytes.len()
    );
    let input = write_input("big.txt", &bytes);
    let d = read_ok(&input.path, None);
    assert_eq!(d.encoding, "windows-1251");
    assert!(d.text == text, "decoded text differs");
}

/// The UDHR excerpts in legacy encodings from the shared corpus candidates, when present.
#[test]
fn udhr_legacy_files_are_detected_and_decoded() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpora-candidates/udhr-legacy-encodings");
    if !dir.is_dir() {
        common::skip(format_args!("{} is absent", dir.display()));
        return;
    }
    // (file, encoding detected, words the text must contain). English is plain ASCII,
    // which is valid UTF-8.
    let cases: [(&str, &str, &[&str]); 6] = [
        (
            "Arabic_Alarabia-Arabic",
            "windows-1256",
            &["الإعلان العالمي لحقوق الإنسان", "الكرامة", "،"],
        ),
        (
            "Chinese_Mandarin-GB2312",
            "GBK",
            &["世界人权宣言", "联合国大会"],
        ),
        (
            "Russian-Cyrillic",
            "windows-1251",
            &["Всеобщая декларация прав человека", "достоинства"],
        ),
        (
            "English-Latin1",
            "UTF-8",
            &["Universal Declaration of Human Rights", "inalienable"],
        ),
        (
            "French_Francais-Latin1",
            "windows-1252",
            &["Déclaration universelle des droits de l'homme", "Préambule"],
        ),
        (
            "German_Deutsch-Latin1",
            "windows-1252",
            &[
                "Die Allgemeine Erklärung der Menschenrechte",
                "unveräußerlichen",
            ],
        ),
    ];
    for (file, encoding, words) in cases {
        let d = read_ok(&dir.join(file), None);
        assert_eq!(d.encoding, encoding, "{file}");
        for word in words {
            assert!(d.text.contains(word), "{file}: missing {word:?}");
        }
        assert!(
            !d.text.contains('\u{FFFD}'),
            "{file}: replacement characters"
        );
    }
}
