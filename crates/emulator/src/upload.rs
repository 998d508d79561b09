//! `POST /v1_1/<cloud>/<resource_type>/upload`: plain and chunked uploads.

use crate::app::{base_url, App};
use crate::asset::Asset;
use crate::auth::verify_signed;
use crate::chunks::parse_content_range;
use crate::clock::{now_secs, random_hex32, random_id};
use crate::error::{ApiError, ApiResult};
use crate::request::{file_from_text, read_form, FilePart, Form};
use axum::extract::Request;
use axum::http::HeaderMap;
use serde_json::{json, Value as Json};
use std::sync::Arc;

/// Handles an upload request (one chunk of a chunked upload, or a whole file).
pub(crate) async fn upload(
    app: Arc<App>,
    resource_type: &str,
    request: Request,
) -> ApiResult<Json> {
    let headers = request.headers().clone();
    let authorize = |form: &Form| {
        verify_signed(form, &app.settings, now_secs(), true)?;
        check_unsigned(form, &app.settings)
    };
    let mut form = read_form(
        request,
        &app.store,
        app.settings.max_body_bytes,
        Some(&authorize),
    )
    .await?;
    authorize(&form)?;
    let file = match (form.file.take(), &form.file_text) {
        (Some(file), _) => file,
        (None, Some(text)) => file_from_text(text, &app.store).await?,
        (None, None) => return Err(ApiError::bad_request("Missing required parameter - file")),
    };
    let original_name = file.filename.clone();
    let chunked = chunk_headers(&headers)?;
    if let Some((id, _)) = &chunked {
        // A chunk of an upload that is already complete (a client resending the last chunk because the
        // answer was lost) gets the stored asset, as if the answer had arrived the first time.
        if let Some((rt, kind, public_id)) = app.chunks.completed(id, &chunk_owner(&form)) {
            if let Some(asset) = app.store.get(&rt, &kind, &public_id)? {
                let _ = tokio::fs::remove_file(&file.path).await;
                return Ok(response(&app, &headers, &asset, false));
            }
        }
    }
    let file = match chunked.clone() {
        Some((id, range)) => match app
            .chunks
            .add(
                &id,
                range,
                file,
                app.store.tmp_path(),
                (&chunk_owner(&form), app.settings.min_chunk_bytes),
            )
            .await?
        {
            Some(whole) => whole,
            None => {
                return Ok(
                    json!({ "done": false, "upload_id": id, "bytes_received": range.end + 1 }),
                )
            }
        },
        None => file,
    };
    let (asset, existing) = store_upload(&app, resource_type, &form, file, original_name).await?;
    if let Some((id, _)) = chunked {
        app.chunks.complete(
            &id,
            (
                asset.resource_type.clone(),
                asset.kind.clone(),
                asset.public_id.clone(),
            ),
            chunk_owner(&form),
        );
    }
    Ok(response(&app, &headers, &asset, existing))
}

/// The upload answer for `asset`; `existing` when `overwrite` was off and the asset was already there
/// (Cloudinary then answers with the stored asset and `"existing": true`).
fn response(app: &App, headers: &HeaderMap, asset: &Asset, existing: bool) -> Json {
    let base = base_url(headers);
    let mut body = asset.to_json(&base, &app.settings.cloud_name, &app.settings.api_secret);
    add_eager(&mut body, asset, &base, &app.settings.cloud_name);
    body["api_key"] = json!(app.settings.api_key);
    if existing {
        body["existing"] = json!(true);
    }
    body
}

/// Who a chunk belongs to: its signer and its params (all but the ones that change between requests).
fn chunk_owner(form: &Form) -> crate::chunks::ChunkOwner {
    let signer = match (form.get_nonempty("signature"), form.get_nonempty("api_key")) {
        (Some(_), Some(key)) => key.to_owned(),
        _ => format!("unsigned:{}", form.get("upload_preset").unwrap_or_default()),
    };
    let mut params: Vec<String> = form
        .fields
        .iter()
        .filter(|(k, _)| !["signature", "timestamp", "api_key", "file"].contains(&k.as_str()))
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    params.sort();
    crate::chunks::ChunkOwner {
        signer,
        params: params.join("&"),
    }
}

