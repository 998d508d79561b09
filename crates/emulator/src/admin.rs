//! Admin API reads (and deletes) with HTTP Basic auth:
//! `GET /v1_1/<cloud>/resources/<rt>[/<type>[/<public_id>]]`, `GET .../resources/<rt>/tags/<tag>`,
//! `GET .../resources` (resource types), `DELETE /v1_1/<cloud>/resources/<rt>/<type>` by `public_ids[]` or
//! `prefix`, in the query or the body.

use crate::app::{base_url, App};
use crate::asset::Asset;
use crate::auth::verify_basic;
use crate::error::{ApiError, ApiResult};
use axum::http::{HeaderMap, Method};
use base64::Engine as _;
use serde_json::{json, Value as Json};
use std::sync::Arc;

fn query_pairs(query: Option<&str>) -> Vec<(String, String)> {
    query
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            let decode = |s: &str| {
                percent_encoding::percent_decode_str(&s.replace('+', " "))
                    .decode_utf8_lossy()
                    .into_owned()
            };
            (decode(k), decode(v))
        })
        .collect()
}

/// An Admin API request: its method, headers, query string and body (urlencoded or JSON).
pub(crate) struct Call<'a> {
    pub(crate) method: Method,
    pub(crate) headers: HeaderMap,
    pub(crate) query: Option<&'a str>,
    pub(crate) body: &'a str,
}

/// The parameters of a JSON body, as `name` / `name[]` pairs.
fn json_pairs(body: &str) -> Vec<(String, String)> {
    let Ok(Json::Object(map)) = serde_json::from_str::<Json>(body) else {
        return Vec::new();
    };
    let text = |v: &Json| match v {
        Json::String(s) => s.clone(),
        other => other.to_string(),
    };
    map.iter()
        .flat_map(|(k, v)| match v {
            Json::Array(items) => items.iter().map(|i| (format!("{k}[]"), text(i))).collect(),
            other => vec![(k.clone(), text(other))],
        })
        .collect()
}

/// Admin API calls allowed per hour (Cloudinary's free plan).
const RATE_LIMIT: u64 = 500;

/// Admin API calls in the current hour: `(hour, count)`, counted for the rate-limit headers (the
/// emulator does not refuse beyond the limit).
static CALLS: std::sync::Mutex<(i64, u64)> = std::sync::Mutex::new((0, 0));

/// Cloudinary's `X-FeatureRateLimit-*` headers (the SDK returns them as `rate_limit_allowed`,
/// `rate_limit_remaining` and `rate_limit_reset_at`): calls left in this hour, reset at the next.
pub(crate) fn rate_limit_headers(headers: &mut HeaderMap) {
    let hour = crate::clock::now_secs().div_euclid(3600);
    let used = {
        let mut calls = CALLS
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if calls.0 != hour {
            *calls = (hour, 0);
        }
        calls.1 += 1;
        calls.1
    };
    let reset = http_date((hour + 1) * 3600);
    for (name, value) in [
        ("x-featureratelimit-limit", RATE_LIMIT.to_string()),
        (
            "x-featureratelimit-remaining",
            RATE_LIMIT.saturating_sub(used).to_string(),
        ),
        ("x-featureratelimit-reset", reset),
    ] {
        if let Ok(v) = value.parse() {
            headers.insert(name, v);
        }
    }
}

/// `Wed, 04 Dec 2019 16:00:00 GMT` for Unix seconds.
fn http_date(secs: i64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let iso = crate::clock::iso8601(secs); // YYYY-MM-DDTHH:MM:SSZ
    let month = iso[5..7].parse::<usize>().unwrap_or(1).clamp(1, 12);
    let day = DAYS[secs.div_euclid(86_400).rem_euclid(7) as usize];
    format!(
        "{day}, {} {} {} {} GMT",
        &iso[8..10],
        MONTHS[month - 1],
        &iso[..4],
        &iso[11..19]
    )
}

/// `GET resources`: the resource types the account has assets of.
pub(crate) fn resource_types(app: &App, headers: &HeaderMap) -> ApiResult<Json> {
    verify_basic(
        headers.get("authorization").and_then(|v| v.to_str().ok()),
        &app.settings,
    )?;
    let mut types = Vec::new();
    for rt in crate::asset::RESOURCE_TYPES {
        if !app.store.scan(rt, None, None, |_| true, 1)?.is_empty() {
            types.push(rt);
        }
    }
    Ok(json!({ "resource_types": types }))
}

