//! Folders (`GET folders`, `GET|POST|DELETE folders/<path>`): the folders of the assets' public ids plus
//! the ones created empty (kept in `<data>/folders.json`). A folder with assets under it is not deleted.

use crate::app::App;
use crate::error::{ApiError, ApiResult};
use serde_json::{json, Value as Json};
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Mutex;

/// Serialises changes of the created-folders file.
static CREATED: Mutex<()> = Mutex::new(());
/// Most assets read to learn the folders (the work stays bounded).
const MAX_SCANNED: usize = 100_000;

fn created_file(app: &App) -> PathBuf {
    app.store.dir().join("folders.json")
}

fn read_created(app: &App) -> BTreeSet<String> {
    std::fs::read(created_file(app))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

fn write_created(app: &App, set: &BTreeSet<String>) -> ApiResult<()> {
    let tmp = created_file(app).with_extension("tmp");
    std::fs::write(&tmp, serde_json::to_vec(set).unwrap_or_default())?;
    std::fs::rename(tmp, created_file(app))?;
    Ok(())
}

/// Every folder and the folders above it.
fn with_parents(path: &str, into: &mut BTreeSet<String>) {
    for (i, c) in path.char_indices() {
        if c == '/' {
            into.insert(path[..i].to_owned());
        }
    }
    into.insert(path.to_owned());
}

/// All folders: those of the assets' public ids, and the created ones.
fn all(app: &App) -> ApiResult<BTreeSet<String>> {
    let mut set = BTreeSet::new();
    for rt in crate::asset::RESOURCE_TYPES {
        for a in app
            .store
            .scan(rt, None, None, |a| a.public_id.contains('/'), MAX_SCANNED)?
        {
            if let Some((folder, _)) = a.public_id.rsplit_once('/') {
                with_parents(folder, &mut set);
            }
        }
    }
    for f in read_created(app) {
        with_parents(&f, &mut set);
    }
    Ok(set)
}

fn listing(children: Vec<&String>) -> Json {
    let folders: Vec<Json> = children
        .iter()
        .map(|p| json!({ "name": p.rsplit('/').next().unwrap_or(p.as_str()), "path": p }))
        .collect();
    json!({ "folders": folders, "next_cursor": null, "total_count": children.len() })
}

/// Dispatches `folders[/<path>]` by method.
pub(crate) fn route(app: &App, method: &axum::http::Method, path: &str) -> ApiResult<Json> {
    use axum::http::Method;
    match (method, path.is_empty()) {
        (&Method::GET, true) => root(app),
        (&Method::GET, false) => sub(app, path),
        (&Method::POST, false) => create(app, path),
        (&Method::DELETE, false) => delete(app, path),
        _ => Err(ApiError::not_found("Unknown Admin API path")),
    }
}

/// `GET folders`.
fn root(app: &App) -> ApiResult<Json> {
    let all = all(app)?;
    Ok(listing(all.iter().filter(|f| !f.contains('/')).collect()))
}

/// `GET folders/<path>`: its direct subfolders; 404 for a folder that does not exist.
fn sub(app: &App, path: &str) -> ApiResult<Json> {
    let all = all(app)?;
    if !all.contains(path) {
        return Err(ApiError::not_found(format!(
            "Can't find folder with path {path}"
        )));
    }
    let inside = format!("{path}/");
    Ok(listing(
        all.iter()
            .filter(|f| {
                f.strip_prefix(&inside)
                    .is_some_and(|rest| !rest.contains('/'))
            })
            .collect(),
    ))
}

/// `POST folders/<path>`: creates it (and the folders above it).
fn create(app: &App, path: &str) -> ApiResult<Json> {
    if path.is_empty()
        || path.len() > 255
        || path
            .split('/')
            .any(|s| s.is_empty() || s == "." || s == "..")
        || path.contains('\\')
    {
        return Err(ApiError::bad_request(format!(
            "Invalid folder path: {path}"
        )));
    }
    let _guard = CREATED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut created = read_created(app);
    created.insert(path.to_owned());
    write_created(app, &created)?;
    Ok(json!({ "success": true, "path": path, "name": path.rsplit('/').next().unwrap_or(path) }))
}

/// `DELETE folders/<path>`: deletes an empty folder and its (empty) subfolders.
fn delete(app: &App, path: &str) -> ApiResult<Json> {
    let all = all(app)?;
    if !all.contains(path) {
        return Err(ApiError::not_found(format!(
            "Can't find folder with path {path}"
        )));
    }
    let inside = format!("{path}/");
    for rt in crate::asset::RESOURCE_TYPES {
        if !app
            .store
            .scan(rt, None, None, |a| a.public_id.starts_with(&inside), 1)?
            .is_empty()
        {
            return Err(ApiError::bad_request("Folder is not empty"));
        }
    }
    let _guard = CREATED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut created = read_created(app);
    let deleted: Vec<String> = all
        .into_iter()
        .filter(|f| f == path || f.starts_with(&inside))
        .collect();
    created.retain(|f| !deleted.contains(f));
    // A parent created only by this path stays: it was asked for as a folder of its own.
    write_created(app, &created)?;
    Ok(json!({ "deleted": deleted }))
}
