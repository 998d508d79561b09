//! The host's metadata store, as the service sees it. Hosts implement it (the Node addon bridges to
//! JavaScript callbacks); every call is awaited with a timeout.

use cirrus_core::Value;
use futures_util::future::BoxFuture;

/// A repository call's failure, as the host reported it.
pub type RepoResult<T> = Result<T, String>;

/// Where media records live. Records are objects; `create` returns the stored record with its `id`.
pub trait Repository: Send + Sync {
    /// Stores a new record; returns it as stored (with `id`).
    fn create(&self, record: Value) -> BoxFuture<'_, RepoResult<Value>>;
    /// The record matching `{ id, ownerId }`, or null.
    fn find_one(&self, query: Value) -> BoxFuture<'_, RepoResult<Option<Value>>>;
    /// Deletes a record by id.
    fn remove(&self, id: Value) -> BoxFuture<'_, RepoResult<()>>;
    /// Applies a patch (soft delete, restore); `None` when the host has no `update`.
    fn update(&self, id: Value, patch: Value) -> Option<BoxFuture<'_, RepoResult<Value>>>;
    /// Records matching a query (`{}`: all; `{ public_id }`, `{ deletedBefore }`); `None` without `list`.
    fn list(&self, query: Value) -> Option<BoxFuture<'_, RepoResult<Vec<Value>>>>;
}
