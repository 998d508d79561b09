//! The addon's global allocator: mimalloc, called directly for what it aligns anyway.
//!
//! URL building makes a few dozen small allocations per call; mimalloc serves them about 2x faster than
//! the process's glibc malloc, whose arenas are shared with V8 and Node. The `mimalloc` crate routes every
//! allocation through `mi_malloc_aligned`, whose alignment checks showed in profiles of `url()`. Every
//! mimalloc block is word-aligned (its size classes are whole words) but not more: a 24-byte block may
//! sit 8 bytes off a 16-byte boundary, so only layouts aligned to a word or less skip the aligned path.

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
