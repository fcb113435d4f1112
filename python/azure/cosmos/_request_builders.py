# The MIT License (MIT)
"""4.x arguments -> engine arguments, shared by the sync and async proxies.

Pure functions, no I/O: container definitions, throughput settings, resource ids,
item bodies (id, partition key, JSON bytes) and the two call forms of ``query_items``.
"""
from __future__ import annotations

import uuid
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Optional, Sequence

from ._global_secondary_index import LEGACY_PROPERTY as _GSI_LEGACY_PROPERTY, PROPERTY as _GSI_PROPERTY
from ._request_feeds import to_bounds
from ._request_validation import check_query_body, check_resource_id
from ._serialization import dump_json, dump_parameters
from .documents import IndexingMode
from .offer import ThroughputProperties

_UNSET = object()


def resource_id(resource: Any) -> str:
    """The id of a database or container given as an id, a proxy or a properties dict.

    :param resource: ``str``, a proxy (with ``.id``) or a mapping with ``"id"``.
    :returns: The id.
    :rtype: str
    """
    if isinstance(resource, str):
        return resource
    if isinstance(resource, Mapping):
        return resource["id"]
    if not hasattr(resource, "id"):
        # 4.x fails here with "'NoneType' object is not subscriptable"; the same class, saying what is expected.
        raise TypeError(f"expected an id (str), a proxy or a properties dict, got {type(resource).__name__}")
    return resource.id


def item_id(item: Any) -> str:
    """The id of an item given as its id or as the item dict.

    :param item: ``str`` or a mapping with ``"id"``.
    :returns: The id.
    :rtype: str
    """
    if isinstance(item, str):
        return item
    return item["id"]


def throughput_options(offer_throughput: Any) -> dict:
    """Engine options for the throughput of a new database or container, as 4.x sets them.

    :param offer_throughput: ``int`` (manual RU/s), :class:`~azure.cosmos.ThroughputProperties`
        (manual or autoscale) or ``None``.
    :returns: ``offer_throughput`` or ``auto_scale_*`` engine options.
    :rtype: dict
    """
    if offer_throughput is None:
        return {}
    if isinstance(offer_throughput, int):
        return {"offer_throughput": offer_throughput}
    if isinstance(offer_throughput, ThroughputProperties):
        if offer_throughput.auto_scale_max_throughput is None and offer_throughput.auto_scale_increment_percent:
            raise ValueError("auto_scale_max_throughput must be supplied in "
                             "conjunction with auto_scale_increment_percent")
        if offer_throughput.auto_scale_max_throughput is not None:
            options = {"auto_scale_max_throughput": offer_throughput.auto_scale_max_throughput}
            if offer_throughput.auto_scale_increment_percent is not None:
                options["auto_scale_increment_percent"] = offer_throughput.auto_scale_increment_percent
            return options
        if offer_throughput.offer_throughput is not None:
            return {"offer_throughput": offer_throughput.offer_throughput}
        return {}
    raise TypeError("offer_throughput must be int or an instance of ThroughputProperties")


def take_arguments(method: str, args: Sequence[Any], kwargs: dict, names: Sequence[str], required: int = 0) -> dict:
    """Bind the positional-or-keyword arguments of a 4.x ``(*args, **kwargs)`` method.

    :param str method: The method name, for error messages.
    :param args: The positional arguments.
    :param dict kwargs: The keyword arguments; bound names are removed from it.
    :param names: The parameter names in positional order.
    :param int required: How many of the first names must be given.
    :returns: Every name in ``names`` mapped to its value (``None`` if not given).
    :rtype: dict
    :raises TypeError: Too many positional arguments, one given twice, or a required one missing.
    """
    if len(args) > len(names):
        raise TypeError(f"Unexpected positional parameters: {tuple(args[len(names):])}")
    bound = dict(zip(names, args))
    for name in names:
        if name in kwargs:
            if name in bound:
                raise TypeError(f"{method}() got multiple values for argument '{name}'")
            bound[name] = kwargs.pop(name)
    missing = [name for name in names[:required] if name not in bound]
    if missing:
        raise TypeError(f"{method}() missing required argument: '{missing[0]}'")
    return {name: bound.get(name) for name in names}


