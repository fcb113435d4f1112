//! A small closed-loop HTTP/1.1 load generator (no `wrk` on the benchmark machine): measures how many
//! requests per second the canned server answers, so its cost per request can be shown to be negligible.
//!
//! ```text
//! canned_load --port PORT [--path /dbs/bench/colls/items/docs/r1] [--header 'name: value']...
//!             [--connections 16] [--seconds 5]
//! ```
//!
//! Each connection keeps one request in flight on a kept-alive connection and reads the answer by its
//! Content-Length. Prints one JSON line: requests, seconds, requests_per_s, non_200.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

struct Options {
    port: u16,
    path: String,
    headers: Vec<String>,
    connections: usize,
    seconds: f64,
}

fn parse_options() -> Result<Options, String> {
    let mut options = Options {
        port: 0,
        path: "/dbs/bench/colls/items/docs/r1".into(),
        headers: Vec::new(),
        connections: 16,
        seconds: 5.0,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--port" => options.port = value.parse().map_err(|e| format!("--port: {e}"))?,
            "--path" => options.path = value,
            "--header" => options.headers.push(value),
            "--connections" => options.connections = value.parse().map_err(|e| format!("--connections: {e}"))?,
            "--seconds" => options.seconds = value.parse().map_err(|e| format!("--seconds: {e}"))?,
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if options.port == 0 {
        return Err("--port is required".into());
    }
    Ok(options)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|window| window == needle)
}

fn content_length(head: &[u8]) -> usize {
    let text = String::from_utf8_lossy(head).to_ascii_lowercase();
    text.lines()
        .find_map(|line| line.strip_prefix("content-length:").map(|v| v.trim().parse().unwrap_or(0)))
        .unwrap_or(0)
}

/// Sends requests one after another until `deadline`; returns (answered, answered with a status other than 200).
async fn connection(port: u16, request: Vec<u8>, deadline: Instant) -> std::io::Result<(u64, u64)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).await?;
    stream.set_nodelay(true)?;
    let mut buffer: Vec<u8> = Vec::with_capacity(64 * 1024);
    let mut chunk = vec![0u8; 64 * 1024];
    let (mut answered, mut not_ok) = (0u64, 0u64);
    while Instant::now() < deadline {
        stream.write_all(&request).await?;
        let head_end = loop {
            if let Some(end) = find(&buffer, b"\r\n\r\n") {
                break end + 4;
            }
            let read = stream.read(&mut chunk).await?;
            if read == 0 {
                return Ok((answered, not_ok));
            }
            buffer.extend_from_slice(&chunk[..read]);
        };
        let total = head_end + content_length(&buffer[..head_end]);
        while buffer.len() < total {
            let read = stream.read(&mut chunk).await?;
            if read == 0 {
                return Ok((answered, not_ok));
            }
            buffer.extend_from_slice(&chunk[..read]);
        }
        if !buffer.starts_with(b"HTTP/1.1 200") {
            not_ok += 1;
        }
        buffer.drain(..total);
        answered += 1;
    }
    Ok((answered, not_ok))
}

fn main() {
    let options = match parse_options() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(2);
        }
    };
    let mut request = format!("GET {} HTTP/1.1\r\nhost: 127.0.0.1:{}\r\n", options.path, options.port);
    for header in &options.headers {
        request.push_str(header);
        request.push_str("\r\n");
    }
    request.push_str("\r\n");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("tokio runtime");
    let started = Instant::now();
    let deadline = started + Duration::from_secs_f64(options.seconds);
    let (answered, not_ok) = runtime.block_on(async {
        let tasks: Vec<_> = (0..options.connections)
            .map(|_| tokio::spawn(connection(options.port, request.clone().into_bytes(), deadline)))
            .collect();
        let (mut answered, mut not_ok) = (0u64, 0u64);
        for task in tasks {
            match task.await {
                Ok(Ok((a, n))) => {
                    answered += a;
                    not_ok += n;
                }
                Ok(Err(error)) => eprintln!("connection failed: {error}"),
                Err(error) => eprintln!("task failed: {error}"),
            }
        }
        (answered, not_ok)
    });
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{{\"requests\": {answered}, \"seconds\": {seconds:.3}, \"requests_per_s\": {:.0}, \"non_200\": {not_ok}}}",
        answered as f64 / seconds
    );
}
