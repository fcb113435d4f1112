//! `Engine`: one connected account on `azure_data_cosmos_driver`, and the connection step.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use azure_data_cosmos_driver::models::{AccountReference, ContainerReference, DatabaseReference};
use azure_data_cosmos_driver::options::{
    BinaryEncodingOptions, ConnectionPoolOptions, ContentResponseOnWrite, DriverOptions,
    ExcludedRegions, OperationOptions, Region, ServerCertificateValidation,
    ThrottlingRetryOptionsBuilder, UserAgentSuffix,
};
use azure_data_cosmos_driver::{CosmosDriver, CosmosDriverRuntime, CosmosDriverRuntimeBuilder};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::awaitable::into_awaitable;
use crate::credentials::Auth;
use crate::errors::{client_error, cosmos_error_to_py};
use crate::options::{ClientOptions, RequestOptions};
use crate::request_slots::RequestSlots;
use crate::rest::RestClient;
use crate::retry::RetryPolicy;
use crate::runtime::{block_on, with_timeout};

const MAX_IDLE_CONNECTIONS: usize = 100;
const IDLE_CONNECTION_TIMEOUT: Duration = Duration::from_secs(300);

/// The driver transport's upper bounds for one connection attempt and one request attempt.
const MAX_CONNECT_TIMEOUT: Duration = Duration::from_secs(6);
const MAX_REQUEST_TIMEOUT: Duration = Duration::from_secs(65);

/// Which clients may share a driver runtime: the same certificate-validation mode
/// and the same account key. The runtime's container cache hands out container
/// references that carry the credential of the client that resolved them first,
/// so clients with different credentials must never share one (a client would
/// sign with another's key or token).
type RuntimeKey = (bool, String);

/// The shared runtimes of one process: its pid, and the runtimes by key.
type ProcessRuntimes = (u32, HashMap<RuntimeKey, Arc<CosmosDriverRuntime>>);

/// Driver runtimes (transport, connection pool, caches) shared by the key-based
/// clients of a process. Keyed by pid for fork safety.
static DRIVER_RUNTIMES: std::sync::Mutex<Option<ProcessRuntimes>> = std::sync::Mutex::new(None);

async fn driver_runtime(options: &ClientOptions) -> PyResult<Arc<CosmosDriverRuntime>> {
    let pid = std::process::id();
    let verify = options.connection_verify;
    // Timeouts and the user-agent suffix live on the runtime; only the default one is
    // shared. A token credential's client always has its own runtime (dropped with it).
    let shared_key: Option<RuntimeKey> = match &options.auth {
        Auth::Key(key)
            if options.connection_timeout.is_none()
                && options.request_timeout.is_none()
                && options.user_agent_suffix.is_none() =>
        {
            Some((verify, key.secret().to_owned()))
        }
        _ => None,
    };
    if let Some(shared_key) = &shared_key {
        let guard = DRIVER_RUNTIMES.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((owner, runtimes)) = guard.as_ref() {
            if *owner == pid {
                if let Some(runtime) = runtimes.get(shared_key) {
                    return Ok(runtime.clone());
                }
            }
        }
    }
    // Proxies from the environment (HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY), as
    // 4.x's requests/aiohttp transports use them; the driver would ignore them.
    let mut pool = ConnectionPoolOptions::builder()
        .with_proxy_allowed(true)
        // After a burst, at most this many idle connections stay open per endpoint
        // (4.x's aiohttp transport keeps up to 100), and an idle one is closed after
        // five minutes (the driver's shortest); the driver would keep up to 10,000
        // HTTP/1.1 connections forever.
        .with_max_idle_connections_per_endpoint(MAX_IDLE_CONNECTIONS)
        .with_idle_connection_timeout(IDLE_CONNECTION_TIMEOUT);
    if !verify {
        // The driver's own rule: skip certificate checks (and allow http://) only
        // for loopback / emulator hosts. There is deliberately no wider switch.
        pool = pool.with_server_certificate_validation(
            ServerCertificateValidation::RequiredUnlessEmulator,
        );
        // Local emulators speak HTTP/1.1. The driver probes HTTP/2 first and only
        // falls back on an h2 protocol error; a TLS server whose ALPN offers only
        // http/1.1 (Node's https) aborts the handshake with `no_application_protocol`,
        // which the driver does not treat as a reason to fall back.
        pool = pool.with_is_http2_allowed(false);
    }
    // The driver's transport bounds one connection attempt to 0.1-6 s and one
    // request attempt to 0.1-65 s and refuses values outside; 4.x accepts any, so
    // they are brought into range (the operation's `timeout` still bounds the whole
    // operation, retries included).
    if let Some(timeout) = options.connection_timeout {
        pool = pool.with_max_connect_timeout(
            timeout.clamp(Duration::from_millis(100), MAX_CONNECT_TIMEOUT),
        );
    }
    if let Some(timeout) = options.request_timeout {
        pool = pool.with_max_dataplane_request_timeout(
            timeout.clamp(Duration::from_millis(100), MAX_REQUEST_TIMEOUT),
        );
    }
    let pool = pool.build().map_err(cosmos_error_to_py)?;
    let mut builder = CosmosDriverRuntimeBuilder::new().with_connection_pool(pool);
    if let Some(suffix) = &options.user_agent_suffix {
        let suffix = UserAgentSuffix::try_new(suffix.as_str()).ok_or_else(|| {
            client_error(format!(
                "user agent suffix {suffix:?} is not accepted by the engine (at most {} \
                 header-safe characters)",
                UserAgentSuffix::MAX_LENGTH
            ))
        })?;
        builder = builder.with_user_agent_suffix(suffix);
    }
    let runtime = builder.build().await.map_err(cosmos_error_to_py)?;
    let Some(shared_key) = shared_key else {
        return Ok(runtime);
    };
    let mut guard = DRIVER_RUNTIMES.lock().unwrap_or_else(|p| p.into_inner());
    let entry = guard.get_or_insert_with(|| (pid, HashMap::new()));
    if entry.0 != pid {
        // Inherited from the parent: leaked, not dropped (see `reconnect_in_child`).
        std::mem::forget(std::mem::replace(entry, (pid, HashMap::new())));
    }
    Ok(entry.1.entry(shared_key).or_insert(runtime).clone())
}

