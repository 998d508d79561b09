//! # cirrus-media
//!
//! What NestJS teams write by hand around uploads, done properly: content-sniffed validation before any
//! byte leaves, upload confirmed before metadata is created, compensation when the record cannot be
//! stored, owner-scoped deletes (cloud first, then the record), soft delete, purge, reconciliation by tag,
//! transformation presets and idempotency keys. Persistence is the host's ([`Repository`]).
#![deny(missing_docs)]

mod error;
mod repository;
mod service;

pub use error::MediaError;
pub use repository::{RepoResult, Repository};
pub use service::{FileInput, MediaService, PendingCleanup, ServiceOptions};
