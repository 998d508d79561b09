//! multipart/form-data bodies: the fields in memory and the file part as [`Content`] (memory or a file
//! region), so a chunk is never copied into the body and a retry resends the same bytes.

use crate::content::Content;
use bytes::Bytes;
use cirrus_core::{Map, Value};
use rand::Rng;

/// A request body: its parts in order, and the content type with the boundary.
pub(crate) struct Multipart {
    /// The parts, to be sent back to back.
    pub parts: Vec<Content>,
    /// `multipart/form-data; boundary=...`.
    pub content_type: String,
}

impl Multipart {
    /// Total length in bytes.
    pub(crate) fn len(&self) -> u64 {
        self.parts.iter().map(Content::len).sum()
    }
}

/// Field values as sent (arrays are repeated `key[]` fields, as the SDK sends them).
fn fields(params: &Map) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (k, v) in params.iter() {
        match v {
            Value::Undefined | Value::Null => {}
            Value::Array(items) => {
                for item in items {
                    out.push((format!("{k}[]"), item.to_js_string()));
                }
            }
            other => out.push((k.to_owned(), other.to_js_string())),
        }
    }
    out
}

/// Builds a body with `params` as fields and, if given, `file` as the file part named `filename`.
pub(crate) fn build(params: &Map, file: Option<(&str, Content)>) -> Multipart {
    let boundary = format!("cirrus{:032x}", rand::thread_rng().gen::<u128>());
    let mut head = String::new();
    for (k, v) in fields(params) {
        head.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"\r\n\r\n{v}\r\n",
            quote(&k)
        ));
    }
    let mut parts = Vec::new();
    match file {
        Some((filename, bytes)) => {
            head.push_str(&format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{}\"\r\nContent-Type: application/octet-stream\r\n\r\n",
                quote(filename)
            ));
            parts.push(Content::Memory(Bytes::from(head)));
            parts.push(bytes);
            parts.push(Content::Memory(Bytes::from(format!(
                "\r\n--{boundary}--\r\n"
            ))));
        }
        None => {
            head.push_str(&format!("--{boundary}--\r\n"));
            parts.push(Content::Memory(Bytes::from(head)));
        }
    }
    Multipart {
        parts,
        content_type: format!("multipart/form-data; boundary={boundary}"),
    }
}

/// Quotes a header parameter value (`"` and line breaks cannot appear raw).
fn quote(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "%22")
        .replace(['\r', '\n'], " ")
}
