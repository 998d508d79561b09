//! Delivery: `GET /<cloud>/<resource_type>/<type>/[s--sig--/][transformations/][v<version>/]<public_id>[.<format>]`.
//! Originals are streamed; image transformations are computed once and cached under `derived/`.
//! Private and authenticated assets need a valid URL signature or auth token.

use crate::app::App;
use crate::asset::Asset;
use crate::auth::{verify_token, verify_url_signature};
use crate::clock::now_secs;
use crate::error::{ApiError, ApiResult};
use crate::media::content_type;
use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use sha1::{Digest, Sha1};
use std::sync::Arc;

fn deny(status: StatusCode, message: &str) -> ApiError {
    ApiError::new(status, message).for_delivery()
}

/// Whether a path component is a transformation (every `,` part is `<key>_<value>` with a short key).
fn is_transformation(component: &str) -> bool {
    component.split(',').all(|part| match part.split_once('_') {
        Some((key, value)) => {
            (1..=4).contains(&key.len())
                && key.bytes().all(|b| b.is_ascii_lowercase())
                && !value.is_empty()
        }
        None => false,
    })
}

fn is_version(component: &str) -> bool {
    component.len() > 1
        && component.starts_with('v')
        && component[1..].bytes().all(|b| b.is_ascii_digit())
}

/// The parts of a delivery path.
#[derive(Debug)]
pub struct DeliveryPath<'a> {
    /// `image`, `video`, `raw`.
    pub resource_type: &'a str,
    /// `upload`, `private`, `authenticated`, ...
    pub kind: &'a str,
    /// The `s--...--` component, if any.
    pub signature: Option<&'a str>,
    /// The transformation components, joined by `/`.
    pub transformation: String,
    /// What names the asset: `[v<version>/]` removed, `<public_id>[.<format>]` still encoded.
    pub source: String,
}

/// Splits the path after the cloud name (`<resource_type>/<type>/...`); anything unparsable is a 404.
pub fn parse_path(rest: &str) -> ApiResult<DeliveryPath<'_>> {
    let mut segments = rest.split('/');
    let (Some(resource_type), Some(kind)) = (segments.next(), segments.next()) else {
        return Err(deny(StatusCode::NOT_FOUND, "Resource not found"));
    };
    let remaining: Vec<&str> = segments.collect();
    let mut i = 0;
    let mut signature = None;
    if let Some(s) = remaining
        .first()
        .filter(|s| s.starts_with("s--") && s.ends_with("--"))
    {
        signature = Some(*s);
        i = 1;
    }
    let mut transformation = Vec::new();
    while i + 1 < remaining.len() && !is_version(remaining[i]) && is_transformation(remaining[i]) {
        transformation.push(remaining[i]);
        i += 1;
    }
    if i + 1 < remaining.len() && is_version(remaining[i]) {
        i += 1;
    }
    let source = remaining[i..].join("/");
    if source.is_empty() {
        return Err(deny(StatusCode::NOT_FOUND, "Resource not found"));
    }
    Ok(DeliveryPath {
        resource_type,
        kind,
        signature,
        transformation: transformation.join("/"),
        source,
    })
}

fn decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// Finds the asset a source names: `public_id.format`, or a public id that itself has a dot.
fn find(
    app: &App,
    rt: &str,
    kind: &str,
    source: &str,
) -> ApiResult<Option<(Asset, Option<String>)>> {
    let decoded = decode(source);
    if rt != "raw" {
        if let Some((id, ext)) = decoded.rsplit_once('.') {
            if let Some(asset) = app.store.get(rt, kind, id)? {
                return Ok(Some((asset, Some(ext.to_ascii_lowercase()))));
            }
        }
    }
    Ok(app.store.get(rt, kind, &decoded)?.map(|a| (a, None)))
}

/// Private and authenticated assets need a signed URL or a valid auth token; a signature, when given,
/// must be valid.
fn authorize(
    app: &App,
    asset: &Asset,
    path: &DeliveryPath<'_>,
    cloud: &str,
    rest: &str,
    query: Option<&str>,
) -> ApiResult<()> {
    let signed = match path.signature {
        Some(sig) => {
            if !verify_url_signature(
                sig,
                &path.transformation,
                &path.source,
                &app.settings.api_secret,
            ) {
                return Err(deny(StatusCode::UNAUTHORIZED, "Invalid signature"));
            }
            true
        }
        None => false,
    };
    let token_ok = || {
        let token = query
            .unwrap_or_default()
            .split('&')
            .find_map(|p| p.strip_prefix("__cld_token__="));
        match (token, &app.settings.auth_token_key) {
            (Some(t), Some(key)) => verify_token(t, &format!("/{cloud}/{rest}"), key, now_secs()),
            _ => false,
        }
    };
    if asset.kind != "upload" && !signed && !token_ok() {
        return Err(deny(
            StatusCode::UNAUTHORIZED,
            "Access denied: a signed URL or a valid token is required",
        ));
    }
    Ok(())
}

