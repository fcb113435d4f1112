//! The one signed REST call path, for what the driver does not model (partition-key
//! delete, conflicts; later users, permissions, scripts).
//!
//! Built on azure_core's HTTP pipeline (its retry and logging policies, its HMAC)
//! over a reqwest transport that follows the same TLS rule as the driver: certificate
//! checks are skipped only for loopback hosts when the client asked for it. It runs
//! on the same process-wide tokio runtime as every other operation.

use std::sync::Arc;
use std::time::Duration;

use azure_core::credentials::Secret;
use azure_core::http::headers::{HeaderName, HeaderValue};
use azure_core::http::{
    ClientOptions, Context, Method, Pipeline, PipelineSendOptions, Request, RetryOptions,
    Transport, Url,
};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::credentials::Auth;
use crate::diagnostics::{duration_ms, Diagnostics, RestAttempt};
use crate::errors::{build_exception, FailureKind};
use crate::options::{ClientOptions as EngineClientOptions, RequestOptions};
use crate::request_slots::RequestSlots;
use crate::response::{HeaderPairs, PyResponse};
use crate::retry::{Attempts, Failure, RetryPolicy};

/// The REST API version 4.x speaks.
const API_VERSION: &str = "2020-07-15";

/// A resource the REST path addresses, by name.
#[derive(Clone)]
pub struct RestTarget {
    /// `POST`, `GET`, `PUT`, `DELETE`.
    pub method: Method,
    /// The resource type of the request as signed (`colls`, `conflicts`, ...).
    pub resource_type: &'static str,
    /// The link signed: the addressed resource (`dbs/d/colls/c/conflicts/x`) or, for a
    /// feed or a create, its parent (`dbs/d/colls/c`).
    pub resource_link: String,
    /// The request path after the endpoint (`dbs/d/colls/c/conflicts`).
    pub path: String,
}

/// The headers that make a POST to a feed a query.
pub fn rest_query_headers() -> Vec<(String, String)> {
    vec![
        ("x-ms-documentdb-isquery".to_owned(), "True".to_owned()),
        (
            "content-type".to_owned(),
            "application/query+json".to_owned(),
        ),
    ]
}

pub struct RestClient {
    pipeline: Pipeline,
    endpoint: Url,
    auth: Auth,
    retry: RetryPolicy,
    slots: RequestSlots,
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// `type=master&ver=1.0&sig=...`, URL-encoded, over 4.x's string to sign.
fn authorization(
    key: &Secret,
    method: &Method,
    target: &RestTarget,
    date: &str,
) -> azure_core::Result<String> {
    let to_sign = format!(
        "{}\n{}\n{}\n{}\n\n",
        method.as_ref().to_ascii_lowercase(),
        target.resource_type.to_ascii_lowercase(),
        target.resource_link,
        date.to_ascii_lowercase()
    );
    let signature = azure_core::hmac::hmac_sha256(&to_sign, key)?;
    let token = format!("type=master&ver=1.0&sig={signature}");
    Ok(url::form_urlencoded::byte_serialize(token.as_bytes()).collect())
}

impl RestClient {
    pub fn new(options: &EngineClientOptions, slots: RequestSlots) -> PyResult<Arc<Self>> {
        let endpoint: Url = options.endpoint.parse().map_err(|_| {
            crate::errors::client_error(format!("invalid account endpoint {:?}", options.endpoint))
        })?;
        let mut http = reqwest::Client::builder().http1_only();
        if !options.connection_verify && is_loopback(&endpoint) {
            // The driver's rule, restated for this transport: a local emulator's
            // self-signed certificate is accepted, nowhere else.
            http = http.danger_accept_invalid_certs(true);
        }
        if let Some(timeout) = options.connection_timeout {
            http = http.connect_timeout(timeout.max(Duration::from_millis(100)));
        }
        if let Some(timeout) = options.request_timeout {
            http = http.read_timeout(timeout.max(Duration::from_millis(100)));
        }
        let http = http.build().map_err(|e| {
            crate::errors::client_error(format!("cannot build the HTTP transport: {e}"))
        })?;
        let client_options = ClientOptions {
            transport: Some(Transport::new(Arc::new(http))),
            // Retries are the engine's (`crate::retry`), the same rules as for driver
            // operations; azure_core's own would also retry non-idempotent POSTs.
            retry: RetryOptions::none(),
            ..Default::default()
        };
        let pipeline = Pipeline::new(
            Some(env!("CARGO_PKG_NAME")),
            Some(env!("CARGO_PKG_VERSION")),
            client_options,
            Vec::new(),
            Vec::new(),
            None,
        );
        Ok(Arc::new(Self {
            pipeline,
            endpoint,
            auth: options.auth.clone(),
            retry: options.retry.clone(),
            slots,
        }))
    }

