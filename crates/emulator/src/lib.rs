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
use std::future::{Future, IntoFuture};
use std::sync::Arc;

/// Opens the data directory and serves on `listener` until `shutdown` completes (see [`serve_app`]).
pub async fn serve(
    settings: Settings,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_app(Arc::new(app::App::new(settings)?), listener, shutdown).await
}

/// How long connections may take to finish after `shutdown`: a browser's idle keep-alive connection must
/// not keep the port held (nor the data directory locked) after a stop was asked for.
const DRAIN: std::time::Duration = std::time::Duration::from_secs(3);

/// Serves an opened [`app::App`] on `listener` until `shutdown` completes and in-flight requests finish
/// (at most [`DRAIN`] longer), sweeping expired chunked uploads in the background. Opening first lets a
/// caller report a locked or unreadable data directory before it announces that it listens. After the
/// drain deadline, connections still open are abandoned, not awaited: their tasks hold the app (and its
/// data directory's lock) until they end, so a process that serves again from the same directory should
/// exit, as the binary does, or wait for them.
pub async fn serve_app(
    app: Arc<app::App>,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
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
    let (stopping_tx, stopping_rx) = tokio::sync::oneshot::channel::<()>();
    let signal = async move {
        shutdown.await;
        let _ = stopping_tx.send(());
    };
    let server = axum::serve(listener, app::router(app)).with_graceful_shutdown(signal);
    let result = tokio::select! {
        r = server.into_future() => r,
        () = async {
            // Only once shutdown was asked for does the drain deadline start.
            if stopping_rx.await.is_ok() {
                tokio::time::sleep(DRAIN).await;
            } else {
                std::future::pending::<()>().await;
            }
        } => Ok(()),
    };
    sweeper.abort();
    result
}
