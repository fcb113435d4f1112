"""Interpreter shutdown with the engine busy, sync programs: no abort, no hang, many runs in a row
(azure-cosmos 5 once aborted at exit with 'PyGILState_Release: thread state must be current')."""
from __future__ import annotations

from ._shutdown_programs import SYNC_DAEMON_MID_CALL, run_many


def test_exit_with_a_daemon_thread_mid_call(emulator_server):
    assert run_many(SYNC_DAEMON_MID_CALL, emulator_server.endpoint, emulator_server.key, runs=40) == []
