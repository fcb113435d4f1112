//! Response objects handed to Python: status, headers by wire name, raw body bytes.

use azure_data_cosmos::models::ResponseHeaders;
use azure_data_cosmos_driver::models::{CosmosResponseHeaders, ResponseBody};
use bytes::Bytes;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

/// Response headers as `(wire name, value)` pairs, lower-case names.
///
/// The engine keeps only the headers it parses (no raw map), so this is the set
/// 4.x users read in practice: charge, activity id, session token, etag,
/// continuation, item count, sub-status, lsn, metrics, quota/usage.
pub type HeaderPairs = Vec<(String, String)>;

pub fn header_pairs(headers: &CosmosResponseHeaders) -> HeaderPairs {
    headers
        .to_raw_headers()
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_ascii_lowercase(),
                value.as_str().to_owned(),
            )
        })
        .collect()
}

/// The same pairs from the SDK's typed view (success responses expose no raw map).
pub fn sdk_header_pairs(headers: &ResponseHeaders) -> HeaderPairs {
    let mut pairs: HeaderPairs = Vec::with_capacity(12);
    let mut put = |name: &str, value: Option<String>| {
        if let Some(value) = value {
            pairs.push((name.to_owned(), value));
        }
    };
    put(
        "x-ms-request-charge",
        headers.request_charge().map(ToString::to_string),
    );
    put(
        "x-ms-activity-id",
        headers.activity_id().map(|a| a.as_str().to_owned()),
    );
    put(
        "x-ms-session-token",
        headers.session_token().map(|t| t.as_str().to_owned()),
    );
    put("etag", headers.etag().map(ToString::to_string));
    put(
        "x-ms-continuation",
        headers.continuation().map(str::to_owned),
    );
    put(
        "x-ms-item-count",
        headers.item_count().map(|c| c.to_string()),
    );
    put(
        "x-ms-substatus",
        headers.substatus().map(|s| s.value().to_string()),
    );
    put(
        "x-ms-documentdb-query-metrics",
        headers.query_metrics().map(str::to_owned),
    );
    put(
        "x-ms-cosmos-index-utilization",
        headers.index_metrics().map(str::to_owned),
    );
    put(
        "x-ms-request-duration-ms",
        headers
            .server_duration()
            .map(|d| format!("{}", d.as_secs_f64() * 1000.0)),
    );
    put("lsn", headers.lsn().map(|v| v.to_string()));
    put(
        "x-ms-cosmos-llsn",
        headers.local_lsn().map(|v| v.to_string()),
    );
    put("x-ms-item-lsn", headers.item_lsn().map(|v| v.to_string()));
    put(
        "x-ms-retry-after-ms",
        headers.retry_after().map(|d| d.as_millis().to_string()),
    );
    put(
        "x-ms-global-committed-lsn",
        headers.global_committed_lsn().map(|v| v.to_string()),
    );
    put(
        "x-ms-gatewayversion",
        headers.gateway_version().map(str::to_owned),
    );
    put(
        "x-ms-resource-quota",
        headers.resource_quota().map(str::to_owned),
    );
    put(
        "x-ms-resource-usage",
        headers.resource_usage().map(str::to_owned),
    );
    put(
        "x-ms-documentdb-partitionkeyrangeid",
        headers.partition_key_range_id().map(str::to_owned),
    );
    put(
        "x-ms-cosmos-correlated-activityid",
        headers.correlated_activity_id().map(str::to_owned),
    );
    put(
        "x-ms-offer-replace-pending",
        headers
            .offer_replace_pending()
            .map(|b| if b { "true".into() } else { "false".into() }),
    );
    pairs
}

pub fn headers_to_dict<'py>(
    py: Python<'py>,
    headers: &CosmosResponseHeaders,
) -> Bound<'py, PyDict> {
    pairs_to_dict(py, &header_pairs(headers))
}

pub fn pairs_to_dict<'py>(py: Python<'py>, pairs: &HeaderPairs) -> Bound<'py, PyDict> {
    let dict = PyDict::new(py);
    for (name, value) in pairs {
        // Setting a str key/value on a fresh dict cannot fail.
        dict.set_item(name, value).ok();
    }
    dict
}

/// The body of a driver response as one byte string, without re-parsing it.
pub fn body_bytes(body: &ResponseBody) -> Bytes {
    match body {
        ResponseBody::NoPayload => Bytes::new(),
        ResponseBody::Bytes(bytes) => bytes.clone(),
        ResponseBody::Items(items) => join_json_array(items),
    }
}

/// `[item,item,...]` from already-serialised JSON items.
pub fn join_json_array(items: &[Bytes]) -> Bytes {
    let size = items.iter().map(Bytes::len).sum::<usize>() + items.len() + 2;
    let mut out = Vec::with_capacity(size);
    out.push(b'[');
    for (index, item) in items.iter().enumerate() {
        if index > 0 {
            out.push(b',');
        }
        out.extend_from_slice(item);
    }
    out.push(b']');
    Bytes::from(out)
}

/// One completed service response.
#[pyclass(name = "Response", module = "azure.cosmos._rust", frozen)]
pub struct PyResponse {
    status: u16,
    headers: HeaderPairs,
    body: Bytes,
}

impl PyResponse {
    /// From the parts every SDK response kind (`ItemResponse`, `ResourceResponse<T>`) exposes.
    pub fn from_parts(
        status: azure_data_cosmos::CosmosStatus,
        headers: HeaderPairs,
        body: azure_data_cosmos::models::ResponseBody,
    ) -> PyResult<Self> {
        let body = if body.is_empty() {
            Bytes::new()
        } else {
            body.single().map_err(crate::errors::cosmos_error_to_py)?
        };
        Ok(Self {
            status: u16::from(status.status_code()),
            headers,
            body,
        })
    }
}

#[pymethods]
impl PyResponse {
    #[getter]
    fn status(&self) -> u16 {
        self.status
    }

    #[getter]
    fn headers<'py>(&self, py: Python<'py>) -> Bound<'py, PyDict> {
        pairs_to_dict(py, &self.headers)
    }

    #[getter]
    fn body<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.body)
    }

    fn __repr__(&self) -> String {
        format!(
            "<Response status={} body={} bytes>",
            self.status,
            self.body.len()
        )
    }
}

/// One page of a query or feed.
#[pyclass(name = "Page", module = "azure.cosmos._rust", frozen)]
pub struct PyPage {
    headers: HeaderPairs,
    items: Bytes,
    continuation: Option<String>,
}

impl PyPage {
    pub fn new(headers: HeaderPairs, items: Bytes, continuation: Option<String>) -> Self {
        Self {
            headers,
            items,
            continuation,
        }
    }
}

#[pymethods]
impl PyPage {
    #[getter]
    fn headers<'py>(&self, py: Python<'py>) -> Bound<'py, PyDict> {
        pairs_to_dict(py, &self.headers)
    }

    #[getter]
    fn items<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.items)
    }

    #[getter]
    fn continuation(&self) -> Option<String> {
        self.continuation.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_items_into_one_array() {
        let items = vec![Bytes::from_static(b"{\"a\":1}"), Bytes::from_static(b"2")];
        assert_eq!(&join_json_array(&items)[..], b"[{\"a\":1},2]");
        assert_eq!(&join_json_array(&[])[..], b"[]");
    }
}
