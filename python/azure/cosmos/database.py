# The MIT License (MIT)
"""Databases: their properties and the containers in them (synchronous)."""
from __future__ import annotations

import warnings
from typing import Any, Callable, Literal, Mapping, Optional, Union, overload

from azure.core.utils import CaseInsensitiveDict

from . import _request_options
from ._client_connection import CosmosClientConnection
from ._cosmos_responses import CosmosDict, CosmosItemPaged
from ._global_secondary_index import GlobalSecondaryIndexDefinition, normalize_properties as normalize_gsi_properties
from ._request_builders import (
    container_definition, drop_ignored, gsi_source_to_resolve, query_spec, resource_id, set_gsi_source_rid,
    take_arguments, throughput_options, with_continuation,
)
from ._request_options import accepts_documented_keywords
from ._request_throughput import (
    OFFER_QUERY, offer_query_parameters, only_offer, replaced_throughput, replacement_offer, throughput_properties,
)
from ._request_users import USERS, resource_body, user_id
from ._serialization import dump_json, dump_parameters, load_feed_items
from ._tracing import distributed_trace
from .container import ContainerProxy
from .exceptions import CosmosResourceNotFoundError
from .offer import ThroughputProperties
from .partition_key import PartitionKey
from .user import UserProxy

__all__ = ("DatabaseProxy",)

_LIST_CONTAINERS = "SELECT * FROM root"
# Positional parameters of the (*args, **kwargs) methods, in 4.x's order.
_CREATE_POSITIONAL = ("id", "partition_key", "indexing_policy", "default_ttl", "populate_query_metrics",
                      "offer_throughput", "unique_key_policy", "conflict_resolution_policy")
_REPLACE_POSITIONAL = ("container", "partition_key", "indexing_policy", "default_ttl", "conflict_resolution_policy",
                       "populate_query_metrics")
_CONTAINER_KEYWORDS = ("analytical_storage_ttl", "computed_properties", "vector_embedding_policy",
                       "change_feed_policy", "full_text_policy", "global_secondary_index")
_IGNORED = ("session_token", "etag", "match_condition")


def _warn_query_metrics(value: Optional[bool]) -> None:
    if value is not None:
        warnings.warn(
            "the populate_query_metrics flag does not apply to this method and will be removed in the future",
            DeprecationWarning,
            stacklevel=3,
        )


