//! Persistence: content files under `blobs/` and an index in an embedded database (redb).
//!
//! A new version is written to `tmp/`, synced, renamed into `blobs/`, and only then committed to the
//! index in one transaction: readers never see a half-written asset, and a crash leaves at most an
//! unreferenced file (swept at the next start).

use crate::asset::{index_key, Asset};
use crate::error::{ApiError, ApiResult};
use redb::{Database, ReadableTable, TableDefinition};
use std::path::{Path, PathBuf};

const ASSETS: TableDefinition<&str, &[u8]> = TableDefinition::new("assets");

/// The asset store of one emulator.
pub struct Store {
    db: Database,
    dir: PathBuf,
}

fn db_error(e: impl std::fmt::Display) -> ApiError {
    ApiError::internal(format!("index error: {e}"))
}

impl Store {
    /// Opens (or creates) the store in `dir`, sweeping leftovers of interrupted writes.
    pub fn open(dir: &Path) -> std::io::Result<Store> {
        for sub in ["blobs", "tmp", "derived", "chunks"] {
            std::fs::create_dir_all(dir.join(sub))?;
        }
        // The index's lock comes first: only its holder may sweep `tmp/` (another emulator's writes).
        let db = Database::create(dir.join("index.redb")).map_err(|e| match e {
            redb::DatabaseError::DatabaseAlreadyOpen => std::io::Error::new(
                std::io::ErrorKind::WouldBlock,
                format!(
                    "the data directory {} is in use by another emulator (its index is locked); stop that one or pass another --data directory",
                    dir.display()
                ),
            ),
            other => std::io::Error::other(format!("cannot open {}: {other}", dir.join("index.redb").display())),
        })?;
        for entry in std::fs::read_dir(dir.join("tmp"))? {
            let _ = std::fs::remove_file(entry?.path());
        }
        let tx = db.begin_write().map_err(std::io::Error::other)?;
        tx.open_table(ASSETS).map_err(std::io::Error::other)?;
        tx.commit().map_err(std::io::Error::other)?;
        let store = Store {
            db,
            dir: dir.to_owned(),
        };
        store.sweep_unreferenced_blobs()?;
        Ok(store)
    }

    /// The data directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// A fresh path under `tmp/` for a file being written.
    pub fn tmp_path(&self) -> PathBuf {
        self.dir.join("tmp").join(crate::clock::random_hex32())
    }

    /// Where a committed blob lives.
    pub fn blob_path(&self, name: &str) -> PathBuf {
        self.dir.join("blobs").join(name)
    }

    /// Moves a fully written (and synced) temp file into `blobs/` under a new name.
    pub fn adopt_blob(&self, tmp: &Path) -> ApiResult<String> {
        let name = crate::clock::random_hex32();
        std::fs::rename(tmp, self.blob_path(&name))?;
        Ok(name)
    }

    /// The asset at a resource type, type and public id.
    pub fn get(
        &self,
        resource_type: &str,
        kind: &str,
        public_id: &str,
    ) -> ApiResult<Option<Asset>> {
        let tx = self.db.begin_read().map_err(db_error)?;
        let table = tx.open_table(ASSETS).map_err(db_error)?;
        let found = table
            .get(index_key(resource_type, kind, public_id).as_str())
            .map_err(db_error)?;
        found
            .map(|v| serde_json::from_slice(v.value()).map_err(db_error))
            .transpose()
    }

    /// Stores `asset` (replacing the version at its key, and `remove_key` too when renaming), in one
    /// transaction. Blobs no longer referenced are deleted after the commit. Returns the replaced asset.
    pub fn put(&self, asset: &Asset, remove_key: Option<&str>) -> ApiResult<Option<Asset>> {
        let tx = self.db.begin_write().map_err(db_error)?;
        let mut dropped = Vec::new();
        let previous = {
            let mut table = tx.open_table(ASSETS).map_err(db_error)?;
            if let Some(old) = remove_key {
                if let Some(v) = table.remove(old).map_err(db_error)? {
                    let removed: Asset = serde_json::from_slice(v.value()).map_err(db_error)?;
                    if removed.blob != asset.blob {
                        dropped.push(removed.blob);
                    }
                }
            }
            let bytes = serde_json::to_vec(asset).map_err(db_error)?;
            let previous = table
                .insert(asset.key().as_str(), bytes.as_slice())
                .map_err(db_error)?;
            previous
                .map(|v| serde_json::from_slice::<Asset>(v.value()))
                .transpose()
                .map_err(db_error)?
        };
        tx.commit().map_err(db_error)?;
        if let Some(p) = &previous {
            if p.blob != asset.blob {
                dropped.push(p.blob.clone());
            }
        }
        for blob in dropped {
            let _ = std::fs::remove_file(self.blob_path(&blob));
        }
        Ok(previous)
    }

