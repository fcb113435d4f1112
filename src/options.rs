//! Per-request and per-client options, read from the dicts the facade passes.
//!
//! Plain dicts (not pyclasses) keep the facade free to add keywords: an unknown
//! key here is a facade bug, so it is rejected loudly rather than ignored.

use std::collections::HashMap;
use std::time::Duration;

use azure_core::http::headers::{HeaderName, HeaderValue};
use azure_core::http::Etag;
use azure_data_cosmos_driver::models::{
    CosmosOperation, MaxItemCountHint, OfferAutoscaleSettings, Precondition, SessionToken,
};
use azure_data_cosmos_driver::options::{
    AvailabilityStrategy, ContentResponseOnWrite, ExcludedRegions, HedgeThreshold, HedgingStrategy,
    OperationOptions, PatchStrategy, PriorityLevel, Region, ThroughputControlOptionsBuilder,
};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use pyo3::types::PyDict;

/// Options of one operation (the `RequestOptions` TypedDict of `_rust.pyi`).
#[derive(Clone, Debug, Default)]
pub struct RequestOptions {
    pub session_token: Option<String>,
    pub if_match: Option<String>,
    pub if_none_match: Option<String>,
    pub initial_headers: Vec<(String, String)>,
    pub priority: Option<String>,
    pub throughput_bucket: Option<u32>,
    pub excluded_locations: Option<Vec<String>>,
    pub timeout: Option<Duration>,
    pub consistency_level: Option<String>,
    pub content_response_on_write: Option<bool>,
    /// Page size; `-1` asks the service to decide (4.x's dynamic page size).
    pub max_item_count: Option<i64>,
    pub continuation: Option<String>,
    pub populate_query_metrics: Option<bool>,
    pub populate_index_metrics: Option<bool>,
    pub offer_throughput: Option<u64>,
    pub auto_scale_max_throughput: Option<u64>,
    pub auto_scale_increment_percent: Option<u32>,
    /// 4.x's per-request `availability_strategy`: cross-region hedging after this
    /// many seconds, or `0` for none (overrides the client's).
    pub hedging_threshold: Option<f64>,
    /// 4.x's per-request `retry_write` (overrides the client's).
    pub retry_writes: Option<bool>,
    /// Queries the engine merges across partitions: how many partitions are
    /// queried at once.
    pub max_concurrency: Option<usize>,
    /// Set by the patch operation itself (not a facade key): PATCH goes to the
    /// service as one request, never as the driver's client read-modify-write.
    pub server_side_patch: bool,
}

fn get<'py, T: for<'a> FromPyObject<'a, 'py>>(
    dict: &Bound<'py, PyDict>,
    key: &str,
) -> PyResult<Option<T>> {
    match dict.get_item(key)? {
        Some(value) => value_of(&value, key),
        None => Ok(None),
    }
}

/// An option's value; `None` (Python's) is "not set".
fn value_of<'py, T: for<'a> FromPyObject<'a, 'py>>(
    value: &Bound<'py, PyAny>,
    key: &str,
) -> PyResult<Option<T>> {
    if value.is_none() {
        return Ok(None);
    }
    value
        .extract()
        .map(Some)
        .map_err(|_| PyTypeError::new_err(format!("engine option {key:?} has the wrong type")))
}

/// A duration given in seconds by the facade; a negative one is none at all.
fn seconds(value: Option<f64>) -> Option<Duration> {
    value.map(|seconds| Duration::from_secs_f64(seconds.max(0.0)))
}

fn reject_unknown(dict: &Bound<'_, PyDict>, known: &[&str]) -> PyResult<()> {
    for key in dict.keys() {
        let key: String = key.extract()?;
        if !known.contains(&key.as_str()) {
            return Err(PyTypeError::new_err(format!(
                "unknown engine option {key:?}"
            )));
        }
    }
    Ok(())
}

/// Whether errors built in this process capture a stack trace (std reads
/// `RUST_LIB_BACKTRACE`/`RUST_BACKTRACE` once).
fn backtraces_enabled() -> bool {
    static ENABLED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ENABLED.get_or_init(|| {
        std::backtrace::Backtrace::capture().status() == std::backtrace::BacktraceStatus::Captured
    })
}

/// The driver's availability strategy for a hedging threshold in seconds (`0`:
/// none). 4.x hedges only when asked; the driver would by default.
pub fn availability_strategy(threshold: Option<f64>) -> AvailabilityStrategy {
    match threshold
        .filter(|seconds| *seconds > 0.0)
        .and_then(|seconds| HedgeThreshold::new(Duration::from_secs_f64(seconds)))
    {
        Some(threshold) => AvailabilityStrategy::Hedging(HedgingStrategy::new(threshold)),
        None => AvailabilityStrategy::Disabled,
    }
}

