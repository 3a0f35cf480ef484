//! Watching the bytes on their way into the CSV parser for what the parser
//! would change silently: a quoted cell left open at the end of the file
//! (the parser closes it), text after a cell's closing quote (`"q"x` would
//! be read as `qx`), a zero byte (not text; stored, it cuts the cell short in
//! other tools) and a carriage return without a line feed outside quotes
//! (the parser ends the row there, splitting it in two).
//!
//! The watch runs a chunk ahead of the parser, so what it spots is kept with
//! its byte offset and field, and `input` hands it to the row that holds it.
//! A chunk without quotes, zero bytes or lone carriage returns, nearly every
//! chunk of an export, is passed on after a few `memchr` scans.

use std::collections::VecDeque;
use std::io::{self, Read};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// Something the parser would change silently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Oddity {
    TextAfterQuote,
    ZeroByte,
    LoneCarriageReturn,
}

impl Oddity {
    pub(super) fn message(self) -> &'static str {
        match self {
            Oddity::TextAfterQuote => {
                "text after the closing quote of a quoted cell would be joined to it silently; \
                 quote the whole cell and write a `\"` inside it as `\"\"`"
            }
            Oddity::ZeroByte => {
                "the cell holds a zero byte (NUL), which is not text; export the sheet as CSV UTF-8"
            }
            Oddity::LoneCarriageReturn => {
                "a carriage return without a line feed outside quotes would split this row in \
                 two; save the file with LF or CRLF line endings, or quote the cell"
            }
        }
    }
}

/// One oddity: where in the byte stream, in which field (0-based) of its row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Spotted {
    pub at: u64,
    pub field: usize,
    pub oddity: Oddity,
}

/// What the watch shares with the reader above the parser. Atomic and locked
/// so that an open file can be read on another thread than the one that
/// opened it; the lock is taken only when something was spotted.
#[derive(Default)]
pub(super) struct Shared {
    /// A quoted cell is open at the end of the bytes read so far.
    pub open: AtomicBool,
    /// The offset of the first oddity not yet handed out; `u64::MAX` if none.
    next_at: AtomicU64,
    spotted: Mutex<VecDeque<Spotted>>,
}

impl Shared {
    pub(super) fn new() -> Arc<Shared> {
        Arc::new(Shared { next_at: AtomicU64::new(u64::MAX), ..Shared::default() })
    }

    /// The first oddity before byte `end`, dropping any others before it:
    /// one row is reported once.
    pub(super) fn take_before(&self, end: u64) -> Option<Spotted> {
        if self.next_at.load(Ordering::Relaxed) >= end {
            return None;
        }
        let mut spotted = self.spotted.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let first = spotted.pop_front();
        while spotted.front().is_some_and(|s| s.at < end) {
            spotted.pop_front();
        }
        self.next_at.store(spotted.front().map_or(u64::MAX, |s| s.at), Ordering::Relaxed);
        first
    }