def drop_ignored(kwargs: dict, names: Sequence[str], category: type = DeprecationWarning) -> None:
    """Remove keywords a method accepts but ignores, warning as 4.x does.

    :param dict kwargs: The call's keywords; the ignored ones are removed.
    :param names: The ignored keywords to look for.
    :param type category: The warning class 4.x uses for this method.
    """
    for name in names:
        if kwargs.pop(name, None) is not None:
            warnings.warn(
                f"The '{name}' flag does not apply to this method and is always ignored even if passed."
                " It will now be removed in the future.",
                category,
                stacklevel=3,
            )


def with_continuation(options: dict, continuation: Optional[str]) -> dict:
    """Engine options of a pager that starts at ``continuation``.

    :param dict options: The query's engine options.
    :param continuation: A continuation token from a previous page, or ``None`` for the start.
    :type continuation: str or None
    :returns: The options to start the pager with.
    :rtype: dict
    """
    if not continuation:
        return options
    resumed = dict(options)
    resumed["continuation"] = continuation
    return resumed


# Container definition: 4.x argument -> property name of the service's container resource.
_CONTAINER_PROPERTIES = (
    ("partition_key", "partitionKey"),
    ("indexing_policy", "indexingPolicy"),
    ("default_ttl", "defaultTtl"),
    ("unique_key_policy", "uniqueKeyPolicy"),
    ("conflict_resolution_policy", "conflictResolutionPolicy"),
    ("analytical_storage_ttl", "analyticalStorageTtl"),
    ("computed_properties", "computedProperties"),
    ("vector_embedding_policy", "vectorEmbeddingPolicy"),
    ("change_feed_policy", "changeFeedPolicy"),
    ("full_text_policy", "fullTextPolicy"),
)


def container_definition(container_id: str, arguments: Mapping[str, Any]) -> dict:
    """The container resource to create or replace, from 4.x arguments.

    A ``global_secondary_index`` goes out under both ``globalSecondaryIndexDefinition`` and the
    service's older name ``materializedViewDefinition`` (one dict, as 4.x sends it); its source
    ``_rid`` is filled in afterwards with :func:`set_gsi_source_rid`, because finding it takes a read.

    :param str container_id: The container id (checked as 4.x checks it).
    :param arguments: 4.x argument names (``partition_key``, ``indexing_policy``, ...) to values;
        ``None`` values are left out.
    :returns: The container definition.
    :rtype: dict
    :raises TypeError: ``global_secondary_index`` is neither a definition nor a mapping (as 4.x's ``dict()``).
    :raises ValueError: ``global_secondary_index`` is a sequence that is not of pairs (likewise), or the
        id has characters 4.x refuses.
    """
    check_resource_id(container_id)
    definition: dict = {"id": container_id}
    for argument, name in _CONTAINER_PROPERTIES:
        value = arguments.get(argument)
        if value is not None:
            definition[name] = value
    policy = definition.get("indexingPolicy")
    if policy is not None and policy.get("indexingMode") is IndexingMode.Lazy:
        warnings.warn(
            "Lazy indexing mode has been deprecated. Mode will be set to consistent indexing by the backend.",
            DeprecationWarning,
            stacklevel=3,
        )
    index = arguments.get("global_secondary_index")
    if index is not None:
        # 4.x serialises its own class with _to_dict() and copies anything else with dict().
        wire = index._to_dict() if hasattr(index, "_to_dict") else dict(index)  # pylint: disable=protected-access
        definition[_GSI_PROPERTY] = wire
        definition[_GSI_LEGACY_PROPERTY] = wire
    return definition


def gsi_source_to_resolve(definition: Mapping[str, Any]) -> Optional[str]:
    """The source container id whose ``_rid`` must be read before sending ``definition``.

    :param definition: A container definition from :func:`container_definition`.
    :returns: The id, or ``None`` when there is no index, its ``sourceCollectionRid`` is already set or
        it names no source (4.x then sends it as it is and the service refuses it).
    :rtype: str or None
    """
    wire = definition.get(_GSI_PROPERTY)
    if not wire or wire.get("sourceCollectionRid"):
        return None
    return wire.get("sourceCollectionId") or None


def set_gsi_source_rid(definition: dict, rid: str) -> None:
    """Fill in the index's ``sourceCollectionRid`` (under both property names).

    :param dict definition: A container definition from :func:`container_definition`, changed in place.
    :param str rid: The source container's ``_rid``.
    """
    for name in (_GSI_PROPERTY, _GSI_LEGACY_PROPERTY):
        definition[name]["sourceCollectionRid"] = rid


_check_id = check_resource_id  # the users and scripts modules import it under this name


