"""What a conformance scenario sees while it runs inside the reference virtualenv (azure-cosmos 4.17.1).

A scenario is a function ``scenario(run: Run) -> None`` registered with :func:`scenario`. It drives the
server with the reference client and records what it observed with :meth:`Run.observe`; the pytest side
(``emulator/tests/conformance/test_*.py``, dev virtualenv) compares those observations with what the
service answers. Scenarios never decide pass or fail themselves, so one observation table is checked
against the emulator and against @vercel/cosmosdb-server alike.

This module must only ever be imported by ``.venv-ref/bin/python`` (it imports the reference SDK).
"""
from __future__ import annotations

import json
import ssl
import urllib.error
import urllib.request
import uuid
from typing import Any, Callable, Dict, List, Optional

from azure.cosmos import CosmosClient, exceptions

SCENARIOS: Dict[str, Callable[["Run"], None]] = {}


def scenario(name: str) -> Callable[[Callable[["Run"], None]], Callable[["Run"], None]]:
    """Register a scenario function under ``name`` (``<area>.<what>``).

    :param name: the name the pytest side asks for.
    """
    def register(function: Callable[["Run"], None]) -> Callable[["Run"], None]:
        if name in SCENARIOS:
            raise ValueError(f"scenario {name!r} registered twice")
        SCENARIOS[name] = function
        return function
    return register


class Exchange:
    """One HTTP request/response pair as the client's pipeline saw it."""

    def __init__(self, method: str, path: str, status: int, headers: Dict[str, str], port: Optional[int] = None):
        self.method = method
        self.path = path
        self.status = status
        self.headers = headers
        self.port = port  # the server port the request went to (which region, on a multi-region server)

    @property
    def sub_status(self) -> Optional[int]:
        value = self.headers.get("x-ms-substatus")
        return int(value) if value not in (None, "", "0") else None

    @property
    def is_metadata(self) -> bool:
        """Requests the client makes on its own: the account read and routing-map reads."""
        return self.path in ("", "/") or "/pkranges" in self.path


class WireLog:
    """Every response the reference client received (``raw_response_hook``), in order.

    4.17.1 runs its retry loop around the azure-core pipeline, so each attempt of a retried
    operation is its own entry: a throttled read shows up as ``429, 429, 200``.
    """

    def __init__(self) -> None:
        self.exchanges: List[Exchange] = []

    def hook(self, pipeline_response: Any) -> None:
        request = pipeline_response.http_request
        response = pipeline_response.http_response
        address = request.url.split("://", 1)[-1]
        path = address[address.find("/"):] if "/" in address else "/"
        path = path.split("?", 1)[0]
        netloc = address.split("/", 1)[0]
        port = int(netloc.rsplit(":", 1)[1]) if ":" in netloc and netloc.rsplit(":", 1)[1].isdigit() else None
        headers = {name.lower(): value for name, value in response.headers.items()}
        self.exchanges.append(Exchange(request.method, path, response.status_code, headers, port))

    def mark(self) -> int:
        return len(self.exchanges)

    def since(self, mark: int, *, include_metadata: bool = False) -> List[Exchange]:
        return [exchange for exchange in self.exchanges[mark:] if include_metadata or not exchange.is_metadata]

    def statuses_since(self, mark: int) -> List[int]:
        """Statuses of the data requests (not account or routing reads) since ``mark``."""
        return [exchange.status for exchange in self.since(mark)]