/// Serves a delivery request.
pub async fn deliver(
    app: Arc<App>,
    headers: HeaderMap,
    cloud: &str,
    rest: &str,
    query: Option<&str>,
) -> ApiResult<Response> {
    let path = parse_path(rest)?;
    let Some((asset, ext)) = find(&app, path.resource_type, path.kind, &path.source)? else {
        return Err(deny(StatusCode::NOT_FOUND, "Resource not found"));
    };
    authorize(&app, &asset, &path, cloud, rest, query)?;
    let original = if asset.format.is_empty() {
        None
    } else {
        Some(asset.format.as_str())
    };
    let wants = ext.as_deref().map(|e| if e == "jpeg" { "jpg" } else { e });
    if path.transformation.is_empty() && (wants.is_none() || wants == original) {
        return stream_original(&app, &asset).await;
    }
    if asset.resource_type != "image" {
        return Err(deny(
            StatusCode::BAD_REQUEST,
            "Transformations are only supported for images by the emulator",
        ));
    }
    let plan = crate::transform::parse(&path.transformation)
        .map_err(|e| deny(StatusCode::BAD_REQUEST, &e))?;
    let accepts_webp = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("image/webp"));
    let format = match plan.format.as_deref() {
        Some("auto") => {
            if accepts_webp && asset.format != "gif" {
                "webp"
            } else {
                original.unwrap_or("png")
            }
        }
        Some(f) => f,
        None => wants.or(original).unwrap_or("png"),
    }
    .to_owned();
    if !["jpg", "png", "webp", "gif"].contains(&format.as_str()) {
        return Err(deny(
            StatusCode::BAD_REQUEST,
            &format!("Unsupported format: {format}"),
        ));
    }
    let bytes = derived(&app, &asset, &path.transformation, plan, &format).await?;
    Response::builder()
        .header(header::CONTENT_TYPE, content_type(&format))
        .header(header::CACHE_CONTROL, "public, max-age=2592000")
        .body(Body::from(bytes))
        .map_err(|e| ApiError::internal(e.to_string()))
}

async fn stream_original(app: &App, asset: &Asset) -> ApiResult<Response> {
    let file = tokio::fs::File::open(app.store.blob_path(&asset.blob))
        .await
        .map_err(|_| deny(StatusCode::NOT_FOUND, "Resource not found"))?;
    let body = Body::from_stream(tokio_util::io::ReaderStream::new(file));
    let format = if asset.format.is_empty() {
        asset.public_id.rsplit_once('.').map_or("", |(_, e)| e)
    } else {
        &asset.format
    };
    let mut response = Response::new(body);
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(format)),
    );
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(asset.bytes));
    if let Ok(etag) = HeaderValue::from_str(&format!("\"{}\"", asset.etag)) {
        h.insert(header::ETAG, etag);
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=2592000"),
    );
    Ok(response)
}

/// A derived image from the cache, or computed (off the async threads) and cached.
async fn derived(
    app: &App,
    asset: &Asset,
    transformation: &str,
    plan: crate::transform::Plan,
    format: &str,
) -> ApiResult<Vec<u8>> {
    let digest = Sha1::digest(format!("{transformation}|{format}|{:?}", plan.quality).as_bytes());
    let name = format!(
        "{}-{}.{format}",
        asset.blob,
        cirrus_core::hash::to_hex(&digest)
    );
    let cached = app.store.dir().join("derived").join(&name);
    if let Ok(bytes) = tokio::fs::read(&cached).await {
        return Ok(bytes);
    }
    let (source, format, tmp) = (
        app.store.blob_path(&asset.blob),
        format.to_owned(),
        app.store.tmp_path(),
    );
    // A few transformations at a time: each holds decoded images in memory.
    let _job = app
        .transform_jobs
        .acquire()
        .await
        .map_err(|e| ApiError::internal(e.to_string()))?;
    let bytes = tokio::task::spawn_blocking(move || -> Result<Vec<u8>, String> {
        let img = crate::media::decode(&source)?;
        let out = crate::transform::apply(&plan, img)?;
        let bytes = crate::transform::encode(&out, &format, plan.quality)?;
        // Written aside and renamed, so a concurrent reader never sees a partial file.
        if std::fs::write(&tmp, &bytes).is_ok() {
            let _ = std::fs::rename(&tmp, &cached);
        }
        Ok(bytes)
    })
    .await
    .map_err(|e| ApiError::internal(e.to_string()))?
    .map_err(|e| deny(StatusCode::BAD_REQUEST, &e))?;
    app.derived_written(bytes.len() as u64);
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_delivery_paths() {
        let p = parse_path("image/upload/s--abc--/c_fill,w_100/e_grayscale/v123/folder/dog.jpg")
            .unwrap();
        assert_eq!(
            (p.resource_type, p.kind, p.signature),
            ("image", "upload", Some("s--abc--"))
        );
        assert_eq!(p.transformation, "c_fill,w_100/e_grayscale");
        assert_eq!(p.source, "folder/dog.jpg");
        let p = parse_path("image/upload/dog.jpg").unwrap();
        assert_eq!(
            (p.transformation.as_str(), p.source.as_str()),
            ("", "dog.jpg")
        );
        let p = parse_path("raw/upload/v1/docs/a_b.pdf").unwrap();
        assert_eq!(p.source, "docs/a_b.pdf");
    }
}
