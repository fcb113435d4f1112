"""Session fixtures for the SDK tests: real local servers on loopback, started once per session.

Fixtures (see notes/TEST_FIXTURES.md for the contract):

- ``cosmos_server``: parametrized over the servers of this run; yields a :class:`ServerInfo`.
- ``blackhole_server``: an endpoint that accepts TCP connections and never answers.
- ``refused_endpoint``: an endpoint where nothing listens.
- ``key``: the well-known emulator key.
- ``unique_id``: a callable ``unique_id(prefix) -> str`` for database/container/item ids.

Which servers run: ``AZURE_COSMOS_TEST_SERVERS=emulator,vercel`` (comma separated; known:
``emulator``, ``emulator-https``, ``vercel``, ``vercel-http``; default: :data:`DEFAULT_SERVERS`,
all four). A server that cannot start on this
machine (package not installed, no node) skips its tests with the reason; one that is installed
but fails to start is an error, not a skip.

Capabilities: a test that needs something not every server has calls
``cosmos_server.skip_unless("change_feed")`` or is marked ``@pytest.mark.requires("change_feed")``.
Each server declares what it lacks in :data:`MISSING_CAPABILITIES` with the reason, so a skip
always names the missing server capability. Unknown capability names raise, so a typo cannot
turn into a silent skip.
"""
from __future__ import annotations

import contextlib
import itertools
import json
import os
import socket
import ssl
import sys
import urllib.request
import uuid
from dataclasses import dataclass, field
from typing import Callable, Dict, Iterator, List

import pytest

from ._runtime_helpers import SilentServer

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tools"))
import local_servers  # noqa: E402  (tools/ is not a package; the path is set just above)

# Every capability a test may ask for, and what it means for the server.
CAPABILITIES: Dict[str, str] = {
    "auth": "checks the master-key signature (401 on a wrong key)",
    "aad": ("accepts Microsoft Entra ID bearer tokens it can validate (the emulator's test JWTs) and refuses "
            "management operations to them (403/5300), as the service's data-plane RBAC does"),
    "hierarchical_pk": "hierarchical (multi-path) partition keys",
    "null_pk": "null / missing partition-key values as their own logical partition",
    "if_none_match_304": "If-None-Match on point reads answered with 304",
    "request_charge": "real request charges (not a constant)",
    "session_token": "x-ms-session-token on responses",
    "query_plan": "answers query-plan requests (x-ms-cosmos-is-query-plan-request)",
    "cross_partition_order_by": "ORDER BY across partitions",
    "group_by": "GROUP BY, DISTINCT and OFFSET/LIMIT in queries",
    "missing_item_404": "404 for a missing item",
    "partition_scoped_query": "a query scoped by the partition-key or partition-key-range-id header alone",
    "prefer_return_minimal": "writes with 'Prefer: return=minimal' answered without a body",
    "offers": "reading and replacing throughput (offers)",
    "sprocs": "stored procedures, triggers",
    "udfs": "user-defined functions in queries",
    "users": "users and permissions",
    "patch": "PATCH of items",
    "patch_validation": "the service's PATCH validation (400 for no operations or an add under a missing parent)",
    "change_feed": "the change feed",
    "batch": "transactional batch as the Python SDK sends it (no per-operation partitionKey)",
    "bulk": ("bulk requests (non-atomic batches with x-ms-cosmos-batch-continue-on-error, each operation carrying "
             "its partitionKey) routed by x-ms-documentdb-partitionkeyrangeid"),
    "bulk_patch": "patch operations in bulk requests",
    "vector_search": "VectorDistance under a container's vector embedding policy, planned as the gateway plans it",
    "hybrid_search": "ORDER BY RANK RRF(...) / FullTextScore, planned with the gateway's hybridSearchQueryInfo",
    "atomic_batch": "batch that rolls back on failure",
    "ttl": "default and per-item time to live",
    "unique_keys": "unique-key policies (409 on a duplicate)",
    "replace_container_keeps_items": "replacing a container keeps its items",
    "database_replace": "replacing a database resource",
    "multiple_partition_key_ranges": "more than one partition-key range",
    "faults": "fault injection at run time (the emulator's /_emulator/faults admin endpoint)",
    "partition_split": "splitting a partition-key range at run time (the emulator's /_emulator/split admin endpoint)",
    "conflicts": "the conflicts feed of a container (list, query, read and delete conflicts)",
    "partition_key_delete": "deleting every item of a logical partition (delete_all_items_by_partition_key)",
    "collection_rid_check": ("400/1024 for a request naming a container by an old resource id "
                             "(x-ms-cosmos-intended-collection-rid), so a client refreshes its cache after a recreate"),
    "container_property_rules": ("container properties completed and fixed as the service does: every conflict "
                                 "resolution field filled in, the unique key and conflict resolution policies kept "
                                 "by a replace that leaves them out and refused when changed, the partition key "
                                 "unchangeable"),
    "global_secondary_index": ("global secondary index containers as the service keeps them (definition with its "
                               "source rid and build status) and checks them (source by rid, projection-only query, "
                               "autoscale throughput, definition immutable, source deleted last)"),
}

