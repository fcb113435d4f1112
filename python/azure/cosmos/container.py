# The MIT License (MIT)
"""Containers: their properties, items and queries (synchronous)."""
from __future__ import annotations

import datetime
import threading
import warnings
from typing import Any, Callable, Iterable, Iterator, Literal, Mapping, Optional, Sequence, Union, overload

from azure.core.paging import ItemPaged
from azure.core.utils import CaseInsensitiveDict

from . import _request_options
from ._client_connection import CosmosClientConnection
from ._cosmos_responses import CosmosDict, CosmosItemPaged, CosmosList
from ._global_secondary_index import normalize_properties as normalize_gsi_properties
from ._request_bulk import BulkResults, BulkShaper
from ._request_bulk import check_arguments as check_bulk_arguments
from ._request_bulk import operation_count as bulk_operation_count
from ._request_builders import (
    QueryRequest, drop_ignored, is_partition_key_mismatch, item_body, item_id, semantic_rerank_unavailable,
    stale_partition_key_definition, with_continuation,
)
from ._request_feeds import (
    bind_change_feed_positionals, change_feed_arguments, from_bounds, is_subset as feed_range_is_subset,
    latest_session_token,
)
from ._request_options import accepts_documented_keywords
from ._request_patch_batch import batch_body, batch_error, batch_results, patch_body
from ._request_read_many import read_many_request, read_many_result
from ._request_throughput import (
    OFFER_QUERY, offer_query_parameters, only_offer, replaced_throughput, replacement_offer, throughput_properties,
)
from ._serialization import dump_parameters, load_feed_items, load_json
from ._tracing import distributed_trace
from .bulk import BulkOperationResult
from .exceptions import CosmosHttpResponseError
from .offer import ThroughputProperties
from .partition_key import NonePartitionKeyValue, PartitionKeyType, _engine_value, _none_value, _value_from_item
from .scripts import ScriptsProxy

__all__ = ("ContainerProxy",)

ResponseHook = Optional[Callable[[Mapping[str, str], Any], None]]


