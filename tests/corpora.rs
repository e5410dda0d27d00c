//! Consistency checks for the bundled parallel corpus under `corpora/`.
//!
//! Layout (see `corpora/README.md`):
//! - `corpora/reference/<lang>/<name>.txt`: one sentence per line, blank line between paragraphs;
//! - `corpora/docs/<lang>/<name>.txt`: the same text as a user has it (paragraph per line);
//! - `corpora/gold/<tgt>/<name>.txt`: Vecalign-format gold alignment between
//!   `reference/en/<name>.txt` (source) and `reference/<tgt>/<name>.txt` (target), with
//!   0-based indices over the non-blank lines of the reference files.
//!
//! These tests use only std: they check the data, not the crate.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

/// One gold alignment file and the pair it describes.
struct GoldPair {
    /// Target language: the name of the folder under `corpora/gold/`.
    tgt: String,
    /// Document name, shared by all files of the pair.
    name: String,
    path: PathBuf,
}

impl GoldPair {
    fn label(&self) -> String {
        format!("en-{}/{}", self.tgt, self.name)
    }
}

type Link = (Vec<usize>, Vec<usize>);

fn corpora_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpora")
}

fn reference_path(lang: &str, name: &str) -> PathBuf {
    corpora_dir()
        .join("reference")
        .join(lang)
        .join(format!("{name}.txt"))
}

fn docs_path(lang: &str, name: &str) -> PathBuf {
    corpora_dir()
        .join("docs")
        .join(lang)
        .join(format!("{name}.txt"))
}

/// Every `corpora/gold/<tgt>/<name>.txt`, sorted by target language then name.
fn gold_pairs() -> Vec<GoldPair> {
    let gold_dir = corpora_dir().join("gold");
    let mut pairs = Vec::new();
    let langs = fs::read_dir(&gold_dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", gold_dir.display()));
    for lang in langs {
        let lang = lang.expect("readable directory entry").path();
        if !lang.is_dir() {
            continue;
        }
        let tgt = lang.file_name().unwrap().to_string_lossy().into_owned();
        for file in fs::read_dir(&lang).expect("readable gold language folder") {
            let path = file.expect("readable directory entry").path();
            if path.extension().and_then(|e| e.to_str()) != Some("txt") {
                continue;
            }
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            pairs.push(GoldPair {
                tgt: tgt.clone(),
                name,
                path,
            });
        }
    }
    pairs.sort_by(|a, b| (&a.tgt, &a.name).cmp(&(&b.tgt, &b.name)));
    assert!(
        !pairs.is_empty(),
        "no gold files under {}",
        gold_dir.display()
    );
    pairs
}

fn read(path: &Path) -> Result<String, String> {
    fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// The sentences of a reference file: its non-blank lines, in order.
fn sentences(text: &str) -> Vec<&str> {
    text.lines().filter(|l| !l.trim().is_empty()).collect()
}

fn parse_indices(side: &str) -> Result<Vec<usize>, String> {
    let side = side.trim();
    if side.is_empty() {
        return Ok(Vec::new());
    }
    side.split(',')
        .map(|n| {
            n.trim()
                .parse::<usize>()
                .map_err(|e| format!("bad index {n:?}: {e}"))
        })
        .collect()
}

/// Parses one Vecalign link such as `[0, 1]:[2]` or `[]:[4]`.
fn parse_link(line: &str) -> Result<Link, String> {
    let inner = line
        .strip_prefix('[')
        .and_then(|l| l.strip_suffix(']'))
        .ok_or_else(|| format!("link {line:?} is not of the form [..]:[..]"))?;
    let (src, tgt) = inner
        .split_once("]:[")
        .ok_or_else(|| format!("link {line:?} is not of the form [..]:[..]"))?;
    let link = (parse_indices(src)?, parse_indices(tgt)?);
    if link.0.is_empty() && link.1.is_empty() {
        return Err(format!("link {line:?} is empty on both sides"));
    }
    Ok(link)
}

fn parse_gold(pair: &GoldPair) -> Result<Vec<Link>, String> {
    let text = read(&pair.path)?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| parse_link(l.trim()).map_err(|e| format!("line {}: {e}", i + 1)))
        .collect()
}

/// Sentence counts of the English and target reference files of a pair.
fn sentence_counts(pair: &GoldPair) -> Result<(usize, usize), String> {
    let en = read(&reference_path("en", &pair.name))?;
    let xx = read(&reference_path(&pair.tgt, &pair.name))?;
    Ok((sentences(&en).len(), sentences(&xx).len()))
}

/// Runs `check` on every gold pair and fails once, listing every pair that failed.
fn check_each_pair(what: &str, check: impl Fn(&GoldPair) -> Result<(), String>) {
    let failures: Vec<String> = gold_pairs()
        .iter()
        .filter_map(|p| check(p).err().map(|e| format!("{}: {e}", p.label())))
        .collect();
    assert!(failures.is_empty(), "{what}:\n  {}", failures.join("\n  "));
}

#[test]
fn gold_files_parse_as_vecalign_links() {
    check_each_pair("gold file is not valid Vecalign format", |p| {
        parse_gold(p).map(|_| ())
    });
}

#[test]
fn every_gold_file_has_english_and_target_reference_and_docs_files() {
    check_each_pair("missing corpus file", |p| {
        let needed = [
            reference_path("en", &p.name),
            reference_path(&p.tgt, &p.name),
            docs_path("en", &p.name),
            docs_path(&p.tgt, &p.name),
        ];
        let missing: Vec<String> = needed
            .iter()
            .filter(|f| !f.is_file())
            .map(|f| f.display().to_string())
            .collect();
        if missing.is_empty() {
            Ok(())
        } else {
            Err(format!("missing {}", missing.join(", ")))
        }
    });
}

#[test]
fn gold_indices_are_within_the_reference_sentence_counts() {
    check_each_pair("gold index out of range", |p| {
        let links = parse_gold(p)?;
        let (n_en, n_xx) = sentence_counts(p)?;
        for (k, (src, tgt)) in links.iter().enumerate() {
            if let Some(i) = src.iter().find(|&&i| i >= n_en) {
                return Err(format!(
                    "link {k}: source index {i} >= {n_en} English sentences"
                ));
            }
            if let Some(j) = tgt.iter().find(|&&j| j >= n_xx) {
                return Err(format!(
                    "link {k}: target index {j} >= {n_xx} {} sentences",
                    p.tgt
                ));
            }
        }
        Ok(())
    });
}

/// Checks that each of `0..n` occurs exactly once across the given index lists.
fn covered_exactly_once<'a>(
    side: &str,
    n: usize,
    lists: impl Iterator<Item = &'a Vec<usize>>,
) -> Result<(), String> {
    let mut seen = vec![0usize; n];
    for &i in lists.flatten() {
        if i < n {
            seen[i] += 1;
        }
    }
    let missing: Vec<usize> = (0..n).filter(|&i| seen[i] == 0).collect();
    let repeated: Vec<usize> = (0..n).filter(|&i| seen[i] > 1).collect();
    if missing.is_empty() && repeated.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{side} sentences not in any link: {missing:?}, in more than one link: {repeated:?}"
        ))
    }
}

