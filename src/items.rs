//! Item operations: create, upsert, replace, read, delete.
//!
//! Bodies arrive as JSON bytes already produced by the facade (4.x's
//! `json.dumps` rules) and are forwarded verbatim as a `RawValue`; the engine's
//! serde pass copies them without re-encoding.

use azure_data_cosmos::models::ItemResponse;
use azure_data_cosmos::options::{ItemReadOptions, ItemWriteOptions};
use azure_data_cosmos::PartitionKey;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};
use serde_json::value::RawValue;

use crate::engine::{with_timeout, EngineCore, PyEngine};
use crate::errors::{client_error, cosmos_error_to_py};
use crate::options::RequestOptions;
use crate::partition_key;
use crate::response::{sdk_header_pairs, PyResponse};
use crate::runtime::{block_on, into_awaitable};

fn item_response(response: ItemResponse) -> PyResult<PyResponse> {
    PyResponse::from_parts(
        response.status(),
        sdk_header_pairs(response.headers()),
        response.into_body(),
    )
}

#[derive(Clone, Copy)]
enum Write {
    Create,
    Upsert,
    Replace,
}

struct ItemCall {
    core: EngineCore,
    database: String,
    container: String,
    partition_key: PartitionKey,
    id: String,
    options: RequestOptions,
}

impl ItemCall {
    fn new(
        engine: &PyEngine,
        database: String,
        container: String,
        partition_key: &Bound<'_, PyAny>,
        id: String,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Self> {
        let (core, options) = engine.prepare(options)?;
        Ok(Self {
            core,
            database,
            container,
            partition_key: partition_key::from_python(partition_key)?,
            id,
            options,
        })
    }

    fn write_options(&self) -> PyResult<ItemWriteOptions> {
        let mut options = ItemWriteOptions::default()
            .with_operation_options(self.options.operation_options(&[])?);
        if let Some(token) = self.options.session_token() {
            options = options.with_session_token(token);
        }
        if let Some(precondition) = self.options.precondition() {
            options = options.with_precondition(precondition);
        }
        Ok(options)
    }

    async fn write(self, kind: Write, body: Vec<u8>) -> PyResult<PyResponse> {
        let raw: Box<RawValue> = RawValue::from_string(
            String::from_utf8(body).map_err(|_| client_error("item body is not UTF-8 JSON"))?,
        )
        .map_err(|e| client_error(format!("item body is not valid JSON: {e}")))?;
        let options = self.write_options()?;
        let timeout = self.options.timeout;
        with_timeout(timeout, async move {
            let container = self.core.container(&self.database, &self.container).await?;
            let result = match kind {
                Write::Create => {
                    container
                        .create_item(self.partition_key, &self.id, &raw, Some(options))
                        .await
                }
                Write::Upsert => {
                    container
                        .upsert_item(self.partition_key, &self.id, &raw, Some(options))
                        .await
                }
                Write::Replace => {
                    container
                        .replace_item(self.partition_key, &self.id, &raw, Some(options))
                        .await
                }
            };
            item_response(result.map_err(cosmos_error_to_py)?)
        })
        .await
    }

    async fn read(self) -> PyResult<PyResponse> {
        let mut options =
            ItemReadOptions::default().with_operation_options(self.options.operation_options(&[])?);
        if let Some(token) = self.options.session_token() {
            options = options.with_session_token(token);
        }
        if let Some(precondition) = self.options.precondition() {
            options = options.with_precondition(precondition);
        }
        let timeout = self.options.timeout;
        with_timeout(timeout, async move {
            let container = self.core.container(&self.database, &self.container).await?;
            let response = container
                .read_item(self.partition_key, &self.id, Some(options))
                .await;
            item_response(response.map_err(cosmos_error_to_py)?)
        })
        .await
    }

    async fn delete(self) -> PyResult<PyResponse> {
        let options = self.write_options()?;
        let timeout = self.options.timeout;
        with_timeout(timeout, async move {
            let container = self.core.container(&self.database, &self.container).await?;
            let response = container
                .delete_item(self.partition_key, &self.id, Some(options))
                .await;
            item_response(response.map_err(cosmos_error_to_py)?)
        })
        .await
    }
}

/// Each item operation is one Rust future (`ItemCall::write/read/delete`) exposed
/// twice: a blocking method and its `_async` twin with the same parameters.
macro_rules! item_write_twins {
    ($sync:ident, $async_name:ident, $kind:expr) => {
        #[pymethods]
        impl PyEngine {
            #[pyo3(signature = (database, container, partition_key, id, body, options=None))]
            #[allow(clippy::too_many_arguments)]
            fn $sync(
                &self,
                py: Python<'_>,
                database: String,
                container: String,
                partition_key: &Bound<'_, PyAny>,
                id: String,
                body: &Bound<'_, PyBytes>,
                options: Option<&Bound<'_, PyDict>>,
            ) -> PyResult<PyResponse> {
                let call = ItemCall::new(self, database, container, partition_key, id, options)?;
                block_on(py, call.write($kind, body.as_bytes().to_vec()))
            }

            #[pyo3(signature = (database, container, partition_key, id, body, options=None))]
            #[allow(clippy::too_many_arguments)]
            fn $async_name<'py>(
                &self,
                py: Python<'py>,
                database: String,
                container: String,
                partition_key: &Bound<'py, PyAny>,
                id: String,
                body: &Bound<'_, PyBytes>,
                options: Option<&Bound<'py, PyDict>>,
            ) -> PyResult<Bound<'py, PyAny>> {
                let call = ItemCall::new(self, database, container, partition_key, id, options)?;
                into_awaitable(py, call.write($kind, body.as_bytes().to_vec()))
            }
        }
    };
}

