//! How the cockpit's process gives memory back: the allocator's settings
//! (set once, by `main`, before any thread starts) and handing the pages a
//! finished load freed back to the system. Nothing else lives here; what a
//! pane keeps is the pane's own business.
//!
//! Why it is needed (glibc, measured at 100,000 accounts): every thread
//! that allocates gets an arena of its own, and memory freed in one arena
//! is not reused by another, so the loaders' threads each kept what their
//! load had used; and free pages inside the heap stay resident until they
//! are trimmed. Capping the arenas and trimming after each load took the
//! peak resident size of a walk through every pane from 440 MB to the
//! figure in the README's performance table. Freeing stays as glibc does
//! it (a fixed mapping size, tried too, made a key that drops a list of
//! 100,000 rows twice as slow), and trimming happens only after a load.
//! On other platforms both functions do nothing.

/// Arenas the allocator may make: the main thread's and one the workers
/// share (a worker waits little on it: loads allocate in large pieces).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const ARENAS: libc::c_int = 2;

/// Sets the allocator up for a long-running process that loads large
/// lists and frees them. Call it first thing, before any thread starts.
pub fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `mallopt` only changes the allocator's parameters; it is
    // called before other threads allocate.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, ARENAS);
    }
}

/// Hands the free pages of every arena back to the system: after a load
/// whose working lists were freed, so that the resident size is what the
/// cockpit keeps, not what it once needed. A few milliseconds at most.
pub fn release_freed() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `malloc_trim` only returns unused pages; it takes the
    // allocator's locks itself.
    unsafe {
        libc::malloc_trim(0);
    }
}
