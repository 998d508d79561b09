//! # cirrus-core
//!
//! Pure Rust Cloudinary primitives, byte-identical to the official Node SDK (2.11) where it is right:
//! request signing, upload parameters, signed identifiers, notification signatures, delivery URLs,
//! auth tokens, signed download URLs and `CLOUDINARY_URL` config.
//!
//! No I/O, no clock, no randomness: functions that need the time take a [`time::Now`]: the caller's time,
//! or a clock the host hands over, which the core calls only when a result needs the time.
//! Inputs are [`Value`]s, a model of JavaScript values, because the SDK's outputs depend on
//! JavaScript semantics (numbers vs numeric strings, arrays vs strings, `true` vs `"true"`).
//!
//! `no_std` (with `alloc`): the browser module links no `std`, so it carries neither std's panic
//! machinery nor its formatting of panic messages.
#![no_std]
#![deny(missing_docs)]
#![forbid(unsafe_code)]

extern crate alloc;
#[cfg(test)]
extern crate std;

/// What `std`'s prelude would bring: the `alloc` types every module uses.
mod prelude {
    pub(crate) use alloc::borrow::ToOwned;
    pub(crate) use alloc::boxed::Box;
    pub(crate) use alloc::format;
    pub(crate) use alloc::string::{String, ToString};
    pub(crate) use alloc::vec;
    pub(crate) use alloc::vec::Vec;
}

pub mod api;
pub mod auth_token;
pub mod chunks;
pub mod config;
mod digits;
pub mod download;
pub mod encoding;
pub mod error;
mod error_codes;
pub mod expression;
mod fields;
pub mod flat;
mod float;
pub mod hash;
pub mod http_status;
pub mod identifier;
pub mod json;
pub mod layer;
mod names;
pub mod retry;
mod scan;
pub mod secret;
pub mod signature_doctor;
pub mod signing;
pub mod sniff;
pub mod time;
pub mod transformation;
pub mod upload_params;
pub mod url;
pub mod value;

pub use auth_token::generate_auth_token;
pub use config::{parse_cloudinary_url, Config};
pub use download::{download_archive_url, download_zip_url, private_download_url};
pub use error::{Error, ErrorCode, Result};
pub use hash::{constant_time_eq, SignatureAlgorithm};
pub use identifier::{
    verify_identifier, verify_notification_signature, IdentifierPolicy, SignedIdentifier,
};
pub use secret::Secret;
pub use signing::{api_sign_request, sign_request, SignatureVersion, SigningOptions};
pub use upload_params::build_upload_params;
pub use url::url;
pub use value::{Map, Value};
