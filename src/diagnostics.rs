//! What the engine tells about the HTTP requests behind a response, a page or an
//! error: the driver's diagnostics (every attempt with its endpoint, status,
//! duration, charge and region), or the attempts of the REST path. The facade
//! reads them as JSON for `logging` and for 4.x's diagnostics hooks; the JSON is
//! only built when asked for (the driver caches its own), so carrying them costs
//! an `Arc` per response.

use std::sync::Arc;
use std::time::Duration;

use azure_data_cosmos_driver::{DiagnosticsContext, DiagnosticsVerbosity};
use pyo3::prelude::*;
use serde::Serialize;

/// One request of the REST path.
#[derive(Clone, Debug, Serialize)]
pub struct RestAttempt {
    pub method: String,
    pub url: String,
    /// `None` when no response arrived.
    pub status_code: Option<u16>,
    pub sub_status_code: Option<u32>,
    pub duration_ms: f64,
    pub activity_id: Option<String>,
    pub request_charge: Option<f64>,
    pub error: Option<String>,
}

#[derive(Clone)]
pub enum Diagnostics {
    Driver(Arc<DiagnosticsContext>),
    Rest(Arc<Vec<RestAttempt>>),
}

#[derive(Serialize)]
struct RestDiagnostics<'a> {
    request_count: usize,
    total_duration_ms: f64,
    total_request_charge: f64,
    requests: &'a [RestAttempt],
}

impl Diagnostics {
    pub fn to_json(&self) -> String {
        match self {
            Self::Driver(context) => context
                .to_json_string(Some(DiagnosticsVerbosity::Detailed))
                .to_owned(),
            Self::Rest(attempts) => serde_json::to_string(&RestDiagnostics {
                request_count: attempts.len(),
                total_duration_ms: attempts.iter().map(|a| a.duration_ms).sum(),
                total_request_charge: attempts
                    .iter()
                    .filter_map(|a| a.request_charge)
                    .fold(0.0, |total, charge| total + charge),
                requests: attempts,
            })
            .expect("plain data always serialises"),
        }
    }
}

pub fn duration_ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// The diagnostics of one response, page or failed operation.
#[pyclass(name = "Diagnostics", module = "azure.cosmos._rust", frozen)]
pub struct PyDiagnostics {
    inner: Diagnostics,
}

impl PyDiagnostics {
    pub fn new(inner: Diagnostics) -> Self {
        Self { inner }
    }
}

#[pymethods]
impl PyDiagnostics {
    /// The requests behind the result, as a JSON document.
    fn to_json(&self) -> String {
        self.inner.to_json()
    }

    fn __repr__(&self) -> String {
        match &self.inner {
            Diagnostics::Driver(context) => {
                format!("<Diagnostics requests={}>", context.request_count())
            }
            Diagnostics::Rest(attempts) => format!("<Diagnostics requests={}>", attempts.len()),
        }
    }
}

/// Hands the diagnostics of a failed operation to the facade with the exception
/// (as its `_engine_diagnostics`), for logging.
pub fn attach(err: PyErr, diagnostics: Option<Diagnostics>) -> PyErr {
    if let Some(diagnostics) = diagnostics {
        Python::attach(|py| {
            // An exception object that refuses attributes is still raised as it is.
            let _ = err
                .value(py)
                .setattr("_engine_diagnostics", PyDiagnostics::new(diagnostics));
        });
    }
    err
}
