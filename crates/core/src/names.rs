//! The option names the core reads, as `'static` text: a reader of flat text makes a known key a map key
//! without copying it ([`crate::value::Key`] is a `Cow`), one allocation fewer per entry.
//!
//! A hash table built at compile time finds a name in a few comparisons (at most three here); a key that is not here is
//! simply copied, so the list only has to hold the names callers commonly give. The browser module
//! (without the `interned-keys` feature) leaves the names out and copies every key; it keeps
//! [`NameTable`], which finds a transformation's parameters.

#[cfg(feature = "interned-keys")]
use crate::transformation::{COMPONENT_OPTIONS, PARAM_NAMES};
#[cfg(feature = "interned-keys")]
use crate::url::URL_OPTIONS;

/// Names the core reads besides the transformation's and the URL's own (which come from their tables).
#[cfg(feature = "interned-keys")]
const OTHER_NAMES: [&str; 37] = [
    // Account options (the URL's own are `URL_OPTIONS`).
    "api_key",
    "signature_version",
    "urlAnalytics",
    "responsive_width_transformation",
    "upload_prefix",
    // Layers, custom functions, video codecs.
    "public_id",
    "text",
    "text_style",
    "font_family",
    "font_size",
    "font_weight",
    "font_style",
    "text_decoration",
    "text_align",
    "stroke",
    "letter_spacing",
    "line_spacing",
    "font_antialiasing",
    "font_hinting",
    "url",
    "function_type",
    "source",
    "codec",
    "profile",
    "level",
    // Auth tokens.
    "key",
    "expiration",
    "start_time",
    "acl",
    "ip",
    "token_name",
    // Upload params.
    "timestamp",
    "tags",
    "context",
    "eager",
    "folder",
    "overwrite",
];

/// How many names there are.
#[cfg(feature = "interned-keys")]
const COUNT: usize =
    PARAM_NAMES.len() + COMPONENT_OPTIONS.len() + URL_OPTIONS.len() + OTHER_NAMES.len();

/// All the names: the transformation's parameters and component options, then the others.
#[cfg(feature = "interned-keys")]
const NAMES: [&str; COUNT] = {
    let mut names = [""; COUNT];
    let at = copy_into(&mut names, 0, &PARAM_NAMES);
    let at = copy_into(&mut names, at, &COMPONENT_OPTIONS);
    let at = copy_into(&mut names, at, &URL_OPTIONS);
    assert!(copy_into(&mut names, at, &OTHER_NAMES) == COUNT);
    names
};

/// Copies `from` into `names` from `at` on (a loop: `const` has no iterators); where the next copy starts.
#[cfg(feature = "interned-keys")]
const fn copy_into(names: &mut [&'static str; COUNT], at: usize, from: &[&'static str]) -> usize {
    let mut i = 0;
    while i < from.len() {
        names[at + i] = from[i];
        i += 1;
    }
    at + from.len()
}

/// A fixed list of names and a hash table over it that the compiler builds: a name is found in a few
/// comparisons (the browser module, built for size, makes each a call; a `match` over the names
/// made one per arm of the same length).
///
/// Only the slots are kept: the caller's list answers `find`'s comparisons (so the names are held once,
/// in that list).
pub(crate) struct NameTable<const SLOTS: usize> {
    /// Each slot an index into the names, or `EMPTY`; open addressing, linear probing.
    slots: [u8; SLOTS],
}

const EMPTY: u8 = u8::MAX;

/// Length and three bytes (first, middle, last) mixed: distinct enough for these names.
const fn slot(key: &[u8], slots: usize) -> usize {
    let n = key.len();
    (n * 31 + key[0] as usize * 7 + key[n / 2] as usize * 3 + key[n - 1] as usize * 13) % slots
}

impl<const SLOTS: usize> NameTable<SLOTS> {
    /// The table of `names` (non-empty and distinct; at most a quarter of the slots, so probes stay short).
    pub(crate) const fn new(names: &[&str]) -> Self {
        assert!(names.len() < EMPTY as usize && names.len() * 4 <= SLOTS);
        let mut slots = [EMPTY; SLOTS];
        let mut i = 0;
        while i < names.len() {
            let mut at = slot(names[i].as_bytes(), SLOTS);
            while slots[at] != EMPTY {
                at = (at + 1) % SLOTS;
            }
            slots[at] = i as u8;
            i += 1;
        }
        NameTable { slots }
    }

