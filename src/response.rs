//! Response objects handed to Python: status, headers by wire name, raw body bytes.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use azure_data_cosmos_driver::models::{CosmosResponseHeaders, ResponseBody};
use azure_data_cosmos_driver::CosmosResponse;
use bytes::Bytes;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyString, PyTuple};
use serde_json::value::RawValue;

use crate::diagnostics::{Diagnostics, PyDiagnostics};

/// Response headers as `(wire name, value)` pairs, lower-case names.
///
/// The driver keeps only the headers it parses (no raw map): every one of them is
/// passed on under its wire name (charge, activity id, session token, etag,
/// continuation, item count, sub-status, LSNs, metrics, quota/usage, script log...).
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
        dict.set_item(header_name(py, name), value).ok();
    }
    dict
}

/// Most header names a process will ever see, as Python strings.
const MAX_CACHED_NAMES: usize = 512;
type NameCache = HashMap<Box<str>, Py<PyString>>;
static HEADER_NAMES: Mutex<Option<NameCache>> = Mutex::new(None);

/// A header name as a Python string, made once per process: every response repeats
/// the same few dozen names, and a string kept keeps its hash, which each insert
/// into a result's header dict would otherwise compute again. Names past the cap
/// (a service sending ever new ones) are made per response, as before.
pub fn header_name<'py>(py: Python<'py>, name: &str) -> Bound<'py, PyString> {
    let mut names = HEADER_NAMES.lock().unwrap_or_else(PoisonError::into_inner);
    let names = names.get_or_insert_with(HashMap::new);
    if let Some(known) = names.get(name) {
        return known.bind(py).clone();
    }
    if names.len() >= MAX_CACHED_NAMES {
        return PyString::new(py, name);
    }
    // The lock is only taken with the GIL held and nothing here runs Python code, so
    // holding it while the string is made cannot block another thread on the GIL.
    let made = PyString::intern(py, name);
    names.insert(name.into(), made.clone().unbind());
    made
}

/// The headers in the layout of azure-core's `CaseInsensitiveDict._store`,
/// `{lower-case name: (name, value)}`: the facade's result headers are made from it
/// without a Python-level pass over every header. Header names are ASCII (HTTP), so
/// ASCII lower-casing is `str.lower()`; a name already lower-case is one string object
/// shared by the key and the pair.
pub fn pairs_to_store<'py>(py: Python<'py>, pairs: &HeaderPairs) -> Bound<'py, PyDict> {
    let store = PyDict::new(py);
    for (name, value) in pairs {
        let wire_name = header_name(py, name);
        let key = if name.bytes().any(|b| b.is_ascii_uppercase()) {
            PyString::new(py, &name.to_ascii_lowercase())
        } else {
            wire_name.clone()
        };
        let pair = PyTuple::new(py, [wire_name, PyString::new(py, value)]);
        // A two-string tuple on a fresh dict with a str key: neither step can fail.
        if let Ok(pair) = pair {
            store.set_item(key, pair).ok();
        }
    }
    store
}

/// The body of a driver response as one byte string, without re-parsing it.
pub fn body_bytes(body: &ResponseBody) -> Bytes {
    match body {
        ResponseBody::NoPayload => Bytes::new(),
        ResponseBody::Bytes(bytes) => bytes.clone(),
        ResponseBody::Items(items) => join_json_array(items),
    }
}

/// From this size on a body reaches its parser as a view of the engine's buffer instead of a copy
/// (a 2 MB document read then allocates and copies 2 MB less in the interpreter).
const BORROWED_BODY_FROM: usize = 64 * 1024;

/// `PyBUF_READ` of CPython's headers, which PyO3 exports only for the 3.11+ limited API.
const PYBUF_READ: std::os::raw::c_int = 0x100;

