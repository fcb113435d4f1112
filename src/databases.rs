//! Database operations: create, read, delete, query.

use azure_data_cosmos::models::{DatabaseProperties, ResourceResponse};
use azure_data_cosmos::options::{
    CreateDatabaseOptions, DeleteDatabaseOptions, QueryDatabasesOptions, ReadDatabaseOptions,
};
use bytes::Bytes;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

use crate::engine::{query_with_parameters, with_timeout, EngineCore, PyEngine};
use crate::errors::cosmos_error_to_py;
use crate::options::RequestOptions;
use crate::query::{feed_source, PyPager, Resume};
use crate::response::{join_json_array, sdk_header_pairs, PyResponse};
use crate::runtime::{block_on, into_awaitable};

pub fn resource_response<T>(response: ResourceResponse<T>) -> PyResult<PyResponse> {
    PyResponse::from_parts(
        response.status(),
        sdk_header_pairs(response.headers()),
        response.into_body(),
    )
}

/// Re-serialises typed resources for Python, restoring the system properties the
/// engine's models keep but do not serialise (`_rid`, `_self`, `_etag`, `_ts`).
pub fn encode_with_system_properties<T: serde::Serialize>(
    items: Vec<T>,
    system: impl Fn(&T) -> &azure_data_cosmos::models::SystemProperties,
) -> PyResult<Bytes> {
    let mut encoded = Vec::with_capacity(items.len());
    for item in &items {
        let mut value = serde_json::to_value(item)
            .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))?;
        if let Some(object) = value.as_object_mut() {
            let props = serde_json::to_value(SystemView::from(system(item)))
                .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))?;
            if let serde_json::Value::Object(props) = props {
                for (key, value) in props {
                    if !value.is_null() {
                        object.insert(key, value);
                    }
                }
            }
        }
        encoded.push(Bytes::from(value.to_string().into_bytes()));
    }
    Ok(join_json_array(&encoded))
}

#[derive(serde::Serialize)]
struct SystemView {
    #[serde(rename = "_rid")]
    rid: Option<String>,
    #[serde(rename = "_self")]
    self_link: Option<String>,
    #[serde(rename = "_etag")]
    etag: Option<String>,
    #[serde(rename = "_ts")]
    ts: Option<i64>,
}

impl From<&azure_data_cosmos::models::SystemProperties> for SystemView {
    fn from(props: &azure_data_cosmos::models::SystemProperties) -> Self {
        Self {
            rid: props.resource_id.clone(),
            self_link: props.self_link.clone(),
            etag: props.etag.as_ref().map(|e| e.to_string()),
            ts: props.last_modified.map(|t| t.unix_timestamp()),
        }
    }
}

fn encode_databases(items: Vec<DatabaseProperties>) -> PyResult<Bytes> {
    encode_with_system_properties(items, |db| &db.system_properties)
}

async fn create(core: EngineCore, id: String, options: RequestOptions) -> PyResult<PyResponse> {
    let op = options.operation_options(&options.throughput_headers())?;
    with_timeout(options.timeout, async move {
        let response = core
            .client
            .create_database(
                &id,
                Some(CreateDatabaseOptions::default().with_operation_options(op)),
            )
            .await;
        resource_response(response.map_err(cosmos_error_to_py)?)
    })
    .await
}

async fn read(core: EngineCore, id: String, options: RequestOptions) -> PyResult<PyResponse> {
    let op = options.operation_options(&[])?;
    with_timeout(options.timeout, async move {
        let response = core
            .client
            .database_client(id.as_str())
            .read(Some(
                ReadDatabaseOptions::default().with_operation_options(op),
            ))
            .await;
        resource_response(response.map_err(cosmos_error_to_py)?)
    })
    .await
}

async fn delete(core: EngineCore, id: String, options: RequestOptions) -> PyResult<PyResponse> {
    let op = options.operation_options(&[])?;
    with_timeout(options.timeout, async move {
        let response = core
            .client
            .database_client(id.as_str())
            .delete(Some(
                DeleteDatabaseOptions::default().with_operation_options(op),
            ))
            .await;
        core.forget_containers(&id, None).await;
        resource_response(response.map_err(cosmos_error_to_py)?)
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
        let query = query_with_parameters(query, parameters.as_bytes())?;
        let op = crate::query::metadata_feed_operation_options(&options)?;
        let timeout = options.timeout;
        let start = Box::pin(async move {
            let db_options = QueryDatabasesOptions::default().with_operation_options(op);
            let items = core
                .client
                .query_databases(query, Some(db_options))
                .await
                .map_err(cosmos_error_to_py)?;
            Ok(feed_source(
                items.into_pages(),
                encode_databases,
                Resume::ServiceHeader,
            ))
        });
        Ok(PyPager::new(start, timeout))
    }
}
