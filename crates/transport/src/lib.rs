//! # cirrus-transport
//!
//! The Upload API over HTTP for cirrus: uploads from files, memory or streams, switching to the chunked
//! protocol above the chunk size; every request signed when sent (so a retried chunk is re-signed),
//! retried with exponential backoff and jitter on network errors, timeouts, 429 and 5xx; progress and
//! cancellation; destroy, rename and explicit. No napi here: the Node addon drives it.
#![deny(missing_docs)]

mod account;
pub mod buffer;
mod client;
mod content;
mod error;
mod multipart;
mod request;
mod retry;
mod upload;

pub use account::Account;
pub use client::{Transport, TransportOptions};
pub use error::{error_value, TransportError};
pub use retry::RetryPolicy;
pub use tokio_util::sync::CancellationToken;
pub use upload::{Progress, Source, UploadSettings, UploadStats};
