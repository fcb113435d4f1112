"""The benchmark's command (README, "Performance") starts and prints its table on a tiny workload.

A smoke check, not a measurement: figures of so short a run mean nothing and none is asserted. It runs
``benchmarks/compare_performance.py`` as a user would, against the canned server (built by the script with
cargo on first use, in its own target directory), with 4.17.1 from ``.venv-ref`` beside this checkout's build.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REFERENCE_PYTHON = os.path.join(REPO_ROOT, ".venv-ref", "bin", "python")

pytestmark = [
    pytest.mark.skipif(shutil.which("cargo") is None, reason="the canned server is built with cargo"),
    pytest.mark.skipif(not os.path.exists(REFERENCE_PYTHON),
                       reason=".venv-ref (azure-cosmos 4.17.1) is missing: bash tools/dev.sh ref-venv"),
    pytest.mark.timeout(900),
]


def test_compare_performance_prints_its_table(tmp_path):
    report_path = tmp_path / "perf.json"
    run = subprocess.run(
        [sys.executable, os.path.join(REPO_ROOT, "benchmarks", "compare_performance.py"), "--allow-debug-build",
         "--ops", "30", "--seconds", "0.3", "--big-ops", "2", "--in-flight", "1,4", "--long-seconds", "2",
         "--first-call-runs", "1", "--rounds", "2", "--json", str(report_path)],
        capture_output=True, text=True, timeout=850, cwd=REPO_ROOT)
    assert run.returncode == 0, run.stderr[-3000:]
    table = run.stdout
    assert "ops/s (higher is better)" in table
    assert "ratio = ours / 4.17.1" in table
    assert "new client in a new process" in table and "long run: async point reads" in table
    assert "peak RSS MB" in table
    rows = {line.split()[0] + " " + line.split()[1] for line in table.splitlines() if line.startswith("async ")}
    assert {"async read", "async upsert"} <= rows
    report = json.loads(report_path.read_text())
    clients = report["clients"]
    assert len(clients) == 2 and clients[0] == "4.17.1"
    assert "round 2 of 2" in run.stderr
    for label in clients:
        workloads = report["results"][label]["workloads"]
        for name in ("read", "upsert", "query 1k", "read-many 100", "async read x4", "create 1MB", "read 2MB"):
            assert workloads[name]["ops_per_s"] > 0, (label, name, workloads[name])
            # A workload's own peak can't be above the process's overall peak.
            assert 0 < workloads[name]["peak_rss_mb"] <= report["results"][label]["peak_rss_mb"], (label, name)
        assert report["first_call"][label]["first_call_ms"] > 0
        assert report["long_run"][label]["peak_rss_mb"] > 0
