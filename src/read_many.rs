//! Read-many (4.x `read_items`): the requested `(id, partition key)` pairs grouped
//! by physical partition, one query per group (at most 1000 items each), the groups
//! run concurrently; the facade puts the results in request order.

use std::collections::BTreeMap;

use azure_data_cosmos_driver::models::{
    ContainerReference, CosmosOperation, FeedRange, PartitionKey,
};
use azure_data_cosmos_driver::options::PlanOptions;
use bytes::Bytes;
use futures::StreamExt;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::awaitable::into_awaitable;
use crate::engine::{EngineCore, PyEngine};
use crate::errors::{cosmos_error_to_py, response_error};
use crate::operation::with_timeout;
use crate::options::RequestOptions;
use crate::partition_key;
use crate::query::query_body;
use crate::response::{feed_items, PyResponse};
use crate::runtime::block_on;

/// Items per query, as 4.x sends them.
const ITEMS_PER_QUERY: usize = 1000;
/// Queries in flight at once, unless the caller says otherwise (4.x's default).
const CONCURRENT_QUERIES: usize = 10;

pub struct WantedItem {
    id: String,
    partition_key: PartitionKey,
    /// The key's components as JSON (`None`: undefined), for the query's filter.
    components: Vec<Option<serde_json::Value>>,
}

/// `c["a"]["b"]` for the partition-key path `/a/b`.
fn property_path(path: &str) -> String {
    let mut out = String::from("c");
    for name in path.trim_start_matches('/').split('/') {
        let name = name.trim_matches('"');
        out.push('[');
        out.push_str(&serde_json::to_string(name).expect("a string always serialises"));
        out.push(']');
    }
    out
}

/// One query for a group of items: `(c.id = @i0 AND c["pk"] = @i0k0) OR ...`.
fn group_query(paths: &[String], items: &[&WantedItem]) -> (String, Vec<u8>) {
    let mut text = String::from("SELECT * FROM c WHERE ");
    let mut parameters = Vec::new();
    for (n, item) in items.iter().enumerate() {
        if n > 0 {
            text.push_str(" OR ");
        }
        text.push_str(&format!("(c.id = @i{n}"));
        parameters.push(serde_json::json!({"name": format!("@i{n}"), "value": item.id}));
        for (k, (path, component)) in paths.iter().zip(&item.components).enumerate() {
            let property = property_path(path);
            match component {
                None => text.push_str(&format!(" AND NOT IS_DEFINED({property})")),
                Some(serde_json::Value::Null) => {
                    text.push_str(&format!(" AND IS_NULL({property})"))
                }
                Some(value) => {
                    text.push_str(&format!(" AND {property} = @i{n}k{k}"));
                    parameters
                        .push(serde_json::json!({"name": format!("@i{n}k{k}"), "value": value}));
                }
            }
        }
        text.push(')');
    }
    let parameters = serde_json::to_vec(&parameters).expect("JSON values always serialise");
    (text, parameters)
}

/// `[a,b]` + `[c]` -> `[a,b,c]`, splicing the arrays' bytes.
fn concat_arrays(arrays: &[Bytes]) -> Bytes {
    let mut out = Vec::with_capacity(arrays.iter().map(Bytes::len).sum::<usize>() + 2);
    out.push(b'[');
    let mut first = true;
    for array in arrays {
        let text = array.trim_ascii();
        let inner = text
            .strip_prefix(b"[")
            .and_then(|t| t.strip_suffix(b"]"))
            .unwrap_or(b"")
            .trim_ascii();
        if inner.is_empty() {
            continue;
        }
        if !first {
            out.push(b',');
        }
        out.extend_from_slice(inner);
        first = false;
    }
    out.push(b']');
    Bytes::from(out)
}

struct GroupResult {
    pages: Vec<Bytes>,
    charge: f64,
}

async fn run_group(
    core: &EngineCore,
    container: &ContainerReference,
    operation: CosmosOperation,
    options: &RequestOptions,
) -> PyResult<GroupResult> {
    let operation = options.apply_to(operation);
    let operation_options = options.operation_options(&[])?;
    let mut plan = core
        .driver
        .plan_operation(operation, &operation_options, None, &PlanOptions::default())
        .await
        .map_err(cosmos_error_to_py)?;
    let mut result = GroupResult {
        pages: Vec::new(),
        charge: 0.0,
    };
    while let Some(response) = core
        .driver
        .execute_plan(
            &mut plan,
            Some(container.clone()),
            operation_options.clone(),
        )
        .await
        .map_err(cosmos_error_to_py)?
    {
        result.charge += response
            .headers()
            .request_charge
            .map(|c| c.value())
            .unwrap_or_default();
        let (items, _) =
            feed_items(response.into_body()).map_err(|message| response_error(&message))?;
        result.pages.push(items);
    }
    Ok(result)
}

