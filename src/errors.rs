//! Turning engine failures into the 4.x exception classes.
//!
//! The decision is made on HTTP status and sub-status only. Whether a service
//! response arrived (`CosmosError::response()`) separates real service errors
//! from ones the engine synthesised on the client (sub-statuses 2xxxx), which
//! 4.x surfaces as other exception types (timeouts, transport errors, bad input).
//! The Python classes are built by `azure.cosmos.exceptions._from_engine`, so the
//! mapping to classes lives in one place.

use azure_data_cosmos_driver::CosmosError;
use pyo3::prelude::*;

use crate::diagnostics::Diagnostics;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBytes, PyDict};

use crate::response::headers_to_dict;

/// What kind of failure, as `_from_engine` understands it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// The service answered with an error status.
    Http,
    /// The `timeout` keyword's end-to-end budget ran out.
    Timeout,
    /// The request could not be sent (connect, DNS, TLS handshake, protocol).
    Request,
    /// The request was sent but the response could not be read or decoded.
    Response,
    /// The request was sent and no response came within the read timeout.
    ResponseTimeout,
    /// The response's body broke off before its end.
    IncompleteRead,
    /// The engine refused the call before sending it (bad argument).
    Client,
    /// Credentials could not be used.
    Auth,
}

impl FailureKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FailureKind::Http => "http",
            FailureKind::Timeout => "timeout",
            FailureKind::Request => "request",
            FailureKind::Response => "response",
            FailureKind::ResponseTimeout => "response_timeout",
            FailureKind::IncompleteRead => "incomplete_read",
            FailureKind::Client => "client",
            FailureKind::Auth => "auth",
        }
    }

    /// Classifies an engine-synthesised (no wire response) status.
    pub fn of_synthetic(status: u16, sub_status: Option<u32>) -> Self {
        match (status, sub_status) {
            (_, Some(20008)) | (_, Some(20002)) | (_, Some(20911)) => FailureKind::Timeout,
            (408, _) => FailureKind::Timeout,
            // connection failed, DNS, HTTP/2 incompatibility, generic transport 503, channel closed
            (_, Some(20003 | 20006 | 20010 | 20012 | 20015)) => FailureKind::Request,
            // I/O mid-exchange, body read, undecodable response body
            (_, Some(20011 | 20014 | 20020)) => FailureKind::Response,
            (401, _) | (_, Some(20401 | 20402)) => FailureKind::Auth,
            (400, _) => FailureKind::Client,
            (_, Some(20021)) => FailureKind::Client,
            (_, Some(s)) if (20100..20300).contains(&s) || (20900..21000).contains(&s) => {
                FailureKind::Client
            }
            (503, None) => FailureKind::Request,
            _ => FailureKind::Http,
        }
    }
}

static FROM_ENGINE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// Builds the Python exception for a failure through `azure.cosmos.exceptions._from_engine`.
pub fn build_exception(
    py: Python<'_>,
    kind: FailureKind,
    status: u16,
    sub_status: Option<u32>,
    headers: Bound<'_, PyDict>,
    body: &[u8],
    message: &str,
) -> PyErr {
    let factory = match FROM_ENGINE.get_or_try_init(py, || {
        py.import("azure.cosmos.exceptions")?
            .getattr("_from_engine")
            .map(Bound::unbind)
    }) {
        Ok(factory) => factory,
        Err(err) => return err,
    };
    match factory.bind(py).call1((
        kind.as_str(),
        status,
        sub_status,
        headers,
        PyBytes::new(py, body),
        message,
    )) {
        Ok(exception) => PyErr::from_value(exception),
        Err(err) => err,
    }
}

/// The service's answer behind a terminal routing failure.
///
/// After its own recovery the driver reports a read-session miss (404/1002), a
/// write-forbidden region (403/3) and a lost account (403/1008) as synthetic
/// 503/20310, 20311, 20312, keeping the service's error as a source. 4.x raises
/// the exception of the service's status, so that is the one raised.
fn terminal_service_error(err: &CosmosError) -> Option<&CosmosError> {
    let sub_status = err.status().sub_status()?.value();
    if err.response().is_some() || !(20310..=20312).contains(&sub_status) {
        return None;
    }
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        if let Some(wire) = cause.downcast_ref::<CosmosError>() {
            if wire.response().is_some() {
                return Some(wire);
            }
        }
        source = cause.source();
    }
    None
}

/// For a transport failure, which side of the exchange failed, from the driver's
/// record of its attempts: a timed-out wait for the answer, an answer that broke
/// off after the request may have been sent, or a request that never left. 4.x
/// raises `ServiceResponseTimeoutError`, `ServiceResponseError` and
/// `ServiceRequestError` for these; the top-level sub-status (20003, "transport
/// generated") does not tell them apart.
fn transport_phase(err: &CosmosError) -> Option<FailureKind> {
    if !err.status().is_transport_generated_503() {
        return None;
    }
    let diagnostics = err.diagnostics()?;
    let requests = diagnostics.requests();
    let last = requests.last()?;
    if requests.iter().any(|request| request.timed_out()) || transport_timed_out(err) {
        Some(FailureKind::ResponseTimeout)
    } else if body_broke_off(last) || cause_sub_status(err) == Some(20014) {
        Some(FailureKind::IncompleteRead)
    } else if last.request_sent().may_have_been_sent() {
        Some(FailureKind::Response)
    } else {
        Some(FailureKind::Request)
    }
}

