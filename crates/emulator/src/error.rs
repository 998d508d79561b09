//! Cloudinary-shaped errors: `{"error":{"message":...}}` with Cloudinary's HTTP status.

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// An API error (Upload or Admin API) or a delivery error (which also sets `x-cld-error`).
#[derive(Debug)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Cloudinary's message.
    pub message: String,
    /// Delivery errors answer with an `x-cld-error` header, as Cloudinary does.
    pub delivery: bool,
}

impl ApiError {
    /// An error with a status and message.
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            message: message.into(),
            delivery: false,
        }
    }
    /// 400.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }
    /// 401.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, message)
    }
    /// 404.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }
    /// 500, for storage failures.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, message)
    }
    /// Marks a delivery error.
    pub fn for_delivery(mut self) -> Self {
        self.delivery = true;
        self
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "error": { "message": self.message } });
        let mut response = (self.status, axum::Json(body)).into_response();
        if self.delivery {
            let header = HeaderValue::from_str(&self.message.replace(['\r', '\n'], " "))
                .unwrap_or_else(|_| HeaderValue::from_static("error"));
            response.headers_mut().insert("x-cld-error", header);
        }
        response
    }
}

impl From<std::io::Error> for ApiError {
    fn from(e: std::io::Error) -> Self {
        ApiError::internal(format!("storage error: {e}"))
    }
}

/// Handler result.
pub type ApiResult<T> = Result<T, ApiError>;
