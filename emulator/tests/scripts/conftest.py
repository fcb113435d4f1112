"""Shared engines for the scripts runtime tests (one V8 context each, reused across tests)."""
from __future__ import annotations

import pytest

from cosmos_emulator.scripts import ScriptEngine


@pytest.fixture(scope="session")
def engine():
    created = ScriptEngine()
    yield created
    created.close()


@pytest.fixture(scope="session")
def short_engine():
    """An engine with small budgets, for the timeout and memory-limit tests."""
    created = ScriptEngine(timeout_seconds=0.5, udf_timeout_seconds=0.5, memory_limit_bytes=64 * 1024 * 1024)
    yield created
    created.close()
