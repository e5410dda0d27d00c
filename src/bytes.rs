//! Little-endian binary records (u32/u64 integers, u32-length-prefixed strings): the writer
//! and the bounds-checked reader that bitalign's own file formats share (lexicon files,
//! vector caches).

use crate::error::{Error, ErrorKind, Result};

#[derive(Default)]
pub(crate) struct Writer(pub Vec<u8>);

impl Writer {
    pub fn u32(&mut self, n: u32) {
        self.0.extend_from_slice(&n.to_le_bytes());
    }

    pub fn u64(&mut self, n: u64) {
        self.0.extend_from_slice(&n.to_le_bytes());
    }

    /// `b` after its length (u32).
    pub fn bytes(&mut self, b: &[u8]) {
        self.u32(b.len() as u32);
        self.0.extend_from_slice(b);
    }

    pub fn str(&mut self, s: &str) {
        self.bytes(s.as_bytes());
    }
}

/// Reads records; errors name the format (and part) and give the offset in `bytes`.
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
    format: &'static str,
    part: Option<&'static str>,
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8], format: &'static str, part: Option<&'static str>) -> Self {
        Reader {
            bytes,
            at: 0,
            format,
            part,
        }
    }

    /// Whether every byte has been read.
    pub fn is_done(&self) -> bool {
        self.at == self.bytes.len()
    }

    pub fn error(&self, message: &str) -> Error {
        Error::new(ErrorKind::Document {
            format: self.format,
            part: self.part.map(str::to_string),
            position: Some(self.at as u64),
            message: message.to_string(),
        })
    }

    pub fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        let bytes: &'a [u8] = self.bytes;
        let end = self
            .at
            .checked_add(n)
            .filter(|&e| e <= bytes.len())
            .ok_or_else(|| self.error("unexpected end of data"))?;
        let out = &bytes[self.at..end];
        self.at = end;
        Ok(out)
    }

    pub fn u32(&mut self) -> Result<u32> {
        Ok(u32::from_le_bytes(
            self.take(4)?.try_into().unwrap_or_default(),
        ))
    }

    pub fn u64(&mut self) -> Result<u64> {
        Ok(u64::from_le_bytes(
            self.take(8)?.try_into().unwrap_or_default(),
        ))
    }

    pub fn usize(&mut self) -> Result<usize> {
        let n = self.u64()?;
        usize::try_from(n).map_err(|_| self.error(&format!("count {n} too large")))
    }

    /// Bytes written by [`Writer::bytes`].
    pub fn bytes(&mut self) -> Result<&'a [u8]> {
        let len = self.u32()? as usize;
        self.take(len)
    }

    pub fn str(&mut self) -> Result<String> {
        let start = self.at;
        let bytes = self.bytes()?;
        match std::str::from_utf8(bytes) {
            Ok(s) => Ok(s.to_string()),
            Err(_) => {
                self.at = start + 4;
                Err(self.error("string is not UTF-8"))
            }
        }
    }
}
