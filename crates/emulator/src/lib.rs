//! # cirrus-emulator
//!
//! A local Cloudinary-compatible server for development and tests: the Upload API (signed and unsigned
//! uploads, chunked uploads, destroy, rename, explicit), Admin API reads, and delivery with image
//! transformations, signed URLs and auth tokens. Signatures are checked exactly as Cloudinary checks
//! them; assets persist in a data directory (blobs plus an embedded redb index). Faults can be injected
//! per endpoint for resilience tests.
#![deny(missing_docs)]

mod access;
mod admin;
mod admin_listing;
mod admin_update;
pub mod app;
mod archive;
mod asset;
mod auth;
pub mod chunks;
pub mod clock;
pub mod delivery;
pub mod error;
pub mod faults;
mod folders;
mod manage;
pub mod media;
pub mod request;
pub mod settings;
pub mod store;
mod tagging;
pub mod transform;
mod upload;

pub use settings::{Preset, Settings};
use std::future::Future;
use std::sync::Arc;

/// Serves on `listener` until `shutdown` completes, sweeping expired chunked uploads in the background.
pub async fn serve(
    settings: Settings,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = Arc::new(app::App::new(settings)?);
    let sweeper = {
        let app = app.clone();
        tokio::spawn(async move {
            let every = (app.settings.chunk_ttl / 4).clamp(
                std::time::Duration::from_millis(200),
                std::time::Duration::from_secs(60),
            );
            loop {
                tokio::time::sleep(every).await;
                app.chunks.sweep(app.settings.chunk_ttl);
            }
        })
    };
    let result = axum::serve(listener, app::router(app))
        .with_graceful_shutdown(shutdown)
        .await;
    sweeper.abort();
    result
}