impl RequestOptions {
    pub fn from_dict(dict: Option<&Bound<'_, PyDict>>) -> PyResult<Self> {
        let mut options = Self::default();
        let Some(dict) = dict.filter(|dict| !dict.is_empty()) else {
            return Ok(options);
        };
        // One pass over the keys the call set (one to three, usually), rather than a
        // lookup per known key: each lookup by a Rust &str builds and hashes a new str.
        for (key, value) in dict.iter() {
            let key: PyBackedStr = key.extract()?;
            let key: &str = &key;
            match key {
                "session_token" => options.session_token = value_of(&value, key)?,
                "if_match" => options.if_match = value_of(&value, key)?,
                "if_none_match" => options.if_none_match = value_of(&value, key)?,
                "initial_headers" => {
                    let headers: Option<HashMap<String, String>> = value_of(&value, key)?;
                    options.initial_headers = headers.unwrap_or_default().into_iter().collect();
                }
                "priority" => options.priority = value_of(&value, key)?,
                "throughput_bucket" => options.throughput_bucket = value_of(&value, key)?,
                "excluded_locations" => options.excluded_locations = value_of(&value, key)?,
                "timeout" => options.timeout = seconds(value_of(&value, key)?),
                "consistency_level" => options.consistency_level = value_of(&value, key)?,
                "content_response_on_write" => {
                    options.content_response_on_write = value_of(&value, key)?
                }
                "max_item_count" => options.max_item_count = value_of(&value, key)?,
                "continuation" => options.continuation = value_of(&value, key)?,
                "populate_query_metrics" => options.populate_query_metrics = value_of(&value, key)?,
                "populate_index_metrics" => options.populate_index_metrics = value_of(&value, key)?,
                "offer_throughput" => options.offer_throughput = value_of(&value, key)?,
                "auto_scale_max_throughput" => {
                    options.auto_scale_max_throughput = value_of(&value, key)?
                }
                "auto_scale_increment_percent" => {
                    options.auto_scale_increment_percent = value_of(&value, key)?
                }
                "hedging_threshold" => options.hedging_threshold = value_of(&value, key)?,
                "retry_writes" => options.retry_writes = value_of(&value, key)?,
                "max_concurrency" => options.max_concurrency = value_of(&value, key)?,
                _ => {
                    return Err(PyTypeError::new_err(format!(
                        "unknown engine option {key:?}"
                    )))
                }
            }
        }
        Ok(options)
    }

    /// The engine's per-operation options. `extra_headers` are protocol headers the
    /// engine has no typed option for (e.g. `x-ms-offer-throughput` on create).
    pub fn operation_options(
        &self,
        extra_headers: &[(&str, String)],
    ) -> PyResult<OperationOptions> {
        let mut options = OperationOptions::default();
        if self.server_side_patch {
            options.patch_strategy = Some(PatchStrategy::ServerSide);
        }
        if let Some(enabled) = self.content_response_on_write {
            options.content_response_on_write = Some(if enabled {
                ContentResponseOnWrite::Enabled
            } else {
                ContentResponseOnWrite::Disabled
            });
        }
        if self.priority.is_some() || self.throughput_bucket.is_some() {
            let mut control = ThroughputControlOptionsBuilder::new();
            if let Some(priority) = &self.priority {
                control = control.with_priority_level(parse_priority(priority)?);
            }
            if let Some(bucket) = self.throughput_bucket {
                control = control.with_throughput_bucket(bucket);
            }
            options.throughput_control = Some(control.build());
        }
        if let Some(threshold) = self.hedging_threshold {
            options.availability_strategy = Some(availability_strategy(Some(threshold)));
        }
        if let Some(regions) = &self.excluded_locations {
            options.excluded_regions = Some(
                regions
                    .iter()
                    .map(|name| Region::new(name.clone()))
                    .collect::<ExcludedRegions>(),
            );
        }
        let mut headers: HashMap<HeaderName, HeaderValue> = HashMap::new();
        for (name, value) in &self.initial_headers {
            headers.insert(
                HeaderName::from(name.to_ascii_lowercase()),
                HeaderValue::from(value.clone()),
            );
        }
        if let Some(level) = &self.consistency_level {
            headers.insert(
                HeaderName::from_static("x-ms-consistency-level"),
                HeaderValue::from(level.clone()),
            );
        }
        for (name, value) in extra_headers {
            headers.insert(
                HeaderName::from(name.to_string()),
                HeaderValue::from(value.clone()),
            );
        }
        if backtraces_enabled() {
            // The driver looks the request's Content-Type up with a fallible getter and,
            // when it is absent (reads, deletes), builds an error it throws away; with
            // RUST_BACKTRACE (or RUST_LIB_BACKTRACE) set, that error captures a stack
            // trace: about a tenth of a point read's CPU. Setting the value the driver
            // would set (it replaces it where another applies: queries, patch) spares it.
            headers
                .entry(HeaderName::from_static("content-type"))
                .or_insert_with(|| HeaderValue::from_static("application/json"));
        }
        if !headers.is_empty() {
            options.custom_headers = Some(headers);
        }
        Ok(options)
    }

