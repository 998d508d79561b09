//! The browser build's allocator: blocks in power-of-two size classes, each class a free list, new blocks
//! cut from the end of memory. ~0.5 KB of code where dlmalloc is ~7 KB, and every call O(1).
//!
//! Why this fits: a call builds a handful of small strings and vectors and frees them all before it
//! returns, so the same few blocks are reused forever; a freed block is never split or merged, and memory
//! only grows to the largest working set seen (at most twice what was asked, by rounding). A wasm instance
//! is single-threaded, so no locking.

use core::alloc::{GlobalAlloc, Layout};
use core::cell::UnsafeCell;
use core::ptr::null_mut;

/// The smallest block (two words: room for the free-list link and an alignment that suits everything).
const MIN_SHIFT: u32 = 4;
/// Classes 16 B .. 2 GiB; larger requests fail (wasm32 memory is 4 GiB at most).
const CLASSES: usize = 28;
const PAGE: usize = 65_536;

struct State {
    /// The first free block of each class (its first word links to the next).
    free: [usize; CLASSES],
    /// Where the next new block starts, and where the memory currently ends.
    next: usize,
    end: usize,
}

/// The allocator (see the module comment).
pub(crate) struct SizeClasses(UnsafeCell<State>);

// SAFETY: wasm32 without threads: one caller at a time.
unsafe impl Sync for SizeClasses {}

impl SizeClasses {
    /// An allocator that takes its memory from the end of the instance's memory on first use.
    pub(crate) const fn new() -> Self {
        SizeClasses(UnsafeCell::new(State {
            free: [0; CLASSES],
            next: 0,
            end: 0,
        }))
    }
}

/// The class of a layout: blocks of `1 << (class + MIN_SHIFT)` bytes, aligned to their size up to a page.
fn class_of(layout: Layout) -> Option<usize> {
    let size = layout.size().max(layout.align()).max(1 << MIN_SHIFT);
    let shift = usize::BITS - (size - 1).leading_zeros();
    let class = (shift - MIN_SHIFT) as usize;
    (class < CLASSES && layout.align() <= PAGE).then_some(class)
}

impl State {
    /// A new block of `size` bytes aligned to `min(size, PAGE)`, from the end of memory.
    fn carve(&mut self, size: usize) -> *mut u8 {
        if self.end == 0 {
            let pages = core::arch::wasm32::memory_size(0);
            self.next = pages * PAGE;
            self.end = self.next;
        }
        let align = size.min(PAGE);
        let start = (self.next + align - 1) & !(align - 1);
        let Some(stop) = start.checked_add(size) else {
            return null_mut();
        };
        if stop > self.end {
            let pages = (stop - self.end).div_ceil(PAGE);
            if core::arch::wasm32::memory_grow(0, pages) == usize::MAX {
                return null_mut();
            }
            self.end += pages * PAGE;
        }
        self.next = stop;
        start as *mut u8
    }
}

unsafe impl GlobalAlloc for SizeClasses {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let Some(class) = class_of(layout) else {
            return null_mut();
        };
        // SAFETY: single-threaded (see the Sync impl); no reentrancy: nothing here allocates.
        let state = unsafe { &mut *self.0.get() };
        let head = state.free[class];
        if head != 0 {
            // SAFETY: `head` is a free block of this class; its first word is the next free block.
            state.free[class] = unsafe { *(head as *const usize) };
            return head as *mut u8;
        }
        state.carve(1 << (class as u32 + MIN_SHIFT))
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        let Some(class) = class_of(layout) else {
            return;
        };
        // SAFETY: as in `alloc`; `ptr` is a block of this class that the caller no longer uses.
        let state = unsafe { &mut *self.0.get() };
        unsafe { *(ptr as *mut usize) = state.free[class] };
        state.free[class] = ptr as usize;
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // A string growing within its block stays where it is.
        let Ok(new_layout) = Layout::from_size_align(new_size, layout.align()) else {
            return null_mut();
        };
        if class_of(layout) == class_of(new_layout) {
            return ptr;
        }
        // SAFETY: the GlobalAlloc contract, as the default `realloc` does it.
        unsafe {
            let new = self.alloc(new_layout);
            if !new.is_null() {
                core::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
            new
        }
    }
}