class ContainerProxy:  # pylint: disable=too-many-public-methods
    """A container and the items in it.

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
        self.container_cache_lock = threading.Lock()
        self._database_id = database_link[len("dbs/"):]
        self._scripts: Optional[ScriptsProxy] = None
        if properties:
            client_connection.cache_container(self._database_id, properties)

    def __repr__(self) -> str:
        return "<ContainerProxy [{}]>".format(self.container_link)[:1024]

    @property
    def _engine(self) -> Any:
        return self.client_connection.engine

    def _properties(self) -> dict:
        """The container properties, read once per client (partition-key definition)."""
        cached = self.client_connection.cached_container(self._database_id, self.id)
        if cached is None:
            with self.container_cache_lock:
                cached = self.client_connection.cached_container(self._database_id, self.id)
                if cached is None:
                    response = self._engine.read_container(self._database_id, self.id, {})
                    cached = load_json(response.body)
                    self.client_connection.cache_container(self._database_id, cached)
        return cached

    @property
    def is_system_key(self) -> bool:
        """Whether the container uses a system-generated partition key (migrated, non-partitioned container).

        :returns: ``True`` for a system key.
        :rtype: bool
        """
        return bool(self._properties().get("partitionKey", {}).get("systemKey", False))

    def _partition_key(self, value: PartitionKeyType) -> list:
        if value is NonePartitionKeyValue:
            return _none_value(self._properties().get("partitionKey"))
        return _engine_value(value)

    @property
    def scripts(self) -> ScriptsProxy:
        """The container's stored procedures, triggers and user-defined functions.

        The first use reads the container's properties (once per client), as 4.x does.

        :returns: The scripts proxy of this container.
        :rtype: ~azure.cosmos.ScriptsProxy
        """
        if self._scripts is None:
            self._scripts = ScriptsProxy(self.client_connection, self.container_link, self.is_system_key)
        return self._scripts

    @distributed_trace
    @accepts_documented_keywords
    def read(
        self,
        populate_query_metrics: Optional[bool] = None,
        populate_partition_key_range_statistics: Optional[bool] = None,
        populate_quota_info: Optional[bool] = None,
        *,
        priority: Optional[Literal["High", "Low"]] = None,
        initial_headers: Optional[dict[str, str]] = None,
        response_hook: ResponseHook = None,
        **kwargs: Any,
    ) -> CosmosDict:
        """Read the container's properties.

        :param bool populate_query_metrics: Deprecated and ignored (with a warning).
        :param bool populate_partition_key_range_statistics: Return partition key range statistics in the
            response headers.
        :param bool populate_quota_info: Return storage quota information in the response headers.
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
            kwargs, self.client_connection.defaults, populate_query_metrics=populate_query_metrics,
            populate_partition_key_range_statistics=populate_partition_key_range_statistics,
            populate_quota_info=populate_quota_info, priority=priority, initial_headers=initial_headers,
            response_hook=response_hook)
        response = self._engine.read_container(self._database_id, self.id, options)
        properties = normalize_gsi_properties(self.client_connection.result(response, hook))
        self.client_connection.cache_container(self._database_id, properties)
        return properties

    # ---- items ----------------------------------------------------------------------

    def _write(self, operation: str, body: Any, item: Any, generate_id: bool, options: dict,
               hook: ResponseHook) -> CosmosDict:
        sent, identifier, data = item_body(body, generate_id=generate_id,
                                           compact_utf8=self.client_connection.defaults.compact_utf8_item_writes)
        if item is not None:
            identifier = item_id(item)
        write = getattr(self._engine, operation)
        cached = self._properties()
        try:
            response = write(self._database_id, self.id,
                             _value_from_item(cached.get("partitionKey") or {}, sent), identifier, data, options)
        except CosmosHttpResponseError as error:
            if not is_partition_key_mismatch(error):
                raise
            self.client_connection.forget_container(self._database_id, self.id)
            if not stale_partition_key_definition(error, cached, self._properties()):
                raise
            response = write(self._database_id, self.id,
                             _value_from_item(self._properties().get("partitionKey") or {}, sent), identifier,
                             data, options)
        # Freed before the response is parsed: a body as large as the document need not outlive the request.
        del data
        return self.client_connection.result(response, hook)

    @distributed_trace
    @accepts_documented_keywords
    def create_item(
        self,
        body: dict[str, Any],
        populate_query_metrics: Optional[bool] = None,
        pre_trigger_include: Optional[str] = None,
        post_trigger_include: Optional[str] = None,
        indexing_directive: Optional[int] = None,
        *,
        enable_automatic_id_generation: bool = False,
        session_token: Optional[str] = None,
        initial_headers: Optional[dict[str, str]] = None,
        priority: Optional[Literal["High", "Low"]] = None,
        no_response: Optional[bool] = None,
        retry_write: Optional[int] = None,
        throughput_bucket: Optional[int] = None,
        availability_strategy: Optional[Union[bool, dict[str, Any]]] = None,
        response_hook: ResponseHook = None,
        **kwargs: Any,
    ) -> CosmosDict:
        """Create an item; fails if an item with the same id and partition key exists.

        The partition key is taken from the body by the container's partition-key paths.

        :param body: The item.
        :type body: dict[str, Any]
        :param bool populate_query_metrics: Deprecated and ignored (with a warning).
        :param str pre_trigger_include: Id of a trigger to run before the operation.
        :param str post_trigger_include: Id of a trigger to run after the operation.
        :param indexing_directive: Whether to index the item: 0 default, 1 exclude, 2 include.
        :type indexing_directive: Union[int, ~azure.cosmos.documents.IndexingDirective]
        :keyword bool enable_automatic_id_generation: Give the item a new GUID id if it has none.
        :keyword str session_token: Token for use with Session consistency.
        :keyword dict[str, str] initial_headers: Extra headers to send with the request.
        :keyword Literal["High", "Low"] priority: Priority of the request once the account's throughput is
            exhausted.
        :keyword bool no_response: Ask the service not to return the item; the result is then an empty
            :class:`~azure.cosmos.CosmosDict` with the response headers. Defaults to the client's
            ``no_response_on_write``.
        :keyword int retry_write: Report a write whose response was lost as the service answered its retry
            (as 4.x); by default that raises ``IncompleteReadError`` / ``ServiceResponseError``. Overrides the
            client's ``retry_write``.
        :keyword int throughput_bucket: The throughput bucket for this request.
        :keyword Sequence[str] excluded_locations: Region names not to send this request to.
        :keyword availability_strategy: Cross-region hedging for this call (``True``, ``False`` or a dict with
            ``threshold_ms``), overriding the client's; the engine hedges reads, given several read regions.
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
            kwargs, self.client_connection.defaults, write=True, populate_query_metrics=populate_query_metrics,
            retry_write=retry_write, availability_strategy=availability_strategy,
            pre_trigger_include=pre_trigger_include, post_trigger_include=post_trigger_include,
            indexing_directive=indexing_directive, session_token=session_token, initial_headers=initial_headers,
            priority=priority, no_response=no_response, throughput_bucket=throughput_bucket,
            response_hook=response_hook)
        return self._write("create_item", body, None, enable_automatic_id_generation, options, hook)

    @distributed_trace
    @accepts_documented_keywords
    def upsert_item(
        self,
        body: dict[str, Any],
        populate_query_metrics: Optional[bool] = None,
        pre_trigger_include: Optional[str] = None,
        post_trigger_include: Optional[str] = None,
        *,
        session_token: Optional[str] = None,
        initial_headers: Optional[dict[str, str]] = None,
        etag: Optional[str] = None,
        match_condition: Optional[Any] = None,
        priority: Optional[Literal["High", "Low"]] = None,
        no_response: Optional[bool] = None,
        retry_write: Optional[int] = None,
        throughput_bucket: Optional[int] = None,
        availability_strategy: Optional[Union[bool, dict[str, Any]]] = None,
        response_hook: ResponseHook = None,
        **kwargs: Any,
    ) -> CosmosDict:
        """Insert an item, or replace the item with the same id and partition key.

        :param body: The item.
        :type body: dict[str, Any]
        :param bool populate_query_metrics: Deprecated and ignored (with a warning).
        :param str pre_trigger_include: Id of a trigger to run before the operation.
        :param str post_trigger_include: Id of a trigger to run after the operation.
        :keyword str session_token: Token for use with Session consistency.
        :keyword dict[str, str] initial_headers: Extra headers to send with the request.
        :keyword str etag: An etag for the ``match_condition`` check.
        :keyword ~azure.core.MatchConditions match_condition: The condition on ``etag`` (e.g. ``IfNotModified``:
            replace only if the stored item still has this etag).
        :keyword Literal["High", "Low"] priority: Priority of the request once the account's throughput is
            exhausted.
        :keyword bool no_response: Ask the service not to return the item (empty result with headers).
        :keyword int retry_write: Report a write whose response was lost as the service answered its retry
            (as 4.x); by default that raises ``IncompleteReadError`` / ``ServiceResponseError``. Overrides the
            client's ``retry_write``.
        :keyword int throughput_bucket: The throughput bucket for this request.
        :keyword Sequence[str] excluded_locations: Region names not to send this request to.
        :keyword availability_strategy: Cross-region hedging for this call (``True``, ``False`` or a dict with
            ``threshold_ms``), overriding the client's; the engine hedges reads, given several read regions.
        :paramtype availability_strategy: Union[bool, dict[str, Any]]
        :keyword response_hook: Called with the response headers and the result.
        :paramtype response_hook: Callable[[Mapping[str, str], CosmosDict], None]
        :returns: The item as stored, or an empty dict with ``no_response``.
        :rtype: ~azure.cosmos.CosmosDict
        :raises ~azure.cosmos.exceptions.CosmosAccessConditionFailedError: The ``match_condition`` failed.
        """
        options, hook = _request_options.build(
            kwargs, self.client_connection.defaults, write=True, populate_query_metrics=populate_query_metrics,
            retry_write=retry_write, availability_strategy=availability_strategy,
            pre_trigger_include=pre_trigger_include, post_trigger_include=post_trigger_include,
            session_token=session_token, initial_headers=initial_headers, etag=etag, match_condition=match_condition,
            priority=priority, no_response=no_response, throughput_bucket=throughput_bucket,
            response_hook=response_hook)
        return self._write("upsert_item", body, None, False, options, hook)

    @distributed_trace
    @accepts_documented_keywords
    def replace_item(
        self,
        item: Union[str, Mapping[str, Any]],
        body: dict[str, Any],
        populate_query_metrics: Optional[bool] = None,
        pre_trigger_include: Optional[str] = None,
        post_trigger_include: Optional[str] = None,
        *,
        session_token: Optional[str] = None,
        initial_headers: Optional[dict[str, str]] = None,
        etag: Optional[str] = None,
        match_condition: Optional[Any] = None,
        priority: Optional[Literal["High", "Low"]] = None,
        no_response: Optional[bool] = None,
        retry_write: Optional[int] = None,
        throughput_bucket: Optional[int] = None,
        availability_strategy: Optional[Union[bool, dict[str, Any]]] = None,
        response_hook: ResponseHook = None,
        **kwargs: Any,
    ) -> CosmosDict:
        """Replace an existing item.

        :param item: The id of the item to replace, or the item dict.
        :type item: Union[str, dict[str, Any]]
        :param body: The new item.
        :type body: dict[str, Any]
        :param bool populate_query_metrics: Deprecated and ignored (with a warning).
        :param str pre_trigger_include: Id of a trigger to run before the operation.
        :param str post_trigger_include: Id of a trigger to run after the operation.
        :keyword str session_token: Token for use with Session consistency.
        :keyword dict[str, str] initial_headers: Extra headers to send with the request.
        :keyword str etag: An etag for the ``match_condition`` check.
        :keyword ~azure.core.MatchConditions match_condition: The condition on ``etag``.
        :keyword Literal["High", "Low"] priority: Priority of the request once the account's throughput is
            exhausted.
        :keyword bool no_response: Ask the service not to return the item (empty result with headers).
        :keyword int retry_write: Report a write whose response was lost as the service answered its retry
            (as 4.x); by default that raises ``IncompleteReadError`` / ``ServiceResponseError``. Overrides the
            client's ``retry_write``.
        :keyword int throughput_bucket: The throughput bucket for this request.
        :keyword Sequence[str] excluded_locations: Region names not to send this request to.
        :keyword availability_strategy: Cross-region hedging for this call (``True``, ``False`` or a dict with
            ``threshold_ms``), overriding the client's; the engine hedges reads, given several read regions.
        :paramtype availability_strategy: Union[bool, dict[str, Any]]
        :keyword response_hook: Called with the response headers and the result.
        :paramtype response_hook: Callable[[Mapping[str, str], CosmosDict], None]
        :returns: The item as stored, or an empty dict with ``no_response``.
        :rtype: ~azure.cosmos.CosmosDict
        :raises ~azure.cosmos.exceptions.CosmosResourceNotFoundError: The item does not exist.
        :raises ~azure.cosmos.exceptions.CosmosAccessConditionFailedError: The ``match_condition`` failed.
        """
        options, hook = _request_options.build(
            kwargs, self.client_connection.defaults, write=True, populate_query_metrics=populate_query_metrics,
            retry_write=retry_write, availability_strategy=availability_strategy,
            pre_trigger_include=pre_trigger_include, post_trigger_include=post_trigger_include,
            session_token=session_token, initial_headers=initial_headers, etag=etag, match_condition=match_condition,
            priority=priority, no_response=no_response, throughput_bucket=throughput_bucket,
            response_hook=response_hook)
        return self._write("replace_item", body, item, False, options, hook)

    @distributed_trace
    @accepts_documented_keywords
    def read_item(
        self,
        item: Union[str, Mapping[str, Any]],
        partition_key: PartitionKeyType,
        populate_query_metrics: Optional[bool] = None,
        post_trigger_include: Optional[str] = None,
        *,
        session_token: Optional[str] = None,
        initial_headers: Optional[dict[str, str]] = None,
        max_integrated_cache_staleness_in_ms: Optional[int] = None,
        priority: Optional[Literal["High", "Low"]] = None,
        throughput_bucket: Optional[int] = None,
        availability_strategy: Optional[Union[bool, dict[str, Any]]] = None,
        response_hook: ResponseHook = None,
        **kwargs: Any,
    ) -> CosmosDict:
        """Read an item by id and partition key.

        :param item: The item id, or the item dict.
        :type item: Union[str, dict[str, Any]]
        :param partition_key: The item's partition key value: ``str``, ``int``, ``float``, ``bool``, ``None``
            (JSON null), :class:`~azure.cosmos.partition_key.NonePartitionKeyValue` (no value), or a list of
            those for a hierarchical key.
        :type partition_key: ~azure.cosmos.partition_key.PartitionKeyType
        :param bool populate_query_metrics: Deprecated and ignored (with a warning).
        :param str post_trigger_include: Id of a trigger to run after the operation.
        :keyword str session_token: Token for use with Session consistency.
        :keyword dict[str, str] initial_headers: Extra headers to send with the request.
        :keyword int max_integrated_cache_staleness_in_ms: Maximum staleness of a response from the integrated
            cache (dedicated gateway), in milliseconds.
        :keyword Literal["High", "Low"] priority: Priority of the request once the account's throughput is
            exhausted.
        :keyword int throughput_bucket: The throughput bucket for this request.
        :keyword Sequence[str] excluded_locations: Region names not to send this request to.
        :keyword availability_strategy: Cross-region hedging for this call (``True``, ``False`` or a dict with
            ``threshold_ms``), overriding the client's; the engine hedges reads, given several read regions.
        :paramtype availability_strategy: Union[bool, dict[str, Any]]
        :keyword response_hook: Called with the response headers and the item.
        :paramtype response_hook: Callable[[Mapping[str, str], CosmosDict], None]
        :returns: The item.
        :rtype: ~azure.cosmos.CosmosDict
        :raises ~azure.cosmos.exceptions.CosmosResourceNotFoundError: The item does not exist.
        """
        options, hook = _request_options.build(
            kwargs, self.client_connection.defaults, populate_query_metrics=populate_query_metrics,
            availability_strategy=availability_strategy,
            post_trigger_include=post_trigger_include, session_token=session_token, initial_headers=initial_headers,
            max_integrated_cache_staleness_in_ms=max_integrated_cache_staleness_in_ms, priority=priority,
            throughput_bucket=throughput_bucket, response_hook=response_hook)
        identifier = item_id(item)
        response = self._engine.read_item(self._database_id, self.id, self._partition_key(partition_key),
                                          identifier, options)
        return self.client_connection.result(response, hook)

    @distributed_trace
    @accepts_documented_keywords
    def delete_item(
        self,
        item: Union[str, Mapping[str, Any]],
        partition_key: PartitionKeyType,
        populate_query_metrics: Optional[bool] = None,
        pre_trigger_include: Optional[str] = None,
        post_trigger_include: Optional[str] = None,
        *,
        session_token: Optional[str] = None,
        initial_headers: Optional[dict[str, str]] = None,
        etag: Optional[str] = None,
        match_condition: Optional[Any] = None,
        priority: Optional[Literal["High", "Low"]] = None,
        retry_write: Optional[int] = None,
        throughput_bucket: Optional[int] = None,
        availability_strategy: Optional[Union[bool, dict[str, Any]]] = None,
        response_hook: ResponseHook = None,
        **kwargs: Any,
    ) -> None:
        """Delete an item by id and partition key.

        :param item: The item id, or the item dict.
        :type item: Union[str, dict[str, Any]]
        :param partition_key: The item's partition key value.
        :type partition_key: ~azure.cosmos.partition_key.PartitionKeyType
        :param bool populate_query_metrics: Deprecated and ignored (with a warning).
        :param str pre_trigger_include: Id of a trigger to run before the operation.
        :param str post_trigger_include: Id of a trigger to run after the operation.
        :keyword str session_token: Token for use with Session consistency.
        :keyword dict[str, str] initial_headers: Extra headers to send with the request.
        :keyword str etag: An etag for the ``match_condition`` check.
        :keyword ~azure.core.MatchConditions match_condition: The condition on ``etag``.
        :keyword Literal["High", "Low"] priority: Priority of the request once the account's throughput is
            exhausted.
        :keyword int retry_write: Report a write whose response was lost as the service answered its retry
            (as 4.x); by default that raises ``IncompleteReadError`` / ``ServiceResponseError``. Overrides the
            client's ``retry_write``.
        :keyword int throughput_bucket: The throughput bucket for this request.
        :keyword Sequence[str] excluded_locations: Region names not to send this request to.
        :keyword availability_strategy: Cross-region hedging for this call (``True``, ``False`` or a dict with
            ``threshold_ms``), overriding the client's; the engine hedges reads, given several read regions.
        :paramtype availability_strategy: Union[bool, dict[str, Any]]
        :keyword response_hook: Called with the response headers and ``None``.
        :paramtype response_hook: Callable[[Mapping[str, str], None], None]
        :raises ~azure.cosmos.exceptions.CosmosResourceNotFoundError: The item does not exist.
        :raises ~azure.cosmos.exceptions.CosmosAccessConditionFailedError: The ``match_condition`` failed.
        """
        options, hook = _request_options.build(
            kwargs, self.client_connection.defaults, populate_query_metrics=populate_query_metrics,
            retry_write=retry_write, availability_strategy=availability_strategy,
            pre_trigger_include=pre_trigger_include, post_trigger_include=post_trigger_include,
            session_token=session_token, initial_headers=initial_headers, etag=etag, match_condition=match_condition,
            priority=priority, throughput_bucket=throughput_bucket, response_hook=response_hook)
        identifier = item_id(item)
        response = self._engine.delete_item(self._database_id, self.id, self._partition_key(partition_key),
                                            identifier, options)
        self.client_connection.no_result(response, hook)

    # ---- queries --------------------------------------------------------------------

    def _paged(self, request: QueryRequest, options: dict, hook: ResponseHook) -> CosmosItemPaged:
        partition_key = None if request.partition_key is None else self._partition_key(request.partition_key)
        engine = self._engine
        database_id, container_id = self._database_id, self.id

        def start(continuation: Optional[str]) -> Any:
            return engine.query_items(database_id, container_id, request.text, request.parameters, partition_key,
                                      with_continuation(options, continuation), request.feed_range)

        headers = CaseInsensitiveDict()
        return CosmosItemPaged(start, self.client_connection.page_callback(headers, hook, "Documents"),
                               response_headers=headers)

    @distributed_trace
    @accepts_documented_keywords
    def read_all_items(
        self,
        max_item_count: Optional[int] = None,
        populate_query_metrics: Optional[bool] = None,
        *,
        session_token: Optional[str] = None,
        initial_headers: Optional[dict[str, str]] = None,
        max_integrated_cache_staleness_in_ms: Optional[int] = None,
        priority: Optional[Literal["High", "Low"]] = None,
        throughput_bucket: Optional[int] = None,
        availability_strategy: Optional[Union[bool, dict[str, Any]]] = None,
        response_hook: ResponseHook = None,
        **kwargs: Any,
    ) -> CosmosItemPaged:
        """List every item of the container.

        :param int max_item_count: Maximum number of items per page.
        :param bool populate_query_metrics: Return query metrics in the response headers.
        :keyword str session_token: Token for use with Session consistency.
        :keyword dict[str, str] initial_headers: Extra headers to send with each request.
        :keyword int max_integrated_cache_staleness_in_ms: Maximum staleness of a response from the integrated
            cache, in milliseconds.
        :keyword Literal["High", "Low"] priority: Priority of the requests once the account's throughput is
            exhausted.
        :keyword int throughput_bucket: The throughput bucket for these requests.
        :keyword Sequence[str] excluded_locations: Region names not to send these requests to.
        :keyword availability_strategy: Cross-region hedging for this call (``True``, ``False`` or a dict with
            ``threshold_ms``), overriding the client's; the engine hedges reads, given several read regions.
        :paramtype availability_strategy: Union[bool, dict[str, Any]]
        :keyword response_hook: Called for each page with its response headers and the page
            (``{"Documents": [...], "_count": n}``).
        :paramtype response_hook: Callable[[Mapping[str, str], dict[str, Any]], None]
        :returns: The items, fetched page by page.
        :rtype: ~azure.cosmos._cosmos_responses.CosmosItemPaged[dict[str, Any]]
        """
        options, hook = _request_options.build(
            kwargs, self.client_connection.defaults, query=True, max_item_count=max_item_count,
            availability_strategy=availability_strategy,
            populate_query_metrics=populate_query_metrics, session_token=session_token,
            initial_headers=initial_headers, max_integrated_cache_staleness_in_ms=max_integrated_cache_staleness_in_ms,
            priority=priority, throughput_bucket=throughput_bucket, response_hook=response_hook)
        return self._paged(QueryRequest.read_all(), options, hook)

    @overload
    def query_items(
        self,
        query: str,
        parameters: Optional[list[dict[str, Any]]] = None,
        partition_key: Optional[PartitionKeyType] = None,
        enable_cross_partition_query: Optional[bool] = None,
        max_item_count: Optional[int] = None,
        enable_scan_in_query: Optional[bool] = None,
        populate_query_metrics: Optional[bool] = None,
        *,
        continuation_token_limit: Optional[int] = None,
        excluded_locations: Optional[Sequence[str]] = None,
        initial_headers: Optional[dict[str, str]] = None,
        max_integrated_cache_staleness_in_ms: Optional[int] = None,
        populate_index_metrics: Optional[bool] = None,
        populate_query_advice: Optional[bool] = None,
        priority: Optional[Literal["High", "Low"]] = None,
        response_hook: ResponseHook = None,
        session_token: Optional[str] = None,
        throughput_bucket: Optional[int] = None,
        availability_strategy: Optional[Union[bool, dict[str, Any]]] = None,
        **kwargs: Any,
    ) -> CosmosItemPaged[Any]: ...

    @overload
    def query_items(
        self,
        query: str,
        *,
        continuation_token_limit: Optional[int] = None,
        enable_cross_partition_query: Optional[bool] = None,
        enable_scan_in_query: Optional[bool] = None,
        excluded_locations: Optional[Sequence[str]] = None,
        initial_headers: Optional[dict[str, str]] = None,
        max_integrated_cache_staleness_in_ms: Optional[int] = None,
        max_item_count: Optional[int] = None,
        parameters: Optional[list[dict[str, Any]]] = None,
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
    ) -> CosmosItemPaged[Any]: ...

    @distributed_trace
    @accepts_documented_keywords
    def query_items(self, *args: Any, **kwargs: Any) -> CosmosItemPaged[Any]:
        """Run a SQL query over the container's items.

        Two call forms, as in 4.x: ``query_items(query, parameters, partition_key,
        enable_cross_partition_query, max_item_count, enable_scan_in_query, populate_query_metrics)``
        (positional) or ``query_items(query, *, parameters=..., partition_key=..., ...)``.

        :param Any args: The positional form's arguments.
        :keyword str query: The query, e.g. ``SELECT * FROM c WHERE c.category = @category``.
        :keyword parameters: Query parameters, each ``{"name": "@category", "value": ...}``.
        :paramtype parameters: list[dict[str, Any]]
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
        :keyword int max_concurrency: For aggregates, GROUP BY and DISTINCT across partitions (merged by the
            engine): how many physical partitions are queried at once (default: four per CPU core, 4 to 32).
        :keyword int max_integrated_cache_staleness_in_ms: Maximum staleness of a response from the integrated
            cache, in milliseconds.
        :keyword dict[str, Any] feed_range: Run the query in this feed range only (see
            :meth:`read_feed_ranges`); exclusive with ``partition_key``.
        :keyword Literal["Local", "Global"] full_text_score_scope: Scope of BM25 statistics for hybrid search
            queries (validated; applied by the service's query plan).
        :keyword dict[str, str] initial_headers: Extra headers to send with each request.
        :keyword Literal["High", "Low"] priority: Priority of the requests once the account's throughput is
            exhausted.
        :keyword str session_token: Token for use with Session consistency.
        :keyword int throughput_bucket: The throughput bucket for these requests.
        :keyword Sequence[str] excluded_locations: Region names not to send these requests to.
        :keyword availability_strategy: Cross-region hedging for this call (``True``, ``False`` or a dict with
            ``threshold_ms``), overriding the client's; the engine hedges reads, given several read regions.
        :paramtype availability_strategy: Union[bool, dict[str, Any]]
        :keyword response_hook: Called for each page with its response headers and the page
            (``{"Documents": [...], "_count": n}``).
        :paramtype response_hook: Callable[[Mapping[str, str], dict[str, Any]], None]
        :returns: The results, fetched page by page; ``by_page(continuation_token)`` resumes after a page.
        :rtype: ~azure.cosmos._cosmos_responses.CosmosItemPaged[dict[str, Any]]
        """
        request = QueryRequest.from_call(args, kwargs)
        options, hook = _request_options.build(kwargs, self.client_connection.defaults, query=True)
        if hook is not None and hasattr(hook, "clear"):
            hook.clear()
        return self._paged(request, options, hook)

    # ---- patch and batch ------------------------------------------------------------

    @distributed_trace
    @accepts_documented_keywords
    def patch_item(
        self,
        item: Union[str, dict[str, Any]],
        partition_key: PartitionKeyType,
        patch_operations: list[dict[str, Any]],
        *,
        filter_predicate: Optional[str] = None,
        pre_trigger_include: Optional[str] = None,
        post_trigger_include: Optional[str] = None,
        session_token: Optional[str] = None,
        etag: Optional[str] = None,
        match_condition: Optional[Any] = None,
        priority: Optional[Literal["High", "Low"]] = None,
        no_response: Optional[bool] = None,
        retry_write: Optional[int] = None,
        throughput_bucket: Optional[int] = None,
        availability_strategy: Optional[Union[bool, dict[str, Any]]] = None,
        response_hook: ResponseHook = None,
        **kwargs: Any,
    ) -> CosmosDict:
        """Patch an item: apply up to 10 operations on the service, in one request.

        :param item: The id of the item to patch, or the item dict.
        :type item: Union[str, dict[str, Any]]
        :param partition_key: The item's partition key value.
        :type partition_key: ~azure.cosmos.partition_key.PartitionKeyType
        :param patch_operations: The operations, each ``{"op": ..., "path": ..., "value": ...}`` with ``op``
            one of ``add``, ``set``, ``replace``, ``remove``, ``incr`` or ``move`` (``move`` takes ``from``).
        :type patch_operations: list[dict[str, Any]]
        :keyword str filter_predicate: A condition the stored item must meet, e.g.
            ``"from c where c.taskNum = 3"``; otherwise nothing is written and
            :class:`~azure.cosmos.exceptions.CosmosAccessConditionFailedError` is raised.
        :keyword str pre_trigger_include: Id of a trigger to run before the operation.
        :keyword str post_trigger_include: Id of a trigger to run after the operation.
        :keyword str session_token: Token for use with Session consistency.
        :keyword dict[str, str] initial_headers: Extra headers to send with the request.
        :keyword str etag: An etag for the ``match_condition`` check.
        :keyword ~azure.core.MatchConditions match_condition: The condition on ``etag``.
        :keyword Literal["High", "Low"] priority: Priority of the request once the account's throughput is
            exhausted.
        :keyword bool no_response: Ask the service not to return the item (empty result with headers).
        :keyword int retry_write: Accepted for compatibility: a patch is retried only where the engine
            can tell that resending it cannot apply it twice.
        :keyword int throughput_bucket: The throughput bucket for this request.
        :keyword Sequence[str] excluded_locations: Region names not to send this request to.
        :keyword availability_strategy: Cross-region hedging for this call (``True``, ``False`` or a dict with
            ``threshold_ms``), overriding the client's; the engine hedges reads, given several read regions.
        :paramtype availability_strategy: Union[bool, dict[str, Any]]
        :keyword response_hook: Called with the response headers and the patched item.
        :paramtype response_hook: Callable[[Mapping[str, str], CosmosDict], None]
        :returns: The item after the patch, or an empty dict with ``no_response``.
        :rtype: ~azure.cosmos.CosmosDict
        :raises ~azure.cosmos.exceptions.CosmosResourceNotFoundError: The item does not exist.
        :raises ~azure.cosmos.exceptions.CosmosAccessConditionFailedError: The filter predicate or the
            ``match_condition`` failed.
        :raises ~azure.cosmos.exceptions.CosmosHttpResponseError: The operations are invalid (400).
        """
        options, hook = _request_options.build(
            kwargs, self.client_connection.defaults, write=True, pre_trigger_include=pre_trigger_include,
            retry_write=retry_write, availability_strategy=availability_strategy,
            post_trigger_include=post_trigger_include, session_token=session_token, etag=etag,
            match_condition=match_condition, priority=priority, no_response=no_response,
            throughput_bucket=throughput_bucket, response_hook=response_hook)
        body = patch_body(patch_operations, filter_predicate)
        response = self._engine.patch_item(self._database_id, self.id, self._partition_key(partition_key),
                                           item_id(item), body, options)
        return self.client_connection.result(response, hook)

    @distributed_trace
    @accepts_documented_keywords
    def execute_item_batch(
        self,
        batch_operations: Sequence[Union[tuple[str, tuple[Any, ...]], tuple[str, tuple[Any, ...], dict[str, Any]]]],
        partition_key: PartitionKeyType,
        *,
        pre_trigger_include: Optional[str] = None,
        post_trigger_include: Optional[str] = None,
        session_token: Optional[str] = None,
        priority: Optional[Literal["High", "Low"]] = None,
        retry_write: Optional[int] = None,
        throughput_bucket: Optional[int] = None,
        availability_strategy: Optional[Union[bool, dict[str, Any]]] = None,
        response_hook: Optional[Callable[[Mapping[str, str], list[dict[str, Any]]], None]] = None,
        **kwargs: Any,
    ) -> CosmosList:
        """Run up to 100 operations on one logical partition as one transaction: all or nothing.

        :param batch_operations: The operations, as 4.x takes them: ``("create", (item,))``,
            ``("upsert", (item,))``, ``("replace", (id, item))``, ``("read", (id,))``, ``("delete", (id,))``,
            ``("patch", (id, patch_operations))``, each optionally with a dict of options
            (``if_match_etag``, ``if_none_match_etag``, ``filter_predicate`` for patch).
        :type batch_operations: Sequence[Union[tuple[str, tuple[Any, ...]], tuple[str, tuple[Any, ...], dict[str, Any]]]]
        :param partition_key: The logical partition every operation works on.
        :type partition_key: ~azure.cosmos.partition_key.PartitionKeyType
        :keyword str pre_trigger_include: Id of a trigger to run before the operations.
        :keyword str post_trigger_include: Id of a trigger to run after the operations.
        :keyword str session_token: Token for use with Session consistency.
        :keyword dict[str, str] initial_headers: Extra headers to send with the request.
        :keyword Literal["High", "Low"] priority: Priority of the request once the account's throughput is
            exhausted.
        :keyword int retry_write: Accepted for compatibility; a batch is not resent after an ambiguous failure.
        :keyword int throughput_bucket: The throughput bucket for this request.
        :keyword Sequence[str] excluded_locations: Region names not to send this request to.
        :keyword availability_strategy: Cross-region hedging for this call (``True``, ``False`` or a dict with
            ``threshold_ms``), overriding the client's; the engine hedges reads, given several read regions.
        :paramtype availability_strategy: Union[bool, dict[str, Any]]
        :keyword response_hook: Called with the response headers and the results.
        :paramtype response_hook: Callable[[Mapping[str, str], list[dict[str, Any]]], None]
        :returns: One result per operation (``statusCode``, ``requestCharge``, ``eTag``, ``resourceBody``...).
        :rtype: ~azure.cosmos.CosmosList
        :raises ~azure.cosmos.exceptions.CosmosBatchOperationError: An operation failed; nothing was written.
            ``error_index`` names it, ``operation_responses`` holds every operation's result.
        """
        options, hook = _request_options.build(
            kwargs, self.client_connection.defaults, pre_trigger_include=pre_trigger_include,
            retry_write=retry_write, availability_strategy=availability_strategy,
            post_trigger_include=post_trigger_include, session_token=session_token, priority=priority,
            throughput_bucket=throughput_bucket, response_hook=response_hook)
        body = batch_body(batch_operations)
        try:
            response = self._engine.execute_item_batch(self._database_id, self.id,
                                                       self._partition_key(partition_key), body, options)
        except CosmosHttpResponseError as error:
            raise batch_error(error, self.client_connection.record_headers) from None
        results = batch_results(self.client_connection.record_response_headers(response), response.body)
        if hook is not None:
            hook(results.get_response_headers(), results)
        return results

    @distributed_trace
    @accepts_documented_keywords
    def execute_item_bulk(
        self,
        operations: Iterable[Union[tuple[str, tuple[Any, ...]], tuple[str, tuple[Any, ...], dict[str, Any]]]],
        *,
        ordered: bool = True,
        max_concurrency: Optional[int] = None,
        progress: Union[bool, Callable[[int, int], None], None] = None,
        priority: Optional[Literal["High", "Low"]] = None,
        throughput_bucket: Optional[int] = None,
        **kwargs: Any,
    ) -> Iterator[BulkOperationResult]:
        """Run any number of item operations as the service's bulk requests (new in 5; 4.x has no bulk).

        The operations are grouped by the physical partition that owns them into requests of up to 100
        operations (and 2 MB), the partitions are sent to in parallel, and throttled operations (429) are
        sent again within the client's retry budget while that partition's pace is halved; the pace grows
        again while the partition keeps up. Unlike :meth:`execute_item_batch` nothing is atomic: each
        operation succeeds or fails on its own, and a failure is reported in its result, not raised.

        The input is read as the returned iterator is consumed, at most a bounded number of operations
        ahead of the results (so an input of millions stays in bounded memory); stopping the iteration
        early stops sending (operations already sent may have been applied).

        Example::

            items = ({"id": str(n), "pk": str(n % 10)} for n in range(100_000))
            for result in container.execute_item_bulk(("upsert", (item,)) for item in items):
                if not result.ok:
                    print(result.index, result.status_code, result.error)

        :param operations: The operations, as for :meth:`execute_item_batch`: ``("create", (item,))``,
            ``("upsert", (item,))``, ``("replace", (id, item))``, ``("read", (id,), {"partition_key": pk})``,
            ``("delete", (id,), {"partition_key": pk})``, ``("patch", (id, patch_operations), {"partition_key": pk})``;
            the options dict may also hold ``if_match_etag``, ``if_none_match_etag`` and (patch)
            ``filter_predicate``. Writes of a whole item take its partition key from the item.
        :type operations: Iterable[Union[tuple[str, tuple[Any, ...]], tuple[str, tuple[Any, ...], dict[str, Any]]]]
        :keyword bool ordered: Yield results in input order (default), or as they complete (``False``, which
            never waits behind a slow partition).
        :keyword int max_concurrency: Bulk requests in flight at once over all partitions (default 16).
        :keyword progress: ``True`` draws a tqdm progress bar (needs ``tqdm``); a callable is called with
            ``(completed, submitted)`` as results arrive.
        :paramtype progress: Union[bool, Callable[[int, int], None]]
        :keyword Literal["High", "Low"] priority: Priority of the requests once the account's throughput is
            exhausted.
        :keyword int throughput_bucket: The throughput bucket for these requests.
        :keyword dict[str, str] initial_headers: Extra headers to send with each request.
        :keyword float timeout: Budget in seconds for each bulk request (an operation whose request ran out of
            it reports :class:`~azure.cosmos.exceptions.CosmosClientTimeoutError` as its ``error``).
        :returns: One result per operation.
        :rtype: Iterator[~azure.cosmos.bulk.BulkOperationResult]
        :raises TypeError: A keyword has the wrong type, or an operation's options are not a dict (raised
            when the iteration reaches it; earlier operations may have been sent).
        :raises ValueError: An operation needs a partition key it does not name (as above).
        :raises ~azure.cosmos.exceptions.CosmosResourceNotFoundError: The container does not exist.
        """
        check_bulk_arguments(ordered, max_concurrency, progress)
        options, _ = _request_options.build(kwargs, self.client_connection.defaults, priority=priority,
                                            throughput_bucket=throughput_bucket)
        return self._bulk(operations, options, ordered, max_concurrency, progress)

    def _bulk(self, operations: Iterable[Any], options: dict, ordered: bool, max_concurrency: Optional[int],
              progress: Any) -> Iterator[BulkOperationResult]:
        shaper = BulkShaper(self._properties().get("partitionKey") or {})
        results = BulkResults(ordered, progress, bulk_operation_count(operations))
        executor = self._engine.bulk_executor(self._database_id, self.id, max_concurrency, None, options)
        source = iter(operations)
        exhausted = False
        try:
            while True:
                if not exhausted and results.held < executor.capacity:
                    rows = results.take(source, shaper)
                    if rows:
                        executor.submit(rows)
                    else:
                        executor.close()
                        exhausted = True
                # Wait for results only when there is nothing to hand over.
                rows = executor.results(exhausted or results.held >= executor.capacity)
                if rows is None:
                    return
                yield from results.accept(rows)
        finally:
            executor.cancel()
            results.close()

    # ---- read-many, partition-key delete ---------------------------------------------

    @distributed_trace
    @accepts_documented_keywords
    def read_items(
        self,
        items: Sequence[tuple[str, PartitionKeyType]],
        *,
        executor: Optional[Any] = None,
        max_concurrency: Optional[int] = None,
        consistency_level: Optional[str] = None,
        session_token: Optional[str] = None,
        initial_headers: Optional[dict[str, str]] = None,
        excluded_locations: Optional[list[str]] = None,
        priority: Optional[Literal["High", "Low"]] = None,
        throughput_bucket: Optional[int] = None,
        availability_strategy: Optional[Union[bool, dict[str, Any]]] = None,
        **kwargs: Any,
    ) -> CosmosList:
        """Read many items by id and partition key: one query per physical partition, run concurrently.

        :param items: ``(id, partition key)`` pairs.
        :type items: Sequence[tuple[str, ~azure.cosmos.partition_key.PartitionKeyType]]
        :keyword executor: Accepted for compatibility: the engine runs the queries concurrently itself
            (no thread pool).
        :paramtype executor: ~concurrent.futures.ThreadPoolExecutor
        :keyword int max_concurrency: How many of the per-partition queries run at once (default 10, as 4.x).
        :keyword str consistency_level: The consistency level of the reads.
        :keyword str session_token: Token for use with Session consistency.
        :keyword dict[str, str] initial_headers: Extra headers to send with the requests.
        :keyword list[str] excluded_locations: Region names not to send these requests to.
        :keyword Literal["High", "Low"] priority: Priority of the requests once the account's throughput is
            exhausted.
        :keyword int throughput_bucket: The throughput bucket for these requests.
        :keyword availability_strategy: Cross-region hedging for this call (``True``, ``False`` or a dict with
            ``threshold_ms``), overriding the client's; the engine hedges reads, given several read regions.
        :paramtype availability_strategy: Union[bool, dict[str, Any]]
        :keyword response_hook: Called once with the headers (the request charge is the total) and the items.
        :paramtype response_hook: Callable[[Mapping[str, str], list[dict[str, Any]]], None]
        :returns: The items found, in the order they were asked for; missing ones are left out.
        :rtype: ~azure.cosmos.CosmosList
        """
        options, hook = _request_options.build(
            kwargs, self.client_connection.defaults, consistency_level=consistency_level,
            availability_strategy=availability_strategy,
            session_token=session_token, initial_headers=initial_headers, excluded_locations=excluded_locations,
            priority=priority, throughput_bucket=throughput_bucket)
        wanted = read_many_request(items, self._partition_key)
        response = self._engine.read_items(self._database_id, self.id, wanted, options, max_concurrency)
        return read_many_result(self._properties(), wanted, response, self.client_connection.record_headers, hook)

    @distributed_trace
    @accepts_documented_keywords
    def delete_all_items_by_partition_key(
        self,
        partition_key: PartitionKeyType,
        *,
        pre_trigger_include: Optional[str] = None,
        post_trigger_include: Optional[str] = None,
        session_token: Optional[str] = None,
        throughput_bucket: Optional[int] = None,
        response_hook: Optional[Callable[[Mapping[str, str], None], None]] = None,
        **kwargs: Any,
    ) -> None:
        """Delete every item of a logical partition (the service does it in the background).

        :param partition_key: The logical partition to empty.
        :type partition_key: ~azure.cosmos.partition_key.PartitionKeyType
        :keyword str pre_trigger_include: Id of a trigger to run before the operation.
        :keyword str post_trigger_include: Id of a trigger to run after the operation.
        :keyword str session_token: Token for use with Session consistency.
        :keyword int throughput_bucket: The throughput bucket for this request.
        :keyword Sequence[str] excluded_locations: Region names not to send this request to.
        :keyword response_hook: Called with the response headers and ``None``.
        :paramtype response_hook: Callable[[Mapping[str, str], None], None]
        """
        options, hook = _request_options.build(
            kwargs, self.client_connection.defaults, pre_trigger_include=pre_trigger_include,
            post_trigger_include=post_trigger_include, session_token=session_token,
            throughput_bucket=throughput_bucket, response_hook=response_hook)
        response = self._engine.delete_all_items_by_partition_key(self._database_id, self.id,
                                                                  self._partition_key(partition_key), options)
        self.client_connection.no_result(response, hook)

    # ---- change feed ------------------------------------------------------------------

    @overload
    def query_items_change_feed(
        self,
        *,
        partition_key: PartitionKeyType,
        start_time: Optional[Union[datetime.datetime, Literal["Now", "Beginning"]]] = None,
        max_item_count: Optional[int] = None,
        mode: Optional[Literal["LatestVersion", "AllVersionsAndDeletes"]] = None,
        priority: Optional[Literal["High", "Low"]] = None,
        initial_headers: Optional[dict[str, str]] = None,
        excluded_locations: Optional[Sequence[str]] = None,
        availability_strategy: Optional[Union[bool, dict[str, Any]]] = None,
        response_hook: Optional[Callable[[Mapping[str, str], dict[str, Any]], None]] = None,
        **kwargs: Any,
    ) -> CosmosItemPaged: ...

    @overload
    def query_items_change_feed(
        self,
        *,
        feed_range: dict[str, Any],
        start_time: Optional[Union[datetime.datetime, Literal["Now", "Beginning"]]] = None,
        max_item_count: Optional[int] = None,
        mode: Optional[Literal["LatestVersion", "AllVersionsAndDeletes"]] = None,
        priority: Optional[Literal["High", "Low"]] = None,
        initial_headers: Optional[dict[str, str]] = None,
        excluded_locations: Optional[Sequence[str]] = None,
        availability_strategy: Optional[Union[bool, dict[str, Any]]] = None,
        response_hook: Optional[Callable[[Mapping[str, str], dict[str, Any]], None]] = None,
        **kwargs: Any,
    ) -> CosmosItemPaged: ...

    @overload
    def query_items_change_feed(
        self,
        *,
        continuation: str,
        max_item_count: Optional[int] = None,
        priority: Optional[Literal["High", "Low"]] = None,
        initial_headers: Optional[dict[str, str]] = None,
        excluded_locations: Optional[Sequence[str]] = None,
        availability_strategy: Optional[Union[bool, dict[str, Any]]] = None,
        response_hook: Optional[Callable[[Mapping[str, str], dict[str, Any]], None]] = None,
        **kwargs: Any,
    ) -> CosmosItemPaged: ...

    @overload
    def query_items_change_feed(
        self,
        *,
        start_time: Optional[Union[datetime.datetime, Literal["Now", "Beginning"]]] = None,
        max_item_count: Optional[int] = None,
        mode: Optional[Literal["LatestVersion", "AllVersionsAndDeletes"]] = None,
        priority: Optional[Literal["High", "Low"]] = None,
        initial_headers: Optional[dict[str, str]] = None,
        excluded_locations: Optional[Sequence[str]] = None,
        availability_strategy: Optional[Union[bool, dict[str, Any]]] = None,
        response_hook: Optional[Callable[[Mapping[str, str], dict[str, Any]], None]] = None,
        **kwargs: Any,
    ) -> CosmosItemPaged: ...

    @distributed_trace
    @accepts_documented_keywords
    def query_items_change_feed(self, *args: Any, **kwargs: Any) -> CosmosItemPaged:
        """The changes of the container's items, in the order in which they were made (per partition).

        An iteration ends once every partition has answered "no changes"; the token to poll again
        later is then ``by_page().continuation_token``, and also the ``etag`` of the last response
        headers (``client_connection.last_response_headers["etag"]``), as in 4.x. The legacy positional
        form ``(partition_key_range_id, is_start_from_beginning, continuation, max_item_count)`` is taken too.

        :param Any args: The legacy positional arguments.
        :keyword start_time: Where to start: ``"Beginning"``, ``"Now"`` (the default) or a datetime
            (naive datetimes are taken as UTC). Ignored when resuming from ``continuation``.
        :paramtype start_time: Union[~datetime.datetime, Literal["Now", "Beginning"]]
        :keyword str continuation: A token from an earlier iteration, to resume right after it.
        :keyword partition_key: Read the changes of this logical partition only.
        :paramtype partition_key: ~azure.cosmos.partition_key.PartitionKeyType
        :keyword dict[str, Any] feed_range: Read the changes of this feed range only (see
            :meth:`read_feed_ranges`).
        :keyword int max_item_count: Maximum number of changes per page.
        :keyword mode: ``"LatestVersion"`` (the default: the latest version of changed items) or
            ``"AllVersionsAndDeletes"`` (every version and the deletes, with metadata; starts "Now").
        :paramtype mode: Literal["LatestVersion", "AllVersionsAndDeletes"]
        :keyword bool is_start_from_beginning: Deprecated: ``start_time="Beginning"``.
        :keyword str partition_key_range_id: Deprecated in 4.x and not supported here (use ``feed_range``).
        :keyword Literal["High", "Low"] priority: Priority of the requests once the account's throughput is
            exhausted.
        :keyword dict[str, str] initial_headers: Extra headers to send with each request.
        :keyword Sequence[str] excluded_locations: Region names not to send these requests to.
        :keyword availability_strategy: Cross-region hedging for this call (``True``, ``False`` or a dict with
            ``threshold_ms``), overriding the client's; the engine hedges reads, given several read regions.
        :paramtype availability_strategy: Union[bool, dict[str, Any]]
        :keyword response_hook: Called for each page with its response headers and the page.
        :paramtype response_hook: Callable[[Mapping[str, str], dict[str, Any]], None]
        :returns: The changes, fetched page by page.
        :rtype: ~azure.cosmos._cosmos_responses.CosmosItemPaged[dict[str, Any]]
        :raises ValueError: An unknown mode or start time, ``partition_key`` with ``feed_range``, or
            AllVersionsAndDeletes from a start other than "Now".
        """
        bind_change_feed_positionals(args, kwargs)
        feed = change_feed_arguments(kwargs)
        options, hook = _request_options.build(kwargs, self.client_connection.defaults, query=True)
        if hook is not None and hasattr(hook, "clear"):
            hook.clear()
        partition_key = None if feed["partition_key"] is None else self._partition_key(feed["partition_key"])
        engine = self._engine
        database_id, container_id = self._database_id, self.id

        def start(continuation: Optional[str]) -> Any:
            return engine.query_items_change_feed(
                database_id, container_id, feed["mode"], None if continuation else feed["start"], partition_key,
                feed["feed_range"], with_continuation(options, continuation or feed["continuation"]))

        headers = CaseInsensitiveDict()
        return CosmosItemPaged(start, self.client_connection.page_callback(headers, hook, "Documents"),
                               response_headers=headers)

    # ---- feed ranges and session tokens -------------------------------------------------

    @distributed_trace
    @accepts_documented_keywords
    def read_feed_ranges(self, *, force_refresh: bool = False, **kwargs: Any) -> Iterable[dict[str, Any]]:
        """The container's feed ranges: one per physical partition, together the whole container.

        :keyword bool force_refresh: Read the partition layout from the service, not from the cache
            (after a split).
        :returns: The feed ranges (opaque dicts: pass them to ``query_items(feed_range=...)``,
            ``query_items_change_feed(feed_range=...)``, :meth:`is_feed_range_subset`).
        :rtype: Iterable[dict[str, Any]]
        """
        options, _ = _request_options.build(kwargs, self.client_connection.defaults)
        engine, database_id, container_id = self._engine, self._database_id, self.id

        def get_next(_continuation: Any) -> list:
            return [from_bounds(bounds)
                    for bounds in engine.read_feed_ranges(database_id, container_id, force_refresh, options)]

        return ItemPaged(get_next, lambda ranges: (None, iter(ranges)))

    def feed_range_from_partition_key(self, partition_key: PartitionKeyType) -> dict[str, Any]:
        """The feed range of one partition-key value (a full or, for hierarchical keys, a prefix key).

        :param partition_key: The partition key value.
        :type partition_key: ~azure.cosmos.partition_key.PartitionKeyType
        :returns: The feed range (an opaque dict).
        :rtype: dict[str, Any]
        """
        return from_bounds(self._engine.feed_range_from_partition_key(
            self._database_id, self.id, self._partition_key(partition_key), {}))

    def is_feed_range_subset(self, parent_feed_range: dict[str, Any], child_feed_range: dict[str, Any]) -> bool:
        """Whether one feed range lies entirely within another (no request is made).

        :param parent_feed_range: The containing feed range.
        :type parent_feed_range: dict[str, Any]
        :param child_feed_range: The contained feed range.
        :type child_feed_range: dict[str, Any]
        :returns: ``True`` if every key of the child is in the parent.
        :rtype: bool
        """
        return feed_range_is_subset(parent_feed_range, child_feed_range)

    def get_latest_session_token(self, feed_ranges_to_session_tokens: list[tuple[dict[str, Any], str]],
                                 target_feed_range: dict[str, Any]) -> str:
        """The most recent session token for a feed range, from tokens collected per feed range.

        For callers that keep their own session tokens (the client keeps them otherwise). Use feed
        ranges and tokens of this container only.

        :param feed_ranges_to_session_tokens: ``(feed range, session token)`` pairs.
        :type feed_ranges_to_session_tokens: list[tuple[dict[str, Any], str]]
        :param target_feed_range: The feed range to get a token for.
        :type target_feed_range: dict[str, Any]
        :returns: The session token.
        :rtype: str
        :raises ValueError: None of the feed ranges overlaps the target.
        """
        return latest_session_token(feed_ranges_to_session_tokens, target_feed_range)

    # ---- throughput ---------------------------------------------------------------------

    def _query_offers(self, self_link: str, options: dict) -> list:
        pager = self._engine.query_offers(OFFER_QUERY, offer_query_parameters(self_link), options)
        offers: list = []
        page = pager.next_page()
        while page is not None:
            self.client_connection.record_headers(page.headers)
            offers.extend(load_feed_items(page.body))
            page = pager.next_page()
        return offers

    def _offers(self, options: dict) -> tuple[list, str]:
        """The offers provisioning this container (found by its ``_self``) and that link."""
        self_link = self._properties()["_self"]
        offers = self._query_offers(self_link, options)
        if not offers:
            # The cached properties may be those of an earlier container of the same name.
            self.client_connection.forget_container(self._database_id, self.id)
            fresh_link = self._properties()["_self"]
            if fresh_link != self_link:
                self_link, offers = fresh_link, self._query_offers(fresh_link, options)
        return offers, self_link

    @distributed_trace
    @accepts_documented_keywords
    def read_offer(self, **kwargs: Any) -> ThroughputProperties:
        """Deprecated name of :meth:`get_throughput` (warns with ``DeprecationWarning``).

        :keyword response_hook: Called with the response headers and the list of offers found.
        :paramtype response_hook: Callable[[Mapping[str, str], list[dict[str, Any]]], None]
        :returns: The container's throughput.
        :rtype: ~azure.cosmos.ThroughputProperties
        :raises ~azure.cosmos.exceptions.CosmosResourceNotFoundError: The container has no throughput of its
            own (it shares its database's).
        """
        warnings.warn("read_offer is a deprecated method name, use get_throughput instead", DeprecationWarning)
        return self.get_throughput(**kwargs)

    @distributed_trace
    @accepts_documented_keywords
    def get_throughput(
        self,
        *,
        response_hook: Optional[Callable[[Mapping[str, Any], list[dict[str, Any]]], None]] = None,
        **kwargs: Any,
    ) -> ThroughputProperties:
        """The container's provisioned throughput (its offer).

        :keyword response_hook: Called with the response headers and the list of offers found.
        :paramtype response_hook: Callable[[Mapping[str, str], list[dict[str, Any]]], None]
        :keyword str session_token: Token for use with Session consistency.
        :keyword dict[str, str] initial_headers: Extra headers to send with the request.
        :returns: The manual throughput (``offer_throughput``) or the autoscale settings
            (``auto_scale_max_throughput``, ``auto_scale_increment_percent``), with the offer as ``properties``.
        :rtype: ~azure.cosmos.ThroughputProperties
        :raises ~azure.cosmos.exceptions.CosmosResourceNotFoundError: The container has no throughput of its
            own (it shares its database's), or the container does not exist.
        """
        options, _ = _request_options.build(kwargs, self.client_connection.defaults)
        offers, self_link = self._offers(options)
        if response_hook is not None:
            response_hook(self.client_connection.last_response_headers, offers)
        return throughput_properties(only_offer(offers, "container " + self_link))

    @distributed_trace
    @accepts_documented_keywords
    def replace_throughput(
        self,
        throughput: Union[int, ThroughputProperties],
        *,
        response_hook: Optional[Callable[[Mapping[str, Any], CosmosDict], None]] = None,
        **kwargs: Any,
    ) -> ThroughputProperties:
        """Change the container's provisioned throughput.

        :param throughput: The new manual throughput in RU/s, or a
            :class:`~azure.cosmos.ThroughputProperties` (``auto_scale_max_throughput`` for an autoscale offer).
        :type throughput: Union[int, ~azure.cosmos.ThroughputProperties]
        :keyword response_hook: Called with the response headers and the replaced offer.
        :paramtype response_hook: Callable[[Mapping[str, str], CosmosDict], None]
        :keyword str session_token: Token for use with Session consistency.
        :keyword dict[str, str] initial_headers: Extra headers to send with the requests.
        :returns: The throughput as replaced, with the new offer as ``properties``.
        :rtype: ~azure.cosmos.ThroughputProperties
        :raises ~azure.cosmos.exceptions.CosmosResourceNotFoundError: The container has no throughput of its
            own (it shares its database's; 4.x fails with an ``IndexError`` there), or does not exist.
        :raises TypeError: ``throughput`` is neither an ``int`` nor a ``ThroughputProperties``.
        :raises ValueError: The change would switch the offer between manual and autoscale.
        """
        options, _ = _request_options.build(kwargs, self.client_connection.defaults)
        offers, self_link = self._offers(options)
        offer_id, body = replacement_offer(only_offer(offers, "container " + self_link), throughput)
        response = self._engine.replace_offer(offer_id, body, options)
        return replaced_throughput(self.client_connection.result(response, response_hook))

    # ---- conflicts ----------------------------------------------------------------------

    def _conflicts(self, query: Optional[str], parameters: Any, partition_key: Any, options: dict,
                   hook: ResponseHook) -> CosmosItemPaged:
        engine, database_id, container_id = self._engine, self._database_id, self.id
        key = None if partition_key is None else self._partition_key(partition_key)
        body = None if query is None else dump_parameters(parameters)

        def start(continuation: Optional[str]) -> Any:
            return engine.query_conflicts(database_id, container_id, query, body, key,
                                          with_continuation(options, continuation))

        headers = CaseInsensitiveDict()
        return CosmosItemPaged(start, self.client_connection.page_callback(headers, hook, "Conflicts"),
                               response_headers=headers)

    @distributed_trace
    @accepts_documented_keywords
    def list_conflicts(self, max_item_count: Optional[int] = None, *, response_hook: ResponseHook = None,
                       **kwargs: Any) -> CosmosItemPaged:
        """List the container's conflicts (writes in several regions that the account's conflict
        resolution policy could not merge).

        :param int max_item_count: Maximum number of conflicts per page.
        :keyword response_hook: Called for each page with its response headers and the page.
        :paramtype response_hook: Callable[[Mapping[str, str], dict[str, Any]], None]
        :returns: The conflicts, fetched page by page.
        :rtype: ~azure.cosmos._cosmos_responses.CosmosItemPaged[dict[str, Any]]
        """
        options, hook = _request_options.build(kwargs, self.client_connection.defaults, query=True,
                                               max_item_count=max_item_count, response_hook=response_hook)
        return self._conflicts(None, None, None, options, hook)

    @distributed_trace
    @accepts_documented_keywords
    def query_conflicts(
        self,
        query: str,
        parameters: Optional[list[dict[str, Any]]] = None,
        enable_cross_partition_query: Optional[bool] = None,
        partition_key: Optional[PartitionKeyType] = None,
        max_item_count: Optional[int] = None,
        *,
        response_hook: ResponseHook = None,
        **kwargs: Any,
    ) -> CosmosItemPaged[Any]:
        """Query the container's conflicts.

        :param str query: The query, e.g. ``SELECT * FROM c WHERE c.operationType = 'create'``.
        :param parameters: Query parameters, each ``{"name": ..., "value": ...}``.
        :type parameters: list[dict[str, Any]]
        :param bool enable_cross_partition_query: Accepted for compatibility: without a partition key the
            query runs across partitions.
        :param partition_key: Query the conflicts of this logical partition only.
        :type partition_key: ~azure.cosmos.partition_key.PartitionKeyType
        :param int max_item_count: Maximum number of conflicts per page.
        :keyword response_hook: Called for each page with its response headers and the page.
        :paramtype response_hook: Callable[[Mapping[str, str], dict[str, Any]], None]
        :returns: The conflicts, fetched page by page.
        :rtype: ~azure.cosmos._cosmos_responses.CosmosItemPaged[dict[str, Any]]
        """
        options, hook = _request_options.build(kwargs, self.client_connection.defaults, query=True,
                                               max_item_count=max_item_count, response_hook=response_hook)
        return self._conflicts(query, parameters, partition_key, options, hook)

    @distributed_trace
    @accepts_documented_keywords
    def get_conflict(self, conflict: Union[str, Mapping[str, Any]], partition_key: PartitionKeyType,
                     **kwargs: Any) -> CosmosDict:
        """Read one conflict.

        :param conflict: The conflict's id, or the conflict dict.
        :type conflict: Union[str, dict[str, Any]]
        :param partition_key: The partition key of the conflict.
        :type partition_key: ~azure.cosmos.partition_key.PartitionKeyType
        :keyword response_hook: Called with the response headers and the conflict.
        :paramtype response_hook: Callable[[Mapping[str, str], CosmosDict], None]
        :returns: The conflict.
        :rtype: ~azure.cosmos.CosmosDict
        :raises ~azure.cosmos.exceptions.CosmosResourceNotFoundError: The conflict does not exist.
        """
        options, hook = _request_options.build(kwargs, self.client_connection.defaults)
        response = self._engine.read_conflict(self._database_id, self.id, item_id(conflict),
                                              self._partition_key(partition_key), options)
        return self.client_connection.result(response, hook)

    @distributed_trace
    @accepts_documented_keywords
    def delete_conflict(self, conflict: Union[str, Mapping[str, Any]], partition_key: PartitionKeyType,
                        **kwargs: Any) -> None:
        """Delete one conflict.

        :param conflict: The conflict's id, or the conflict dict.
        :type conflict: Union[str, dict[str, Any]]
        :param partition_key: The partition key of the conflict.
        :type partition_key: ~azure.cosmos.partition_key.PartitionKeyType
        :keyword response_hook: Called with the response headers and ``None``.
        :paramtype response_hook: Callable[[Mapping[str, str], None], None]
        :raises ~azure.cosmos.exceptions.CosmosResourceNotFoundError: The conflict does not exist.
        """
        options, hook = _request_options.build(kwargs, self.client_connection.defaults)
        response = self._engine.delete_conflict(self._database_id, self.id, item_id(conflict),
                                                self._partition_key(partition_key), options)
        self.client_connection.no_result(response, hook)

    # ---- semantic reranking -------------------------------------------------------------

    @distributed_trace
    def semantic_rerank(self, *, context: str, documents: list[str],
                        options: Optional[dict[str, Any]] = None) -> CosmosDict:
        """**provisional** Rerank documents by their relevance to a context, with the semantic reranker.

        :keyword str context: The reranking context or query.
        :keyword list[str] documents: The documents to rerank.
        :keyword dict[str, Any] options: Reranking options (``return_documents``, ``top_k``, ``batch_size``,
            ``sort``, ``document_type``, ``target_paths``).
        :returns: The reranking results.
        :rtype: ~azure.cosmos.CosmosDict
        :raises ~azure.cosmos.exceptions.CosmosHttpResponseError: For a key-authenticated client (as 4.x: the
            inference service takes Microsoft Entra ID credentials only).
        :raises NotImplementedError: For an Entra ID client: the inference service call is not built yet.
        """
        raise semantic_rerank_unavailable(self.client_connection.uses_token_credential)