    pub fn session_token(&self) -> Option<SessionToken> {
        self.session_token.clone().map(SessionToken::from)
    }

    pub fn precondition(&self) -> Option<Precondition> {
        if let Some(etag) = &self.if_match {
            Some(Precondition::IfMatch(Etag::from(etag.clone())))
        } else {
            self.if_none_match
                .as_ref()
                .map(|etag| Precondition::IfNoneMatch(Etag::from(etag.clone())))
        }
    }

    pub fn max_item_count(&self) -> Option<MaxItemCountHint> {
        match self.max_item_count {
            Some(count) if count < 0 => Some(MaxItemCountHint::ServerDecides),
            Some(count) => u32::try_from(count)
                .ok()
                .and_then(std::num::NonZeroU32::new)
                .map(MaxItemCountHint::Limit),
            None => None,
        }
    }

    /// The per-request parts that travel on the operation itself: session token,
    /// precondition, page size, metrics flags, throughput of a new resource.
    pub fn apply_to(&self, operation: CosmosOperation) -> CosmosOperation {
        let mut operation = operation;
        if let Some(token) = self.session_token() {
            operation = operation.with_session_token(token);
        }
        if let Some(precondition) = self.precondition() {
            operation = operation.with_precondition(precondition);
        }
        if let Some(count) = self.max_item_count() {
            operation = operation.with_max_item_count(count);
        }
        if let Some(enabled) = self.populate_query_metrics {
            operation = operation.with_populate_query_metrics(enabled);
        }
        if let Some(enabled) = self.populate_index_metrics {
            operation = operation.with_populate_index_metrics(enabled);
        }
        if self.offer_throughput.is_some() || self.auto_scale_max_throughput.is_some() {
            let mut headers = operation.request_headers().clone();
            if let Some(max) = self.auto_scale_max_throughput {
                let mut settings = OfferAutoscaleSettings::new(max);
                if let Some(increment) = self.auto_scale_increment_percent {
                    settings = settings.with_increment_percent(increment);
                }
                headers.offer_autopilot_settings = Some(settings);
            } else {
                headers.offer_throughput = self.offer_throughput;
            }
            operation = operation.with_request_headers(headers);
        }
        operation
    }
}

fn parse_priority(value: &str) -> PyResult<PriorityLevel> {
    match value.to_ascii_lowercase().as_str() {
        "high" => Ok(PriorityLevel::High),
        "low" => Ok(PriorityLevel::Low),
        _ => Err(crate::errors::client_error(format!(
            "priority must be 'High' or 'Low', got {value:?}"
        ))),
    }
}

/// Options of one client connection (the `ClientOptions` TypedDict of `_rust.pyi`).
#[derive(Clone, Debug)]
pub struct ClientOptions {
    pub endpoint: String,
    /// The account key, or the client's azure-core token credential.
    pub auth: crate::credentials::Auth,
    pub preferred_regions: Vec<String>,
    pub excluded_regions: Vec<String>,
    pub user_agent_suffix: Option<String>,
    pub consistency_level: Option<String>,
    pub connection_verify: bool,
    pub connection_timeout: Option<Duration>,
    pub request_timeout: Option<Duration>,
    /// Budget for the connect step itself (account read), like 4.x's `timeout`.
    pub timeout: Option<Duration>,
    /// Throttling (429) retries: at most this many (4.x: 9) ...
    pub throttle_retry_count: Option<u32>,
    /// ... waiting at most this long in all (4.x: 30 s).
    pub throttle_retry_wait: Option<Duration>,
    /// The retries the engine adds around the driver's (connection failures, reads,
    /// fixed-interval throttling).
    pub retry: crate::retry::RetryPolicy,
    /// 4.x's `availability_strategy`: hedge reads to another region after this many
    /// seconds; `None`: no hedging (4.x's default).
    pub hedging_threshold: Option<f64>,
    /// At most this many requests in flight: an async client's bound (see `request_slots.rs`);
    /// `None` for a sync client.
    pub requests_in_flight: Option<usize>,
}

