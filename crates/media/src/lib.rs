//! # cirrus-media
//!
//! A media lifecycle in which the cloud and the database never disagree, across processes and replicas:
//! intent before bytes (a pending record names the public_id before the upload), commit after the
//! upload, removal through a `deleting` state, a sweeper that finishes whatever a crash left behind, and
//! a paged drift check. Persistence is the host's ([`Repository`]); the embedded default is
//! [`SqliteRepository`]. See `record` for the state machine and `repository` for the contract.
#![deny(missing_docs)]

mod create;
mod direct;
mod error;
mod ids;
mod intake;
mod options;
mod pending_limit;
mod reconcile;
mod record;
mod remove;
mod repository;
mod service;
#[cfg(feature = "sqlite")]
mod sqlite;
mod sweep;

pub use create::CreateOptions;
pub use error::MediaError;
pub use ids::{encode_owner, owner_folder};
pub use intake::FileInput;
pub use options::ServiceOptions;
pub use reconcile::ReconcileReport;
pub use record::{MediaRecord, Patch, RecordId, State, FIELDS};
pub use repository::{
    js as repository_js, Claim, Deleted, Inserted, ListQuery, Page, RepoResult, Repository,
};
pub use service::MediaService;
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteRepository;
pub use sweep::SweepReport;
