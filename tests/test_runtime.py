"""The engine's process rules, sync side: fork safety and Ctrl-C during a blocked call.

The async twins (fork with the aio client, task cancellation) are in aio/test_runtime_async.py.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from azure.cosmos import CosmosClient

from ._runtime_helpers import SilentServer, engine_workers_of_a_child


def _use_inherited_client(client, queue):
    try:
        names = [db["id"] for db in client.list_databases()]
        queue.put(("used", names))
    except RuntimeError as exc:
        queue.put(("refused", str(exc)))
    except BaseException as exc:  # noqa: BLE001 - report anything else to the parent
        queue.put(("other", f"{type(exc).__name__}: {exc}"))


def _use_new_client(endpoint, key, kwargs, queue):
    try:
        with CosmosClient(endpoint, key, **kwargs) as client:
            names = [db["id"] for db in client.list_databases()]
        queue.put(("ok", names))
    except BaseException as exc:  # noqa: BLE001
        queue.put(("error", f"{type(exc).__name__}: {exc}"))


def _run_forked(target, *args):
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    proc = ctx.Process(target=target, args=(*args, queue))
    proc.start()
    try:
        result = queue.get(timeout=60)
    finally:
        proc.join(timeout=30)
    assert proc.exitcode == 0
    return result


@pytest.mark.skipif(sys.platform == "win32", reason="os.fork is POSIX only")
def test_fork_child_gets_working_runtime(cosmos_server):
    with CosmosClient(cosmos_server.endpoint, cosmos_server.key, **cosmos_server.connection_kwargs) as client:
        db = client.create_database(f"fork-{os.getpid()}-{time.monotonic_ns()}")
        try:
            # The parent's runtime is running (worker threads exist) when the fork happens; the client was
            # used (connected, warmed) before it. In the child it reconnects on first use, as 4.x works there.
            inherited = _run_forked(_use_inherited_client, client)
            assert inherited[0] == "used", inherited
            assert db.id in inherited[1]
            # Several children of one warmed client, one after the other.
            assert _run_forked(_use_inherited_client, client)[0] == "used"

            fresh = _run_forked(_use_new_client, cosmos_server.endpoint, cosmos_server.key,
                                cosmos_server.connection_kwargs)
            assert fresh[0] == "ok", fresh
            assert db.id in fresh[1]

            # The parent is unaffected by what the child did.
            assert db.id in [d["id"] for d in client.list_databases()]
        finally:
            client.delete_database(db.id)


_INTERRUPT_SCRIPT = textwrap.dedent(
    """
    import sys, time
    from azure.cosmos import CosmosClient, _rust
    print("calling", flush=True)
    started = time.monotonic()
    try:
        CosmosClient(sys.argv[1], sys.argv[2])
    except KeyboardInterrupt:
        print("interrupted inflight=%d" % _rust.inflight_operations(), flush=True)
        sys.exit(0)
    print("returned", flush=True)
    sys.exit(1)
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT delivery to a child is POSIX only")
def test_ctrl_c_interrupts_blocked_call(key):
    server = SilentServer()
    try:
        proc = subprocess.Popen(
            [sys.executable, "-c", _INTERRUPT_SCRIPT, server.endpoint, key],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout.readline().strip() == "calling"
        # Wait until the request is really in flight: the server holds its connection.
        deadline = time.monotonic() + 30
        while server.accepted == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.accepted > 0, "the client never connected"
        proc.send_signal(signal.SIGINT)
        try:
            out, err = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            pytest.fail("Ctrl-C did not interrupt the blocked call")
        assert proc.returncode == 0, (out, err)
        # KeyboardInterrupt surfaced from the blocked call and its Rust future was dropped.
        assert out.strip() == "interrupted inflight=0", (out, err)
    finally:
        server.close()


def _continue_inherited_pager(pages, queue):
    try:
        next(pages)
        queue.put(("continued", None))
    except RuntimeError as exc:
        queue.put(("refused", str(exc)))
    except BaseException as exc:  # noqa: BLE001
        queue.put(("other", f"{type(exc).__name__}: {exc}"))


@pytest.mark.skipif(sys.platform == "win32", reason="os.fork is POSIX only")
def test_a_pager_started_before_fork_is_refused_in_the_child(cosmos_server):
    with CosmosClient(cosmos_server.endpoint, cosmos_server.key, **cosmos_server.connection_kwargs) as client:
        ids = [f"fork-pager-{os.getpid()}-{time.monotonic_ns()}-{n}" for n in range(2)]
        for database_id in ids:
            client.create_database(database_id)
        try:
            pages = client.list_databases(max_item_count=1).by_page()
            next(pages)
            # Its plan and connections are the parent's: the child is told to start it again.
            result = _run_forked(_continue_inherited_pager, pages)
            assert result[0] == "refused", result
            assert "start it again in the child" in result[1]
        finally:
            for database_id in ids:
                client.delete_database(database_id)


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity") or len(os.sched_getaffinity(0)) < 2,
                    reason="needs two cores to limit a child process to")
def test_the_engine_leaves_one_core_to_python(cosmos_server):
    # The GIL keeps Python on one core at a time; the engine's workers take the others, at least one.
    assert engine_workers_of_a_child(cosmos_server, 2, "sync") == 1
    assert engine_workers_of_a_child(cosmos_server, 1, "sync") == 1
    # tokio's own setting wins when given.
    assert engine_workers_of_a_child(cosmos_server, 2, "sync", tokio_worker_threads="3") == 3

