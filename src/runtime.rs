//! The process-wide tokio runtime and the two bridges from Python onto it.
//!
//! One multi-thread runtime serves every client of the process: the engine's
//! background tasks (caches, endpoint probes) live on it, so a runtime per call
//! would strand them. After `os.fork()` the child inherits the runtime's memory
//! but none of its worker threads, so the runtime is keyed by pid and silently
//! rebuilt in a child; a client reconnects there on first use (`engine.rs`),
//! while a pager started in the parent refuses to continue (its plan is the parent's).

use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::errors::{build_exception, FailureKind};

struct ProcessRuntime {
    pid: u32,
    runtime: Arc<tokio::runtime::Runtime>,
}

static RUNTIME: Mutex<Option<ProcessRuntime>> = Mutex::new(None);
static INFLIGHT: AtomicI64 = AtomicI64::new(0);
/// Set when the interpreter starts shutting down (an `atexit` hook).
static SHUTTING_DOWN: AtomicBool = AtomicBool::new(false);
/// Engine tasks that touch Python objects (see [`PythonTaskGuard`]), not yet finished.
static PYTHON_TASKS: AtomicUsize = AtomicUsize::new(0);
/// How long shutdown waits for them.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Called once, from `atexit`, on the main thread, before the interpreter finalizes.
///
/// Threads of the engine that hand results to Python (see [`PythonTaskGuard`])
/// must be done with Python objects before finalization frees them: a task still
/// running then crashes the process (seen: a segfault in `method_dealloc`). So new
/// ones are disarmed and running ones waited for, with the GIL released so they
/// can finish. Daemon threads blocked in a sync call stay parked (see `block_on`).
#[pyfunction]
pub fn shutdown(py: Python<'_>) {
    SHUTTING_DOWN.store(true, Ordering::SeqCst);
    py.detach(|| {
        let deadline = std::time::Instant::now() + SHUTDOWN_GRACE;
        while PYTHON_TASKS.load(Ordering::SeqCst) > 0 && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(2));
        }
    });
}

fn shutting_down() -> bool {
    SHUTTING_DOWN.load(Ordering::SeqCst)
}

/// How often a blocked sync call wakes up to let Python run signal handlers.
const SIGNAL_POLL: Duration = Duration::from_millis(50);

/// Workers for a machine with `cores` usable cores: all but one, and at least one.
///
/// The GIL keeps the process's Python code on one core at a time, and that core is
/// busy exactly when the engine is (a sync caller waits in `block_on`, an event loop
/// polls awaitables), so the workers take the other cores. A worker per core (tokio's
/// default) left two workers handing each request to each other beside the Python
/// thread on a 2-core machine: on the canned server one worker took a sequential read
/// to about 0.73x the process CPU, async operations at 16 and 256 in flight to
/// 0.83-0.87x, at about the same throughput (benchmarks in the README).
fn default_worker_threads(cores: usize) -> usize {
    cores.saturating_sub(1).max(1)
}

/// The runtime of the current process, built on first use (and again after a fork).
pub fn runtime() -> Arc<tokio::runtime::Runtime> {
    let pid = std::process::id();
    let mut slot = RUNTIME
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(existing) = slot.as_ref() {
        if existing.pid == pid {
            return existing.runtime.clone();
        }
    }
    if let Some(stale) = slot.take() {
        // Inherited from the parent: its threads do not exist here, and dropping it
        // would wait for them forever. Leak it deliberately.
        std::mem::forget(stale.runtime);
    }
    let mut builder = tokio::runtime::Builder::new_multi_thread();
    builder.enable_all().thread_name("azure-cosmos-engine");
    // tokio's own TOKIO_WORKER_THREADS, when set, is left to tokio (it refuses a bad value).
    if std::env::var_os("TOKIO_WORKER_THREADS").is_none() {
        builder.worker_threads(default_worker_threads(
            std::thread::available_parallelism().map_or(1, |cores| cores.get()),
        ));
    }
    let runtime = Arc::new(
        builder
            .build()
            .expect("failed to start the azure-cosmos tokio runtime"),
    );
    *slot = Some(ProcessRuntime {
        pid,
        runtime: runtime.clone(),
    });
    runtime
}

/// Remembers which process an engine object was created in.
#[derive(Clone, Copy, Debug)]
pub struct ProcessGuard {
    pid: u32,
}

impl ProcessGuard {
    pub fn current() -> Self {
        Self {
            pid: std::process::id(),
        }
    }

