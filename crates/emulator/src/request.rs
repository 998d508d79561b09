//! Reading Upload API requests: multipart/form-data (the file streamed to disk) or urlencoded bodies.

use crate::error::{ApiError, ApiResult};
use crate::store::Store;
use axum::extract::{FromRequest, Multipart, Request};
use md5::{Digest, Md5};
use std::path::PathBuf;
use tokio::io::AsyncWriteExt;

/// The uploaded file, written to a temp file while its MD5 is computed.
#[derive(Debug)]
pub struct FilePart {
    /// Temp file with the content (removed on drop unless adopted).
    pub path: PathBuf,
    /// Size in bytes.
    pub bytes: u64,
    /// MD5 hex.
    pub md5: String,
    /// The part's filename, if it had one.
    pub filename: Option<String>,
}

impl Drop for FilePart {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// The parameters of a request (repeated `key[]` fields are joined with `,`) and its file, if any.
#[derive(Debug, Default)]
pub struct Form {
    /// Fields in arrival order (`[]` suffixes removed).
    pub fields: Vec<(String, String)>,
    /// The file part.
    pub file: Option<FilePart>,
    /// A `file` field that is text: a data URI, base64 or a remote URL.
    pub file_text: Option<String>,
}

impl Form {
    /// A field's value.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// A field's value if present and non-empty.
    pub fn get_nonempty(&self, name: &str) -> Option<&str> {
        self.get(name).filter(|v| !v.is_empty())
    }

    /// A boolean field (`1`/`true`), or the default.
    pub fn flag(&self, name: &str, default: bool) -> bool {
        match self.get(name) {
            Some(v) => v == "1" || v.eq_ignore_ascii_case("true"),
            None => default,
        }
    }

    fn push(&mut self, name: String, value: String) {
        let name = name.strip_suffix("[]").map(str::to_owned).unwrap_or(name);
        match self.fields.iter_mut().find(|(k, _)| *k == name) {
            Some((_, existing)) => {
                existing.push(',');
                existing.push_str(&value);
            }
            None => self.fields.push((name, value)),
        }
    }
}

fn malformed(e: impl std::fmt::Display) -> ApiError {
    ApiError::bad_request(format!("Malformed request body: {e}"))
}

/// Longest text field (every param but `file`): a form cannot make the emulator hold much in memory.
pub const MAX_FIELD_BYTES: usize = 64 * 1024;
/// Longest `file` given as text (a data URI or base64); bigger files come as file parts, streamed to disk.
pub const MAX_FILE_TEXT_BYTES: usize = 32 * 1024 * 1024;
/// Most fields in one form.
pub const MAX_FIELDS: usize = 256;

/// Reads a text field up to `cap` bytes (413 beyond; the rest of the field is read and dropped).
async fn capped_text(
    field: &mut axum::extract::multipart::Field<'_>,
    name: &str,
    cap: usize,
) -> ApiResult<String> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
        if bytes.len() + chunk.len() > cap {
            discard(field).await?;
            return Err(ApiError::new(
                axum::http::StatusCode::PAYLOAD_TOO_LARGE,
                format!("Parameter {name} is too long (at most {cap} bytes)"),
            ));
        }
        bytes.extend_from_slice(&chunk);
    }
    String::from_utf8(bytes).map_err(|_| malformed(format!("{name} is not UTF-8")))
}

/// Reads the rest of a field without keeping it.
async fn discard(field: &mut axum::extract::multipart::Field<'_>) -> ApiResult<()> {
    while field.chunk().await.map_err(multipart_error)?.is_some() {}
    Ok(())
}

/// A refused request's remaining body is read and dropped (never stored) before the answer goes out:
/// clients that are still sending (browsers, fetch) then get the answer instead of a reset connection.
async fn refuse(multipart: &mut Multipart, error: ApiError) -> ApiError {
    loop {
        match multipart.next_field().await {
            Ok(Some(mut f)) => {
                if discard(&mut f).await.is_err() {
                    return error;
                }
            }
            _ => return error,
        }
    }
}

