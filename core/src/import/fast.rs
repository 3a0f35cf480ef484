//! Quick helpers for the import's hot loop: hashers for maps that live for
//! one import (ids and compact keys, not adversarial input to a long-lived
//! map). Knows nothing of columns.

use std::hash::{BuildHasherDefault, Hasher};

/// `text` without surrounding whitespace, as `str::trim` gives it; a cell
/// that starts and ends with a visible ASCII character, nearly every cell of
/// an export, is returned as it is without `str::trim`'s character decoding.
pub(super) fn trim(text: &str) -> &str {
    match (text.as_bytes().first(), text.as_bytes().last()) {
        (Some(first), Some(last)) if first.is_ascii_graphic() && last.is_ascii_graphic() => text,
        _ => text.trim(),
    }
}

/// The quick hasher for maps that live for one import.
pub(super) type Quick = BuildHasherDefault<TextHasher>;

/// A quick multiplicative hasher for short texts such as account ids.
#[derive(Default)]
pub(super) struct TextHasher(u64);

impl Hasher for TextHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = (self.0.rotate_left(5) ^ value).wrapping_mul(0x517c_c1b7_2722_0a95);
    }

    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x517c_c1b7_2722_0a95;
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(K);
        }
        for &byte in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(byte)).wrapping_mul(K);
        }
    }
}

/// A quick hasher for the compact snapshot keys: they are already well
/// spread integers, so SipHash's protection buys nothing and costs time.
#[derive(Default)]
pub(super) struct KeyHasher(u64);

pub(super) type FastKey = BuildHasherDefault<KeyHasher>;

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        let mut x = self.0;
        x ^= x >> 33;
        x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
        x ^= x >> 33;
        x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        x ^ (x >> 33)
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(byte);
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.0 ^= value;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quick_trim_trims_like_str_trim() {
        for text in ["", " ", "a", " a", "a ", "\ta b\r", "\u{a0}x\u{a0}", "é", " é ", "x\u{2003}"]
        {
            assert_eq!(trim(text), text.trim(), "{text:?}");
        }
    }

    #[test]
    fn the_text_hasher_tells_ids_apart() {
        let hash = |text: &str| {
            let mut hasher = TextHasher::default();
            hasher.write(text.as_bytes());
            hasher.finish()
        };
        assert_ne!(hash("A000001"), hash("A000002"));
        assert_ne!(hash("ACME-0001-EU"), hash("ACME-0001-US"));
        assert_eq!(hash("A000001"), hash("A000001"));
    }
}
