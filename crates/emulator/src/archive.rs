//! `generate_archive` (the SDK's `create_archive`/`create_zip`): a ZIP of the originals named by
//! `public_ids`, `prefixes` or `tags`, stored as a raw asset and answered as Cloudinary answers it
//! (`mode=create`). The emulator writes stored (uncompressed) ZIPs; other formats, `mode=download` and
//! `transformations` are refused with a message that says so.

use crate::app::{base_url, App};
use crate::asset::{index_key, Asset};
use crate::clock::{now_secs, random_hex32};
use crate::error::{ApiError, ApiResult};
use crate::manage::signed_form;
use crate::request::Form;
use axum::extract::Request;
use md5::{Digest, Md5};
use serde_json::{json, Value as Json};
use std::collections::BTreeMap;
use std::io::Write;
use std::sync::Arc;

/// Most assets one archive takes (Cloudinary's limit for a single request).
const MAX_FILES: usize = 1000;

/// `generate_archive` with `mode=create`.
pub(crate) async fn generate(
    app: Arc<App>,
    resource_type: &str,
    request: Request,
) -> ApiResult<Json> {
    let headers = request.headers().clone();
    let form = signed_form(&app, request).await?;
    check_request(&form)?;
    let assets = targets(&app, resource_type, &form)?;
    if assets.is_empty() {
        return Err(ApiError::bad_request("No resources found for the archive"));
    }
    let flatten = form.flag("flatten_folders", false);
    let entries: Vec<(String, std::path::PathBuf)> = assets
        .iter()
        .map(|a| {
            let name = a.file_name();
            let name = if flatten {
                name.rsplit('/').next().unwrap_or(&name).to_owned()
            } else {
                name
            };
            (name, app.store.blob_path(&a.blob))
        })
        .collect();
    let tmp = app.store.tmp_path();
    let zip_path = tmp.clone();
    let (bytes, md5) = tokio::task::spawn_blocking(move || write_zip(&zip_path, &entries))
        .await
        .map_err(|e| ApiError::internal(e.to_string()))??;
    let blob = app.store.adopt_blob(&tmp)?;
    let public_id = match form.get_nonempty("target_public_id") {
        Some(id) => {
            crate::upload::check_public_id(id)?;
            if id.ends_with(".zip") {
                id.to_owned()
            } else {
                format!("{id}.zip")
            }
        }
        None => format!("{}.zip", random_hex32()),
    };
    let now = now_secs();
    let candidate = Asset {
        asset_id: random_hex32(),
        public_id,
        resource_type: "raw".to_owned(),
        kind: "upload".to_owned(),
        version: now,
        version_id: random_hex32(),
        format: "zip".to_owned(),
        width: None,
        height: None,
        bytes,
        etag: md5,
        created_at: now,
        tags: Vec::new(),
        context: Vec::new(),
        original_filename: "archive".to_owned(),
        blob: blob.clone(),
        eager: Vec::new(),
        access_mode: "public".to_owned(),
        access_control: None,
    };
    let (asset, _) = crate::upload::commit(&app, candidate, true, &blob).await?;
    let mut body = asset.to_json(
        &base_url(&headers),
        &app.settings.cloud_name,
        &app.settings.api_secret,
    );
    body["resource_count"] = json!(assets.len());
    body["file_count"] = json!(assets.len());
    Ok(body)
}

/// Refuses what the emulator does not do: other modes, formats and transformations of archived assets.
fn check_request(form: &Form) -> ApiResult<()> {
    let unsupported = |what: String| {
        Err(ApiError::bad_request(format!(
            "{what} (the emulator creates ZIP archives of originals only)"
        )))
    };
    match form.get_nonempty("mode") {
        None | Some("create") => {}
        Some(other) => return unsupported(format!("mode {other} is not supported")),
    }
    match form.get_nonempty("target_format") {
        None | Some("zip") => {}
        Some(other) => return unsupported(format!("target_format {other} is not supported")),
    }
    if form.get_nonempty("transformations").is_some() {
        return unsupported("transformations are not applied to archived assets".to_owned());
    }
    Ok(())
}