/// A call's parameters: its query string, then its body (urlencoded or JSON).
fn params(headers: &HeaderMap, query: Option<&str>, body: &str) -> Vec<(String, String)> {
    let mut pairs = query_pairs(query);
    let json_body = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("application/json"));
    pairs.extend(if json_body {
        json_pairs(body)
    } else {
        query_pairs(Some(body))
    });
    pairs
}

/// Handles an Admin API request; `rest` is the path after `resources/`, still percent-encoded.
pub(crate) async fn resources(app: Arc<App>, rest: &str, call: Call<'_>) -> ApiResult<Json> {
    let Call {
        method,
        headers,
        query,
        body,
    } = call;
    verify_basic(
        headers.get("authorization").and_then(|v| v.to_str().ok()),
        &app.settings,
    )?;
    let segments: Vec<String> = rest
        .split('/')
        .map(|s| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        })
        .collect();
    let query = params(&headers, query, body);
    let base = base_url(&headers);
    let fields = query
        .iter()
        .find(|(k, _)| k == "fields")
        .map(|(_, v)| v.clone());
    let render =
        |a: &Asset| crate::admin_listing::only_fields(app_json(&app, a, &base), fields.as_deref());
    if rest.starts_with("folders") && segments.first().is_some_and(|f| f == "folders") {
        return crate::folders::route(&app, &method, &segments[1..].join("/"));
    }
    if rest.starts_with("tags/") {
        return match (method, segments.as_slice()) {
            (Method::GET, [_, rt]) => crate::admin_update::tags(&app, rt, &query),
            _ => Err(ApiError::not_found("Unknown Admin API path")),
        };
    }
    if method == Method::GET {
        read(&app, &segments, &query, &render)
    } else {
        write(&app, &method, &segments, &query, &render)
    }
}

/// The Admin API's reads.
fn read(
    app: &App,
    segments: &[String],
    query: &[(String, String)],
    render: &dyn Fn(&Asset) -> Json,
) -> ApiResult<Json> {
    match segments {
        [by] if by == "by_asset_ids" => crate::admin_listing::by_asset_ids(app, query, render),
        [rt] => list(app, (rt, None), &|_| true, query, render),
        [rt, tags, tag] if tags == "tags" => list(
            app,
            (rt, None),
            &|a| a.tags.iter().any(|x| x == tag),
            query,
            render,
        ),
        [rt, context] if context == "context" => {
            let only = crate::admin_listing::context_filter(query)?;
            list(app, (rt, None), &only, query, render)
        }
        [rt, kind] => list(app, (rt, Some(kind.as_str())), &|_| true, query, render),
        [rt, kind, id @ ..] => {
            let public_id = id.join("/");
            let asset = app
                .store
                .get(rt, kind, &public_id)?
                .ok_or_else(|| ApiError::not_found(format!("Resource not found - {public_id}")))?;
            let mut body = render(&asset);
            body["derived"] = json!([]);
            Ok(body)
        }
        _ => Err(ApiError::not_found("Unknown Admin API path")),
    }
}

/// The Admin API's writes (POST and DELETE).
fn write(
    app: &App,
    method: &Method,
    segments: &[String],
    query: &[(String, String)],
    render: &dyn Fn(&Asset) -> Json,
) -> ApiResult<Json> {
    match (method, segments) {
        (&Method::POST, [rt, publish]) if publish == "publish_resources" => {
            crate::access::publish(app, rt, query, render)
        }
        (&Method::POST, [rt, kind, action]) if action == "update_access_mode" => {
            crate::access::update_access_mode(app, (rt, kind), query)
        }
        (&Method::POST, [rt, kind, id @ ..]) if !id.is_empty() => {
            let asset = crate::admin_update::update(app, (rt, kind, &id.join("/")), query)?;
            Ok(render(&asset))
        }
        (&Method::DELETE, [all]) if all.is_empty() => {
            crate::admin_listing::delete_by_asset_ids(app, query)
        }
        (&Method::DELETE, [rt, kind]) => delete_resources(app, rt, kind, query),
        (&Method::DELETE, [rt, tags, tag]) if tags == "tags" => delete_by_tag(app, rt, tag, query),
        _ => Err(ApiError::not_found("Unknown Admin API path")),
    }
}

/// `DELETE resources/<rt>/tags/<tag>`: every asset of that type with the tag (at most 1000 a call).
fn delete_by_tag(app: &App, rt: &str, tag: &str, query: &[(String, String)]) -> ApiResult<Json> {
    let kind = query
        .iter()
        .find(|(k, _)| k == "type")
        .map_or("upload", |(_, v)| v.as_str());
    let tagged = app.store.scan(
        rt,
        Some(kind),
        None,
        |a| a.tags.iter().any(|t| t == tag),
        1000,
    )?;
    delete_assets(
        app,
        tagged
            .into_iter()
            .map(|a| (rt, kind, a.public_id))
            .collect(),
    )
}