/// Operation options every request of a client starts from.
fn client_operation_options(options: &ClientOptions) -> OperationOptions {
    let mut defaults = OperationOptions::default();
    // 4.x returns the written document from create/replace/upsert.
    defaults.content_response_on_write = Some(ContentResponseOnWrite::Enabled);
    // Text JSON on the wire, as 4.x sends: bodies are forwarded byte for byte and
    // responses reach Python as the service's own JSON.
    defaults.binary_encoding = Some(BinaryEncodingOptions::new().with_enabled(false));
    // 4.x's throttling budget (9 retries, 30 s in all, each wait the service's
    // retry-after), not the driver's own (18 retries, 270 s).
    defaults.throttling_retry_options = Some(
        ThrottlingRetryOptionsBuilder::new()
            // With 4.x's `retry_fixed_interval` the engine waits between throttled
            // attempts itself (`retry`), so the driver surfaces the first 429.
            .with_max_retry_count(if options.retry.throttle.fixed_interval.is_some() {
                0
            } else {
                options.throttle_retry_count.unwrap_or(9)
            })
            .with_max_retry_wait_time(
                options
                    .throttle_retry_wait
                    .unwrap_or(Duration::from_secs(30)),
            )
            .build(),
    );
    defaults.availability_strategy = Some(crate::options::availability_strategy(
        options.hedging_threshold,
    ));
    if !options.excluded_regions.is_empty() {
        defaults.excluded_regions = Some(
            options
                .excluded_regions
                .iter()
                .map(|r| Region::new(r.clone()))
                .collect::<ExcludedRegions>(),
        );
    }
    defaults
}

async fn connect(options: ClientOptions) -> PyResult<EngineCore> {
    let endpoint: url::Url = options
        .endpoint
        .parse()
        .map_err(|_| client_error(format!("invalid account endpoint {:?}", options.endpoint)))?;
    let account = match &options.auth {
        Auth::Key(key) => AccountReference::with_account_key(endpoint, key.clone()),
        Auth::Token(credential) => AccountReference::with_credential(endpoint, credential.clone()),
    };
    let runtime = driver_runtime(&options).await?;
    let preferred = options
        .preferred_regions
        .iter()
        .map(|r| Region::new(r.clone()))
        .collect();
    let driver_options = DriverOptions::builder(account.clone())
        .with_operation_options(client_operation_options(&options))
        .with_preferred_regions(preferred)
        .build();
    // 4.x reads the account when the client is made; so does this (`create_driver`
    // initializes the driver: the account read, the HTTP version probe, the transport),
    // so that a wrong endpoint or key fails in the constructor, not on the first operation.
    // A second `initialize()` would repeat all of it.
    let driver = runtime
        .create_driver(driver_options)
        .await
        .map_err(cosmos_error_to_py)?;
    let slots = RequestSlots::new(options.requests_in_flight);
    let rest = RestClient::new(&options, slots.clone())?;
    Ok(EngineCore {
        driver,
        rest,
        slots,
        account,
        consistency_level: options.consistency_level,
        retry: Arc::new(options.retry),
    })
}

/// The part of an engine that operations run on; cheap to clone into futures.
#[derive(Clone)]
pub struct EngineCore {
    pub driver: Arc<CosmosDriver>,
    /// The signed REST path, for what the driver does not model.
    pub rest: Arc<RestClient>,
    /// The client's bound on requests in flight, shared with `rest`.
    pub slots: RequestSlots,
    pub account: AccountReference,
    /// Client-wide consistency override (4.x `consistency_level`), sent per request.
    consistency_level: Option<String>,
    /// The retries this engine adds around the driver's (`retry`).
    pub retry: Arc<RetryPolicy>,
}