async fn read_many(
    core: EngineCore,
    database: String,
    container: String,
    wanted: Vec<WantedItem>,
    options: RequestOptions,
    concurrency: usize,
) -> PyResult<PyResponse> {
    with_timeout(options.timeout, async move {
        let reference = core.container(&database, &container).await?;
        if wanted.is_empty() {
            return Ok(PyResponse::new(200, Vec::new(), Bytes::from_static(b"[]")));
        }
        let definition = reference.partition_key_definition();
        let paths: Vec<String> = definition.paths().iter().map(|p| p.to_string()).collect();
        let physical: Vec<FeedRange> = core
            .driver
            .resolve_all_partition_key_ranges(&reference, false)
            .await
            .map_err(cosmos_error_to_py)?
            .unwrap_or_default()
            .iter()
            .filter_map(|range| FeedRange::try_from(range).ok())
            .collect();
        // Items by the physical range their key hashes into (ordered, so the
        // queries and their answers are deterministic).
        let mut groups: BTreeMap<usize, Vec<&WantedItem>> = BTreeMap::new();
        for item in &wanted {
            let own = FeedRange::for_partition(item.partition_key.clone(), definition);
            let index = physical
                .iter()
                .position(|range| range.overlaps(&own))
                .unwrap_or(usize::MAX);
            groups.entry(index).or_default().push(item);
        }
        let mut queries = Vec::new();
        for (index, items) in &groups {
            let target = physical
                .get(*index)
                .cloned()
                .unwrap_or_else(FeedRange::full);
            for chunk in items.chunks(ITEMS_PER_QUERY) {
                let (text, parameters) = group_query(&paths, chunk);
                let body = query_body(&text, &parameters)?;
                queries.push(
                    CosmosOperation::query_items(reference.clone(), Some(target.clone()))
                        .with_body(body),
                );
            }
        }
        let results: Vec<PyResult<GroupResult>> = futures::stream::iter(queries)
            .map(|operation| run_group(&core, &reference, operation, &options))
            .buffered(concurrency)
            .collect()
            .await;
        let mut pages = Vec::new();
        let mut charge = 0.0;
        for result in results {
            let result = result?;
            charge += result.charge;
            pages.extend(result.pages);
        }
        // As 4.x: the operation's headers are its total charge, nothing else (the
        // other headers belong to one of several requests).
        let headers = vec![("x-ms-request-charge".to_owned(), format!("{charge}"))];
        Ok(PyResponse::new(200, headers, concat_arrays(&pages)))
    })
    .await
}

fn concurrency(max_concurrency: Option<usize>) -> PyResult<usize> {
    match max_concurrency {
        None => Ok(CONCURRENT_QUERIES),
        Some(0) => Err(crate::errors::client_error(
            "max_concurrency must be at least 1",
        )),
        Some(n) => Ok(n),
    }
}

fn wanted_items(items: &Bound<'_, PyList>) -> PyResult<Vec<WantedItem>> {
    items
        .iter()
        .map(|entry| {
            let (id, key): (String, Bound<'_, PyAny>) = entry.extract()?;
            Ok(WantedItem {
                id,
                partition_key: partition_key::from_python(&key)?,
                components: partition_key::json_components(&key)?,
            })
        })
        .collect()
}

#[pymethods]
impl PyEngine {
    /// `items`: `[(id, partition key components), ...]`. The response body is every
    /// item found, grouped by physical partition (not in request order).
    #[pyo3(signature = (database, container, items, options=None, max_concurrency=None))]
    fn read_items(
        &self,
        py: Python<'_>,
        database: String,
        container: String,
        items: &Bound<'_, PyList>,
        options: Option<&Bound<'_, PyDict>>,
        max_concurrency: Option<usize>,
    ) -> PyResult<PyResponse> {
        let (core, options) = self.prepare(options)?;
        let wanted = wanted_items(items)?;
        let concurrency = concurrency(max_concurrency)?;
        block_on(
            py,
            read_many(core, database, container, wanted, options, concurrency),
        )
    }

    #[pyo3(signature = (database, container, items, options=None, max_concurrency=None))]
    fn read_items_async<'py>(
        &self,
        py: Python<'py>,
        database: String,
        container: String,
        items: &Bound<'py, PyList>,
        options: Option<&Bound<'py, PyDict>>,
        max_concurrency: Option<usize>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (core, options) = self.prepare(options)?;
        let wanted = wanted_items(items)?;
        let concurrency = concurrency(max_concurrency)?;
        into_awaitable(
            py,
            read_many(core, database, container, wanted, options, concurrency),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_quoted_properties() {
        assert_eq!(property_path("/pk"), r#"c["pk"]"#);
        assert_eq!(property_path("/a/b"), r#"c["a"]["b"]"#);
    }

    #[test]
    fn arrays_are_spliced() {
        let arrays = [
            Bytes::from_static(b"[1,2]"),
            Bytes::from_static(b"[]"),
            Bytes::from_static(b" [ {\"a\":[3]} ] "),
        ];
        assert_eq!(&concat_arrays(&arrays)[..], b"[1,2,{\"a\":[3]}]");
        assert_eq!(&concat_arrays(&[])[..], b"[]");
    }
}
