//! The Python side of a bulk run (`bulk`): operations handed over in chunks,
//! results taken as they complete, sync (GIL released while waiting) or as
//! asyncio awaitables.

use std::sync::{Arc, Mutex};

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};
use tokio::sync::mpsc;

use crate::awaitable::into_awaitable;
use crate::bulk::{run_to_end, Outcome, Run, Sink, Submitted};
use crate::engine::PyEngine;
use crate::partition_key;
use crate::runtime::{block_on, runtime};

/// Results handed to Python: a list of tuples, or `None` when the run is over.
pub struct Outcomes(Option<Vec<Outcome>>);

impl<'py> IntoPyObject<'py> for Outcomes {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let Some(outcomes) = self.0 else {
            return Ok(py.None().into_bound(py));
        };
        let rows = outcomes
            .into_iter()
            .map(|o| {
                (
                    o.index,
                    o.status,
                    o.sub_status,
                    o.request_charge,
                    o.etag,
                    o.resource.map(|raw| PyBytes::new(py, raw.get().as_bytes())),
                    o.throttled,
                    o.error.map(|e| e.into_value(py)),
                )
                    .into_pyobject(py)
            })
            .collect::<PyResult<Vec<_>>>()?;
        Ok(PyList::new(py, rows)?.into_any())
    }
}

/// One bulk run: operations in, results out (see the module's comment).
#[pyclass(name = "BulkExecutor", module = "azure.cosmos._rust", frozen)]
pub struct PyBulkExecutor {
    input: Mutex<Option<mpsc::UnboundedSender<Submitted>>>,
    sink: Arc<Sink>,
    capacity: u32,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for PyBulkExecutor {
    fn drop(&mut self) {
        // Abandoned (the caller stopped iterating): requests in flight are dropped.
        self.task.abort();
    }
}

fn convert(operations: &Bound<'_, PyList>) -> PyResult<Submitted> {
    operations
        .iter()
        .map(|entry| {
            let (index, key, body): (u64, Bound<'_, PyAny>, Bound<'_, PyBytes>) =
                entry.extract()?;
            Ok((
                index,
                partition_key::from_python(&key)?,
                body.as_bytes().to_vec(),
            ))
        })
        .collect()
}

async fn hand_over(
    sink: Arc<Sink>,
    input: Option<mpsc::UnboundedSender<Submitted>>,
    capacity: u32,
    chunk: Submitted,
) -> PyResult<()> {
    let input = input.ok_or_else(|| {
        pyo3::exceptions::PyRuntimeError::new_err("this bulk run's input is closed")
    })?;
    let wanted = (chunk.len() as u32).min(capacity);
    sink.room
        .acquire_many(wanted)
        .await
        .map_err(|_| sink.stopped())?
        .forget();
    input.send(chunk).map_err(|_| sink.stopped())
}

impl PyBulkExecutor {
    fn sender(&self) -> Option<mpsc::UnboundedSender<Submitted>> {
        self.input.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

#[pymethods]
impl PyBulkExecutor {
    /// Hands over `[(index, partition_key, body), ...]`, waiting (GIL released) while
    /// the run holds `capacity` unanswered operations.
    fn submit(&self, py: Python<'_>, operations: &Bound<'_, PyList>) -> PyResult<()> {
        let chunk = convert(operations)?;
        block_on(
            py,
            hand_over(self.sink.clone(), self.sender(), self.capacity, chunk),
        )
    }

    fn submit_async<'py>(
        &self,
        py: Python<'py>,
        operations: &Bound<'py, PyList>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let chunk = convert(operations)?;
        into_awaitable(
            py,
            hand_over(self.sink.clone(), self.sender(), self.capacity, chunk),
        )
    }

    /// No more operations: the run finishes what it holds.
    fn close(&self) {
        self.input.lock().unwrap_or_else(|p| p.into_inner()).take();
    }

    /// Stops the run: requests in flight are dropped, unanswered operations get no result.
    fn cancel(&self) {
        self.close();
        self.task.abort();
    }

    #[pyo3(signature = (wait=true))]
    fn results(&self, py: Python<'_>, wait: bool) -> PyResult<Outcomes> {
        let sink = self.sink.clone();
        block_on(py, async move { sink.take(wait).await.map(Outcomes) })
    }

    #[pyo3(signature = (wait=true))]
    fn results_async<'py>(&self, py: Python<'py>, wait: bool) -> PyResult<Bound<'py, PyAny>> {
        let sink = self.sink.clone();
        into_awaitable(py, async move { sink.take(wait).await.map(Outcomes) })
    }

    #[getter]
    fn capacity(&self) -> u32 {
        self.capacity
    }
}

#[pymethods]
impl PyEngine {
    /// Starts a bulk run on one container.
    #[pyo3(signature = (database, container, max_concurrency=None, capacity=None, options=None))]
    fn bulk_executor(
        &self,
        database: String,
        container: String,
        max_concurrency: Option<usize>,
        capacity: Option<u32>,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<PyBulkExecutor> {
        let (core, options) = self.prepare(options)?;
        let run = Arc::new(Run::new(
            core,
            database,
            container,
            options,
            max_concurrency,
        ));
        let capacity = capacity
            .unwrap_or((run.max_concurrency() as u32).saturating_mul(200))
            .max(crate::bulk_plan::MAX_OPERATIONS_PER_BATCH as u32);
        let sink = Arc::new(Sink::new(capacity));
        let (sender, receiver) = mpsc::unbounded_channel();
        let task = runtime().spawn(run_to_end(run, receiver, sink.clone()));
        Ok(PyBulkExecutor {
            input: Mutex::new(Some(sender)),
            sink,
            capacity,
            task,
        })
    }
}
