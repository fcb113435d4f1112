//! The database account document (4.x `get_database_account`): regions, consistency
//! policy, ... read over the REST path as 4.x reads it (`GET /`).

use azure_core::http::Method;
use pyo3::prelude::*;

use crate::awaitable::into_awaitable;
use crate::engine::{EngineCore, PyEngine};
use crate::options::RequestOptions;
use crate::response::PyResponse;
use crate::rest::RestTarget;
use crate::runtime::block_on;

async fn read_account(core: EngineCore) -> PyResult<PyResponse> {
    let target = RestTarget {
        method: Method::Get,
        resource_type: "",
        resource_link: String::new(),
        path: String::new(),
    };
    core.rest
        .send(target, Vec::new(), None, &RequestOptions::default())
        .await
}

#[pymethods]
impl PyEngine {
    /// The database account document (regions, consistency policy, ...).
    fn read_database_account(&self, py: Python<'_>) -> PyResult<PyResponse> {
        let core = self.ready()?;
        block_on(py, read_account(core))
    }

    fn read_database_account_async<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let core = self.ready()?;
        into_awaitable(py, read_account(core))
    }
}
