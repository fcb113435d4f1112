//! Native engine of azure-cosmos 5: PyO3 bindings over `azure_data_cosmos`.
//!
//! Layout: `runtime` (the process-wide tokio runtime, GIL release, signals,
//! fork, asyncio bridge), `engine` (connection, caches), one file per resource
//! domain (`databases`, `containers`, `items`), `query` (paged feeds),
//! `response`/`errors`/`options`/`partition_key` (boundary conversions).

use pyo3::prelude::*;

mod containers;
mod databases;
mod engine;
mod errors;
mod items;
mod options;
mod partition_key;
mod query;
mod response;
mod runtime;

/// Version of the `azure_data_cosmos` crate compiled in, read from Cargo.lock by build.rs.
const ENGINE_VERSION: &str = env!("AZURE_DATA_COSMOS_VERSION");

#[pyfunction]
fn inflight_operations() -> i64 {
    runtime::inflight_operations()
}

#[pymodule]
fn _rust(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("ENGINE_CRATE", "azure_data_cosmos")?;
    m.add("ENGINE_VERSION", ENGINE_VERSION)?;
    m.add(
        "BUILD_PROFILE",
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        },
    )?;
    m.add_class::<engine::PyEngine>()?;
    m.add_class::<query::PyPager>()?;
    m.add_class::<response::PyResponse>()?;
    m.add_class::<response::PyPage>()?;
    m.add_function(wrap_pyfunction!(inflight_operations, m)?)?;
    Ok(())
}
