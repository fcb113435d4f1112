"""``ScriptEngine``: stored procedures, triggers and user-defined functions executed in V8.

One execution is a run loop between the runtime (JavaScript, :mod:`.runtime_kernel`) and Python: the
script runs until it returns, leaving collection operations queued; Python runs the first queued
operation against the :class:`~.protocol.ScriptCollection` and delivers its outcome to the script's
callback, which may queue more; and so on until nothing is left. The whole execution shares one time
budget; past it the script is terminated (408). The caller owns the transaction: when any method here
raises, it must roll back the writes the execution made.
"""
from __future__ import annotations

import json
import threading
import time
from typing import Any, Callable, Dict, List, Mapping, Optional

import orjson

from ..errors import bad_request
from .host import RUNTIME, JsHost, ScriptOutOfMemory, ScriptTimeout
from .operations import execute_operation
from .protocol import OPTIONAL_ALT_LINK, ScriptCollection, ScriptResult
from .script_errors import out_of_memory_failure, script_failure, timeout_failure

TRIGGER_OPERATIONS = {"create": "Create", "replace": "Replace", "upsert": "Upsert", "delete": "Delete"}
# Share of the time budget after which new operations are refused (``accepted == false``), leaving
# the script time to return a continuation as the service's samples do.
SOFT_DEADLINE_SHARE = 0.8
# Distinct UDF bodies kept compiled; past this many the cache starts over.
MAX_CACHED_UDFS = 1024


def _json(value: Any) -> str:
    try:
        return orjson.dumps(value).decode()
    except TypeError:  # integers beyond 64 bits
        return json.dumps(value, separators=(",", ":"))


def _literal(text: Optional[str]) -> str:
    """A JavaScript string literal or ``null``: the JSON string, with U+2028/U+2029 escaped (JSON allows them raw
    but JavaScript before ES2019 ends a string literal at them), so a script body or argument holding these line
    separators (or U+0085) reaches the runtime intact whatever the engine's edition."""
    if text is None:
        return "null"
    return orjson.dumps(text).decode().replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