_VERCEL_MISSING: Dict[str, str] = {
    "auth": "@vercel/cosmosdb-server never reads the authorization header",
    "aad": "@vercel/cosmosdb-server never reads the authorization header (any token passes, none is refused)",
    "hierarchical_pk": "@vercel/cosmosdb-server uses only the first partition-key component",
    "null_pk": "@vercel/cosmosdb-server falls back to the id for a null or missing partition key",
    "if_none_match_304": "@vercel/cosmosdb-server ignores If-None-Match on point reads",
    "request_charge": "@vercel/cosmosdb-server always answers x-ms-request-charge: 1",
    "session_token": "@vercel/cosmosdb-server sends no session tokens",
    "query_plan": "@vercel/cosmosdb-server runs a query-plan request as a plain query",
    "group_by": "@vercel/cosmosdb-server's query parser has no GROUP BY, DISTINCT or OFFSET/LIMIT",
    "missing_item_404": "@vercel/cosmosdb-server answers 500 for a missing item",
    "partition_scoped_query": ("@vercel/cosmosdb-server ignores the partition-key and partition-key-range-id "
                               "headers of a query and answers 400 'missing partition keys' unless the WHERE "
                               "clause filters on the partition key or the cross-partition flag is set"),
    "prefer_return_minimal": "@vercel/cosmosdb-server ignores 'Prefer: return=minimal' and returns the document",
    "offers": "@vercel/cosmosdb-server has no offers route (400 'no route')",
    "sprocs": "@vercel/cosmosdb-server has no sprocs/triggers routes (400 'no route')",
    "users": "@vercel/cosmosdb-server has no users/permissions routes (400 'no route')",
    "patch_validation": ("@vercel/cosmosdb-server answers 200 to a PATCH with no operations or with an add "
                         "under a missing parent"),
    "change_feed": "@vercel/cosmosdb-server's change feed is a stub that always answers 304",
    "batch": "@vercel/cosmosdb-server crashes (500) on batch operations without a per-op partitionKey",
    "atomic_batch": "@vercel/cosmosdb-server's batch does not roll back",
    "bulk_patch": "@vercel/cosmosdb-server's batch handler has no Patch operation (400 for the whole request)",
    "vector_search": "@vercel/cosmosdb-server has no VectorDistance and no vector embedding policy",
    "hybrid_search": "@vercel/cosmosdb-server has no ORDER BY RANK, RRF or FullTextScore",
    "ttl": "@vercel/cosmosdb-server does not implement time to live",
    "replace_container_keeps_items": "@vercel/cosmosdb-server re-creates a replaced container empty",
    "database_replace": "@vercel/cosmosdb-server has no database replace",
    "multiple_partition_key_ranges": "@vercel/cosmosdb-server always has a single partition-key range",
    "faults": "@vercel/cosmosdb-server has no fault injection",
    "partition_split": "@vercel/cosmosdb-server has one fixed partition-key range and no split",
    "conflicts": "@vercel/cosmosdb-server has no conflicts routes (400 'no route')",
    "partition_key_delete": "@vercel/cosmosdb-server has no partition-key delete route (400 'no route')",
    "collection_rid_check": ("@vercel/cosmosdb-server ignores x-ms-cosmos-intended-collection-rid: a client never "
                             "learns that a container was recreated with another partition-key path"),
    "container_property_rules": ("@vercel/cosmosdb-server stores container properties as sent, and a replace "
                                 "resets what it leaves out and accepts any change"),
    "global_secondary_index": ("@vercel/cosmosdb-server stores a global secondary index definition as sent (no "
                               "build status) and checks none of it"),
}

