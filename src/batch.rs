//! Transactional batch: up to 100 operations on one logical partition, atomic.
//!
//! The facade builds the service's batch body (the operation array, as 4.x sends
//! it); the answer is the per-operation result array, with the batch status. A
//! failed batch is answered by the service as an error status with the same
//! array, which reaches the facade on the exception (`_from_engine`'s body).

use azure_data_cosmos_driver::models::CosmosOperation;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

use crate::awaitable::into_awaitable;
use crate::engine::{EngineCore, PyEngine};
use crate::errors::write_error_to_py;
use crate::operation::execute_with_body_within;
use crate::options::RequestOptions;
use crate::partition_key;
use crate::request_body::OwnedBody;
use crate::response::PyResponse;
use crate::runtime::block_on;

async fn execute_batch<B: AsRef<[u8]>>(
    core: EngineCore,
    database: String,
    container: String,
    partition_key: azure_data_cosmos_driver::models::PartitionKey,
    body: B,
    options: RequestOptions,
) -> PyResult<PyResponse> {
    let map_error = if options.retry_writes.unwrap_or(core.retry.retry_writes) {
        crate::errors::cosmos_error_to_py
    } else {
        write_error_to_py
    };
    execute_with_body_within(
        core,
        options,
        Some(body),
        |core| async move {
            let reference = core.container(&database, &container).await?;
            Ok(CosmosOperation::batch(reference, partition_key))
        },
        map_error,
    )
    .await
}

#[pymethods]
impl PyEngine {
    #[pyo3(signature = (database, container, partition_key, body, options=None))]
    fn execute_item_batch(
        &self,
        py: Python<'_>,
        database: String,
        container: String,
        partition_key: &Bound<'_, PyAny>,
        body: &Bound<'_, PyBytes>,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<PyResponse> {
        let (core, options) = self.prepare(options)?;
        let partition_key = partition_key::from_python(partition_key)?;
        let body = body.as_bytes();
        block_on(
            py,
            execute_batch(core, database, container, partition_key, body, options),
        )
    }

    #[pyo3(signature = (database, container, partition_key, body, options=None))]
    fn execute_item_batch_async<'py>(
        &self,
        py: Python<'py>,
        database: String,
        container: String,
        partition_key: &Bound<'py, PyAny>,
        body: &Bound<'py, PyBytes>,
        options: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (core, options) = self.prepare(options)?;
        let partition_key = partition_key::from_python(partition_key)?;
        let body = OwnedBody::new(body);
        into_awaitable(
            py,
            execute_batch(core, database, container, partition_key, body, options),
        )
    }
}
