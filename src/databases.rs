//! Database operations: create, read, delete, query.

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

async fn create(core: EngineCore, id: String, options: RequestOptions) -> PyResult<PyResponse> {
    execute_within(core, options, |core| async move {
        let body = serde_json::to_vec(&serde_json::json!({ "id": id }))
            .expect("a JSON object with a string always serialises");
        Ok(CosmosOperation::create_database(core.account.clone()).with_body(body))
    })
    .await
}

async fn read(core: EngineCore, id: String, options: RequestOptions) -> PyResult<PyResponse> {
    execute_within(core, options, |core| async move {
        Ok(CosmosOperation::read_database(core.database(&id)))
    })
    .await
}

async fn delete(core: EngineCore, id: String, options: RequestOptions) -> PyResult<PyResponse> {
    execute_within(core, options, |core| async move {
        Ok(CosmosOperation::delete_database(core.database(&id)))
    })
    .await
}

#[pymethods]
impl PyEngine {
    #[pyo3(signature = (id, options=None))]
    fn create_database(
        &self,
        py: Python<'_>,
        id: String,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<PyResponse> {
        let (core, options) = self.prepare(options)?;
        block_on(py, create(core, id, options))
    }

    #[pyo3(signature = (id, options=None))]
    fn create_database_async<'py>(
        &self,
        py: Python<'py>,
        id: String,
        options: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (core, options) = self.prepare(options)?;
        into_awaitable(py, create(core, id, options))
    }

    #[pyo3(signature = (database, options=None))]
    fn read_database(
        &self,
        py: Python<'_>,
        database: String,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<PyResponse> {
        let (core, options) = self.prepare(options)?;
        block_on(py, read(core, database, options))
    }

    #[pyo3(signature = (database, options=None))]
    fn read_database_async<'py>(
        &self,
        py: Python<'py>,
        database: String,
        options: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (core, options) = self.prepare(options)?;
        into_awaitable(py, read(core, database, options))
    }

    #[pyo3(signature = (database, options=None))]
    fn delete_database(
        &self,
        py: Python<'_>,
        database: String,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<PyResponse> {
        let (core, options) = self.prepare(options)?;
        block_on(py, delete(core, database, options))
    }

    #[pyo3(signature = (database, options=None))]
    fn delete_database_async<'py>(
        &self,
        py: Python<'py>,
        database: String,
        options: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (core, options) = self.prepare(options)?;
        into_awaitable(py, delete(core, database, options))
    }

    #[pyo3(signature = (query, parameters, options=None))]
    fn query_databases(
        &self,
        query: String,
        parameters: &Bound<'_, PyBytes>,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<PyPager> {
        let (core, options) = self.prepare(options)?;
        let body = query_body(&query, parameters.as_bytes())?;
        let account = core.account.clone();
        Ok(PyPager::new(FeedRequest {
            kind: FeedKind::Query,
            wrap_token: None,
            core,
            build: Box::pin(async move {
                Ok(FeedTarget::driver(
                    CosmosOperation::query_databases(account).with_body(body),
                    None,
                ))
            }),
            options,
            plan_options: PlanOptions::default(),
            merged: None,
        }))
    }
}