    /// Sends one request, retried by the client's policy; a service error status
    /// becomes the 4.x exception.
    pub async fn send(
        &self,
        target: RestTarget,
        headers: Vec<(String, String)>,
        body: Option<Vec<u8>>,
        options: &RequestOptions,
    ) -> PyResult<PyResponse> {
        self.send_checked(target, headers, body, options)
            .await
            .map_err(|failure| failure.error)
    }

    /// [`send`](Self::send), with the status of a failure kept for callers that
    /// act on it (e.g. a 410 after a partition split).
    pub async fn send_checked(
        &self,
        target: RestTarget,
        headers: Vec<(String, String)>,
        body: Option<Vec<u8>>,
        options: &RequestOptions,
    ) -> Result<PyResponse, RestFailure> {
        self.send_with_policy(&self.retry, target, headers, body, options)
            .await
    }

    /// [`send_checked`](Self::send_checked) under another retry policy, for callers
    /// that handle some failures themselves (bulk paces its own throttled requests).
    pub async fn send_with_policy(
        &self,
        policy: &RetryPolicy,
        target: RestTarget,
        headers: Vec<(String, String)>,
        body: Option<Vec<u8>>,
        options: &RequestOptions,
    ) -> Result<PyResponse, RestFailure> {
        let read_only = target.method == Method::Get
            || headers
                .iter()
                .any(|(name, _)| name.eq_ignore_ascii_case("x-ms-documentdb-isquery"));
        let mut attempts = Attempts::new(policy, read_only);
        let url = self.endpoint.join(&target.path).map_err(|e| RestFailure {
            status: None,
            sub_status: None,
            retry_after: None,
            error: crate::errors::client_error(format!("invalid resource path: {e}")),
        })?;
        let mut log = Vec::new();
        loop {
            let started = std::time::Instant::now();
            let outcome = self
                .slots
                .run(|| self.attempt(&url, &target, &headers, body.as_ref(), options))
                .await;
            let mut record = RestAttempt {
                method: target.method.as_ref().to_owned(),
                url: url.to_string(),
                status_code: None,
                sub_status_code: None,
                duration_ms: duration_ms(started.elapsed()),
                activity_id: None,
                request_charge: None,
                error: None,
            };
            match outcome {
                Ok(response) => {
                    record.describe(&response);
                    log.push(record);
                    return Ok(response.with_diagnostics(Diagnostics::Rest(Arc::new(log))));
                }
                Err(failed) => {
                    record.status_code = failed.status;
                    record.sub_status_code = failed.sub_status;
                    record.activity_id = failed.activity_id.clone();
                    record.request_charge = failed.request_charge;
                    record.error = Some(failed.note.clone());
                    log.push(record);
                    match attempts.next_wait(failed.failure, failed.retry_after) {
                        Some(wait) => tokio::time::sleep(wait).await,
                        None => {
                            let diagnostics = Diagnostics::Rest(Arc::new(log));
                            return Err(RestFailure {
                                status: failed.status,
                                sub_status: failed.sub_status,
                                retry_after: failed.retry_after,
                                error: crate::diagnostics::attach(failed.error, Some(diagnostics)),
                            });
                        }
                    }
                }
            }
        }
    }

