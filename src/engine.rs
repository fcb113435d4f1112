//! `Engine`: one connected account, and the connection step itself.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use azure_core::credentials::Secret;
use azure_data_cosmos::options::{
    BinaryEncodingOptions, ConnectionPoolOptions, ContentResponseOnWrite, OperationOptions, Region,
    ServerCertificateValidation, UserAgentSuffix,
};
use azure_data_cosmos::{
    AccountEndpoint, AccountReference, ContainerClient, CosmosClient, CosmosRuntime,
    CosmosRuntimeBuilder, RoutingStrategy,
};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use tokio::sync::Mutex as AsyncMutex;

use crate::errors::{build_exception, client_error, cosmos_error_to_py, FailureKind};
use crate::options::{ClientOptions, RequestOptions};
use crate::runtime::{block_on, into_awaitable, ProcessGuard};

/// Engine runtimes (transport, connection pool) shared by the clients of a
/// process, one per certificate-validation mode. Keyed by pid for fork safety.
static COSMOS_RUNTIMES: std::sync::Mutex<Option<(u32, HashMap<bool, CosmosRuntime>)>> =
    std::sync::Mutex::new(None);

async fn cosmos_runtime(options: &ClientOptions) -> PyResult<CosmosRuntime> {
    let pid = std::process::id();
    let verify = options.connection_verify;
    // Timeouts live on the runtime's connection pool; only the default pool is shared.
    let shareable = options.connection_timeout.is_none() && options.request_timeout.is_none();
    if shareable {
        let guard = COSMOS_RUNTIMES.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((owner, runtimes)) = guard.as_ref() {
            if *owner == pid {
                if let Some(runtime) = runtimes.get(&verify) {
                    return Ok(runtime.clone());
                }
            }
        }
    }
    let mut pool = ConnectionPoolOptions::builder();
    if !verify {
        // The engine's own rule: skip certificate checks (and allow http://) only
        // for loopback / emulator hosts. There is deliberately no wider switch.
        pool = pool.with_server_certificate_validation(
            ServerCertificateValidation::RequiredUnlessEmulator,
        );
        // Local emulators speak HTTP/1.1. The engine probes HTTP/2 first and only
        // falls back on an h2 protocol error; a TLS server whose ALPN offers only
        // http/1.1 (Node's https) aborts the handshake with `no_application_protocol`,
        // which the engine does not treat as a reason to fall back.
        pool = pool.with_is_http2_allowed(false);
    }
    if let Some(timeout) = options.connection_timeout {
        pool = pool.with_max_connect_timeout(timeout.max(Duration::from_millis(100)));
    }
    if let Some(timeout) = options.request_timeout {
        pool = pool.with_max_dataplane_request_timeout(timeout.max(Duration::from_millis(100)));
    }
    let pool = pool.build().map_err(cosmos_error_to_py)?;
    let runtime = CosmosRuntimeBuilder::new()
        .with_connection_pool(pool)
        .build()
        .await
        .map_err(cosmos_error_to_py)?;
    if !shareable {
        return Ok(runtime);
    }
    let mut guard = COSMOS_RUNTIMES.lock().unwrap_or_else(|p| p.into_inner());
    let entry = guard.get_or_insert_with(|| (pid, HashMap::new()));
    if entry.0 != pid {
        *entry = (pid, HashMap::new());
    }
    Ok(entry.1.entry(verify).or_insert(runtime).clone())
}

async fn connect(options: ClientOptions) -> PyResult<EngineCore> {
    let endpoint: AccountEndpoint = options
        .endpoint
        .parse()
        .map_err(|_| client_error(format!("invalid account endpoint {:?}", options.endpoint)))?;
    let account =
        AccountReference::with_authentication_key(endpoint, Secret::from(options.key.clone()));
    let mut defaults = OperationOptions::default();
    // 4.x returns the written document from create/replace/upsert.
    defaults.content_response_on_write = Some(ContentResponseOnWrite::Enabled);
    if !options.excluded_regions.is_empty() {
        defaults.excluded_regions = Some(
            options
                .excluded_regions
                .iter()
                .map(|r| Region::new(r.clone()))
                .collect(),
        );
    }
    let mut builder = CosmosClient::builder()
        .with_runtime(cosmos_runtime(&options).await?)
        .with_default_operation_options(defaults)
        // Text JSON on the wire, as 4.x sends: bodies are forwarded byte for byte
        // (a RawValue cannot be transcoded to Cosmos binary JSON anyway), and
        // responses reach Python as the service's own JSON.
        .with_binary_encoding_options(BinaryEncodingOptions::new().with_enabled(false));
    if let Some(suffix) = &options.user_agent_suffix {
        let suffix = UserAgentSuffix::try_from(suffix.as_str()).map_err(cosmos_error_to_py)?;
        builder = builder.with_user_agent_suffix(suffix);
    }
    let regions = options
        .preferred_regions
        .iter()
        .map(|r| Region::new(r.clone()))
        .collect();
    let client = builder
        .build(account, RoutingStrategy::PreferredRegions(regions))
        .await
        .map_err(cosmos_error_to_py)?;
    Ok(EngineCore {
        endpoint: options.endpoint,
        client,
        containers: Arc::new(AsyncMutex::new(HashMap::new())),
        consistency_level: options.consistency_level,
    })
}