macro_rules! item_point_twins {
    ($sync:ident, $async_name:ident, $operation:ident) => {
        #[pymethods]
        impl PyEngine {
            #[pyo3(signature = (database, container, partition_key, id, options=None))]
            fn $sync(
                &self,
                py: Python<'_>,
                database: String,
                container: String,
                partition_key: &Bound<'_, PyAny>,
                id: String,
                options: Option<&Bound<'_, PyDict>>,
            ) -> PyResult<PyResponse> {
                let call = ItemCall::new(self, database, container, partition_key, id, options)?;
                block_on(py, call.$operation())
            }

            #[pyo3(signature = (database, container, partition_key, id, options=None))]
            fn $async_name<'py>(
                &self,
                py: Python<'py>,
                database: String,
                container: String,
                partition_key: &Bound<'py, PyAny>,
                id: String,
                options: Option<&Bound<'py, PyDict>>,
            ) -> PyResult<Bound<'py, PyAny>> {
                let call = ItemCall::new(self, database, container, partition_key, id, options)?;
                into_awaitable(py, call.$operation())
            }
        }
    };
}

item_write_twins!(create_item, create_item_async, Write::Create);
item_write_twins!(upsert_item, upsert_item_async, Write::Upsert);
item_write_twins!(replace_item, replace_item_async, Write::Replace);
item_point_twins!(read_item, read_item_async, read);
item_point_twins!(delete_item, delete_item_async, delete);

#[pymethods]
impl PyEngine {
    #[pyo3(signature = (database, container, query, parameters, partition_key, options=None))]
    fn query_items(
        &self,
        database: String,
        container: String,
        query: String,
        parameters: &Bound<'_, PyBytes>,
        partition_key: Option<&Bound<'_, PyAny>>,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<crate::query::PyPager> {
        let (core, options) = self.prepare(options)?;
        let query = crate::engine::query_with_parameters(query, parameters.as_bytes())?;
        let scope = match partition_key {
            Some(pk) if !pk.is_none() => {
                azure_data_cosmos::FeedScope::partition(partition_key::from_python(pk)?)
            }
            _ => azure_data_cosmos::FeedScope::full_container(),
        };
        let query_options = crate::query::query_options(&options)?;
        let timeout = options.timeout;
        let start = Box::pin(async move {
            let client = core.container(&database, &container).await?;
            let items = client
                .query_items::<Box<RawValue>>(query, scope, Some(query_options))
                .await
                .map_err(cosmos_error_to_py)?;
            Ok(crate::query::feed_source(
                items.into_pages(),
                crate::query::encode_raw,
                crate::query::Resume::EngineToken,
            ))
        });
        Ok(crate::query::PyPager::new(start, timeout))
    }
}
