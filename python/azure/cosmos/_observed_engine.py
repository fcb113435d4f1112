# The MIT License (MIT)
"""Logging and raw request/response hooks around the engine, paid for only when asked for.

4.x runs every request through azure-core policies (``CustomHookPolicy``, ``NetworkTraceLoggingPolicy``,
its ``CosmosHttpLoggingPolicy``). Here the engine sends and retries requests in Rust, so the same
observations are made around each engine call instead:

* the client's settings (:class:`ClientObservers`, from ``logging_enable``, ``logger``,
  ``enable_diagnostics_logging``, ``raw_request_hook``, ``raw_response_hook``) and the current call's
  keywords (:class:`CallObservers`, found by ``_request_options.build``) decide whether anything is observed;
* when nothing is, :func:`observe` hands back the engine itself: the default path costs a few ``None``
  checks and one ``Logger.isEnabledFor``;
* otherwise :class:`ObservedEngine` wraps each operation (sync, ``*_async`` awaitables and the
  ``Pager.next_page``/``next_page_async`` of queries): ``raw_request_hook`` and the network-trace request
  record before the engine call; after it, per HTTP attempt the diagnostics/HTTP log records (from the
  engine's diagnostics), then the network-trace response record and ``raw_response_hook`` for the final
  response (also for an error response).

The hooks see the operation's request and its final response, not each attempt: the engine retries
inside one call. Each query page is one operation.

Per-call observers reach the engine accessor through a :class:`contextvars.ContextVar` (each thread,
and each asyncio task, has its own), and, for the async pagers that start after the call returned,
on the options dict the call's pager keeps (:class:`ObservedOptions`).
"""
from __future__ import annotations

import contextvars
import json
import logging
import time
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Optional

from . import _http_logging
from ._http_logging import OperationView
from ._pipeline_objects import pipeline_request, pipeline_response
from .http_constants import HttpHeaders

Hook = Optional[Callable[[Any], None]]


@dataclass(frozen=True)
class CallObservers:
    """The observing keywords of one call; ``None`` means "not given" (the client's setting applies)."""

    logging_enable: Optional[bool] = None
    logger: Optional[logging.Logger] = None
    raw_request_hook: Hook = None
    raw_response_hook: Hook = None


@dataclass(frozen=True)
class ClientObservers:
    """The observing settings of a client."""

    diagnostics_logging: bool = False
    logging_enable: bool = False
    logger: Optional[logging.Logger] = None
    raw_request_hook: Hook = None
    raw_response_hook: Hook = None
    client_settings: str = ""


OBSERVER_KEYWORDS = frozenset({"logging_enable", "logger", "raw_request_hook", "raw_response_hook"})
_NO_CLIENT_OBSERVERS = ClientObservers()
CURRENT_CALL: contextvars.ContextVar = contextvars.ContextVar("azure_cosmos_call_observers", default=None)


class ObservedOptions(dict):
    """Engine options of a call that has observers, carrying them (an async pager starts later)."""

    __slots__ = ("observers",)

    def __init__(self, options: Mapping[str, Any], observers: CallObservers) -> None:
        super().__init__(options)
        self.observers = observers


def take_call_observers(values: dict) -> Optional[CallObservers]:
    """Remove the observing keywords from a call's keyword values and keep them for the engine accessor.

    :param dict values: The call's keywords (``None`` values already dropped); the observing ones are removed.
    :returns: The call's observers, or ``None`` when it has none.
    """
    if OBSERVER_KEYWORDS.isdisjoint(values):
        if CURRENT_CALL.get() is not None:
            CURRENT_CALL.set(None)
        return None
    observers = CallObservers(
        logging_enable=values.pop("logging_enable", None),
        logger=values.pop("logger", None),
        raw_request_hook=values.pop("raw_request_hook", None),
        raw_response_hook=values.pop("raw_response_hook", None),
    )
    CURRENT_CALL.set(observers)
    return observers


