//! `destroy`, `rename` and `explicit` (signed Upload API actions on existing assets).

use crate::app::{base_url, App};
use crate::auth::verify_signed;
use crate::clock::now_secs;
use crate::error::{ApiError, ApiResult};
use crate::request::{read_form, Form};
use crate::upload::{add_eager, check_public_id, parse_context, parse_eager};
use axum::extract::Request;
use serde_json::{json, Value as Json};
use std::sync::Arc;

pub(crate) async fn signed_form(app: &App, request: Request) -> ApiResult<Form> {
    let form = read_form(request, &app.store, app.settings.max_body_bytes, None).await?;
    verify_signed(&form, &app.settings, now_secs(), false)?;
    Ok(form)
}

pub(crate) fn required<'a>(form: &'a Form, name: &str) -> ApiResult<&'a str> {
    form.get_nonempty(name)
        .ok_or_else(|| ApiError::bad_request(format!("Missing required parameter - {name}")))
}

/// `destroy`: `{"result":"ok"}`, or `{"result":"not found"}`.
pub(crate) async fn destroy(
    app: Arc<App>,
    resource_type: &str,
    request: Request,
) -> ApiResult<Json> {
    let form = signed_form(&app, request).await?;
    let public_id = required(&form, "public_id")?.to_owned();
    let kind = form.get_nonempty("type").unwrap_or("upload").to_owned();
    let store = app.store.clone();
    let rt = resource_type.to_owned();
    let removed = tokio::task::spawn_blocking(move || store.remove(&rt, &kind, &public_id))
        .await
        .map_err(|e| ApiError::internal(e.to_string()))??;
    if let Some(asset) = &removed {
        app.forget_derived(&asset.blob);
    }
    Ok(json!({ "result": if removed.is_some() { "ok" } else { "not found" } }))
}

/// `rename`: moves an asset to a new public id (and type), keeping its content and version.
pub(crate) async fn rename(
    app: Arc<App>,
    resource_type: &str,
    request: Request,
) -> ApiResult<Json> {
    let headers = request.headers().clone();
    let form = signed_form(&app, request).await?;
    let from = required(&form, "from_public_id")?.to_owned();
    let to = required(&form, "to_public_id")?.to_owned();
    check_public_id(&to)?;
    let kind = form.get_nonempty("type").unwrap_or("upload").to_owned();
    let to_kind = form.get_nonempty("to_type").unwrap_or(&kind).to_owned();
    let overwrite = form.flag("overwrite", false);
    let existing = app
        .store
        .get(resource_type, &kind, &from)?
        .ok_or_else(|| ApiError::not_found(format!("Resource not found - {from}")))?;
    if (to != from || to_kind != kind)
        && app.store.get(resource_type, &to_kind, &to)?.is_some()
        && !overwrite
    {
        return Err(ApiError::bad_request(format!(
            "to_public_id {to} already exists"
        )));
    }
    let old_key = existing.key();
    let renamed = crate::asset::Asset {
        public_id: to,
        kind: to_kind,
        ..existing
    };
    let (store, asset) = (app.store.clone(), renamed.clone());
    tokio::task::spawn_blocking(move || store.put(&asset, Some(&old_key)))
        .await
        .map_err(|e| ApiError::internal(e.to_string()))??;
    Ok(renamed.to_json(
        &base_url(&headers),
        &app.settings.cloud_name,
        &app.settings.api_secret,
    ))
}

/// `explicit`: updates tags, context and eager transformations of an existing asset.
pub(crate) async fn explicit(
    app: Arc<App>,
    resource_type: &str,
    request: Request,
) -> ApiResult<Json> {
    let headers = request.headers().clone();
    let form = signed_form(&app, request).await?;
    let public_id = required(&form, "public_id")?.to_owned();
    let kind = form.get_nonempty("type").unwrap_or("upload").to_owned();
    let eager = form.get("eager").map(parse_eager).transpose()?;
    let tags = form.get("tags").map(|t| {
        t.split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect::<Vec<_>>()
    });
    let context = form.get("context").map(parse_context);
    let key = crate::asset::index_key(resource_type, &kind, &public_id);
    let store = app.store.clone();
    let (_, stored) = tokio::task::spawn_blocking(move || {
        store.upsert(&key, |previous| {
            let Some(p) = previous else {
                return Err(ApiError::not_found(format!(
                    "Resource not found - {public_id}"
                )));
            };
            let mut updated = p.clone();
            if let Some(e) = eager {
                for t in e {
                    if !updated.eager.contains(&t) {
                        updated.eager.push(t);
                    }
                }
            }
            if let Some(t) = tags {
                updated.tags = t;
            }
            if let Some(c) = context {
                updated.context = c;
            }
            Ok(Some(updated))
        })
    })
    .await
    .map_err(|e| ApiError::internal(e.to_string()))??;
    let asset = stored.ok_or_else(|| ApiError::internal("explicit stored nothing"))?;
    let base = base_url(&headers);
    let mut body = asset.to_json(&base, &app.settings.cloud_name, &app.settings.api_secret);
    add_eager(&mut body, &asset, &base, &app.settings.cloud_name);
    Ok(body)
}
