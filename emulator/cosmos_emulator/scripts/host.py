"""The V8 contexts (mini-racer) and the thread they live on.

mini-racer binds a context to an asyncio event loop, and only evaluations that run *on* that loop can
be cancelled (which is how runaway scripts are stopped). So one daemon thread per process runs a loop
that owns every context; callers on other threads hand it whole jobs (a complete script execution,
one UDF call) and block until they finish, one job at a time. Code already running inside a job — a
UDF called by a query that a stored procedure issued — evaluates directly on that thread.

The thread lives as long as the process: mini-racer crashes (SIGSEGV in ``mr_init_context``) when V8
was initialized on a thread other than the main one and a context is then created on yet another
thread. So V8 is initialized when this module is imported on the main thread (the usual case), and
all contexts are created on this one thread, which is never replaced.

After V8 reports its heap limit reached, a context is unusable; its host replaces it (a new context
with the runtime installed again) before the next job.
"""
from __future__ import annotations

import asyncio
import threading
from typing import Any, Awaitable, Callable, Optional, TypeVar

from py_mini_racer import JSOOMException, JSTimeoutException, MiniRacer, init_mini_racer

from .runtime_collection import COLLECTION_SOURCE
from .runtime_kernel import KERNEL_SOURCE

T = TypeVar("T")

RUNTIME = "__cosmosEmulatorRuntime.api"

# mini-racer 0.13+ stops an evaluation by cancelling it on the context's event loop; 0.12 (the last
# release for Python 3.9) evaluates synchronously and applies the timeout itself.
AWAITABLE_EVAL = hasattr(MiniRacer, "eval_cancelable")

if threading.current_thread() is threading.main_thread():
    init_mini_racer(ignore_duplicate_init=True)


class ScriptTimeout(Exception):
    """The evaluation ran past its deadline and was terminated."""


class ScriptOutOfMemory(Exception):
    """V8 reached the heap limit; the context has been replaced."""


class _V8Thread:
    """The process-wide thread and event loop that own all V8 contexts."""

    _instance: Optional["_V8Thread"] = None
    _instance_lock = threading.Lock()

    def __init__(self):
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self._serve, name="cosmos-scripts-v8", daemon=True)
        # One job at a time across all contexts: jobs touch storage on behalf of blocked callers.
        self.jobs = threading.Lock()
        self.thread.start()

    def _serve(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()

    @classmethod
    def get(cls) -> "_V8Thread":
        with cls._instance_lock:
            if cls._instance is None:
                cls._instance = cls()
            return cls._instance


class JsHost:
    """One V8 context with the scripts runtime installed.

    :param memory_limit_bytes: V8 heap limit; a script that exceeds it is stopped.
    """

    def __init__(self, memory_limit_bytes: int = 256 * 1024 * 1024):
        self._memory_limit = memory_limit_bytes
        self._v8 = _V8Thread.get()
        self._racer: Optional[MiniRacer] = None
        self._needs_replacement = False
        self._closed = False
        # Bumped each time the context is replaced, so callers drop what they cached in the old one.
        self.generation = 0
        self.run(self._create_context)

    # ------------------------------------------------------------------------------------ jobs
    def on_host_thread(self) -> bool:
        return threading.current_thread() is self._v8.thread

    def run(self, job: Callable[[], Awaitable[T]]) -> T:
        """Run ``job`` (a coroutine function) on the V8 thread and wait for its result."""
        if self.on_host_thread():
            raise RuntimeError("JsHost.run() called from inside a job; use eval_nested()")
        if self._closed:
            raise RuntimeError("the script engine has been closed")
        with self._v8.jobs:
            return asyncio.run_coroutine_threadsafe(job(), self._v8.loop).result()

    async def _create_context(self) -> None:
        # Created on the host loop, so mini-racer (0.13+) binds the context to it.
        racer = MiniRacer()
        racer.set_hard_memory_limit(self._memory_limit)
        racer.eval(KERNEL_SOURCE)
        racer.eval(COLLECTION_SOURCE)
        racer.eval(RUNTIME + ".captureBaseline()")
        self._racer = racer
        self.generation += 1

    async def _replace_context(self) -> None:
        old, self._racer = self._racer, None
        if old is not None:
            try:
                old.close()
            except Exception:  # the old context is being discarded anyway
                pass
        await self._create_context()

    # ------------------------------------------------------------------------------ evaluation
    async def eval(self, code: str, timeout: Optional[float]) -> Any:
        """Evaluate ``code`` inside a job, terminating it after ``timeout`` seconds.

        :raises ScriptTimeout: the deadline passed (the context stays usable).
        :raises ScriptOutOfMemory: the heap limit was reached (the context was replaced).
        """
        if timeout is not None and timeout <= 0:
            raise ScriptTimeout()
        racer = self._racer
        try:
            if not AWAITABLE_EVAL:
                return racer.eval(code, timeout_sec=timeout)
            if timeout is None:
                return await racer.eval_cancelable(code)
            return await asyncio.wait_for(racer.eval_cancelable(code), timeout)
        except (asyncio.TimeoutError, JSTimeoutException):
            raise ScriptTimeout() from None
        except JSOOMException:
            await self._replace_context()
            raise ScriptOutOfMemory() from None

    def eval_nested(self, code: str) -> Any:
        """Evaluate ``code`` synchronously from code already running on the host thread.

        There is no deadline here: mini-racer (0.13+) can only cancel evaluations it awaits.
        """
        try:
            return self._racer.eval(code)
        except JSOOMException:
            # Replacing the context needs the loop, which is busy running the current job; the
            # next job finds the flag and starts from a fresh context.
            self._needs_replacement = True
            raise ScriptOutOfMemory() from None

    async def ensure_healthy(self) -> None:
        """Start each job from a usable context."""
        if self._needs_replacement or self._racer is None:
            self._needs_replacement = False
            await self._replace_context()

    # -------------------------------------------------------------------------------- shutdown
    def close(self) -> None:
        """Dispose of the context (the shared V8 thread keeps running)."""
        if self._closed:
            return

        async def dispose() -> None:
            if self._racer is not None:
                self._racer.close()
                self._racer = None

        try:
            self.run(dispose)
        finally:
            self._closed = True