def client_observers(kwargs: Mapping[str, Any], preferred: Any, excluded: Any) -> Optional[ClientObservers]:
    """The observing settings of a client's constructor keywords, or ``None`` when it has none.

    :param kwargs: The constructor keywords.
    :param preferred: The client's preferred regions (for the diagnostics records' client settings).
    :param excluded: The client's excluded regions.
    :raises TypeError: ``logger`` is not a :class:`logging.Logger`, or a hook is not callable.
    """
    logger = kwargs.get("logger")
    if logger is not None and not isinstance(logger, logging.Logger):
        raise TypeError("logger must be a logging.Logger, got {}".format(type(logger).__name__))
    for name in ("raw_request_hook", "raw_response_hook"):
        if kwargs.get(name) is not None and not callable(kwargs[name]):
            raise TypeError("{} must be callable".format(name))
    settings = ClientObservers(
        diagnostics_logging=bool(kwargs.get("enable_diagnostics_logging", False)),
        logging_enable=bool(kwargs.get("logging_enable", False)),
        logger=logger,
        raw_request_hook=kwargs.get("raw_request_hook"),
        raw_response_hook=kwargs.get("raw_response_hook"),
    )
    if settings == _NO_CLIENT_OBSERVERS:
        return None
    return ClientObservers(
        diagnostics_logging=settings.diagnostics_logging, logging_enable=settings.logging_enable, logger=logger,
        raw_request_hook=settings.raw_request_hook, raw_response_hook=settings.raw_response_hook,
        client_settings=_http_logging.client_settings_text(preferred, excluded),
    )


def observe(engine: Any, client: Optional[ClientObservers], call: Optional[CallObservers]) -> Any:
    """The engine to use for the current call: the engine itself, or an :class:`ObservedEngine`.

    :param engine: The connected engine.
    :param client: The client's observers, or ``None``.
    :param call: The current call's observers, or ``None``.
    :returns: The engine, or a wrapper around it.
    """
    if client is None and call is None:
        # 4.x's HTTP logging policy writes INFO records whenever its logger is enabled for INFO.
        if not _http_logging.DIAGNOSTICS_LOGGER.isEnabledFor(logging.INFO):
            return engine
        client = _NO_CLIENT_OBSERVERS
    return ObservedEngine(engine, _Observing.of(client or _NO_CLIENT_OBSERVERS, call))


@dataclass(frozen=True)
class _Observing:
    """The observers in effect for one call: the call's keywords over the client's settings."""

    diagnostics_logging: bool
    network_trace: bool
    logger: logging.Logger
    raw_request_hook: Hook
    raw_response_hook: Hook
    client_settings: str

    @classmethod
    def of(cls, client: ClientObservers, call: Optional[CallObservers]) -> "_Observing":
        call = call or CallObservers()
        return cls(
            diagnostics_logging=client.diagnostics_logging,
            network_trace=client.logging_enable if call.logging_enable is None else bool(call.logging_enable),
            logger=call.logger or client.logger or _http_logging.DIAGNOSTICS_LOGGER,
            # As azure-core's CustomHookPolicy: a per-call hook replaces the client's.
            raw_request_hook=call.raw_request_hook or client.raw_request_hook,
            raw_response_hook=call.raw_response_hook or client.raw_response_hook,
            client_settings=client.client_settings,
        )


# ---- what each engine operation is on the wire -------------------------------------------------------

def _kind_path(kind: str, database: str, parent: Optional[str]) -> str:
    if kind == "users":
        return "dbs/{}/users".format(database)
    if kind == "permissions":
        return "dbs/{}/users/{}/permissions".format(database, parent)
    return "dbs/{}/colls/{}/{}".format(database, parent, kind)


def _docs(a: Mapping[str, Any]) -> str:
    return "dbs/{}/colls/{}/docs".format(a["database"], a["container"])


def _conflicts(a: Mapping[str, Any]) -> str:
    return "dbs/{}/colls/{}/conflicts".format(a["database"], a["container"])


def _query_verb(a: Mapping[str, Any]) -> str:
    return "GET" if a.get("query") is None else "POST"


_FEED_KEYS = {"users": "Users", "permissions": "Permissions", "sprocs": "StoredProcedures",
              "triggers": "Triggers", "udfs": "UserDefinedFunctions"}

