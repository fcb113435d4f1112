# The MIT License (MIT)
"""Containers: their properties, items and queries (asyncio)."""
from __future__ import annotations

import asyncio
from typing import Any, Callable, Literal, Mapping, Optional, Sequence, Union, overload

from azure.core.tracing.decorator import distributed_trace
from azure.core.tracing.decorator_async import distributed_trace_async
from azure.core.utils import CaseInsensitiveDict

from .. import _request_options
from .._client_connection import CosmosClientConnection
from .._cosmos_responses import CosmosAsyncItemPaged, CosmosDict
from .._request_builders import QueryRequest, drop_ignored, item_body, item_id, with_continuation
from .._request_options import accepts_documented_keywords
from .._serialization import load_json
from ..partition_key import NonePartitionKeyValue, PartitionKeyType, _engine_value, _none_value, _value_from_item

__all__ = ("ContainerProxy",)

ResponseHook = Optional[Callable[[Mapping[str, str], Any], None]]


class ContainerProxy:  # pylint: disable=too-many-public-methods
    """A container and the items in it (asyncio).

    Get one with :meth:`DatabaseProxy.get_container_client` (no request) or
    :meth:`DatabaseProxy.create_container` rather than constructing it.

    Item writes need the container's partition-key definition to take the partition key out
    of the item; it is read once per container per client and cached.

    :ivar str id: The container id (name).
    :ivar str container_link: ``dbs/{database}/colls/{id}``.
    """

    def __init__(
        self,
        client_connection: CosmosClientConnection,
        database_link: str,
        id: str,  # pylint: disable=redefined-builtin
        properties: Optional[dict[str, Any]] = None,
    ) -> None:
        """
        :param client_connection: The client's connection state.
        :param str database_link: ``dbs/{database}``.
        :param str id: The container id (name).
        :param dict properties: The container properties, when already known.
        """
        self.client_connection = client_connection
        self.id = id
        self.database_link = database_link
        self.container_link = "{}/colls/{}".format(database_link, self.id)
        # Made on first use, inside the event loop (Python 3.9 binds a lock to the loop at creation).
        self.container_cache_lock: Optional[asyncio.Lock] = None
        self._database_id = database_link[len("dbs/"):]
        if properties:
            client_connection.cache_container(self._database_id, properties)

    def __repr__(self) -> str:
        return "<ContainerProxy [{}]>".format(self.container_link)[:1024]

    async def _engine(self, options: Optional[Mapping[str, Any]] = None) -> Any:
        # The operation's timeout also bounds the account read of a client not connected yet.
        return await self.client_connection.connect_async((options or {}).get("timeout"))

    async def _properties(self) -> dict:
        """The container properties, read once per client (partition-key definition)."""
        cached = self.client_connection.cached_container(self._database_id, self.id)
        if cached is None:
            if self.container_cache_lock is None:
                self.container_cache_lock = asyncio.Lock()
            async with self.container_cache_lock:
                cached = self.client_connection.cached_container(self._database_id, self.id)
                if cached is None:
                    engine = await self._engine()
                    response = await engine.read_container_async(self._database_id, self.id, {})
                    cached = load_json(response.body)
                    self.client_connection.cache_container(self._database_id, cached)
        return cached

    @property
    async def is_system_key(self) -> bool:
        """Whether the container uses a system-generated partition key (awaitable property, as in 4.x).

        :returns: ``True`` for a system key.
        :rtype: bool
        """
        properties = await self._properties()
        return bool(properties.get("partitionKey", {}).get("systemKey", False))

    async def _partition_key(self, value: PartitionKeyType) -> list:
        if value is NonePartitionKeyValue:
            return _none_value((await self._properties()).get("partitionKey"))
        return _engine_value(value)

    @distributed_trace_async
    @accepts_documented_keywords
    async def read(
        self,
        *,
        populate_partition_key_range_statistics: Optional[bool] = None,
        populate_quota_info: Optional[bool] = None,
        priority: Optional[Literal["High", "Low"]] = None,
        initial_headers: Optional[dict[str, str]] = None,
        **kwargs: Any,
    ) -> CosmosDict:
        """Read the container's properties.

        :keyword bool populate_partition_key_range_statistics: Return partition key range statistics in the
            response headers.
        :keyword bool populate_quota_info: Return storage quota information in the response headers.
        :keyword Literal["High", "Low"] priority: Priority of the request once the account's throughput is
            exhausted (priority-based execution must be enabled on the account).
        :keyword dict[str, str] initial_headers: Extra headers to send with the request.
        :keyword response_hook: Called with the response headers and the properties.
        :paramtype response_hook: Callable[[Mapping[str, str], CosmosDict], None]
        :keyword str session_token: Token for use with Session consistency.
        :returns: The container properties.
        :rtype: ~azure.cosmos.CosmosDict
        :raises ~azure.cosmos.exceptions.CosmosResourceNotFoundError: The container does not exist.
        """
        options, hook = _request_options.build(
            kwargs, self.client_connection.defaults,
            populate_partition_key_range_statistics=populate_partition_key_range_statistics,
            populate_quota_info=populate_quota_info, priority=priority, initial_headers=initial_headers)
        engine = await self._engine(options)
        response = await engine.read_container_async(self._database_id, self.id, options)
        properties = self.client_connection.result(response, hook)
        self.client_connection.cache_container(self._database_id, properties)
        return properties

    # ---- items ----------------------------------------------------------------------

    async def _write(self, operation: str, body: Any, item: Any, generate_id: bool, options: dict,
                     hook: ResponseHook) -> CosmosDict:
        sent, identifier, data = item_body(body, generate_id=generate_id,
                                           compact_utf8=self.client_connection.defaults.compact_utf8_item_writes)
        engine = await self._engine(options)
        partition_key = _value_from_item((await self._properties()).get("partitionKey") or {}, sent)
        if item is not None:
            identifier = item_id(item)
        write = getattr(engine, operation + "_async")
        response = await write(self._database_id, self.id, partition_key, identifier, data, options)
        return self.client_connection.result(response, hook)

    @distributed_trace_async
    @accepts_documented_keywords
    async def create_item(
        self,
        body: dict[str, Any],
        *,
        pre_trigger_include: Optional[str] = None,
        post_trigger_include: Optional[str] = None,
        indexing_directive: Optional[int] = None,
        enable_automatic_id_generation: bool = False,
        session_token: Optional[str] = None,
        initial_headers: Optional[dict[str, str]] = None,
        priority: Optional[Literal["High", "Low"]] = None,
        no_response: Optional[bool] = None,
        retry_write: Optional[int] = None,
        throughput_bucket: Optional[int] = None,
        availability_strategy: Optional[Union[bool, dict[str, Any]]] = None,
        **kwargs: Any,
    ) -> CosmosDict:
        """Create an item; fails if an item with the same id and partition key exists.

        The partition key is taken from the body by the container's partition-key paths.

        :param body: The item.
        :type body: dict[str, Any]
        :keyword str pre_trigger_include: Id of a trigger to run before the operation.
        :keyword str post_trigger_include: Id of a trigger to run after the operation.
        :keyword indexing_directive: Whether to index the item: 0 default, 1 exclude, 2 include.
        :paramtype indexing_directive: Union[int, ~azure.cosmos.documents.IndexingDirective]
        :keyword bool enable_automatic_id_generation: Give the item a new GUID id if it has none.
        :keyword str session_token: Token for use with Session consistency.
        :keyword dict[str, str] initial_headers: Extra headers to send with the request.
        :keyword Literal["High", "Low"] priority: Priority of the request once the account's throughput is
            exhausted.
        :keyword bool no_response: Ask the service not to return the item; the result is then an empty
            :class:`~azure.cosmos.CosmosDict` with the response headers.
        :keyword int retry_write: Accepted for compatibility; the engine decides which writes are retried.
        :keyword int throughput_bucket: The throughput bucket for this request.
        :keyword Sequence[str] excluded_locations: Region names not to send this request to.
        :keyword availability_strategy: Cross-region hedging; accepted for compatibility, not applied.
        :paramtype availability_strategy: Union[bool, dict[str, Any]]
        :keyword response_hook: Called with the response headers and the result.
        :paramtype response_hook: Callable[[Mapping[str, str], CosmosDict], None]
        :returns: The item as stored (with its system properties), or an empty dict with ``no_response``.
        :rtype: ~azure.cosmos.CosmosDict
        :raises ~azure.cosmos.exceptions.CosmosResourceExistsError: The item already exists.
        :raises TypeError: The body is not JSON serialisable (nothing is sent).
        """
        drop_ignored(kwargs, ("etag", "match_condition"))
        options, hook = _request_options.build(
            kwargs, self.client_connection.defaults, write=True, pre_trigger_include=pre_trigger_include,
            post_trigger_include=post_trigger_include, indexing_directive=indexing_directive,
            session_token=session_token, initial_headers=initial_headers, priority=priority, no_response=no_response,
            throughput_bucket=throughput_bucket)
        return await self._write("create_item", body, None, enable_automatic_id_generation, options, hook)

    @distributed_trace_async
    @accepts_documented_keywords
    async def upsert_item(
        self,
        body: dict[str, Any],
        *,
        pre_trigger_include: Optional[str] = None,
        post_trigger_include: Optional[str] = None,
        session_token: Optional[str] = None,
        initial_headers: Optional[dict[str, str]] = None,
        etag: Optional[str] = None,
        match_condition: Optional[Any] = None,
        priority: Optional[Literal["High", "Low"]] = None,
        no_response: Optional[bool] = None,
        retry_write: Optional[int] = None,
        throughput_bucket: Optional[int] = None,
        availability_strategy: Optional[Union[bool, dict[str, Any]]] = None,
        **kwargs: Any,
    ) -> CosmosDict:
        """Insert an item, or replace the item with the same id and partition key.

        :param body: The item.
        :type body: dict[str, Any]
        :keyword str pre_trigger_include: Id of a trigger to run before the operation.
        :keyword str post_trigger_include: Id of a trigger to run after the operation.
        :keyword str session_token: Token for use with Session consistency.
        :keyword dict[str, str] initial_headers: Extra headers to send with the request.
        :keyword str etag: An etag for the ``match_condition`` check.
        :keyword ~azure.core.MatchConditions match_condition: The condition on ``etag``.
        :keyword Literal["High", "Low"] priority: Priority of the request once the account's throughput is
            exhausted.
        :keyword bool no_response: Ask the service not to return the item (empty result with headers).
        :keyword int retry_write: Accepted for compatibility; the engine decides which writes are retried.
        :keyword int throughput_bucket: The throughput bucket for this request.
        :keyword Sequence[str] excluded_locations: Region names not to send this request to.
        :keyword availability_strategy: Cross-region hedging; accepted for compatibility, not applied.
        :paramtype availability_strategy: Union[bool, dict[str, Any]]
        :keyword response_hook: Called with the response headers and the result.
        :paramtype response_hook: Callable[[Mapping[str, str], CosmosDict], None]
        :returns: The item as stored, or an empty dict with ``no_response``.
        :rtype: ~azure.cosmos.CosmosDict
        :raises ~azure.cosmos.exceptions.CosmosAccessConditionFailedError: The ``match_condition`` failed.
        """
        options, hook = _request_options.build(
            kwargs, self.client_connection.defaults, write=True, pre_trigger_include=pre_trigger_include,
            post_trigger_include=post_trigger_include, session_token=session_token, initial_headers=initial_headers,
            etag=etag, match_condition=match_condition, priority=priority, no_response=no_response,
            throughput_bucket=throughput_bucket)
        return await self._write("upsert_item", body, None, False, options, hook)

    @distributed_trace_async
    @accepts_documented_keywords
    async def replace_item(
        self,
        item: Union[str, Mapping[str, Any]],
        body: dict[str, Any],
        *,
        pre_trigger_include: Optional[str] = None,
        post_trigger_include: Optional[str] = None,
        session_token: Optional[str] = None,
        initial_headers: Optional[dict[str, str]] = None,
        etag: Optional[str] = None,
        match_condition: Optional[Any] = None,
        priority: Optional[Literal["High", "Low"]] = None,
        no_response: Optional[bool] = None,
        retry_write: Optional[int] = None,
        throughput_bucket: Optional[int] = None,
        availability_strategy: Optional[Union[bool, dict[str, Any]]] = None,
        **kwargs: Any,
    ) -> CosmosDict:
        """Replace an existing item.

        :param item: The id of the item to replace, or the item dict.
        :type item: Union[str, dict[str, Any]]
        :param body: The new item.
        :type body: dict[str, Any]
        :keyword str pre_trigger_include: Id of a trigger to run before the operation.
        :keyword str post_trigger_include: Id of a trigger to run after the operation.
        :keyword str session_token: Token for use with Session consistency.
        :keyword dict[str, str] initial_headers: Extra headers to send with the request.
        :keyword str etag: An etag for the ``match_condition`` check.
        :keyword ~azure.core.MatchConditions match_condition: The condition on ``etag``.
        :keyword Literal["High", "Low"] priority: Priority of the request once the account's throughput is
            exhausted.
        :keyword bool no_response: Ask the service not to return the item (empty result with headers).
        :keyword int retry_write: Accepted for compatibility; the engine decides which writes are retried.
        :keyword int throughput_bucket: The throughput bucket for this request.
        :keyword Sequence[str] excluded_locations: Region names not to send this request to.
        :keyword availability_strategy: Cross-region hedging; accepted for compatibility, not applied.
        :paramtype availability_strategy: Union[bool, dict[str, Any]]
        :keyword response_hook: Called with the response headers and the result.
        :paramtype response_hook: Callable[[Mapping[str, str], CosmosDict], None]
        :returns: The item as stored, or an empty dict with ``no_response``.
        :rtype: ~azure.cosmos.CosmosDict
        :raises ~azure.cosmos.exceptions.CosmosResourceNotFoundError: The item does not exist.
        :raises ~azure.cosmos.exceptions.CosmosAccessConditionFailedError: The ``match_condition`` failed.
        """
        options, hook = _request_options.build(
            kwargs, self.client_connection.defaults, write=True, pre_trigger_include=pre_trigger_include,
            post_trigger_include=post_trigger_include, session_token=session_token, initial_headers=initial_headers,
            etag=etag, match_condition=match_condition, priority=priority, no_response=no_response,
            throughput_bucket=throughput_bucket)
        return await self._write("replace_item", body, item, False, options, hook)

    @distributed_trace_async
    @accepts_documented_keywords
    async def read_item(
        self,
        item: Union[str, Mapping[str, Any]],
        partition_key: PartitionKeyType,
        *,
        post_trigger_include: Optional[str] = None,
        session_token: Optional[str] = None,
        initial_headers: Optional[dict[str, str]] = None,
        max_integrated_cache_staleness_in_ms: Optional[int] = None,
        priority: Optional[Literal["High", "Low"]] = None,
        throughput_bucket: Optional[int] = None,
        availability_strategy: Optional[Union[bool, dict[str, Any]]] = None,
        **kwargs: Any,
    ) -> CosmosDict:
        """Read an item by id and partition key.

        :param item: The item id, or the item dict.
        :type item: Union[str, dict[str, Any]]
        :param partition_key: The item's partition key value: ``str``, ``int``, ``float``, ``bool``, ``None``
            (JSON null), :class:`~azure.cosmos.partition_key.NonePartitionKeyValue` (no value), or a list of
            those for a hierarchical key.
        :type partition_key: ~azure.cosmos.partition_key.PartitionKeyType
        :keyword str post_trigger_include: Id of a trigger to run after the operation.
        :keyword str session_token: Token for use with Session consistency.
        :keyword dict[str, str] initial_headers: Extra headers to send with the request.
        :keyword int max_integrated_cache_staleness_in_ms: Maximum staleness of a response from the integrated
            cache (dedicated gateway), in milliseconds.
        :keyword Literal["High", "Low"] priority: Priority of the request once the account's throughput is
            exhausted.
        :keyword int throughput_bucket: The throughput bucket for this request.
        :keyword Sequence[str] excluded_locations: Region names not to send this request to.
        :keyword availability_strategy: Cross-region hedging; accepted for compatibility, not applied.
        :paramtype availability_strategy: Union[bool, dict[str, Any]]
        :keyword response_hook: Called with the response headers and the item.
        :paramtype response_hook: Callable[[Mapping[str, str], CosmosDict], None]
        :returns: The item.
        :rtype: ~azure.cosmos.CosmosDict
        :raises ~azure.cosmos.exceptions.CosmosResourceNotFoundError: The item does not exist.
        """
        options, hook = _request_options.build(
            kwargs, self.client_connection.defaults, post_trigger_include=post_trigger_include,
            session_token=session_token, initial_headers=initial_headers,
            max_integrated_cache_staleness_in_ms=max_integrated_cache_staleness_in_ms, priority=priority,
            throughput_bucket=throughput_bucket)
        identifier = item_id(item)
        engine = await self._engine(options)
        partition_key_value = await self._partition_key(partition_key)
        response = await engine.read_item_async(self._database_id, self.id, partition_key_value, identifier, options)
        return self.client_connection.result(response, hook)

    @distributed_trace_async
    @accepts_documented_keywords
    async def delete_item(
        self,
        item: Union[str, Mapping[str, Any]],
        partition_key: PartitionKeyType,
        *,
        pre_trigger_include: Optional[str] = None,
        post_trigger_include: Optional[str] = None,
        session_token: Optional[str] = None,
        initial_headers: Optional[dict[str, str]] = None,
        etag: Optional[str] = None,
        match_condition: Optional[Any] = None,
        priority: Optional[Literal["High", "Low"]] = None,
        retry_write: Optional[int] = None,
        throughput_bucket: Optional[int] = None,
        availability_strategy: Optional[Union[bool, dict[str, Any]]] = None,
        **kwargs: Any,
    ) -> None:
        """Delete an item by id and partition key.

        :param item: The item id, or the item dict.
        :type item: Union[str, dict[str, Any]]
        :param partition_key: The item's partition key value.
        :type partition_key: ~azure.cosmos.partition_key.PartitionKeyType
        :keyword str pre_trigger_include: Id of a trigger to run before the operation.
        :keyword str post_trigger_include: Id of a trigger to run after the operation.
        :keyword str session_token: Token for use with Session consistency.
        :keyword dict[str, str] initial_headers: Extra headers to send with the request.
        :keyword str etag: An etag for the ``match_condition`` check.
        :keyword ~azure.core.MatchConditions match_condition: The condition on ``etag``.
        :keyword Literal["High", "Low"] priority: Priority of the request once the account's throughput is
            exhausted.
        :keyword int retry_write: Accepted for compatibility; the engine decides which writes are retried.
        :keyword int throughput_bucket: The throughput bucket for this request.
        :keyword Sequence[str] excluded_locations: Region names not to send this request to.
        :keyword availability_strategy: Cross-region hedging; accepted for compatibility, not applied.
        :paramtype availability_strategy: Union[bool, dict[str, Any]]
        :keyword response_hook: Called with the response headers and ``None``.
        :paramtype response_hook: Callable[[Mapping[str, str], None], None]
        :raises ~azure.cosmos.exceptions.CosmosResourceNotFoundError: The item does not exist.
        :raises ~azure.cosmos.exceptions.CosmosAccessConditionFailedError: The ``match_condition`` failed.
        """
        options, hook = _request_options.build(
            kwargs, self.client_connection.defaults, pre_trigger_include=pre_trigger_include,
            post_trigger_include=post_trigger_include, session_token=session_token, initial_headers=initial_headers,
            etag=etag, match_condition=match_condition, priority=priority, throughput_bucket=throughput_bucket)
        identifier = item_id(item)
        engine = await self._engine(options)
        partition_key_value = await self._partition_key(partition_key)
        response = await engine.delete_item_async(self._database_id, self.id, partition_key_value, identifier,
                                                  options)
        self.client_connection.no_result(response, hook)

    # ---- queries --------------------------------------------------------------------

    def _paged(self, request: QueryRequest, options: dict, hook: ResponseHook) -> CosmosAsyncItemPaged:
        database_id, container_id = self._database_id, self.id

        async def start(continuation: Optional[str]) -> Any:
            engine = await self._engine(options)
            partition_key = None
            if request.partition_key is not None:
                partition_key = await self._partition_key(request.partition_key)
            return engine.query_items(database_id, container_id, request.text, request.parameters, partition_key,
                                      with_continuation(options, continuation))

        headers = CaseInsensitiveDict()
        return CosmosAsyncItemPaged(start, self.client_connection.page_callback(headers, hook, "Documents"),
                                    response_headers=headers)

    @distributed_trace
    @accepts_documented_keywords
    def read_all_items(
        self,
        *,
        max_item_count: Optional[int] = None,
        session_token: Optional[str] = None,
        initial_headers: Optional[dict[str, str]] = None,
        max_integrated_cache_staleness_in_ms: Optional[int] = None,
        priority: Optional[Literal["High", "Low"]] = None,
        throughput_bucket: Optional[int] = None,
        availability_strategy: Optional[Union[bool, dict[str, Any]]] = None,
        **kwargs: Any,
    ) -> CosmosAsyncItemPaged:
        """List every item of the container.

        :keyword int max_item_count: Maximum number of items per page.
        :keyword str session_token: Token for use with Session consistency.
        :keyword dict[str, str] initial_headers: Extra headers to send with each request.
        :keyword int max_integrated_cache_staleness_in_ms: Maximum staleness of a response from the integrated
            cache, in milliseconds.
        :keyword Literal["High", "Low"] priority: Priority of the requests once the account's throughput is
            exhausted.
        :keyword int throughput_bucket: The throughput bucket for these requests.
        :keyword Sequence[str] excluded_locations: Region names not to send these requests to.
        :keyword availability_strategy: Cross-region hedging; accepted for compatibility, not applied.
        :paramtype availability_strategy: Union[bool, dict[str, Any]]
        :keyword response_hook: Called for each page with its response headers and the page
            (``{"Documents": [...], "_count": n}``).
        :paramtype response_hook: Callable[[Mapping[str, str], dict[str, Any]], None]
        :returns: The items, fetched page by page.
        :rtype: ~azure.cosmos._cosmos_responses.CosmosAsyncItemPaged[dict[str, Any]]
        """
        options, hook = _request_options.build(
            kwargs, self.client_connection.defaults, query=True, max_item_count=max_item_count,
            session_token=session_token, initial_headers=initial_headers,
            max_integrated_cache_staleness_in_ms=max_integrated_cache_staleness_in_ms, priority=priority,
            throughput_bucket=throughput_bucket)
        return self._paged(QueryRequest.read_all(), options, hook)

    @overload
    def query_items(
        self,
        query: str,
        *,
        continuation_token_limit: Optional[int] = None,
        enable_scan_in_query: Optional[bool] = None,
        excluded_locations: Optional[Sequence[str]] = None,
        initial_headers: Optional[dict[str, str]] = None,
        max_integrated_cache_staleness_in_ms: Optional[int] = None,
        max_item_count: Optional[int] = None,
        parameters: Optional[list[dict[str, object]]] = None,
        partition_key: Optional[PartitionKeyType] = None,
        populate_index_metrics: Optional[bool] = None,
        populate_query_metrics: Optional[bool] = None,
        populate_query_advice: Optional[bool] = None,
        priority: Optional[Literal["High", "Low"]] = None,
        response_hook: ResponseHook = None,
        session_token: Optional[str] = None,
        throughput_bucket: Optional[int] = None,
        availability_strategy: Optional[Union[bool, dict[str, Any]]] = None,
        **kwargs: Any,
    ) -> CosmosAsyncItemPaged: ...

    @overload
    def query_items(
        self,
        query: str,
        *,
        continuation_token_limit: Optional[int] = None,
        enable_scan_in_query: Optional[bool] = None,
        excluded_locations: Optional[Sequence[str]] = None,
        feed_range: dict[str, Any],
        initial_headers: Optional[dict[str, str]] = None,
        max_integrated_cache_staleness_in_ms: Optional[int] = None,
        max_item_count: Optional[int] = None,
        parameters: Optional[list[dict[str, object]]] = None,
        populate_index_metrics: Optional[bool] = None,
        populate_query_metrics: Optional[bool] = None,
        populate_query_advice: Optional[bool] = None,
        priority: Optional[Literal["High", "Low"]] = None,
        response_hook: ResponseHook = None,
        session_token: Optional[str] = None,
        throughput_bucket: Optional[int] = None,
        availability_strategy: Optional[Union[bool, dict[str, Any]]] = None,
        **kwargs: Any,
    ) -> CosmosAsyncItemPaged: ...

    @distributed_trace
    @accepts_documented_keywords
    def query_items(self, *args: Any, **kwargs: Any) -> CosmosAsyncItemPaged:
        """Run a SQL query over the container's items: ``query_items(query, *, parameters=..., ...)``.

        :param Any args: The query (the only positional argument).
        :keyword str query: The query, e.g. ``SELECT * FROM c WHERE c.category = @category``.
        :keyword parameters: Query parameters, each ``{"name": "@category", "value": ...}``.
        :paramtype parameters: list[dict[str, object]]
        :keyword partition_key: Run the query in this logical partition only; ``None`` (the default) queries
            the whole container.
        :paramtype partition_key: ~azure.cosmos.partition_key.PartitionKeyType
        :keyword bool enable_cross_partition_query: Accepted for compatibility; the engine runs
            cross-partition queries whenever no partition key is given.
        :keyword int max_item_count: Maximum number of items per page.
        :keyword bool enable_scan_in_query: Allow a scan where the index cannot serve the query.
        :keyword bool populate_query_metrics: Return query metrics in the response headers.
        :keyword bool populate_index_metrics: Return index utilisation metrics in the response headers.
        :keyword bool populate_query_advice: Return query advice in the response headers.
        :keyword int continuation_token_limit: Size limit of continuation tokens, in KB.
        :keyword int max_integrated_cache_staleness_in_ms: Maximum staleness of a response from the integrated
            cache, in milliseconds.
        :keyword dict[str, Any] feed_range: A feed range to scope the query to; not supported yet
            (raises ``NotImplementedError``).
        :keyword Literal["Local", "Global"] full_text_score_scope: Scope of BM25 statistics for hybrid search
            queries (validated; applied by the service's query plan).
        :keyword dict[str, str] initial_headers: Extra headers to send with each request.
        :keyword Literal["High", "Low"] priority: Priority of the requests once the account's throughput is
            exhausted.
        :keyword str session_token: Token for use with Session consistency.
        :keyword int throughput_bucket: The throughput bucket for these requests.
        :keyword Sequence[str] excluded_locations: Region names not to send these requests to.
        :keyword availability_strategy: Cross-region hedging; accepted for compatibility, not applied.
        :paramtype availability_strategy: Union[bool, dict[str, Any]]
        :keyword response_hook: Called for each page with its response headers and the page
            (``{"Documents": [...], "_count": n}``).
        :paramtype response_hook: Callable[[Mapping[str, str], dict[str, Any]], None]
        :returns: The results, fetched page by page; ``by_page(continuation_token)`` resumes after a page.
        :rtype: ~azure.cosmos._cosmos_responses.CosmosAsyncItemPaged[dict[str, Any]]
        """
        request = QueryRequest.from_call(args, kwargs, positional=("query",))
        options, hook = _request_options.build(kwargs, self.client_connection.defaults, query=True)
        if hook is not None and hasattr(hook, "clear"):
            hook.clear()
        return self._paged(request, options, hook)