    fn spot(&self, spotted: Spotted) {
        let mut list = self.spotted.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if list.is_empty() {
            self.next_at.store(spotted.at, Ordering::Relaxed);
        }
        // Enough to report every row a file may list errors for.
        if list.len() < 4 * super::MAX_REPORTED_ERRORS {
            list.push_back(spotted);
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum QuoteState {
    FieldStart,
    Unquoted,
    Quoted,
    QuoteInQuoted,
}

/// Follows the quoting of the bytes the CSV parser reads, the same way it
/// does (RFC 4180 quoting, any of CR, LF, CRLF ending a row).
pub(super) struct QuoteWatch<R> {
    inner: R,
    state: QuoteState,
    /// Bytes passed on before the current chunk.
    offset: u64,
    /// The 0-based field of the current row at the end of the last chunk.
    field: usize,
    /// A carriage return outside quotes that ended the last chunk, and its field.
    pending_cr: Option<(u64, usize)>,
    shared: Arc<Shared>,
    /// The byte between cells (`,` unless a profile says otherwise).
    delimiter: u8,
}

impl<R: Read> QuoteWatch<R> {
    #[cfg(test)]
    pub(super) fn new(inner: R, shared: Arc<Shared>) -> QuoteWatch<R> {
        QuoteWatch::with_delimiter(inner, shared, b',')
    }

    /// A watch over cells separated by `delimiter`.
    pub(super) fn with_delimiter(inner: R, shared: Arc<Shared>, delimiter: u8) -> QuoteWatch<R> {
        QuoteWatch {
            inner,
            state: QuoteState::FieldStart,
            offset: 0,
            field: 0,
            pending_cr: None,
            shared,
            delimiter,
        }
    }

    /// Passes a chunk with no quote and no zero byte, outside quotes, when
    /// every carriage return in it is followed by a line feed. `false` when
    /// the chunk needs the byte-by-byte walk.
    fn quick(&mut self, bytes: &[u8]) -> bool {
        let outside = matches!(self.state, QuoteState::FieldStart | QuoteState::Unquoted);
        if !outside || memchr::memchr2(b'"', 0, bytes).is_some() {
            return false;
        }
        if self.pending_cr.is_some() && bytes.first() != Some(&b'\n') {
            return false;
        }
        let lone = memchr::memchr_iter(b'\r', bytes).any(|at| bytes.get(at + 1) != Some(&b'\n'));
        if lone {
            return false;
        }
        let Some(&last) = bytes.last() else { return true };
        self.pending_cr = None;
        let delimiter = self.delimiter;
        let commas = |tail: &[u8]| memchr::memchr_iter(delimiter, tail).count();
        self.field = match memchr::memrchr2(b'\n', b'\r', bytes) {
            Some(end) => commas(&bytes[end + 1..]),
            None => self.field + commas(bytes),
        };
        self.state = if last == delimiter || last == b'\n' {
            QuoteState::FieldStart
        } else {
            QuoteState::Unquoted
        };
        true
    }

    fn walk(&mut self, bytes: &[u8]) {
        let (mut state, mut field, mut pending_cr) = (self.state, self.field, self.pending_cr);
        let offset = self.offset;
        let delimiter = self.delimiter;
        let shared = &self.shared;
        let spot = |i: usize, field: usize, oddity| {
            shared.spot(Spotted { at: offset + i as u64, field, oddity });
        };
        // Without a zero byte in the chunk, only quotes and line ends need a
        // look outside quotes: the commas between them are counted in a go.
        let zero_free = memchr::memchr(0, bytes).is_none();
        let mut i = 0;
        while i < bytes.len() {
            let outside = matches!(state, QuoteState::FieldStart | QuoteState::Unquoted);
            if state == QuoteState::Quoted {
                // Inside quotes only a quote or a zero byte matters: jump to it.
                match memchr::memchr2(b'"', 0, &bytes[i..]) {
                    Some(skip) => i += skip,
                    None => break,
                }
            } else if outside && zero_free && pending_cr.is_none() {
                let rest = &bytes[i..];
                let skip = memchr::memchr3(b'"', b'\n', b'\r', rest).unwrap_or(rest.len());
                if skip > 0 {
                    field += memchr::memchr_iter(delimiter, &rest[..skip]).count();
                    let last = rest[skip - 1];
                    state = if last == delimiter {
                        QuoteState::FieldStart
                    } else {
                        QuoteState::Unquoted
                    };
                    i += skip;
                    continue;
                }
            }
            let byte = bytes[i];
            if let Some((cr_at, cr_field)) = pending_cr
                && byte != b'\n'
            {
                shared.spot(Spotted {
                    at: cr_at,
                    field: cr_field,
                    oddity: Oddity::LoneCarriageReturn,
                });
            }
            pending_cr = None;
            state = match (state, byte) {
                (QuoteState::Quoted, b'"') => QuoteState::QuoteInQuoted,
                (QuoteState::Quoted, _) => {
                    spot(i, field, Oddity::ZeroByte);
                    QuoteState::Quoted
                }
                (QuoteState::QuoteInQuoted, b'"') => QuoteState::Quoted,
                (_, byte) if byte == delimiter => {
                    field += 1;
                    QuoteState::FieldStart
                }
                (_, b'\n') => {
                    field = 0;
                    QuoteState::FieldStart
                }
                (_, b'\r') => {
                    pending_cr = Some((offset + i as u64, field));
                    field = 0;
                    QuoteState::FieldStart
                }
                (QuoteState::FieldStart, b'"') => QuoteState::Quoted,
                (QuoteState::QuoteInQuoted, _) => {
                    let oddity = if byte == 0 { Oddity::ZeroByte } else { Oddity::TextAfterQuote };
                    spot(i, field, oddity);
                    QuoteState::Unquoted
                }
                (_, 0) => {
                    spot(i, field, Oddity::ZeroByte);
                    QuoteState::Unquoted
                }
                _ => QuoteState::Unquoted,
            };
            i += 1;
        }
        self.state = state;
        self.field = field;
        self.pending_cr = pending_cr;
    }
}

impl<R: Read> Read for QuoteWatch<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let read = self.inner.read(buf)?;
        let bytes = &buf[..read];
        if !self.quick(bytes) {
            self.walk(bytes);
        }
        self.offset += read as u64;
        self.shared.open.store(self.state == QuoteState::Quoted, Ordering::Relaxed);
        Ok(read)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Offset, field and what: one spotted oddity.
    type Seen = (u64, usize, Oddity);

    /// Everything spotted in `text` read in chunks of `chunk` bytes.
    fn spotted(text: &[u8], chunk: usize) -> Vec<Seen> {
        let shared = Shared::new();
        let mut watch = QuoteWatch::new(text, shared.clone());
        let mut buf = vec![0u8; chunk];
        while watch.read(&mut buf).expect("read") > 0 {}
        let mut out = Vec::new();
        while let Some(s) = shared.take_before(u64::MAX) {
            out.push((s.at, s.field, s.oddity));
        }
        out
    }

    #[test]
    fn spots_what_the_parser_would_change_in_any_chunking() {
        let cases: [(&[u8], Vec<Seen>); 9] = [
            (b"a,b\r\nc,d\r\n", vec![]),
            (b"a,\"b\"\"c\",d\n\"e\r\nf\",g\n", vec![]),
            (b"a,\"q\"x\n", vec![(5, 1, Oddity::TextAfterQuote)]),
            (b"a,b\x00c\n", vec![(3, 1, Oddity::ZeroByte)]),
            (b"a,\"b\x00\"\n", vec![(4, 1, Oddity::ZeroByte)]),
            (b"a,b\rc,d\n", vec![(3, 1, Oddity::LoneCarriageReturn)]),
            (b"x\na,b,,c,\"d\"e\n", vec![(12, 4, Oddity::TextAfterQuote)]),
            (b"a,\"b\"\r\nc\r,d\n", vec![(8, 0, Oddity::LoneCarriageReturn)]),
            // A quote inside an unquoted cell is kept as written: not spotted.
            (b"a,5\" disk,c\n", vec![]),
        ];
        for (text, expected) in cases {
            for chunk in [1, 2, 3, 7, 64] {
                assert_eq!(spotted(text, chunk), expected, "{text:?} in chunks of {chunk}");
            }
        }
    }

    #[test]
    fn counts_fields_by_the_delimiter_it_is_given() {
        let shared = Shared::new();
        let text = &b"a;b,c;\"q\"x\n"[..];
        let mut watch = QuoteWatch::with_delimiter(text, shared.clone(), b';');
        let mut buf = [0u8; 3];
        while watch.read(&mut buf).expect("read") > 0 {}
        let seen = shared.take_before(u64::MAX).map(|s| (s.at, s.field, s.oddity));
        assert_eq!(seen, Some((9, 2, Oddity::TextAfterQuote)));
    }

    #[test]
    fn a_row_hands_out_one_oddity() {
        let shared = Shared::new();
        let mut watch = QuoteWatch::new(&b"\"a\"x,\"b\"y\n\"c\"z\n"[..], shared.clone());
        let mut buf = [0u8; 64];
        while watch.read(&mut buf).expect("read") > 0 {}
        assert_eq!(shared.take_before(10).map(|s| (s.at, s.field)), Some((3, 0)));
        assert_eq!(shared.take_before(10), None);
        assert_eq!(shared.take_before(20).map(|s| (s.at, s.field)), Some((13, 0)));
    }
}
