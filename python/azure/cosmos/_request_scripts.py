# The MIT License (MIT)
"""Server-side scripts (stored procedures, triggers, UDFs), shared by the sync and async proxies.

Pure functions, no I/O: they turn 4.x's arguments into what the engine's resource calls
(``create_resource``, ``query_resources``, ``execute_stored_procedure``...) take, before
anything is sent.
"""
from __future__ import annotations

from typing import Any, Callable, Mapping, Optional, Union

from ._request_builders import _check_id, item_id, query_spec
from ._serialization import dump_json, dump_parameters, load_json
from .http_constants import HttpHeaders

# The body key of each kind's feed pages, as the service (and so 4.x's response_hook) names it.
FEED_BODY_KEYS = {
    "sprocs": "StoredProcedures",
    "triggers": "Triggers",
    "udfs": "UserDefinedFunctions",
}


def container_address(container_link: str) -> tuple[str, str]:
    """The database and container ids of a name-based container link.

    :param str container_link: ``dbs/{database}/colls/{container}``.
    :returns: ``(database id, container id)``.
    :rtype: tuple[str, str]
    """
    parts = container_link.strip("/").split("/")
    return parts[1], parts[3]


def script_id(script: Union[str, Mapping[str, Any]]) -> str:
    """The id of a script given as its id or as its properties dict.

    4.x addresses a dict by its ``_self`` link; the engine addresses scripts by name, so the dict's
    ``id`` is used (the same script).

    :param script: ``str`` or a mapping with ``"id"``.
    :returns: The id.
    :rtype: str
    """
    return item_id(script)


def script_body(body: Mapping[str, Any]) -> bytes:
    """A script definition as 4.x sends it: the id checked, ``serverScript`` (or ``body``) as text.

    :param body: The definition: ``id``, ``body`` (the JavaScript), and for a trigger ``triggerType``
        and ``triggerOperation``.
    :returns: The JSON body.
    :rtype: bytes
    :raises TypeError: The id is not a string, or the definition is not JSON serialisable.
    :raises ValueError: The id holds characters the service refuses.
    """
    _check_id(body.get("id"))
    definition = dict(body)
    if definition.get("serverScript"):
        definition["body"] = str(definition.pop("serverScript"))
    elif definition.get("body"):
        definition["body"] = str(definition["body"])
    return dump_json(definition)


def script_query(query: Any, parameters: Any) -> tuple[Optional[str], bytes]:
    """A script query's text and JSON parameters (the text, or 4.x's ``{"query", "parameters"}`` dict).

    :param query: The SQL text or the dict form.
    :param parameters: ``[{"name": "@p", "value": ...}]`` or ``None``.
    :returns: ``(text, parameters as JSON)``.
    :rtype: tuple[str, bytes]
    :raises TypeError: The parameters are not a list of name/value dicts.
    """
    text, parameters = query_spec(query, parameters)
    return text, dump_parameters(parameters)


def procedure_arguments(params: Any) -> bytes:
    """The JSON array of a stored procedure's arguments, as 4.x builds it.

    :param params: The arguments: a list (one argument per element), a single value (wrapped in a
        list, as 4.x does), or ``None``/empty for none.
    :returns: The JSON array.
    :rtype: bytes
    :raises TypeError: An argument is not JSON serialisable (nothing is sent).
    """
    if not params:
        return b"[]"
    if not isinstance(params, list):
        params = [params]
    return dump_json(params)


def with_script_logging(options: dict, enable_script_logging: Optional[bool]) -> dict:
    """Ask for the script's ``console.log`` output (returned in the
    ``x-ms-documentdb-script-log-results`` response header, URL-encoded).

    :param dict options: The engine options of the call (changed in place).
    :param enable_script_logging: ``True`` to ask; ``None``/``False`` send nothing, as 4.x.
    :returns: ``options``.
    :rtype: dict
    """
    if enable_script_logging:
        headers = dict(options.get("initial_headers") or {})
        headers[HttpHeaders.EnableScriptLogging] = "true"
        options["initial_headers"] = headers
    return options


def procedure_result(response: Any, record_headers: Callable[[Mapping[str, str]], Any], hook: Any) -> Any:
    """A stored procedure's result as 4.x returns it: the parsed response body, whatever its type.

    :param response: The engine response.
    :param record_headers: The client's ``record_headers`` (keeps ``last_response_headers``).
    :param hook: The caller's ``response_hook``, called with ``(headers, result)``, or ``None``.
    :returns: The parsed body (``None`` if the service sent none).
    :rtype: Any
    """
    headers = record_headers(response.headers)
    result = load_json(response.body)
    if hook is not None:
        hook(headers, result)
    return result
