//! The Upload API's `tags` and `context` actions (the SDK's `add_tag`, `remove_tag`, `replace_tag`,
//! `remove_all_tags`, `add_context`, `remove_all_context`): signed, on up to 1,000 public ids of one
//! resource type and type; the answer lists the public ids that exist, as Cloudinary's does.

use crate::app::App;
use crate::asset::{index_key, Asset};
use crate::error::{ApiError, ApiResult};
use crate::manage::{required, signed_form};
use crate::request::Form;
use crate::upload::parse_context;
use axum::extract::Request;
use serde_json::{json, Value as Json};
use std::sync::Arc;

/// Most public ids in one call (Cloudinary's limit).
const MAX_PUBLIC_IDS: usize = 1000;
/// Most tags an asset may carry (Cloudinary's limit).
const MAX_TAGS: usize = 1000;

/// What a `tags` command does to one asset's tags.
type TagChange = Box<dyn Fn(&mut Vec<String>) + Send + Sync>;

/// `tags`: `command` is `add`, `remove`, `replace`, `remove_all` or `set_exclusive`.
pub(crate) async fn tags(app: Arc<App>, resource_type: &str, request: Request) -> ApiResult<Json> {
    let form = signed_form(&app, request).await?;
    let command = required(&form, "command")?.to_owned();
    let given: Vec<String> = form
        .get_nonempty("tag")
        .map(|t| {
            t.split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    if command != "remove_all" && given.is_empty() {
        return Err(ApiError::bad_request("Missing required parameter - tag"));
    }
    let change: TagChange = match command.as_str() {
        "add" | "set_exclusive" => Box::new(move |tags| {
            for t in &given {
                if !tags.contains(t) {
                    tags.push(t.clone());
                }
            }
        }),
        "remove" => Box::new(move |tags| tags.retain(|t| !given.contains(t))),
        "replace" => Box::new(move |tags| *tags = given.clone()),
        "remove_all" => Box::new(|tags| tags.clear()),
        other => return Err(ApiError::bad_request(format!("Invalid command: {other}"))),
    };
    if command == "set_exclusive" {
        // The tag leaves every other asset of this resource type first.
        let tag = form
            .get_nonempty("tag")
            .unwrap_or_default()
            .trim()
            .to_owned();
        let listed = ids(&form)?;
        let holders = app.store.scan(
            resource_type,
            None,
            None,
            |a| a.tags.contains(&tag) && !listed.contains(&a.public_id),
            usize::MAX,
        )?;
        for holder in holders {
            let tag = tag.clone();
            update(&app, &holder.key(), move |a| {
                a.tags.retain(|t| *t != tag);
                Ok(())
            })
            .await?;
        }
    }
    let updated = each(&app, resource_type, &form, move |a| {
        change(&mut a.tags);
        if a.tags.len() > MAX_TAGS {
            return Err(ApiError::bad_request(
                "Too many tags: an asset may have 1000",
            ));
        }
        Ok(())
    })
    .await?;
    Ok(json!({ "public_ids": updated }))
}

/// `context`: `command` is `add` (key=value pairs merged in) or `remove_all`.
pub(crate) async fn context(
    app: Arc<App>,
    resource_type: &str,
    request: Request,
) -> ApiResult<Json> {
    let form = signed_form(&app, request).await?;
    let command = required(&form, "command")?.to_owned();
    let pairs = match command.as_str() {
        "add" => parse_context(required(&form, "context")?),
        "remove_all" => Vec::new(),
        other => return Err(ApiError::bad_request(format!("Invalid command: {other}"))),
    };
    let updated = each(&app, resource_type, &form, move |a| {
        if pairs.is_empty() {
            a.context.clear();
        }
        for (k, v) in &pairs {
            match a.context.iter_mut().find(|(key, _)| key == k) {
                Some(existing) => existing.1 = v.clone(),
                None => a.context.push((k.clone(), v.clone())),
            }
        }
        Ok(())
    })
    .await?;
    Ok(json!({ "public_ids": updated }))
}

/// The `public_ids` of a request (repeated `public_ids[]` fields arrive joined with `,`).
fn ids(form: &Form) -> ApiResult<Vec<String>> {
    let ids: Vec<String> = required(form, "public_ids")?
        .split(',')
        .filter(|id| !id.is_empty())
        .map(str::to_owned)
        .collect();
    if ids.len() > MAX_PUBLIC_IDS {
        return Err(ApiError::bad_request(
            "Too many public_ids (the limit is 1000)",
        ));
    }
    Ok(ids)
}

/// Applies `change` to every listed asset that exists; returns their public ids.
async fn each(
    app: &Arc<App>,
    resource_type: &str,
    form: &Form,
    change: impl Fn(&mut Asset) -> ApiResult<()> + Send + Sync + 'static,
) -> ApiResult<Vec<String>> {
    let kind = form.get_nonempty("type").unwrap_or("upload").to_owned();
    let change = Arc::new(change);
    let mut updated = Vec::new();
    for id in ids(form)? {
        let change = change.clone();
        let key = index_key(resource_type, &kind, &id);
        if update(app, &key, move |a| change(a)).await? {
            updated.push(id);
        }
    }
    Ok(updated)
}

/// Changes the asset at `key` in one write transaction; whether it existed.
async fn update(
    app: &Arc<App>,
    key: &str,
    change: impl FnOnce(&mut Asset) -> ApiResult<()> + Send + 'static,
) -> ApiResult<bool> {
    let (store, key) = (app.store.clone(), key.to_owned());
    let (previous, _) = tokio::task::spawn_blocking(move || {
        store.upsert(&key, |previous| match previous {
            None => Ok(None),
            Some(p) => {
                let mut asset = p.clone();
                change(&mut asset)?;
                Ok(Some(asset))
            }
        })
    })
    .await
    .map_err(|e| ApiError::internal(e.to_string()))??;
    Ok(previous.is_some())
}
