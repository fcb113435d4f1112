//! Item operations: create, upsert, replace, read, delete, patch; item queries.
//!
//! Bodies arrive as JSON bytes already produced by the facade (4.x's `json.dumps`
//! rules) and are handed to the driver as they are, read from the Python object
//! (`request_body.rs`).

use azure_data_cosmos_driver::models::{CosmosOperation, FeedRange, ItemReference, PartitionKey};
use azure_data_cosmos_driver::options::PlanOptions;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

use crate::awaitable::into_awaitable;
use crate::engine::{EngineCore, PyEngine};
use crate::errors::{cosmos_error_to_py, patch_error_to_py, write_error_to_py};
use crate::feed_ranges;
use crate::merged_query::MergedQuery;
use crate::operation::execute_with_body_within;
use crate::options::RequestOptions;
use crate::partition_key;
use crate::query::{query_body, FeedKind, FeedRequest, FeedTarget, PyPager};
use crate::request_body::OwnedBody;
use crate::response::PyResponse;
use crate::runtime::block_on;

#[derive(Clone, Copy)]
enum ItemOperation {
    Create,
    Upsert,
    Replace,
    Read,
    Delete,
    /// Server-side PATCH: the body is `{"operations": [...], "condition"?: "..."}`.
    Patch,
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

    async fn run<B: AsRef<[u8]>>(
        self,
        kind: ItemOperation,
        body: Option<B>,
    ) -> PyResult<PyResponse> {
        let Self {
            core,
            database,
            container,
            partition_key,
            id,
            mut options,
        } = self;
        if matches!(kind, ItemOperation::Patch) {
            options.server_side_patch = true;
        }
        let map_error = match kind {
            ItemOperation::Patch => patch_error_to_py,
            ItemOperation::Read => cosmos_error_to_py,
            // 4.x's `retry_write`: the client accepted that a retried write may be
            // answered as its own first attempt's effect (e.g. 409).
            _ if options.retry_writes.unwrap_or(core.retry.retry_writes) => cosmos_error_to_py,
            _ => write_error_to_py,
        };
        execute_with_body_within(
            core,
            options,
            body,
            move |core| async move {
                let reference = core.container(&database, &container).await?;
                let item = ItemReference::from_name(&reference, partition_key, id);
                let operation = match kind {
                    ItemOperation::Create => CosmosOperation::create_item(item),
                    ItemOperation::Upsert => CosmosOperation::upsert_item(item),
                    ItemOperation::Replace => CosmosOperation::replace_item(item),
                    ItemOperation::Read => CosmosOperation::read_item(item),
                    ItemOperation::Delete => CosmosOperation::delete_item(item),
                    ItemOperation::Patch => CosmosOperation::patch_item(item),
                };
                Ok(operation)
            },
            map_error,
        )
        .await
    }
}

/// Each item operation is one Rust future (`ItemCall::run`) exposed twice: a
/// blocking method and its `_async` twin with the same parameters.
macro_rules! item_body_twins {
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
                block_on(py, call.run($kind, Some(body.as_bytes())))
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
                into_awaitable(py, call.run($kind, Some(OwnedBody::new(body))))
            }
        }
    };
}

macro_rules! item_point_twins {
    ($sync:ident, $async_name:ident, $kind:expr) => {
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
                block_on(py, call.run($kind, None::<&[u8]>))
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
                into_awaitable(py, call.run($kind, None::<&[u8]>))
            }
        }
    };
}

item_body_twins!(create_item, create_item_async, ItemOperation::Create);
item_body_twins!(upsert_item, upsert_item_async, ItemOperation::Upsert);
item_body_twins!(replace_item, replace_item_async, ItemOperation::Replace);
item_body_twins!(patch_item, patch_item_async, ItemOperation::Patch);
item_point_twins!(read_item, read_item_async, ItemOperation::Read);
item_point_twins!(delete_item, delete_item_async, ItemOperation::Delete);

/// Where an item feed reads: one logical partition, one feed range, or everything.
enum ItemScope {
    Partition(PartitionKey),
    Range(FeedRange),
    Container,
}

impl ItemScope {
    fn from_python(
        partition_key: Option<&Bound<'_, PyAny>>,
        feed_range: Option<(String, String)>,
    ) -> PyResult<Self> {
        if let Some((min, max)) = feed_range {
            return Ok(Self::Range(feed_ranges::from_bounds(&min, &max)?));
        }
        match partition_key {
            Some(pk) if !pk.is_none() => Ok(Self::Partition(partition_key::from_python(pk)?)),
            _ => Ok(Self::Container),
        }
    }
}

#[pymethods]
impl PyEngine {
    /// A SQL query over the container, a logical partition or a feed range.
    #[pyo3(signature = (database, container, query, parameters, partition_key, options=None, feed_range=None))]
    #[allow(clippy::too_many_arguments)]
    fn query_items(
        &self,
        database: String,
        container: String,
        query: String,
        parameters: &Bound<'_, PyBytes>,
        partition_key: Option<&Bound<'_, PyAny>>,
        options: Option<&Bound<'_, PyDict>>,
        feed_range: Option<(String, String)>,
    ) -> PyResult<PyPager> {
        let (core, options) = self.prepare(options)?;
        let body = query_body(&query, parameters.as_bytes())?;
        let scope = ItemScope::from_python(partition_key, feed_range)?;
        // Across partitions, a shape the driver refuses is merged by the engine.
        let merged = match &scope {
            ItemScope::Partition(_) => None,
            ItemScope::Range(range) => Some(Some(range.clone())),
            ItemScope::Container => Some(None),
        }
        .map(|scope| MergedQuery {
            database: database.clone(),
            container: container.clone(),
            body: body.clone(),
            scope,
        });
        let resolver = core.clone();
        Ok(PyPager::new(FeedRequest {
            kind: FeedKind::Query,
            wrap_token: None,
            core,
            build: Box::pin(async move {
                let reference = resolver.container(&database, &container).await?;
                let (target, fans_out) = match scope {
                    ItemScope::Partition(pk) => (
                        FeedRange::for_partition(pk, reference.partition_key_definition()),
                        false,
                    ),
                    ItemScope::Range(range) => (range, true),
                    ItemScope::Container => (FeedRange::full(), true),
                };
                let mut operation =
                    CosmosOperation::query_items(reference.clone(), Some(target)).with_body(body);
                if fans_out {
                    // As 4.x sends it: servers that scope a query by its headers
                    // need to be told it may span partitions.
                    let mut headers = operation.request_headers().clone();
                    headers.enable_cross_partition_query = true;
                    operation = operation.with_request_headers(headers);
                }
                Ok(FeedTarget::driver(operation, Some(reference)))
            }),
            options,
            plan_options: PlanOptions::default(),
            merged,
        }))
    }
}
