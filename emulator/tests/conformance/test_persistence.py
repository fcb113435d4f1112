"""Conformance: with ``--data-dir``, everything azure-cosmos 4.17.1 wrote is served again after the emulator
process stops cleanly (SIGTERM) and after it is killed (SIGKILL: no shutdown work, only what each
acknowledged write made durable). Scenarios in ``reference/scenarios_persistence.py``."""
from __future__ import annotations

import os
import signal

from .harness import Target, start_emulator_process

ITEMS_WRITTEN = [["b1", "p0", None], ["i0", "p0", 0], ["i1", "p1", 100], ["i2", "p2", 52], ["i4", "p1", 4],
                 ["i5", "p2", 5], ["i6", "p0", 66], ["i7", "p1", 7], ["i8", "p2", 8], ["i9", "p0", 9]]


def expected_after_restart(markers):
    items = sorted(ITEMS_WRITTEN + [[marker, "p0", None] for marker in markers])
    return {
        "container properties": [["/pk"], -1, ["/email"]],
        "items": items,
        "etag kept": True,
        "lsn continues": True,
        "unique key still enforced": 409,
        "database throughput": 1000,
        "dedicated throughput": 600,
        "users": ["keeper"],
        "permissions": ["read"],
        "stored procedure runs": "back",
        "change feed from the beginning": [item[0] for item in items],
        "write after the restart": 201,
    }


def _target(server) -> Target:
    return Target("emulator-process", "emulator", server.endpoint, server.key, discovery=True)


def test_state_survives_a_clean_restart_and_a_kill(reference_worker, tmp_path):
    data_dir = str(tmp_path / "data")
    server = start_emulator_process(data_dir)
    try:
        written = reference_worker.run("persistence.write", _target(server), {"database": "kept"})
    finally:
        server.stop()  # SIGTERM: a clean shutdown

    server = start_emulator_process(data_dir)
    try:
        after_clean_stop = reference_worker.run("persistence.verify", _target(server),
                                                {"database": "kept", "marker": "after-stop", **written})
        os.kill(server.pid, signal.SIGKILL)
    finally:
        server.stop()
    assert after_clean_stop == expected_after_restart([])

    server = start_emulator_process(data_dir)
    try:
        after_kill = reference_worker.run("persistence.verify", _target(server),
                                          {"database": "kept", "marker": "after-kill", **written})
    finally:
        server.stop()
    assert after_kill == expected_after_restart(["after-stop"])
