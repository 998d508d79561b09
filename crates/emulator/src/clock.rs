//! Time and identifiers: Unix seconds, ISO-8601 timestamps and random ids.

use rand::Rng;

/// Unix seconds now.
pub fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

pub use cirrus_core::time::iso8601;

/// A random lowercase alphanumeric id (Cloudinary-style public ids are 20 characters).
pub fn random_id(len: usize) -> String {
    const CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::thread_rng();
    (0..len)
        .map(|_| CHARS[rng.gen_range(0..CHARS.len())] as char)
        .collect()
}

/// 32 random hex digits (asset_id, version_id).
pub fn random_hex32() -> String {
    let bytes: [u8; 16] = rand::thread_rng().gen();
    cirrus_core::hash::to_hex(&bytes)
}
