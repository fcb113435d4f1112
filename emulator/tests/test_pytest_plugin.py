"""The pytest plugin (``cosmos_emulator.pytest_plugin``, entry point ``pytest11``) and the ``cosmos-emulator``
console script, as a user of the installed distribution meets them.

The user suites run in a child pytest (``runpytest_subprocess``): the plugin is then loaded through its entry
point exactly as in a user's environment, and the child's emulator and clients cannot touch this session.
"""
from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
import threading
from typing import List

import pytest

from cosmos_http import CosmosHttp

pytest_plugins = ["pytester"]

CHILD_TIMEOUT_SECONDS = 100
READY_TIMEOUT_SECONDS = 60

needs_sdk = pytest.mark.skipif(importlib.util.find_spec("azure.cosmos") is None,
                               reason="azure.cosmos (this repo's SDK) is not installed in this environment")
needs_asyncio = pytest.mark.skipif(importlib.util.find_spec("pytest_asyncio") is None,
                                   reason="pytest-asyncio is not installed in this environment")

USER_SUITE = '''
import pytest
from azure.cosmos import PartitionKey


def test_sync_container_roundtrip(cosmos_database):
    container = cosmos_database.create_container("items", PartitionKey("/pk"))
    container.upsert_item({"id": "1", "pk": "a", "n": 1})
    container.upsert_item({"id": "1", "pk": "a", "n": 2})
    assert container.read_item("1", partition_key="a")["n"] == 2


def test_fresh_database_per_test(cosmos_client, cosmos_database):
    ids = [d["id"] for d in cosmos_client.list_databases()]
    assert cosmos_database.id in ids
    assert [c["id"] for c in cosmos_database.list_containers()] == []


def test_emulator_object(cosmos_emulator):
    assert cosmos_emulator.endpoint.startswith("http://127.0.0.1:")
    assert cosmos_emulator.connection_kwargs == {}
    assert cosmos_emulator.key
    rule = cosmos_emulator.faults.inject(status=429, operation="read", count=1)
    try:
        assert rule in cosmos_emulator.faults.rules()
    finally:
        cosmos_emulator.faults.clear()


@pytest.mark.asyncio
async def test_async_container_roundtrip(async_cosmos_client):
    database = await async_cosmos_client.create_database("async-db")
    try:
        container = await database.create_container("items", PartitionKey("/pk"))
        await container.upsert_item({"id": "1", "pk": "a", "n": 1})
        assert (await container.read_item("1", partition_key="a"))["n"] == 1
    finally:
        await async_cosmos_client.delete_database("async-db")


@pytest.mark.asyncio
async def test_async_fresh_database(async_cosmos_database):
    container = await async_cosmos_database.create_container("items", PartitionKey("/pk"))
    await container.upsert_item({"id": "x", "pk": "b"})
    assert (await container.read_item("x", partition_key="b"))["pk"] == "b"
'''

CHECK_DATABASES_GONE = '''
def test_zz_databases_deleted_after_their_tests(cosmos_client):
    assert [d["id"] for d in cosmos_client.list_databases()] == []
'''


def _run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", "-rs", *args, timeout=CHILD_TIMEOUT_SECONDS)


@needs_sdk
@needs_asyncio
def test_user_suite_runs_sync_and_async_tests_against_the_plugin_emulator(pytester: pytest.Pytester):
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    pytester.makepyfile(test_user=USER_SUITE, test_zz_after=CHECK_DATABASES_GONE)
    result = _run(pytester)
    result.assert_outcomes(passed=6)


@needs_sdk
def test_command_line_options_configure_the_emulator(pytester: pytest.Pytester):
    pytester.makepyfile('''
from azure.cosmos import PartitionKey

def test_tls_and_partitions(cosmos_emulator, cosmos_database):
    assert cosmos_emulator.endpoint.startswith("https://127.0.0.1:")
    assert cosmos_emulator.connection_kwargs == {"connection_verify": False}
    container = cosmos_database.create_container("items", PartitionKey("/pk"))
    assert len(list(container.read_feed_ranges())) == 3
    container.upsert_item({"id": "1", "pk": "a"})
    assert container.read_item("1", partition_key="a")["id"] == "1"
''')
    result = _run(pytester, "--cosmos-emulator-tls", "--cosmos-emulator-partitions", "3")
    result.assert_outcomes(passed=1)


@needs_sdk
def test_ini_keys_configure_the_emulator_and_the_command_line_wins(pytester: pytest.Pytester, monkeypatch):
    pytester.makeini("[pytest]\ncosmos_emulator_partitions = 2\ncosmos_emulator_data_dir = state\n")
    pytester.makepyfile('''
import os
from azure.cosmos import PartitionKey

def test_layout(cosmos_emulator, cosmos_database):
    assert cosmos_emulator.endpoint.startswith("http://")
    assert cosmos_emulator.server.data_dir == os.path.join(os.environ["INI_DIR"], "state")
    container = cosmos_database.create_container("items", PartitionKey("/pk"))
    assert len(list(container.read_feed_ranges())) == int(os.environ["EXPECTED_RANGES"])
''')
    monkeypatch.setenv("INI_DIR", str(pytester.path))
    monkeypatch.setenv("EXPECTED_RANGES", "2")
    _run(pytester).assert_outcomes(passed=1)
    assert (pytester.path / "state").is_dir()
    monkeypatch.setenv("EXPECTED_RANGES", "5")
    _run(pytester, "--cosmos-emulator-partitions", "5").assert_outcomes(passed=1)