impl EngineCore {
    pub fn database(&self, name: &str) -> DatabaseReference {
        DatabaseReference::from_name(self.account.clone(), name.to_owned())
    }

    /// The container's reference (RID, partition-key definition). The driver keeps
    /// a cache per account: 4.x's `get_container_client` does no I/O, so the first
    /// operation on a container reads it and later ones reuse the cached entry.
    pub async fn container(&self, database: &str, container: &str) -> PyResult<ContainerReference> {
        // Boxed, as the operation in `operation::execute_mapping_errors` is: inline, the driver's
        // resolution future would make every item operation's future as large as itself.
        Box::pin(
            self.driver
                .resolve_container(database, container, OperationOptions::default()),
        )
        .await
        .map_err(cosmos_error_to_py)
    }

    /// Applies client-wide defaults that the driver has no client option for.
    pub fn request_options(&self, mut options: RequestOptions) -> RequestOptions {
        if options.consistency_level.is_none() {
            options.consistency_level = self.consistency_level.clone();
        }
        options
    }
}

/// The connection of one process: a client inherited across `os.fork()` reconnects
/// in the child (the parent's driver, sockets and background tasks are not the
/// child's), as 4.x's clients keep working there.
struct ProcessCore {
    pid: u32,
    core: EngineCore,
}

/// One connected account (a driver on the process-wide driver runtime).
#[pyclass(name = "Engine", module = "azure.cosmos._rust", frozen)]
pub struct PyEngine {
    options: ClientOptions,
    // Held only to clone or swap the core, never across I/O.
    state: std::sync::Mutex<ProcessCore>,
    closed: std::sync::atomic::AtomicBool,
}

impl PyEngine {
    fn new(options: ClientOptions, core: EngineCore) -> Self {
        Self {
            options,
            state: std::sync::Mutex::new(ProcessCore {
                pid: std::process::id(),
                core,
            }),
            closed: Default::default(),
        }
    }

    fn current_core(&self) -> Option<EngineCore> {
        let state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        (state.pid == std::process::id()).then(|| state.core.clone())
    }

    /// Connects again in a forked child, on first use there.
    fn reconnect_in_child(&self) -> PyResult<EngineCore> {
        let options = self.options.clone();
        let core = Python::attach(|py| {
            block_on(py, with_timeout(options.timeout, connect(options.clone())))
        })?;
        let pid = std::process::id();
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if state.pid == pid {
            // Another thread of the child reconnected first.
            return Ok(state.core.clone());
        }
        let inherited = std::mem::replace(
            &mut *state,
            ProcessCore {
                pid,
                core: core.clone(),
            },
        );
        // The parent's driver belongs to threads that do not exist here: dropping it
        // could wait on them or on locks they held at the fork. Leak it deliberately.
        std::mem::forget(inherited);
        Ok(core)
    }

    /// The core and the options of one operation, with the client-wide defaults applied.
    pub(crate) fn prepare(
        &self,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<(EngineCore, RequestOptions)> {
        let core = self.ready()?;
        let options = core.request_options(RequestOptions::from_dict(options)?);
        Ok((core, options))
    }

    /// The core for an operation, after checking this object may still be used.
    pub(crate) fn ready(&self) -> PyResult<EngineCore> {
        if self.closed.load(std::sync::atomic::Ordering::Acquire) {
            return Err(pyo3::exceptions::PyRuntimeError::new_err(
                "this CosmosClient has been closed",
            ));
        }
        match self.current_core() {
            Some(core) => Ok(core),
            None => self.reconnect_in_child(),
        }
    }
}

#[pymethods]
impl PyEngine {
    #[staticmethod]
    fn connect(py: Python<'_>, options: &Bound<'_, PyDict>) -> PyResult<Self> {
        let options = ClientOptions::from_dict(options, None)?;
        let kept = options.clone();
        block_on(
            py,
            with_timeout(options.timeout, async move {
                connect(options).await.map(|core| PyEngine::new(kept, core))
            }),
        )
    }

    #[staticmethod]
    fn connect_async<'py>(
        py: Python<'py>,
        options: &Bound<'py, PyDict>,
    ) -> PyResult<Bound<'py, PyAny>> {
        // An async credential is awaited on the loop this client is created on.
        let event_loop =
            pyo3_async_runtimes::TaskLocals::with_running_loop(py)?.copy_context(py)?;
        let options = ClientOptions::from_dict(options, Some(event_loop))?;
        let kept = options.clone();
        into_awaitable(
            py,
            with_timeout(options.timeout, async move {
                connect(options).await.map(|core| PyEngine::new(kept, core))
            }),
        )
    }

    #[getter]
    fn endpoint(&self) -> &str {
        &self.options.endpoint
    }

    fn close(&self) {
        self.closed
            .store(true, std::sync::atomic::Ordering::Release);
    }

    #[getter]
    fn closed(&self) -> bool {
        self.closed.load(std::sync::atomic::Ordering::Acquire)
    }

    fn __repr__(&self) -> String {
        format!("<Engine endpoint={:?}>", self.options.endpoint)
    }
}
