"""The engine's process rules, async side: fork safety and task cancellation.

Twins of tests/test_runtime.py.
"""
from __future__ import annotations

import asyncio
import multiprocessing
import os
import sys
import time

import pytest

from azure.cosmos import _rust
from azure.cosmos.aio import CosmosClient

from .._runtime_helpers import SilentServer, engine_workers_of_a_child


def _async_child(endpoint, key, kwargs, queue):
    async def main():
        async with CosmosClient(endpoint, key, **kwargs) as client:
            return [db["id"] async for db in client.list_databases()]

    try:
        queue.put(("ok", asyncio.run(main())))
    except BaseException as exc:  # noqa: BLE001
        queue.put(("error", f"{type(exc).__name__}: {exc}"))


def _async_inherited_child(client, queue):
    async def main():
        return [db["id"] async for db in client.list_databases()]

    try:
        queue.put(("used", asyncio.run(main())))
    except BaseException as exc:  # noqa: BLE001
        queue.put(("error", f"{type(exc).__name__}: {exc}"))


@pytest.mark.skipif(sys.platform == "win32", reason="os.fork is POSIX only")
async def test_fork_child_uses_the_inherited_client_async(cosmos_server):
    async with CosmosClient(cosmos_server.endpoint, cosmos_server.key, **cosmos_server.connection_kwargs) as client:
        db = await client.create_database(f"fork-inherited-{os.getpid()}-{time.monotonic_ns()}")
        try:
            ctx = multiprocessing.get_context("fork")
            queue = ctx.Queue()
            proc = ctx.Process(target=_async_inherited_child, args=(client, queue))
            proc.start()
            result = await asyncio.get_running_loop().run_in_executor(None, queue.get, True, 60)
            proc.join(timeout=30)
            assert proc.exitcode == 0
            assert result[0] == "used", result
            assert db.id in result[1]
            # The parent's client is untouched by the child's reconnect.
            assert db.id in [d["id"] async for d in client.list_databases()]
        finally:
            await client.delete_database(db.id)


@pytest.mark.skipif(sys.platform == "win32", reason="os.fork is POSIX only")
async def test_fork_child_gets_working_runtime_async(cosmos_server):
    async with CosmosClient(cosmos_server.endpoint, cosmos_server.key, **cosmos_server.connection_kwargs) as client:
        db = await client.create_database(f"fork-async-{os.getpid()}-{time.monotonic_ns()}")
        try:
            ctx = multiprocessing.get_context("fork")
            queue = ctx.Queue()
            proc = ctx.Process(target=_async_child,
                               args=(cosmos_server.endpoint, cosmos_server.key, cosmos_server.connection_kwargs, queue))
            proc.start()
            result = await asyncio.get_running_loop().run_in_executor(None, queue.get, True, 60)
            proc.join(timeout=30)
            assert proc.exitcode == 0
            assert result[0] == "ok", result
            assert db.id in result[1]
        finally:
            await client.delete_database(db.id)


async def test_cancelling_task_cancels_rust_future_async(key):
    server = SilentServer()
    try:
        before = _rust.inflight_operations()

        async def connect():
            async with CosmosClient(server.endpoint, key):
                pass

        task = asyncio.ensure_future(connect())
        deadline = time.monotonic() + 30
        while server.accepted == 0 and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        assert server.accepted > 0, "the client never connected"
        assert _rust.inflight_operations() > before
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        # Cancellation reaches the Rust future: it is dropped and its connection closed.
        deadline = time.monotonic() + 10
        while (_rust.inflight_operations() > before or server.open_connections) and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        assert _rust.inflight_operations() == before
        assert server.open_connections == 0
    finally:
        server.close()


def _continue_inherited_pager_async(pages, queue):
    try:
        asyncio.run(pages.__anext__())
        queue.put(("continued", None))
    except RuntimeError as exc:
        queue.put(("refused", str(exc)))
    except BaseException as exc:  # noqa: BLE001
        queue.put(("other", f"{type(exc).__name__}: {exc}"))


@pytest.mark.skipif(sys.platform == "win32", reason="os.fork is POSIX only")
async def test_a_pager_started_before_fork_is_refused_in_the_child_async(cosmos_server):
    async with CosmosClient(cosmos_server.endpoint, cosmos_server.key, **cosmos_server.connection_kwargs) as client:
        ids = [f"fork-pager-async-{os.getpid()}-{time.monotonic_ns()}-{n}" for n in range(2)]
        for database_id in ids:
            await client.create_database(database_id)
        try:
            pages = client.list_databases(max_item_count=1).by_page()
            await pages.__anext__()
            ctx = multiprocessing.get_context("fork")
            queue = ctx.Queue()
            proc = ctx.Process(target=_continue_inherited_pager_async, args=(pages, queue))
            proc.start()
            result = await asyncio.get_running_loop().run_in_executor(None, queue.get, True, 60)
            proc.join(timeout=30)
            assert proc.exitcode == 0
            assert result[0] == "refused", result
            assert "start it again in the child" in result[1]
        finally:
            for database_id in ids:
                await client.delete_database(database_id)


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity") or len(os.sched_getaffinity(0)) < 2,
                    reason="needs two cores to limit a child process to")
async def test_the_engine_leaves_one_core_to_python_async(cosmos_server):
    # Twin of the sync test: an asyncio program's runtime is the same process-wide one.
    for cores, setting, expected in ((2, "", 1), (1, "", 1), (2, "3", 3)):
        workers = await asyncio.to_thread(engine_workers_of_a_child, cosmos_server, cores, "async", setting)
        assert workers == expected, (cores, setting)
