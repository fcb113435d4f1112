"""Starting and stopping an emulator, in the current event loop or in a background thread."""
from __future__ import annotations

import asyncio
import importlib
import os
import socket
import tempfile
import threading
from typing import Any, Callable, Dict, List, Optional, Sequence, TypeVar

from aiohttp import web

from .aad import AadTokenVerifier
from .app import EmulatorState, build_application
from .auth import WELL_KNOWN_KEY, Authenticator
from .faults import FaultInjector
from .regions import Region
from .resource_tokens import ResourceTokenIssuer
from .storage import Account, DataDirectory
from .tls import ensure_self_signed, server_context

T = TypeVar("T")

DEFAULT_PORT = 8081
# Sentinel: advertise what the official emulator advertises (see default_advertised_host).
ADVERTISE_DEFAULT = "default"
LOOPBACK = "127.0.0.1"


class EmulatorServer:
    """A local Cosmos DB gateway.

    Use :meth:`start`/:meth:`stop` (or ``with EmulatorServer() as server:``) to run it in a
    background thread with its own event loop, or ``await start_async()``/``await stop_async()``
    to run it in the caller's loop.

    :param host: interface to listen on (loopback by default).
    :param port: TCP port; 0 picks a free one (see :attr:`port` after start).
    :keyword tls: serve HTTPS (with ``cert_file``/``key_file`` or a generated self-signed cert).
    :keyword cert_file: PEM certificate to serve with ``tls``.
    :keyword key_file: PEM private key for ``cert_file``.
    :keyword partitions: physical partitions of every new container (an explicit override, as tests that
        need several ranges use); None (the default) derives them from the container's throughput as the
        service does: one per 10,000 RU/s, so one for a container of up to 10,000 RU/s.
    :keyword data_dir: directory for durable state; None keeps everything in memory.
    :keyword key: the account master key (base64).
    :keyword advertised_host: the host the account document's locations name, with the scheme and port actually
        served: by default ``127.0.0.1``, as the official emulator advertises (``https://127.0.0.1:8081/``) whatever
        host name the client used (a server bound to one other address advertises that address); ``None``
        advertises the host the client used.
    :keyword regions: names of the regions to simulate (``["West US", "East US"]``), write region first; each is
        served at its own port (``port``, then the next ones, or free ports when ``port`` is 0) over the same data,
        see :mod:`cosmos_emulator.regions`. None: one region, as the official emulator.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0, *, tls: bool = False,
                 cert_file: Optional[str] = None, key_file: Optional[str] = None,
                 partitions: Optional[int] = None, data_dir: Optional[str] = None,
                 key: str = WELL_KNOWN_KEY, advertised_host: Optional[str] = ADVERTISE_DEFAULT,
                 regions: Optional[Sequence[str]] = None):
        if (cert_file is None) != (key_file is None):
            raise ValueError("cert_file and key_file go together")
        self.host = host
        self.port = port
        self.tls = tls or cert_file is not None
        self.cert_file = cert_file
        self.key_file = key_file
        self.data_dir = data_dir
        self.key = key
        _load_script_runtime()
        self.account = Account(partition_count=partitions)
        authenticator = Authenticator(key)
        tokens = ResourceTokenIssuer(self.account, key)
        self.account.services["tokens"] = tokens
        authenticator.resource_token_verifier = tokens.verify
        authenticator.aad_token_verifier = AadTokenVerifier(key)
        if advertised_host == ADVERTISE_DEFAULT:
            advertised_host = default_advertised_host(host)
        self.advertised_host = advertised_host
        self.state = EmulatorState(self.account, authenticator, advertised_host)
        if regions is not None and len(regions) == 0:
            raise ValueError("regions names no region")
        self.state.regions = [Region(name) for name in regions or []]
        self._data: Optional[DataDirectory] = None
        self._runner: Optional[web.AppRunner] = None
        self._thread: Optional[threading.Thread] = None
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._stopped: Optional[asyncio.Event] = None

    # ------------------------------------------------------------------------------------------
    @property
    def scheme(self) -> str:
        return "https" if self.tls else "http"

    @property
    def endpoint(self) -> str:
        """The URL clients use, e.g. ``http://127.0.0.1:8081/``."""
        host = self.host
        if host in ("0.0.0.0", ""):
            host = "127.0.0.1"
        elif ":" in host:
            host = f"[{host}]"
        return f"{self.scheme}://{host}:{self.port}/"

    @property
    def region_endpoints(self) -> Dict[str, str]:
        """Region name → endpoint of a multi-region server (after start), write region first; empty otherwise."""
        base = self.endpoint.rsplit(":", 1)[0]
        return {region.name: f"{base}:{region.port}/" for region in self.state.regions}

    @property
    def connection_string(self) -> str:
        return f"AccountEndpoint={self.endpoint};AccountKey={self.key};"

    # ------------------------------------------------------------------------------------------
    async def start_async(self) -> None:
        """Load state (when ``data_dir`` is set) and start listening in the running loop."""
        if self.data_dir:
            self._data = DataDirectory(self.data_dir)
            self._data.load_into(self.account)
        ssl_context = None
        if self.tls:
            if self.cert_file is None:
                cert_dir = os.path.join(self.data_dir, "tls") if self.data_dir else os.path.join(
                    tempfile.gettempdir(), "cosmos-emulator-tls")
                self.cert_file, self.key_file = ensure_self_signed(cert_dir)
            ssl_context = server_context(self.cert_file, self.key_file or "")
        self._runner = web.AppRunner(build_application(self.state), access_log=None,
                                     handle_signals=False, keepalive_timeout=75)
        await self._runner.setup()
        regions = self.state.regions or [Region("")]
        first_port = self.port
        for index, region in enumerate(regions):
            wanted = first_port + index if first_port else 0
            listener = socket.socket(socket.AF_INET6 if ":" in self.host else socket.AF_INET, socket.SOCK_STREAM)
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind((self.host, wanted))
            listener.listen(256)
            listener.setblocking(False)
            region.port = listener.getsockname()[1]
            if index == 0:
                self.port = region.port
            await web.SockSite(self._runner, listener, ssl_context=ssl_context).start()

    async def stop_async(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        engine = self.account.services.pop("scripts", None)
        if engine is not None:
            engine.close()
        if self._data is not None:
            self._data.close()
            self._data = None
            self.account.journal = None

    # ------------------------------------------------------------------------------------------
    def start(self) -> "EmulatorServer":
        """Run the server in a daemon thread; returns once it accepts connections."""
        if self._thread is not None:
            raise RuntimeError("already started")
        ready = threading.Event()
        failure: list = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            asyncio.set_event_loop(loop)
            self._stopped = asyncio.Event()
            try:
                loop.run_until_complete(self.start_async())
            except BaseException as error:  # report start failures to the starting thread
                failure.append(error)
                ready.set()
                loop.close()
                return
            ready.set()
            try:
                loop.run_until_complete(self._stopped.wait())
                loop.run_until_complete(self.stop_async())
            finally:
                loop.close()

        self._thread = threading.Thread(target=run, name="cosmos-emulator", daemon=True)
        self._thread.start()
        ready.wait()
        if failure:
            self._thread.join()
            self._thread = None
            raise failure[0]
        return self

    def stop(self) -> None:
        """Stop a server started with :meth:`start` and wait for it to finish."""
        if self._thread is None or self._loop is None or self._stopped is None:
            return
        self._loop.call_soon_threadsafe(self._stopped.set)
        self._thread.join()
        self._thread = None
        self._loop = None

    def call(self, function: Callable[..., T], *args: Any) -> T:
        """Run ``function(*args)`` on the server's event loop (where all state changes happen)
        and return its result; for control from tests running in another thread."""
        if self._loop is None:
            return function(*args)

        async def run() -> T:
            return function(*args)
        return asyncio.run_coroutine_threadsafe(run(), self._loop).result()

    @property
    def faults(self) -> FaultInjector:
        """The fault rules in force (off until one is added): ``server.faults.inject(status=429,
        operation="read", count=2)``, ``server.faults.clear()``; see :mod:`cosmos_emulator.faults`."""
        return self.state.faults

    def split_partition(self, database_id: str, container_id: str, range_id: str) -> List[str]:
        """Split a physical partition of a container at run time; returns the new range ids."""
        def split() -> List[str]:
            database = self.account.find_database(database_id)
            collection = self.account.find_collection(database, container_id) if database else None
            if collection is None:
                raise KeyError(f"no container {database_id}/{container_id}")
            return [child.range_id for child in self.account.split_range(collection, range_id)]
        return self.call(split)

    def __enter__(self) -> "EmulatorServer":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()


def default_advertised_host(bind_host: str) -> str:
    """``127.0.0.1`` (the official emulator's choice) for a server listening on loopback or on every interface;
    the listening address itself for a server bound to one other address (127.0.0.1 would not reach it)."""
    if bind_host in ("", "0.0.0.0", "::", LOOPBACK, "localhost"):
        return LOOPBACK
    return f"[{bind_host}]" if ":" in bind_host else bind_host


def _load_script_runtime() -> None:
    """Import the JavaScript runtime now: V8 must be initialized on the main thread (where servers
    are built), not on the server's own thread where scripts first run."""
    try:
        importlib.import_module("cosmos_emulator.scripts")
    except ImportError:
        pass