fn chunk_headers(headers: &HeaderMap) -> ApiResult<Option<(String, crate::chunks::ContentRange)>> {
    let id = headers
        .get("x-unique-upload-id")
        .and_then(|v| v.to_str().ok());
    let range = headers.get("content-range").and_then(|v| v.to_str().ok());
    match (id, range) {
        (Some(id), Some(range)) => Ok(Some((id.to_owned(), parse_content_range(range)?))),
        (None, None) => Ok(None),
        (Some(_), None) => Err(ApiError::bad_request(
            "X-Unique-Upload-Id needs a Content-Range header",
        )),
        (None, Some(_)) => Err(ApiError::bad_request(
            "Content-Range needs an X-Unique-Upload-Id header",
        )),
    }
}

/// Lists the eager transformations' URLs in an upload/explicit response.
pub(crate) fn add_eager(body: &mut Json, asset: &Asset, base: &str, cloud: &str) {
    if asset.eager.is_empty() {
        return;
    }
    let eager: Vec<Json> = asset
        .eager
        .iter()
        .map(|t| {
            let (transformation, format) = match t.rsplit_once('/') {
                Some((tr, f)) if !f.contains(['_', ',']) => (tr.to_owned(), Some(f.to_owned())),
                _ => (t.clone(), None),
            };
            let url = asset.delivery_url(base, cloud, Some(&transformation), format.as_deref());
            json!({ "transformation": t, "url": url, "secure_url": url, "format": format.unwrap_or_else(|| asset.format.clone()) })
        })
        .collect();
    body["eager"] = Json::Array(eager);
}

/// A public id must not escape folders or carry control characters.
pub(crate) fn check_public_id(id: &str) -> ApiResult<()> {
    let bad = id.is_empty()
        || id.len() > 1024
        || id.starts_with('/')
        || id.contains('\\')
        || id.chars().any(char::is_control)
        || id
            .split('/')
            .any(|seg| seg.is_empty() || seg == "." || seg == "..");
    if bad {
        Err(ApiError::bad_request(format!("Invalid public_id: {id:?}")))
    } else {
        Ok(())
    }
}

/// `k=v|k=v` with `\=` and `\|` escapes.
pub(crate) fn parse_context(text: &str) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    let mut current = String::new();
    let mut chars = text.chars();
    let mut items = Vec::new();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(next) = chars.next() {
                    current.push('\u{0}');
                    current.push(next);
                }
            }
            '|' => items.push(std::mem::take(&mut current)),
            c => current.push(c),
        }
    }
    items.push(current);
    for item in items.into_iter().filter(|i| !i.is_empty()) {
        // Escaped characters were marked with NUL so that only real `=` split.
        let split = item
            .char_indices()
            .find(|&(i, c)| c == '=' && !item[..i].ends_with('\u{0}'));
        let unescape = |s: &str| s.replace('\u{0}', "");
        match split {
            Some((i, _)) => pairs.push((unescape(&item[..i]), unescape(&item[i + 1..]))),
            None => pairs.push((unescape(&item), String::new())),
        }
    }
    pairs
}

/// Parses `eager` (`t1|t2`, each optionally `/format`) and checks every transformation.
pub(crate) fn parse_eager(text: &str) -> ApiResult<Vec<String>> {
    let list: Vec<String> = text
        .split('|')
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect();
    if list.len() > MAX_EAGER {
        return Err(ApiError::bad_request(format!(
            "Too many eager transformations (the emulator keeps {MAX_EAGER})"
        )));
    }
    // Cloudinary accepts every well-formed transformation here, and so does the emulator: it records
    // them and answers `eager` entries; one it cannot render fails at delivery (400 with x-cld-error).
    for t in &list {
        let transformation = match t.rsplit_once('/') {
            Some((tr, f)) if !f.contains(['_', ',']) => tr,
            _ => t.as_str(),
        };
        well_formed(transformation)?;
    }
    Ok(list)
}

/// Most eager transformations one asset records (derived records stay bounded).
const MAX_EAGER: usize = 100;