/// `parse(body)`: with a `bytes` copy of a small body, or with a read-only `memoryview` of a large
/// one. The view is released before this returns, so that it cannot read the buffer after `body` is
/// gone. `parse` must keep no slice of the view (a slice shares the buffer and outlives the release);
/// the facade's parsers (orjson, or `json.loads` of a `bytes` copy) keep nothing. Should releasing
/// fail (the parser still holds a buffer taken from the view), the buffer is leaked rather than freed
/// under it.
fn parse_body<'py>(
    py: Python<'py>,
    body: &Bytes,
    parse: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    if body.len() < BORROWED_BODY_FROM {
        return parse.call1((PyBytes::new(py, body),));
    }
    // SAFETY: `body` is alive and unchanged for the whole call (borrowed from a frozen object),
    // the view is read-only, and it is released below before the borrow ends.
    let view = unsafe {
        let view = pyo3::ffi::PyMemoryView_FromMemory(
            body.as_ptr() as *mut std::os::raw::c_char,
            body.len() as pyo3::ffi::Py_ssize_t,
            PYBUF_READ,
        );
        Bound::from_owned_ptr_or_err(py, view)?
    };
    let parsed = parse.call1((&view,));
    if view.call_method0(pyo3::intern!(py, "release")).is_err() {
        std::mem::forget(body.clone());
    }
    parsed
}

/// The property holding a feed page's resources, per resource kind (also the facade's
/// list, as `_rust.FEED_ARRAYS`, for the envelopes it parses).
pub const FEED_ARRAYS: &[&str] = &[
    "Documents",
    "Databases",
    "DocumentCollections",
    "Offers",
    "Users",
    "Permissions",
    "StoredProcedures",
    "Triggers",
    "UserDefinedFunctions",
    "Conflicts",
    "PartitionKeyRanges",
];

/// A feed page's items as one JSON array, and how many there are.
///
/// The driver hands a page either as items it already split (cross-partition
/// merges) or as the service's envelope (`{"Documents": [...], "_count": n}`);
/// from an envelope the array's bytes are taken as they are.
pub fn feed_items(body: ResponseBody) -> Result<(Bytes, usize), String> {
    match body {
        ResponseBody::NoPayload => Ok((Bytes::from_static(b"[]"), 0)),
        ResponseBody::Items(items) => Ok((join_json_array(&items), items.len())),
        ResponseBody::Bytes(bytes) => {
            let envelope: std::collections::HashMap<std::borrow::Cow<'_, str>, &RawValue> =
                serde_json::from_slice(&bytes)
                    .map_err(|e| format!("feed page is not a JSON object: {e}"))?;
            let array = FEED_ARRAYS
                .iter()
                .find_map(|name| envelope.get(*name))
                .ok_or_else(|| "feed page has no resource array".to_owned())?;
            // The service counts the page (`_count`); without it, count the array.
            let count = match envelope
                .get("_count")
                .and_then(|c| c.get().parse::<usize>().ok())
            {
                Some(count) => count,
                None => serde_json::from_str::<Vec<&RawValue>>(array.get())
                    .map_err(|e| format!("feed page resources are not an array: {e}"))?
                    .len(),
            };
            let start = array.get().as_ptr() as usize - bytes.as_ptr() as usize;
            Ok((bytes.slice(start..start + array.get().len()), count))
        }
    }
}

/// A query or feed page's payload for the facade, and how many items it holds.
///
/// The service's envelope goes on whole: the facade's JSON parser takes the array out
/// of it, so a page's bytes are scanned once instead of once here and again there. The
/// count comes from `x-ms-item-count`, which the gateway sends with every feed page;
/// only without it is the envelope read here.
pub fn feed_page(body: ResponseBody, item_count: Option<&str>) -> Result<(Bytes, usize), String> {
    match body {
        ResponseBody::Bytes(bytes) => {
            let count = match item_count.and_then(|count| count.trim().parse::<usize>().ok()) {
                Some(count) => count,
                None => feed_items(ResponseBody::Bytes(bytes.clone()))?.1,
            };
            Ok((bytes, count))
        }
        split => feed_items(split),
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
    diagnostics: Option<Diagnostics>,
}

impl PyResponse {
    pub fn new(status: u16, headers: HeaderPairs, body: Bytes) -> Self {
        Self {
            status,
            headers,
            body,
            diagnostics: None,
        }
    }

    pub fn with_diagnostics(mut self, diagnostics: Diagnostics) -> Self {
        self.diagnostics = Some(diagnostics);
        self
    }

    pub fn status_and_headers(&self) -> (u16, &HeaderPairs) {
        (self.status, &self.headers)
    }

    pub fn diagnostics_handle(&self) -> Option<Diagnostics> {
        self.diagnostics.clone()
    }

    pub fn into_parts(self) -> (u16, HeaderPairs, Bytes) {
        (self.status, self.headers, self.body)
    }

    pub fn from_driver(response: CosmosResponse) -> Self {
        let status = u16::from(response.status().status_code());
        let headers = header_pairs(response.headers());
        let body = body_bytes(response.body());
        Self {
            status,
            headers,
            body,
            diagnostics: Some(Diagnostics::Driver(response.diagnostics())),
        }
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
    fn header_store<'py>(&self, py: Python<'py>) -> Bound<'py, PyDict> {
        pairs_to_store(py, &self.headers)
    }

    #[getter]
    fn body<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.body)
    }

    /// `parse(body)` without copying a large body (see [`parse_body`]).
    fn parse_body<'py>(
        &self,
        py: Python<'py>,
        parse: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        parse_body(py, &self.body, parse)
    }

    #[getter]
    fn diagnostics(&self) -> Option<PyDiagnostics> {
        self.diagnostics.clone().map(PyDiagnostics::new)
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
    body: Bytes,
    continuation: Option<String>,
    diagnostics: Option<Diagnostics>,
}