/// The part of an engine that operations run on; cheap to clone into futures.
#[derive(Clone)]
pub struct EngineCore {
    pub endpoint: String,
    pub client: CosmosClient,
    /// Resolved container clients. The engine reads a container's metadata when
    /// its client is first made; 4.x's `get_container_client` does no I/O, so the
    /// resolution happens on first use and is kept for the client's lifetime.
    containers: Arc<AsyncMutex<HashMap<(String, String), ContainerClient>>>,
    /// Client-wide consistency override (4.x `consistency_level`), sent per request.
    consistency_level: Option<String>,
}

impl EngineCore {
    pub async fn container(&self, database: &str, container: &str) -> PyResult<ContainerClient> {
        let key = (database.to_owned(), container.to_owned());
        let mut cache = self.containers.lock().await;
        if let Some(client) = cache.get(&key) {
            return Ok(client.clone());
        }
        let client = self
            .client
            .database_client(database)
            .container_client(container, None)
            .await
            .map_err(cosmos_error_to_py)?;
        cache.insert(key, client.clone());
        Ok(client)
    }

    /// Forgets cached container metadata (after delete/replace, or a database delete).
    pub async fn forget_containers(&self, database: &str, container: Option<&str>) {
        let mut cache = self.containers.lock().await;
        cache.retain(|(db, coll), _| !(db == database && container.map_or(true, |c| c == coll)));
    }

    /// Applies client-wide defaults that the engine has no client option for.
    pub fn request_options(&self, mut options: RequestOptions) -> RequestOptions {
        if options.consistency_level.is_none() {
            options.consistency_level = self.consistency_level.clone();
        }
        options
    }
}

/// Enforces the 4.x `timeout` keyword: an absolute budget for the whole operation,
/// retries included. Elapsing drops the engine future, cancelling the request.
pub async fn with_timeout<T>(
    timeout: Option<Duration>,
    fut: impl Future<Output = PyResult<T>>,
) -> PyResult<T> {
    match timeout {
        None => fut.await,
        Some(budget) => match tokio::time::timeout(budget, fut).await {
            Ok(result) => result,
            Err(_) => Err(Python::attach(|py| {
                build_exception(
                    py,
                    FailureKind::Timeout,
                    408,
                    None,
                    PyDict::new(py),
                    b"",
                    &format!(
                        "operation did not complete within the timeout of {:.3}s",
                        budget.as_secs_f64()
                    ),
                )
            })),
        },
    }
}

/// One connected account (azure_data_cosmos `CosmosClient`).
#[pyclass(name = "Engine", module = "azure.cosmos._rust", frozen)]
pub struct PyEngine {
    pub(crate) core: EngineCore,
    pub(crate) process: ProcessGuard,
    closed: std::sync::atomic::AtomicBool,
}

impl PyEngine {
    fn new(core: EngineCore) -> Self {
        Self {
            core,
            process: ProcessGuard::current(),
            closed: Default::default(),
        }
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

    /// The core for an operation, after checking this object may still be used here.
    pub(crate) fn ready(&self) -> PyResult<EngineCore> {
        self.process.check()?;
        if self.closed.load(std::sync::atomic::Ordering::Acquire) {
            return Err(pyo3::exceptions::PyRuntimeError::new_err(
                "this CosmosClient has been closed",
            ));
        }
        Ok(self.core.clone())
    }
}

#[pymethods]
impl PyEngine {
    #[staticmethod]
    fn connect(py: Python<'_>, options: &Bound<'_, PyDict>) -> PyResult<Self> {
        let options = ClientOptions::from_dict(options)?;
        block_on(
            py,
            with_timeout(options.timeout, async move {
                connect(options).await.map(PyEngine::new)
            }),
        )
    }

    #[staticmethod]
    fn connect_async<'py>(
        py: Python<'py>,
        options: &Bound<'py, PyDict>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let options = ClientOptions::from_dict(options)?;
        into_awaitable(
            py,
            with_timeout(options.timeout, async move {
                connect(options).await.map(PyEngine::new)
            }),
        )
    }

    #[getter]
    fn endpoint(&self) -> &str {
        &self.core.endpoint
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
        format!("<Engine endpoint={:?}>", self.core.endpoint)
    }
}

/// `[{"name": "@p", "value": ...}]` as the engine's query parameters.
pub fn query_with_parameters(
    text: String,
    parameters: &[u8],
) -> PyResult<azure_data_cosmos::Query> {
    let mut query = azure_data_cosmos::Query::from(text);
    if parameters.is_empty() {
        return Ok(query);
    }
    let parsed: Vec<serde_json::Value> = serde_json::from_slice(parameters)
        .map_err(|e| client_error(format!("query parameters are not a JSON array: {e}")))?;
    for parameter in parsed {
        let name = parameter
            .get("name")
            .and_then(|n| n.as_str())
            .ok_or_else(|| client_error("every query parameter needs a string 'name'"))?
            .to_owned();
        let value = parameter
            .get("value")
            .cloned()
            .unwrap_or(serde_json::Value::Null);
        query = query
            .with_parameter(name, value)
            .map_err(cosmos_error_to_py)?;
    }
    Ok(query)
}