    /// A pager's plan and connections belong to the process (and runtime) that
    /// started it; after a fork they would be shared with the parent.
    pub fn check(&self) -> PyResult<()> {
        if self.pid == std::process::id() {
            Ok(())
        } else {
            Err(PyRuntimeError::new_err(format!(
                "this query or feed was started in process {} and cannot be continued after \
                 os.fork(); start it again in the child process (the client itself works there)",
                self.pid
            )))
        }
    }
}

/// Counts a live engine future; dropping it (completion or cancellation) uncounts it.
pub struct InflightGuard;

impl InflightGuard {
    pub fn new() -> Self {
        INFLIGHT.fetch_add(1, Ordering::SeqCst);
        InflightGuard
    }
}

impl Drop for InflightGuard {
    fn drop(&mut self) {
        INFLIGHT.fetch_sub(1, Ordering::SeqCst);
    }
}

pub fn inflight_operations() -> i64 {
    INFLIGHT.load(Ordering::SeqCst)
}

/// Runs `fut` to completion for a sync API call.
///
/// The GIL is released for the whole wait so other Python threads run. Every
/// `SIGNAL_POLL` the waiting thread briefly re-attaches to run pending signal
/// handlers: a Ctrl-C raises `KeyboardInterrupt` here and drops `fut`, which
/// cancels the request in flight.
pub fn block_on<F, T>(py: Python<'_>, fut: F) -> PyResult<T>
where
    F: Future<Output = PyResult<T>> + Send,
    T: Send,
{
    let runtime = runtime();
    // Only the main thread runs Python once shutdown began (it runs `atexit` and
    // finalization): a call that starts after that point is the main thread's or a
    // daemon's; one that was under way when it began cannot be the main thread's.
    let on_main_thread = shutting_down() && is_main_thread(py);
    let check_signals = || {
        // During shutdown only the main thread may still take the GIL.
        if !shutting_down() || on_main_thread {
            Python::attach(|py| py.check_signals())
        } else {
            Ok(())
        }
    };
    // Pinned on the heap once: the wait below polls it by reference on every wake.
    let fut = Box::pin(fut);
    py.detach(|| {
        let result = {
            // The runtime's context (its I/O, timers and spawner) without running the
            // future on a worker: the calling thread polls it, as Runtime::block_on does.
            let _context = runtime.enter();
            let _inflight = InflightGuard::new();
            wait_checking_signals(fut, SIGNAL_POLL, check_signals)
        };
        if shutting_down() && !on_main_thread {
            // A daemon thread whose call ends while the interpreter finalizes: taking
            // the GIL back now would end the thread inside Rust frames (CPython exits
            // such threads), which aborts the process. Park it, as CPython parks its
            // own daemon threads; the process is about to exit.
            loop {
                std::thread::park();
            }
        }
        result
    })
}

/// Wakes the thread that waits in [`wait_checking_signals`].
struct UnparkThread(std::thread::Thread);

impl std::task::Wake for UnparkThread {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.0.unpark();
    }
}

/// Polls `fut` on this thread until it is ready, calling `check_signals` every `period`
/// of waiting; an error from it drops `fut` and is returned.
///
/// The period is kept by parking with a timeout, not by a tokio timer: registering a
/// timer earlier than the runtime's next one wakes the worker parked in the I/O driver
/// just to re-arm its epoll timeout, one more thread hand-off per sync call (measured:
/// about half a wake-up per sequential read).
fn wait_checking_signals<T>(
    mut fut: std::pin::Pin<Box<impl Future<Output = PyResult<T>> + ?Sized>>,
    period: Duration,
    check_signals: impl Fn() -> PyResult<()>,
) -> PyResult<T> {
    let waker = std::task::Waker::from(Arc::new(UnparkThread(std::thread::current())));
    let mut context = std::task::Context::from_waker(&waker);
    let mut next_check = std::time::Instant::now() + period;
    loop {
        if let std::task::Poll::Ready(result) = fut.as_mut().poll(&mut context) {
            return result;
        }
        // A wake that came while polling left the park token set: this returns at once.
        std::thread::park_timeout(next_check.saturating_duration_since(std::time::Instant::now()));
        let now = std::time::Instant::now();
        if now >= next_check {
            check_signals()?;
            next_check = now + period;
        }
    }
}

fn is_main_thread(py: Python<'_>) -> bool {
    // threading.main_thread() is the thread that runs `atexit` and finalization.
    py.import("threading")
        .and_then(|threading| {
            let current = threading.call_method0("current_thread")?;
            let main = threading.call_method0("main_thread")?;
            current
                .is(&main)
                .then_some(())
                .ok_or_else(|| PyRuntimeError::new_err(""))
        })
        .is_ok()
}