impl PyPage {
    pub fn set_header(&mut self, name: &str, value: String) {
        self.headers.retain(|(known, _)| known != name);
        self.headers.push((name.to_owned(), value));
    }

    pub fn clear_continuation(&mut self) {
        self.continuation = None;
    }

    pub fn continuation_ref(&self) -> Option<&str> {
        self.continuation.as_deref()
    }

    pub fn new(headers: HeaderPairs, body: Bytes, continuation: Option<String>) -> Self {
        Self {
            headers,
            body,
            continuation,
            diagnostics: None,
        }
    }

    pub fn with_diagnostics(mut self, diagnostics: Option<Diagnostics>) -> Self {
        self.diagnostics = diagnostics;
        self
    }
}

#[pymethods]
impl PyPage {
    #[getter]
    fn headers<'py>(&self, py: Python<'py>) -> Bound<'py, PyDict> {
        pairs_to_dict(py, &self.headers)
    }

    #[getter]
    fn body<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.body)
    }

    /// `parse(body)` without copying a large page (see [`parse_body`]).
    fn parse_body<'py>(
        &self,
        py: Python<'py>,
        parse: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        parse_body(py, &self.body, parse)
    }

    #[getter]
    fn continuation(&self) -> Option<String> {
        self.continuation.clone()
    }

    #[getter]
    fn diagnostics(&self) -> Option<PyDiagnostics> {
        self.diagnostics.clone().map(PyDiagnostics::new)
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

    #[test]
    fn takes_the_array_out_of_an_envelope() {
        let page = ResponseBody::from_bytes(Bytes::from_static(
            b"{\"_rid\":\"x\",\"Documents\":[{\"id\":\"a\"}, 2],\"_count\":2}",
        ));
        let (items, count) = feed_items(page).unwrap();
        assert_eq!(&items[..], b"[{\"id\":\"a\"}, 2]");
        assert_eq!(count, 2);
        let empty = ResponseBody::from_bytes(Bytes::from_static(b"{\"Databases\":[]}"));
        assert_eq!(feed_items(empty).unwrap().1, 0);
    }

    #[test]
    fn hands_an_envelope_on_whole_counted_by_its_header() {
        let envelope = Bytes::from_static(b"{\"Documents\":[{\"id\":\"a\"},2],\"_count\":2}");
        let (body, count) =
            feed_page(ResponseBody::from_bytes(envelope.clone()), Some("2")).unwrap();
        assert_eq!(body, envelope);
        assert_eq!(count, 2);
        // Without the header (or with a garbled one) the envelope itself is counted.
        let (body, count) =
            feed_page(ResponseBody::from_bytes(envelope.clone()), Some("x")).unwrap();
        assert_eq!((body, count), (envelope.clone(), 2));
        assert!(feed_page(ResponseBody::from_bytes(Bytes::from_static(b"[1]")), None).is_err());
        let split = ResponseBody::Items(vec![Bytes::from_static(b"1"), Bytes::from_static(b"2")]);
        assert_eq!(
            feed_page(split, Some("9")).unwrap(),
            (Bytes::from_static(b"[1,2]"), 2)
        );
    }
}
