//! Container operations: create, read, replace, delete, query.

use azure_data_cosmos::models::{ContainerProperties, ThroughputProperties};
use azure_data_cosmos::options::{
    CreateContainerOptions, DeleteContainerOptions, QueryContainersOptions, ReadContainerOptions,
    ReplaceContainerOptions,
};
use bytes::Bytes;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

use crate::databases::{encode_with_system_properties, resource_response};
use crate::engine::{query_with_parameters, with_timeout, EngineCore, PyEngine};
use crate::errors::{client_error, cosmos_error_to_py};
use crate::options::RequestOptions;
use crate::query::{feed_source, PyPager, Resume};
use crate::response::PyResponse;
use crate::runtime::{block_on, into_awaitable};

fn parse_properties(body: &[u8]) -> PyResult<ContainerProperties> {
    serde_json::from_slice(body)
        .map_err(|e| client_error(format!("invalid container definition: {e}")))
}

fn encode_containers(items: Vec<ContainerProperties>) -> PyResult<Bytes> {
    encode_with_system_properties(items, |c| &c.system_properties)
}

fn throughput(options: &RequestOptions) -> Option<ThroughputProperties> {
    if let Some(max) = options.auto_scale_max_throughput {
        Some(ThroughputProperties::autoscale(
            max,
            options.auto_scale_increment_percent,
        ))
    } else {
        options
            .offer_throughput
            .map(|ru| ThroughputProperties::manual(ru))
    }
}

async fn create(
    core: EngineCore,
    database: String,
    properties: ContainerProperties,
    options: RequestOptions,
) -> PyResult<PyResponse> {
    let mut create_options =
        CreateContainerOptions::default().with_operation_options(options.operation_options(&[])?);
    if let Some(throughput) = throughput(&options) {
        create_options = create_options.with_throughput(throughput);
    }
    with_timeout(options.timeout, async move {
        let response = core
            .client
            .database_client(database.as_str())
            .create_container(properties, Some(create_options))
            .await;
        resource_response(response.map_err(cosmos_error_to_py)?)
    })
    .await
}

async fn read(
    core: EngineCore,
    database: String,
    container: String,
    options: RequestOptions,
) -> PyResult<PyResponse> {
    let op = options.operation_options(&[])?;
    with_timeout(options.timeout, async move {
        let client = core.container(&database, &container).await?;
        let response = client
            .read(Some(
                ReadContainerOptions::default().with_operation_options(op),
            ))
            .await;
        resource_response(response.map_err(cosmos_error_to_py)?)
    })
    .await
}

async fn replace(
    core: EngineCore,
    database: String,
    container: String,
    properties: ContainerProperties,
    options: RequestOptions,
) -> PyResult<PyResponse> {
    let op = options.operation_options(&[])?;
    with_timeout(options.timeout, async move {
        let client = core.container(&database, &container).await?;
        let response = client
            .replace(
                properties,
                Some(ReplaceContainerOptions::default().with_operation_options(op)),
            )
            .await;
        // The partition-key definition cannot change, but other metadata can.
        core.forget_containers(&database, Some(&container)).await;
        resource_response(response.map_err(cosmos_error_to_py)?)
    })
    .await
}

async fn delete(
    core: EngineCore,
    database: String,
    container: String,
    options: RequestOptions,
) -> PyResult<PyResponse> {
    let op = options.operation_options(&[])?;
    with_timeout(options.timeout, async move {
        let client = core.container(&database, &container).await?;
        let response = client
            .delete(Some(
                DeleteContainerOptions::default().with_operation_options(op),
            ))
            .await;
        core.forget_containers(&database, Some(&container)).await;
        resource_response(response.map_err(cosmos_error_to_py)?)
    })
    .await
}

#[pymethods]
impl PyEngine {
    #[pyo3(signature = (database, properties, options=None))]
    fn create_container(
        &self,
        py: Python<'_>,
        database: String,
        properties: &Bound<'_, PyBytes>,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<PyResponse> {
        let (core, options) = self.prepare(options)?;
        let properties = parse_properties(properties.as_bytes())?;
        block_on(py, create(core, database, properties, options))
    }

    #[pyo3(signature = (database, properties, options=None))]
    fn create_container_async<'py>(
        &self,
        py: Python<'py>,
        database: String,
        properties: &Bound<'py, PyBytes>,
        options: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (core, options) = self.prepare(options)?;
        let properties = parse_properties(properties.as_bytes())?;
        into_awaitable(py, create(core, database, properties, options))
    }

    #[pyo3(signature = (database, container, options=None))]
    fn read_container(
        &self,
        py: Python<'_>,
        database: String,
        container: String,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<PyResponse> {
        let (core, options) = self.prepare(options)?;
        block_on(py, read(core, database, container, options))
    }

    #[pyo3(signature = (database, container, options=None))]
    fn read_container_async<'py>(
        &self,
        py: Python<'py>,
        database: String,
        container: String,
        options: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (core, options) = self.prepare(options)?;
        into_awaitable(py, read(core, database, container, options))
    }

    #[pyo3(signature = (database, container, properties, options=None))]
    fn replace_container(
        &self,
        py: Python<'_>,
        database: String,
        container: String,
        properties: &Bound<'_, PyBytes>,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<PyResponse> {
        let (core, options) = self.prepare(options)?;
        let properties = parse_properties(properties.as_bytes())?;
        block_on(py, replace(core, database, container, properties, options))
    }

    #[pyo3(signature = (database, container, properties, options=None))]
    fn replace_container_async<'py>(
        &self,
        py: Python<'py>,
        database: String,
        container: String,
        properties: &Bound<'py, PyBytes>,
        options: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (core, options) = self.prepare(options)?;
        let properties = parse_properties(properties.as_bytes())?;
        into_awaitable(py, replace(core, database, container, properties, options))
    }

    #[pyo3(signature = (database, container, options=None))]
    fn delete_container(
        &self,
        py: Python<'_>,
        database: String,
        container: String,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<PyResponse> {
        let (core, options) = self.prepare(options)?;
        block_on(py, delete(core, database, container, options))
    }

    #[pyo3(signature = (database, container, options=None))]
    fn delete_container_async<'py>(
        &self,
        py: Python<'py>,
        database: String,
        container: String,
        options: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (core, options) = self.prepare(options)?;
        into_awaitable(py, delete(core, database, container, options))
    }

    #[pyo3(signature = (database, query, parameters, options=None))]
    fn query_containers(
        &self,
        database: String,
        query: String,
        parameters: &Bound<'_, PyBytes>,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<PyPager> {
        let (core, options) = self.prepare(options)?;
        let query = query_with_parameters(query, parameters.as_bytes())?;
        let op = crate::query::metadata_feed_operation_options(&options)?;
        let timeout = options.timeout;
        let start = Box::pin(async move {
            let container_options = QueryContainersOptions::default().with_operation_options(op);
            let items = core
                .client
                .database_client(database.as_str())
                .query_containers(query, Some(container_options))
                .await
                .map_err(cosmos_error_to_py)?;
            Ok(feed_source(
                items.into_pages(),
                encode_containers,
                Resume::ServiceHeader,
            ))
        });
        Ok(PyPager::new(start, timeout))
    }
}
