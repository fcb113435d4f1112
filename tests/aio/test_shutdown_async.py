"""Interpreter shutdown with the engine busy, asyncio programs: no segfault, no hang, many runs in a row
(azure-cosmos 5 segfaulted at exit in 3 of 40 runs of the first program before the shutdown hook)."""
from __future__ import annotations

from .._shutdown_programs import ASYNC_CLIENT, ASYNC_TASKS_IN_FLIGHT, run_many


def test_exit_after_an_async_with_client_async(emulator_server):
    assert run_many(ASYNC_CLIENT, emulator_server.endpoint, emulator_server.key, runs=80) == []


def test_exit_with_tasks_in_flight_async(emulator_server):
    assert run_many(ASYNC_TASKS_IN_FLIGHT, emulator_server.endpoint, emulator_server.key, runs=40) == []