    /// Reads the asset at `key` and stores what `decide` returns, in one write transaction (writers are
    /// serialised), so concurrent uploads to one public id cannot interleave. Returns the previous asset
    /// and the stored one (`None` when `decide` chose to keep what was there).
    pub fn upsert(
        &self,
        key: &str,
        decide: impl FnOnce(Option<&Asset>) -> ApiResult<Option<Asset>>,
    ) -> ApiResult<(Option<Asset>, Option<Asset>)> {
        let tx = self.db.begin_write().map_err(db_error)?;
        let (previous, stored) = {
            let mut table = tx.open_table(ASSETS).map_err(db_error)?;
            let previous: Option<Asset> = table
                .get(key)
                .map_err(db_error)?
                .map(|v| serde_json::from_slice(v.value()))
                .transpose()
                .map_err(db_error)?;
            let stored = decide(previous.as_ref())?;
            if let Some(asset) = &stored {
                let bytes = serde_json::to_vec(asset).map_err(db_error)?;
                table
                    .insert(asset.key().as_str(), bytes.as_slice())
                    .map_err(db_error)?;
            }
            (previous, stored)
        };
        tx.commit().map_err(db_error)?;
        if let (Some(p), Some(s)) = (&previous, &stored) {
            if p.blob != s.blob {
                let _ = std::fs::remove_file(self.blob_path(&p.blob));
            }
        }
        Ok((previous, stored))
    }

    /// Deletes an asset; its blob goes after the commit.
    pub fn remove(
        &self,
        resource_type: &str,
        kind: &str,
        public_id: &str,
    ) -> ApiResult<Option<Asset>> {
        let tx = self.db.begin_write().map_err(db_error)?;
        let removed = {
            let mut table = tx.open_table(ASSETS).map_err(db_error)?;
            let v = table
                .remove(index_key(resource_type, kind, public_id).as_str())
                .map_err(db_error)?;
            v.map(|v| serde_json::from_slice::<Asset>(v.value()))
                .transpose()
                .map_err(db_error)?
        };
        tx.commit().map_err(db_error)?;
        if let Some(asset) = &removed {
            let _ = std::fs::remove_file(self.blob_path(&asset.blob));
        }
        Ok(removed)
    }

    /// Assets of a resource type (and type, if given), in key order, after the key `after`.
    pub fn scan(
        &self,
        resource_type: &str,
        kind: Option<&str>,
        after: Option<&str>,
        mut keep: impl FnMut(&Asset) -> bool,
        limit: usize,
    ) -> ApiResult<Vec<Asset>> {
        let prefix = match kind {
            Some(k) => format!("{resource_type}\u{1}{k}\u{1}"),
            None => format!("{resource_type}\u{1}"),
        };
        let tx = self.db.begin_read().map_err(db_error)?;
        let table = tx.open_table(ASSETS).map_err(db_error)?;
        let start = after.map_or(prefix.clone(), str::to_owned);
        let mut out = Vec::new();
        for entry in table.range(start.as_str()..).map_err(db_error)? {
            let (k, v) = entry.map_err(db_error)?;
            let key = k.value();
            if !key.starts_with(&prefix) {
                break;
            }
            if Some(key) == after {
                continue;
            }
            let asset: Asset = serde_json::from_slice(v.value()).map_err(db_error)?;
            if keep(&asset) {
                out.push(asset);
                if out.len() >= limit {
                    break;
                }
            }
        }
        Ok(out)
    }

    /// Deletes blob files the index does not reference (left by a crash between rename and commit).
    fn sweep_unreferenced_blobs(&self) -> std::io::Result<()> {
        let tx = self.db.begin_read().map_err(std::io::Error::other)?;
        let table = tx.open_table(ASSETS).map_err(std::io::Error::other)?;
        let mut referenced = std::collections::HashSet::new();
        for entry in table.iter().map_err(std::io::Error::other)? {
            let (_, v) = entry.map_err(std::io::Error::other)?;
            if let Ok(asset) = serde_json::from_slice::<Asset>(v.value()) {
                referenced.insert(asset.blob);
            }
        }
        for entry in std::fs::read_dir(self.dir.join("blobs"))? {
            let entry = entry?;
            if !referenced.contains(entry.file_name().to_string_lossy().as_ref()) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
        Ok(())
    }
}
