# The MIT License (MIT)
"""Server-side scripts of a container: stored procedures, triggers and user-defined functions.

:class:`ScriptType` names their resource types as they appear in links
(``dbs/db1/colls/c1/sprocs/my_sproc``). ``NonePartitionKeyValue`` and ``PartitionKeyType`` are
the ones of :mod:`azure.cosmos.partition_key`, importable from here as in 4.x.
"""
from __future__ import annotations

from typing import Any, Mapping, Optional, Union

from azure.core.utils import CaseInsensitiveDict

from . import _request_options
from ._client_connection import CosmosClientConnection
from ._cosmos_responses import CosmosDict, CosmosItemPaged
from ._request_builders import with_continuation
from ._request_options import accepts_documented_keywords
from ._request_scripts import (
    FEED_BODY_KEYS, container_address, procedure_arguments, procedure_result, script_body, script_id, script_query,
    with_script_logging,
)
from ._tracing import distributed_trace
from .partition_key import NonePartitionKeyValue, PartitionKeyType, _engine_value, _none_value

__all__ = ("ScriptType", "ScriptsProxy")


class ScriptType:  # pylint: disable=too-few-public-methods
    """The kinds of server-side script, by their resource type in a link."""

    StoredProcedure = "sprocs"
    """Stored procedures."""
    Trigger = "triggers"
    """Pre- and post-triggers."""
    UserDefinedFunction = "udfs"
    """User-defined functions (called from queries)."""