# name: (parameter names, method, path, resource type, operation type, body parameter, feed body key)
_OPERATIONS: dict = {
    "create_database": (("id", "options"), "POST", lambda a: "dbs", "dbs", "Create", None, None),
    "read_database": (("database", "options"), "GET", lambda a: "dbs/{}".format(a["database"]), "dbs", "Read",
                      None, None),
    "delete_database": (("database", "options"), "DELETE", lambda a: "dbs/{}".format(a["database"]), "dbs",
                        "Delete", None, None),
    "query_databases": (("query", "parameters", "options"), "POST", lambda a: "dbs", "dbs", "Query", "query",
                        "Databases"),
    "create_container": (("database", "properties", "options"), "POST",
                         lambda a: "dbs/{}/colls".format(a["database"]), "colls", "Create", "properties", None),
    "read_container": (("database", "container", "options"), "GET",
                       lambda a: "dbs/{}/colls/{}".format(a["database"], a["container"]), "colls", "Read", None, None),
    "replace_container": (("database", "container", "properties", "options"), "PUT",
                          lambda a: "dbs/{}/colls/{}".format(a["database"], a["container"]), "colls", "Replace",
                          "properties", None),
    "delete_container": (("database", "container", "options"), "DELETE",
                         lambda a: "dbs/{}/colls/{}".format(a["database"], a["container"]), "colls", "Delete", None,
                         None),
    "query_containers": (("database", "query", "parameters", "options"), "POST",
                         lambda a: "dbs/{}/colls".format(a["database"]), "colls", "Query", "query",
                         "DocumentCollections"),
    "create_item": (("database", "container", "partition_key", "id", "body", "options"), "POST", _docs, "docs",
                    "Create", "body", None),
    "upsert_item": (("database", "container", "partition_key", "id", "body", "options"), "POST", _docs, "docs",
                    "Upsert", "body", None),
    "replace_item": (("database", "container", "partition_key", "id", "body", "options"), "PUT",
                     lambda a: _docs(a) + "/" + a["id"], "docs", "Replace", "body", None),
    "read_item": (("database", "container", "partition_key", "id", "options"), "GET",
                  lambda a: _docs(a) + "/" + a["id"], "docs", "Read", None, None),
    "delete_item": (("database", "container", "partition_key", "id", "options"), "DELETE",
                    lambda a: _docs(a) + "/" + a["id"], "docs", "Delete", None, None),
    "patch_item": (("database", "container", "partition_key", "id", "body", "options"), "PATCH",
                   lambda a: _docs(a) + "/" + a["id"], "docs", "Patch", "body", None),
    "query_items": (("database", "container", "query", "parameters", "partition_key", "options", "feed_range"),
                    "POST", _docs, "docs", "Query", "query", "Documents"),
    "query_items_change_feed": (("database", "container", "mode", "start", "partition_key", "feed_range",
                                 "options"), "GET", _docs, "docs", "ReadFeed", None, "Documents"),
    "read_items": (("database", "container", "items", "options", "max_concurrency"), "POST", _docs, "docs",
                   "Query", None, None),
    "delete_all_items_by_partition_key": (
        ("database", "container", "partition_key", "options"), "POST",
        lambda a: "dbs/{}/colls/{}/operations/partitionkeydelete".format(a["database"], a["container"]),
        "partitionkey", "Delete", None, None),
    "query_conflicts": (("database", "container", "query", "parameters", "partition_key", "options"),
                        _query_verb, _conflicts, "conflicts", "Query", "query", "Conflicts"),
    "read_conflict": (("database", "container", "id", "partition_key", "options"), "GET",
                      lambda a: _conflicts(a) + "/" + a["id"], "conflicts", "Read", None, None),
    "delete_conflict": (("database", "container", "id", "partition_key", "options"), "DELETE",
                        lambda a: _conflicts(a) + "/" + a["id"], "conflicts", "Delete", None, None),
    "create_resource": (("kind", "database", "parent", "body", "options"), "POST",
                        lambda a: _kind_path(a["kind"], a["database"], a["parent"]), None, "Create", "body", None),
    "upsert_resource": (("kind", "database", "parent", "body", "options"), "POST",
                        lambda a: _kind_path(a["kind"], a["database"], a["parent"]), None, "Upsert", "body", None),
    "read_resource": (("kind", "database", "parent", "id", "options"), "GET",
                      lambda a: _kind_path(a["kind"], a["database"], a["parent"]) + "/" + a["id"], None, "Read",
                      None, None),
    "replace_resource": (("kind", "database", "parent", "id", "body", "options"), "PUT",
                         lambda a: _kind_path(a["kind"], a["database"], a["parent"]) + "/" + a["id"], None,
                         "Replace", "body", None),
    "delete_resource": (("kind", "database", "parent", "id", "options"), "DELETE",
                        lambda a: _kind_path(a["kind"], a["database"], a["parent"]) + "/" + a["id"], None, "Delete",
                        None, None),
    "query_resources": (("kind", "database", "parent", "query", "parameters", "options"), _query_verb,
                        lambda a: _kind_path(a["kind"], a["database"], a.get("parent")), None, "Query", "query",
                        lambda a: _FEED_KEYS.get(a["kind"], "Resources")),
    "execute_stored_procedure": (("database", "container", "id", "partition_key", "body", "options"), "POST",
                                 lambda a: "dbs/{}/colls/{}/sprocs/{}".format(a["database"], a["container"], a["id"]),
                                 "sprocs", "ExecuteJavaScript", "body", None),
    "query_offers": (("query", "parameters", "options"), "POST", lambda a: "offers", "offers", "Query", "query",
                     "Offers"),
    "replace_offer": (("offer_id", "body", "options"), "PUT", lambda a: "offers/{}".format(a["offer_id"]), "offers",
                      "Replace", "body", None),
    "read_database_account": ((), "GET", lambda a: "", "databaseaccount", "Read", None, None),
    "execute_item_batch": (("database", "container", "partition_key", "body", "options"), "POST", _docs, "docs",
                           "Batch", "body", None),
}