/// Whether the HTTP transport itself gave up waiting (reqwest's read or request
/// timeout), which the driver reports as a generic I/O failure (503/20011)
/// without flagging the attempt as timed out.
fn transport_timed_out(err: &CosmosError) -> bool {
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        if let Some(http) = cause.downcast_ref::<reqwest::Error>() {
            return http.is_timeout() && !http.is_connect();
        }
        source = cause.source();
    }
    false
}

/// The sub-status of the first driver error among the causes of `err`: a transport
/// 503/20003 names the phase that failed in its cause (e.g. 20014, the body).
fn cause_sub_status(err: &CosmosError) -> Option<u16> {
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        if let Some(inner) = cause.downcast_ref::<CosmosError>() {
            return inner.status().sub_status().map(|s| s.value());
        }
        source = cause.source();
    }
    None
}

/// Whether an attempt failed while reading the response body (20014): 4.x raises
/// azure-core's `IncompleteReadError` (an `HttpResponseError`) for that.
///
/// Either its status says so, or its events do: the response headers arrived and
/// the transport then failed before the body was complete (the driver reports
/// that as a generic transport 503/20003 when a retry followed).
fn body_broke_off(request: &azure_data_cosmos_driver::diagnostics::RequestDiagnostics) -> bool {
    use azure_data_cosmos_driver::diagnostics::RequestEventType;
    if request
        .status()
        .sub_status()
        .is_some_and(|sub| sub.value() == 20014)
    {
        return true;
    }
    let seen = |wanted: RequestEventType| {
        request
            .events()
            .iter()
            .any(|event| *event.event_type() == wanted)
    };
    seen(RequestEventType::ResponseHeadersReceived)
        && seen(RequestEventType::TransportFailed)
        && !seen(RequestEventType::TransportComplete)
}

/// The service status a terminal routing failure stands for, when its answer is not kept.
fn terminal_service_status(sub_status: u32) -> Option<(u16, u32)> {
    match sub_status {
        20310 => Some((404, 1002)),
        20311 => Some((403, 3)),
        20312 => Some((403, 1008)),
        _ => None,
    }
}

/// Converts an engine error (service or synthetic) into the 4.x exception.
pub fn cosmos_error_to_py(err: CosmosError) -> PyErr {
    let diagnostics = err.diagnostics().map(Diagnostics::Driver);
    crate::diagnostics::attach(exception_of(err), diagnostics)
}

fn exception_of(err: CosmosError) -> PyErr {
    if let Some(raised) = crate::credentials::credential_failure(&err) {
        return raised;
    }
    if let Some(wire) = terminal_service_error(&err) {
        let message = describe(&err);
        let status = wire.status();
        let code = u16::from(status.status_code());
        let sub_status = status.sub_status().map(|s| u32::from(s.value()));
        let response = wire.response().expect("checked above");
        return Python::attach(|py| {
            let headers = headers_to_dict(py, response.headers());
            let body = crate::response::body_bytes(response.body());
            build_exception(
                py,
                FailureKind::Http,
                code,
                sub_status,
                headers,
                &body,
                &message,
            )
        });
    }
    let status = err.status();
    let code = u16::from(status.status_code());
    let sub_status = status.sub_status().map(|s| u32::from(s.value()));
    let message = describe(&err);
    Python::attach(|py| match err.response() {
        Some(response) => {
            let headers = headers_to_dict(py, response.headers());
            let body = crate::response::body_bytes(response.body());
            build_exception(
                py,
                FailureKind::Http,
                code,
                sub_status,
                headers,
                &body,
                &message,
            )
        }
        None if sub_status.and_then(terminal_service_status).is_some() => {
            let (code, sub) = sub_status
                .and_then(terminal_service_status)
                .expect("checked");
            let headers = PyDict::new(py);
            headers.set_item("x-ms-substatus", sub.to_string()).ok();
            build_exception(
                py,
                FailureKind::Http,
                code,
                Some(sub),
                headers,
                b"",
                &message,
            )
        }
        None => {
            let kind = transport_phase(&err)
                .unwrap_or_else(|| FailureKind::of_synthetic(code, sub_status));
            let headers = PyDict::new(py);
            if let Some(sub) = sub_status {
                headers.set_item("x-ms-substatus", sub.to_string()).ok();
            }
            build_exception(py, kind, code, sub_status, headers, b"", &message)
        }
    })
}

