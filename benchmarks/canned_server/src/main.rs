//! A fixture for measuring Cosmos DB clients: it answers the requests of the benchmark's workloads with
//! responses recorded from the emulator (`benchmarks/record_canned.py`), so that its own cost per request is
//! negligible next to the client's. It is not an emulator: it keeps no state, checks no signature and
//! answers only what was recorded (anything else gets a 400 naming the request, and is counted), document
//! writes and bulk requests of any document excepted (echoed with recorded system properties).
//!
//! ```text
//! canned_server --fixture PATH [--host 127.0.0.1] [--port 0] [--threads 1]
//! ```
//!
//! Prints `canned-server ready endpoint=http://HOST:PORT/` once it accepts connections.
//! `GET /_canned/stats` answers `{"requests": N, "misses": M, "recent_misses": [...]}`.

mod bulk;
mod fixture;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::{HeaderName, HeaderValue, CONTENT_TYPE};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

use fixture::{Answer, Fixture};

const MAX_RECENT_MISSES: usize = 20;

struct Server {
    fixture: Fixture,
    requests: AtomicU64,
    misses: AtomicU64,
    recent_misses: Mutex<Vec<String>>,
    activity_seed: AtomicU64,
}

struct Options {
    fixture: String,
    host: String,
    port: u16,
    threads: usize,
}

fn parse_options() -> Result<Options, String> {
    let mut options = Options { fixture: String::new(), host: "127.0.0.1".into(), port: 0, threads: 1 };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--fixture" => options.fixture = value()?,
            "--host" => options.host = value()?,
            "--port" => options.port = value()?.parse().map_err(|e| format!("--port: {e}"))?,
            "--threads" => options.threads = value()?.parse().map_err(|e| format!("--threads: {e}"))?,
            "-h" | "--help" => {
                return Err("usage: canned_server --fixture PATH [--host 127.0.0.1] [--port 0] [--threads 1]".into())
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if options.fixture.is_empty() {
        return Err("--fixture PATH is required (record one with benchmarks/record_canned.py)".into());
    }
    Ok(options)
}

fn main() {
    let options = match parse_options() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(2);
        }
    };
    // One thread by default: on a small machine the server should take as little CPU from the client as
    // it can, and one core answers far more requests per second than any client under test sends.
    let runtime = if options.threads <= 1 {
        tokio::runtime::Builder::new_current_thread().enable_all().build()
    } else {
        tokio::runtime::Builder::new_multi_thread().worker_threads(options.threads).enable_all().build()
    }
    .expect("tokio runtime");
    if let Err(message) = runtime.block_on(serve(options)) {
        eprintln!("canned-server: {message}");
        std::process::exit(1);
    }
}

async fn serve(options: Options) -> Result<(), String> {
    let listener = TcpListener::bind((options.host.as_str(), options.port))
        .await
        .map_err(|e| format!("bind {}:{}: {e}", options.host, options.port))?;
    let address: SocketAddr = listener.local_addr().map_err(|e| e.to_string())?;
    let authority = format!("{}:{}", options.host, address.port());
    let fixture = Fixture::load(&options.fixture, &authority)?;
    let server = Arc::new(Server {
        fixture,
        requests: AtomicU64::new(0),
        misses: AtomicU64::new(0),
        recent_misses: Mutex::new(Vec::new()),
        activity_seed: AtomicU64::new(seed()),
    });
    println!("canned-server ready endpoint=http://{authority}/ exchanges={}", server.fixture.len());
    loop {
        let (stream, _) = match listener.accept().await {
            Ok(connection) => connection,
            Err(error) => {
                eprintln!("canned-server: accept: {error}");
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let server = server.clone();
        tokio::spawn(async move {
            let service = service_fn(move |request| answer(server.clone(), request));
            let _ = http1::Builder::new().keep_alive(true).serve_connection(TokioIo::new(stream), service).await;
        });
    }
}

fn seed() -> u64 {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(1);
    (nanos as u64) ^ ((std::process::id() as u64) << 32) | 1
}

/// A fresh activity id per response, as the service sends: a UUID-shaped value from a counter mixed with
/// splitmix64 (uniqueness is all a client can observe; no randomness source is needed per request).
fn activity_id(server: &Server) -> HeaderValue {
    let mut state = server.activity_seed.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed);
    let mut next = || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let (high, low) = (next(), next());
    let text = format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        high >> 32,
        (high >> 16) & 0xffff,
        high & 0x0fff,
        (low >> 48) & 0x3fff | 0x8000,
        low & 0xffff_ffff_ffff
    );
    HeaderValue::from_str(&text).expect("hex is a valid header value")
}

async fn answer(server: Arc<Server>, request: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    server.requests.fetch_add(1, Ordering::Relaxed);
    let (parts, body) = request.into_parts();
    let body = match body.collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => Bytes::new(),
    };
    let path = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    if path == "/_canned/stats" {
        return Ok(stats(&server));
    }
    let mut extra_headers = None;
    let (status, headers, response_body) = match server.fixture.find(&parts.method, path, &parts.headers, &body) {
        Some(Answer::Recorded(exchange)) => (exchange.status, &exchange.headers, exchange.body.clone()),
        Some(Answer::Echo(template)) => (template.status, &template.headers, template.echo(&body)),
        Some(Answer::Bulk(template)) => {
            let range = parts.headers.get(bulk::RANGE_ID).cloned().unwrap_or(HeaderValue::from_static("0"));
            match template.answer(&body, &range) {
                Ok(answer) => {
                    extra_headers = Some(answer.per_request_headers);
                    (StatusCode::OK, &template.headers, answer.body)
                }
                Err(reason) => return Ok(miss(&server, &parts.method, path, &parts.headers, &body, Some(&reason))),
            }
        }
        None => return Ok(miss(&server, &parts.method, path, &parts.headers, &body, None)),
    };
    let mut response = Response::new(Full::new(response_body));
    *response.status_mut() = status;
    let response_headers = response.headers_mut();
    response_headers.reserve(headers.len() + 4);
    for (name, value) in headers {
        response_headers.append(name.clone(), value.clone());
    }
    for (name, value) in extra_headers.into_iter().flatten() {
        response_headers.insert(name, value);
    }
    response_headers.insert(HeaderName::from_static("x-ms-activity-id"), activity_id(&server));
    Ok(response)
}

fn miss(
    server: &Server,
    method: &hyper::Method,
    path: &str,
    headers: &hyper::HeaderMap,
    body: &Bytes,
    reason: Option<&str>,
) -> Response<Full<Bytes>> {
    server.misses.fetch_add(1, Ordering::Relaxed);
    let description = server.fixture.describe(method, path, headers, body, reason);
    eprintln!("canned-server: no recorded answer for {description}");
    {
        let mut recent = server.recent_misses.lock().expect("misses lock");
        if recent.len() < MAX_RECENT_MISSES {
            recent.push(description.clone());
        }
    }
    let message = serde_json::json!({
        "code": "BadRequest",
        "message": format!("canned server: no recorded answer for {description}; re-record the fixture"),
    });
    json_response(StatusCode::BAD_REQUEST, message)
}

fn stats(server: &Server) -> Response<Full<Bytes>> {
    let recent = server.recent_misses.lock().expect("misses lock").clone();
    json_response(
        StatusCode::OK,
        serde_json::json!({
            "requests": server.requests.load(Ordering::Relaxed),
            "misses": server.misses.load(Ordering::Relaxed),
            "recent_misses": recent,
        }),
    )
}

fn json_response(status: StatusCode, value: serde_json::Value) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(value.to_string())));
    *response.status_mut() = status;
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}
