//! Byte encoding of values for hashing group keys, `count_distinct` and `dedup`: equal
//! values encode equally, and concatenated encodings never collide.

use crate::value::Value;

pub(crate) fn encode(v: &Value<'_>, buf: &mut Vec<u8>) {
    match v {
        Value::Null => buf.push(0),
        Value::Str(s) => {
            buf.push(1);
            buf.extend_from_slice(&(s.len() as u32).to_le_bytes());
            buf.extend_from_slice(s.as_bytes());
        }
        Value::Int(i) => {
            buf.push(2);
            buf.extend_from_slice(&i.to_le_bytes());
        }
        Value::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 9.0e18 {
                buf.push(2);
                buf.extend_from_slice(&(*f as i64).to_le_bytes());
            } else {
                buf.push(3);
                buf.extend_from_slice(&f.to_bits().to_le_bytes());
            }
        }
        Value::Ts(t) => {
            buf.push(4);
            buf.extend_from_slice(&t.to_le_bytes());
        }
        Value::Bool(b) => buf.extend_from_slice(&[5, *b as u8]),
        Value::Json(j) => {
            let s = j.to_string();
            buf.push(6);
            buf.extend_from_slice(&(s.len() as u32).to_le_bytes());
            buf.extend_from_slice(s.as_bytes());
        }
    }
}

/// A fast, non-cryptographic hasher for group keys (FxHash's multiply-rotate).
#[derive(Default, Clone, Copy)]
pub(crate) struct FxHasher(u64);

impl std::hash::Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        for &b in chunks.remainder() {
            self.add(b as u64);
        }
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

impl FxHasher {
    #[inline]
    fn add(&mut self, x: u64) {
        self.0 = (self.0.rotate_left(5) ^ x).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

pub(crate) type FxBuild = std::hash::BuildHasherDefault<FxHasher>;
