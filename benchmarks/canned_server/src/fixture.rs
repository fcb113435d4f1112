//! The recorded exchanges and how a request finds its answer.
//!
//! A request is matched on its method, its path (with query string), the values of the fixture's
//! `match_headers` (continuation, partition key, query-plan flag, ...) and, for queries only, its exact body.
//! Document writes (POST to a `/docs` feed that is not a query or a batch) are answered from an echo
//! template instead: the recorded status and headers, and the request's own document with the recorded
//! system properties appended, so that every upsert or create of any id and size gets a well-formed answer.
//! Bulk requests (non-atomic batches) get one such echo per operation, from a template built from the same
//! recorded write (`bulk.rs`).
//! Keep these rules in step with `benchmarks/record_canned.py`, which writes the fixture.

use std::collections::{BTreeMap, HashMap, HashSet};

use bytes::Bytes;
use hyper::header::{HeaderName, HeaderValue};
use hyper::{HeaderMap, Method, StatusCode};
use serde::Deserialize;

use crate::bulk::{append_system_properties, BulkTemplate};

const FORMAT: u32 = 2;
const IS_QUERY: &str = "x-ms-documentdb-isquery";
const IS_QUERY_PLAN: &str = "x-ms-cosmos-is-query-plan-request";
const IS_BATCH: &str = "x-ms-cosmos-is-batch-request";
const IS_ATOMIC_BATCH: &str = "x-ms-cosmos-batch-atomic";
const IS_UPSERT: &str = "x-ms-documentdb-is-upsert";
/// Per-connection and per-message headers that hyper writes itself (or that a replay must not repeat).
const DROPPED_RESPONSE_HEADERS: &[&str] =
    &["content-length", "transfer-encoding", "connection", "keep-alive", "date", "server", "x-ms-activity-id"];

#[derive(Deserialize)]
struct FixtureFile {
    format: u32,
    host_placeholder: String,
    match_headers: Vec<String>,
    exchanges: Vec<ExchangeRecord>,
    echo: Vec<EchoRecord>,
}

