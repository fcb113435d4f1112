# The MIT License (MIT)
"""A user of a database and its permissions (synchronous)."""
from __future__ import annotations

from typing import Any, Callable, Mapping, Optional, Union

from azure.core.utils import CaseInsensitiveDict

from . import _request_options
from ._client_connection import CosmosClientConnection
from ._cosmos_responses import CosmosDict, CosmosItemPaged
from ._request_builders import query_spec, with_continuation
from ._request_options import accepts_documented_keywords
from ._request_users import (
    PERMISSIONS, USERS, permission_id, permission_record, resource_body,
)
from ._serialization import dump_parameters
from ._tracing import distributed_trace
from .permission import Permission

__all__ = ("UserProxy", "Permission")


class UserProxy:
    """A user of a database, and the permissions that give it access to resources.

    Get one with :meth:`DatabaseProxy.get_user_client` (no request) or from
    :meth:`DatabaseProxy.create_user` rather than constructing it.

    :ivar str id: The user id.
    :ivar str user_link: ``dbs/{database}/users/{id}``.
    """

    def __init__(
        self,
        client_connection: CosmosClientConnection,
        id: str,  # pylint: disable=redefined-builtin
        database_link: str,
        properties: Optional[CosmosDict] = None,
    ) -> None:
        """
        :param client_connection: The client's connection state.
        :param str id: The user id.
        :param str database_link: ``dbs/{database}``.
        :param properties: The user's properties, when already known.
        :type properties: ~azure.cosmos.CosmosDict
        """
        self.client_connection = client_connection
        self.id = id
        self.user_link = "{}/users/{}".format(database_link, id)
        self._database_id = database_link[len("dbs/"):]
        self._properties = properties

    def __repr__(self) -> str:
        return "<UserProxy [{}]>".format(self.user_link)[:1024]

    @property
    def _engine(self) -> Any:
        return self.client_connection.engine

    def _get_properties(self) -> CosmosDict:
        if self._properties is None:
            self._properties = self.read()
        return self._properties

    @distributed_trace
    @accepts_documented_keywords
    def read(self, **kwargs: Any) -> CosmosDict:
        """Read the user's properties.

        :keyword dict[str, str] initial_headers: Extra headers to send with the request.
        :keyword str session_token: Token for use with Session consistency.
        :keyword response_hook: Called with the response headers and the properties.
        :paramtype response_hook: Callable[[Mapping[str, Any], CosmosDict], None]
        :returns: The user's properties.
        :rtype: ~azure.cosmos.CosmosDict
        :raises ~azure.cosmos.exceptions.CosmosResourceNotFoundError: The user does not exist.
        """
        options, hook = _request_options.build(kwargs, self.client_connection.defaults)
        response = self._engine.read_resource(USERS, self._database_id, None, self.id, options)
        self._properties = self.client_connection.result(response, hook)
        return self._properties

    # ---- permissions --------------------------------------------------------------

    def _permissions(self, query: Optional[str], parameters: Any, options: dict,
                     hook: Optional[Callable[..., None]]) -> CosmosItemPaged:
        query, parameters = query_spec(query, parameters)
        parameter_bytes = None if query is None else dump_parameters(parameters)
        engine, database_id, user_id = self._engine, self._database_id, self.id

        def start(continuation: Optional[str]) -> Any:
            return engine.query_resources(PERMISSIONS, database_id, user_id, query, parameter_bytes,
                                          with_continuation(options, continuation))

        headers = CaseInsensitiveDict()
        # As 4.x: the hook sees every page (headers, feed body) and then, once, the iterable itself.
        result = CosmosItemPaged(start, self.client_connection.page_callback(headers, hook, "Permissions"),
                                 response_headers=headers)
        if hook:
            hook(self.client_connection.last_response_headers, result)
        return result

    @distributed_trace
    @accepts_documented_keywords
    def list_permissions(
        self,
        max_item_count: Optional[int] = None,
        *,
        response_hook: Optional[Callable[[Mapping[str, Any], Any], None]] = None,
        **kwargs: Any,
    ) -> CosmosItemPaged:
        """List the user's permissions.

        :param int max_item_count: Maximum number of permissions per page.
        :keyword dict[str, str] initial_headers: Extra headers to send with each request.
        :keyword str session_token: Token for use with Session consistency.
        :keyword response_hook: Called, as in 4.x, with each page's headers and feed body, and once
            with the client's last response headers and the iterable when it is created.
        :paramtype response_hook: Callable[[Mapping[str, Any], Any], None]
        :returns: The permissions (dicts), fetched page by page.
        :rtype: ~azure.cosmos._cosmos_responses.CosmosItemPaged[dict[str, Any]]
        """
        options, hook = _request_options.build(kwargs, self.client_connection.defaults, query=True,
                                               max_item_count=max_item_count, response_hook=response_hook)
        return self._permissions(None, None, options, hook)

    @distributed_trace
    @accepts_documented_keywords
    def query_permissions(
        self,
        query: str,
        parameters: Optional[list[dict[str, Any]]] = None,
        max_item_count: Optional[int] = None,
        *,
        response_hook: Optional[Callable[[Mapping[str, Any], Any], None]] = None,
        **kwargs: Any,
    ) -> CosmosItemPaged[Any]:
        """Query the user's permissions, e.g. ``SELECT * FROM root r WHERE r.permissionMode = @mode``.

        :param str query: The query.
        :param parameters: Query parameters, each ``{"name": "@p", "value": ...}``.
        :type parameters: list[dict[str, Any]]
        :param int max_item_count: Maximum number of permissions per page.
        :keyword dict[str, str] initial_headers: Extra headers to send with each request.
        :keyword str session_token: Token for use with Session consistency.
        :keyword response_hook: Called, as in 4.x, with each page's headers and feed body, and once
            with the client's last response headers and the iterable when it is created.
        :paramtype response_hook: Callable[[Mapping[str, Any], Any], None]
        :returns: The matching permissions (dicts), fetched page by page.
        :rtype: ~azure.cosmos._cosmos_responses.CosmosItemPaged[dict[str, Any]]
        """
        options, hook = _request_options.build(kwargs, self.client_connection.defaults, query=True,
                                               max_item_count=max_item_count, response_hook=response_hook)
        return self._permissions(query, parameters, options, hook)

    @distributed_trace
    @accepts_documented_keywords
    def get_permission(self, permission: Union[str, Permission, Mapping[str, Any]], **kwargs: Any) -> Permission:
        """Read one of the user's permissions, with its resource token.

        :param permission: The permission's id, a :class:`~azure.cosmos.Permission`, or its properties dict.
        :type permission: Union[str, ~azure.cosmos.Permission, dict[str, Any]]
        :keyword dict[str, str] initial_headers: Extra headers to send with the request.
        :keyword str session_token: Token for use with Session consistency.
        :keyword response_hook: Called with the response headers and the permission's properties.
        :paramtype response_hook: Callable[[Mapping[str, Any], CosmosDict], None]
        :returns: The permission; its ``properties`` hold the service's document (``_token`` included).
        :rtype: ~azure.cosmos.Permission
        :raises ~azure.cosmos.exceptions.CosmosResourceNotFoundError: The permission does not exist.
        """
        options, hook = _request_options.build(kwargs, self.client_connection.defaults)
        response = self._engine.read_resource(PERMISSIONS, self._database_id, self.id, permission_id(permission),
                                              options)
        return permission_record(self.user_link, self.client_connection.result(response, hook))

    @distributed_trace
    @accepts_documented_keywords
    def create_permission(self, body: dict[str, Any], **kwargs: Any) -> Permission:
        """Give the user a permission on a resource.

        :param dict[str, Any] body: The permission: ``id``, ``permissionMode`` (``"read"`` or ``"all"``),
            ``resource`` (the resource's link, e.g. ``container.container_link``) and, optionally,
            ``resourcePartitionKey``.
        :keyword dict[str, str] initial_headers: Extra headers to send with the request.
        :keyword str session_token: Token for use with Session consistency.
        :keyword response_hook: Called with the response headers and the permission's properties.
        :paramtype response_hook: Callable[[Mapping[str, Any], CosmosDict], None]
        :returns: The new permission.
        :rtype: ~azure.cosmos.Permission
        :raises ~azure.cosmos.exceptions.CosmosResourceExistsError: The user has a permission with this id.
        """
        options, hook = _request_options.build(kwargs, self.client_connection.defaults)
        response = self._engine.create_resource(PERMISSIONS, self._database_id, self.id, resource_body(body), options)
        return permission_record(self.user_link, self.client_connection.result(response, hook))

    @distributed_trace
    @accepts_documented_keywords
    def upsert_permission(self, body: dict[str, Any], **kwargs: Any) -> Permission:
        """Create the permission, or replace the user's permission of the same id.

        :param dict[str, Any] body: The permission (``id``, ``permissionMode``, ``resource``).
        :keyword dict[str, str] initial_headers: Extra headers to send with the request.
        :keyword str session_token: Token for use with Session consistency.
        :keyword str etag: An etag for the ``match_condition`` check.
        :keyword ~azure.core.MatchConditions match_condition: The condition on ``etag``.
        :keyword response_hook: Called with the response headers and the permission's properties.
        :paramtype response_hook: Callable[[Mapping[str, Any], CosmosDict], None]
        :returns: The permission as written.
        :rtype: ~azure.cosmos.Permission
        :raises ~azure.cosmos.exceptions.CosmosHttpResponseError: The upsert failed.
        """
        options, hook = _request_options.build(kwargs, self.client_connection.defaults)
        response = self._engine.upsert_resource(PERMISSIONS, self._database_id, self.id, resource_body(body), options)
        return permission_record(self.user_link, self.client_connection.result(response, hook))

    @distributed_trace
    @accepts_documented_keywords
    def replace_permission(
        self,
        permission: Union[str, Permission, Mapping[str, Any]],
        body: dict[str, Any],
        **kwargs: Any,
    ) -> Permission:
        """Replace one of the user's permissions.

        :param permission: The permission's id, a :class:`~azure.cosmos.Permission`, or its properties dict.
        :type permission: Union[str, ~azure.cosmos.Permission, dict[str, Any]]
        :param dict[str, Any] body: The new permission (``id``, ``permissionMode``, ``resource``).
        :keyword dict[str, str] initial_headers: Extra headers to send with the request.
        :keyword str session_token: Token for use with Session consistency.
        :keyword str etag: An etag for the ``match_condition`` check.
        :keyword ~azure.core.MatchConditions match_condition: The condition on ``etag``.
        :keyword response_hook: Called with the response headers and the permission's properties.
        :paramtype response_hook: Callable[[Mapping[str, Any], CosmosDict], None]
        :returns: The permission as replaced.
        :rtype: ~azure.cosmos.Permission
        :raises ~azure.cosmos.exceptions.CosmosResourceNotFoundError: The permission does not exist.
        """
        options, hook = _request_options.build(kwargs, self.client_connection.defaults)
        response = self._engine.replace_resource(PERMISSIONS, self._database_id, self.id, permission_id(permission),
                                                 resource_body(body), options)
        return permission_record(self.user_link, self.client_connection.result(response, hook))

    @distributed_trace
    @accepts_documented_keywords
    def delete_permission(self, permission: Union[str, Permission, Mapping[str, Any]], **kwargs: Any) -> None:
        """Delete one of the user's permissions (its resource tokens stop working).

        :param permission: The permission's id, a :class:`~azure.cosmos.Permission`, or its properties dict.
        :type permission: Union[str, ~azure.cosmos.Permission, dict[str, Any]]
        :keyword dict[str, str] initial_headers: Extra headers to send with the request.
        :keyword str session_token: Token for use with Session consistency.
        :keyword str etag: An etag for the ``match_condition`` check.
        :keyword ~azure.core.MatchConditions match_condition: The condition on ``etag``.
        :keyword response_hook: Called with the response headers and ``None``.
        :paramtype response_hook: Callable[[Mapping[str, Any], None], None]
        :raises ~azure.cosmos.exceptions.CosmosResourceNotFoundError: The permission does not exist.
        """
        options, hook = _request_options.build(kwargs, self.client_connection.defaults)
        response = self._engine.delete_resource(PERMISSIONS, self._database_id, self.id, permission_id(permission),
                                                options)
        self.client_connection.no_result(response, hook)