/// Decides, from the params received so far, whether a request may send its file.
pub type Authorize<'a> = dyn Fn(&Form) -> ApiResult<()> + Sync + 'a;

/// Reads a request's form. The file part streams to a temp file of `store`. `authorize` runs on the
/// params received so far when the file part begins (clients send params first): a request whose
/// signature or preset is wrong is refused before a byte of its file is read. Text fields are capped.
///
/// The MD5 (the asset's etag) is computed and the file synced to disk only for a whole file: a chunk
/// is scratch until its upload is assembled, and assembly hashes and syncs the result once.
pub async fn read_form(
    request: Request,
    store: &Store,
    limit: usize,
    authorize: Option<&Authorize<'_>>,
) -> ApiResult<Form> {
    let whole_file = !request.headers().contains_key("content-range");
    let content_type = request
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    if content_type.starts_with("multipart/form-data") {
        let mut multipart = Multipart::from_request(request, &())
            .await
            .map_err(malformed)?;
        read_multipart(&mut multipart, store, whole_file, authorize).await
    } else {
        // A urlencoded body is read whole: capped like a text file parameter.
        let body = axum::body::to_bytes(
            request.into_body(),
            limit.min(MAX_FILE_TEXT_BYTES + MAX_FIELD_BYTES),
        )
        .await
        .map_err(body_error)?;
        read_urlencoded(&body)
    }
}

fn too_many_params() -> ApiError {
    ApiError::new(
        axum::http::StatusCode::PAYLOAD_TOO_LARGE,
        format!("Too many parameters (at most {MAX_FIELDS})"),
    )
}

/// The fields of a multipart body, the file part streamed to disk (see [`read_form`]).
async fn read_multipart(
    multipart: &mut Multipart,
    store: &Store,
    whole_file: bool,
    authorize: Option<&Authorize<'_>>,
) -> ApiResult<Form> {
    let mut form = Form::default();
    let mut count = 0;
    while let Some(mut field) = multipart.next_field().await.map_err(multipart_error)? {
        count += 1;
        let name = field.name().unwrap_or_default().to_owned();
        let refusal = if count > MAX_FIELDS {
            Some(too_many_params())
        } else if name == "file" && field.file_name().is_some() {
            match authorize
                .filter(|_| !form.fields.is_empty())
                .map(|check| check(&form))
            {
                Some(Err(e)) => Some(e),
                _ => {
                    form.file = Some(write_file(&mut field, store, whole_file).await?);
                    continue;
                }
            }
        } else {
            let cap = if name == "file" {
                MAX_FILE_TEXT_BYTES
            } else {
                MAX_FIELD_BYTES
            };
            match capped_text(&mut field, &name, cap).await {
                Ok(value) if name == "file" => {
                    form.file_text = Some(value);
                    continue;
                }
                Ok(value) => {
                    form.push(name, value);
                    continue;
                }
                Err(e) => Some(e),
            }
        };
        if let Some(e) = refusal {
            let _ = discard(&mut field).await;
            drop(field);
            return Err(refuse(multipart, e).await);
        }
    }
    Ok(form)
}

/// Streams a file part to a temp file, hashing it (MD5, the etag) and syncing it when it is a whole file.
async fn write_file(
    field: &mut axum::extract::multipart::Field<'_>,
    store: &Store,
    whole_file: bool,
) -> ApiResult<FilePart> {
    let path = store.tmp_path();
    let mut out = tokio::fs::File::create(&path).await?;
    let mut part = FilePart {
        path,
        bytes: 0,
        md5: String::new(),
        filename: field.file_name().map(str::to_owned),
    };
    let mut md5 = whole_file.then(Md5::new);
    while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
        if let Some(md5) = md5.as_mut() {
            md5.update(&chunk);
        }
        part.bytes += chunk.len() as u64;
        out.write_all(&chunk).await?;
    }
    if let Some(md5) = md5 {
        out.sync_all().await?;
        part.md5 = cirrus_core::hash::to_hex(&md5.finalize());
    } else {
        out.flush().await?;
    }
    Ok(part)
}

