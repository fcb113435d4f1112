//! The one operation path: a driver `CosmosOperation`, the request options applied
//! to it, executed under the operation's `timeout`, answered as a `Response`.
//!
//! Every point operation (databases, containers, items, patch, batch, ...) builds
//! its `CosmosOperation` and calls [`execute_within`]; paged ones go through `query::PyPager`.

use std::future::Future;
use std::time::Duration;

use azure_data_cosmos_driver::models::CosmosOperation;
use azure_data_cosmos_driver::CosmosError;
use pyo3::prelude::*;

use crate::engine::EngineCore;
use crate::errors::cosmos_error_to_py;
use crate::options::RequestOptions;
use crate::response::PyResponse;
pub use crate::runtime::with_timeout;

/// Waits before each new attempt of a request that never reached the service
/// (connection refused, DNS): an outage of a few seconds, such as a server
/// restarting, is ridden out as 4.x's connection retries ride it out.
pub const UNSENT_RETRY_WAITS: [Duration; 5] = [
    Duration::from_millis(250),
    Duration::from_millis(500),
    Duration::from_secs(1),
    Duration::from_secs(2),
    Duration::from_secs(4),
];

/// Whether every attempt of a failed operation is known not to have been sent, so
/// that trying again cannot apply a write twice.
pub fn never_sent(err: &CosmosError) -> bool {
    if err.response().is_some() {
        return false;
    }
    let Some(diagnostics) = err.diagnostics() else {
        return false;
    };
    let requests = diagnostics.requests();
    !requests.is_empty()
        && requests
            .iter()
            .all(|request| !request.request_sent().may_have_been_sent())
}

/// Runs `attempt` again, after a wait, while it fails without having been sent.
pub async fn retry_unsent<T, F, Fut>(mut attempt: F) -> Result<T, CosmosError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, CosmosError>>,
{
    for wait in UNSENT_RETRY_WAITS {
        match attempt().await {
            Err(err) if never_sent(&err) => tokio::time::sleep(wait).await,
            outcome => return outcome,
        }
    }
    attempt().await
}

/// Runs one operation with its options; the response, or the 4.x exception built
/// from the driver's error by `map_error`.
pub async fn execute_mapping_errors(
    core: &EngineCore,
    operation: CosmosOperation,
    options: &RequestOptions,
    map_error: fn(CosmosError) -> PyErr,
) -> PyResult<PyResponse> {
    let operation = options.apply_to(operation);
    let operation_options = options.operation_options(&[])?;
    let response = retry_unsent(|| {
        core.driver
            .execute_singleton_operation(operation.clone(), operation_options.clone())
    })
    .await
    .map_err(map_error)?;
    Ok(PyResponse::from_driver(response))
}

/// An operation bounded by its `timeout`, for operations whose target
/// must first be resolved (e.g. a container's reference) inside the same budget.
pub async fn execute_within<F, Fut>(
    core: EngineCore,
    options: RequestOptions,
    build: F,
) -> PyResult<PyResponse>
where
    F: FnOnce(EngineCore) -> Fut,
    Fut: Future<Output = PyResult<CosmosOperation>>,
{
    execute_within_mapping_errors(core, options, build, cosmos_error_to_py).await
}

/// [`execute_within`] with an operation-specific mapping of driver errors.
pub async fn execute_within_mapping_errors<F, Fut>(
    core: EngineCore,
    options: RequestOptions,
    build: F,
    map_error: fn(CosmosError) -> PyErr,
) -> PyResult<PyResponse>
where
    F: FnOnce(EngineCore) -> Fut,
    Fut: Future<Output = PyResult<CosmosOperation>>,
{
    let timeout = options.timeout;
    with_timeout(timeout, async move {
        let operation = build(core.clone()).await?;
        execute_mapping_errors(&core, operation, &options, map_error).await
    })
    .await
}
