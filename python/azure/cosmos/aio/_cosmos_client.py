# The MIT License (MIT)
"""The asyncio client of an Azure Cosmos DB account."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Literal, Mapping, Optional, Union, overload

from azure.core.utils import CaseInsensitiveDict

from .. import _request_options
from .._client_connection import CosmosClientConnection, client_settings, parse_connection_string
from .._cosmos_responses import CosmosAsyncItemPaged, CosmosDict
from .._request_builders import (
    database_account, drop_ignored, query_spec, resource_id, take_arguments, throughput_options,
    with_continuation,
)
from .._request_validation import check_resource_id
from .._request_options import accepts_documented_keywords
from .._serialization import dump_parameters, load_json
from .._tracing import distributed_trace, distributed_trace_async
from ..documents import DatabaseAccount
from ..exceptions import CosmosResourceNotFoundError
from ..offer import ThroughputProperties
from ._database import DatabaseProxy

if TYPE_CHECKING:
    from azure.core.credentials_async import AsyncTokenCredential

__all__ = ("CosmosClient",)

_LIST_DATABASES = "SELECT * FROM root"
_IGNORED = ("session_token", "etag", "match_condition")


class CosmosClient:  # pylint: disable=client-accepts-api-version-keyword
    """An asyncio client of one Azure Cosmos DB account.

    Use it as ``async with CosmosClient(...) as client:`` (entering reads the account) or call
    ``await client.close()`` when done; without ``async with``, the account is read on the first
    operation. Create one client per account and event loop and share it.

    Transport security: HTTPS with certificate validation, except for loopback hosts
    (``localhost``, ``127.0.0.0/8``, ``::1``), where plain ``http://`` and self-signed
    certificates are accepted, as 4.x accepts them for a local emulator. ``connection_verify=False``
    asks for the same relaxation and is honoured **only for loopback hosts**; any other host
    keeps full certificate validation whatever the setting.

    :param str url: The URL of the Cosmos DB account, e.g. ``https://myaccount.documents.azure.com:443/``.
    :param credential: The account's master key, as a ``str`` or as ``{"masterKey": key}``, or a Microsoft
        Entra ID credential (an azure-core ``AsyncTokenCredential``, e.g. from azure-identity). Tokens are requested for
        the account's scope (``https://<account host>/.default``, then ``https://cosmos.azure.com/.default`` if the
        identity provider does not know the first; ``AZURE_COSMOS_AAD_SCOPE_OVERRIDE`` replaces both), and reused
        until five minutes before they expire. (Resource tokens and permission feeds are not supported yet.)
    :type credential: Union[str, dict[str, str], ~azure.core.credentials_async.AsyncTokenCredential]
    :keyword str consistency_level: The consistency level for this client's requests; ``None`` (the default)
        uses the account's default level.
    :keyword int timeout: Absolute timeout in seconds for each operation, retries included; a request still
        running at the deadline is cancelled and :class:`~azure.cosmos.exceptions.CosmosClientTimeoutError` raised.
    :keyword int connection_timeout: Timeout in seconds for establishing a connection. Any value is accepted; the
        engine's transport applies it within its bounds of 0.1 to 6 seconds per connection attempt.
    :keyword float read_timeout: Timeout in seconds of one HTTP attempt (the engine applies it per attempt, within
        its bounds of 0.1 to 65 seconds).
    :keyword str connection_mode: Only ``"Gateway"`` (``ConnectionMode.Gateway``) is supported.
    :keyword proxy_config: Proxy settings; accepted with a warning and not applied: the engine's transport takes no
        proxy URL. Proxies from the environment (``HTTPS_PROXY``, ``HTTP_PROXY``, ``ALL_PROXY``, ``NO_PROXY``) are
        used, as 4.x's transports use them; the same holds for azure-core's ``proxies`` keyword.
    :paramtype proxy_config: ~azure.cosmos.documents.ProxyConfiguration
    :keyword ssl_config: TLS client settings; accepted for compatibility, not used.
    :paramtype ssl_config: ~azure.cosmos.documents.SSLConfiguration
    :keyword bool connection_verify: ``False`` accepts plain HTTP and self-signed certificates, for loopback
        hosts only (see above). Default ``True``.
    :keyword str connection_cert: A client certificate; accepted for compatibility, not used.
    :keyword int retry_total: Retries of throttled (429) requests (default 9), and the cap of connection retries.
    :keyword int retry_backoff_max: Seconds of waits for throttled requests in all (default 30), and the longest
        wait between connection retries.
    :keyword int retry_fixed_interval: Milliseconds to wait between throttled attempts instead of the service's
        retry-after.
    :keyword int retry_read: Retries of a read whose response failed (timed out, broke off); without it the
        engine's own retry of such reads applies.
    :keyword int retry_connect: Retries of a request that never reached the service (default 3 when any of
        these connection keywords is given; without them the engine waits 0.25, 0.5, 1, 2 and 4 s).
    :keyword int retry_status: Accepted and without effect, as in 4.x (its connection policy retries transport
        errors only).
    :keyword list[int] retry_on_status_codes: Accepted and without effect, as in 4.x.
    :keyword float retry_backoff_factor: Seconds between connection retries (default 1), doubled per retry with
        ``retry_mode="exponential"``; there is no wait before the first retry (azure-core's rule).
    :keyword str retry_mode: ``"fixed"`` (default) or ``"exponential"`` backoff of connection retries.
    :keyword bool retry_write: Let a write whose response failed be reported as the service answered the
        engine's retry of it (possibly 409/412 caused by the first attempt); by default that outcome raises
        :class:`~azure.core.exceptions.IncompleteReadError` (the answer broke off) or
        :class:`~azure.core.exceptions.ServiceResponseError` (no answer), as the write may or may not have been applied.
    :keyword connection_retry_policy: Deprecated (as in 4.x): a ``ConnectionRetryPolicy`` (or azure-core
        ``RetryPolicy``), an ``int`` or a urllib3 ``Retry`` whose total, connect, read and backoff settings
        set the connection retries.
    :paramtype connection_retry_policy: ~azure.cosmos.ConnectionRetryPolicy
    :keyword retry_options: Deprecated and not applied, as in 4.x (which reads ``connection_policy.RetryOptions``).
    :keyword bool enable_endpoint_discovery: Accepted for compatibility; the engine always routes by the
        regions the account advertises.
    :keyword list[str] preferred_locations: Region names in order of preference, e.g. ``["West US", "East US"]``.
    :keyword list[str] excluded_locations: Region names never to route requests to.
    :keyword bool enable_diagnostics_logging: Log each HTTP attempt as 4.x's ``CosmosHttpLoggingPolicy`` does: an
        INFO request record and an INFO response record (URL, method, activity id, headers, status, sub-status,
        request charge, elapsed time, the error of a failed request) on the logger
        ``azure.cosmos._cosmos_http_logging_policy`` (or ``logger``), with 4.x's ``extra`` record attributes
        (``status_code``, ``sub_status_code``, ``duration``, ``verb``, ``url``, ``database_name``,
        ``collection_name``, ...). Made from the engine's diagnostics, after the operation: retries appear as
        their own attempts; headers are the ones the call's options send and the final response's. Without it,
        azure-core's HTTP logging records are written whenever that logger is enabled for INFO, as in 4.x.
        Neither ever holds the authorization header, the key or a token.
    :keyword ~logging.Logger logger: The logger of those records (overridable per call with ``logger``).
    :keyword bool logging_enable: Network trace as azure-core's ``NetworkTraceLoggingPolicy`` writes it: DEBUG
        records of each operation's request and final response, with headers and bodies (resource tokens
        redacted), on the logger ``azure.core.pipeline.policies.http_logging_policy``; overridable per call.
    :keyword raw_request_hook: Called before each operation with an azure-core ``PipelineRequest`` whose
        ``http_request`` has the operation's method, URL, headers (those the call's options send) and body. A
        per-call ``raw_request_hook`` replaces it for that call.
    :paramtype raw_request_hook: Callable[[~azure.core.pipeline.PipelineRequest], None]
    :keyword raw_response_hook: Called after each operation (also one the service failed, and for each page of
        a query) with an azure-core ``PipelineResponse``: ``http_request`` as above, ``http_response`` with
        ``status_code``, ``reason``, ``headers``, ``body()``, ``text()``. The engine retries inside one call, so
        the hooks see the operation's request and final response, not each attempt. A per-call
        ``raw_response_hook`` replaces it for that call.
    :paramtype raw_response_hook: Callable[[~azure.core.pipeline.PipelineResponse], None]
    :keyword bool no_response_on_write: Ask the service not to return the item on item writes (the result is
        then an empty :class:`~azure.cosmos.CosmosDict` with headers); overridable per call with ``no_response``.
    :keyword int throughput_bucket: The throughput bucket applied to every request of this client.
    :keyword str user_agent_suffix: Text appended to the User-Agent header. Any text is accepted (as 4.x); the
        engine's header holds 25 header-safe characters of it, each run of other characters sent as ``_``
        (``"my app/1.0 (test)"`` becomes ``my_app_1.0_test``). ``user_agent`` (4.x's azure-core keyword) is
        joined to it the same way; ``user_agent_overwrite`` cannot replace the engine's own product token.
    :keyword availability_strategy: Cross-region hedging of reads, as 4.x: ``True`` (after 500 ms), a dict with
        ``threshold_ms`` (and ``threshold_steps_ms``, validated; the interval between further hedges is the
        engine's), or ``False`` (the default: no hedging). It needs an account with several read regions.
    :paramtype availability_strategy: Union[bool, dict[str, Any]]
    :keyword int availability_strategy_max_concurrency: Accepted for compatibility and not needed: the engine runs
        hedged requests itself, with no Python tasks to bound.
    :keyword bool enable_compact_utf8_item_writes: Send non-ASCII text of item bodies as UTF-8 instead of
        ``\\uXXXX`` escapes (create, upsert, replace). Default ``False``.
    """

    def __init__(
        self,
        url: str,
        credential: Union[str, dict[str, Any], "AsyncTokenCredential"],
        *,
        consistency_level: Optional[str] = None,
        availability_strategy: Union[bool, dict[str, Any]] = False,
        availability_strategy_max_concurrency: Optional[int] = None,
        **kwargs: Any,
    ) -> None:
        """Prepare the client; the account is read when the client is entered or first used.

        :param str url: The account URL.
        :param credential: The master key, or a token credential (see the class).
        :type credential: Union[str, dict[str, str], ~azure.core.credentials_async.AsyncTokenCredential]
        """
        kwargs["availability_strategy"] = availability_strategy
        engine_options, defaults = client_settings(type(self), url, credential, consistency_level, kwargs)
        self.client_connection = CosmosClientConnection(url, engine_options, defaults)

    def __repr__(self) -> str:
        return "<CosmosClient [{}]>".format(self.client_connection.url_connection)[:1024]

    async def __aenter__(self) -> "CosmosClient":
        await self.client_connection.connect_async()
        return self

    async def __aexit__(self, *args: Any) -> None:
        self.client_connection.close()

    async def _get_database_account(self, *, response_hook: Optional[Callable[[Mapping[str, Any]], None]] = None,
                                    **kwargs: Any) -> DatabaseAccount:
        """Read the database account: its regions and consistency policy (private in 4.x's async client).

        :keyword response_hook: Called with the response headers (only: as in 4.x).
        :paramtype response_hook: Callable[[Mapping[str, Any]], None]
        :returns: The account.
        :rtype: ~azure.cosmos.documents.DatabaseAccount
        """
        _request_options.build(kwargs, self.client_connection.defaults)
        engine = await self._engine()
        response = await engine.read_database_account_async()
        headers = self.client_connection.record_response_headers(response)
        if response_hook is not None:
            response_hook(headers)
        return database_account(load_json(response.body) or {}, headers)

    async def close(self) -> None:
        """Close this client; its proxies cannot be used afterwards. Safe to call more than once."""
        await self.__aexit__()

    @classmethod
    def from_connection_string(
        cls,
        conn_str: str,
        *,
        credential: Optional[Union[str, dict[str, str]]] = None,
        consistency_level: Optional[str] = None,
        **kwargs: Any,
    ) -> "CosmosClient":
        """Create a client from a connection string (``AccountEndpoint=...;AccountKey=...;``).

        Takes the same keywords as the :class:`CosmosClient` constructor.

        :param str conn_str: The connection string, as the Azure portal shows it.
        :keyword credential: A key to use instead of the connection string's ``AccountKey``.
        :paramtype credential: Union[str, dict[str, str]]
        :keyword str consistency_level: The client's consistency level, or ``None`` for the account's.
        :returns: A client (not yet connected).
        :rtype: ~azure.cosmos.aio.CosmosClient
        """
        settings = parse_connection_string(conn_str)
        return cls(
            url=settings["AccountEndpoint"],
            credential=credential or settings["AccountKey"],
            consistency_level=consistency_level,
            **kwargs,
        )

    async def _engine(self, options: Optional[Mapping[str, Any]] = None) -> Any:
        # The operation's timeout also bounds the account read of a client not connected yet.
        return await self.client_connection.engine_async(options)

    # ---- databases --------------------------------------------------------------

    @overload
    async def create_database(
        self,
        id: str,  # pylint: disable=redefined-builtin
        *,
        offer_throughput: Optional[Union[int, ThroughputProperties]] = None,
        initial_headers: Optional[dict[str, str]] = None,
        response_hook: Optional[Callable[[Mapping[str, Any]], None]] = None,
        throughput_bucket: Optional[int] = None,
        return_properties: Literal[False] = False,
        **kwargs: Any,
    ) -> DatabaseProxy: ...

    @overload
    async def create_database(
        self,
        id: str,  # pylint: disable=redefined-builtin
        *,
        offer_throughput: Optional[Union[int, ThroughputProperties]] = None,
        initial_headers: Optional[dict[str, str]] = None,
        response_hook: Optional[Callable[[Mapping[str, Any]], None]] = None,
        throughput_bucket: Optional[int] = None,
        return_properties: Literal[True],
        **kwargs: Any,
    ) -> tuple[DatabaseProxy, CosmosDict]: ...

    @distributed_trace_async
    @accepts_documented_keywords
    async def create_database(
        self, *args: Any, **kwargs: Any
    ) -> Union[DatabaseProxy, tuple[DatabaseProxy, CosmosDict]]:
        """Create a database.

        :param str id: The database id (name).
        :keyword offer_throughput: Throughput to provision for the database (RU/s, or autoscale settings).
        :paramtype offer_throughput: Union[int, ~azure.cosmos.ThroughputProperties]
        :keyword dict[str, str] initial_headers: Extra headers to send with the request.
        :keyword response_hook: Called with the response headers.
        :paramtype response_hook: Callable[[Mapping[str, Any]], None]
        :keyword int throughput_bucket: The throughput bucket for this request.
        :keyword bool return_properties: Return ``(DatabaseProxy, properties)`` instead of the proxy alone.
        :returns: The new database's proxy, or the proxy and the database properties.
        :rtype: ~azure.cosmos.aio.DatabaseProxy or tuple[~azure.cosmos.aio.DatabaseProxy, ~azure.cosmos.CosmosDict]
        :raises ~azure.cosmos.exceptions.CosmosResourceExistsError: A database with this id exists.
        """
        drop_ignored(kwargs, _IGNORED)
        database_id = take_arguments("create_database", args, kwargs, ("id",), required=1)["id"]
        offer_throughput = kwargs.pop("offer_throughput", None)
        return_properties = kwargs.pop("return_properties", False)
        options, hook = _request_options.build(kwargs, self.client_connection.defaults)
        check_resource_id(database_id)
        options.update(throughput_options(offer_throughput))
        engine = await self._engine(options)
        response = await engine.create_database_async(database_id, options)
        properties = self.client_connection.result(response, None)
        if hook:
            hook(self.client_connection.last_response_headers)
        proxy = DatabaseProxy(self.client_connection, id=properties["id"], properties=properties)
        return (proxy, properties) if return_properties else proxy

    @overload
    async def create_database_if_not_exists(
        self,
        id: str,  # pylint: disable=redefined-builtin
        *,
        offer_throughput: Optional[Union[int, ThroughputProperties]] = None,
        initial_headers: Optional[dict[str, str]] = None,
        response_hook: Optional[Callable[[Mapping[str, Any]], None]] = None,
        throughput_bucket: Optional[int] = None,
        return_properties: Literal[False] = False,
        **kwargs: Any,
    ) -> DatabaseProxy: ...

    @overload
    async def create_database_if_not_exists(
        self,
        id: str,  # pylint: disable=redefined-builtin
        *,
        offer_throughput: Optional[Union[int, ThroughputProperties]] = None,
        initial_headers: Optional[dict[str, str]] = None,
        response_hook: Optional[Callable[[Mapping[str, Any]], None]] = None,
        throughput_bucket: Optional[int] = None,
        return_properties: Literal[True],
        **kwargs: Any,
    ) -> tuple[DatabaseProxy, CosmosDict]: ...

    @distributed_trace_async
    @accepts_documented_keywords
    async def create_database_if_not_exists(
        self, *args: Any, **kwargs: Any
    ) -> Union[DatabaseProxy, tuple[DatabaseProxy, CosmosDict]]:
        """Create a database unless it exists; return the existing one otherwise.

        The settings of an existing database (including its throughput) are not compared or changed.

        :param str id: The database id (name).
        :keyword offer_throughput: Throughput to provision if the database is created.
        :paramtype offer_throughput: Union[int, ~azure.cosmos.ThroughputProperties]
        :keyword dict[str, str] initial_headers: Extra headers to send with the requests.
        :keyword response_hook: Called with the response headers.
        :paramtype response_hook: Callable[[Mapping[str, Any]], None]
        :keyword int throughput_bucket: The throughput bucket for these requests.
        :keyword bool return_properties: Return ``(DatabaseProxy, properties)`` instead of the proxy alone.
        :returns: The database's proxy, or the proxy and the database properties.
        :rtype: ~azure.cosmos.aio.DatabaseProxy or tuple[~azure.cosmos.aio.DatabaseProxy, ~azure.cosmos.CosmosDict]
        """
        drop_ignored(kwargs, _IGNORED)
        database_id = take_arguments("create_database_if_not_exists", args, kwargs, ("id",), required=1)["id"]
        offer_throughput = kwargs.pop("offer_throughput", None)
        return_properties = kwargs.pop("return_properties", False)
        try:
            proxy = self.get_database_client(database_id)
            properties = await proxy.read(**kwargs)
        except CosmosResourceNotFoundError:
            return await self.create_database(
                database_id, offer_throughput=offer_throughput, return_properties=return_properties, **kwargs
            )
        return (proxy, properties) if return_properties else proxy

    def get_database_client(self, database: Union[str, DatabaseProxy, Mapping[str, Any]]) -> DatabaseProxy:
        """Get a proxy for a database; no request is made.

        :param database: The database id, a :class:`~azure.cosmos.aio.DatabaseProxy`, or its properties dict.
        :type database: Union[str, ~azure.cosmos.aio.DatabaseProxy, dict[str, Any]]
        :returns: A proxy for the database.
        :rtype: ~azure.cosmos.aio.DatabaseProxy
        """
        return DatabaseProxy(self.client_connection, resource_id(database))

    @distributed_trace
    @accepts_documented_keywords
    def list_databases(
        self,
        *,
        max_item_count: Optional[int] = None,
        initial_headers: Optional[dict[str, str]] = None,
        response_hook: Optional[Callable[[Mapping[str, Any]], None]] = None,
        throughput_bucket: Optional[int] = None,
        **kwargs: Any,
    ) -> CosmosAsyncItemPaged:
        """List the account's databases.

        :keyword int max_item_count: Maximum number of databases per page.
        :keyword dict[str, str] initial_headers: Extra headers to send with each request.
        :keyword response_hook: Called once, as in 4.x, with the client's last response headers when the
            iterable is created.
        :paramtype response_hook: Callable[[Mapping[str, Any]], None]
        :keyword int throughput_bucket: The throughput bucket for these requests.
        :keyword str session_token: Token for use with Session consistency.
        :returns: The database properties, fetched page by page.
        :rtype: ~azure.cosmos._cosmos_responses.CosmosAsyncItemPaged[dict[str, Any]]
        """
        return self._query_databases(None, None, max_item_count, initial_headers, response_hook, throughput_bucket,
                                     kwargs)

    @distributed_trace
    @accepts_documented_keywords
    def query_databases(
        self,
        query: str,
        *,
        parameters: Optional[list[dict[str, Any]]] = None,
        max_item_count: Optional[int] = None,
        initial_headers: Optional[dict[str, str]] = None,
        response_hook: Optional[Callable[[Mapping[str, Any]], None]] = None,
        throughput_bucket: Optional[int] = None,
        **kwargs: Any,
    ) -> CosmosAsyncItemPaged[Any]:
        """Query the account's databases, e.g. ``SELECT * FROM root r WHERE r.id = @id``.

        :param str query: The query.
        :keyword parameters: Query parameters, each ``{"name": "@p", "value": ...}``.
        :paramtype parameters: list[dict[str, Any]]
        :keyword int max_item_count: Maximum number of databases per page.
        :keyword dict[str, str] initial_headers: Extra headers to send with each request.
        :keyword response_hook: Called once, as in 4.x, with the client's last response headers when the
            iterable is created.
        :paramtype response_hook: Callable[[Mapping[str, Any]], None]
        :keyword int throughput_bucket: The throughput bucket for these requests.
        :keyword str session_token: Token for use with Session consistency.
        :returns: The matching database properties, fetched page by page.
        :rtype: ~azure.cosmos._cosmos_responses.CosmosAsyncItemPaged[dict[str, Any]]
        """
        return self._query_databases(query, parameters, max_item_count, initial_headers, response_hook,
                                     throughput_bucket, kwargs)

    def _query_databases(self, query, parameters, max_item_count, initial_headers, response_hook, throughput_bucket,
                         kwargs) -> CosmosAsyncItemPaged:
        options, _ = _request_options.build(kwargs, self.client_connection.defaults, query=True,
                                            max_item_count=max_item_count, initial_headers=initial_headers,
                                            throughput_bucket=throughput_bucket)
        query, parameters = query_spec(query, parameters)
        text = query if query else _LIST_DATABASES
        parameter_bytes = dump_parameters(parameters)

        async def start(continuation: Optional[str]) -> Any:
            engine = await self._engine(options)
            return engine.query_databases(text, parameter_bytes, with_continuation(options, continuation))

        headers = CaseInsensitiveDict()
        result = CosmosAsyncItemPaged(start, self.client_connection.page_callback(headers, None, "Databases"),
                                      response_headers=headers)
        if response_hook:
            response_hook(self.client_connection.last_response_headers)
        return result

    @distributed_trace_async
    @accepts_documented_keywords
    async def delete_database(
        self,
        database: Union[str, DatabaseProxy, Mapping[str, Any]],
        *,
        initial_headers: Optional[dict[str, str]] = None,
        response_hook: Optional[Callable[[Mapping[str, Any]], None]] = None,
        throughput_bucket: Optional[int] = None,
        **kwargs: Any,
    ) -> None:
        """Delete a database and everything in it.

        :param database: The database id, a :class:`~azure.cosmos.aio.DatabaseProxy`, or its properties dict.
        :type database: Union[str, ~azure.cosmos.aio.DatabaseProxy, dict[str, Any]]
        :keyword dict[str, str] initial_headers: Extra headers to send with the request.
        :keyword response_hook: Called with the response headers.
        :paramtype response_hook: Callable[[Mapping[str, Any]], None]
        :keyword int throughput_bucket: The throughput bucket for this request.
        :keyword str session_token: Token for use with Session consistency.
        :keyword str etag: An etag for the ``match_condition`` check.
        :keyword ~azure.core.MatchConditions match_condition: The condition on ``etag``.
        :raises ~azure.cosmos.exceptions.CosmosResourceNotFoundError: The database does not exist.
        """
        options, _ = _request_options.build(kwargs, self.client_connection.defaults, initial_headers=initial_headers,
                                            throughput_bucket=throughput_bucket)
        database_id = resource_id(database)
        engine = await self._engine(options)
        response = await engine.delete_database_async(database_id, options)
        self.client_connection.forget_container(database_id)
        headers = self.client_connection.record_response_headers(response)
        if response_hook:
            response_hook(headers)
