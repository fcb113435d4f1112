//! The asyncio twin of every operation: its Rust future as an `asyncio.Future` of the
//! running loop, completed on the loop's own thread.
//!
//! pyo3-async-runtimes' bridge hands each result to Python from a blocking-pool thread
//! that must take the GIL (which the loop holds most of the time) and then calls
//! `call_soon_threadsafe`: per operation a thread hand-off, a GIL hand-off and a wake
//! of the loop, and under load a pool of threads that each keep a stack and a malloc
//! arena. Here a finished future only queues its outcome on its loop's [`Completions`]
//! (no GIL); the first outcome of a batch writes one byte to a socket pair whose read
//! end the loop watches (`add_reader`), and the loop's thread sets every queued result
//! in one pass. A loop that cannot watch a socket (`add_reader` not implemented, as on
//! Windows' proactor loop) is woken by `call_soon_threadsafe` instead, once per batch.
//!
//! Cancelling the asyncio future aborts the tokio task, which drops the Rust future and
//! so the request in flight.

use std::any::Any;
use std::cell::RefCell;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex, MutexGuard};

use futures::FutureExt;
use pyo3::exceptions::PyNotImplementedError;
use pyo3::panic::PanicException;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::{intern, IntoPyObjectExt};

use crate::runtime::{runtime, InflightGuard, PythonTaskGuard};

