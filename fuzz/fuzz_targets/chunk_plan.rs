//! The chunk planner: a plan (or a coded refusal), never a panic or a huge allocation; a plan covers every
//! byte exactly once, in order, in chunks no bigger than asked.
#![no_main]
use cirrus_core::chunks::{plan, MAX_CHUNKS};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (u64, u64)| {
    let (total, size) = input;
    let Ok(chunks) = plan(total, size) else {
        assert!(total.div_ceil(size.max(1)) > MAX_CHUNKS);
        return;
    };
    let mut next = 0u64;
    for c in &chunks {
        assert_eq!(c.start, next);
        assert!(c.end >= c.start && c.len() <= size.max(1));
        next = c.end.wrapping_add(1);
    }
    if total > 0 {
        assert_eq!(chunks.last().map(|c| c.end), Some(total - 1));
    } else {
        assert!(chunks.is_empty());
    }
});
