//! Admin API writes beyond deletes: `POST resources/<rt>/<type>/<public_id>` (the SDK's `update`), and
//! `GET tags/<rt>` (the SDK's `tags`); plus the answer for add-ons an emulator does not run.

use crate::app::App;
use crate::asset::{index_key, Asset};
use crate::error::{ApiError, ApiResult};
use serde_json::{json, Value as Json};

/// Parameters that ask for a Cloudinary add-on (AI analysis, moderation, conversion): refused as
/// Cloudinary refuses them on an account without the add-on, never silently ignored.
const ADDONS: &[&str] = &[
    "auto_tagging",
    "background_removal",
    "categorization",
    "detection",
    "ocr",
    "raw_convert",
    "auto_chaptering",
    "auto_transcription",
];

/// Refuses a request that asks for an add-on (`value` reads a parameter).
pub(crate) fn refuse_addons<'a>(value: impl Fn(&str) -> Option<&'a str>) -> ApiResult<()> {
    for name in ADDONS {
        if value(name).is_some_and(|v| !v.is_empty()) {
            return Err(ApiError::bad_request(format!(
                "{name}: the add-on is not enabled for this account (the emulator runs no add-ons)"
            )));
        }
    }
    Ok(())
}

/// `update`: replaces tags, context and access_control of one asset; returns it as a resource.
pub(crate) fn update(
    app: &App,
    (rt, kind, public_id): (&str, &str, &str),
    params: &[(String, String)],
) -> ApiResult<Asset> {
    let param = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    refuse_addons(param)?;
    let tags = param("tags").map(|t| {
        t.split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect::<Vec<_>>()
    });
    let context = param("context").map(crate::upload::parse_context);
    let access_control = match param("access_control") {
        None => None,
        Some(text) => Some(match serde_json::from_str::<Json>(text) {
            Ok(list @ Json::Array(_)) => list,
            Ok(rule @ Json::Object(_)) => Json::Array(vec![rule]),
            _ => return Err(ApiError::bad_request("Invalid access_control")),
        }),
    };
    let (_, stored) = app
        .store
        .upsert(&index_key(rt, kind, public_id), |previous| {
            let Some(p) = previous else {
                return Err(ApiError::not_found(format!(
                    "Resource not found - {public_id}"
                )));
            };
            let mut asset = p.clone();
            if let Some(t) = tags {
                asset.tags = t;
            }
            if let Some(c) = context {
                asset.context = c;
            }
            if access_control.is_some() {
                asset.access_control = access_control;
            }
            Ok(Some(asset))
        })?;
    stored.ok_or_else(|| ApiError::internal("update stored nothing"))
}

/// `GET tags/<rt>`: the account's tags of that resource type, sorted, with `prefix`, `max_results` and
/// `next_cursor` (the last tag of the previous page).
pub(crate) fn tags(app: &App, rt: &str, params: &[(String, String)]) -> ApiResult<Json> {
    let param = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let prefix = param("prefix").unwrap_or_default();
    let after = param("next_cursor");
    let max = param("max_results")
        .and_then(|m| m.parse::<usize>().ok())
        .unwrap_or(10)
        .clamp(1, 500);
    let mut all = std::collections::BTreeSet::new();
    // Bounded work: the emulator's listings read at most this many assets.
    for asset in app.store.scan(rt, None, None, |_| true, 100_000)? {
        for t in asset.tags {
            if t.starts_with(prefix) && after.is_none_or(|a| t.as_str() > a) {
                all.insert(t);
            }
        }
    }
    let page: Vec<String> = all.iter().take(max).cloned().collect();
    let mut body = json!({ "tags": page });
    if all.len() > max {
        body["next_cursor"] = json!(page.last());
    }
    Ok(body)
}