    async fn attempt(
        &self,
        url: &Url,
        target: &RestTarget,
        headers: &[(String, String)],
        body: Option<&Vec<u8>>,
        options: &RequestOptions,
    ) -> Result<PyResponse, FailedAttempt> {
        let mut request = Request::new(url.clone(), target.method);
        let date = azure_core::time::to_rfc7231(&time::OffsetDateTime::now_utc());
        let auth = match &self.auth {
            Auth::Key(key) => authorization(key, &target.method, target, &date).map_err(|e| {
                FailedAttempt::last(failure(
                    FailureKind::Auth,
                    401,
                    &format!("cannot sign the request: {e}"),
                ))
            })?,
            Auth::Token(credential) => credential
                .authorization()
                .await
                .map_err(FailedAttempt::last)?,
        };
        let mut put = |name: &str, value: String| {
            request.insert_header(
                HeaderName::from(name.to_ascii_lowercase()),
                HeaderValue::from(value),
            );
        };
        put("x-ms-date", date);
        put("x-ms-version", API_VERSION.to_owned());
        put("authorization", auth);
        put("accept", "application/json".to_owned());
        put("cache-control", "no-cache".to_owned());
        if let Some(token) = options.session_token.clone() {
            put("x-ms-session-token", token);
        }
        if let Some(level) = options.consistency_level.clone() {
            put("x-ms-consistency-level", level);
        }
        // The typed per-request options the driver would apply, as the service's headers.
        if let Some(etag) = options.if_match.clone() {
            put("if-match", etag);
        } else if let Some(etag) = options.if_none_match.clone() {
            put("if-none-match", etag);
        }
        if let Some(priority) = options.priority.clone() {
            put("x-ms-cosmos-priority-level", priority);
        }
        if options.populate_query_metrics == Some(true) {
            put("x-ms-documentdb-populatequerymetrics", "True".to_owned());
        }
        if options.populate_index_metrics == Some(true) {
            put("x-ms-cosmos-populateindexmetrics", "True".to_owned());
        }
        if let Some(bucket) = options.throughput_bucket {
            put("x-ms-cosmos-throughput-bucket", bucket.to_string());
        }
        for (name, value) in headers.iter().chain(options.initial_headers.iter()) {
            put(name, value.clone());
        }
        if let Some(body) = body {
            put("content-type", "application/json".to_owned());
            request.set_body(body.clone());
        }
        let send_options = PipelineSendOptions {
            skip_checks: true,
            ..Default::default()
        };
        let response = self
            .pipeline
            .send(&Context::new(), &mut request, Some(send_options))
            .await
            .map_err(|e| FailedAttempt {
                failure: if never_reached(&e) {
                    Failure::NeverSent
                } else {
                    Failure::ResponseFailed
                },
                retry_after: None,
                note: e.to_string(),
                error: transport_error(&e),
                status: None,
                sub_status: None,
                activity_id: None,
                request_charge: None,
            })?;
        let (status, response_headers, body) = response.deconstruct();
        let status = u16::from(status);
        let pairs: HeaderPairs = response_headers
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_ascii_lowercase(),
                    value.as_str().to_owned(),
                )
            })
            .collect();
        let body = bytes::Bytes::from(body);
        if status >= 400 {
            let header = |wanted: &str| {
                pairs
                    .iter()
                    .find(|(name, _)| name == wanted)
                    .map(|(_, value)| value.clone())
            };
            let sub_status = header("x-ms-substatus").and_then(|value| value.parse::<u32>().ok());
            let retry_after = header("x-ms-retry-after-ms")
                .and_then(|value| value.parse::<f64>().ok())
                .map(|ms| Duration::from_secs_f64(ms.max(0.0) / 1000.0));
            let error = Python::attach(|py| {
                let headers = crate::response::pairs_to_dict(py, &pairs);
                build_exception(
                    py,
                    FailureKind::Http,
                    status,
                    sub_status,
                    headers,
                    &body,
                    "",
                )
            });
            return Err(FailedAttempt {
                failure: if status == 429 {
                    Failure::Throttled
                } else {
                    Failure::Final
                },
                retry_after: retry_after.or(Some(Duration::ZERO)),
                error,
                status: Some(status),
                sub_status,
                activity_id: header("x-ms-activity-id"),
                request_charge: header("x-ms-request-charge").and_then(|v| v.parse().ok()),
                note: format!("the service answered {status}"),
            });
        }
        Ok(PyResponse::new(status, pairs, body))
    }
}

