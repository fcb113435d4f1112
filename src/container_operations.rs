//! Operations on a container's contents that the driver does not model, over the
//! REST path: delete every item of a logical partition (4.x
//! `delete_all_items_by_partition_key`).

use azure_core::http::Method;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::awaitable::into_awaitable;
use crate::engine::{EngineCore, PyEngine};
use crate::operation::with_timeout;
use crate::options::RequestOptions;
use crate::partition_key;
use crate::response::PyResponse;
use crate::rest::RestTarget;
use crate::runtime::block_on;

/// `x-ms-documentdb-partitionkey` as the service reads it: the components as a JSON
/// array, `{}` for an undefined component.
pub fn partition_key_header(components: &[Option<serde_json::Value>]) -> String {
    let values: Vec<serde_json::Value> = components
        .iter()
        .map(|c| c.clone().unwrap_or_else(|| serde_json::json!({})))
        .collect();
    serde_json::Value::Array(values).to_string()
}

pub fn container_link(database: &str, container: &str) -> String {
    format!("dbs/{database}/colls/{container}")
}

/// One REST request addressed to a logical partition (`key`: its header value),
/// bounded by the operation's `timeout`.
pub async fn send_to_partition(
    core: EngineCore,
    target: RestTarget,
    key: String,
    options: RequestOptions,
) -> PyResult<PyResponse> {
    with_timeout(options.timeout, async move {
        let headers = vec![("x-ms-documentdb-partitionkey".to_owned(), key)];
        core.rest.send(target, headers, None, &options).await
    })
    .await
}

async fn delete_partition(
    core: EngineCore,
    database: String,
    container: String,
    key: String,
    options: RequestOptions,
) -> PyResult<PyResponse> {
    let link = container_link(&database, &container);
    let target = RestTarget {
        method: Method::Post,
        // Signed as the container, whose contents it deletes.
        resource_type: "colls",
        path: format!("{link}/operations/partitionkeydelete"),
        resource_link: link,
    };
    send_to_partition(core, target, key, options).await
}

/// The header of a partition key passed as the engine's component list.
pub fn key_header(partition_key: &Bound<'_, PyList>) -> PyResult<String> {
    Ok(partition_key_header(&partition_key::json_components(
        partition_key.as_any(),
    )?))
}

#[pymethods]
impl PyEngine {
    #[pyo3(signature = (database, container, partition_key, options=None))]
    fn delete_all_items_by_partition_key(
        &self,
        py: Python<'_>,
        database: String,
        container: String,
        partition_key: &Bound<'_, PyList>,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<PyResponse> {
        let (core, options) = self.prepare(options)?;
        let key = key_header(partition_key)?;
        block_on(
            py,
            delete_partition(core, database, container, key, options),
        )
    }

    #[pyo3(signature = (database, container, partition_key, options=None))]
    fn delete_all_items_by_partition_key_async<'py>(
        &self,
        py: Python<'py>,
        database: String,
        container: String,
        partition_key: &Bound<'py, PyList>,
        options: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (core, options) = self.prepare(options)?;
        let key = key_header(partition_key)?;
        into_awaitable(
            py,
            delete_partition(core, database, container, key, options),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partition_key_header_is_a_json_array() {
        assert_eq!(
            partition_key_header(&[Some(serde_json::json!("a"))]),
            r#"["a"]"#
        );
        assert_eq!(partition_key_header(&[None]), "[{}]");
        assert_eq!(
            partition_key_header(&[Some(serde_json::json!(1)), Some(serde_json::Value::Null)]),
            "[1,null]"
        );
    }
}