class ScriptEngine:
    """Runs server-side scripts; one per server (or per process, see :func:`default_engine`).

    :keyword timeout_seconds: time budget of one stored procedure or trigger execution.
    :keyword udf_timeout_seconds: time budget of one user-defined function call.
    :keyword memory_limit_bytes: V8 heap limit.
    :keyword operation_budget: most collection operations one execution may queue before further ones
        are refused (``accepted == false``); None for no limit other than time.
    :keyword wall_clock: seconds since the epoch (default :func:`time.time`). The soft deadline is
        computed from it and the runtime compares it with JavaScript's ``Date.now()``; tests pass a
        shifted clock to put that deadline in the past or far ahead without depending on how fast the
        machine runs.
    """

    def __init__(self, *, timeout_seconds: float = 5.0, udf_timeout_seconds: float = 5.0,
                 memory_limit_bytes: int = 256 * 1024 * 1024, operation_budget: Optional[int] = None,
                 wall_clock: Callable[[], float] = time.time):
        self.timeout_seconds = timeout_seconds
        self.udf_timeout_seconds = udf_timeout_seconds
        self.operation_budget = operation_budget
        self.wall_clock = wall_clock
        self._host = JsHost(memory_limit_bytes)
        self._udf_keys: Dict[str, int] = {}
        self._udf_generation = self._host.generation

    # -------------------------------------------------------------------------- stored procedures
    def run_stored_procedure(self, body: str, params: Any, collection: ScriptCollection, *,
                             enable_logging: bool, request_headers: Optional[Mapping[str, str]] = None
                             ) -> ScriptResult:
        """Execute a stored procedure.

        :param body: the procedure's JavaScript (a function).
        :param params: the decoded request body: normally the argument array; ``None`` when the body was
            empty. The function is applied to it like ``Function.prototype.apply`` (an array-like object
            works, a string or number answers 400), as the service does.
        :param collection: the logical partition of the request, inside the caller's transaction.
        :keyword enable_logging: ``x-ms-documentdb-script-enable-logging: true`` was sent.
        :keyword request_headers: request headers the script may read with ``getRequest().getValue``.
        :raises CosmosError: 400 for a script error (sub-status = the error's number), 408 past the time
            budget; the caller rolls back.
        """
        headers = dict(request_headers or {})
        if enable_logging:
            headers["x-ms-documentdb-script-enable-logging"] = "true"
        setup = {"kind": "sproc", "requestHeaders": headers, "logEnabled": enable_logging}
        if params is not None:
            setup["requestBody"] = params
        done = self._execute(body, setup, _json(params), collection)
        text = done["responseBody"]
        return ScriptResult(text, None if text is None else orjson.loads(text), done["log"])

    # -------------------------------------------------------------------------------- triggers
    def run_trigger(self, body: str, kind: str, operation: str, request_doc: Optional[Dict[str, Any]],
                    response_doc: Optional[Dict[str, Any]], collection: ScriptCollection, *,
                    request_headers: Optional[Mapping[str, str]] = None,
                    response_headers: Optional[Mapping[str, str]] = None) -> Any:
        """Execute a pre- or post-trigger.

        :param kind: ``"pre"`` or ``"post"``.
        :param operation: the operation that fired it: create, replace, upsert or delete (any case).
        :param request_doc: the request body (the document being written; None for a delete).
        :param response_doc: for a post-trigger, the operation's result.
        :keyword response_headers: for a post-trigger, headers it may read; ``x-ms-resource-quota`` and
            ``x-ms-resource-usage`` back ``getMaxResourceQuota()`` / ``getResourceQuotaCurrentUsage()``.
        :returns: a pre-trigger's request body (possibly replaced with ``setBody``), or a post-trigger's
            response body; the very object passed in (``request_doc`` / ``response_doc``) when the script
            left that body as it was, so callers can keep it exact (the JavaScript copy has lost the
            precision of integers beyond 2**53).
        :raises CosmosError: as for stored procedures; the caller fails the operation and rolls back.
        """
        if kind not in ("pre", "post"):
            raise ValueError(f"trigger kind must be 'pre' or 'post', not {kind!r}")
        operation_type = TRIGGER_OPERATIONS.get(str(operation).lower())
        if operation_type is None:
            raise ValueError(f"unknown trigger operation {operation!r}")
        # A missing body (a delete's) is undefined to the script, not null.
        setup: Dict[str, Any] = {"kind": kind, "operationType": operation_type,
                                 "requestHeaders": dict(request_headers or {})}
        if request_doc is not None:
            setup["requestBody"] = request_doc
        if kind == "post":
            headers = dict(response_headers or {})
            if response_doc is not None:
                setup["responseBody"] = response_doc
            setup["responseHeaders"] = headers
            if "x-ms-resource-quota" in headers:
                setup["maxResourceQuota"] = headers["x-ms-resource-quota"]
            if "x-ms-resource-usage" in headers:
                setup["resourceQuotaUsage"] = headers["x-ms-resource-usage"]
        done = self._execute(body, setup, None, collection)
        if kind == "pre":
            given, text, changed = request_doc, done["requestBody"], done["requestBodyChanged"]
        else:
            given, text, changed = response_doc, done["responseBody"], done["responseBodyChanged"]
        if not changed:
            return given
        return None if text is None else orjson.loads(text)

    # ------------------------------------------------------------------- user-defined functions
    def call_udf(self, body: str, args: List[Any]) -> Any:
        """Call a user-defined function for the query engine.

        Arguments that are the query language's ``undefined`` arrive as JavaScript ``undefined``; an
        ``undefined`` result comes back as that same sentinel. Each body is compiled once.

        :raises CosmosError: 400 when the function throws or does not compile, 408 past its budget.
        """
        from ..query.values import UNDEFINED
        undefined_positions = [index for index, value in enumerate(args) if value is UNDEFINED]
        values = [None if value is UNDEFINED else value for value in args]
        if self._host.on_host_thread():
            code = self._udf_code(body, values, undefined_positions)
            try:
                answer = self._host.eval_nested(code)
            except ScriptOutOfMemory:
                raise out_of_memory_failure(udf=True) from None
            return self._udf_answer(answer, body, UNDEFINED)

        async def job() -> Any:
            await self._host.ensure_healthy()
            code = self._udf_code(body, values, undefined_positions)
            try:
                return await self._host.eval(code, self.udf_timeout_seconds)
            except ScriptTimeout:
                raise timeout_failure() from None
            except ScriptOutOfMemory:
                raise out_of_memory_failure(udf=True) from None

        return self._udf_answer(self._host.run(job), body, UNDEFINED)

    def udf_resolver(self, udf_bodies: Mapping[str, str]) -> Callable[[str], Optional[Callable[[List[Any]], Any]]]:
        """A query-engine ``UdfResolver`` over a container's UDFs (``{udf id: body}``)."""
        bodies = dict(udf_bodies)

        def resolve(name: str) -> Optional[Callable[[List[Any]], Any]]:
            body = bodies.get(name)
            if body is None:
                return None
            return lambda args: self.call_udf(body, args)

        return resolve

    def _udf_code(self, body: str, values: List[Any], undefined_positions: List[int]) -> str:
        if self._udf_generation != self._host.generation:
            self._udf_keys.clear()
            self._udf_generation = self._host.generation
        key = self._udf_keys.get(body)
        body_literal = "null"
        prefix = ""
        if key is None:
            if len(self._udf_keys) >= MAX_CACHED_UDFS:
                self._udf_keys.clear()
                prefix = f"{RUNTIME}.forgetUdfs(); "
            key = len(self._udf_keys) + 1
            self._udf_keys[body] = key
            body_literal = _literal(body)
        return (f"{prefix}{RUNTIME}.udf({key}, {body_literal}, {_literal(_json(values))}, "
                f"{_json(undefined_positions)})")

    def _udf_answer(self, answer: str, body: str, undefined: Any) -> Any:
        tag, payload = answer[:1], answer[1:]
        if tag == "u":
            return undefined
        if tag == "j":
            return orjson.loads(payload)
        described = orjson.loads(payload)
        if described.get("compile"):
            # Not stored on the JavaScript side: the next call must send the body again.
            self._udf_keys.pop(body, None)
        raise script_failure(described, udf=True)

    # ------------------------------------------------------------------------------ validation
    def validate(self, body: str) -> None:
        """Check that a script body compiles to a function (for create/replace of sprocs, triggers, UDFs).

        :raises CosmosError: 400 with the compiler's message.
        """
        if not isinstance(body, str):
            raise bad_request("The script body must be a string containing a JavaScript function.")

        async def job() -> str:
            await self._host.ensure_healthy()
            return await self._host.eval(f"{RUNTIME}.check({_literal(body)})", self.timeout_seconds)

        problem = self._host.run(job)
        if problem:
            raise script_failure(orjson.loads(problem))

    # ------------------------------------------------------------------------------- run loop
    def _execute(self, body: str, setup: Dict[str, Any], params_json: Optional[str],
                 collection: ScriptCollection) -> Dict[str, Any]:
        if not isinstance(body, str):
            raise bad_request("The script body must be a string containing a JavaScript function.")
        setup["selfLink"] = collection.self_link()
        alt_link = getattr(collection, OPTIONAL_ALT_LINK, None)
        setup["altLink"] = alt_link() if callable(alt_link) else None
        setup["operationBudget"] = self.operation_budget
        setup["softDeadline"] = (self.wall_clock() + self.timeout_seconds * SOFT_DEADLINE_SHARE) * 1000
        if self._host.on_host_thread():
            raise RuntimeError("scripts cannot be executed from inside another script execution")

        async def job() -> Dict[str, Any]:
            await self._host.ensure_healthy()
            return await self._run_loop(body, setup, params_json, collection)

        return self._host.run(job)

    async def _run_loop(self, body: str, setup: Dict[str, Any], params_json: Optional[str],
                        collection: ScriptCollection) -> Dict[str, Any]:
        host = self._host
        deadline = time.monotonic() + self.timeout_seconds
        finished = False
        try:
            code = f"{RUNTIME}.start({_literal(_json(setup))}, {_literal(body)}, {_literal(params_json)})"
            step = orjson.loads(await host.eval(code, deadline - time.monotonic()))
            while True:
                state = step["s"]
                if state == "op":
                    operation = step["op"]
                    outcome = execute_operation(operation, collection)
                    code = f"{RUNTIME}.deliver({operation['id']}, {_literal(_json(outcome))})"
                elif state == "idle":
                    code = f"{RUNTIME}.settle()"
                elif state == "done":
                    finished = True
                    return step
                else:
                    log = await self._abandon()
                    finished = True
                    raise script_failure(step["e"], log=log)
                step = orjson.loads(await host.eval(code, deadline - time.monotonic()))
        except ScriptTimeout:
            log = await self._abandon()
            finished = True
            raise timeout_failure(log) from None
        except ScriptOutOfMemory:
            finished = True  # the context was replaced: nothing left to clean
            raise out_of_memory_failure() from None
        finally:
            if not finished:
                await self._abandon()

    async def _abandon(self) -> Optional[str]:
        """Drop the current execution; returns its log (None when logging was off)."""
        try:
            answer = await self._host.eval(f"{RUNTIME}.abandon()", self.timeout_seconds)
        except (ScriptTimeout, ScriptOutOfMemory):
            return None
        return orjson.loads(answer).get("log")

    # -------------------------------------------------------------------------------- shutdown
    def close(self) -> None:
        """Stop the V8 thread (the engine cannot be used afterwards)."""
        self._host.close()


_default_engine: Optional[ScriptEngine] = None
_default_engine_lock = threading.Lock()


def default_engine() -> ScriptEngine:
    """The process-wide engine, created on first use."""
    global _default_engine
    with _default_engine_lock:
        if _default_engine is None:
            _default_engine = ScriptEngine()
        return _default_engine
