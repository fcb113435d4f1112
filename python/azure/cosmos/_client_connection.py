# The MIT License (MIT)
"""The state one client shares with its database and container proxies.

:class:`CosmosClientConnection` is what 4.x exposes as ``client.client_connection``:
it owns the engine connection, the container-properties cache (partition-key
definitions, read once per container per client), the client's request defaults and
``last_response_headers``. It also turns engine responses into 4.x results, the same
way for the sync and the async proxies.
"""
from __future__ import annotations

import asyncio
import base64
import inspect
import ipaddress
import logging
import os
import re
import warnings
from collections.abc import Iterable
from typing import Any, Callable, Mapping, Optional
from urllib.parse import urlparse, urlsplit

from azure.core.utils import CaseInsensitiveDict

from ._cosmos_responses import CosmosDict, headers_of_response, replace_headers, response_headers
from ._native import engine_module
from ._http_logging import DIAGNOSTICS_LOGGER
from ._observed_engine import CURRENT_CALL, ObservedOptions, client_observers, observe
from ._request_options import ClientDefaults, documented_names, reject_unknown
from ._request_availability import hedging_threshold
from ._request_retries import retry_options
from ._serialization import load_json
from .documents import ConnectionPolicy
from .exceptions import CosmosClientTimeoutError

# 4.x's HTTP logging policy writes INFO records whenever this logger is enabled for INFO.
_HTTP_LOGGER_ENABLED = DIAGNOSTICS_LOGGER.isEnabledFor

ResponseHook = Optional[Callable[[Mapping[str, Any], Any], None]]

# Client keywords 4.x reads without documenting them (see the class docstring for their
# effect here). Anything else is rejected as 4.x's transport rejects it.
_UNDOCUMENTED_CLIENT_KEYWORDS = frozenset(
    {
        "multiple_write_locations", "request_timeout", "retry_throttle_total", "retry_throttle_backoff_max",
        "retry_mode", "connection_policy", "retry_options", "connection_retry_policy", "transport", "proxies",
        "user_agent", "user_agent_overwrite",
    }
)


# Keywords 4.x applies and the engine has no equivalent for. They are accepted so that
# existing code runs unchanged, and said out loud (a warning) rather than silently dropped.
_NOT_APPLIED_CLIENT_KEYWORDS = (
    "proxy_config", "ssl_config", "connection_cert",
    "transport", "proxies",
)


def _warn_not_applied(kwargs: dict) -> None:
    for name in _NOT_APPLIED_CLIENT_KEYWORDS:
        if kwargs.get(name) is not None:
            warnings.warn(
                f"azure-cosmos 5 accepts '{name}' for compatibility but does not apply it: "
                "the Rust engine's own Cosmos DB transport and retry policy are used",
                UserWarning,
                stacklevel=4,
            )
    if kwargs.get("enable_endpoint_discovery") is False:
        warnings.warn(
            "azure-cosmos 5 always routes by the regions the account advertises; "
            "enable_endpoint_discovery=False is not applied",
            UserWarning,
            stacklevel=4,
        )


