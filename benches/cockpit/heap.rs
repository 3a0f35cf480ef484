//! The heap the benchmark's process has allocated: live bytes now and the
//! most live at once since the last [`reset_peak`], counted by a global
//! allocator around the system one. The memory child prints them after
//! each pane (`COCKPIT_BENCH_MEMORY_PANES`), apart from the resident set,
//! which also counts mapped file pages and what the allocator kept.
//! Counting is off until [`start`]: the timed rows run in other processes
//! or before it, and two atomic updates on every allocation would slow
//! what they time.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicIsize, Ordering};

struct Counting;

static ON: AtomicBool = AtomicBool::new(false);
/// Signed: what was allocated before [`start`] may be freed after it.
static LIVE: AtomicIsize = AtomicIsize::new(0);
static PEAK: AtomicIsize = AtomicIsize::new(0);

#[global_allocator]
static COUNTING: Counting = Counting;

fn grew(by: usize) {
    if ON.load(Ordering::Relaxed) {
        let by = by as isize;
        let now = LIVE.fetch_add(by, Ordering::Relaxed) + by;
        PEAK.fetch_max(now, Ordering::Relaxed);
    }
}

fn shrank(by: usize) {
    if ON.load(Ordering::Relaxed) {
        LIVE.fetch_sub(by as isize, Ordering::Relaxed);
    }
}

// SAFETY: every call is passed to the system allocator unchanged; only
// the counts are added around it.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as `System.alloc`, with the caller's layout.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as `System.alloc_zeroed`, with the caller's layout.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from this allocator with `layout`.
        unsafe { System.dealloc(ptr, layout) };
        shrank(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `ptr` came from this allocator with `layout`.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            shrank(layout.size());
            grew(new_size);
        }
        p
    }
}

/// Starts counting (the memory child, before it opens the book).
pub(crate) fn start() {
    ON.store(true, Ordering::Relaxed);
}

/// Bytes allocated since [`start`] and not yet freed.
pub(crate) fn live() -> usize {
    LIVE.load(Ordering::Relaxed).max(0).unsigned_abs()
}

/// The most bytes live at once since the last [`reset_peak`].
pub(crate) fn peak() -> usize {
    PEAK.load(Ordering::Relaxed).max(0).unsigned_abs()
}

/// Starts counting the peak again from what is live now.
pub(crate) fn reset_peak() {
    PEAK.store(LIVE.load(Ordering::Relaxed), Ordering::Relaxed);
}
