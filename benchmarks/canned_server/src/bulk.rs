//! Bulk requests (`POST .../docs` with `x-ms-cosmos-is-batch-request: True` and
//! `x-ms-cosmos-batch-atomic: False`, what azure-cosmos 5's `execute_item_bulk` sends per partition key
//! range), answered without a recording per request: one result per operation, in order, each echoing the
//! operation's own document with the recorded system properties appended, as the emulator's
//! `resources/batch.py` answers them. The template is built from the recorded echo of a plain upsert to the
//! same collection: its headers, its charge per operation and its system properties.
//!
//! Cost per request: the body is parsed once (each `resourceBody` kept as raw bytes, not decoded) and the
//! answer written directly, per operation a prebuilt prefix, the document's bytes and the system properties.

use std::borrow::Cow;

use bytes::Bytes;
use hyper::header::{HeaderName, HeaderValue};
use serde::Deserialize;
use serde_json::value::RawValue;

const SESSION_TOKEN: &str = "x-ms-session-token";
const REQUEST_CHARGE: &str = "x-ms-request-charge";
pub const RANGE_ID: &str = "x-ms-documentdb-partitionkeyrangeid";
/// Headers of the recorded single-document answer that a bulk answer does not carry (the emulator sends no
/// `etag` for a batch) or carries with its own value.
const PER_REQUEST_HEADERS: &[&str] = &["etag", SESSION_TOKEN, REQUEST_CHARGE, RANGE_ID, "content-length"];

#[derive(Deserialize)]
struct Operation<'a> {
    #[serde(rename = "operationType", borrow)]
    kind: Cow<'a, str>,
    #[serde(rename = "resourceBody", borrow, default)]
    body: Option<&'a RawValue>,
}

pub struct BulkTemplate {
    /// The recorded headers that every bulk answer repeats (content path, versions, content type, ...).
    pub headers: Vec<(HeaderName, HeaderValue)>,
    /// The recorded session token after its range id (`:-1#12`): a bulk answer names its own range.
    session_suffix: String,
    charge_per_operation: f64,
    /// `{"statusCode":201,"requestCharge":..,"eTag":..,"resourceBody":` for a created document.
    created_prefix: Vec<u8>,
    /// The same with status 200, for a replaced one.
    replaced_prefix: Vec<u8>,
    system_properties: Vec<u8>,
}

/// What a bulk answer sends beyond the template's headers.
pub struct BulkAnswer {
    pub body: Bytes,
    pub per_request_headers: [(HeaderName, HeaderValue); 3],
}

impl BulkTemplate {
    /// From a recorded document write's headers and system properties (the members of the document's `_`
    /// properties, without braces).
    pub fn new(headers: &[(HeaderName, HeaderValue)], system_properties: &[u8]) -> Result<BulkTemplate, String> {
        let value = |name: &str| headers.iter().find(|(n, _)| n == name).and_then(|(_, v)| v.to_str().ok());
        let charge_per_operation = value(REQUEST_CHARGE).and_then(|c| c.parse::<f64>().ok()).unwrap_or(1.0);
        let session = value(SESSION_TOKEN).unwrap_or("0:-1#1");
        let session_suffix = session.find(':').map_or(":-1#1", |at| &session[at..]).to_owned();
        let mut object = Vec::with_capacity(system_properties.len() + 2);
        object.push(b'{');
        object.extend_from_slice(system_properties);
        object.push(b'}');
        let properties: serde_json::Map<String, serde_json::Value> =
            serde_json::from_slice(&object).map_err(|e| format!("recorded system properties: {e}"))?;
        let etag = properties.get("_etag").cloned().unwrap_or(serde_json::Value::Null);
        let prefix = |status: u16| {
            format!(
                "{{\"statusCode\":{status},\"requestCharge\":{charge_per_operation},\"eTag\":{etag},\"resourceBody\":"
            )
            .into_bytes()
        };
        Ok(BulkTemplate {
            headers: headers
                .iter()
                .filter(|(name, _)| !PER_REQUEST_HEADERS.contains(&name.as_str()))
                .cloned()
                .collect(),
            session_suffix,
            charge_per_operation,
            created_prefix: prefix(201),
            replaced_prefix: prefix(200),
            system_properties: system_properties.to_vec(),
        })
    }