def test_bad_partition_option_is_a_usage_error(pytester: pytest.Pytester):
    pytester.makepyfile("def test_x(cosmos_emulator):\n    pass\n")
    result = _run(pytester, "--cosmos-emulator-partitions", "0")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--cosmos-emulator-partitions / cosmos_emulator_partitions must be at least 1*"])


def test_client_fixtures_skip_with_reason_without_the_sdk(pytester: pytest.Pytester):
    # A user environment without azure-cosmos: the import fails, the emulator fixture itself still works.
    pytester.makeconftest("import sys\nsys.modules['azure.cosmos'] = None\n")
    pytester.makepyfile('''
import pytest

def test_sync(cosmos_client):
    pass

def test_database(cosmos_database):
    pass

def test_emulator_alone(cosmos_emulator):
    assert cosmos_emulator.endpoint.startswith("http://")
''')
    result = _run(pytester)
    result.assert_outcomes(passed=1, skipped=2)
    result.stdout.fnmatch_lines(["*the cosmos_client fixture needs the azure-cosmos package*"])


def test_plugin_does_not_start_an_emulator_unless_asked(pytester: pytest.Pytester):
    pytester.makepyfile('''
import threading

def test_no_emulator_thread():
    assert not [t for t in threading.enumerate() if t.name == "cosmos-emulator"]
    import sys
    assert "aiohttp" not in sys.modules and "azure.cosmos" not in sys.modules
''')
    _run(pytester).assert_outcomes(passed=1)


README = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "README.md")


@needs_sdk
@needs_asyncio
def test_readme_example_runs_as_documented(pytester: pytest.Pytester):
    with open(README, encoding="utf-8") as file:
        text = file.read()
    section = text[text.index("A worked example, `pytest.ini`:"):]
    ini = re.search(r"```ini\n(.*?)```", section, re.S).group(1)
    example = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    pytester.makefile(".ini", pytest=ini)
    pytester.makepyfile(test_orders=example)
    _run(pytester).assert_outcomes(passed=5)
    _run(pytester, "--cosmos-emulator-tls").assert_outcomes(passed=5)


# ----------------------------------------------------------------------------------------------------------------
def _console_script() -> str:
    script = os.path.join(os.path.dirname(sys.executable), "cosmos-emulator")
    if not os.path.exists(script):
        pytest.skip(f"no cosmos-emulator console script next to {sys.executable}: reinstall the emulator package "
                    "(pip install -e emulator/)")
    return script


def _read_ready_line(process: subprocess.Popen) -> str:
    lines: List[str] = []
    reader = threading.Thread(target=lambda: lines.append(process.stdout.readline()), daemon=True)
    reader.start()
    reader.join(READY_TIMEOUT_SECONDS)
    if not lines:
        process.kill()
        pytest.fail(f"cosmos-emulator printed no ready line in {READY_TIMEOUT_SECONDS} s")
    return lines[0]


def test_console_script_serves_and_prints_the_ready_line():
    process = subprocess.Popen([_console_script(), "--port", "0", "--partitions", "2"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = _read_ready_line(process)
        words = dict(word.split("=", 1) for word in line.split()[2:])
        assert line.startswith("cosmos-emulator ready endpoint=http://127.0.0.1:"), line
        assert set(words) == {"endpoint", "key"}
        http = CosmosHttp(words["endpoint"], words["key"])
        try:
            reply = http.request("GET", "/")
        finally:
            http.close()
        assert reply.status == 200, reply
        assert reply.json["writableLocations"][0]["databaseAccountEndpoint"] == words["endpoint"]
    finally:
        process.terminate()
        try:
            code = process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
        process.stdout.close()
        process.stderr.close()
    assert code == 0


def test_console_script_has_the_same_flags_as_python_dash_m():
    script = subprocess.run([_console_script(), "--help"], capture_output=True, text=True, timeout=60)
    module = subprocess.run([sys.executable, "-m", "cosmos_emulator", "--help"], capture_output=True, text=True,
                            timeout=60)
    assert script.returncode == module.returncode == 0
    assert script.stdout.startswith("usage: cosmos-emulator ")
    assert module.stdout.startswith("usage: python -m cosmos_emulator ")

    def flags(text: str) -> List[str]:
        return sorted({word.strip("[],") for word in text.split() if word.startswith(("--", "[--"))})
    assert flags(script.stdout) == flags(module.stdout)
    assert "--partitions" in flags(script.stdout)


def test_console_script_reports_bad_flags_as_python_dash_m_does():
    script = subprocess.run([_console_script(), "--cert", "only.pem"], capture_output=True, text=True, timeout=60)
    assert script.returncode == 2
    assert "cosmos-emulator: error: --cert and --cert-key go together" in script.stderr
