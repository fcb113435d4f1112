//! The one operation path: a driver `CosmosOperation`, the request options applied
//! to it, executed under the operation's `timeout`, answered as a `Response`.
//!
//! Every point operation (databases, containers, items, patch, batch, ...) builds
//! its `CosmosOperation` and calls [`execute_within`]; paged ones go through `query::PyPager`.

use std::future::Future;

use azure_data_cosmos_driver::models::CosmosOperation;
use azure_data_cosmos_driver::CosmosError;
use pyo3::prelude::*;

use crate::engine::EngineCore;
use crate::errors::cosmos_error_to_py;
use crate::options::RequestOptions;
use crate::response::PyResponse;
use crate::retry::retrying;
pub use crate::runtime::with_timeout;

/// Runs one operation with its options; the response, or the 4.x exception built
/// from the driver's error by `map_error`. A `body` is attached to each attempt's
/// copy of the operation (see `request_body.rs`).
async fn execute_mapping_errors(
    core: &EngineCore,
    operation: CosmosOperation,
    body: Option<&[u8]>,
    options: &RequestOptions,
    map_error: fn(CosmosError) -> PyErr,
) -> PyResult<PyResponse> {
    let operation = options.apply_to(operation);
    let operation_options = options.operation_options(&[])?;
    // The driver's futures are large (with them inline an item operation's future was about 16 KB,
    // copied twice on its way into the runtime). Boxed here and in `EngineCore::container`, the
    // futures around them stay small: block_on and spawn move a pointer's worth instead.
    // The attempt (its body copy and the driver's future) is made once the client's request slot
    // is taken, so a request waiting for one holds neither.
    let response = retrying(&core.retry, operation.is_read_only(), || {
        core.slots.run(|| {
            let attempt = match body {
                Some(body) => operation.clone().with_body(body.to_vec()),
                None => operation.clone(),
            };
            Box::pin(
                core.driver
                    .execute_singleton_operation(attempt, operation_options.clone()),
            )
        })
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
    execute_with_body_within(core, options, None::<&[u8]>, build, cosmos_error_to_py).await
}

/// [`execute_within`] with an operation-specific mapping of driver errors, for a write whose
/// `body` (the Python bytes, borrowed or kept alive) is copied into each attempt rather than
/// built into the operation.
pub async fn execute_with_body_within<F, Fut, B>(
    core: EngineCore,
    options: RequestOptions,
    body: Option<B>,
    build: F,
    map_error: fn(CosmosError) -> PyErr,
) -> PyResult<PyResponse>
where
    F: FnOnce(EngineCore) -> Fut,
    Fut: Future<Output = PyResult<CosmosOperation>>,
    B: AsRef<[u8]>,
{
    let timeout = options.timeout;
    with_timeout(timeout, async move {
        let operation = build(core.clone()).await?;
        let body = body.as_ref().map(AsRef::as_ref);
        execute_mapping_errors(&core, operation, body, &options, map_error).await
    })
    .await
}
