"""pytest plugin: a local Cosmos DB emulator, and clients connected to it, as fixtures for your own tests.

Installed with the ``cosmos-emulator`` distribution (entry point group ``pytest11``, plugin name
``cosmos_emulator``); nothing to enable. Disable it with ``-p no:cosmos_emulator``.

Fixtures:

* ``cosmos_emulator`` (session): a running :class:`~cosmos_emulator.EmulatorServer` in a background thread on a
  free loopback port, stopped at the end of the session; the object has ``endpoint``, ``key``,
  ``connection_kwargs``, ``faults``, ``split_partition(...)``, ``call(...)`` and ``server``.
* ``cosmos_client``: an ``azure.cosmos.CosmosClient`` connected to it, closed after the test.
* ``async_cosmos_client``: an ``azure.cosmos.aio.CosmosClient`` (needs pytest-asyncio), closed after the test.
* ``cosmos_database`` / ``async_cosmos_database``: a fresh database per test (a ``DatabaseProxy`` of the sync or
  the async client), deleted after it.

The client fixtures skip, with the reason, when ``azure.cosmos`` (or, for the async ones, ``pytest_asyncio``) is
not importable. Options (command line, or the ini key in ``pytest.ini`` / ``[tool.pytest.ini_options]``; the
command line wins):

* ``--cosmos-emulator-partitions N`` / ``cosmos_emulator_partitions``: physical partitions of every new container
  (default: derived from the throughput, as the service does: one for 400 RU/s).
* ``--cosmos-emulator-tls`` / ``cosmos_emulator_tls = true``: serve HTTPS with a self-signed certificate
  (``connection_kwargs`` is then ``{"connection_verify": False}``).
* ``--cosmos-emulator-data-dir DIR`` / ``cosmos_emulator_data_dir``: keep the emulator's state in DIR (an ini
  path is relative to the ini file's directory); default: in memory.

Imports here stay light (no aiohttp, no azure.cosmos) until a fixture is used: the plugin is loaded by every
pytest run in an environment where the emulator is installed.
"""
from __future__ import annotations

import importlib
import os
import uuid
from typing import Any, Callable, Dict, Iterator, List, Optional

import pytest

try:  # only for the async fixtures; the rest of the plugin works without it
    import pytest_asyncio
except ImportError:  # pragma: no cover - depends on the environment
    pytest_asyncio = None

_INI_PARTITIONS = "cosmos_emulator_partitions"
_INI_TLS = "cosmos_emulator_tls"
_INI_DATA_DIR = "cosmos_emulator_data_dir"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("cosmos-emulator", "local Cosmos DB emulator (cosmos_emulator fixture)")
    group.addoption("--cosmos-emulator-partitions", type=int, default=None, metavar="N",
                    help="physical partitions of every new container (default: derived from its throughput, "
                         f"as the service does; ini: {_INI_PARTITIONS})")
    group.addoption("--cosmos-emulator-tls", action="store_true", default=None,
                    help=f"serve HTTPS with a self-signed certificate (ini: {_INI_TLS})")
    group.addoption("--cosmos-emulator-data-dir", default=None, metavar="DIR",
                    help=f"keep the emulator's state in DIR (default: in memory; ini: {_INI_DATA_DIR})")
    parser.addini(_INI_PARTITIONS, "cosmos_emulator fixture: physical partitions of every new container "
                                   "(empty: derived from its throughput)", default="")
    parser.addini(_INI_TLS, "cosmos_emulator fixture: serve HTTPS with a self-signed certificate",
                  type="bool", default=False)
    parser.addini(_INI_DATA_DIR, "cosmos_emulator fixture: directory for the emulator's state, relative to the "
                                 "ini file (empty: in memory)", default="")


_SETTINGS = pytest.StashKey[Dict[str, Any]]()


def pytest_configure(config: pytest.Config) -> None:
    # Checked here, so a bad value is a usage error of the whole run, not an error of every test using it.
    config.stash[_SETTINGS] = emulator_settings(config)


def emulator_settings(config: pytest.Config) -> Dict[str, Any]:
    """The ``EmulatorServer`` keyword arguments the options and ini keys ask for (command line first)."""
    partitions = config.getoption("--cosmos-emulator-partitions")
    if partitions is None:
        raw = str(config.getini(_INI_PARTITIONS)).strip()
        if raw:
            try:
                partitions = int(raw)
            except ValueError:
                raise pytest.UsageError(f"{_INI_PARTITIONS} must be a whole number, not {raw!r}") from None
    if partitions is not None and partitions < 1:
        raise pytest.UsageError("--cosmos-emulator-partitions / cosmos_emulator_partitions must be at least 1")
    tls = config.getoption("--cosmos-emulator-tls")
    if tls is None:
        tls = bool(config.getini(_INI_TLS))
    data_dir = config.getoption("--cosmos-emulator-data-dir")
    if data_dir is None:
        raw = str(config.getini(_INI_DATA_DIR)).strip()
        if raw:
            base = config.inipath.parent if config.inipath is not None else config.rootpath
            data_dir = str(base / raw)
    return {"partitions": partitions, "tls": tls, "data_dir": os.path.abspath(data_dir) if data_dir else None}