# What each server lacks, with the reason a skip reports. (tools/vercel-server/launch.js fixes
# three wire-format details of @vercel/cosmosdb-server, documented there, and nothing else:
# every behaviour gap stays visible here.) Our emulator is meant to have every
# capability: a gap there is a bug to fix, so it must show up as a failing test, not a skip.
MISSING_CAPABILITIES: Dict[str, Dict[str, str]] = {
    "emulator": {},
    "emulator-https": {},
    "vercel": _VERCEL_MISSING,
    "vercel-http": _VERCEL_MISSING,
}


@dataclass
class ServerInfo:
    """A running local server as the tests see it.

    :ivar name: "emulator", "emulator-https", "vercel" or "vercel-http".
    :ivar endpoint: its URL, e.g. "http://127.0.0.1:40123/".
    :ivar key: the master key it accepts.
    :ivar connection_kwargs: extra ``CosmosClient`` keyword arguments it needs.
    """

    name: str
    endpoint: str
    key: str
    connection_kwargs: Dict[str, object] = field(default_factory=dict)
    missing: Dict[str, str] = field(default_factory=dict)

    def supports(self, capability: str) -> bool:
        """Whether the server has a capability.

        :param capability: a key of :data:`CAPABILITIES`.
        :raises ValueError: for an unknown capability name.
        """
        if capability not in CAPABILITIES:
            raise ValueError(f"unknown server capability {capability!r}; known: {', '.join(sorted(CAPABILITIES))}")
        return capability not in self.missing

    @contextlib.contextmanager
    def fault(self, **rule: object) -> Iterator[Callable[[], int]]:
        """Injects a fault rule for the duration of a ``with`` block (servers with ``faults``).

        :param rule: the rule as the emulator's ``POST /_emulator/faults`` takes it, e.g.
            ``operation="read", resourceType="docs", delayMs=5000``.
        :returns: (as the ``with`` target) a callable giving how many requests the rule has answered.
        """
        self.skip_unless("faults")
        created = self._admin("POST", "_emulator/faults", rule)

        def hits() -> int:
            rules = self._admin("GET", "_emulator/faults", None)["rules"]
            return next(r["hits"] for r in rules if r["id"] == created["id"])

        try:
            yield hits
        finally:
            self._admin("DELETE", f"_emulator/faults/{created['id']}", None)

    def split_range(self, database_id: str, container_id: str, range_id: str) -> List[str]:
        """Splits a partition-key range of a container in two (servers with ``partition_split``).

        :param database_id: the database id.
        :param container_id: the container id.
        :param range_id: the partition-key range to split, e.g. ``"3"``.
        :returns: the ids of the two new ranges; clients still naming the old one get 410/1002.
        """
        self.skip_unless("partition_split")
        answer = self._admin("POST", "_emulator/split",
                             {"database": database_id, "container": container_id, "range": range_id})
        return list(answer["newRanges"])

    def _admin(self, method: str, path: str, body: object) -> dict:
        request = urllib.request.Request(
            self.endpoint + path,
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"x-ms-emulator-key": self.key, "content-type": "application/json"},
        )
        # Loopback server with a self-signed certificate.
        context = ssl._create_unverified_context()  # noqa: S323
        with urllib.request.urlopen(request, context=context, timeout=30) as response:
            text = response.read()
        return json.loads(text) if text else {}

    def skip_unless(self, capability: str) -> None:
        """Skip the calling test, naming the missing capability, if the server lacks it.

        :param capability: a key of :data:`CAPABILITIES`.
        """
        if not self.supports(capability):
            pytest.skip(f"server {self.name} lacks capability {capability!r}: {self.missing[capability]}")


DEFAULT_SERVERS = ("emulator", "emulator-https", "vercel", "vercel-http")


