//! Native engine of azure-cosmos 5: PyO3 bindings over `azure_data_cosmos_driver`.
//!
//! Layout: `runtime` (the process-wide tokio runtime, GIL release, signals,
//! fork, asyncio bridge), `engine` (the connected driver), `operation` (the one
//! path every operation takes), one file per domain (`databases`, `containers`,
//! `items`, `batch`, `bulk` (with `bulk_plan`, `bulk_executor`), `change_feed`, `feed_ranges`, `read_many`, `offers`,
//! `resources` for users, permissions and scripts), `query` (paged
//! feeds), `response`/`errors`/`options`/`partition_key` (boundary conversions), `allocator` (the heap).

use pyo3::prelude::*;

mod account;
mod allocator;
mod awaitable;
mod batch;
mod bulk;
mod bulk_executor;
mod bulk_plan;
mod change_feed;
mod conflicts;
mod container_operations;
mod containers;
mod credentials;
mod databases;
mod diagnostics;
mod engine;
mod errors;
mod feed_ranges;
mod hybrid_search;
mod items;
mod merged_query;
mod offers;
mod operation;
mod options;
mod partition_key;
mod query;
mod query_merge;
mod read_many;
mod resources;
mod response;
mod rest;
mod retry;
mod runtime;
mod session_tokens;

// Every Rust allocation of the engine (not Python's): see `allocator` for why.
#[global_allocator]
static ALLOCATOR: allocator::EngineAllocator = allocator::EngineAllocator;

/// Version of the `azure_data_cosmos_driver` crate compiled in, read from Cargo.lock by build.rs.
const ENGINE_VERSION: &str = env!("AZURE_DATA_COSMOS_DRIVER_VERSION");

#[pyfunction]
fn inflight_operations() -> i64 {
    runtime::inflight_operations()
}

#[pymodule]
fn _rust(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("ENGINE_CRATE", "azure_data_cosmos_driver")?;
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
    m.add_class::<bulk_executor::PyBulkExecutor>()?;
    m.add_class::<query::PyPager>()?;
    m.add_class::<response::PyResponse>()?;
    m.add_class::<response::PyPage>()?;
    m.add_class::<diagnostics::PyDiagnostics>()?;
    m.add_function(wrap_pyfunction!(inflight_operations, m)?)?;
    m.add_function(wrap_pyfunction!(runtime::shutdown, m)?)?;
    // Before the interpreter finalizes, engine threads must be done with its objects.
    m.py()
        .import("atexit")?
        .call_method1("register", (m.getattr("shutdown")?,))?;
    m.add_function(wrap_pyfunction!(feed_ranges::is_feed_range_subset, m)?)?;
    m.add_function(wrap_pyfunction!(session_tokens::latest_session_token, m)?)?;
    Ok(())
}