def _is_loopback(url: str) -> bool:
    host = urlparse(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# 4.x's default AAD scope, tried when the account's own scope is unknown to the identity provider.
_AAD_DEFAULT_SCOPE = "https://cosmos.azure.com/.default"
_AAD_SCOPE_OVERRIDE_VARIABLE = "AZURE_COSMOS_AAD_SCOPE_OVERRIDE"


def _token_scopes(url: str) -> list:
    """The scopes a token credential is asked for, in order, as 4.x's bearer-token policy asks.

    ``AZURE_COSMOS_AAD_SCOPE_OVERRIDE`` alone when set; else the account's scope
    (``https://<host>/.default``) and, after an AADSTS500011 answer, ``https://cosmos.azure.com/.default``.

    :param str url: The account endpoint.
    :returns: The scopes.
    :rtype: list[str]
    """
    override = os.environ.get(_AAD_SCOPE_OVERRIDE_VARIABLE, "")
    if override:
        return [override]
    parsed = urlsplit(url)
    if not parsed.scheme or not parsed.hostname:
        raise ValueError(f"Invalid URL scheme or hostname: {parsed!r}")
    account_scope = parsed.scheme + "://" + parsed.hostname + "/.default"
    return [account_scope] if account_scope == _AAD_DEFAULT_SCOPE else [account_scope, _AAD_DEFAULT_SCOPE]


def _is_token_credential(credential: Any) -> bool:
    return callable(getattr(credential, "get_token", None)) or callable(getattr(credential, "get_token_info", None))


def _checked_key(key: str) -> str:
    # 4.x decodes the key (base64) to sign its first request, the account read of the constructor;
    # a malformed key raises binascii.Error (a ValueError) there, and so here.
    base64.b64decode(key)
    return key


def _credential_options(credential: Any, url: str) -> dict:
    """The engine options that authorize a client's requests, from any credential 4.x accepts.

    :param credential: The account key (``str`` or ``{"masterKey": ...}``), or an azure-core
        ``TokenCredential`` / ``AsyncTokenCredential``.
    :param str url: The account endpoint (the token scope derives from it).
    :returns: ``{"key": ...}`` or ``{"credential": ..., "credential_scopes": [...], "credential_is_async": ...}``.
    :rtype: dict
    :raises NotImplementedError: Resource tokens or a permission feed (not supported yet).
    :raises TypeError: Anything else.
    """
    if isinstance(credential, str):
        return {"key": _checked_key(credential)}
    if isinstance(credential, Mapping):
        if "masterKey" in credential:
            return {"key": _checked_key(credential["masterKey"])}
        raise NotImplementedError(
            "azure-cosmos 5 does not support resource tokens or permission feeds yet; authenticate with the "
            "account key or a TokenCredential (Microsoft Entra ID)")
    if _is_token_credential(credential):
        method = getattr(credential, "get_token_info", None) or credential.get_token
        return {"credential": credential, "credential_scopes": _token_scopes(url),
                "credential_is_async": inspect.iscoroutinefunction(method)}
    if isinstance(credential, Iterable):
        raise NotImplementedError(
            "azure-cosmos 5 does not support permission feeds yet; authenticate with the account key or a "
            "TokenCredential (Microsoft Entra ID)")
    raise TypeError(
        "Unrecognized credential type. Please supply the master key as a string or a dictionary, or resource "
        "tokens, or a list of permissions, or any instance of a class implementing TokenCredential (see "
        "azure.identity module for specific implementations such as ClientSecretCredential).")


# What the engine's User-Agent suffix may hold (the driver's rule: 25 header-safe characters).
_USER_AGENT_SUFFIX_LENGTH = 25
_NOT_HEADER_SAFE = re.compile(r"[^A-Za-z0-9._~-]+")


def user_agent_suffix(*texts: Optional[str]) -> Optional[str]:
    """The User-Agent suffix the engine sends for 4.x's ``user_agent`` / ``user_agent_suffix`` texts.

    4.x accepts any text there. The engine's User-Agent always starts with its own product token,
    and its suffix holds at most 25 header-safe characters (letters, digits, ``-``, ``_``, ``.``,
    ``~``), so each run of other characters becomes one ``_`` and the result is cut to 25
    characters: ``"my app/1.0 (test)"`` is sent as ``my_app_1.0_test``.

    :param texts: The texts, in the order they appear (``None`` or empty ones are skipped).
    :returns: The suffix, or ``None`` when there is nothing to send.
    :rtype: str or None
    """
    joined = " ".join(text for text in texts if text)
    safe = _NOT_HEADER_SAFE.sub("_", joined).strip("_")[:_USER_AGENT_SUFFIX_LENGTH].rstrip("_")
    return safe or None


def parse_connection_string(conn_str: str) -> dict:
    """Split ``AccountEndpoint=...;AccountKey=...;`` into its settings.

    :param str conn_str: The connection string.
    :returns: The settings by name (``AccountEndpoint``, ``AccountKey``, ...).
    :rtype: dict[str, str]
    """
    settings = {}
    for part in conn_str.rstrip(";").split(";"):
        if not part.strip():
            continue
        name, _, value = part.partition("=")
        settings[name.strip()] = value.strip()
    if "AccountEndpoint" not in settings:
        raise ValueError("Connection string missing setting 'AccountEndpoint'.")
    return settings


def client_settings(client_class: type, url: str, credential: Any, consistency_level: Optional[str],
                    kwargs: dict) -> tuple:
    """Read a 4.x client constructor's arguments into engine client options and request defaults.

    :param type client_class: The public client class (its docstring lists the accepted keywords).
    :param str url: The account endpoint.
    :param credential: The account key (``str`` or ``{"masterKey": ...}``) or a token credential.
    :param consistency_level: The client's consistency level, or ``None`` for the account's.
    :type consistency_level: str or None
    :param dict kwargs: The remaining constructor keywords.
    :returns: ``(engine ClientOptions dict, ClientDefaults)``.
    :rtype: tuple[dict, ClientDefaults]
    :raises TypeError: An unknown keyword, or a keyword of the wrong type.
    """
    reject_unknown(
        f"{client_class.__name__}.__init__",
        documented_names(client_class) | documented_names(client_class.__init__) | _UNDOCUMENTED_CLIENT_KEYWORDS,
        kwargs,
    )
    _warn_not_applied(kwargs)
    policy: ConnectionPolicy = kwargs.get("connection_policy") or ConnectionPolicy()
    options: dict = {"endpoint": url, **_credential_options(credential, url)}
    if consistency_level is not None:
        options["consistency_level"] = consistency_level
    verify = kwargs.get("connection_verify")
    # 4.x skips certificate checks for a local emulator by itself; the engine's rule for
    # connection_verify=False is the same one, limited to loopback hosts.
    if verify is False or policy.DisableSSLVerification or _is_loopback(url):
        options["connection_verify"] = False
    if "connection_timeout" in kwargs:
        options["connection_timeout"] = float(kwargs["connection_timeout"])
    elif "request_timeout" in kwargs:
        options["connection_timeout"] = kwargs["request_timeout"] / 1000.0
    elif "connection_policy" in kwargs:
        options["connection_timeout"] = float(policy.RequestTimeout)
    if kwargs.get("timeout") is not None:
        # The client's absolute timeout also bounds connecting (the account read).
        options["timeout"] = float(kwargs["timeout"])
    if "read_timeout" in kwargs:
        options["request_timeout"] = float(kwargs["read_timeout"])
    elif "connection_policy" in kwargs:
        options["request_timeout"] = float(policy.ReadTimeout)
    preferred = kwargs.get("preferred_locations") or policy.PreferredLocations
    if preferred:
        options["preferred_regions"] = list(preferred)
    excluded = kwargs.get("excluded_locations") or policy.ExcludedLocations
    if excluded:
        options["excluded_regions"] = list(excluded)
    suffix = user_agent_suffix(kwargs.get("user_agent"), kwargs.get("user_agent_suffix"))
    if suffix:
        options["user_agent_suffix"] = suffix
    options.update(retry_options(kwargs, policy))
    threshold = hedging_threshold(kwargs.get("availability_strategy"))
    if threshold:
        options["hedging_threshold"] = threshold
    compact_utf8 = kwargs.get("enable_compact_utf8_item_writes", False)
    if not isinstance(compact_utf8, bool):
        raise TypeError("enable_compact_utf8_item_writes must be a bool.")
    defaults = ClientDefaults(
        timeout=kwargs.get("timeout"),
        throughput_bucket=kwargs.get("throughput_bucket"),
        no_response_on_write=bool(kwargs.get("no_response_on_write", policy.ResponsePayloadOnWriteDisabled)),
        compact_utf8_item_writes=compact_utf8,
        observers=client_observers(kwargs, preferred, excluded),
    )
    return options, defaults


def container_link(database_id: str, container_id: str) -> str:
    """The 4.x name-based link of a container.

    :param str database_id: The database id.
    :param str container_id: The container id.
    :returns: ``dbs/{database}/colls/{container}``.
    :rtype: str
    """
    return "dbs/{}/colls/{}".format(database_id, container_id)


class CosmosClientConnection:  # pylint: disable=too-many-instance-attributes
    """Connection state of one client (4.x's ``client_connection``).

    :ivar str url_connection: The account endpoint.
    :ivar last_response_headers: Headers of the last response received through this client.
        Like 4.x's, it is not meaningful when the client is used concurrently.
    :vartype last_response_headers: ~azure.core.utils.CaseInsensitiveDict
    """

    def __init__(self, url: str, engine_options: dict, defaults: ClientDefaults) -> None:
        self.url_connection = url
        self.defaults = defaults
        self.last_response_headers: CaseInsensitiveDict = CaseInsensitiveDict()
        self._engine_options = engine_options
        self._engine: Any = None
        self._connecting: Optional[asyncio.Lock] = None
        self._container_properties_cache: dict = {}

    @property
    def uses_token_credential(self) -> bool:
        """Whether this client authenticates with a Microsoft Entra ID token credential.

        :rtype: bool
        """
        return "credential" in self._engine_options

    @property
    def master_key(self) -> Optional[str]:
        """The account key this client signs with (read-only; 4.x's attribute of the same name).

        It is a property on purpose: it is not an instance attribute, so ``vars()`` and the
        default ``repr`` never show it.

        :returns: The base64 account key.
        :rtype: str or None
        """
        return self._engine_options.get("key")

    # ---- the engine --------------------------------------------------------------

    def connect(self) -> Any:
        """Connect (reads the account, blocking) unless already connected.

        :returns: The engine.
        """
        if self._engine is None:
            self._engine = engine_module().Engine.connect(self._engine_options)
        return self._engine

    async def connect_async(self, timeout: Optional[float] = None) -> Any:
        """Connect (reads the account) unless already connected; concurrent callers share one connect.

        :param timeout: The calling operation's ``timeout`` in seconds, which bounds the connect too.
        :type timeout: float or None
        :returns: The engine.
        :raises ~azure.cosmos.exceptions.CosmosClientTimeoutError: ``timeout`` ran out while connecting.
        """
        if self._engine is not None:
            return self._engine
        if timeout is None:
            return await self._connect_once()
        try:
            # Cancelling the connect drops the engine's future, so nothing is left running.
            return await asyncio.wait_for(self._connect_once(), timeout)
        except asyncio.TimeoutError:
            raise CosmosClientTimeoutError() from None

    async def _connect_once(self) -> Any:
        if self._connecting is None:
            self._connecting = asyncio.Lock()
        async with self._connecting:
            if self._engine is None:
                self._engine = await engine_module().Engine.connect_async(self._engine_options)
        return self._engine

    @property
    def engine(self) -> Any:
        """The engine for the current call (sync clients connect in their constructor).

        The engine itself, unless the client or the current call (its keywords, as
        ``_request_options.build`` found them) has logging or raw hooks: then a wrapper that
        observes each operation (see ``_observed_engine``).

        :returns: The engine.
        """
        engine = self._engine if self._engine is not None else self.connect()
        observers = self.defaults.observers
        call = CURRENT_CALL.get()
        if observers is None and call is None and not _HTTP_LOGGER_ENABLED(logging.INFO):
            return engine  # the default path: nothing observes this call
        return observe(engine, observers, call)

    async def engine_async(self, options: Optional[Mapping[str, Any]] = None) -> Any:
        """The engine for an async call, connecting first if needed (the async twin of :attr:`engine`).

        :param options: The call's engine options: their ``timeout`` bounds connecting, and options of a
            call with logging or raw hooks carry them (an async pager starts after its call returned).
        :type options: Mapping[str, Any] or None
        :returns: The engine.
        """
        engine = self._engine
        if engine is None:
            engine = await self.connect_async((options or {}).get("timeout"))
        if options is None:
            call = CURRENT_CALL.get()
        else:
            call = options.observers if isinstance(options, ObservedOptions) else None
        return observe(engine, self.defaults.observers, call)

    def close(self) -> None:
        """Release the engine; later calls through this client raise ``RuntimeError``."""
        if self._engine is not None:
            self._engine.close()

    # ---- container properties cache -----------------------------------------------

    def cached_container(self, database_id: str, container_id: str) -> Optional[dict]:
        """Cached properties of a container, or ``None``.

        :param str database_id: The database id.
        :param str container_id: The container id.
        :returns: The container properties last read or written through this client.
        :rtype: dict or None
        """
        return self._container_properties_cache.get(container_link(database_id, container_id))

    def cache_container(self, database_id: str, properties: Mapping[str, Any]) -> None:
        """Remember a container's properties (after a create, read or replace).

        :param str database_id: The database id.
        :param properties: The container properties from the service.
        """
        self._container_properties_cache[container_link(database_id, properties["id"])] = dict(properties)

    def forget_container(self, database_id: str, container_id: Optional[str] = None) -> None:
        """Drop cached properties of one container, or of every container of a database.

        :param str database_id: The database id.
        :param container_id: The container id; ``None`` for all of the database's containers.
        :type container_id: str or None
        """
        if container_id is not None:
            self._container_properties_cache.pop(container_link(database_id, container_id), None)
            return
        prefix = "dbs/{}/colls/".format(database_id)
        for link in [link for link in self._container_properties_cache if link.startswith(prefix)]:
            del self._container_properties_cache[link]

    # ---- results --------------------------------------------------------------------

    def record_headers(self, headers: Mapping[str, str]) -> CaseInsensitiveDict:
        """Keep a response's headers as ``last_response_headers`` and return them.

        :param headers: Headers by wire name.
        :returns: The headers, case-insensitive.
        :rtype: ~azure.core.utils.CaseInsensitiveDict
        """
        recorded = response_headers(headers)
        self.last_response_headers = recorded
        return recorded

    def record_response_headers(self, response: Any) -> CaseInsensitiveDict:
        """:meth:`record_headers` for an engine ``Response``.

        :param response: The engine response.
        :returns: Its headers, case-insensitive.
        :rtype: ~azure.core.utils.CaseInsensitiveDict
        """
        recorded = headers_of_response(response)
        self.last_response_headers = recorded
        return recorded

    def result(self, response: Any, hook: ResponseHook) -> CosmosDict:
        """Turn an engine response into 4.x's result for a resource or item operation.

        :param response: The engine response.
        :param hook: The caller's ``response_hook``, called with ``(headers, result)``.
        :returns: The body as a :class:`~azure.cosmos.CosmosDict` (empty if the service sent none).
        :rtype: ~azure.cosmos.CosmosDict
        """
        headers = self.record_response_headers(response)
        result = CosmosDict(response.parse_body(load_json), response_headers=headers)
        if hook is not None:
            hook(headers, result)
        return result

    def no_result(self, response: Any, hook: ResponseHook) -> None:
        """Finish an operation that returns ``None`` in 4.x (deletes).

        :param response: The engine response.
        :param hook: The caller's ``response_hook``, called with ``(headers, None)``.
        """
        headers = self.record_response_headers(response)
        if hook is not None:
            hook(headers, None)

    def page_callback(self, shared_headers: CaseInsensitiveDict, hook: ResponseHook,
                      body_key: str) -> Callable[[Mapping[str, str], list], None]:
        """The per-page step of a paged result: headers and the caller's hook.

        :param shared_headers: The pager's header dict (``get_response_headers()``), refreshed per page.
        :param hook: The caller's ``response_hook``; called per page with the headers and the
            feed body as 4.x passes it (``{body_key: items, "_count": n}``).
        :param str body_key: ``"Documents"``, ``"Databases"`` or ``"DocumentCollections"``.
        :returns: The callback.
        """

        def on_page(headers: Mapping[str, str], items: list) -> None:
            recorded = self.record_headers(headers)
            replace_headers(shared_headers, recorded)
            if hook is not None:
                hook(recorded, {body_key: items, "_count": len(items)})

        return on_page