/// Enforces the 4.x `timeout` keyword: an absolute budget for the whole operation,
/// retries included. Elapsing drops the driver future, cancelling the request.
pub async fn with_timeout<T>(
    timeout: Option<Duration>,
    fut: impl Future<Output = PyResult<T>>,
) -> PyResult<T> {
    match timeout {
        None => fut.await,
        Some(budget) => match tokio::time::timeout(budget, fut).await {
            Ok(result) => result,
            Err(_) => Err(timeout_error(budget)),
        },
    }
}

/// 4.x's error for an operation that ran out of its `timeout`.
pub fn timeout_error(budget: Duration) -> PyErr {
    Python::attach(|py| {
        build_exception(
            py,
            FailureKind::Timeout,
            408,
            None,
            PyDict::new(py),
            b"",
            &format!(
                "operation did not complete within the timeout of {:.3}s",
                budget.as_secs_f64()
            ),
        )
    })
}

/// Counts a task of the engine that takes the GIL off Python's own threads, so that
/// interpreter shutdown can wait for it (see [`shutdown`]).
pub struct PythonTaskGuard;

impl PythonTaskGuard {
    pub fn new() -> Self {
        PYTHON_TASKS.fetch_add(1, Ordering::SeqCst);
        PythonTaskGuard
    }

    /// Runs `work` unless the interpreter is going away: then its objects must not be
    /// touched, not even dropped, so `work` (and the Python references it holds) leaks.
    pub fn run(self, work: impl FnOnce()) {
        if shutting_down() {
            std::mem::forget(work);
        } else {
            work();
        }
    }
}

impl Drop for PythonTaskGuard {
    fn drop(&mut self) {
        PYTHON_TASKS.fetch_sub(1, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    use std::time::Duration;

    use pyo3::exceptions::PyRuntimeError;
    use pyo3::PyResult;

    use super::{default_worker_threads, wait_checking_signals};

    #[test]
    fn a_ready_future_returns_without_a_signal_check() {
        let checks = Cell::new(0);
        let outcome = wait_checking_signals(
            Box::pin(async { PyResult::Ok(7) }),
            Duration::from_millis(1),
            || {
                checks.set(checks.get() + 1);
                Ok(())
            },
        );
        assert_eq!(outcome.unwrap(), 7);
        assert_eq!(checks.get(), 0);
    }

    #[test]
    fn a_wake_from_another_thread_ends_the_wait() {
        let (sender, receiver) = futures::channel::oneshot::channel();
        let waker_thread = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(20));
            sender.send(5).unwrap();
        });
        let started = std::time::Instant::now();
        // Signal checks come every 30 s: ending well before the first one took the wake.
        let outcome = wait_checking_signals(
            Box::pin(async { Ok(receiver.await.unwrap()) }),
            Duration::from_secs(30),
            || Ok(()),
        );
        assert_eq!(outcome.unwrap(), 5);
        assert!(started.elapsed() < Duration::from_secs(10));
        waker_thread.join().unwrap();
    }

    #[test]
    fn a_failed_signal_check_drops_the_pending_future() {
        struct SetOnDrop(Arc<AtomicBool>);
        impl Drop for SetOnDrop {
            fn drop(&mut self) {
                self.0.store(true, Ordering::SeqCst);
            }
        }
        let dropped = Arc::new(AtomicBool::new(false));
        let guard = SetOnDrop(dropped.clone());
        let pending = async move {
            let _guard = guard;
            futures::future::pending::<PyResult<()>>().await
        };
        let checks = Cell::new(0);
        let outcome = wait_checking_signals(Box::pin(pending), Duration::from_millis(5), || {
            checks.set(checks.get() + 1);
            if checks.get() == 3 {
                Err(PyRuntimeError::new_err("interrupted"))
            } else {
                Ok(())
            }
        });
        assert!(outcome.is_err());
        assert_eq!(checks.get(), 3);
        assert!(dropped.load(Ordering::SeqCst));
    }

    #[test]
    fn leaves_one_core_to_python_and_keeps_at_least_one_worker() {
        assert_eq!(default_worker_threads(0), 1);
        assert_eq!(default_worker_threads(1), 1);
        assert_eq!(default_worker_threads(2), 1);
        assert_eq!(default_worker_threads(16), 15);
    }
}