/// The transport failure behind a write whose final answer may be the effect of the
/// driver's own retry: an earlier attempt failed after it may have reached the
/// service, and the retry was answered 404, 409 or 412 (the item the first attempt
/// deleted, created or changed). 4.x does not resend writes by default and reports
/// that first failure; so does this, rather than a conflict the client itself caused.
fn ambiguous_write_failure(err: &CosmosError) -> Option<(FailureKind, String)> {
    err.response()?;
    if !matches!(u16::from(err.status().status_code()), 404 | 409 | 412) {
        return None;
    }
    let diagnostics = err.diagnostics()?;
    let requests = diagnostics.requests();
    let (_, earlier) = requests.split_last()?;
    let failed = earlier
        .iter()
        .find(|request| request.request_sent().may_have_been_sent() && request.error().is_some())?;
    let kind = if body_broke_off(failed) {
        FailureKind::IncompleteRead
    } else {
        FailureKind::Response
    };
    Some((kind, failed.error().unwrap_or_default().to_owned()))
}

/// Converts the error of a write (create, upsert, replace, delete, patch, batch).
pub fn write_error_to_py(err: CosmosError) -> PyErr {
    if let Some((kind, cause)) = ambiguous_write_failure(&err) {
        let code = u16::from(err.status().status_code());
        let message = format!(
            "the connection failed after the write was sent ({cause}), so it may or may not have been \
             applied; the engine's retry was answered {code}, which can be the first attempt's own effect"
        );
        let diagnostics = err.diagnostics().map(Diagnostics::Driver);
        let raised = Python::attach(|py| {
            build_exception(py, kind, 503, None, PyDict::new(py), b"", &message)
        });
        return crate::diagnostics::attach(raised, diagnostics);
    }
    cosmos_error_to_py(err)
}

/// A PATCH the driver refuses before sending because the service would refuse it
/// too (it targets `/id` or the partition key): 4.x sends such a patch and raises
/// the service's 400 as `CosmosHttpResponseError`, so the same class and status are
/// raised here, without a sub-status and with a message saying nothing was sent.
pub fn patch_error_to_py(err: CosmosError) -> PyErr {
    let status = err.status();
    if err.response().is_none()
        && u16::from(status.status_code()) == 400
        && status.sub_status().is_none()
    {
        let message = format!(
            "{} (refused before sending; nothing was written)",
            describe(&err)
        );
        return Python::attach(|py| {
            build_exception(
                py,
                FailureKind::Http,
                400,
                None,
                PyDict::new(py),
                message.as_bytes(),
                &message,
            )
        });
    }
    write_error_to_py(err)
}

/// The error and its causes, outermost first: transport failures carry the useful
/// part (refused, TLS, DNS) several sources down.
fn describe(err: &CosmosError) -> String {
    let mut message = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        let text = cause.to_string();
        if !message.contains(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        source = cause.source();
    }
    message
}

/// A response that arrived but cannot be read as the operation's answer.
pub fn response_error(message: &str) -> PyErr {
    Python::attach(|py| {
        build_exception(
            py,
            FailureKind::Response,
            500,
            None,
            PyDict::new(py),
            b"",
            message,
        )
    })
}

/// A client-side rejection raised before anything is sent.
pub fn client_error(message: impl Into<String>) -> PyErr {
    let message = message.into();
    Python::attach(|py| {
        build_exception(
            py,
            FailureKind::Client,
            400,
            None,
            PyDict::new(py),
            b"",
            &message,
        )
    })
}

#[cfg(test)]
mod tests {
    use super::FailureKind;

    #[test]
    fn synthetic_timeouts_are_timeouts() {
        assert_eq!(
            FailureKind::of_synthetic(408, Some(20008)),
            FailureKind::Timeout
        );
        assert_eq!(
            FailureKind::of_synthetic(410, Some(20002)),
            FailureKind::Timeout
        );
    }

    #[test]
    fn transport_failures_split_by_phase() {
        assert_eq!(
            FailureKind::of_synthetic(503, Some(20010)),
            FailureKind::Request
        );
        assert_eq!(
            FailureKind::of_synthetic(503, Some(20012)),
            FailureKind::Request
        );
        assert_eq!(
            FailureKind::of_synthetic(503, Some(20003)),
            FailureKind::Request
        );
        assert_eq!(
            FailureKind::of_synthetic(503, Some(20011)),
            FailureKind::Response
        );
        assert_eq!(
            FailureKind::of_synthetic(500, Some(20020)),
            FailureKind::Response
        );
    }

    #[test]
    fn validation_failures_are_client_errors() {
        assert_eq!(
            FailureKind::of_synthetic(400, Some(20100)),
            FailureKind::Client
        );
        assert_eq!(
            FailureKind::of_synthetic(400, Some(20108)),
            FailureKind::Client
        );
        assert_eq!(
            FailureKind::of_synthetic(400, Some(20021)),
            FailureKind::Client
        );
    }

    #[test]
    fn terminal_routing_failures_stand_for_the_service_status() {
        assert_eq!(super::terminal_service_status(20310), Some((404, 1002)));
        assert_eq!(super::terminal_service_status(20311), Some((403, 3)));
        assert_eq!(super::terminal_service_status(20312), Some((403, 1008)));
        assert_eq!(super::terminal_service_status(20010), None);
    }

    #[test]
    fn credential_failures_are_auth_errors() {
        assert_eq!(
            FailureKind::of_synthetic(401, Some(20402)),
            FailureKind::Auth
        );
    }
}
