//! Signed identifiers: parsing and verification never panic, and a correctly signed identifier built from
//! arbitrary parts verifies (when it parses back to the same parts).
#![no_main]
use cirrus_core::identifier::{parse_identifier, response_signature, verify_identifier, IdentifierPolicy};
use cirrus_core::SignatureAlgorithm;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&str, &str, &str, u32)| {
    let (text, secret, public_id, version) = input;
    let policy = IdentifierPolicy::default();
    let _ = parse_identifier(text);
    let _ = verify_identifier(text, secret, &policy);

    let version = version.to_string();
    let signature = response_signature(public_id, &version, secret, SignatureAlgorithm::Sha1);
    let built = format!("image/upload/v{version}/{public_id}#{signature}");
    if let Ok(parsed) = parse_identifier(&built) {
        if parsed.public_id == public_id && parsed.format.is_none() {
            assert!(
                verify_identifier(&built, secret, &policy).is_ok(),
                "a correctly signed identifier was refused: {built:?}"
            );
        }
    }
});