/// The fields of a urlencoded body (counted and capped like multipart ones).
fn read_urlencoded(body: &[u8]) -> ApiResult<Form> {
    let mut form = Form::default();
    let pairs = form_urlencoded_pairs(body);
    if pairs.len() > MAX_FIELDS {
        return Err(too_many_params());
    }
    if let Some((k, _)) = pairs
        .iter()
        .find(|(k, v)| k != "file" && v.len() > MAX_FIELD_BYTES)
    {
        return Err(ApiError::new(
            axum::http::StatusCode::PAYLOAD_TOO_LARGE,
            format!("Parameter {k} is too long (at most {MAX_FIELD_BYTES} bytes)"),
        ));
    }
    for (k, v) in pairs {
        if k == "file" {
            form.file_text = Some(v);
        } else {
            form.push(k, v);
        }
    }
    Ok(form)
}

fn too_large() -> ApiError {
    ApiError::new(
        axum::http::StatusCode::PAYLOAD_TOO_LARGE,
        "Request entity too large",
    )
}

/// Over-limit multipart bodies are 413 (axum knows which errors those are), anything else malformed.
fn multipart_error(e: axum::extract::multipart::MultipartError) -> ApiError {
    if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        too_large()
    } else {
        malformed(e.body_text())
    }
}

/// Reading a whole (urlencoded) body fails only on a broken connection or the size limit.
fn body_error(e: axum::Error) -> ApiError {
    let limited = std::error::Error::source(&e)
        .is_some_and(|s| s.to_string().contains("length limit"))
        || e.to_string().contains("length limit");
    if limited {
        too_large()
    } else {
        malformed(e)
    }
}

fn form_urlencoded_pairs(body: &[u8]) -> Vec<(String, String)> {
    let decode = |s: &[u8]| {
        let plus: Vec<u8> = s
            .iter()
            .map(|&b| if b == b'+' { b' ' } else { b })
            .collect();
        percent_encoding::percent_decode(&plus)
            .decode_utf8_lossy()
            .into_owned()
    };
    body.split(|&b| b == b'&')
        .filter(|p| !p.is_empty())
        .map(|pair| match pair.iter().position(|&b| b == b'=') {
            Some(i) => (decode(&pair[..i]), decode(&pair[i + 1..])),
            None => (decode(pair), String::new()),
        })
        .collect()
}

/// Writes text-given file content (a data URI or base64) to a temp file.
pub async fn file_from_text(text: &str, store: &Store) -> ApiResult<FilePart> {
    use base64::Engine as _;
    let payload = if let Some(rest) = text.strip_prefix("data:") {
        let (meta, data) = rest
            .split_once(',')
            .ok_or_else(|| ApiError::bad_request("Invalid data URI"))?;
        if !meta.ends_with(";base64") {
            let decoded = percent_encoding::percent_decode_str(data).collect::<Vec<u8>>();
            return write_bytes(&decoded, store).await;
        }
        data
    } else if text.starts_with("http://")
        || text.starts_with("https://")
        || text.starts_with("s3://")
    {
        return Err(ApiError::bad_request(
            "Remote URLs cannot be fetched by the emulator (it works offline): send the file's bytes",
        ));
    } else {
        text
    };
    let cleaned: String = payload
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(cleaned.as_bytes())
        .map_err(|_| {
            ApiError::bad_request("Invalid file parameter: not a data URI, base64 content or URL")
        })?;
    write_bytes(&decoded, store).await
}

async fn write_bytes(bytes: &[u8], store: &Store) -> ApiResult<FilePart> {
    let path = store.tmp_path();
    let part = FilePart {
        path: path.clone(),
        bytes: bytes.len() as u64,
        md5: cirrus_core::hash::to_hex(&Md5::digest(bytes)),
        filename: None,
    };
    tokio::fs::write(&path, bytes).await?;
    Ok(part)
}