const CLIENT_KEYS: &[&str] = &[
    "endpoint",
    "key",
    "credential",
    "credential_scopes",
    "credential_is_async",
    "preferred_regions",
    "excluded_regions",
    "user_agent_suffix",
    "consistency_level",
    "connection_verify",
    "connection_timeout",
    "request_timeout",
    "timeout",
    "throttle_retry_count",
    "throttle_retry_wait",
    "connect_retry_waits",
    "read_retry_waits",
    "retry_writes",
    "throttle_fixed_interval",
    "hedging_threshold",
];

/// The client's retry policy from the facade's wait lists (seconds); the engine's
/// defaults for what is not given.
fn retry_policy(dict: &Bound<'_, PyDict>) -> PyResult<crate::retry::RetryPolicy> {
    let waits = |values: Vec<f64>| -> Vec<Duration> {
        values
            .into_iter()
            .filter_map(|value| seconds(Some(value)))
            .collect()
    };
    let mut policy = crate::retry::RetryPolicy::default();
    if let Some(connect) = get::<Vec<f64>>(dict, "connect_retry_waits")? {
        policy.connect_waits = waits(connect);
    }
    if let Some(read) = get::<Vec<f64>>(dict, "read_retry_waits")? {
        policy.read_waits = waits(read);
    }
    policy.retry_writes = get(dict, "retry_writes")?.unwrap_or(false);
    policy.throttle = crate::retry::ThrottleRetry {
        fixed_interval: seconds(get(dict, "throttle_fixed_interval")?),
        max_count: get(dict, "throttle_retry_count")?.unwrap_or(9),
        max_wait: seconds(get(dict, "throttle_retry_wait")?).unwrap_or(Duration::from_secs(30)),
    };
    Ok(policy)
}

impl ClientOptions {
    /// `event_loop`: the running loop of an async client, on which an
    /// `AsyncTokenCredential` is awaited.
    pub fn from_dict(
        dict: &Bound<'_, PyDict>,
        event_loop: Option<pyo3_async_runtimes::TaskLocals>,
    ) -> PyResult<Self> {
        reject_unknown(dict, CLIENT_KEYS)?;
        // An async client is connected on its running loop.
        let requests_in_flight = event_loop
            .is_some()
            .then_some(crate::request_slots::ASYNC_CLIENT_REQUESTS_IN_FLIGHT);
        let endpoint: Option<String> = get(dict, "endpoint")?;
        let key: Option<String> = get(dict, "key")?;
        let auth = match (key, dict.get_item("credential")?) {
            (None, Some(credential)) if !credential.is_none() => {
                let scopes: Vec<String> = get(dict, "credential_scopes")?.unwrap_or_default();
                if scopes.is_empty() {
                    return Err(PyTypeError::new_err(
                        "engine option 'credential_scopes' is required with 'credential'",
                    ));
                }
                let is_async: bool = get(dict, "credential_is_async")?.unwrap_or(false);
                let event_loop = match (is_async, event_loop) {
                    (false, _) => None,
                    (true, Some(event_loop)) => Some(event_loop),
                    (true, None) => {
                        return Err(PyTypeError::new_err(
                            "an async credential (AsyncTokenCredential) needs the azure.cosmos.aio client; \
                             the sync client takes a TokenCredential",
                        ))
                    }
                };
                crate::credentials::Auth::Token(std::sync::Arc::new(
                    crate::credentials::PythonCredential::new(
                        credential.unbind(),
                        scopes,
                        event_loop,
                    ),
                ))
            }
            (Some(key), None) => {
                crate::credentials::Auth::Key(azure_core::credentials::Secret::from(key))
            }
            _ => {
                return Err(PyTypeError::new_err(
                    "exactly one of the engine options 'key' and 'credential' is required",
                ))
            }
        };
        Ok(Self {
            endpoint: endpoint
                .ok_or_else(|| PyTypeError::new_err("engine option 'endpoint' is required"))?,
            auth,
            preferred_regions: get(dict, "preferred_regions")?.unwrap_or_default(),
            excluded_regions: get(dict, "excluded_regions")?.unwrap_or_default(),
            user_agent_suffix: get(dict, "user_agent_suffix")?,
            consistency_level: get(dict, "consistency_level")?,
            connection_verify: get(dict, "connection_verify")?.unwrap_or(true),
            connection_timeout: seconds(get(dict, "connection_timeout")?),
            request_timeout: seconds(get(dict, "request_timeout")?),
            timeout: seconds(get(dict, "timeout")?),
            throttle_retry_count: get(dict, "throttle_retry_count")?,
            throttle_retry_wait: seconds(get(dict, "throttle_retry_wait")?),
            retry: retry_policy(dict)?,
            hedging_threshold: get(dict, "hedging_threshold")?,
            requests_in_flight,
        })
    }
}
