//! Conflicts (multi-region write accounts): list, query, read, delete, over the
//! REST path (the driver does not model them).

use azure_core::http::Method;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};

use crate::awaitable::into_awaitable;
use crate::container_operations::{container_link, key_header, send_to_partition};
use crate::engine::{EngineCore, PyEngine};
use crate::options::RequestOptions;
use crate::query::{rest_feed, PyPager};
use crate::response::PyResponse;
use crate::rest::RestTarget;
use crate::runtime::block_on;

fn conflict_target(method: Method, database: &str, container: &str, id: &str) -> RestTarget {
    let link = format!("{}/conflicts/{id}", container_link(database, container));
    RestTarget {
        method,
        resource_type: "conflicts",
        path: link.clone(),
        resource_link: link,
    }
}

async fn point(
    core: EngineCore,
    method: Method,
    database: String,
    container: String,
    id: String,
    key: String,
    options: RequestOptions,
) -> PyResult<PyResponse> {
    let target = conflict_target(method, &database, &container, &id);
    send_to_partition(core, target, key, options).await
}

#[pymethods]
impl PyEngine {
    /// The container's conflicts: all of them (`query=None`) or those a query selects.
    #[pyo3(signature = (database, container, query=None, parameters=None, partition_key=None, options=None))]
    fn query_conflicts(
        &self,
        database: String,
        container: String,
        query: Option<String>,
        parameters: Option<&Bound<'_, PyBytes>>,
        partition_key: Option<&Bound<'_, PyList>>,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<PyPager> {
        let (core, options) = self.prepare(options)?;
        let link = container_link(&database, &container);
        let headers = match partition_key {
            Some(pk) => vec![("x-ms-documentdb-partitionkey".to_owned(), key_header(pk)?)],
            None if query.is_some() => vec![(
                "x-ms-documentdb-query-enablecrosspartition".to_owned(),
                "True".to_owned(),
            )],
            None => Vec::new(),
        };
        let feed = |method| RestTarget {
            method,
            resource_type: "conflicts",
            path: format!("{link}/conflicts"),
            resource_link: link.clone(),
        };
        rest_feed(
            core,
            options,
            feed,
            query.as_deref(),
            parameters.map(|p| p.as_bytes()),
            headers,
        )
    }
}

/// Reading and deleting a conflict are one future each (`point`) exposed twice: a
/// blocking method and its `_async` twin with the same parameters.
macro_rules! conflict_point_twins {
    ($sync:ident, $async_name:ident, $method:expr) => {
        #[pymethods]
        impl PyEngine {
            #[pyo3(signature = (database, container, id, partition_key, options=None))]
            fn $sync(
                &self,
                py: Python<'_>,
                database: String,
                container: String,
                id: String,
                partition_key: &Bound<'_, PyList>,
                options: Option<&Bound<'_, PyDict>>,
            ) -> PyResult<PyResponse> {
                let (core, options) = self.prepare(options)?;
                let key = key_header(partition_key)?;
                block_on(
                    py,
                    point(core, $method, database, container, id, key, options),
                )
            }

            #[pyo3(signature = (database, container, id, partition_key, options=None))]
            fn $async_name<'py>(
                &self,
                py: Python<'py>,
                database: String,
                container: String,
                id: String,
                partition_key: &Bound<'py, PyList>,
                options: Option<&Bound<'py, PyDict>>,
            ) -> PyResult<Bound<'py, PyAny>> {
                let (core, options) = self.prepare(options)?;
                let key = key_header(partition_key)?;
                into_awaitable(
                    py,
                    point(core, $method, database, container, id, key, options),
                )
            }
        }
    };
}

conflict_point_twins!(read_conflict, read_conflict_async, Method::Get);
conflict_point_twins!(delete_conflict, delete_conflict_async, Method::Delete);
