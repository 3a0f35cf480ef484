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

/// A time written exactly as exports and the cockpit write one,
/// `YYYY-MM-DDTHH:MM:SSZ`, read without chrono's general parser (tickets
/// carry two a row, survey answers one); `None` for any other text, which
/// then goes the general way.
pub(super) fn utc_time(text: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    let b = text.as_bytes();
    if b.len() != 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' {
        return None;
    }
    if b[16] != b':' || b[19] != b'Z' {
        return None;
    }
    let number = |from: usize, to: usize| {
        b[from..to]
            .iter()
            .try_fold(0u32, |n, &d| d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0')))
    };
    let year = i32::try_from(number(0, 4)?).ok()?;
    let date = chrono::NaiveDate::from_ymd_opt(year, number(5, 7)?, number(8, 10)?)?;
    let time = date.and_hms_opt(number(11, 13)?, number(14, 16)?, number(17, 19)?)?;
    Some(time.and_utc())
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
    fn quick_times_are_read_as_chrono_reads_them() {
        for (text, quick) in [
            ("2025-03-14T09:30:00Z", true),
            ("1999-12-31T23:59:59Z", true),
            ("2024-02-29T00:00:00Z", true),
            // Not a time at all: the general way says why.
            ("2025-02-29T00:00:00Z", false),
            ("2025-03-14T24:00:00Z", false),
            ("2025-13-14T09:30:00Z", false),
            ("+025-03-14T09:30:00Z", false),
            ("2025-03-14 09:30:00Z", false),
            // Times of other forms: left to the general way, which reads them.
            ("2025-03-14T09:30:60Z", false),
            ("2025-03-14t09:30:00Z", false),
            ("2025-03-14T09:30:00+01:00", false),
            ("2025-03-14T09:30:00.5Z", false),
        ] {
            let chrono = chrono::DateTime::parse_from_rfc3339(text).ok().map(|t| t.to_utc());
            assert_eq!(utc_time(text).is_some(), quick, "{text}");
            if quick {
                assert_eq!(utc_time(text), chrono, "{text}");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn every_whole_second_time_is_read_quickly_as_chrono_reads_it(
            seconds in -62_000_000_000i64..250_000_000_000,
        ) {
            let at = chrono::DateTime::from_timestamp(seconds, 0).expect("time");
            let text = at.format("%Y-%m-%dT%H:%M:%SZ").to_string();
            if text.len() == 20 {
                proptest::prop_assert_eq!(utc_time(&text), Some(at));
            }
        }
    }

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