class ScriptsProxy:
    """The stored procedures, triggers and user-defined functions of one container.

    Get it from :attr:`ContainerProxy.scripts` rather than constructing it. Scripts are addressed by
    id; a script's properties dict (with ``id``) is taken wherever an id is.

    :ivar str container_link: ``dbs/{database}/colls/{container}``.
    :ivar bool is_system_key: Whether the container has a system-generated partition key.
    """

    def __init__(self, client_connection: CosmosClientConnection, container_link: str, is_system_key: bool) -> None:
        """
        :param client_connection: The client's connection state.
        :param str container_link: ``dbs/{database}/colls/{container}``.
        :param bool is_system_key: Whether the container has a system-generated partition key (decides
            what :class:`~azure.cosmos.partition_key.NonePartitionKeyValue` sends).
        """
        self.client_connection = client_connection
        self.container_link = container_link
        self.is_system_key = is_system_key
        self._database_id, self._container_id = container_address(container_link)

    def __repr__(self) -> str:
        return "<ScriptsProxy [{}]>".format(self.container_link)[:1024]

    @property
    def _engine(self) -> Any:
        return self.client_connection.engine

    # ---- one implementation per operation, for every kind ------------------------------

    def _feed(self, kind: str, query: Optional[str], parameters: Optional[bytes], max_item_count: Optional[int],
              kwargs: dict) -> CosmosItemPaged:
        options, hook = _request_options.build(kwargs, self.client_connection.defaults, query=True,
                                               max_item_count=max_item_count)
        engine, database_id, container_id = self._engine, self._database_id, self._container_id

        def start(continuation: Optional[str]) -> Any:
            return engine.query_resources(kind, database_id, container_id, query, parameters,
                                          with_continuation(options, continuation))

        headers = CaseInsensitiveDict()
        return CosmosItemPaged(start, self.client_connection.page_callback(headers, hook, FEED_BODY_KEYS[kind]),
                               response_headers=headers)

    def _query(self, kind: str, query: Any, parameters: Any, max_item_count: Optional[int],
               kwargs: dict) -> CosmosItemPaged:
        text, body = script_query(query, parameters)
        return self._feed(kind, text, body, max_item_count, kwargs)

    def _create(self, kind: str, body: Mapping[str, Any], kwargs: dict) -> CosmosDict:
        data = script_body(body)
        options, hook = _request_options.build(kwargs, self.client_connection.defaults)
        response = self._engine.create_resource(kind, self._database_id, self._container_id, data, options)
        return self.client_connection.result(response, hook)

    def _read(self, kind: str, script: Union[str, Mapping[str, Any]], kwargs: dict) -> CosmosDict:
        options, hook = _request_options.build(kwargs, self.client_connection.defaults)
        response = self._engine.read_resource(kind, self._database_id, self._container_id, script_id(script),
                                              options)
        return self.client_connection.result(response, hook)

    def _replace(self, kind: str, script: Union[str, Mapping[str, Any]], body: Mapping[str, Any],
                 kwargs: dict) -> CosmosDict:
        data = script_body(body)
        options, hook = _request_options.build(kwargs, self.client_connection.defaults)
        response = self._engine.replace_resource(kind, self._database_id, self._container_id, script_id(script),
                                                 data, options)
        return self.client_connection.result(response, hook)

    def _delete(self, kind: str, script: Union[str, Mapping[str, Any]], kwargs: dict) -> None:
        options, hook = _request_options.build(kwargs, self.client_connection.defaults)
        response = self._engine.delete_resource(kind, self._database_id, self._container_id, script_id(script),
                                                options)
        self.client_connection.no_result(response, hook)

    # ---- stored procedures ------------------------------------------------------------

    @distributed_trace
    @accepts_documented_keywords
    def list_stored_procedures(self, max_item_count: Optional[int] = None, **kwargs: Any) -> CosmosItemPaged:
        """List the container's stored procedures.

        :param int max_item_count: Maximum number of stored procedures per page.
        :keyword str session_token: Token for use with Session consistency.
        :keyword dict[str, str] initial_headers: Extra headers to send with each request.
        :keyword response_hook: Called for each page with its response headers and the page
            (``{"StoredProcedures": [...], "_count": n}``).
        :paramtype response_hook: Callable[[Mapping[str, str], dict[str, Any]], None]
        :returns: The stored procedures (dicts), fetched page by page.
        :rtype: ~azure.cosmos._cosmos_responses.CosmosItemPaged[dict[str, Any]]
        """
        return self._feed(ScriptType.StoredProcedure, None, None, max_item_count, kwargs)

    @distributed_trace
    @accepts_documented_keywords
    def query_stored_procedures(
        self,
        query: str,
        parameters: Optional[list[dict[str, Any]]] = None,
        max_item_count: Optional[int] = None,
        **kwargs: Any,
    ) -> CosmosItemPaged[Any]:
        """Query the container's stored procedures.

        :param str query: The query, e.g. ``SELECT * FROM s WHERE s.id = @id``.
        :param parameters: Query parameters, each ``{"name": ..., "value": ...}``.
        :type parameters: list[dict[str, Any]]
        :param int max_item_count: Maximum number of stored procedures per page.
        :keyword str session_token: Token for use with Session consistency.
        :keyword dict[str, str] initial_headers: Extra headers to send with each request.
        :keyword response_hook: Called for each page with its response headers and the page.
        :paramtype response_hook: Callable[[Mapping[str, str], dict[str, Any]], None]
        :returns: The matching stored procedures (dicts), fetched page by page.
        :rtype: ~azure.cosmos._cosmos_responses.CosmosItemPaged[dict[str, Any]]
        :raises TypeError: ``parameters`` is not a list of name/value dicts.
        """
        return self._query(ScriptType.StoredProcedure, query, parameters, max_item_count, kwargs)

    @distributed_trace
    @accepts_documented_keywords
    def get_stored_procedure(self, sproc: Union[str, Mapping[str, Any]], **kwargs: Any) -> CosmosDict:
        """Read a stored procedure.

        :param sproc: The stored procedure's id, or its properties dict.
        :type sproc: Union[str, dict[str, Any]]
        :keyword str session_token: Token for use with Session consistency.
        :keyword dict[str, str] initial_headers: Extra headers to send with the request.
        :keyword response_hook: Called with the response headers and the stored procedure.
        :paramtype response_hook: Callable[[Mapping[str, str], CosmosDict], None]
        :returns: The stored procedure's properties (``id``, ``body``, system properties).
        :rtype: ~azure.cosmos.CosmosDict
        :raises ~azure.cosmos.exceptions.CosmosResourceNotFoundError: The stored procedure does not exist.
        """
        return self._read(ScriptType.StoredProcedure, sproc, kwargs)

    @distributed_trace
    @accepts_documented_keywords
    def create_stored_procedure(self, body: dict[str, Any], **kwargs: Any) -> CosmosDict:
        """Create a stored procedure; :meth:`replace_stored_procedure` changes an existing one.

        :param body: The definition: ``{"id": ..., "body": "function (...) {...}"}``.
        :type body: dict[str, Any]
        :keyword str session_token: Token for use with Session consistency.
        :keyword dict[str, str] initial_headers: Extra headers to send with the request.
        :keyword response_hook: Called with the response headers and the new stored procedure.
        :paramtype response_hook: Callable[[Mapping[str, str], CosmosDict], None]
        :returns: The new stored procedure's properties.
        :rtype: ~azure.cosmos.CosmosDict
        :raises ~azure.cosmos.exceptions.CosmosResourceExistsError: A stored procedure with this id exists.
        """
        return self._create(ScriptType.StoredProcedure, body, kwargs)

    @distributed_trace
    @accepts_documented_keywords
    def replace_stored_procedure(self, sproc: Union[str, Mapping[str, Any]], body: dict[str, Any],
                                 **kwargs: Any) -> CosmosDict:
        """Replace an existing stored procedure.

        :param sproc: The id of the stored procedure to replace, or its properties dict.
        :type sproc: Union[str, dict[str, Any]]
        :param body: The new definition.
        :type body: dict[str, Any]
        :keyword str session_token: Token for use with Session consistency.
        :keyword dict[str, str] initial_headers: Extra headers to send with the request.
        :keyword response_hook: Called with the response headers and the stored procedure.
        :paramtype response_hook: Callable[[Mapping[str, str], CosmosDict], None]
        :returns: The stored procedure's properties after the replacement.
        :rtype: ~azure.cosmos.CosmosDict
        :raises ~azure.cosmos.exceptions.CosmosResourceNotFoundError: The stored procedure does not exist.
        """
        return self._replace(ScriptType.StoredProcedure, sproc, body, kwargs)

    @distributed_trace
    @accepts_documented_keywords
    def delete_stored_procedure(self, sproc: Union[str, Mapping[str, Any]], **kwargs: Any) -> None:
        """Delete a stored procedure.

        :param sproc: The id of the stored procedure to delete, or its properties dict.
        :type sproc: Union[str, dict[str, Any]]
        :keyword str session_token: Token for use with Session consistency.
        :keyword dict[str, str] initial_headers: Extra headers to send with the request.
        :keyword response_hook: Called with the response headers and ``None``.
        :paramtype response_hook: Callable[[Mapping[str, str], None], None]
        :rtype: None
        :raises ~azure.cosmos.exceptions.CosmosResourceNotFoundError: The stored procedure does not exist.
        """
        self._delete(ScriptType.StoredProcedure, sproc, kwargs)

    @distributed_trace
    @accepts_documented_keywords
    def execute_stored_procedure(
        self,
        sproc: Union[str, Mapping[str, Any]],
        partition_key: Optional[PartitionKeyType] = None,
        params: Optional[list[Any]] = None,
        enable_script_logging: Optional[bool] = None,
        **kwargs: Any,
    ) -> Any:
        """Run a stored procedure in one logical partition.

        The script's ``console.log`` output (with ``enable_script_logging=True``) comes back URL-encoded
        in the ``x-ms-documentdb-script-log-results`` response header: see ``response_hook`` or
        ``client_connection.last_response_headers``.

        :param sproc: The id of the stored procedure, or its properties dict.
        :type sproc: Union[str, dict[str, Any]]
        :param partition_key: The logical partition to run in: a value, a list of values for a hierarchical
            key, or :class:`~azure.cosmos.partition_key.NonePartitionKeyValue`. Required by a partitioned
            container (the service answers 400 without it).
        :type partition_key: ~azure.cosmos.partition_key.PartitionKeyType
        :param params: The procedure's arguments, one list element per argument (a single value that is not
            a list is passed as the only argument).
        :type params: list[Any]
        :param bool enable_script_logging: Return the script's log in the response headers.
        :keyword str session_token: Token for use with Session consistency.
        :keyword dict[str, str] initial_headers: Extra headers to send with the request.
        :keyword response_hook: Called with the response headers and the result.
        :paramtype response_hook: Callable[[Mapping[str, str], Any], None]
        :returns: What the procedure set as the response body, parsed (a dict, list, string, number...;
            ``""`` when it set none).
        :rtype: Any
        :raises ~azure.cosmos.exceptions.CosmosResourceNotFoundError: The stored procedure does not exist.
        :raises ~azure.cosmos.exceptions.CosmosHttpResponseError: The procedure threw (400, with the script's
            error in the message), or another failure.
        :raises TypeError: An argument is not JSON serialisable (nothing is sent).
        """
        data = procedure_arguments(params)
        options, hook = _request_options.build(kwargs, self.client_connection.defaults)
        with_script_logging(options, enable_script_logging)
        key = None
        if partition_key is not None:
            key = (_none_value({"systemKey": self.is_system_key}) if partition_key is NonePartitionKeyValue
                   else _engine_value(partition_key))
        response = self._engine.execute_stored_procedure(self._database_id, self._container_id, script_id(sproc),
                                                         key, data, options)
        return procedure_result(response, self.client_connection.record_headers, hook)

    # ---- triggers ---------------------------------------------------------------------

    @distributed_trace
    @accepts_documented_keywords
    def list_triggers(self, max_item_count: Optional[int] = None, **kwargs: Any) -> CosmosItemPaged:
        """List the container's triggers.

        :param int max_item_count: Maximum number of triggers per page.
        :keyword str session_token: Token for use with Session consistency.
        :keyword dict[str, str] initial_headers: Extra headers to send with each request.
        :keyword response_hook: Called for each page with its response headers and the page
            (``{"Triggers": [...], "_count": n}``).
        :paramtype response_hook: Callable[[Mapping[str, str], dict[str, Any]], None]
        :returns: The triggers (dicts), fetched page by page.
        :rtype: ~azure.cosmos._cosmos_responses.CosmosItemPaged[dict[str, Any]]
        """
        return self._feed(ScriptType.Trigger, None, None, max_item_count, kwargs)

    @distributed_trace
    @accepts_documented_keywords
    def query_triggers(
        self,
        query: str,
        parameters: Optional[list[dict[str, Any]]] = None,
        max_item_count: Optional[int] = None,
        **kwargs: Any,
    ) -> CosmosItemPaged[Any]:
        """Query the container's triggers.

        :param str query: The query, e.g. ``SELECT * FROM t WHERE t.id = @id``.
        :param parameters: Query parameters, each ``{"name": ..., "value": ...}``.
        :type parameters: list[dict[str, Any]]
        :param int max_item_count: Maximum number of triggers per page.
        :keyword str session_token: Token for use with Session consistency.
        :keyword dict[str, str] initial_headers: Extra headers to send with each request.
        :keyword response_hook: Called for each page with its response headers and the page.
        :paramtype response_hook: Callable[[Mapping[str, str], dict[str, Any]], None]
        :returns: The matching triggers (dicts), fetched page by page.
        :rtype: ~azure.cosmos._cosmos_responses.CosmosItemPaged[dict[str, Any]]
        :raises TypeError: ``parameters`` is not a list of name/value dicts.
        """
        return self._query(ScriptType.Trigger, query, parameters, max_item_count, kwargs)

    @distributed_trace
    @accepts_documented_keywords
    def get_trigger(self, trigger: Union[str, Mapping[str, Any]], **kwargs: Any) -> CosmosDict:
        """Read a trigger.

        :param trigger: The trigger's id, or its properties dict.
        :type trigger: Union[str, dict[str, Any]]
        :keyword str session_token: Token for use with Session consistency.
        :keyword dict[str, str] initial_headers: Extra headers to send with the request.
        :keyword response_hook: Called with the response headers and the trigger.
        :paramtype response_hook: Callable[[Mapping[str, str], CosmosDict], None]
        :returns: The trigger's properties.
        :rtype: ~azure.cosmos.CosmosDict
        :raises ~azure.cosmos.exceptions.CosmosResourceNotFoundError: The trigger does not exist.
        """
        return self._read(ScriptType.Trigger, trigger, kwargs)

    @distributed_trace
    @accepts_documented_keywords
    def create_trigger(self, body: dict[str, Any], **kwargs: Any) -> CosmosDict:
        """Create a trigger; :meth:`replace_trigger` changes an existing one.

        :param body: The definition: ``{"id": ..., "body": "function () {...}", "triggerType": ...,
            "triggerOperation": ...}`` with a type of ``"Pre"`` or ``"Post"`` and an operation of ``"All"``,
            ``"Create"``, ``"Replace"``, ``"Delete"`` or ``"Update"`` (see
            :class:`~azure.cosmos.documents.TriggerType`, :class:`~azure.cosmos.documents.TriggerOperation`).
        :type body: dict[str, Any]
        :keyword str session_token: Token for use with Session consistency.
        :keyword dict[str, str] initial_headers: Extra headers to send with the request.
        :keyword response_hook: Called with the response headers and the new trigger.
        :paramtype response_hook: Callable[[Mapping[str, str], CosmosDict], None]
        :returns: The new trigger's properties.
        :rtype: ~azure.cosmos.CosmosDict
        :raises ~azure.cosmos.exceptions.CosmosResourceExistsError: A trigger with this id exists.
        """
        return self._create(ScriptType.Trigger, body, kwargs)

    @distributed_trace
    @accepts_documented_keywords
    def replace_trigger(self, trigger: Union[str, Mapping[str, Any]], body: dict[str, Any],
                        **kwargs: Any) -> CosmosDict:
        """Replace an existing trigger.

        :param trigger: The id of the trigger to replace, or its properties dict.
        :type trigger: Union[str, dict[str, Any]]
        :param body: The new definition.
        :type body: dict[str, Any]
        :keyword str session_token: Token for use with Session consistency.
        :keyword dict[str, str] initial_headers: Extra headers to send with the request.
        :keyword response_hook: Called with the response headers and the trigger.
        :paramtype response_hook: Callable[[Mapping[str, str], CosmosDict], None]
        :returns: The trigger's properties after the replacement.
        :rtype: ~azure.cosmos.CosmosDict
        :raises ~azure.cosmos.exceptions.CosmosResourceNotFoundError: The trigger does not exist.
        """
        return self._replace(ScriptType.Trigger, trigger, body, kwargs)

    @distributed_trace
    @accepts_documented_keywords
    def delete_trigger(self, trigger: Union[str, Mapping[str, Any]], **kwargs: Any) -> None:
        """Delete a trigger.

        :param trigger: The id of the trigger to delete, or its properties dict.
        :type trigger: Union[str, dict[str, Any]]
        :keyword str session_token: Token for use with Session consistency.
        :keyword dict[str, str] initial_headers: Extra headers to send with the request.
        :keyword response_hook: Called with the response headers and ``None``.
        :paramtype response_hook: Callable[[Mapping[str, str], None], None]
        :rtype: None
        :raises ~azure.cosmos.exceptions.CosmosResourceNotFoundError: The trigger does not exist.
        """
        self._delete(ScriptType.Trigger, trigger, kwargs)

    # ---- user-defined functions -------------------------------------------------------

    @distributed_trace
    @accepts_documented_keywords
    def list_user_defined_functions(self, max_item_count: Optional[int] = None, **kwargs: Any) -> CosmosItemPaged:
        """List the container's user-defined functions.

        :param int max_item_count: Maximum number of user-defined functions per page.
        :keyword str session_token: Token for use with Session consistency.
        :keyword dict[str, str] initial_headers: Extra headers to send with each request.
        :keyword response_hook: Called for each page with its response headers and the page
            (``{"UserDefinedFunctions": [...], "_count": n}``).
        :paramtype response_hook: Callable[[Mapping[str, str], dict[str, Any]], None]
        :returns: The user-defined functions (dicts), fetched page by page.
        :rtype: ~azure.cosmos._cosmos_responses.CosmosItemPaged[dict[str, Any]]
        """
        return self._feed(ScriptType.UserDefinedFunction, None, None, max_item_count, kwargs)

    @distributed_trace
    @accepts_documented_keywords
    def query_user_defined_functions(
        self,
        query: str,
        parameters: Optional[list[dict[str, Any]]] = None,
        max_item_count: Optional[int] = None,
        **kwargs: Any,
    ) -> CosmosItemPaged[Any]:
        """Query the container's user-defined functions.

        :param str query: The query, e.g. ``SELECT * FROM t WHERE t.id = @id``.
        :param parameters: Query parameters, each ``{"name": ..., "value": ...}``.
        :type parameters: list[dict[str, Any]]
        :param int max_item_count: Maximum number of user-defined functions per page.
        :keyword str session_token: Token for use with Session consistency.
        :keyword dict[str, str] initial_headers: Extra headers to send with each request.
        :keyword response_hook: Called for each page with its response headers and the page.
        :paramtype response_hook: Callable[[Mapping[str, str], dict[str, Any]], None]
        :returns: The matching user-defined functions (dicts), fetched page by page.
        :rtype: ~azure.cosmos._cosmos_responses.CosmosItemPaged[dict[str, Any]]
        :raises TypeError: ``parameters`` is not a list of name/value dicts.
        """
        return self._query(ScriptType.UserDefinedFunction, query, parameters, max_item_count, kwargs)

    @distributed_trace
    @accepts_documented_keywords
    def get_user_defined_function(self, udf: Union[str, Mapping[str, Any]], **kwargs: Any) -> CosmosDict:
        """Read a user-defined function.

        :param udf: The user-defined function's id, or its properties dict.
        :type udf: Union[str, dict[str, Any]]
        :keyword str session_token: Token for use with Session consistency.
        :keyword dict[str, str] initial_headers: Extra headers to send with the request.
        :keyword response_hook: Called with the response headers and the user-defined function.
        :paramtype response_hook: Callable[[Mapping[str, str], CosmosDict], None]
        :returns: The user-defined function's properties.
        :rtype: ~azure.cosmos.CosmosDict
        :raises ~azure.cosmos.exceptions.CosmosResourceNotFoundError: The user-defined function does not exist.
        """
        return self._read(ScriptType.UserDefinedFunction, udf, kwargs)

    @distributed_trace
    @accepts_documented_keywords
    def create_user_defined_function(self, body: dict[str, Any], **kwargs: Any) -> CosmosDict:
        """Create a user-defined function; :meth:`replace_user_defined_function` changes an existing one.

        :param body: The definition: ``{"id": ..., "body": "function (...) { return ...; }"}``; queries
            call it as ``udf.<id>(...)``.
        :type body: dict[str, Any]
        :keyword str session_token: Token for use with Session consistency.
        :keyword dict[str, str] initial_headers: Extra headers to send with the request.
        :keyword response_hook: Called with the response headers and the new user-defined function.
        :paramtype response_hook: Callable[[Mapping[str, str], CosmosDict], None]
        :returns: The new user-defined function's properties.
        :rtype: ~azure.cosmos.CosmosDict
        :raises ~azure.cosmos.exceptions.CosmosResourceExistsError: A user-defined function with this id exists.
        """
        return self._create(ScriptType.UserDefinedFunction, body, kwargs)

    @distributed_trace
    @accepts_documented_keywords
    def replace_user_defined_function(self, udf: Union[str, Mapping[str, Any]], body: dict[str, Any],
                                      **kwargs: Any) -> CosmosDict:
        """Replace an existing user-defined function.

        :param udf: The id of the user-defined function to replace, or its properties dict.
        :type udf: Union[str, dict[str, Any]]
        :param body: The new definition.
        :type body: dict[str, Any]
        :keyword str session_token: Token for use with Session consistency.
        :keyword dict[str, str] initial_headers: Extra headers to send with the request.
        :keyword response_hook: Called with the response headers and the user-defined function.
        :paramtype response_hook: Callable[[Mapping[str, str], CosmosDict], None]
        :returns: The user-defined function's properties after the replacement.
        :rtype: ~azure.cosmos.CosmosDict
        :raises ~azure.cosmos.exceptions.CosmosResourceNotFoundError: The user-defined function does not exist.
        """
        return self._replace(ScriptType.UserDefinedFunction, udf, body, kwargs)

    @distributed_trace
    @accepts_documented_keywords
    def delete_user_defined_function(self, udf: Union[str, Mapping[str, Any]], **kwargs: Any) -> None:
        """Delete a user-defined function.

        :param udf: The id of the user-defined function to delete, or its properties dict.
        :type udf: Union[str, dict[str, Any]]
        :keyword str session_token: Token for use with Session consistency.
        :keyword dict[str, str] initial_headers: Extra headers to send with the request.
        :keyword response_hook: Called with the response headers and ``None``.
        :paramtype response_hook: Callable[[Mapping[str, str], None], None]
        :rtype: None
        :raises ~azure.cosmos.exceptions.CosmosResourceNotFoundError: The user-defined function does not exist.
        """
        self._delete(ScriptType.UserDefinedFunction, udf, kwargs)