#[test]
fn every_reference_sentence_is_in_exactly_one_gold_link() {
    check_each_pair("sentence coverage", |p| {
        let links = parse_gold(p)?;
        let (n_en, n_xx) = sentence_counts(p)?;
        covered_exactly_once("English", n_en, links.iter().map(|l| &l.0))?;
        covered_exactly_once(&p.tgt, n_xx, links.iter().map(|l| &l.1))
    });
}

#[test]
fn gold_links_follow_document_order_with_contiguous_indices() {
    check_each_pair("links out of order", |p| {
        let links = parse_gold(p)?;
        let (mut next_en, mut next_xx) = (0usize, 0usize);
        for (k, (src, tgt)) in links.iter().enumerate() {
            for (side, list, next) in [("source", src, &mut next_en), ("target", tgt, &mut next_xx)]
            {
                let expected: Vec<usize> = (*next..*next + list.len()).collect();
                if *list != expected {
                    return Err(format!(
                        "link {k}: {side} indices {list:?}, expected {expected:?} (the next sentences in order)"
                    ));
                }
                *next += list.len();
            }
        }
        Ok(())
    });
}

fn without_whitespace(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn docs_text_equals_reference_text_up_to_whitespace() {
    check_each_pair("docs and reference differ", |p| {
        for lang in ["en", p.tgt.as_str()] {
            let reference = without_whitespace(&read(&reference_path(lang, &p.name))?);
            let docs = without_whitespace(&read(&docs_path(lang, &p.name))?);
            if reference != docs {
                let at = reference
                    .chars()
                    .zip(docs.chars())
                    .take_while(|(a, b)| a == b)
                    .count();
                let context: String = reference
                    .chars()
                    .skip(at.saturating_sub(20))
                    .take(40)
                    .collect();
                return Err(format!(
                    "{lang}: reference and docs differ after {at} non-space characters, near {context:?}"
                ));
            }
        }
        Ok(())
    });
}

#[test]
fn reference_files_have_no_trailing_whitespace_or_whitespace_only_lines() {
    check_each_pair("badly formatted reference file", |p| {
        for lang in ["en", p.tgt.as_str()] {
            let path = reference_path(lang, &p.name);
            let text = read(&path)?;
            if !text.ends_with('\n') {
                return Err(format!("{}: no final newline", path.display()));
            }
            for (i, line) in text.split('\n').enumerate() {
                if line.trim().is_empty() && !line.is_empty() {
                    return Err(format!(
                        "{}:{}: whitespace-only line",
                        path.display(),
                        i + 1
                    ));
                }
                if line.ends_with(char::is_whitespace) {
                    return Err(format!("{}:{}: trailing whitespace", path.display(), i + 1));
                }
            }
        }
        Ok(())
    });
}

/// Needs both corpus writers' pairs (ar/zh/ru and fr/de/es) to be present.
#[test]
fn corpus_has_at_least_ten_pairs_over_five_target_languages() {
    let pairs = gold_pairs();
    let languages: BTreeSet<&str> = pairs.iter().map(|p| p.tgt.as_str()).collect();
    assert!(
        pairs.len() >= 10 && languages.len() >= 5,
        "{} pairs over {} target languages {:?}; want at least 10 pairs over 5 languages",
        pairs.len(),
        languages.len(),
        languages
    );
}

#[test]
fn document_names_are_unique_across_target_languages() {
    let pairs = gold_pairs();
    let mut seen = BTreeSet::new();
    let repeated: Vec<String> = pairs
        .iter()
        .filter(|p| !seen.insert(p.name.as_str()))
        .map(GoldPair::label)
        .collect();
    assert!(
        repeated.is_empty(),
        "names used by more than one pair (they would share reference/en): {repeated:?}"
    );
}