def item_body(body: Any, *, generate_id: bool, compact_utf8: bool) -> tuple:
    """Check and serialise an item body for create/upsert/replace, before any request is made.

    :param body: The item, a dict.
    :keyword bool generate_id: Give the item a new GUID id if it has none (4.x's
        ``enable_automatic_id_generation``).
    :keyword bool compact_utf8: Send non-ASCII text unescaped.
    :returns: ``(item as sent, id, body bytes)``; the id is ``""`` when the item has none (the
        service then rejects the write, as it does for 4.x).
    :rtype: tuple[Mapping[str, Any], str, bytes]
    :raises TypeError: The body is not a dict, is not JSON serialisable, or its id is not a string.
    :raises ValueError: The body is ``None`` or its id contains characters the service does not allow.
    """
    if body is None:
        raise ValueError("document is None.")
    if not isinstance(body, Mapping):
        raise TypeError(f"An item body must be a dict, got {type(body).__name__}")
    _check_id(body.get("id"))
    if not body.get("id") and generate_id:
        body = dict(body)
        body["id"] = str(uuid.uuid4())
    data = dump_json(body, ensure_ascii=not compact_utf8)
    identifier = body.get("id")
    return body, ("" if identifier is None else identifier), data


def query_spec(query: Any, parameters: Any) -> tuple:
    """A query given as text or as 4.x's ``{"query": ..., "parameters": [...]}`` dict.

    :param query: The SQL text, the dict form, or ``None``.
    :param parameters: The separately given parameters (the dict's own win).
    :returns: ``(text or None, parameters)``.
    :rtype: tuple
    """
    check_query_body(query)
    if isinstance(query, Mapping):
        return query.get("query"), query.get("parameters", parameters)
    return query, parameters


# The legacy positional form of ContainerProxy.query_items.
QUERY_POSITIONAL = ("query", "parameters", "partition_key", "enable_cross_partition_query", "max_item_count",
                    "enable_scan_in_query", "populate_query_metrics")
READ_ALL_QUERY = "SELECT * FROM root"


@dataclass(frozen=True)
class QueryRequest:
    """What a query sends: the text, the parameters (JSON bytes) and its partition-key scope.

    :ivar str text: The SQL text.
    :ivar bytes parameters: ``[{"name": ..., "value": ...}]`` as JSON.
    :ivar partition_key: The 4.x partition-key value to scope to, or ``None`` for the whole container.
    :ivar feed_range: ``(min, max)`` bounds of a feed range to scope to, or ``None``.
    """

    text: str
    parameters: bytes
    partition_key: Any = None
    feed_range: Optional[tuple] = None

    @classmethod
    def read_all(cls) -> "QueryRequest":
        """Every item of a container (4.x reads the feed; a query returns the same items: the
        driver 1.0.0 plans a cross-partition read feed as a single request and refuses it).

        :returns: The request.
        :rtype: QueryRequest
        """
        return cls(READ_ALL_QUERY, b"[]")

    @classmethod
    def from_call(cls, args: Sequence[Any], kwargs: dict,
                  positional: Sequence[str] = QUERY_POSITIONAL) -> "QueryRequest":
        """Bind both 4.x call forms of ``query_items``.

        ``query_items(query, parameters, partition_key, enable_cross_partition_query,
        max_item_count, enable_scan_in_query, populate_query_metrics)`` (legacy positional) or
        ``query_items(query, *, parameters=..., partition_key=..., ...)``. The arguments that
        define the request are removed from ``kwargs``; request options stay in it.

        :param args: Positional arguments.
        :param dict kwargs: Keyword arguments, updated in place.
        :param positional: The names positional arguments bind to (the async client takes
            only ``query`` positionally).
        :returns: The request.
        :rtype: QueryRequest
        :raises ValueError: Too many positional arguments, one given both ways, or both
            ``partition_key`` and ``feed_range``.
        :raises TypeError: A parameter value is not JSON serialisable.
        """
        if len(args) > len(positional):
            raise ValueError(f"Positional argument is out of range. Expected {len(positional)} arguments, "
                             f"but got {len(args)} instead. Please review argument list in API documentation.")
        for name, value in zip(positional, args):
            if name in kwargs:
                raise ValueError(f"{name} cannot be used as positional and keyword argument at the same time.")
            kwargs[name] = value
        query = kwargs.pop("query", None)
        parameters = kwargs.pop("parameters", None)
        query, parameters = query_spec(query, parameters)
        partition_key = kwargs.pop("partition_key", None)
        feed_range = kwargs.pop("feed_range", None)
        if feed_range is not None and partition_key is not None:
            raise ValueError("'feed_range' and 'partition_key' are exclusive parameters, please only set one of them.")
        bounds = None if feed_range is None else to_bounds(feed_range)
        scope = kwargs.pop("full_text_score_scope", None)
        if scope is not None and scope not in ("Local", "Global"):
            raise ValueError(f"full_text_score_scope must be 'Local' or 'Global', got '{scope}'")
        kwargs.pop("enable_cross_partition_query", None)
        return cls(query or READ_ALL_QUERY, dump_parameters(parameters), partition_key, bounds)


