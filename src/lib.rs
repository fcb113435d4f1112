//! Native engine of azure-cosmos 5: PyO3 bindings over `azure_data_cosmos_driver`.
//!
//! Layout: `runtime` (the process-wide tokio runtime, GIL release, signals,
//! fork, asyncio bridge), `engine` (the connected driver), `operation` (the one
//! path every operation takes), one file per domain (`databases`, `containers`,
//! `items`, `batch`, `bulk` (with `bulk_plan`, `bulk_executor`), `change_feed`, `feed_ranges`, `read_many`, `offers`,
//! `resources` for users, permissions and scripts), `query` (paged
//! feeds), `response`/`errors`/`options`/`partition_key` (boundary conversions).

use pyo3::prelude::*;

mod account;
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
mod request_body;
mod request_slots;
mod resources;
mod response;
mod rest;
mod retry;
mod runtime;
mod session_tokens;

// The engine's Rust allocations (Python keeps its own allocator). A point operation makes a few hundred
// small allocations, many freed on another thread than the one that made them (a tokio worker allocates,
// the Python thread drops the response): glibc returns such a block to its owning arena under that
// arena's lock, mimalloc frees across threads without one. On the canned server (release builds) a sequential read went from 446k to 391k
// instructions and async reads at 16-64 in flight from about 0.13 to 0.07 ms of CPU each. mimalloc
// also reuses the memory of large document buffers instead of faulting in fresh pages per document
// (tried: mapping blocks of 256 KiB and up individually, or mimalloc purging at once, returned the memory
// of 1-2 MB documents sooner but made each such create or read 2-3x the CPU).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Version of the `azure_data_cosmos_driver` crate compiled in, read from Cargo.lock by build.rs.
const ENGINE_VERSION: &str = env!("AZURE_DATA_COSMOS_DRIVER_VERSION");

#[pyfunction]
fn inflight_operations() -> i64 {
    runtime::inflight_operations()
}

#[pyfunction]
fn engine_worker_threads() -> usize {
    runtime::runtime().metrics().num_workers()
}

#[pymodule]
fn _rust(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("ENGINE_CRATE", "azure_data_cosmos_driver")?;
    m.add("ENGINE_VERSION", ENGINE_VERSION)?;
    m.add(
        "FEED_ARRAYS",
        pyo3::types::PyTuple::new(m.py(), response::FEED_ARRAYS)?,
    )?;
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
    m.add_function(wrap_pyfunction!(engine_worker_threads, m)?)?;
    m.add_function(wrap_pyfunction!(runtime::shutdown, m)?)?;
    // Before the interpreter finalizes, engine threads must be done with its objects.
    m.py()
        .import("atexit")?
        .call_method1("register", (m.getattr("shutdown")?,))?;
    m.add_function(wrap_pyfunction!(feed_ranges::is_feed_range_subset, m)?)?;
    m.add_function(wrap_pyfunction!(session_tokens::latest_session_token, m)?)?;
    Ok(())
}
