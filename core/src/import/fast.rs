//! Quick helpers for the import's hot loop: hashers for maps that live for
//! one import (ids and compact keys, not adversarial input to a long-lived
//! map), and [`FirstLines`], the repeat check of files whose rows come
//! grouped by account. Knows nothing of columns.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::hash::{BuildHasher, BuildHasherDefault, Hash, Hasher};

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

/// The line each key of a file was first given on, for keys that belong to
/// an account (usage's measure and month, a survey answer): an export gives
/// an account's rows together, so only the account being read has its keys
/// in the map, which stays small and in cache; each earlier account's keys
/// are set aside, and come back should its rows come back later in the file.
pub(super) struct FirstLines<K, S = FastKey> {
    account: Option<u32>,
    current: HashMap<K, u64, S>,
    /// Every other account's keys and their lines, by account.
    earlier: Vec<Vec<(K, u64)>>,
}

impl<K: Hash + Eq, S: BuildHasher + Default> FirstLines<K, S> {
    pub(super) fn new() -> Self {
        FirstLines { account: None, current: HashMap::default(), earlier: Vec::new() }
    }

    /// The line `key` of `account` was first given on; `None` when this is
    /// the first time, and `line` is then remembered as its first.
    pub(super) fn first(&mut self, account: u32, key: K, line: u64) -> Option<u64> {
        self.enter(account);
        match self.current.entry(key) {
            Entry::Occupied(first) => Some(*first.get()),
            Entry::Vacant(entry) => {
                entry.insert(line);
                None
            }
        }
    }

    /// Makes `account` the one whose keys are at hand.
    fn enter(&mut self, account: u32) {
        if self.account == Some(account) {
            return;
        }
        if let Some(left) = self.account.replace(account) {
            let at = left as usize;
            if self.earlier.len() <= at {
                self.earlier.resize_with(at + 1, Vec::new);
            }
            self.earlier[at].extend(self.current.drain());
        }
        // Back after other accounts' rows: its earlier keys count again.
        if let Some(keys) = self.earlier.get_mut(account as usize) {
            self.current.extend(keys.drain(..));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_lines_remember_an_account_that_comes_back() {
        let mut lines: FirstLines<(u32, i32)> = FirstLines::new();
        assert_eq!(lines.first(0, (1, 5), 2), None);
        assert_eq!(lines.first(0, (1, 6), 3), None);
        assert_eq!(lines.first(0, (1, 5), 4), Some(2));
        assert_eq!(lines.first(7, (1, 5), 5), None, "another account's key is its own");
        assert_eq!(lines.first(0, (1, 6), 6), Some(3), "back after account 7");
        assert_eq!(lines.first(7, (1, 5), 7), Some(5));
        assert_eq!(lines.first(3, (1, 5), 8), None);
    }

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