/// Turns a finished future's output into the value (or exception) of its asyncio
/// future; runs on the loop's thread, under the GIL.
type Outcome = Box<dyn FnOnce(Python<'_>) -> PyResult<Py<PyAny>> + Send>;

struct Completed {
    future: Py<PyAny>,
    outcome: Outcome,
}

/// How a loop learns that outcomes are waiting.
enum Wake {
    #[cfg(unix)]
    Socket {
        reader: std::os::unix::net::UnixStream,
        writer: std::os::unix::net::UnixStream,
    },
    Threadsafe {
        event_loop: Py<PyAny>,
    },
}

/// The outcomes one event loop has not taken yet.
struct Completions {
    queue: Mutex<Vec<Completed>>,
    wake: Wake,
}

impl Completions {
    /// Starts watching `event_loop`: a socket pair under `add_reader` where the loop has it.
    fn watch(py: Python<'_>, event_loop: &Bound<'_, PyAny>) -> PyResult<Arc<Self>> {
        #[cfg(unix)]
        {
            let (reader, writer) = std::os::unix::net::UnixStream::pair()?;
            reader.set_nonblocking(true)?;
            writer.set_nonblocking(true)?;
            let fd = std::os::fd::AsRawFd::as_raw_fd(&reader);
            let completions = Self::new(Wake::Socket { reader, writer });
            let drain = LoopDrain {
                completions: completions.clone(),
            };
            match event_loop.call_method1(intern!(py, "add_reader"), (fd, drain)) {
                Ok(_) => return Ok(completions),
                Err(err) if err.is_instance_of::<PyNotImplementedError>(py) => {}
                Err(err) => return Err(err),
            }
        }
        Ok(Self::new(Wake::Threadsafe {
            event_loop: event_loop.clone().unbind(),
        }))
    }

    fn new(wake: Wake) -> Arc<Self> {
        Arc::new(Self {
            queue: Mutex::new(Vec::new()),
            wake,
        })
    }

    fn queue(&self) -> MutexGuard<'_, Vec<Completed>> {
        // A panic while the lock was held cannot leave the Vec half-written.
        self.queue
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Queues an outcome; runs on an engine thread, without the GIL.
    fn complete(self: &Arc<Self>, future: Py<PyAny>, outcome: Outcome) {
        let first_of_batch = {
            let mut queue = self.queue();
            queue.push(Completed { future, outcome });
            queue.len() == 1
        };
        if first_of_batch {
            self.wake();
        }
    }

    fn wake(self: &Arc<Self>) {
        match &self.wake {
            #[cfg(unix)]
            Wake::Socket { writer, .. } => {
                // A full buffer (WouldBlock) already holds a byte the loop will read.
                let _ = std::io::Write::write(&mut &*writer, &[1]);
            }
            Wake::Threadsafe { .. } => {
                let completions = self.clone();
                let guard = PythonTaskGuard::new();
                // `call_soon_threadsafe` needs the GIL, which an engine thread must not
                // wait for: a blocking-pool thread waits instead.
                runtime().spawn_blocking(move || {
                    guard.run(|| Python::attach(|py| completions.schedule_drain(py)))
                });
            }
        }
    }

    /// Asks a loop without `add_reader` to drain on its own thread.
    fn schedule_drain(self: Arc<Self>, py: Python<'_>) {
        let Wake::Threadsafe { event_loop } = &self.wake else {
            return;
        };
        let event_loop = event_loop.clone_ref(py);
        let drain = LoopDrain { completions: self };
        if let Err(err) = event_loop
            .bind(py)
            .call_method1(intern!(py, "call_soon_threadsafe"), (drain,))
        {
            // The loop is closed: nobody awaits these futures any more.
            err.write_unraisable(py, None);
        }
    }

    /// Sets every queued outcome; runs on the loop's thread.
    fn drain(&self, py: Python<'_>) {
        #[cfg(unix)]
        if let Wake::Socket { reader, .. } = &self.wake {
            // Read the wake bytes before taking the queue: an outcome queued after the
            // take writes a new byte, which must survive for the next drain.
            let mut bytes = [0u8; 64];
            while let Ok(read) = std::io::Read::read(&mut &*reader, &mut bytes) {
                if read < bytes.len() {
                    break;
                }
            }
        }
        let batch = std::mem::take(&mut *self.queue());
        for Completed { future, outcome } in batch {
            let future = future.bind(py);
            if let Err(err) = settle(py, future, outcome) {
                err.write_unraisable(py, Some(future));
            }
        }
    }
}

fn settle(py: Python<'_>, future: &Bound<'_, PyAny>, outcome: Outcome) -> PyResult<()> {
    if future.call_method0(intern!(py, "cancelled"))?.is_truthy()? {
        return Ok(());
    }
    match outcome(py) {
        Ok(value) => future.call_method1(intern!(py, "set_result"), (value,))?,
        Err(err) => future.call_method1(intern!(py, "set_exception"), (err.into_value(py),))?,
    };
    Ok(())
}

/// The loop's reader callback (or `call_soon_threadsafe` callback): takes the outcomes.
#[pyclass(frozen)]
struct LoopDrain {
    completions: Arc<Completions>,
}

#[pymethods]
impl LoopDrain {
    fn __call__(&self, py: Python<'_>) {
        self.completions.drain(py);
    }
}

/// Done callback of an engine future: a cancelled future aborts its task.
#[pyclass(frozen)]
struct AbortOnCancel {
    task: tokio::task::AbortHandle,
}

#[pymethods]
impl AbortOnCancel {
    fn __call__(&self, py: Python<'_>, future: &Bound<'_, PyAny>) -> PyResult<()> {
        if future.call_method0(intern!(py, "cancelled"))?.is_truthy()? {
            self.task.abort();
        }
        Ok(())
    }
}

thread_local! {
    /// The loops that ran engine futures on this thread (a loop runs on one thread),
    /// with their completions. Usually one.
    static LOOPS: RefCell<Vec<(Py<PyAny>, Arc<Completions>)>> = const { RefCell::new(Vec::new()) };
}

fn completions_for(py: Python<'_>, event_loop: &Bound<'_, PyAny>) -> PyResult<Arc<Completions>> {
    let known = LOOPS.with(|loops| {
        loops
            .borrow()
            .iter()
            .find(|(known, _)| known.bind(py).is(event_loop))
            .map(|(_, completions)| completions.clone())
    });
    if let Some(completions) = known {
        return Ok(completions);
    }
    let completions = Completions::watch(py, event_loop)?;
    // A closed loop's selector, and with it our reader's registration, is gone.
    let closed: Vec<bool> = LOOPS.with(|loops| {
        loops
            .borrow()
            .iter()
            .map(|(known, _)| is_closed(known.bind(py)))
            .collect()
    });
    LOOPS.with(|loops| {
        let mut loops = loops.borrow_mut();
        let mut closed = closed.into_iter();
        loops.retain(|_| !closed.next().unwrap_or(false));
        loops.push((event_loop.clone().unbind(), completions.clone()));
    });
    Ok(completions)
}

fn is_closed(event_loop: &Bound<'_, PyAny>) -> bool {
    event_loop
        .call_method0(intern!(event_loop.py(), "is_closed"))
        .and_then(|closed| closed.is_truthy())
        .unwrap_or(true)
}

static GET_RUNNING_LOOP: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

fn running_loop(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    GET_RUNNING_LOOP
        .get_or_try_init(py, || {
            py.import("asyncio")?
                .getattr("get_running_loop")
                .map(Bound::unbind)
        })?
        .bind(py)
        .call0()
}

fn panic_message(panic: &(dyn Any + Send)) -> String {
    let text = panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("unknown panic");
    format!("the azure-cosmos engine panicked: {text}")
}

/// Runs `fut` on the engine's runtime as an `asyncio.Future` of the running loop.
pub fn into_awaitable<'py, F, T>(py: Python<'py>, fut: F) -> PyResult<Bound<'py, PyAny>>
where
    F: Future<Output = PyResult<T>> + Send + 'static,
    T: for<'a> IntoPyObject<'a> + Send + 'static,
{
    let event_loop = running_loop(py)?;
    let completions = completions_for(py, &event_loop)?;
    let future = event_loop.call_method0(intern!(py, "create_future"))?;
    let promise = future.clone().unbind();
    // Operation futures are large: boxed once here, only a pointer moves from now on.
    let fut = Box::pin(fut);
    let task = runtime().spawn(async move {
        let _inflight = InflightGuard::new();
        let outcome = AssertUnwindSafe(fut).catch_unwind().await;
        let outcome: Outcome = Box::new(move |py| match outcome {
            Ok(Ok(value)) => value.into_py_any(py),
            Ok(Err(err)) => Err(err),
            Err(panic) => Err(PanicException::new_err(panic_message(&*panic))),
        });
        completions.complete(promise, outcome);
    });
    let abort = AbortOnCancel {
        task: task.abort_handle(),
    };
    if let Err(err) = future.call_method1(intern!(py, "add_done_callback"), (abort,)) {
        task.abort();
        return Err(err);
    }
    Ok(future)
}