#[derive(Deserialize)]
struct ExchangeRecord {
    method: String,
    path: String,
    #[serde(rename = "match")]
    matched: BTreeMap<String, String>,
    query_body: Option<String>,
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

#[derive(Deserialize)]
struct EchoRecord {
    method: String,
    path: String,
    upsert: String,
    status: u16,
    headers: Vec<(String, String)>,
    system_properties: String,
}

pub struct Exchange {
    pub status: StatusCode,
    pub headers: Vec<(HeaderName, HeaderValue)>,
    pub body: Bytes,
}

pub struct EchoTemplate {
    pub status: StatusCode,
    pub headers: Vec<(HeaderName, HeaderValue)>,
    system_properties: Vec<u8>,
}

pub enum Answer<'a> {
    Recorded(&'a Exchange),
    Echo(&'a EchoTemplate),
    Bulk(&'a BulkTemplate),
}

pub struct Fixture {
    match_headers: Vec<HeaderName>,
    exchanges: HashMap<Vec<u8>, Exchange>,
    echoes: HashMap<Vec<u8>, EchoTemplate>,
    /// By collection path (`/dbs/d/colls/c`).
    bulk: HashMap<String, BulkTemplate>,
}

impl EchoTemplate {
    /// The request's document with the recorded system properties (`_rid`, `_etag`, `_ts`, ...) appended.
    pub fn echo(&self, document: &Bytes) -> Bytes {
        let mut out = Vec::with_capacity(document.len() + self.system_properties.len() + 2);
        append_system_properties(document, &self.system_properties, &mut out);
        Bytes::from(out)
    }
}

fn header_str<'h>(headers: &'h HeaderMap, name: &str) -> &'h [u8] {
    headers.get(name).map_or(&[][..], |v| v.as_bytes())
}

/// 4.x sends its query-plan requests as `application/json` without the isquery flag.
fn is_query(headers: &HeaderMap) -> bool {
    header_str(headers, IS_QUERY).eq_ignore_ascii_case(b"true")
        || header_str(headers, IS_QUERY_PLAN).eq_ignore_ascii_case(b"true")
        || header_str(headers, "content-type").starts_with(b"application/query+json")
}

fn is_document_write(method: &Method, path: &str, headers: &HeaderMap) -> bool {
    method == Method::POST
        && path.trim_end_matches('/').ends_with("/docs")
        && !is_query(headers)
        && !header_str(headers, IS_BATCH).eq_ignore_ascii_case(b"true")
}

/// A bulk request: a batch that is not atomic (a transactional batch is, and says so or says nothing).
fn is_bulk_request(method: &Method, path: &str, headers: &HeaderMap) -> bool {
    method == Method::POST
        && path.trim_end_matches('/').ends_with("/docs")
        && header_str(headers, IS_BATCH).eq_ignore_ascii_case(b"true")
        && header_str(headers, IS_ATOMIC_BATCH).eq_ignore_ascii_case(b"false")
}

fn collection_path(docs_path: &str) -> &str {
    docs_path.trim_end_matches('/').trim_end_matches("/docs")
}

fn push_field(key: &mut Vec<u8>, field: &[u8]) {
    key.extend_from_slice(field);
    key.push(0);
}

fn converted_headers(
    recorded: Vec<(String, String)>,
    placeholder: &str,
    authority: &str,
) -> Result<Vec<(HeaderName, HeaderValue)>, String> {
    let mut headers = Vec::with_capacity(recorded.len());
    for (name, value) in recorded {
        let lower = name.to_ascii_lowercase();
        if DROPPED_RESPONSE_HEADERS.contains(&lower.as_str()) {
            continue;
        }
        let name = HeaderName::from_bytes(lower.as_bytes()).map_err(|e| format!("header {lower}: {e}"))?;
        let value = HeaderValue::from_str(&value.replace(placeholder, authority))
            .map_err(|e| format!("header {name} value: {e}"))?;
        headers.push((name, value));
    }
    Ok(headers)
}

impl Fixture {
    /// Loads a fixture written by `record_canned.py`, naming `authority` (`host:port`) wherever the recording
    /// named the recorded server, so that the account document sends clients back to this server.
    pub fn load(path: &str, authority: &str) -> Result<Fixture, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("read {path}: {e}"))?;
        let file: FixtureFile = serde_json::from_str(&text).map_err(|e| format!("parse {path}: {e}"))?;
        if file.format != FORMAT {
            return Err(format!("{path} has fixture format {}, this server reads {FORMAT}: re-record it", file.format));
        }
        let match_headers = file
            .match_headers
            .iter()
            .map(|name| HeaderName::from_bytes(name.to_ascii_lowercase().as_bytes()).map_err(|e| e.to_string()))
            .collect::<Result<Vec<_>, _>>()?;
        let mut fixture =
            Fixture { match_headers, exchanges: HashMap::new(), echoes: HashMap::new(), bulk: HashMap::new() };
        let placeholder = file.host_placeholder.as_str();
        for record in file.exchanges {
            let method = Method::from_bytes(record.method.as_bytes()).map_err(|e| e.to_string())?;
            let mut key = Vec::new();
            push_field(&mut key, method.as_str().as_bytes());
            push_field(&mut key, record.path.as_bytes());
            for name in &fixture.match_headers {
                push_field(&mut key, record.matched.get(name.as_str()).map_or(&b""[..], |v| v.as_bytes()));
            }
            if let Some(body) = &record.query_body {
                key.extend_from_slice(body.as_bytes());
            }
            let exchange = Exchange {
                status: StatusCode::from_u16(record.status).map_err(|e| e.to_string())?,
                headers: converted_headers(record.headers, placeholder, authority)?,
                body: Bytes::from(record.body.replace(placeholder, authority)),
            };
            fixture.exchanges.entry(key).or_insert(exchange);
        }
        let mut bulk_from_upsert = HashSet::new();
        for record in file.echo {
            let method = Method::from_bytes(record.method.as_bytes()).map_err(|e| e.to_string())?;
            let key = Self::echo_key(&method, &record.path, record.upsert.as_bytes());
            let template = EchoTemplate {
                status: StatusCode::from_u16(record.status).map_err(|e| e.to_string())?,
                headers: converted_headers(record.headers, placeholder, authority)?,
                system_properties: record.system_properties.into_bytes(),
            };
            // The bulk template comes from a recorded upsert when there is one: its charge is a small
            // document's, as the benchmark's are (a recorded create may be of the 1 MB document).
            let collection = collection_path(&record.path).to_owned();
            let is_upsert = !record.upsert.is_empty();
            let better = match fixture.bulk.get(&collection) {
                None => true,
                Some(_) => is_upsert && !bulk_from_upsert.contains(&collection),
            };
            if better {
                let bulk = BulkTemplate::new(&template.headers, &template.system_properties)?;
                fixture.bulk.insert(collection.clone(), bulk);
                if is_upsert {
                    bulk_from_upsert.insert(collection);
                }
            }
            fixture.echoes.entry(key).or_insert(template);
        }
        Ok(fixture)
    }

    pub fn len(&self) -> usize {
        self.exchanges.len() + self.echoes.len() + self.bulk.len()
    }

    fn echo_key(method: &Method, path: &str, upsert: &[u8]) -> Vec<u8> {
        let mut key = Vec::with_capacity(path.len() + 16);
        push_field(&mut key, method.as_str().as_bytes());
        push_field(&mut key, path.as_bytes());
        push_field(&mut key, upsert);
        key
    }

    fn exchange_key(&self, method: &Method, path: &str, headers: &HeaderMap, body: &[u8]) -> Vec<u8> {
        let mut key = Vec::with_capacity(path.len() + 64 + body.len());
        push_field(&mut key, method.as_str().as_bytes());
        push_field(&mut key, path.as_bytes());
        for name in &self.match_headers {
            push_field(&mut key, headers.get(name).map_or(&b""[..], |v| v.as_bytes()));
        }
        if is_query(headers) {
            key.extend_from_slice(body);
        }
        key
    }

    pub fn find(&self, method: &Method, path: &str, headers: &HeaderMap, body: &[u8]) -> Option<Answer<'_>> {
        if is_bulk_request(method, path, headers) {
            return self.bulk.get(collection_path(path)).map(Answer::Bulk);
        }
        if is_document_write(method, path, headers) {
            let upsert = header_str(headers, IS_UPSERT);
            return self.echoes.get(&Self::echo_key(method, path, upsert)).map(Answer::Echo);
        }
        self.exchanges.get(&self.exchange_key(method, path, headers, body)).map(Answer::Recorded)
    }

    /// What a request was matched on, for the log line and the 400 a miss gets.
    /// `reason`: why a found template still had no answer for it.
    pub fn describe(
        &self,
        method: &Method,
        path: &str,
        headers: &HeaderMap,
        body: &[u8],
        reason: Option<&str>,
    ) -> String {
        let mut text = format!("{method} {path}");
        for name in &self.match_headers {
            if let Some(value) = headers.get(name) {
                text.push_str(&format!(" {name}={}", String::from_utf8_lossy(value.as_bytes())));
            }
        }
        if let Some(reason) = reason {
            text.push_str(&format!(" ({reason})"));
        } else if is_bulk_request(method, path, headers) {
            text.push_str(" (bulk request: no document write to this collection recorded)");
        } else if is_document_write(method, path, headers) {
            text.push_str(" (document write: no echo template recorded)");
        } else if is_query(headers) {
            let shown = &body[..body.len().min(300)];
            text.push_str(&format!(" body={}", String::from_utf8_lossy(shown)));
        }
        text
    }
}