class Run:
    """One execution of one scenario against one server.

    :param request: the parent's request: ``endpoint``, ``key``, ``discovery``, ``server`` (the server
        kind, "emulator" or "vercel"), ``params`` (scenario-specific values) and ``admin_key``.
    :param control: sends a control request to the pytest process and returns its answer.
    """

    def __init__(self, request: Dict[str, Any], control: Callable[[str, Dict[str, Any]], Any]):
        self.endpoint: str = request["endpoint"]
        self.key: str = request["key"]
        self.discovery: bool = bool(request.get("discovery", True))
        self.server: str = request.get("server", "emulator")
        self.params: Dict[str, Any] = dict(request.get("params") or {})
        self._control = control
        self.observations: Dict[str, Any] = {}
        self.wire = WireLog()
        self._databases: List[str] = []
        self.client = self.new_client()

    # -- clients and resources -------------------------------------------------------------------
    def new_client(self, credential: Any = None, **kwargs: Any) -> CosmosClient:
        """A reference client for this run's server, logging into :attr:`wire`.

        :param credential: master key (default: the run's key) or resource tokens.
        :keyword kwargs: more ``CosmosClient`` keyword arguments.
        """
        options: Dict[str, Any] = {"connection_verify": False, "enable_endpoint_discovery": self.discovery,
                                   "raw_response_hook": self.wire.hook}
        options.update(kwargs)
        return CosmosClient(self.endpoint, self.key if credential is None else credential, **options)

    def unique(self, prefix: str) -> str:
        return f"{prefix}-{uuid.uuid4().hex[:10]}"

    def database(self, prefix: str = "conf", **kwargs: Any) -> Any:
        """A new database with a unique id, deleted when the scenario ends.

        :param prefix: readable start of the id.
        :keyword kwargs: passed to ``create_database`` (e.g. ``offer_throughput``).
        """
        database = self.client.create_database(self.unique(prefix), **kwargs)
        self._databases.append(database.id)
        return database

    def cleanup(self) -> None:
        for database_id in self._databases:
            try:
                self.client.delete_database(database_id)
            except exceptions.CosmosHttpResponseError:
                pass

    # -- observations ----------------------------------------------------------------------------
    def observe(self, name: str, value: Any) -> Any:
        """Record one observation (a JSON value) under a name unique within the scenario."""
        if name in self.observations:
            raise ValueError(f"observation {name!r} recorded twice")
        json.dumps(value)  # fail here, with the name at hand, if it cannot travel
        self.observations[name] = value
        return value

    def status(self, operation: Callable[[], Any]) -> int:
        """The HTTP status the operation ended with: the final response's status when it succeeds
        (201 for a create, 204 for a delete, ...), the error's status code when it raises."""
        mark = self.wire.mark()
        try:
            operation()
        except exceptions.CosmosHttpResponseError as error:
            return error.status_code
        answered = self.wire.since(mark)
        if not answered:
            raise AssertionError("the operation succeeded without any data request on the wire")
        return answered[-1].status

    def attempt(self, operation: Callable[[], Any]) -> Any:
        """The operation's result, or ``{"status": <code>}`` when it raises an HTTP error (so a server
        that refuses one step still lets the scenario observe the others)."""
        try:
            return operation()
        except exceptions.CosmosHttpResponseError as error:
            return {"status": error.status_code}

    # -- the pytest side ---------------------------------------------------------------------------
    def control(self, action: str, **arguments: Any) -> Any:
        """Ask the pytest process to act on the server (move its clock, split a partition, ...)."""
        return self._control(action, arguments)

    def admin(self, method: str, path: str, body: Any = None) -> Any:
        """Call the emulator's admin endpoint (``/_emulator/...``) with plain HTTP.

        :returns: the decoded JSON answer (None for an empty one).
        :raises AssertionError: for an error status, with the answer's text.
        """
        data = json.dumps(body).encode("utf-8") if body is not None else None
        request = urllib.request.Request(self.endpoint.rstrip("/") + path, data=data, method=method,
                                         headers={"x-ms-emulator-key": self.key,
                                                  "content-type": "application/json"})
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        try:
            with urllib.request.urlopen(request, context=context, timeout=30) as response:
                text = response.read()
        except urllib.error.HTTPError as error:
            raise AssertionError(f"admin {method} {path} answered {error.code}: {error.read()[:500]!r}") from None
        return json.loads(text) if text else None


def ids(items: Any) -> List[str]:
    """Sorted ids of an iterable of resources."""
    return sorted(item["id"] for item in items)
