//! Public ids the service chooses: `<folder>/<encoded owner>/<random>`. The owner is encoded so that no
//! owner id (`a/b`, `..`, `x%2F`) can name a path inside another owner's folder, and the encoding is
//! one-to-one, so two owners never share a folder.

use rand::Rng;

/// Letters of the random part (Cloudinary's own random public ids use lowercase letters and digits).
const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

/// Length of the random part: 36^20 ≈ 1.3e31 ids, so collisions never happen in practice (and the
/// repository's unique public_id would refuse one if it did).
const RANDOM_LEN: usize = 20;

/// Longest owner id accepted (encoded, it may grow threefold; Cloudinary allows 255-character ids).
pub(crate) const MAX_OWNER_LEN: usize = 64;

/// An owner id as one path segment: ASCII letters, digits and `-` stay; every other byte becomes `_XX`
/// (uppercase hex), `_` included, so the encoding is injective and never contains `/` or `.`.
pub fn encode_owner(owner: &str) -> String {
    let mut out = String::with_capacity(owner.len());
    for b in owner.bytes() {
        if b.is_ascii_alphanumeric() || b == b'-' {
            out.push(b as char);
        } else {
            out.push_str(&format!("_{b:02X}"));
        }
    }
    out
}

/// A random public id segment.
pub(crate) fn random_segment() -> String {
    let mut rng = rand::thread_rng();
    (0..RANDOM_LEN)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

/// The folder of an owner's assets: `<folder>/<encoded owner>`.
pub fn owner_folder(folder: &str, owner: &str) -> String {
    if folder.is_empty() {
        encode_owner(owner)
    } else {
        format!("{folder}/{}", encode_owner(owner))
    }
}

/// A new public id in the owner's folder.
pub(crate) fn new_public_id(folder: &str, owner: &str) -> String {
    format!("{}/{}", owner_folder(folder, owner), random_segment())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owners_cannot_reach_other_folders() {
        assert_eq!(encode_owner("alice"), "alice");
        assert_eq!(encode_owner("a/b"), "a_2Fb");
        assert_eq!(encode_owner(".."), "_2E_2E");
        assert_eq!(encode_owner("a_2Fb"), "a_5F2Fb");
        assert_eq!(encode_owner("Zoë"), "Zo_C3_AB");
        let id = new_public_id("media", "bob/../alice");
        assert!(id.starts_with("media/bob_2F_2E_2E_2Falice/"), "{id}");
        assert_eq!(id.matches('/').count(), 2);
        assert_ne!(random_segment(), random_segment());
    }
}
