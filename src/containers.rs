//! Container operations: create, read, replace, delete, query.
//!
//! Definitions travel as the facade's JSON bytes, untouched: every property the
//! service knows (indexing, vector and full-text policies, computed properties...)
//! reaches it, and every property it answers reaches Python.

use azure_data_cosmos_driver::models::CosmosOperation;
use azure_data_cosmos_driver::options::PlanOptions;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

use crate::awaitable::into_awaitable;
use crate::engine::{EngineCore, PyEngine};
use crate::operation::execute_within;
use crate::options::RequestOptions;
use crate::query::{query_body, FeedKind, FeedRequest, FeedTarget, PyPager};
use crate::response::PyResponse;
use crate::runtime::block_on;

async fn create(
    core: EngineCore,
    database: String,
    properties: Vec<u8>,
    options: RequestOptions,
) -> PyResult<PyResponse> {
    execute_within(core, options, |core| async move {
        Ok(CosmosOperation::create_container(core.database(&database)).with_body(properties))
    })
    .await
}

async fn read(
    core: EngineCore,
    database: String,
    container: String,
    options: RequestOptions,
) -> PyResult<PyResponse> {
    execute_within(core, options, |core| async move {
        Ok(CosmosOperation::read_container_by_name(
            core.database(&database),
            container,
        ))
    })
    .await
}

async fn replace(
    core: EngineCore,
    database: String,
    container: String,
    properties: Vec<u8>,
    options: RequestOptions,
) -> PyResult<PyResponse> {
    execute_within(core, options, |core| async move {
        let reference = core.container(&database, &container).await?;
        Ok(CosmosOperation::replace_container(reference).with_body(properties))
    })
    .await
}

async fn delete(
    core: EngineCore,
    database: String,
    container: String,
    options: RequestOptions,
) -> PyResult<PyResponse> {
    execute_within(core, options, |core| async move {
        let reference = core.container(&database, &container).await?;
        Ok(CosmosOperation::delete_container(reference))
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
        let properties = properties.as_bytes().to_vec();
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
        let properties = properties.as_bytes().to_vec();
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
        let properties = properties.as_bytes().to_vec();
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
        let properties = properties.as_bytes().to_vec();
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
        let body = query_body(&query, parameters.as_bytes())?;
        let database = core.database(&database);
        Ok(PyPager::new(FeedRequest {
            kind: FeedKind::Query,
            wrap_token: None,
            core,
            build: Box::pin(async move {
                Ok(FeedTarget::driver(
                    CosmosOperation::query_containers(database).with_body(body),
                    None,
                ))
            }),
            options,
            plan_options: PlanOptions::default(),
            merged: None,
        }))
    }
}
