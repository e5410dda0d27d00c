//! The vector cache on disk: `BAVEC1`, the model digest, then each entry as its text and its
//! vector (little-endian u32 lengths, UTF-8, f32s). Vectors of another model are not reused.

use std::collections::HashMap;
use std::sync::Arc;

use crate::error::{Error, ErrorKind, Result};

const MAGIC: &[u8; 6] = b"BAVEC1";

pub(super) fn encode(cache: &HashMap<String, Arc<[f32]>>, digest: &str) -> Vec<u8> {
    let mut out = MAGIC.to_vec();
    put_bytes(&mut out, digest.as_bytes());
    let mut keys: Vec<&String> = cache.keys().collect();
    keys.sort();
    for k in keys {
        put_bytes(&mut out, k.as_bytes());
        let v = &cache[k];
        out.extend_from_slice(&(v.len() as u32).to_le_bytes());
        v.iter()
            .for_each(|x| out.extend_from_slice(&x.to_le_bytes()));
    }
    out
}

/// The entries of `bytes`; none when they were made by another model than `digest`.
pub(super) fn decode(bytes: &[u8], digest: &str) -> Result<HashMap<String, Arc<[f32]>>> {
    let bad = || {
        Error::new(ErrorKind::Other(
            "not a bitalign vector cache (or damaged)".into(),
        ))
    };
    let mut r = Reader(bytes.strip_prefix(MAGIC.as_slice()).ok_or_else(bad)?);
    let mut cache = HashMap::new();
    if r.bytes().ok_or_else(bad)? != digest.as_bytes() {
        return Ok(cache);
    }
    while !r.0.is_empty() {
        let text = std::str::from_utf8(r.bytes().ok_or_else(bad)?).map_err(|_| bad())?;
        let dim = r.u32().ok_or_else(bad)? as usize;
        let raw = r.take(dim * 4).ok_or_else(bad)?;
        let v: Vec<f32> = raw
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        cache.insert(text.to_string(), v.into());
    }
    Ok(cache)
}

fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    out.extend_from_slice(&(b.len() as u32).to_le_bytes());
    out.extend_from_slice(b);
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, rest) = (self.0.get(..n)?, self.0.get(n..)?);
        self.0 = rest;
        Some(head)
    }
    fn u32(&mut self) -> Option<u32> {
        self.take(4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn bytes(&mut self) -> Option<&'a [u8]> {
        let n = self.u32()? as usize;
        self.take(n)
    }
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