def database_account(properties: Mapping[str, Any], headers: Mapping[str, str]) -> Any:
    """4.x's ``DatabaseAccount`` from the account document and its response headers.

    :param properties: The account document.
    :param headers: The response headers.
    :returns: The account.
    :rtype: ~azure.cosmos.documents.DatabaseAccount
    """
    from .documents import DatabaseAccount  # pylint: disable=import-outside-toplevel

    account = DatabaseAccount()
    account.DatabasesLink = "/dbs/"
    account.MediaLink = "/media/"
    if "x-ms-max-media-storage-usage-mb" in headers:
        account.MaxMediaStorageUsageInMB = headers["x-ms-max-media-storage-usage-mb"]
    if "x-ms-media-storage-usage-mb" in headers:
        account.CurrentMediaStorageUsageInMB = headers["x-ms-media-storage-usage-mb"]
    account.ConsistencyPolicy = properties.get("userConsistencyPolicy")
    if "writableLocations" in properties:
        account._WritableLocations = properties["writableLocations"]  # pylint: disable=protected-access
    if "readableLocations" in properties:
        account._ReadableLocations = properties["readableLocations"]  # pylint: disable=protected-access
    if "enableMultipleWriteLocations" in properties:
        account._EnableMultipleWritableLocations = (  # pylint: disable=protected-access
            properties["enableMultipleWriteLocations"])
    return account


def stale_partition_key_definition(error: Any, cached: Optional[Mapping[str, Any]], fresh: Mapping[str, Any]) -> bool:
    """Whether a write failed because the client's cached partition-key definition is stale.

    The service answers 400/1001 (partition key mismatch) when the key sent is not the
    item's; after a container was deleted and created again with another partition-key
    path, that is the cached definition's fault, and the write is worth one retry with
    the container's current definition (4.x refreshes its container cache the same way).

    :param error: The write's error.
    :param cached: The properties the write used.
    :param fresh: The container's properties read again.
    :returns: ``True`` if the definition changed since it was cached.
    :rtype: bool
    """
    if not is_partition_key_mismatch(error):
        return False
    return (cached or {}).get("partitionKey") != fresh.get("partitionKey") or (
        (cached or {}).get("_rid") != fresh.get("_rid"))


def is_partition_key_mismatch(error: Any) -> bool:
    """The service's 400/1001: the partition key sent is not the item's.

    :param error: An exception.
    :returns: Whether it is that error.
    :rtype: bool
    """
    return getattr(error, "status_code", None) == 400 and getattr(error, "sub_status", None) == 1001


def semantic_rerank_unavailable(uses_token_credential: bool) -> BaseException:
    """The error of ``semantic_rerank``, which is not built yet.

    The inference service takes only Entra ID (AAD) tokens, and its endpoint comes from
    ``AZURE_COSMOS_SEMANTIC_RERANKER_INFERENCE_ENDPOINT``. For a key-authenticated client 4.x raises
    a ``CosmosHttpResponseError``, and so does this; for an Entra ID client the call to the inference
    service is not built (no local server offers one to test against), which is said plainly.

    :param bool uses_token_credential: Whether the client authenticates with a token credential.
    :returns: The exception to raise.
    :rtype: BaseException
    """
    from .exceptions import CosmosHttpResponseError  # pylint: disable=import-outside-toplevel

    if uses_token_credential:
        return NotImplementedError(
            "semantic_rerank is not supported by azure-cosmos 5 yet: the call to the semantic reranker's "
            "inference service is not built")
    return CosmosHttpResponseError(
        message="Semantic reranking requires AAD credentials (inference service not initialized): the client "
                "authenticates with the account key; the inference service takes Microsoft Entra ID tokens and "
                "its endpoint from AZURE_COSMOS_SEMANTIC_RERANKER_INFERENCE_ENDPOINT.",
        response=None,
    )
