//! `cirrus-emulator`: run a local Cloudinary-compatible server.

use cirrus_emulator::{faults, Preset, Settings};
use std::io::Write;
use std::time::Duration;

// Wrapped to fit 80 columns (a CLI test checks every help text).
const USAGE: &str = "usage: cirrus-emulator [options]

  --host HOST           address to listen on (default 127.0.0.1)
  --port PORT           port (default 0: a free port)
  --data DIR            data directory (default .cirrus-emulator)
  --cloud-name NAME     account cloud name  \\
  --api-key KEY         account api key      > or CLOUDINARY_URL
  --api-secret SECRET   account api secret  /  (env or --cloudinary-url)
  --cloudinary-url URL  cloudinary://KEY:SECRET@CLOUD
  --auth-token-key HEX  enable token-based access control with this key
  --preset SPEC         upload preset: NAME[,unsigned][,folder=F][,tags=A;B]
                        (repeatable)
  --max-body-mb N       largest request body (default 512; larger is 413)
  --chunk-ttl-secs N    how long unfinished chunked uploads are kept
                        (default 3600)
  --min-chunk-bytes N   smallest chunk but the last (default 5242880,
                        Cloudinary's 5 MB)
  --max-megapixels N    largest image accepted for upload (default 50)
  --derived-cache-mb N  disk kept for transformed images, oldest evicted
                        (default 256)
  --fault SPEC          ENDPOINT:500=R,502=R,429=R,reset=R,after500=R,
                        afterreset=R,aftertimeout=R,hang=MS,latency=MS
                        (repeatable; after*: the request is applied, then its
                        answer is lost; ENDPOINT is *, upload, destroy,
                        rename, explicit, admin or delivery)
  --quiet               do not log requests on stderr
  --stop-on-stdin-eof   stop when stdin closes (a parent that dies, even by
                        SIGKILL, stops it)

Prints `listening on http://HOST:PORT` on stdout when ready; Ctrl-C stops it
cleanly.";

fn fail(message: &str) -> ! {
    eprintln!("cirrus-emulator: {message}\n\n{USAGE}");
    std::process::exit(2);
}

/// A failure to start that is not a usage error (a locked data directory, a port in use): one line, exit 1.
fn die(message: &str) -> ! {
    eprintln!("cirrus-emulator: {message}");
    std::process::exit(1);
}

fn parse_preset(spec: &str) -> Result<(String, Preset), String> {
    let mut parts = spec.split(',');
    let name = parts
        .next()
        .filter(|n| !n.is_empty())
        .ok_or("--preset needs a name")?
        .to_owned();
    let mut preset = Preset::default();
    for part in parts {
        match part.split_once('=') {
            None if part == "unsigned" => preset.unsigned = true,
            Some(("folder", f)) => preset.folder = Some(f.to_owned()),
            Some(("tags", t)) => {
                preset.tags = t
                    .split(';')
                    .filter(|t| !t.is_empty())
                    .map(str::to_owned)
                    .collect()
            }
            _ => return Err(format!("--preset {spec}: unknown setting {part}")),
        }
    }
    Ok((name, preset))
}

fn settings_from_args() -> Result<(Settings, String, u16), String> {
    let mut args = std::env::args().skip(1);
    let (mut host, mut port, mut data) =
        ("127.0.0.1".to_owned(), 0u16, ".cirrus-emulator".to_owned());
    let (mut cloud, mut key, mut secret) = (None, None, None);
    let mut url = std::env::var("CLOUDINARY_URL").ok();
    let mut extra: Vec<(String, String)> = Vec::new();
    let mut quiet = false;
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--help" | "-h" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            "--host" => host = value("--host")?,
            "--port" => {
                port = value("--port")?
                    .parse()
                    .map_err(|_| "--port must be a number".to_owned())?
            }
            "--data" => data = value("--data")?,
            "--cloud-name" => cloud = Some(value("--cloud-name")?),
            "--api-key" => key = Some(value("--api-key")?),
            "--api-secret" => secret = Some(value("--api-secret")?),
            "--cloudinary-url" => url = Some(value("--cloudinary-url")?),
            "--quiet" => quiet = true,
            // Read again by `main`: it is a lifeline, not a setting of the server.
            "--stop-on-stdin-eof" => {}
            flag @ ("--auth-token-key" | "--preset" | "--max-body-mb" | "--chunk-ttl-secs"
            | "--min-chunk-bytes" | "--fault" | "--max-megapixels"
            | "--derived-cache-mb") => extra.push((flag.to_owned(), value(flag)?)),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if let (Some(url), true) = (&url, cloud.is_none() || key.is_none() || secret.is_none()) {
        let config = cirrus_core::parse_cloudinary_url(url)
            .map_err(|e| format!("CLOUDINARY_URL: {}", e.message))?;
        let get = |k: &str| config.get(k).as_str().map(str::to_owned);
        cloud = cloud.or(get("cloud_name"));
        key = key.or(get("api_key"));
        secret = secret.or(get("api_secret"));
    }
    let (Some(cloud), Some(key), Some(secret)) = (cloud, key, secret) else {
        return Err(
            "the account is needed: --cloud-name, --api-key and --api-secret, or CLOUDINARY_URL"
                .to_owned(),
        );
    };
    let mut settings = Settings::new(&cloud, &key, &secret, data);
    settings.log_requests = !quiet;
    for (flag, v) in extra {
        apply_flag(&mut settings, &flag, &v)?;
    }
    Ok((settings, host, port))
}

/// A flag that sets something beyond the account, address and data directory.
fn apply_flag(settings: &mut Settings, flag: &str, v: &str) -> Result<(), String> {
    match flag {
        "--auth-token-key" => settings.auth_token_key = Some(v.to_owned()),
        "--preset" => {
            let (name, preset) = parse_preset(v)?;
            settings.presets.insert(name, preset);
        }
        "--max-body-mb" => {
            settings.max_body_bytes = v
                .parse::<usize>()
                .map_err(|_| "--max-body-mb must be a number")?
                << 20
        }
        "--max-megapixels" => {
            settings.max_megapixels = v
                .parse::<f64>()
                .ok()
                .filter(|n| *n > 0.0)
                .ok_or("--max-megapixels must be a positive number")?
        }
        "--derived-cache-mb" => {
            settings.derived_cache_bytes = v
                .parse::<u64>()
                .map_err(|_| "--derived-cache-mb must be a number")?
                * 1024
                * 1024
        }
        "--min-chunk-bytes" => {
            settings.min_chunk_bytes = v
                .parse()
                .map_err(|_| "--min-chunk-bytes must be a number")?;
        }
        "--chunk-ttl-secs" => {
            settings.chunk_ttl =
                Duration::from_secs(v.parse().map_err(|_| "--chunk-ttl-secs must be a number")?)
        }
        _ => {
            let (endpoint, rule) = faults::parse_rule(v)?;
            settings.faults.insert(endpoint, rule);
        }
    }
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    let orphaned = async {
        if std::env::args().any(|a| a == "--stop-on-stdin-eof") {
            // The parent holds the other end of stdin; EOF (or an error) means it is gone.
            let mut sink = [0u8; 256];
            let mut stdin = tokio::io::stdin();
            while matches!(tokio::io::AsyncReadExt::read(&mut stdin, &mut sink).await, Ok(n) if n > 0)
            {
            }
        } else {
            std::future::pending::<()>().await
        }
    };
    tokio::select! { _ = ctrl_c => {}, _ = term => {}, _ = orphaned => {} }
}

#[tokio::main]
async fn main() {
    let (settings, host, port) = settings_from_args().unwrap_or_else(|e| fail(&e));
    // Storage opens before the port does, so "listening" means ready to serve.
    let app = cirrus_emulator::app::App::new(settings)
        .map(std::sync::Arc::new)
        .unwrap_or_else(|e| die(&e.to_string()));
    let listener = tokio::net::TcpListener::bind((host.as_str(), port))
        .await
        .unwrap_or_else(|e| die(&format!("cannot listen on {host}:{port}: {e}")));
    let addr = listener
        .local_addr()
        .unwrap_or_else(|e| fail(&e.to_string()));
    println!("listening on http://{addr}");
    let _ = std::io::stdout().flush();
    if let Err(e) = cirrus_emulator::serve_app(app, listener, shutdown_signal()).await {
        eprintln!("cirrus-emulator: {e}");
        std::process::exit(1);
    }
    eprintln!("cirrus-emulator: stopped");
    // Exit now: a blocked read of stdin (the lifeline) would keep the runtime from shutting down.
    std::process::exit(0);
}