/// A request that failed for good: the service's status, if it answered, and the
/// exception to raise.
pub struct RestFailure {
    pub status: Option<u16>,
    pub sub_status: Option<u32>,
    /// The service's `x-ms-retry-after-ms`, when it answered.
    pub retry_after: Option<Duration>,
    pub error: PyErr,
}

/// One failed attempt: what the retry policy needs to decide, and the error raised
/// if it does not retry.
struct FailedAttempt {
    failure: Failure,
    retry_after: Option<Duration>,
    error: PyErr,
    /// The service's answer, if one arrived, and what went wrong, for diagnostics.
    status: Option<u16>,
    sub_status: Option<u32>,
    activity_id: Option<String>,
    request_charge: Option<f64>,
    note: String,
}

impl FailedAttempt {
    /// A failure no retry can mend (bad path, unusable credential).
    fn last(error: PyErr) -> Self {
        let note = Python::attach(|py| error.value(py).to_string());
        Self {
            failure: Failure::Final,
            retry_after: None,
            error,
            status: None,
            sub_status: None,
            activity_id: None,
            request_charge: None,
            note,
        }
    }
}

impl RestAttempt {
    fn describe(&mut self, response: &PyResponse) {
        let (status, headers) = response.status_and_headers();
        self.status_code = Some(status);
        for (name, value) in headers {
            match name.as_str() {
                "x-ms-substatus" => self.sub_status_code = value.parse().ok(),
                "x-ms-activity-id" => self.activity_id = Some(value.clone()),
                "x-ms-request-charge" => self.request_charge = value.parse().ok(),
                _ => {}
            }
        }
    }
}

/// Whether the request failed before reaching the service (connecting refused,
/// timed out, or DNS), so that sending it again cannot apply it twice.
fn never_reached(error: &azure_core::Error) -> bool {
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        if let Some(http) = cause.downcast_ref::<reqwest::Error>() {
            return http.is_connect();
        }
        source = cause.source();
    }
    false
}

fn failure(kind: FailureKind, status: u16, message: &str) -> PyErr {
    Python::attach(|py| build_exception(py, kind, status, None, PyDict::new(py), b"", message))
}

/// A request that failed in the transport: nothing answered, or the answer broke off.
fn transport_error(error: &azure_core::Error) -> PyErr {
    let mut message = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        let text = cause.to_string();
        if !message.contains(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        source = cause.source();
    }
    let kind = match error.kind() {
        azure_core::error::ErrorKind::Io => FailureKind::Request,
        _ => FailureKind::Response,
    };
    failure(kind, 503, &message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_as_the_service_expects() {
        // The emulator's well-known key; the signature of this exact string to sign.
        let key = Secret::from(
            "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==",
        );
        let target = RestTarget {
            method: Method::Get,
            resource_type: "dbs",
            resource_link: "dbs/ToDoList".into(),
            path: "dbs/ToDoList".into(),
        };
        let header =
            authorization(&key, &Method::Get, &target, "Thu, 27 Apr 2017 00:51:12 GMT").unwrap();
        // Computed independently (Python's hmac/hashlib, then urllib.parse.quote as 4.x does).
        assert_eq!(
            header,
            "type%3Dmaster%26ver%3D1.0%26sig%3DmM0rMK%2F7o1MZhQwDitGRoGisPRPx09os%2F86Jk0YwquY%3D"
        );
    }

    #[test]
    fn loopback_hosts() {
        assert!(is_loopback(&"https://localhost:8081/".parse().unwrap()));
        assert!(is_loopback(&"https://127.0.0.5:8081/".parse().unwrap()));
        assert!(is_loopback(&"https://[::1]:8081/".parse().unwrap()));
        assert!(!is_loopback(
            &"https://example.documents.azure.com/".parse().unwrap()
        ));
    }
}