/// A transformation's shape: `/`-separated components of `,`-separated `key_value` parameters (keys
/// lowercase, or `$variables`), or a named `t_...`; bounded in length.
fn well_formed(transformation: &str) -> ApiResult<()> {
    let bad =
        |what: &str| ApiError::bad_request(format!("Invalid transformation component - {what}"));
    if transformation.len() > 2048 || transformation.chars().any(char::is_control) {
        return Err(bad(transformation));
    }
    for component in transformation.split('/') {
        for param in component.split(',') {
            let ok = param.split_once('_').is_some_and(|(key, value)| {
                !value.is_empty()
                    && (key.starts_with('$')
                        || key.bytes().all(|b| b.is_ascii_lowercase()) && !key.is_empty())
            });
            if !ok {
                return Err(bad(param));
            }
        }
    }
    Ok(())
}

fn split_tags(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

/// What an unsigned upload may pass besides its preset (Cloudinary's allow-list); everything else,
/// `overwrite` included, must come from the preset or a signed request.
pub(crate) const UNSIGNED_ALLOWED: &[&str] = &[
    "upload_preset",
    "callback",
    "public_id",
    "folder",
    "asset_folder",
    "tags",
    "context",
    "metadata",
    "face_coordinates",
    "custom_coordinates",
    "source",
    "filename_override",
    "manifest_transformation",
    "manifest_json",
    "template",
    "template_vars",
    "regions",
    "public_id_prefix",
];

/// Refuses an unsigned upload's params beyond the allow-list (signed uploads pass).
fn check_unsigned(form: &Form, _settings: &crate::settings::Settings) -> ApiResult<()> {
    if form.get_nonempty("signature").is_some() {
        return Ok(());
    }
    let never = [
        "file",
        "api_key",
        "cloud_name",
        "resource_type",
        "timestamp",
    ];
    match form
        .fields
        .iter()
        .map(|(k, _)| k.as_str())
        .find(|k| !UNSIGNED_ALLOWED.contains(k) && !never.contains(k))
    {
        Some(k) => Err(ApiError::bad_request(format!(
            "{k} parameter is not allowed when using unsigned upload. Only {} upload parameters are allowed.",
            UNSIGNED_ALLOWED.join(",")
        ))),
        None => Ok(()),
    }
}

/// `allowed_formats`: a file whose format is not listed is refused (unless `format` converts it to one
/// that is, as Cloudinary does when both are given).
fn check_allowed_format(form: &Form, resource_type: &str, format: &str) -> ApiResult<()> {
    let Some(list) = form.get_nonempty("allowed_formats") else {
        return Ok(());
    };
    let allowed: Vec<String> = split_tags(list).map(|f| f.to_ascii_lowercase()).collect();
    let normal = |f: &str| {
        if f == "jpeg" {
            "jpg".to_owned()
        } else {
            f.to_ascii_lowercase()
        }
    };
    let listed = |f: &str| allowed.iter().any(|a| normal(a) == normal(f));
    let converted = form
        .get_nonempty("format")
        .is_some_and(|target| resource_type == "image" && listed(target));
    if listed(format) || converted {
        return Ok(());
    }
    let shown = if format.is_empty() { "unknown" } else { format };
    Err(ApiError::bad_request(if resource_type == "image" {
        format!("Image file format {shown} not allowed")
    } else {
        format!("File format {shown} not allowed")
    }))
}

/// Decides everything about a new upload and stores it. Returns the asset and whether it was already
/// there (overwrite off).
async fn store_upload(
    app: &App,
    path_type: &str,
    form: &Form,
    file: FilePart,
    filename: Option<String>,
) -> ApiResult<(Asset, bool)> {
    let (media, resource_type) = inspect(app, path_type, form, &file, filename.clone()).await?;
    let preset = form
        .get_nonempty("upload_preset")
        .and_then(|p| app.settings.presets.get(p))
        .cloned()
        .unwrap_or_default();
    let kind = form.get_nonempty("type").unwrap_or("upload").to_owned();
    if !["upload", "private", "authenticated"].contains(&kind.as_str()) {
        return Err(ApiError::bad_request(format!("Invalid type: {kind}")));
    }
    let stem = filename
        .as_deref()
        .map(|f| f.rsplit_once('.').map_or(f, |(s, _)| s).to_owned());
    let public_id = choose_public_id(form, &preset, stem.as_deref(), resource_type, &media)?;
    let context = form.get("context").map(parse_context).unwrap_or_default();
    crate::admin_update::refuse_addons(|k| form.get(k))?;
    let (access_mode, access_control) = access_of(form)?;
    let eager = form
        .get("eager")
        .map(parse_eager)
        .transpose()?
        .unwrap_or_default();
    // Unsigned uploads never replace an existing asset.
    let signed = form.get_nonempty("signature").is_some();
    let overwrite = signed && form.flag("overwrite", true);

    // Convert when a different image format is asked for.
    let target_format = form
        .get_nonempty("format")
        .map(|f| if f == "jpeg" { "jpg" } else { f })
        .map(str::to_owned);
    let (file, format, size) = match (&target_format, resource_type) {
        (Some(f), "image") if *f != media.format => convert(app, file, f).await?,
        _ => {
            let format = if resource_type == "raw" {
                String::new()
            } else {
                media.format.clone()
            };
            (file, format, media.size)
        }
    };

    let blob = app.store.adopt_blob(&file.path)?;
    let now = now_secs();
    let candidate = Asset {
        asset_id: random_hex32(),
        public_id,
        resource_type: resource_type.to_owned(),
        kind,
        version: now,
        version_id: random_hex32(),
        format,
        width: size.map(|s| s.0),
        height: size.map(|s| s.1),
        bytes: file.bytes,
        etag: file.md5.clone(),
        created_at: now,
        tags: tags_of(form, &preset),
        context,
        original_filename: stem.unwrap_or_else(|| "file".to_owned()),
        blob: blob.clone(),
        eager,
        access_mode,
        access_control,
    };
    commit(app, candidate, overwrite, &blob).await
}

/// What the file is, and the resource type it is stored as (refusing what Cloudinary refuses: the
/// wrong kind for the path, a format outside `allowed_formats`, too many megapixels).
async fn inspect(
    app: &App,
    path_type: &str,
    form: &Form,
    file: &FilePart,
    filename: Option<String>,
) -> ApiResult<(crate::media::Media, &'static str)> {
    if file.bytes == 0 {
        return Err(ApiError::bad_request("Empty file"));
    }
    let media = {
        let path = file.path.clone();
        tokio::task::spawn_blocking(move || crate::media::probe(&path, filename.as_deref()))
            .await
            .map_err(|e| ApiError::internal(e.to_string()))??
    };
    let resource_type = match path_type {
        "auto" => media.resource_type,
        "image" if media.resource_type != "image" => {
            return Err(ApiError::bad_request("Invalid image file"))
        }
        "video" if media.resource_type != "video" => {
            return Err(ApiError::bad_request("Invalid video file"))
        }
        "image" => "image",
        "video" => "video",
        "raw" => "raw",
        other => {
            return Err(ApiError::bad_request(format!(
                "Invalid resource type {other}"
            )))
        }
    };
    check_allowed_format(form, resource_type, &media.format)?;
    if let Some((w, h)) = media.size {
        let megapixels = f64::from(w) * f64::from(h) / 1e6;
        if megapixels > app.settings.max_megapixels {
            return Err(ApiError::bad_request(format!(
                "Image file is too large: {megapixels:.1} megapixels, the maximum is {}",
                app.settings.max_megapixels
            )));
        }
    }
    Ok((media, resource_type))
}

/// The public id: the given one, or from the file name (`use_filename`), or random; in the folder; raw
/// files keep their extension.
fn choose_public_id(
    form: &Form,
    preset: &crate::settings::Preset,
    stem: Option<&str>,
    resource_type: &str,
    media: &crate::media::Media,
) -> ApiResult<String> {
    let folder = form
        .get_nonempty("folder")
        .or(preset.folder.as_deref())
        .map(|f| f.trim_matches('/').to_owned());
    let mut public_id = match form.get_nonempty("public_id") {
        Some(id) => id.to_owned(),
        None if form.flag("use_filename", false)
            && stem.is_some_and(|s| !s.is_empty() && s != "file" && s != "blob") =>
        {
            let stem = stem.unwrap_or_default();
            if form.flag("unique_filename", true) {
                format!("{stem}_{}", random_id(6))
            } else {
                stem.to_owned()
            }
        }
        None => random_id(20),
    };
    if let Some(folder) = folder.filter(|f| !f.is_empty()) {
        public_id = format!("{folder}/{public_id}");
    }
    if resource_type == "raw"
        && !media.format.is_empty()
        && form.get_nonempty("public_id").is_none()
    {
        public_id = format!("{public_id}.{}", media.format);
    }
    check_public_id(&public_id)?;
    Ok(public_id)
}

/// `access_mode` (`public`, the default, or `authenticated`) and `access_control` (a JSON list of rules,
/// or one rule), as Cloudinary takes and echoes them.
fn access_of(form: &Form) -> ApiResult<(String, Option<serde_json::Value>)> {
    let mode = form.get_nonempty("access_mode").unwrap_or("public");
    if !["public", "authenticated"].contains(&mode) {
        return Err(ApiError::bad_request(format!(
            "Invalid access_mode: {mode}"
        )));
    }
    let control = match form.get_nonempty("access_control") {
        None => None,
        Some(text) => match serde_json::from_str::<serde_json::Value>(text) {
            Ok(list @ serde_json::Value::Array(_)) => Some(list),
            Ok(rule @ serde_json::Value::Object(_)) => Some(serde_json::Value::Array(vec![rule])),
            _ => return Err(ApiError::bad_request("Invalid access_control")),
        },
    };
    Ok((mode.to_owned(), control))
}

/// The request's tags, then the preset's.
fn tags_of(form: &Form, preset: &crate::settings::Preset) -> Vec<String> {
    let mut tags: Vec<String> = form
        .get("tags")
        .map(|t| split_tags(t).collect())
        .unwrap_or_default();
    for t in &preset.tags {
        if !tags.contains(t) {
            tags.push(t.clone());
        }
    }
    tags
}

/// Stores a new version of an asset (or, with overwrite off, keeps the one there).
pub(crate) async fn commit(
    app: &App,
    candidate: Asset,
    overwrite: bool,
    blob: &str,
) -> ApiResult<(Asset, bool)> {
    let key = candidate.key();
    let store = app.store.clone();
    let (previous, stored) = tokio::task::spawn_blocking(move || {
        store.upsert(&key, |previous| match previous {
            Some(_) if !overwrite => Ok(None),
            Some(p) => Ok(Some(Asset {
                asset_id: p.asset_id.clone(),
                version: candidate.version.max(p.version + 1),
                created_at: p.created_at,
                ..candidate
            })),
            None => Ok(Some(candidate)),
        })
    })
    .await
    .map_err(|e| ApiError::internal(e.to_string()))??;
    match (stored, previous) {
        (Some(asset), _) => Ok((asset, false)),
        (None, Some(existing)) => {
            let _ = std::fs::remove_file(app.store.blob_path(blob));
            Ok((existing, true))
        }
        (None, None) => Err(ApiError::internal("upload was neither stored nor found")),
    }
}

/// Re-encodes an uploaded image into `format`.
async fn convert(
    app: &App,
    file: FilePart,
    format: &str,
) -> ApiResult<(FilePart, String, Option<(u32, u32)>)> {
    let (src, dst, target) = (file.path.clone(), app.store.tmp_path(), format.to_owned());
    let (bytes, size) =
        tokio::task::spawn_blocking(move || -> Result<(Vec<u8>, (u32, u32)), String> {
            let img = crate::media::decode(&src)?;
            Ok((
                crate::transform::encode(&img, &target, None)?,
                (img.width(), img.height()),
            ))
        })
        .await
        .map_err(|e| ApiError::internal(e.to_string()))?
        .map_err(|e| ApiError::bad_request(format!("Could not convert the image: {e}")))?;
    tokio::fs::write(&dst, &bytes).await?;
    let converted = FilePart {
        path: dst,
        bytes: bytes.len() as u64,
        md5: cirrus_core::hash::to_hex(&<md5::Md5 as md5::Digest>::digest(&bytes)),
        filename: file.filename.clone(),
    };
    Ok((converted, format.to_owned(), Some(size)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_unescapes() {
        assert_eq!(
            parse_context(r"caption=Hello\=World\|x|alt=a"),
            vec![
                ("caption".to_owned(), "Hello=World|x".to_owned()),
                ("alt".to_owned(), "a".to_owned())
            ]
        );
    }

    #[test]
    fn public_ids_cannot_escape() {
        for bad in ["../x", "a/../b", "/abs", "a//b", "a\\b", "a/./b", ""] {
            assert!(check_public_id(bad).is_err(), "{bad}");
        }
        assert!(check_public_id("folder/sub/img-1.v2").is_ok());
    }
}