    /// The answer to one bulk request for partition key range `range_id`, or why it has none (an
    /// operation kind without a document to echo, an unreadable body): the caller counts that as a miss.
    pub fn answer(&self, request_body: &[u8], range_id: &HeaderValue) -> Result<BulkAnswer, String> {
        let operations: Vec<Operation> =
            serde_json::from_slice(request_body).map_err(|e| format!("unreadable bulk body: {e}"))?;
        let documents: usize = operations.iter().map(|o| o.body.map_or(0, |b| b.get().len())).sum();
        let per_operation = self.created_prefix.len() + self.system_properties.len() + 4;
        let mut out = Vec::with_capacity(documents + operations.len() * per_operation + 2);
        out.push(b'[');
        for (index, operation) in operations.iter().enumerate() {
            // Every id is new to a server that stores nothing, so an upsert creates, as the benchmark's do.
            let prefix = match operation.kind.to_ascii_lowercase().as_str() {
                "create" | "upsert" => &self.created_prefix,
                "replace" => &self.replaced_prefix,
                other => return Err(format!("bulk operation {index} is a {other}: only writes are echoed")),
            };
            let Some(document) = operation.body else {
                return Err(format!("bulk operation {index} has no resourceBody"));
            };
            if index > 0 {
                out.push(b',');
            }
            out.extend_from_slice(prefix);
            append_system_properties(document.get().as_bytes(), &self.system_properties, &mut out);
            out.push(b'}');
        }
        out.push(b']');
        let range = range_id.to_str().map_err(|_| "unreadable partition key range id".to_owned())?;
        let session = format!("{range}{}", self.session_suffix);
        let charge = format!("{:.2}", self.charge_per_operation * operations.len() as f64);
        Ok(BulkAnswer {
            body: Bytes::from(out),
            per_request_headers: [
                (HeaderName::from_static(RANGE_ID), range_id.clone()),
                (HeaderName::from_static(SESSION_TOKEN), header_value(&session)?),
                (HeaderName::from_static(REQUEST_CHARGE), header_value(&charge)?),
            ],
        })
    }
}

fn header_value(text: &str) -> Result<HeaderValue, String> {
    HeaderValue::from_str(text).map_err(|e| format!("header value {text}: {e}"))
}

/// `document` (a JSON object) with `system_properties` (members without braces) added before its closing
/// brace, written to `out`; anything that is not an object is written as it is.
pub fn append_system_properties(document: &[u8], system_properties: &[u8], out: &mut Vec<u8>) {
    let end = document.iter().rposition(|b| !b.is_ascii_whitespace()).map_or(0, |i| i + 1);
    let trimmed = &document[..end];
    let Some(close) = trimmed.iter().rposition(|&b| b == b'}') else {
        out.extend_from_slice(document);
        return;
    };
    let has_members = trimmed[..close].iter().any(|&b| !matches!(b, b'{' | b' ' | b'\n' | b'\r' | b'\t'));
    out.extend_from_slice(&trimmed[..close]);
    if has_members {
        out.push(b',');
    }
    out.extend_from_slice(system_properties);
    out.push(b'}');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn template() -> BulkTemplate {
        let headers = vec![
            (HeaderName::from_static("x-ms-content-path"), HeaderValue::from_static("AAAAAYAAAAE=")),
            (HeaderName::from_static(SESSION_TOKEN), HeaderValue::from_static("2:-1#12")),
            (HeaderName::from_static(REQUEST_CHARGE), HeaderValue::from_static("5.82")),
            (HeaderName::from_static("etag"), HeaderValue::from_static("\"e\"")),
        ];
        BulkTemplate::new(&headers, br#""_rid":"r","_etag":"\"e1\"","_ts":7"#).unwrap()
    }

    #[test]
    fn answers_each_operation_in_order_with_its_own_document() {
        let body = br#"[{"operationType":"Upsert","resourceBody":{"id":"a","pk":"p"},"partitionKey":"[\"p\"]"},
                        {"operationType":"Create","resourceBody":{ },"partitionKey":"[\"q\"]"}]"#;
        let answer = template().answer(body, &HeaderValue::from_static("3")).unwrap();
        let results: Vec<serde_json::Value> = serde_json::from_slice(&answer.body).unwrap();
        assert_eq!(results.len(), 2);
        assert_eq!(results[0]["statusCode"], 201);
        assert_eq!(results[0]["eTag"], "\"e1\"");
        assert_eq!(results[0]["resourceBody"]["id"], "a");
        assert_eq!(results[0]["resourceBody"]["_ts"], 7);
        assert_eq!(results[1]["resourceBody"], serde_json::json!({"_rid": "r", "_etag": "\"e1\"", "_ts": 7}));
        let headers: Vec<(&str, &str)> =
            answer.per_request_headers.iter().map(|(n, v)| (n.as_str(), v.to_str().unwrap())).collect();
        assert_eq!(headers, [(RANGE_ID, "3"), (SESSION_TOKEN, "3:-1#12"), (REQUEST_CHARGE, "11.64")]);
    }

    #[test]
    fn keeps_only_the_headers_every_answer_repeats() {
        let template = template();
        let names: Vec<&str> = template.headers.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["x-ms-content-path"]);
    }

    #[test]
    fn refuses_operations_it_cannot_echo() {
        let range = HeaderValue::from_static("0");
        assert!(template().answer(br#"[{"operationType":"Read","id":"a"}]"#, &range).is_err());
        assert!(template().answer(br#"[{"operationType":"Upsert"}]"#, &range).is_err());
        assert!(template().answer(b"not json", &range).is_err());
    }
}
