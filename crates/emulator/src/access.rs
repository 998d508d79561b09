//! Changing who may see assets: `resources/<rt>/<type>/update_access_mode` and
//! `resources/<rt>/publish_resources`, by `public_ids[]`, `prefix` or `tag` (at most 100 assets a call).

use crate::app::App;
use crate::asset::Asset;
use crate::error::{ApiError, ApiResult};
use serde_json::{json, Value as Json};

/// Most assets one call changes.
const MAX_ASSETS: usize = 100;

/// The assets a call names, by `public_ids[]`, `prefix` or `tag`.
fn targets(
    app: &App,
    (rt, kind): (&str, &str),
    query: &[(String, String)],
) -> ApiResult<Vec<Asset>> {
    let param = |k: &str| query.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let ids: Vec<&str> = query
        .iter()
        .filter(|(k, _)| k == "public_ids[]" || k == "public_ids")
        .flat_map(|(_, v)| v.split(','))
        .filter(|id| !id.is_empty())
        .collect();
    if !ids.is_empty() {
        let mut found = Vec::new();
        for id in ids.iter().take(MAX_ASSETS) {
            found.extend(app.store.get(rt, kind, id)?);
        }
        return Ok(found);
    }
    if let Some(prefix) = param("prefix") {
        return app.store.scan(
            rt,
            Some(kind),
            None,
            |a| a.public_id.starts_with(prefix),
            MAX_ASSETS,
        );
    }
    if let Some(tag) = param("tag") {
        return app.store.scan(
            rt,
            Some(kind),
            None,
            |a| a.tags.iter().any(|t| t == tag),
            MAX_ASSETS,
        );
    }
    Err(ApiError::bad_request(
        "Must supply either public_ids, prefix or tag",
    ))
}

/// Sets `access_mode` on each asset; the stored assets.
fn set_mode(app: &App, assets: Vec<Asset>, mode: &str) -> ApiResult<Vec<Asset>> {
    let mut done = Vec::new();
    for asset in assets {
        let (_, stored) = app.store.upsert(&asset.key(), |previous| {
            Ok(previous.map(|p| Asset {
                access_mode: mode.to_owned(),
                ..p.clone()
            }))
        })?;
        done.extend(stored);
    }
    Ok(done)
}

/// `update_access_mode`: `{ updated: [{ public_id, access_mode }], failed: [] }`.
pub(crate) fn update_access_mode(
    app: &App,
    (rt, kind): (&str, &str),
    query: &[(String, String)],
) -> ApiResult<Json> {
    let mode = query
        .iter()
        .find(|(k, _)| k == "access_mode")
        .map(|(_, v)| v.as_str())
        .ok_or_else(|| ApiError::bad_request("Missing required parameter - access_mode"))?;
    if !["public", "authenticated"].contains(&mode) {
        return Err(ApiError::bad_request(format!(
            "Invalid access_mode: {mode}"
        )));
    }
    let updated = set_mode(app, targets(app, (rt, kind), query)?, mode)?;
    let updated: Vec<Json> = updated
        .iter()
        .map(|a| json!({ "public_id": a.public_id, "access_mode": a.access_mode }))
        .collect();
    Ok(json!({ "updated": updated, "failed": [] }))
}

/// `publish_resources`: makes the assets public (`access_mode: public`); `{ published: [...], failed: [] }`.
pub(crate) fn publish(
    app: &App,
    rt: &str,
    query: &[(String, String)],
    render: &dyn Fn(&Asset) -> Json,
) -> ApiResult<Json> {
    let kind = query
        .iter()
        .find(|(k, _)| k == "type")
        .map_or("upload", |(_, v)| v.as_str());
    let published = set_mode(app, targets(app, (rt, kind), query)?, "public")?;
    Ok(json!({ "published": published.iter().map(render).collect::<Vec<_>>(), "failed": [] }))
}