/// `DELETE resources/<rt>/<type>` by `public_ids[]` or `prefix`.
fn delete_resources(
    app: &App,
    rt: &str,
    kind: &str,
    query: &[(String, String)],
) -> ApiResult<Json> {
    let param = |k: &str| {
        query
            .iter()
            .find(|(name, _)| name == k)
            .map(|(_, v)| v.as_str())
    };
    let ids: Vec<String> = query
        .iter()
        .filter(|(k, _)| k == "public_ids[]" || k == "public_ids")
        .map(|(_, v)| v.clone())
        .collect();
    let prefix = param("prefix").map(str::to_owned);
    let targets: Vec<String> = match (ids.is_empty(), prefix) {
        (false, _) => ids,
        (true, Some(prefix)) => app
            .store
            .scan(
                rt,
                Some(kind),
                None,
                |a| a.public_id.starts_with(&prefix),
                1000,
            )?
            .into_iter()
            .map(|a| a.public_id)
            .collect(),
        (true, None) => {
            return Err(ApiError::bad_request(
                "Missing required parameter - public_ids or prefix",
            ))
        }
    };
    delete_assets(app, targets.into_iter().map(|id| (rt, kind, id)).collect())
}

/// Deletes assets: `{ deleted: { public_id: "deleted" | "not_found" }, partial: false }`.
pub(crate) fn delete_assets(app: &App, targets: Vec<(&str, &str, String)>) -> ApiResult<Json> {
    let mut deleted = serde_json::Map::new();
    for (rt, kind, id) in targets {
        let removed = app.store.remove(rt, kind, &id)?;
        if let Some(a) = &removed {
            app.forget_derived(&a.blob);
        }
        deleted.insert(
            id,
            json!(if removed.is_some() {
                "deleted"
            } else {
                "not_found"
            }),
        );
    }
    Ok(json!({ "deleted": deleted, "partial": false }))
}

fn app_json(app: &App, asset: &Asset, base: &str) -> Json {
    let mut body = asset.to_json(base, &app.settings.cloud_name, &app.settings.api_secret);
    if let Some(obj) = body.as_object_mut() {
        obj.remove("signature");
        obj.remove("original_filename");
    }
    body
}

fn list(
    app: &App,
    (rt, kind): (&str, Option<&str>),
    only: &dyn Fn(&Asset) -> bool,
    query: &[(String, String)],
    render: &dyn Fn(&Asset) -> Json,
) -> ApiResult<Json> {
    let param = |k: &str| {
        query
            .iter()
            .find(|(name, _)| name == k)
            .map(|(_, v)| v.as_str())
    };
    let kind = kind.or(param("type"));
    let ids: Vec<&str> = query
        .iter()
        .filter(|(k, _)| k == "public_ids[]" || k == "public_ids")
        .map(|(_, v)| v.as_str())
        .collect();
    if !ids.is_empty() {
        // "Get resources by public ids": the ones that exist, at most 100 asked at once.
        if ids.len() > 100 {
            return Err(ApiError::bad_request(
                "Too many public_ids (the limit is 100)",
            ));
        }
        let mut found = Vec::new();
        for id in ids {
            if let Some(a) = app.store.get(rt, kind.unwrap_or("upload"), id)? {
                found.push(render(&a));
            }
        }
        return Ok(json!({ "resources": found }));
    }
    let max = param("max_results")
        .and_then(|m| m.parse::<usize>().ok())
        .unwrap_or(10)
        .clamp(1, 500);
    let prefix = param("prefix").unwrap_or_default().to_owned();
    if let (Some(direction), true) = (param("direction"), prefix.is_empty()) {
        return crate::admin_listing::by_date(
            app,
            (rt, kind),
            only,
            (direction, max, param("next_cursor")),
            render,
        );
    }
    let after = match param("next_cursor") {
        Some(c) => Some(
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(c)
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .ok_or_else(|| ApiError::bad_request("Invalid next_cursor"))?,
        ),
        None => None,
    };
    let mut page = app.store.scan(
        rt,
        kind,
        after.as_deref(),
        |a| a.public_id.starts_with(&prefix) && only(a),
        max + 1,
    )?;
    let more = page.len() > max;
    page.truncate(max);
    let mut body = json!({ "resources": page.iter().map(render).collect::<Vec<_>>() });
    if more {
        if let Some(last) = page.last() {
            body["next_cursor"] =
                json!(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(last.key()));
        }
    }
    Ok(body)
}