/// The assets a request names, each once, in public id order.
fn targets(app: &App, resource_type: &str, form: &Form) -> ApiResult<Vec<Asset>> {
    let kind = form.get_nonempty("type").unwrap_or("upload");
    let list = |name: &str| -> Vec<String> {
        form.get_nonempty(name)
            .map(|v| {
                v.split(',')
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    };
    let (ids, prefixes, tags) = (list("public_ids"), list("prefixes"), list("tags"));
    if ids.is_empty() && prefixes.is_empty() && tags.is_empty() {
        return Err(ApiError::bad_request(
            "Must supply either public_ids, prefixes or tags",
        ));
    }
    let mut found = BTreeMap::new();
    for id in &ids {
        if let Some(a) = app.store.get(resource_type, kind, id)? {
            found.insert(index_key(resource_type, kind, id), a);
        }
    }
    let wanted = |a: &Asset| {
        prefixes.iter().any(|p| a.public_id.starts_with(p.as_str()))
            || a.tags.iter().any(|t| tags.contains(t))
    };
    if !prefixes.is_empty() || !tags.is_empty() {
        for a in app
            .store
            .scan(resource_type, Some(kind), None, wanted, MAX_FILES + 1)?
        {
            found.insert(a.key(), a);
        }
    }
    if found.len() > MAX_FILES {
        return Err(ApiError::bad_request(format!(
            "Too many resources for one archive (the limit is {MAX_FILES})"
        )));
    }
    Ok(found.into_values().collect())
}

/// Writes a stored ZIP of `entries` (name, file) to `path`; its size and MD5.
fn write_zip(
    path: &std::path::Path,
    entries: &[(String, std::path::PathBuf)],
) -> ApiResult<(u64, String)> {
    let mut out: Vec<u8> = Vec::new();
    let mut central: Vec<u8> = Vec::new();
    let (date, time) = (0x21u16, 0u16); // 1980-01-01 00:00
    for (name, file) in entries {
        let data = std::fs::read(file)?;
        let (size, offset) = (u32::try_from(data.len()), u32::try_from(out.len()));
        let (Ok(size), Ok(offset)) = (size, offset) else {
            return Err(ApiError::bad_request(
                "The archive would exceed 4 GB (the emulator writes no ZIP64)",
            ));
        };
        let crc = crc32fast::hash(&data);
        let name_len = name.len() as u16;
        // Local file header: stored, UTF-8 name (flag bit 11).
        out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        for v in [20u16, 0x0800, 0, time, date] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        for v in [crc, size, size] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out.extend_from_slice(&name_len.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(&data);
        // Its central directory record.
        central.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        for v in [20u16, 20, 0x0800, 0, time, date] {
            central.extend_from_slice(&v.to_le_bytes());
        }
        for v in [crc, size, size] {
            central.extend_from_slice(&v.to_le_bytes());
        }
        for v in [name_len, 0, 0, 0, 0] {
            central.extend_from_slice(&v.to_le_bytes());
        }
        central.extend_from_slice(&0u32.to_le_bytes());
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name.as_bytes());
    }
    let (Ok(cd_offset), Ok(cd_size), Ok(count)) = (
        u32::try_from(out.len()),
        u32::try_from(central.len()),
        u16::try_from(entries.len()),
    ) else {
        return Err(ApiError::bad_request(
            "The archive would exceed 4 GB (the emulator writes no ZIP64)",
        ));
    };
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    for v in [0u16, 0, count, count] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.extend_from_slice(&cd_size.to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    let mut file = std::fs::File::create(path)?;
    file.write_all(&out)?;
    file.sync_all()?;
    Ok((out.len() as u64, format!("{:x}", Md5::digest(&out))))
}