    /// The index of `key` in the names the table was built from (`name(i)` is the `i`th of them), when
    /// it is one of them.
    pub(crate) fn find<'n>(
        &self,
        key: &str,
        name: impl Fn(usize) -> Option<&'n str>,
    ) -> Option<usize> {
        if key.is_empty() {
            return None;
        }
        let mut at = slot(key.as_bytes(), SLOTS);
        loop {
            let i = usize::from(*self.slots.get(at)?);
            // `EMPTY` is past the names: not there.
            if name(i)? == key {
                return Some(i);
            }
            at = (at + 1) % SLOTS;
        }
    }
}

/// Every name, found by hash.
#[cfg(feature = "interned-keys")]
static TABLE: NameTable<512> = NameTable::new(&NAMES);

/// The names in their fixed order: flat text may give a key as its index here (`j` and one byte, the
/// index plus one: npm/node/flat-bytes.cjs writes the names it finds in this list that way, taking the
/// list from the addon when it loads).
#[cfg(feature = "interned-keys")]
pub fn key_names() -> &'static [&'static str] {
    &NAMES
}

// An index plus one is one byte of ASCII (the text stays UTF-8), never the tokens' `\0`.
#[cfg(feature = "interned-keys")]
const _: () = assert!(COUNT < 0x80);

/// The name whose index plus one is `id` ([`key_names`]).
#[cfg(feature = "interned-keys")]
pub(crate) fn by_id(id: u8) -> Option<&'static str> {
    NAMES.get(usize::from(id).checked_sub(1)?).copied()
}

/// `key` as the core's own `'static` text, when it is one of the names.
#[cfg(feature = "interned-keys")]
pub(crate) fn intern(key: &str) -> Option<&'static str> {
    let name = |i| NAMES.get(i).copied();
    TABLE.find(key, name).and_then(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prelude::*;

    /// A table in every build (the browser module's too): each name at its index, and nothing else,
    /// probing past collisions (names of one length and the same first, middle and last bytes share a
    /// slot) and around the end of the slots.
    #[test]
    fn a_table_finds_its_names_and_nothing_else() {
        // "ga" and "gc" take the last slot and wrap to the first; "abcd" and "axcd" then probe on.
        const LIST: [&str; 7] = ["ga", "gc", "abcd", "axcd", "a", "zz", "é"];
        static SMALL: NameTable<32> = NameTable::new(&LIST);
        assert_eq!([slot(b"ga", 32), slot(b"gc", 32)], [31, 31]);
        assert_eq!([slot(b"abcd", 32), slot(b"axcd", 32)], [0, 0]);
        let name = |i: usize| LIST.get(i).copied();
        for (i, item) in LIST.iter().enumerate() {
            assert_eq!(SMALL.find(&String::from(*item), name), Some(i), "{item}");
        }
        for other in ["", "ge", "abxd", "b", "aa", "zzz", "e", "ü", "zz "] {
            assert_eq!(SMALL.find(other, name), None, "{other}");
        }
    }

    #[cfg(feature = "interned-keys")]
    #[test]
    fn every_name_is_found_and_others_are_not() {
        for name in NAMES {
            assert_eq!(intern(name), Some(name));
            assert_eq!(intern(&String::from(name)), Some(name));
        }
        for other in [
            "",
            "widthx",
            "Width",
            "w",
            "$w",
            "cloud",
            "zz",
            "ü",
            "transformation ",
        ] {
            assert_eq!(intern(other), None, "{other}");
        }
        for (i, name) in key_names().iter().enumerate() {
            assert_eq!(by_id(u8::try_from(i + 1).unwrap()), Some(*name));
        }
        assert_eq!(by_id(0), None);
        assert_eq!(by_id(u8::try_from(COUNT + 1).unwrap()), None);
        let mut sorted = NAMES.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), NAMES.len(), "a name twice");
    }
}
