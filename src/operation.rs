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
use pyo3::types::PyDict;

use crate::engine::EngineCore;
use crate::errors::{build_exception, cosmos_error_to_py, FailureKind};
use crate::options::RequestOptions;
use crate::response::PyResponse;

/// Enforces the 4.x `timeout` keyword: an absolute budget for the whole operation,
/// retries included. Elapsing drops the driver future, cancelling the request.
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
    let response = core
        .driver
        .execute_singleton_operation(operation, operation_options)
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