# Engine options -> the request headers the engine sends for them (what the records can show).
_OPTION_HEADERS = (
    ("session_token", HttpHeaders.SessionToken),
    ("if_match", HttpHeaders.IfMatch),
    ("if_none_match", HttpHeaders.IfNoneMatch),
    ("priority", HttpHeaders.PriorityLevel),
    ("throughput_bucket", HttpHeaders.ThroughputBucket),
    ("consistency_level", HttpHeaders.ConsistencyLevel),
    ("max_item_count", HttpHeaders.PageSize),
    ("continuation", HttpHeaders.Continuation),
    ("populate_query_metrics", HttpHeaders.PopulateQueryMetrics),
    ("populate_index_metrics", HttpHeaders.PopulateIndexMetrics),
)


def _header_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _operation(name: str, endpoint: str, args: tuple, kwargs: Mapping[str, Any]) -> tuple:
    names, method, path_of, resource_type, operation_type, body_name, feed_key = _OPERATIONS[name]
    bound = dict(zip(names, args))
    bound.update(kwargs)
    if callable(method):
        method = method(bound)
    path = path_of(bound)
    options = bound.get("options") or {}
    headers: dict = {}
    for option, header in _OPTION_HEADERS:
        if options.get(option) is not None:
            headers[header] = _header_value(options[option])
    if options.get("content_response_on_write") is False:
        headers[HttpHeaders.Prefer] = "return=minimal"
    if bound.get("partition_key") is not None:
        headers[HttpHeaders.PartitionKey] = json.dumps(bound["partition_key"], separators=(",", ":"))
    if name == "upsert_item" or name == "upsert_resource":
        headers[HttpHeaders.IsUpsert] = "True"
    headers.update(options.get("initial_headers") or {})
    body: Optional[bytes] = None
    if body_name == "query" and bound.get("query") is not None:
        headers[HttpHeaders.IsQuery] = "True"
        headers[HttpHeaders.ContentType] = "application/query+json"
        body = (b'{"query":' + json.dumps(bound["query"]).encode("utf-8") + b',"parameters":'
                + (bound.get("parameters") or b"[]") + b"}")
    elif body_name is not None and body_name != "query":
        body = bound.get(body_name)
    if resource_type is None:
        resource_type = bound["kind"]
    if callable(feed_key):
        feed_key = feed_key(bound)
    database = bound.get("database")
    collection = bound.get("container")
    if collection is None and bound.get("kind") in ("sprocs", "triggers", "udfs"):
        collection = bound.get("parent")
    # As sent on the wire (4.x's URLs end with "/"; the engine's do not).
    url = endpoint.rstrip("/") + "/" + path
    view = OperationView(method=method, url=url, database_name=database, collection_name=collection,
                         resource_type=resource_type, operation_type=operation_type, headers=headers, body=body,
                         path=path)
    return view, feed_key


def _diagnostics_json(holder: Any) -> Optional[str]:
    diagnostics = getattr(holder, "diagnostics", None) if holder is not None else None
    return diagnostics.to_json() if diagnostics is not None else None


