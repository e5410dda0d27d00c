//! The vector cache on disk: `BAVEC1`, the model digest, then each entry as its text and its
//! vector (little-endian u32 lengths, UTF-8, f32s). Vectors of another model are not reused.

use std::collections::HashMap;
use std::sync::Arc;

use crate::bytes::{Reader, Writer};
use crate::error::{Error, ErrorKind, Result};

const MAGIC: &[u8; 6] = b"BAVEC1";

pub(super) fn encode(cache: &HashMap<String, Arc<[f32]>>, digest: &str) -> Vec<u8> {
    let mut w = Writer(MAGIC.to_vec());
    w.str(digest);
    let mut keys: Vec<&String> = cache.keys().collect();
    keys.sort();
    for k in keys {
        w.str(k);
        let v = &cache[k];
        w.u32(v.len() as u32);
        v.iter()
            .for_each(|x| w.0.extend_from_slice(&x.to_le_bytes()));
    }
    w.0
}

/// The entries of `bytes`; none when they were made by another model than `digest`.
pub(super) fn decode(bytes: &[u8], digest: &str) -> Result<HashMap<String, Arc<[f32]>>> {
    let bad = || {
        Error::new(ErrorKind::Other(
            "not a bitalign vector cache (or damaged)".into(),
        ))
    };
    let body = bytes.strip_prefix(MAGIC.as_slice()).ok_or_else(bad)?;
    let mut r = Reader::new(body, "vector cache", None);
    let mut cache = HashMap::new();
    if r.bytes().map_err(|_| bad())? != digest.as_bytes() {
        return Ok(cache);
    }
    while !r.is_done() {
        let (text, v) = entry(&mut r).map_err(|_| bad())?;
        cache.insert(text, v);
    }
    Ok(cache)
}

fn entry(r: &mut Reader) -> Result<(String, Arc<[f32]>)> {
    let text = r.str()?;
    let dim = r.u32()? as usize;
    let raw = r.take(dim * 4)?;
    let v: Vec<f32> = raw
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    Ok((text, v.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cache_reads_back_and_another_models_is_ignored() {
        let mut c = HashMap::new();
        c.insert("Hallo Welt.".to_string(), Arc::from(vec![0.5f32, -0.25]));
        let bytes = encode(&c, "abc");
        assert_eq!(decode(&bytes, "abc").unwrap(), c);
        assert!(decode(&bytes, "xyz").unwrap().is_empty());
        assert!(decode(&bytes[..bytes.len() - 1], "abc").is_err());
        assert!(decode(b"garbage", "abc").is_err());
    }
}
