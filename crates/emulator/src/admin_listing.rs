//! Admin API listings beyond prefix and tag: `fields`, `direction` (by creation date),
//! `resources/by_asset_ids` and `resources/<rt>/context?key=&value=`.

use crate::app::App;
use crate::asset::Asset;
use crate::error::{ApiError, ApiResult};
use base64::Engine as _;
use serde_json::{json, Value as Json};

/// Fields every resource keeps when `fields` narrows them (as Cloudinary answers).
const ALWAYS: &[&str] = &["asset_id", "public_id", "resource_type", "type"];
/// Most assets a date-ordered listing reads (its work stays bounded).
const MAX_SCANNED: usize = 100_000;

/// A resource narrowed to `fields` (comma-separated) plus [`ALWAYS`]; unchanged without `fields`.
pub(crate) fn only_fields(resource: Json, fields: Option<&str>) -> Json {
    let (Some(fields), Json::Object(map)) = (fields, &resource) else {
        return resource;
    };
    let wanted: Vec<&str> = fields
        .split(',')
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .collect();
    Json::Object(
        map.iter()
            .filter(|(k, _)| ALWAYS.contains(&k.as_str()) || wanted.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    )
}

/// The assets named by `asset_ids[]` (1 to 100), of any resource type, with the ids asked for.
fn by_asset_id_param<'q>(
    app: &App,
    query: &'q [(String, String)],
) -> ApiResult<(Vec<&'q str>, Vec<Asset>)> {
    let ids: Vec<&str> = query
        .iter()
        .filter(|(k, _)| k == "asset_ids[]" || k == "asset_ids")
        .map(|(_, v)| v.as_str())
        .collect();
    if ids.is_empty() {
        return Err(ApiError::bad_request(
            "Missing required parameter - asset_ids",
        ));
    }
    if ids.len() > 100 {
        return Err(ApiError::bad_request(
            "Too many asset_ids (the limit is 100)",
        ));
    }
    let mut found = Vec::new();
    for rt in crate::asset::RESOURCE_TYPES {
        found.extend(app.store.scan(
            rt,
            None,
            None,
            |a| ids.contains(&a.asset_id.as_str()),
            ids.len(),
        )?);
    }
    Ok((ids, found))
}

/// `resources/by_asset_ids?asset_ids[]=...`: the assets with those ids (at most 100), of any type.
pub(crate) fn by_asset_ids(
    app: &App,
    query: &[(String, String)],
    render: &dyn Fn(&Asset) -> Json,
) -> ApiResult<Json> {
    let (_, found) = by_asset_id_param(app, query)?;
    Ok(json!({ "resources": found.iter().map(render).collect::<Vec<_>>() }))
}

/// The filter of `resources/<rt>/context`: assets whose context has `key` (with `value`, if given).
pub(crate) fn context_filter(query: &[(String, String)]) -> ApiResult<impl Fn(&Asset) -> bool> {
    let param = |k: &str| query.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let key = param("key")
        .filter(|k| !k.is_empty())
        .ok_or_else(|| ApiError::bad_request("Missing required parameter - key"))?;
    let value = param("value");
    Ok(move |a: &Asset| {
        a.context
            .iter()
            .any(|(k, v)| *k == key && value.as_ref().is_none_or(|want| want == v))
    })
}

/// A listing ordered by creation date (`direction`: `desc`/`-1`, the default, or `asc`/`1`), then
/// public id; its cursor is the offset of the next page.
pub(crate) fn by_date(
    app: &App,
    (rt, kind): (&str, Option<&str>),
    only: &dyn Fn(&Asset) -> bool,
    (direction, max, cursor): (&str, usize, Option<&str>),
    render: &dyn Fn(&Asset) -> Json,
) -> ApiResult<Json> {
    let ascending = match direction {
        "asc" | "1" => true,
        "desc" | "-1" => false,
        other => return Err(ApiError::bad_request(format!("Invalid direction: {other}"))),
    };
    let offset = match cursor {
        None => 0,
        Some(c) => base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(c)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .and_then(|s| {
                s.strip_prefix("offset:")
                    .and_then(|n| n.parse::<usize>().ok())
            })
            .ok_or_else(|| ApiError::bad_request("Invalid next_cursor"))?,
    };
    let mut all = app.store.scan(rt, kind, None, only, MAX_SCANNED)?;
    all.sort_by(|a, b| (a.created_at, &a.public_id).cmp(&(b.created_at, &b.public_id)));
    if !ascending {
        all.reverse();
    }
    let page: Vec<Json> = all.iter().skip(offset).take(max).map(render).collect();
    let mut body = json!({ "resources": page });
    if all.len() > offset + max {
        body["next_cursor"] = json!(base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(format!("offset:{}", offset + max)));
    }
    Ok(body)
}

/// `DELETE resources` with `asset_ids[]`: the assets with those ids, of any type (at most 100); answered
/// by asset id.
pub(crate) fn delete_by_asset_ids(app: &App, query: &[(String, String)]) -> ApiResult<Json> {
    let (ids, found) = by_asset_id_param(app, query)?;
    let mut deleted = serde_json::Map::new();
    for a in found {
        crate::admin::delete_assets(
            app,
            vec![(
                a.resource_type.as_str(),
                a.kind.as_str(),
                a.public_id.clone(),
            )],
        )?;
        deleted.insert(a.asset_id.clone(), json!("deleted"));
    }
    for id in ids {
        deleted.entry(id.to_owned()).or_insert(json!("not_found"));
    }
    Ok(json!({ "deleted": deleted, "partial": false }))
}