class _Observation:
    """One operation (or one page of a query) being observed."""

    __slots__ = ("observing", "operation", "feed_key", "started", "request")

    def __init__(self, observing: _Observing, operation: OperationView, feed_key: Optional[str]) -> None:
        self.observing = observing
        self.operation = operation
        self.feed_key = feed_key
        self.request: Any = None
        self.started = time.perf_counter()

    def before(self) -> None:
        observing = self.observing
        if observing.raw_request_hook is not None or observing.raw_response_hook is not None:
            self.request = pipeline_request(self.operation)
        if observing.raw_request_hook is not None:
            observing.raw_request_hook(self.request)
        if observing.network_trace:
            _http_logging.trace_request(self.operation)
        self.started = time.perf_counter()

    def _log(self, diagnostics_json: Optional[str], status: Optional[int], headers: Optional[Mapping[str, str]],
             error_text: Optional[str] = None, error_type: Optional[str] = None) -> None:
        observing = self.observing
        logger = observing.logger
        if not logger.isEnabledFor(logging.INFO):
            return
        found = _http_logging.attempts(self.operation, diagnostics_json, status, headers)
        if len(found) == 1 and found[0].duration_ms is None:
            found[0].duration_ms = (time.perf_counter() - self.started) * 1000
        if observing.diagnostics_logging:
            _http_logging.log_diagnostics(logger, self.operation, found, client_settings=observing.client_settings,
                                          error_text=error_text, error_type=error_type)
        else:
            _http_logging.log_http(logger, self.operation, found)

    def _respond(self, status: int, headers: Mapping[str, str], body: bytes) -> None:
        if self.observing.network_trace:
            _http_logging.trace_response(status, headers, body)
        if self.observing.raw_response_hook is not None:
            self.observing.raw_response_hook(pipeline_response(self.request, status, headers, body))

    def completed(self, response: Any) -> None:
        if not hasattr(response, "status"):
            return  # not a service response (feed ranges): nothing to report
        self._log(_diagnostics_json(response), response.status, response.headers)
        self._respond(response.status, response.headers, response.body)

    def page(self, page: Any) -> None:
        if page is None:
            return
        headers = page.headers
        self._log(_diagnostics_json(page), 200, headers)
        body = page.body
        if body[:1] == b"[":
            # Items the engine assembled (merged across ranges): shown in the service's envelope.
            count = headers.get(HttpHeaders.ItemCount)
            if count is None:
                count = str(len(json.loads(body) or []))
            body = b'{"' + (self.feed_key or "Documents").encode() + b'":' + body + b',"_count":' \
                + str(count).encode() + b"}"
        self._respond(200, headers, body)

    def failed(self, error: BaseException) -> None:
        response = getattr(error, "response", None)
        status = getattr(response, "status_code", None) if response is not None else None
        headers = getattr(response, "headers", None) if response is not None else None
        body = getattr(response, "content", b"") if response is not None else b""
        error_text = body.decode("utf-8", errors="replace") if body else getattr(error, "message", str(error))
        diagnostics = getattr(error, "_engine_diagnostics", None)
        self._log(diagnostics.to_json() if diagnostics is not None else None, status,
                  dict(headers) if headers is not None else None, error_text=error_text,
                  error_type=type(error).__name__)
        if status is not None:
            self._respond(status, dict(headers or {}), body or b"")


class ObservedPager:
    """An engine pager whose every page is observed as one operation."""

    __slots__ = ("_pager", "_observing", "_operation", "_feed_key")

    def __init__(self, pager: Any, observing: _Observing, operation: OperationView, feed_key: Optional[str]) -> None:
        self._pager = pager
        self._observing = observing
        self._operation = operation
        self._feed_key = feed_key

    def next_page(self) -> Any:
        observation = _Observation(self._observing, self._operation, self._feed_key)
        observation.before()
        try:
            page = self._pager.next_page()
        except Exception as error:
            observation.failed(error)
            raise
        observation.page(page)
        return page

    def next_page_async(self) -> Any:
        observation = _Observation(self._observing, self._operation, self._feed_key)
        observation.before()
        return _finish_page(observation, self._pager.next_page_async())

    def __getattr__(self, name: str) -> Any:
        return getattr(self._pager, name)


async def _finish_page(observation: _Observation, awaitable: Any) -> Any:
    try:
        page = await awaitable
    except Exception as error:
        observation.failed(error)
        raise
    observation.page(page)
    return page


async def _finish(observation: _Observation, awaitable: Any) -> Any:
    try:
        response = await awaitable
    except Exception as error:
        observation.failed(error)
        raise
    observation.completed(response)
    return response


class ObservedEngine:
    """The engine, with each operation observed (see the module docstring). Anything else passes through."""

    __slots__ = ("_engine", "_observing")

    def __init__(self, engine: Any, observing: _Observing) -> None:
        self._engine = engine
        self._observing = observing

    @property
    def engine(self) -> Any:
        """The engine wrapped."""
        return self._engine

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._engine, name)
        is_async = name.endswith("_async")
        operation = name[: -len("_async")] if is_async else name
        if operation not in _OPERATIONS:
            return attribute
        engine, observing = self._engine, self._observing

        def observed(*args: Any, **kwargs: Any) -> Any:
            view, feed_key = _operation(operation, engine.endpoint, args, kwargs)
            if feed_key is not None and not is_async:
                return ObservedPager(attribute(*args, **kwargs), observing, view, feed_key)
            observation = _Observation(observing, view, feed_key)
            observation.before()
            if is_async:
                return _finish(observation, attribute(*args, **kwargs))
            try:
                response = attribute(*args, **kwargs)
            except Exception as error:
                observation.failed(error)
                raise
            observation.completed(response)
            return response

        return observed
