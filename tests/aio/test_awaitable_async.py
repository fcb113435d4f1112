"""The engine's asyncio awaitables (src/awaitable.rs): outcomes reach their own futures, on any loop.

Async only: the sync API has no event loop; its bridge (``block_on``) is covered by tests/test_runtime.py.
"""
from __future__ import annotations

import asyncio
import os
import sys
import threading

import pytest

from azure.cosmos import PartitionKey, exceptions
from azure.cosmos.aio import CosmosClient

ITEMS = 40


@pytest.fixture
async def seeded(cosmos_server, unique_id):
    """A container holding ITEMS items, and what a new client needs to reach it."""
    async with CosmosClient(cosmos_server.endpoint, cosmos_server.key, **cosmos_server.connection_kwargs) as client:
        database = await client.create_database(unique_id("db"))
        container = await database.create_container(unique_id("c"), PartitionKey("/pk"))
        await asyncio.gather(*(container.create_item({"id": f"i{n}", "pk": f"p{n % 4}", "n": n})
                               for n in range(ITEMS)))
        yield cosmos_server, database.id, container.id
        await client.delete_database(database.id)


def _os_threads() -> int:
    return len(os.listdir("/proc/self/task"))


async def _read_all(server, database_id, container_id, rounds: int = 1):
    """Reads every item ``rounds`` times at once, plus one missing id per item: outcomes in call order."""
    async with CosmosClient(server.endpoint, server.key, **server.connection_kwargs) as client:
        container = client.get_database_client(database_id).get_container_client(container_id)
        calls = []
        for _ in range(rounds):
            for n in range(ITEMS):
                calls.append(container.read_item(f"i{n}", partition_key=f"p{n % 4}"))
                calls.append(container.read_item(f"missing{n}", partition_key=f"p{n % 4}"))
        return await asyncio.gather(*calls, return_exceptions=True)


def _check_outcomes(outcomes, server, rounds: int = 1) -> None:
    # @vercel/cosmosdb-server answers a missing item with a 500, not a 404 ("missing_item_404").
    missing = (exceptions.CosmosResourceNotFoundError if server.supports("missing_item_404")
               else exceptions.CosmosHttpResponseError)
    assert len(outcomes) == 2 * ITEMS * rounds
    for index, outcome in enumerate(outcomes):
        n = (index // 2) % ITEMS
        if index % 2 == 0:
            assert not isinstance(outcome, BaseException), outcome
            assert (outcome["id"], outcome["n"]) == (f"i{n}", n)
        else:
            assert isinstance(outcome, missing), outcome


async def test_concurrent_outcomes_reach_their_own_futures_async(seeded):
    # 480 operations in flight at once, results and 404s interleaved: each future gets its own outcome,
    # whatever the batches the engine's completions are delivered in.
    _check_outcomes(await _read_all(*seeded, rounds=6), seeded[0], rounds=6)


async def test_a_new_event_loop_per_asyncio_run_and_loops_on_other_threads_async(seeded):
    def in_new_loops(results, index):
        try:
            # Two loops one after the other on this thread: the second must not wait on the first's reader.
            results[index] = [asyncio.run(_read_all(*seeded)) for _ in range(2)]
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            results[index] = exc

    results = [None, None]
    threads = [threading.Thread(target=in_new_loops, args=(results, i)) for i in range(2)]
    for thread in threads:
        thread.start()
    # Meanwhile this test's own loop keeps using the engine too.
    _check_outcomes(await _read_all(*seeded), seeded[0])
    await asyncio.get_running_loop().run_in_executor(None, lambda: [t.join(120) for t in threads])
    for result in results:
        assert isinstance(result, list), result
        for outcomes in result:
            _check_outcomes(outcomes, seeded[0])


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="counts threads through /proc/self/task")
async def test_completions_need_no_thread_per_operation_async(seeded):
    # Outcomes are queued for the loop's own thread, not handed over by a pool thread each (which, at a few
    # hundred in flight, grew the process by a thread - a stack and a malloc arena - per waiting completion).
    _check_outcomes(await _read_all(*seeded), seeded[0])
    before = _os_threads()
    _check_outcomes(await _read_all(*seeded, rounds=6), seeded[0], rounds=6)
    assert _os_threads() <= before + 2, (before, _os_threads())


class _LoopWithoutReaders(asyncio.SelectorEventLoop):
    """A loop that cannot watch a file descriptor, as Windows' proactor loop cannot."""

    def add_reader(self, fd, callback, *args):
        raise NotImplementedError


async def test_a_loop_without_add_reader_is_woken_through_call_soon_threadsafe_async(seeded):
    def in_such_a_loop():
        loop = _LoopWithoutReaders()
        try:
            return loop.run_until_complete(_read_all(*seeded, rounds=2))
        finally:
            loop.close()

    outcomes = await asyncio.get_running_loop().run_in_executor(None, in_such_a_loop)
    _check_outcomes(outcomes, seeded[0], rounds=2)