def _selected_servers() -> List[str]:
    raw = os.environ.get("AZURE_COSMOS_TEST_SERVERS", "").strip()
    if not raw:
        return list(DEFAULT_SERVERS)
    names = [n.strip() for n in raw.split(",") if n.strip()]
    unknown = [n for n in names if n not in local_servers.SERVER_NAMES]
    if unknown:
        raise pytest.UsageError(
            f"AZURE_COSMOS_TEST_SERVERS names unknown servers {unknown}; known: {', '.join(local_servers.SERVER_NAMES)}")
    return names


class _ServerPool:
    """Starts each server on first use and keeps it for the whole session.

    Owning the processes here, not in the parametrized fixture, means pytest's param switching
    never restarts a server (and never loses the data a later test might inspect).
    """

    def __init__(self) -> None:
        self._running: Dict[str, local_servers.LocalServer] = {}
        self._failed: Dict[str, str] = {}

    def get(self, name: str) -> ServerInfo:
        reason = local_servers.unavailable_reason(name)
        if reason:
            pytest.skip(reason)
        if name in self._failed:
            pytest.fail(self._failed[name], pytrace=False)
        server = self._running.get(name)
        if server is None:
            try:
                server = local_servers.LocalServer(name).start()
            except local_servers.ServerStartError as exc:
                self._failed[name] = str(exc)
                pytest.fail(str(exc), pytrace=False)
            self._running[name] = server
        assert server.endpoint is not None
        return ServerInfo(
            name=name,
            endpoint=server.endpoint,
            key=server.key,
            connection_kwargs=dict(server.connection_kwargs),
            missing=dict(MISSING_CAPABILITIES[name]),
        )

    def stop_all(self) -> None:
        for server in self._running.values():
            server.stop()
        self._running.clear()


@pytest.fixture(scope="session")
def _server_pool() -> Iterator[_ServerPool]:
    pool = _ServerPool()
    yield pool
    pool.stop_all()


@pytest.fixture(scope="session", params=_selected_servers())
def cosmos_server(request: pytest.FixtureRequest, _server_pool: _ServerPool) -> ServerInfo:
    """A running local server (one param per server of the run)."""
    return _server_pool.get(request.param)


@pytest.fixture(scope="session")
def emulator_server(_server_pool: _ServerPool) -> ServerInfo:
    """Our emulator over http, for tests of the client's own process behaviour (exit, signals) where
    one server is enough; started even when AZURE_COSMOS_TEST_SERVERS does not name it."""
    return _server_pool.get("emulator")


@pytest.fixture(autouse=True)
def _skip_for_missing_capabilities(request: pytest.FixtureRequest) -> None:
    marker = request.node.get_closest_marker("requires")
    if marker is None:
        return
    if "cosmos_server" not in request.fixturenames:
        raise pytest.UsageError(f"{request.node.nodeid}: @pytest.mark.requires needs the cosmos_server fixture")
    server: ServerInfo = request.getfixturevalue("cosmos_server")
    for capability in marker.args:
        server.skip_unless(capability)


@pytest.fixture(scope="session")
def key() -> str:
    """The well-known emulator master key."""
    return local_servers.EMULATOR_KEY


@pytest.fixture(scope="session")
def blackhole_server() -> Iterator[str]:
    """Endpoint of a loopback server that accepts connections and never answers."""
    server = SilentServer()
    yield server.endpoint
    server.close()


@pytest.fixture(scope="session")
def refused_endpoint() -> Iterator[str]:
    """Endpoint on loopback where nothing listens (connections are refused)."""
    # A socket bound but never listening: connecting to it is refused, and holding it for the
    # session keeps any other process from taking the port meanwhile.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as reserved:
        reserved.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{reserved.getsockname()[1]}/"


_id_counter = itertools.count()


def make_unique_id(prefix: str = "t") -> str:
    """An id no other test of any session uses: ``<prefix>-<pid>-<n>-<random>``.

    :param prefix: readable start of the id (say what the resource is for).
    """
    return f"{prefix}-{os.getpid()}-{next(_id_counter)}-{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="session")
def unique_id() -> Callable[[str], str]:
    """The :func:`make_unique_id` function, as a fixture."""
    return make_unique_id