class RunningEmulator:
    """The running emulator as tests see it.

    :ivar server: the :class:`~cosmos_emulator.EmulatorServer` itself.
    :ivar endpoint: its URL, e.g. ``http://127.0.0.1:40123/``.
    :ivar key: the master key it accepts.
    :ivar connection_kwargs: extra ``CosmosClient`` keyword arguments it needs (``connection_verify=False``
        with TLS, for its self-signed certificate; none over http).
    """

    def __init__(self, server: Any) -> None:
        self.server = server
        self.endpoint: str = server.endpoint
        self.key: str = server.key
        self.tls: bool = server.tls
        self.connection_kwargs: Dict[str, Any] = {"connection_verify": False} if server.tls else {}

    @property
    def connection_string(self) -> str:
        return self.server.connection_string

    @property
    def faults(self) -> Any:
        """The emulator's fault rules: ``faults.inject(status=429, operation="read", count=2)``,
        ``faults.clear()`` (see :mod:`cosmos_emulator.faults`). Rules stay until cleared: clear them in the
        test that adds them, the emulator is shared by the whole session."""
        return self.server.faults

    def split_partition(self, database_id: str, container_id: str, range_id: str) -> List[str]:
        """Split a physical partition of a container now; returns the two new range ids."""
        return self.server.split_partition(database_id, container_id, range_id)

    def call(self, function: Callable[..., Any], *args: Any) -> Any:
        """Run ``function(*args)`` on the emulator's event loop (where its state lives)."""
        return self.server.call(function, *args)

    def __repr__(self) -> str:
        return f"RunningEmulator(endpoint={self.endpoint!r})"


@pytest.fixture(scope="session")
def cosmos_emulator(pytestconfig: pytest.Config) -> Iterator[RunningEmulator]:
    """A local Cosmos DB emulator for the whole test session, on a free loopback port."""
    from cosmos_emulator import EmulatorServer  # not at plugin import: aiohttp, V8 ...

    settings = pytestconfig.stash.get(_SETTINGS, None) or emulator_settings(pytestconfig)
    server = EmulatorServer("127.0.0.1", 0, **settings)
    server.start()
    try:
        yield RunningEmulator(server)
    finally:
        server.stop()


def _import_sdk(fixture: str, module: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError as error:
        pytest.skip(f"the {fixture} fixture needs the azure-cosmos package ({module} is not importable: {error})")


def _database_id() -> str:
    return f"test-{uuid.uuid4().hex[:16]}"


@pytest.fixture()
def cosmos_client(cosmos_emulator: RunningEmulator) -> Iterator[Any]:
    """An ``azure.cosmos.CosmosClient`` connected to the session's emulator, closed after the test."""
    sdk = _import_sdk("cosmos_client", "azure.cosmos")
    client = sdk.CosmosClient(cosmos_emulator.endpoint, cosmos_emulator.key, **cosmos_emulator.connection_kwargs)
    try:
        yield client
    finally:
        client.close()


@pytest.fixture()
def cosmos_database(cosmos_client: Any) -> Iterator[Any]:
    """A new database (``DatabaseProxy`` of ``cosmos_client``) for one test, deleted after it."""
    database = cosmos_client.create_database(_database_id())
    try:
        yield database
    finally:
        _delete_quietly(lambda: cosmos_client.delete_database(database.id))


def _delete_quietly(delete: Callable[[], Any]) -> None:
    from azure.cosmos.exceptions import CosmosResourceNotFoundError
    try:
        delete()
    except CosmosResourceNotFoundError:  # the test deleted it itself
        pass


if pytest_asyncio is not None:
    @pytest_asyncio.fixture()
    async def async_cosmos_client(cosmos_emulator: RunningEmulator) -> Any:
        """An ``azure.cosmos.aio.CosmosClient`` connected to the session's emulator, closed after the test."""
        aio = _import_sdk("async_cosmos_client", "azure.cosmos.aio")
        client = aio.CosmosClient(cosmos_emulator.endpoint, cosmos_emulator.key,
                                  **cosmos_emulator.connection_kwargs)
        try:
            yield client
        finally:
            await client.close()

    @pytest_asyncio.fixture()
    async def async_cosmos_database(async_cosmos_client: Any) -> Any:
        """A new database (async ``DatabaseProxy`` of ``async_cosmos_client``) for one test, deleted after it."""
        from azure.cosmos.exceptions import CosmosResourceNotFoundError
        database = await async_cosmos_client.create_database(_database_id())
        try:
            yield database
        finally:
            try:
                await async_cosmos_client.delete_database(database.id)
            except CosmosResourceNotFoundError:
                pass
else:  # pragma: no cover - depends on the environment
    _NO_ASYNCIO = "the {} fixture needs pytest-asyncio (pip install pytest-asyncio)"

    @pytest.fixture()
    def async_cosmos_client() -> Optional[Any]:
        pytest.skip(_NO_ASYNCIO.format("async_cosmos_client"))

    @pytest.fixture()
    def async_cosmos_database() -> Optional[Any]:
        pytest.skip(_NO_ASYNCIO.format("async_cosmos_database"))
