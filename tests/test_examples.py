"""Every program in ``examples/`` runs to exit 0 against each local server, leaves no database
behind, and runs unchanged on azure-cosmos 4.17.1 (they are ordinary 4.x client programs).

The async examples (``*_async.py``, and the second half of ``quickstart.py``) are run from here
too: each example is a subprocess, so the test itself has nothing to await and needs no twin in
``tests/aio/``.
"""
from __future__ import annotations

import os
import pathlib
import subprocess
import sys
import time
from typing import Dict, List, Set, Tuple

import pytest

from azure.cosmos import CosmosClient

REPO_ROOT = pathlib.Path(__file__).resolve().parents[1]
EXAMPLES_DIR = REPO_ROOT / "examples"
REFERENCE_PYTHON = REPO_ROOT / ".venv-ref" / "bin" / "python"
# Helpers the examples import, not programs.
NOT_PROGRAMS = {"settings.py"}
EXAMPLE_TIMEOUT_SECONDS = 120

# What each example needs beyond plain CRUD and single-partition queries (see conftest.CAPABILITIES).
REQUIRED_CAPABILITIES: Dict[str, Tuple[str, ...]] = {
    "quickstart.py": (),
    "item_crud.py": ("missing_item_404",),
    "queries.py": ("query_plan", "cross_partition_order_by"),
    "queries_async.py": ("query_plan", "cross_partition_order_by"),
    "patch_items.py": ("patch_validation",),
    "batch.py": ("batch", "atomic_batch"),
    "change_feed.py": ("change_feed",),
    "change_feed_async.py": ("change_feed", "multiple_partition_key_ranges"),
    "throughput.py": ("offers",),
    "users_permissions.py": ("users",),
    "server_side_scripts.py": ("sprocs", "udfs"),
    "feed_ranges.py": ("multiple_partition_key_ranges", "change_feed"),
    "error_handling.py": ("auth", "missing_item_404"),
    "databases_containers.py": ("ttl", "unique_keys", "replace_container_keeps_items"),
    "items_async.py": ("missing_item_404", "batch"),
}


def example_programs() -> List[str]:
    return sorted(path.name for path in EXAMPLES_DIR.glob("*.py") if path.name not in NOT_PROGRAMS)


def test_every_example_declares_its_capabilities():
    assert set(example_programs()) == set(REQUIRED_CAPABILITIES)


def database_ids(server) -> Set[str]:
    with CosmosClient(server.endpoint, credential=server.key, **server.connection_kwargs) as client:
        return {database["id"] for database in client.list_databases()}


def run_example(python: str, name: str, server) -> subprocess.CompletedProcess:
    environment = dict(os.environ, COSMOS_ENDPOINT=server.endpoint, COSMOS_KEY=server.key,
                       PYTHONDONTWRITEBYTECODE="1")
    if python != sys.executable:
        # Another interpreter brings its own azure-cosmos: a PYTHONPATH meant for this one must not shadow it.
        environment.pop("PYTHONPATH", None)
    return subprocess.run([python, str(EXAMPLES_DIR / name)], cwd=REPO_ROOT, env=environment,
                          capture_output=True, text=True, timeout=EXAMPLE_TIMEOUT_SECONDS)


def check_example(python: str, name: str, server) -> None:
    for capability in REQUIRED_CAPABILITIES[name]:
        server.skip_unless(capability)
    before = database_ids(server)
    started = time.monotonic()
    finished = run_example(python, name, server)
    assert finished.returncode == 0, (
        f"{name} exited {finished.returncode} after {time.monotonic() - started:.1f} s\n"
        f"--- stdout\n{finished.stdout}\n--- stderr\n{finished.stderr}")
    assert finished.stdout.strip(), f"{name} printed nothing"
    left_behind = database_ids(server) - before
    assert not left_behind, f"{name} left databases behind: {sorted(left_behind)}"


@pytest.mark.parametrize("name", example_programs())
def test_example_runs(name, cosmos_server):
    check_example(sys.executable, name, cosmos_server)


@pytest.mark.parametrize("name", example_programs())
def test_example_runs_on_azure_cosmos_4(name, emulator_server):
    if not REFERENCE_PYTHON.exists():
        pytest.skip(f"no azure-cosmos 4.17.1 virtualenv at {REFERENCE_PYTHON} (bash tools/dev.sh ref-venv makes it)")
    check_example(str(REFERENCE_PYTHON), name, emulator_server)