class DatabaseProxy:
    """A database of the account and the containers in it.

    Get one with :meth:`CosmosClient.get_database_client` (no request) rather than constructing it.

    :ivar str id: The database id (name).
    :ivar str database_link: ``dbs/{id}``.
    """

    def __init__(
        self,
        client_connection: CosmosClientConnection,
        id: str,  # pylint: disable=redefined-builtin
        properties: Optional[dict[str, Any]] = None,
    ) -> None:
        """
        :param client_connection: The client's connection state.
        :param str id: The database id (name).
        :param dict properties: The database properties, when already known.
        """
        self.client_connection = client_connection
        self.id = id
        self.database_link: str = "dbs/{}".format(self.id)
        self._properties: Optional[dict[str, Any]] = properties

    def __repr__(self) -> str:
        return "<DatabaseProxy [{}]>".format(self.database_link)[:1024]

    @property
    def _engine(self) -> Any:
        return self.client_connection.engine

    def _container_proxy(self, properties: Mapping[str, Any]) -> ContainerProxy:
        return ContainerProxy(self.client_connection, self.database_link, properties["id"], properties=properties)

    @distributed_trace
    @accepts_documented_keywords
    def read(
        self,
        populate_query_metrics: Optional[bool] = None,
        *,
        initial_headers: Optional[dict[str, str]] = None,
        **kwargs: Any,
    ) -> CosmosDict:
        """Read the database's properties.

        :keyword dict[str, str] initial_headers: Extra headers to send with the request.
        :keyword response_hook: Called with the response headers and the properties.
        :paramtype response_hook: Callable[[Mapping[str, Any], CosmosDict], None]
        :keyword int throughput_bucket: The throughput bucket for this request.
        :keyword str session_token: Token for use with Session consistency.
        :returns: The database properties.
        :rtype: ~azure.cosmos.CosmosDict
        :raises ~azure.cosmos.exceptions.CosmosResourceNotFoundError: The database does not exist.
        """
        _warn_query_metrics(populate_query_metrics)
        options, hook = _request_options.build(kwargs, self.client_connection.defaults,
                                               initial_headers=initial_headers)
        response = self._engine.read_database(self.id, options)
        self._properties = self.client_connection.result(response, hook)
        return self._properties

    # ---- containers ---------------------------------------------------------------

    @overload
    def create_container(
        self,
        id: str,  # pylint: disable=redefined-builtin
        partition_key: PartitionKey,
        indexing_policy: Optional[dict[str, Any]] = None,
        default_ttl: Optional[int] = None,
        populate_query_metrics: Optional[bool] = None,
        offer_throughput: Optional[Union[int, ThroughputProperties]] = None,
        unique_key_policy: Optional[dict[str, Any]] = None,
        conflict_resolution_policy: Optional[dict[str, Any]] = None,
        *,
        initial_headers: Optional[dict[str, str]] = None,
        analytical_storage_ttl: Optional[int] = None,
        computed_properties: Optional[list[dict[str, str]]] = None,
        vector_embedding_policy: Optional[dict[str, Any]] = None,
        change_feed_policy: Optional[dict[str, Any]] = None,
        full_text_policy: Optional[dict[str, Any]] = None,
        global_secondary_index: Optional[Union[GlobalSecondaryIndexDefinition, dict[str, Any]]] = None,
        return_properties: Literal[False] = False,
        **kwargs: Any,
    ) -> ContainerProxy: ...

    @overload
    def create_container(
        self,
        id: str,  # pylint: disable=redefined-builtin
        partition_key: PartitionKey,
        indexing_policy: Optional[dict[str, Any]] = None,
        default_ttl: Optional[int] = None,
        populate_query_metrics: Optional[bool] = None,
        offer_throughput: Optional[Union[int, ThroughputProperties]] = None,
        unique_key_policy: Optional[dict[str, Any]] = None,
        conflict_resolution_policy: Optional[dict[str, Any]] = None,
        *,
        initial_headers: Optional[dict[str, str]] = None,
        analytical_storage_ttl: Optional[int] = None,
        computed_properties: Optional[list[dict[str, str]]] = None,
        vector_embedding_policy: Optional[dict[str, Any]] = None,
        change_feed_policy: Optional[dict[str, Any]] = None,
        full_text_policy: Optional[dict[str, Any]] = None,
        global_secondary_index: Optional[Union[GlobalSecondaryIndexDefinition, dict[str, Any]]] = None,
        return_properties: Literal[True],
        **kwargs: Any,
    ) -> tuple[ContainerProxy, CosmosDict]: ...

    @distributed_trace
    @accepts_documented_keywords
    def create_container(self, *args: Any, **kwargs: Any) -> Union[ContainerProxy, tuple[ContainerProxy, CosmosDict]]:
        """Create a container.

        :param str id: The container id (name).
        :param ~azure.cosmos.PartitionKey partition_key: The partition key definition, e.g.
            ``PartitionKey(path="/tenant")`` or, hierarchical, ``PartitionKey(path=["/tenant", "/user"], kind="MultiHash")``.
        :param dict[str, Any] indexing_policy: The indexing policy.
        :param int default_ttl: Default time to live of items in seconds (-1: no expiry unless an item sets one).
        :param bool populate_query_metrics: Deprecated and ignored (with a warning).
        :param offer_throughput: Throughput to provision for the container.
        :type offer_throughput: Union[int, ~azure.cosmos.ThroughputProperties]
        :param dict[str, Any] unique_key_policy: The unique key policy.
        :param dict[str, Any] conflict_resolution_policy: The conflict resolution policy.
        :keyword dict[str, str] initial_headers: Extra headers to send with the request.
        :keyword response_hook: Called with the response headers and the container properties.
        :paramtype response_hook: Callable[[Mapping[str, Any], CosmosDict], None]
        :keyword int analytical_storage_ttl: Analytical store time to live (-1: on, no expiry; accounts with
            Synapse Link only).
        :keyword list[dict[str, str]] computed_properties: Computed properties of the container.
        :keyword dict[str, Any] vector_embedding_policy: Vector embedding policy (paths, dimensions, data type,
            distance function).
        :keyword dict[str, Any] change_feed_policy: Change feed policy (``retentionDuration``).
        :keyword dict[str, Any] full_text_policy: Full text policy (default language and per-path languages).
        :keyword global_secondary_index: **provisional** Make the container a global secondary index of a
            source container (a projection query over it); the source is read first for its ``_rid``.
        :paramtype global_secondary_index: ~azure.cosmos.GlobalSecondaryIndexDefinition or dict[str, Any]
        :keyword bool return_properties: Return ``(ContainerProxy, properties)`` instead of the proxy alone.
        :returns: The new container's proxy, or the proxy and the container properties.
        :rtype: ~azure.cosmos.ContainerProxy or tuple[~azure.cosmos.ContainerProxy, ~azure.cosmos.CosmosDict]
        :raises ~azure.cosmos.exceptions.CosmosResourceExistsError: A container with this id exists.
        """
        drop_ignored(kwargs, _IGNORED)
        bound = take_arguments("create_container", args, kwargs, _CREATE_POSITIONAL, required=2)
        return self._create_container(bound, kwargs)

    def _container_definition(self, container_id: str, bound: dict) -> dict:
        # The service finds a global secondary index's source by _rid: read it when only the id is given.
        definition = container_definition(container_id, bound)
        source = gsi_source_to_resolve(definition)
        if source is not None:
            set_gsi_source_rid(definition, self.get_container_client(source).read()["_rid"])
        return definition

    def _create_container(self, bound: dict, kwargs: dict) -> Union[ContainerProxy, tuple]:
        _warn_query_metrics(bound.pop("populate_query_metrics"))
        for name in _CONTAINER_KEYWORDS:
            bound[name] = kwargs.pop(name, None)
        return_properties = kwargs.pop("return_properties", False)
        definition = self._container_definition(bound["id"], bound)
        options, hook = _request_options.build(kwargs, self.client_connection.defaults)
        options.update(throughput_options(bound["offer_throughput"]))
        response = self._engine.create_container(self.id, dump_json(definition), options)
        properties = normalize_gsi_properties(self.client_connection.result(response, hook))
        proxy = self._container_proxy(properties)
        return (proxy, properties) if return_properties else proxy

    @overload
    def create_container_if_not_exists(
        self,
        id: str,  # pylint: disable=redefined-builtin
        partition_key: PartitionKey,
        indexing_policy: Optional[dict[str, Any]] = None,
        default_ttl: Optional[int] = None,
        populate_query_metrics: Optional[bool] = None,
        offer_throughput: Optional[Union[int, ThroughputProperties]] = None,
        unique_key_policy: Optional[dict[str, Any]] = None,
        conflict_resolution_policy: Optional[dict[str, Any]] = None,
        *,
        initial_headers: Optional[dict[str, str]] = None,
        analytical_storage_ttl: Optional[int] = None,
        computed_properties: Optional[list[dict[str, str]]] = None,
        vector_embedding_policy: Optional[dict[str, Any]] = None,
        change_feed_policy: Optional[dict[str, Any]] = None,
        full_text_policy: Optional[dict[str, Any]] = None,
        global_secondary_index: Optional[Union[GlobalSecondaryIndexDefinition, dict[str, Any]]] = None,
        return_properties: Literal[False] = False,
        **kwargs: Any,
    ) -> ContainerProxy: ...

    @overload
    def create_container_if_not_exists(
        self,
        id: str,  # pylint: disable=redefined-builtin
        partition_key: PartitionKey,
        indexing_policy: Optional[dict[str, Any]] = None,
        default_ttl: Optional[int] = None,
        populate_query_metrics: Optional[bool] = None,
        offer_throughput: Optional[Union[int, ThroughputProperties]] = None,
        unique_key_policy: Optional[dict[str, Any]] = None,
        conflict_resolution_policy: Optional[dict[str, Any]] = None,
        *,
        initial_headers: Optional[dict[str, str]] = None,
        analytical_storage_ttl: Optional[int] = None,
        computed_properties: Optional[list[dict[str, str]]] = None,
        vector_embedding_policy: Optional[dict[str, Any]] = None,
        change_feed_policy: Optional[dict[str, Any]] = None,
        full_text_policy: Optional[dict[str, Any]] = None,
        global_secondary_index: Optional[Union[GlobalSecondaryIndexDefinition, dict[str, Any]]] = None,
        return_properties: Literal[True],
        **kwargs: Any,
    ) -> tuple[ContainerProxy, CosmosDict]: ...

    @distributed_trace
    @accepts_documented_keywords
    def create_container_if_not_exists(
        self, *args: Any, **kwargs: Any
    ) -> Union[ContainerProxy, tuple[ContainerProxy, CosmosDict]]:
        """Create a container unless it exists; return the existing one otherwise.

        The settings of an existing container (including its throughput) are not compared or changed.

        :param str id: The container id (name).
        :param ~azure.cosmos.PartitionKey partition_key: The partition key definition.
        :param dict[str, Any] indexing_policy: The indexing policy.
        :param int default_ttl: Default time to live of items in seconds.
        :param bool populate_query_metrics: Deprecated and ignored (with a warning).
        :param offer_throughput: Throughput to provision if the container is created.
        :type offer_throughput: Union[int, ~azure.cosmos.ThroughputProperties]
        :param dict[str, Any] unique_key_policy: The unique key policy.
        :param dict[str, Any] conflict_resolution_policy: The conflict resolution policy.
        :keyword dict[str, str] initial_headers: Extra headers to send with the requests.
        :keyword response_hook: Called with the response headers and the container properties.
        :paramtype response_hook: Callable[[Mapping[str, Any], CosmosDict], None]
        :keyword int analytical_storage_ttl: Analytical store time to live.
        :keyword list[dict[str, str]] computed_properties: Computed properties of the container.
        :keyword dict[str, Any] vector_embedding_policy: Vector embedding policy.
        :keyword dict[str, Any] change_feed_policy: Change feed policy.
        :keyword dict[str, Any] full_text_policy: Full text policy.
        :keyword global_secondary_index: **provisional** Make the container a global secondary index of a
            source container (a projection query over it); the source is read first for its ``_rid``.
        :paramtype global_secondary_index: ~azure.cosmos.GlobalSecondaryIndexDefinition or dict[str, Any]
        :keyword bool return_properties: Return ``(ContainerProxy, properties)`` instead of the proxy alone.
        :returns: The container's proxy, or the proxy and the container properties.
        :rtype: ~azure.cosmos.ContainerProxy or tuple[~azure.cosmos.ContainerProxy, ~azure.cosmos.CosmosDict]
        """
        drop_ignored(kwargs, _IGNORED)
        bound = take_arguments("create_container_if_not_exists", args, kwargs, _CREATE_POSITIONAL, required=2)
        return_properties = kwargs.get("return_properties", False)
        read_keywords = {name: kwargs[name] for name in ("initial_headers", "response_hook", "timeout")
                         if name in kwargs}
        try:
            proxy = self.get_container_client(bound["id"])
            properties = proxy.read(**read_keywords)
        except CosmosResourceNotFoundError:
            return self._create_container(bound, kwargs)
        return (proxy, properties) if return_properties else proxy

    def get_container_client(self, container: Union[str, ContainerProxy, Mapping[str, Any]]) -> ContainerProxy:
        """Get a proxy for a container; no request is made.

        :param container: The container id, a :class:`~azure.cosmos.ContainerProxy`, or its properties dict.
        :type container: Union[str, ~azure.cosmos.ContainerProxy, dict[str, Any]]
        :returns: A proxy for the container.
        :rtype: ~azure.cosmos.ContainerProxy
        """
        return ContainerProxy(self.client_connection, self.database_link, resource_id(container))

    @overload
    def replace_container(
        self,
        container: Union[str, ContainerProxy, Mapping[str, Any]],
        partition_key: PartitionKey,
        indexing_policy: Optional[dict[str, Any]] = None,
        default_ttl: Optional[int] = None,
        conflict_resolution_policy: Optional[dict[str, Any]] = None,
        populate_query_metrics: Optional[bool] = None,
        *,
        initial_headers: Optional[dict[str, str]] = None,
        analytical_storage_ttl: Optional[int] = None,
        computed_properties: Optional[list[dict[str, str]]] = None,
        full_text_policy: Optional[dict[str, Any]] = None,
        global_secondary_index: Optional[Union[GlobalSecondaryIndexDefinition, dict[str, Any]]] = None,
        return_properties: Literal[False] = False,
        **kwargs: Any,
    ) -> ContainerProxy: ...

    @overload
    def replace_container(
        self,
        container: Union[str, ContainerProxy, Mapping[str, Any]],
        partition_key: PartitionKey,
        indexing_policy: Optional[dict[str, Any]] = None,
        default_ttl: Optional[int] = None,
        conflict_resolution_policy: Optional[dict[str, Any]] = None,
        populate_query_metrics: Optional[bool] = None,
        *,
        initial_headers: Optional[dict[str, str]] = None,
        analytical_storage_ttl: Optional[int] = None,
        computed_properties: Optional[list[dict[str, str]]] = None,
        full_text_policy: Optional[dict[str, Any]] = None,
        global_secondary_index: Optional[Union[GlobalSecondaryIndexDefinition, dict[str, Any]]] = None,
        return_properties: Literal[True],
        **kwargs: Any,
    ) -> tuple[ContainerProxy, CosmosDict]: ...

    @distributed_trace
    @accepts_documented_keywords
    def replace_container(
        self, *args: Any, **kwargs: Any
    ) -> Union[ContainerProxy, tuple[ContainerProxy, CosmosDict]]:
        """Replace a container's settings. The partition key cannot change, but must be given.

        Settings left out (``None``) are reset to the service's defaults, as a replace does.

        :param container: The container id, a :class:`~azure.cosmos.ContainerProxy`, or its properties dict.
        :type container: Union[str, ~azure.cosmos.ContainerProxy, dict[str, Any]]
        :param ~azure.cosmos.PartitionKey partition_key: The container's (unchanged) partition key definition.
        :param dict[str, Any] indexing_policy: The indexing policy.
        :param int default_ttl: Default time to live of items in seconds.
        :param dict[str, Any] conflict_resolution_policy: The conflict resolution policy.
        :param bool populate_query_metrics: Deprecated and ignored (with a warning).
        :keyword dict[str, str] initial_headers: Extra headers to send with the request.
        :keyword response_hook: Called with the response headers and the container properties.
        :paramtype response_hook: Callable[[Mapping[str, Any], CosmosDict], None]
        :keyword int analytical_storage_ttl: Analytical store time to live.
        :keyword list[dict[str, str]] computed_properties: Computed properties of the container.
        :keyword dict[str, Any] full_text_policy: Full text policy.
        :keyword dict[str, Any] vector_embedding_policy: Vector embedding policy.
        :keyword global_secondary_index: **provisional** Make the container a global secondary index of a
            source container (a projection query over it); the source is read first for its ``_rid``.
        :paramtype global_secondary_index: ~azure.cosmos.GlobalSecondaryIndexDefinition or dict[str, Any]
        :keyword bool return_properties: Return ``(ContainerProxy, properties)`` instead of the proxy alone.
        :returns: The container's proxy, or the proxy and the new container properties.
        :rtype: ~azure.cosmos.ContainerProxy or tuple[~azure.cosmos.ContainerProxy, ~azure.cosmos.CosmosDict]
        :raises ~azure.cosmos.exceptions.CosmosHttpResponseError: The replace failed (e.g. the container does not
            exist).
        """
        drop_ignored(kwargs, _IGNORED)
        bound = take_arguments("replace_container", args, kwargs, _REPLACE_POSITIONAL, required=2)
        _warn_query_metrics(bound.pop("populate_query_metrics"))
        for name in ("analytical_storage_ttl", "computed_properties", "full_text_policy", "vector_embedding_policy",
                     "global_secondary_index"):
            bound[name] = kwargs.pop(name, None)
        return_properties = kwargs.pop("return_properties", False)
        container_id = resource_id(bound.pop("container"))
        definition = self._container_definition(container_id, bound)
        options, hook = _request_options.build(kwargs, self.client_connection.defaults)
        response = self._engine.replace_container(self.id, container_id, dump_json(definition), options)
        properties = normalize_gsi_properties(self.client_connection.result(response, hook))
        proxy = self._container_proxy(properties)
        return (proxy, properties) if return_properties else proxy

    @distributed_trace
    @accepts_documented_keywords
    def delete_container(
        self,
        container: Union[str, ContainerProxy, Mapping[str, Any]],
        populate_query_metrics: Optional[bool] = None,
        *,
        initial_headers: Optional[dict[str, str]] = None,
        **kwargs: Any,
    ) -> None:
        """Delete a container and its items.

        :param container: The container id, a :class:`~azure.cosmos.ContainerProxy`, or its properties dict.
        :type container: Union[str, ~azure.cosmos.ContainerProxy, dict[str, Any]]
        :keyword dict[str, str] initial_headers: Extra headers to send with the request.
        :keyword str session_token: Token for use with Session consistency.
        :keyword str etag: An etag for the ``match_condition`` check.
        :keyword ~azure.core.MatchConditions match_condition: The condition on ``etag``.
        :keyword response_hook: Called with the response headers and ``None``.
        :paramtype response_hook: Callable[[Mapping[str, Any], None], None]
        :raises ~azure.cosmos.exceptions.CosmosResourceNotFoundError: The container does not exist.
        """
        _warn_query_metrics(populate_query_metrics)
        options, hook = _request_options.build(kwargs, self.client_connection.defaults,
                                               initial_headers=initial_headers)
        container_id = resource_id(container)
        try:
            response = self._engine.delete_container(self.id, container_id, options)
        finally:
            self.client_connection.forget_container(self.id, container_id)
        self.client_connection.no_result(response, hook)

    @distributed_trace
    @accepts_documented_keywords
    def list_containers(
        self,
        max_item_count: Optional[int] = None,
        populate_query_metrics: Optional[bool] = None,
        *,
        initial_headers: Optional[dict[str, str]] = None,
        response_hook: Optional[Callable[[Mapping[str, Any], CosmosItemPaged], None]] = None,
        **kwargs: Any,
    ) -> CosmosItemPaged:
        """List the database's containers.

        :param int max_item_count: Maximum number of containers per page.
        :keyword dict[str, str] initial_headers: Extra headers to send with each request.
        :keyword str session_token: Token for use with Session consistency.
        :keyword response_hook: Called once, as in 4.x, with the client's last response headers and the
            iterable, when the iterable is created.
        :paramtype response_hook: Callable[[Mapping[str, Any], CosmosItemPaged], None]
        :returns: The container properties, fetched page by page.
        :rtype: ~azure.cosmos._cosmos_responses.CosmosItemPaged[dict[str, Any]]
        """
        return self._query_containers(None, None, max_item_count, populate_query_metrics, initial_headers,
                                      response_hook, kwargs)

    @distributed_trace
    @accepts_documented_keywords
    def query_containers(
        self,
        query: Optional[str] = None,
        parameters: Optional[list[dict[str, Any]]] = None,
        max_item_count: Optional[int] = None,
        populate_query_metrics: Optional[bool] = None,
        *,
        initial_headers: Optional[dict[str, str]] = None,
        response_hook: Optional[Callable[[Mapping[str, Any], CosmosItemPaged], None]] = None,
        **kwargs: Any,
    ) -> CosmosItemPaged[Any]:
        """Query the database's containers, e.g. ``SELECT * FROM root r WHERE r.id = @id``.

        :param str query: The query; ``None`` lists every container.
        :param parameters: Query parameters, each ``{"name": "@p", "value": ...}``.
        :type parameters: list[dict[str, Any]]
        :param int max_item_count: Maximum number of containers per page.
        :keyword dict[str, str] initial_headers: Extra headers to send with each request.
        :keyword response_hook: Called once, as in 4.x, with the client's last response headers and the
            iterable, when the iterable is created.
        :paramtype response_hook: Callable[[Mapping[str, Any], CosmosItemPaged], None]
        :returns: The matching container properties, fetched page by page.
        :rtype: ~azure.cosmos._cosmos_responses.CosmosItemPaged[dict[str, Any]]
        """
        return self._query_containers(query, parameters, max_item_count, populate_query_metrics, initial_headers,
                                      response_hook, kwargs)

    def _query_containers(self, query, parameters, max_item_count, populate_query_metrics, initial_headers,
                          response_hook, kwargs) -> CosmosItemPaged:
        _warn_query_metrics(populate_query_metrics)
        options, _ = _request_options.build(kwargs, self.client_connection.defaults, query=True,
                                            max_item_count=max_item_count, initial_headers=initial_headers)
        query, parameters = query_spec(query, parameters)
        text = query if query else _LIST_CONTAINERS
        parameter_bytes = dump_parameters(parameters)
        engine = self._engine
        database_id = self.id

        def start(continuation: Optional[str]) -> Any:
            return engine.query_containers(database_id, text, parameter_bytes, with_continuation(options, continuation))

        headers = CaseInsensitiveDict()
        result = CosmosItemPaged(start, self.client_connection.page_callback(headers, None, "DocumentCollections"),
                                 response_headers=headers)
        if response_hook:
            response_hook(self.client_connection.last_response_headers, result)
        return result

    # ---- users ------------------------------------------------------------------------

    def _user_proxy(self, properties: CosmosDict) -> UserProxy:
        return UserProxy(self.client_connection, properties["id"], self.database_link, properties=properties)

    @distributed_trace
    @accepts_documented_keywords
    def create_user(self, body: dict[str, Any], **kwargs: Any) -> UserProxy:
        """Create a user of the database.

        :param dict[str, Any] body: The user, e.g. ``{"id": "alice"}``; the id is unique in the database
            (at most 255 characters).
        :keyword dict[str, str] initial_headers: Extra headers to send with the request.
        :keyword str session_token: Token for use with Session consistency.
        :keyword response_hook: Called with the response headers and the user's properties.
        :paramtype response_hook: Callable[[Mapping[str, Any], CosmosDict], None]
        :returns: A proxy for the new user.
        :rtype: ~azure.cosmos.UserProxy
        :raises ~azure.cosmos.exceptions.CosmosResourceExistsError: A user with this id exists.
        """
        options, hook = _request_options.build(kwargs, self.client_connection.defaults)
        response = self._engine.create_resource(USERS, self.id, None, resource_body(body), options)
        return self._user_proxy(self.client_connection.result(response, hook))

    @distributed_trace
    @accepts_documented_keywords
    def upsert_user(self, body: dict[str, Any], **kwargs: Any) -> UserProxy:
        """Create the user, or replace the user of the same id.

        :param dict[str, Any] body: The user, e.g. ``{"id": "alice"}``.
        :keyword dict[str, str] initial_headers: Extra headers to send with the request.
        :keyword str session_token: Token for use with Session consistency.
        :keyword str etag: An etag for the ``match_condition`` check.
        :keyword ~azure.core.MatchConditions match_condition: The condition on ``etag``.
        :keyword response_hook: Called with the response headers and the user's properties.
        :paramtype response_hook: Callable[[Mapping[str, Any], CosmosDict], None]
        :returns: A proxy for the user as written.
        :rtype: ~azure.cosmos.UserProxy
        :raises ~azure.cosmos.exceptions.CosmosHttpResponseError: The upsert failed.
        """
        options, hook = _request_options.build(kwargs, self.client_connection.defaults)
        response = self._engine.upsert_resource(USERS, self.id, None, resource_body(body), options)
        return self._user_proxy(self.client_connection.result(response, hook))

    @distributed_trace
    @accepts_documented_keywords
    def replace_user(self, user: Union[str, UserProxy, Mapping[str, Any]], body: dict[str, Any],
                     **kwargs: Any) -> UserProxy:
        """Replace a user (a new ``id`` in ``body`` renames it; its permissions stay with it).

        :param user: The user's id, a :class:`~azure.cosmos.UserProxy`, or its properties dict.
        :type user: Union[str, ~azure.cosmos.UserProxy, dict[str, Any]]
        :param dict[str, Any] body: The new user, e.g. ``{"id": "alice"}``.
        :keyword dict[str, str] initial_headers: Extra headers to send with the request.
        :keyword str session_token: Token for use with Session consistency.
        :keyword str etag: An etag for the ``match_condition`` check.
        :keyword ~azure.core.MatchConditions match_condition: The condition on ``etag``.
        :keyword response_hook: Called with the response headers and the user's properties.
        :paramtype response_hook: Callable[[Mapping[str, Any], CosmosDict], None]
        :returns: A proxy for the user as replaced.
        :rtype: ~azure.cosmos.UserProxy
        :raises ~azure.cosmos.exceptions.CosmosResourceNotFoundError: The user does not exist.
        """
        options, hook = _request_options.build(kwargs, self.client_connection.defaults)
        response = self._engine.replace_resource(USERS, self.id, None, user_id(user), resource_body(body), options)
        return self._user_proxy(self.client_connection.result(response, hook))

    @distributed_trace
    @accepts_documented_keywords
    def delete_user(self, user: Union[str, UserProxy, Mapping[str, Any]], **kwargs: Any) -> None:
        """Delete a user and its permissions.

        :param user: The user's id, a :class:`~azure.cosmos.UserProxy`, or its properties dict.
        :type user: Union[str, ~azure.cosmos.UserProxy, dict[str, Any]]
        :keyword dict[str, str] initial_headers: Extra headers to send with the request.
        :keyword str session_token: Token for use with Session consistency.
        :keyword str etag: An etag for the ``match_condition`` check.
        :keyword ~azure.core.MatchConditions match_condition: The condition on ``etag``.
        :keyword response_hook: Called with the response headers and ``None``.
        :paramtype response_hook: Callable[[Mapping[str, Any], None], None]
        :raises ~azure.cosmos.exceptions.CosmosResourceNotFoundError: The user does not exist.
        """
        options, hook = _request_options.build(kwargs, self.client_connection.defaults)
        response = self._engine.delete_resource(USERS, self.id, None, user_id(user), options)
        self.client_connection.no_result(response, hook)

    def get_user_client(self, user: Union[str, UserProxy, Mapping[str, Any]]) -> UserProxy:
        """Get a proxy for a user; no request is made.

        :param user: The user's id, a :class:`~azure.cosmos.UserProxy`, or its properties dict.
        :type user: Union[str, ~azure.cosmos.UserProxy, dict[str, Any]]
        :returns: A proxy for the user.
        :rtype: ~azure.cosmos.UserProxy
        """
        return UserProxy(self.client_connection, user_id(user), self.database_link)

    @distributed_trace
    @accepts_documented_keywords
    def list_users(
        self,
        max_item_count: Optional[int] = None,
        *,
        response_hook: Optional[Callable[[Mapping[str, Any], CosmosItemPaged], None]] = None,
        **kwargs: Any,
    ) -> CosmosItemPaged:
        """List the database's users.

        :param int max_item_count: Maximum number of users per page.
        :keyword dict[str, str] initial_headers: Extra headers to send with each request.
        :keyword str session_token: Token for use with Session consistency.
        :keyword response_hook: Called once, as in 4.x, with the client's last response headers and the
            iterable, when the iterable is created.
        :paramtype response_hook: Callable[[Mapping[str, Any], CosmosItemPaged], None]
        :returns: The users' properties (dicts), fetched page by page.
        :rtype: ~azure.cosmos._cosmos_responses.CosmosItemPaged[dict[str, Any]]
        """
        return self._query_users(None, None, max_item_count, response_hook, kwargs)

    @distributed_trace
    @accepts_documented_keywords
    def query_users(
        self,
        query: str,
        parameters: Optional[list[dict[str, Any]]] = None,
        max_item_count: Optional[int] = None,
        *,
        response_hook: Optional[Callable[[Mapping[str, Any], CosmosItemPaged], None]] = None,
        **kwargs: Any,
    ) -> CosmosItemPaged[Any]:
        """Query the database's users, e.g. ``SELECT * FROM root r WHERE r.id = @id``.

        :param str query: The query.
        :param parameters: Query parameters, each ``{"name": "@p", "value": ...}``.
        :type parameters: list[dict[str, Any]]
        :param int max_item_count: Maximum number of users per page.
        :keyword dict[str, str] initial_headers: Extra headers to send with each request.
        :keyword str session_token: Token for use with Session consistency.
        :keyword response_hook: Called once, as in 4.x, with the client's last response headers and the
            iterable, when the iterable is created.
        :paramtype response_hook: Callable[[Mapping[str, Any], CosmosItemPaged], None]
        :returns: The matching users' properties (dicts), fetched page by page.
        :rtype: ~azure.cosmos._cosmos_responses.CosmosItemPaged[dict[str, Any]]
        """
        return self._query_users(query, parameters, max_item_count, response_hook, kwargs)

    def _query_users(self, query, parameters, max_item_count, response_hook, kwargs) -> CosmosItemPaged:
        options, _ = _request_options.build(kwargs, self.client_connection.defaults, query=True,
                                            max_item_count=max_item_count)
        query, parameters = query_spec(query, parameters)
        parameter_bytes = None if query is None else dump_parameters(parameters)
        engine, database_id = self._engine, self.id

        def start(continuation: Optional[str]) -> Any:
            return engine.query_resources(USERS, database_id, None, query, parameter_bytes,
                                          with_continuation(options, continuation))

        headers = CaseInsensitiveDict()
        result = CosmosItemPaged(start, self.client_connection.page_callback(headers, None, "Users"),
                                 response_headers=headers)
        if response_hook:
            response_hook(self.client_connection.last_response_headers, result)
        return result

    # ---- throughput -------------------------------------------------------------------

    def _get_properties(self) -> dict[str, Any]:
        # As 4.x: the properties (for `_self`) are read once per proxy, then kept.
        if self._properties is None:
            self._properties = self.read()
        return self._properties

    def _offer(self, options: dict) -> tuple:
        """The database's offer and the offers query's last response headers."""
        self_link = self._get_properties()["_self"]
        pager = self._engine.query_offers(OFFER_QUERY, offer_query_parameters(self_link), options)
        offers: list = []
        headers = CaseInsensitiveDict()
        page = pager.next_page()
        while page is not None:
            headers = self.client_connection.record_headers(page.headers)
            offers.extend(load_feed_items(page.body))
            page = pager.next_page()
        offer = only_offer(offers, "database " + self.database_link)
        return offers, CosmosDict(offer, response_headers=headers), headers

    @distributed_trace
    @accepts_documented_keywords
    def get_throughput(
        self,
        *,
        response_hook: Optional[Callable[[Mapping[str, Any], list[dict[str, Any]]], None]] = None,
        **kwargs: Any,
    ) -> ThroughputProperties:
        """Get the throughput provisioned for the database (shared by its containers).

        :keyword response_hook: Called with the offers query's response headers and the list of offers.
        :paramtype response_hook: Callable[[Mapping[str, Any], list[dict[str, Any]]], None]
        :returns: The manual throughput (``offer_throughput``) or the autoscale settings
            (``auto_scale_max_throughput``, ``auto_scale_increment_percent``), with the offer as ``properties``.
        :rtype: ~azure.cosmos.ThroughputProperties
        :raises ~azure.cosmos.exceptions.CosmosResourceNotFoundError: The database has no throughput of its own
            (or does not exist).
        """
        options, _ = _request_options.build(kwargs, self.client_connection.defaults, query=True)
        offers, offer, headers = self._offer(options)
        if response_hook:
            response_hook(headers, offers)
        return throughput_properties(offer)

    @distributed_trace
    @accepts_documented_keywords
    def replace_throughput(self, throughput: Union[int, ThroughputProperties], **kwargs: Any) -> ThroughputProperties:
        """Change the throughput provisioned for the database.

        :param throughput: Request units per second (manual throughput), or a
            :class:`~azure.cosmos.ThroughputProperties` with ``auto_scale_max_throughput`` for an autoscale database.
        :type throughput: Union[int, ~azure.cosmos.ThroughputProperties]
        :keyword response_hook: Called with the replacement's response headers and the offer as replaced.
        :paramtype response_hook: Callable[[Mapping[str, Any], CosmosDict], None]
        :returns: The throughput as replaced, with the offer as ``properties``.
        :rtype: ~azure.cosmos.ThroughputProperties
        :raises ~azure.cosmos.exceptions.CosmosResourceNotFoundError: The database has no throughput of its own.
        :raises ~azure.cosmos.exceptions.CosmosHttpResponseError: The service refused the new throughput.
        """
        options, hook = _request_options.build(kwargs, self.client_connection.defaults)
        # The offers query carries only the operation's timeout (4.x sends it without the call's options).
        _, offer, _ = self._offer({name: value for name, value in options.items() if name == "timeout"})
        offer_id, body = replacement_offer(offer, throughput)
        response = self._engine.replace_offer(offer_id, body, options)
        return replaced_throughput(self.client_connection.result(response, hook))

    @distributed_trace
    def read_offer(self, **kwargs: Any) -> ThroughputProperties:
        """Get the throughput provisioned for the database. Deprecated: use :meth:`get_throughput`.

        :keyword response_hook: Called with the offers query's response headers and the list of offers.
        :paramtype response_hook: Callable[[Mapping[str, Any], list[dict[str, Any]]], None]
        :returns: The throughput, as :meth:`get_throughput` returns it.
        :rtype: ~azure.cosmos.ThroughputProperties
        :raises ~azure.cosmos.exceptions.CosmosResourceNotFoundError: The database has no throughput of its own.
        """
        warnings.warn("read_offer is a deprecated method name, use get_throughput instead", DeprecationWarning,
                      stacklevel=3)
        return self.get_throughput(**kwargs)
