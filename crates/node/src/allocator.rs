//! The addon's global allocator: mimalloc (its 2.x line: docs/benchmarks, fourteenth pass), called
//! directly for what it aligns anyway.
//!
//! URL building makes a few dozen small allocations per call; mimalloc serves them about 2x faster than
//! the process's glibc malloc, whose arenas are shared with V8 and Node. The `mimalloc` crate routes every
//! allocation through `mi_malloc_aligned`, whose alignment checks showed in profiles of `url()`. Every
//! mimalloc block is word-aligned (its size classes are whole words). Blocks of 16 bytes and more are
//! 16-aligned in its default build, but not in its guarded debug build, so only layouts aligned to a word
//! or less skip the aligned calls (a `String` or a `Vec` of values: almost every allocation here).

use core::alloc::{GlobalAlloc, Layout};
use core::ffi::c_void;
use libmimalloc_sys as mi;

/// The alignment every mimalloc block has: a word (`MI_INTPTR_SIZE`).
const GUARANTEED_ALIGN: usize = core::mem::size_of::<usize>();

/// Whether a plain mimalloc block is aligned enough for `layout`.
#[inline]
fn plain(layout: &Layout) -> bool {
    layout.align() <= GUARANTEED_ALIGN
}

/// mimalloc as the global allocator.
pub(crate) struct Mimalloc;

// SAFETY: each method forwards to mimalloc's matching function, which returns null on failure and
// blocks aligned as checked by `plain` (or the aligned variants otherwise); `mi_free` takes any block.
unsafe impl GlobalAlloc for Mimalloc {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: plain C allocation calls with a size and a power-of-two alignment from a valid Layout.
        unsafe {
            if plain(&layout) {
                mi::mi_malloc(layout.size()).cast()
            } else {
                mi::mi_malloc_aligned(layout.size(), layout.align()).cast()
            }
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as in `alloc`.
        unsafe {
            if plain(&layout) {
                mi::mi_zalloc(layout.size()).cast()
            } else {
                mi::mi_zalloc_aligned(layout.size(), layout.align()).cast()
            }
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        // SAFETY: `ptr` came from this allocator (GlobalAlloc's contract).
        unsafe { mi::mi_free(ptr.cast::<c_void>()) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `ptr` came from this allocator with `layout`; the new size is non-zero (the contract).
        unsafe {
            if plain(&layout) {
                mi::mi_realloc(ptr.cast::<c_void>(), new_size).cast()
            } else {
                mi::mi_realloc_aligned(ptr.cast::<c_void>(), new_size, layout.align()).cast()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every size and alignment a Rust caller may ask for gets a block aligned as asked, whichever path
    /// serves it, and a reallocation keeps the bytes and the alignment.
    #[test]
    fn blocks_are_aligned_as_asked_and_reallocations_keep_their_bytes() {
        let a = Mimalloc;
        for align in [1, 2, 4, 8, 16, 32, 64, 4096] {
            for size in [1, 3, 8, 12, 24, 40, 100, 1000, 70_000] {
                let layout = Layout::from_size_align(size, align).unwrap();
                // SAFETY: a non-zero size; every block is freed with its layout.
                unsafe {
                    let p = a.alloc(layout);
                    assert!(
                        !p.is_null() && (p as usize).is_multiple_of(align),
                        "{size} {align}"
                    );
                    core::ptr::write_bytes(p, 0xab, size);
                    let q = a.realloc(p, layout, size * 3);
                    assert!(
                        !q.is_null() && (q as usize).is_multiple_of(align),
                        "realloc {size} {align}"
                    );
                    assert!((0..size).all(|i| *q.add(i) == 0xab));
                    a.dealloc(q, Layout::from_size_align(size * 3, align).unwrap());
                    let z = a.alloc_zeroed(layout);
                    assert!(!z.is_null() && (z as usize).is_multiple_of(align));
                    assert!((0..size).all(|i| *z.add(i) == 0));
                    a.dealloc(z, layout);
                }
            }
        }
    }
}
