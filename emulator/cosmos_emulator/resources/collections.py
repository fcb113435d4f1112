"""``/dbs/{db}/colls``: create, read, replace (keeping data), read feed, query and delete containers."""
from __future__ import annotations

import copy
from typing import Any, Dict

from .. import partitioning
from .. import rid as rids
from ..errors import bad_request, conflict, method_not_allowed
from ..storage import Account, Collection, Database, initial_partitions
from ..wire import Request, Response, metadata_charge
from . import computed_properties, global_secondary_indexes, offers, search_policies, unique_keys
from .time_to_live import validate_default_ttl
from .container_usage import container_read_headers, partition_statistics, wants_statistics
from .common import (check_if_match, not_modified, not_modified_since, paged_feed,
                     resolve_collection, resolve_database, resource_answer, strip_system_properties,
                     validate_id)
from .query_bridge import ListQuerySource, is_query_request, run_query

DEFAULT_INDEXING_POLICY: Dict[str, Any] = {
    "indexingMode": "consistent",
    "automatic": True,
    "includedPaths": [{"path": "/*"}],
    "excludedPaths": [{"path": "/\"_etag\"/?"}],
}
DEFAULT_CONFLICT_RESOLUTION = {"mode": "LastWriterWins", "conflictResolutionPath": "/_ts",
                               "conflictResolutionProcedure": ""}
# Containers created without a partition key get the service's system key.
SYSTEM_PARTITION_KEY = {"paths": ["/_partitionKey"], "kind": "Hash", "systemKey": True}


def handle(account: Account, request: Request) -> Response:
    if request.address.is_feed:
        database = resolve_database(account, request, owner=True)
        resources = [collection.properties for collection in database.collections.values()]
        if is_query_request(request):
            return run_query(request, ListQuerySource("colls", resources), "DocumentCollections",
                             database.rid)
        if request.method == "POST":
            return _create(account, database, request)
        if request.method == "GET":
            return paged_feed(request, "DocumentCollections", database.rid, resources)
        raise method_not_allowed()
    collection = resolve_collection(account, request)
    if request.method == "GET":
        if not_modified_since(request, collection.properties["_etag"]):
            return not_modified(metadata_charge(), collection.properties["_etag"])
        body = collection.properties
        if wants_statistics(request):
            body = dict(body, statistics=partition_statistics(collection))
        return resource_answer(request, 200, body, metadata_charge(), headers_for(collection, request))
    if request.method == "PUT":
        check_if_match(request, collection.properties["_etag"])
        return _replace(account, collection, request)
    if request.method == "DELETE":
        check_if_match(request, collection.properties["_etag"])
        global_secondary_indexes.check_delete(collection)
        account.delete_collection(collection)
        return resource_answer(request, 204, None, metadata_charge(), headers_for(collection, request))
    raise method_not_allowed()


def headers_for(collection: Collection, request: Request) -> Dict[str, str]:
    """Quota/usage and content-path headers the gateway puts on container answers."""
    headers = container_read_headers(collection, request)
    headers.update({
        "x-ms-alt-content-path": f"dbs/{collection.database.id}",
        "x-ms-content-path": collection.database.rid,
        "x-ms-cosmos-physical-partition-count": str(len(collection.partitions)),
    })
    return headers


def normalize_indexing_policy(policy: Any) -> Dict[str, Any]:
    """The indexing policy as the service stores and returns it: the mode in lower case, ``automatic``,
    ``includedPaths`` (``/*`` by default) and ``excludedPaths`` (with ``/"_etag"/?`` added) filled in, and the
    legacy per-path ``indexes`` (Hash/Range kinds, data types, precision) dropped, as the service drops them
    (every path gets range indexes of full precision)."""
    if policy is None:
        return copy.deepcopy(DEFAULT_INDEXING_POLICY)
    if not isinstance(policy, dict):
        raise bad_request("The indexing policy is invalid.")
    result = copy.deepcopy(policy)
    for key in ("includedPaths", "excludedPaths"):
        if isinstance(result.get(key), list):
            result[key] = [{name: value for name, value in entry.items() if name != "indexes"}
                           if isinstance(entry, dict) else entry for entry in result[key]]
    mode = str(result.get("indexingMode", "consistent")).lower()
    if mode not in ("consistent", "lazy", "none"):
        raise bad_request(f"The indexing mode '{result.get('indexingMode')}' is invalid.")
    result["indexingMode"] = mode
    result.setdefault("automatic", True)
    if mode == "none":
        result.setdefault("includedPaths", [])
        result.setdefault("excludedPaths", [])
    else:
        result.setdefault("includedPaths", [{"path": "/*"}])
        excluded = result.setdefault("excludedPaths", [])
        if not any(entry.get("path") == "/\"_etag\"/?" for entry in excluded if isinstance(entry, dict)):
            excluded.append({"path": "/\"_etag\"/?"})
    return result


def normalize_conflict_resolution(policy: Any) -> Dict[str, Any]:
    """The conflict resolution policy as the service keeps it: all three fields, the mode's canonical
    spelling, and ``/_ts`` for a last-writer-wins policy without a path (the documented default)."""
    if policy is None:
        return dict(DEFAULT_CONFLICT_RESOLUTION)
    if not isinstance(policy, dict):
        raise bad_request("The conflict resolution policy is invalid.")
    modes = {"lastwriterwins": "LastWriterWins", "custom": "Custom"}
    mode = modes.get(str(policy.get("mode") or "LastWriterWins").lower())
    if mode is None:
        raise bad_request(f"The conflict resolution mode '{policy.get('mode')}' is invalid.")
    result = dict(policy, mode=mode)
    if mode == "LastWriterWins" and not result.get("conflictResolutionPath"):
        result["conflictResolutionPath"] = "/_ts"
    result.setdefault("conflictResolutionPath", "")
    result.setdefault("conflictResolutionProcedure", "")
    return result


def _validated_properties(body: Dict[str, Any]) -> Dict[str, Any]:
    properties = strip_system_properties(body)
    properties["indexingPolicy"] = normalize_indexing_policy(body.get("indexingPolicy"))
    if "partitionKey" in body and body["partitionKey"] is not None:
        properties["partitionKey"] = partitioning.validate_definition(body["partitionKey"])
    else:
        properties["partitionKey"] = dict(SYSTEM_PARTITION_KEY)
    ttl = body.get("defaultTtl")
    if ttl is not None:
        validate_default_ttl(ttl)
    unique = body.get("uniqueKeyPolicy")
    if unique is None:
        properties["uniqueKeyPolicy"] = {"uniqueKeys": []}
    elif not isinstance(unique, dict) or not isinstance(unique.get("uniqueKeys", []), list):
        raise bad_request("The unique key policy is invalid.")
    else:
        properties["uniqueKeyPolicy"] = unique_keys.validate_policy(unique)
    if body.get("computedProperties") is not None:
        properties["computedProperties"] = computed_properties.validate(body["computedProperties"])
    else:
        properties.pop("computedProperties", None)
    properties["conflictResolutionPolicy"] = normalize_conflict_resolution(body.get("conflictResolutionPolicy"))
    properties.setdefault("geospatialConfig", {"type": "Geography"})
    # Kept under the service's own name only (set again by _create/_replace after their checks).
    for key in (global_secondary_indexes.STORED_KEY, global_secondary_indexes.SDK_KEY):
        properties.pop(key, None)
    return properties


def _create(account: Account, database: Database, request: Request) -> Response:
    body = request.json_object_body()
    collection_id = validate_id(body.get("id"), what="collection")
    # Definitions are checked before the id is looked up: an invalid body is 400 even under an existing id.
    properties = _validated_properties(body)
    search_policies.validate(body, properties["indexingPolicy"])
    index = global_secondary_indexes.sent_definition(body)
    if collection_id in database.collections:
        raise conflict()
    properties["id"] = collection_id
    content = offers.throughput_from_headers(request)
    if index is not None:
        properties[global_secondary_indexes.STORED_KEY] = global_secondary_indexes.validate_new(
            account, database, index, content)
    if content is None and offers.offer_for(account, database.rid) is None:
        # No shared throughput to draw on: the service provisions the container with 400 RU/s.
        content = offers.manual_content(offers.DEFAULT_CONTAINER_THROUGHPUT)
    ordinal = database.next_collection_ordinal
    database.next_collection_ordinal += 1
    collection_rid = rids.collection_rid(database.rid, ordinal)
    properties.update({
        "_rid": collection_rid,
        "_ts": account.now(),
        "_self": f"dbs/{database.rid}/colls/{collection_rid}/",
        "_etag": account.etag(),
        "_docs": "docs/",
        "_sprocs": "sprocs/",
        "_triggers": "triggers/",
        "_udfs": "udfs/",
        "_conflicts": "conflicts/",
    })
    ranges = initial_partitions(collection_rid, offers.partitions_for_new_container(account, database, content),
                                properties["partitionKey"])
    collection = account.put_collection(database, properties, ranges)
    if content is not None:
        offers.create_offer(account, properties["_self"], collection_rid, content)
    return resource_answer(request, 201, collection.properties, metadata_charge(), headers_for(collection, request))


def _replace(account: Account, collection: Collection, request: Request) -> Response:
    body = request.json_object_body()
    if body.get("id") != collection.id:
        raise bad_request("The id of the container in the body does not match the id in the request path.")
    properties = _validated_properties(body)
    search_policies.validate(body, properties["indexingPolicy"], collection.properties)
    index = global_secondary_indexes.validate_replace(collection, global_secondary_indexes.sent_definition(body))
    if index is not None:
        properties[global_secondary_indexes.STORED_KEY] = index
    old_definition = collection.partition_key_definition
    new_definition = properties["partitionKey"]
    if "partitionKey" in body and (new_definition.get("paths") != old_definition.get("paths")
                                   or new_definition.get("kind") != old_definition.get("kind")
                                   or partitioning.definition_version(new_definition)
                                   != partitioning.definition_version(old_definition)):
        raise bad_request("Partition key paths, kind and version of a container cannot be changed.")
    properties["partitionKey"] = old_definition
    if "uniqueKeyPolicy" in body and properties["uniqueKeyPolicy"] != collection.properties.get("uniqueKeyPolicy"):
        raise bad_request("The unique key policy of a container cannot be changed.")
    properties["uniqueKeyPolicy"] = collection.properties.get("uniqueKeyPolicy", {"uniqueKeys": []})
    # Documented: the conflict resolution policy is set at creation and cannot be modified afterwards.
    kept_resolution = collection.properties.get("conflictResolutionPolicy", dict(DEFAULT_CONFLICT_RESOLUTION))
    if body.get("conflictResolutionPolicy") is not None and properties["conflictResolutionPolicy"] != kept_resolution:
        raise bad_request("The conflict resolution policy of a container cannot be changed.")
    properties["conflictResolutionPolicy"] = kept_resolution
    properties["id"] = collection.id
    for key in ("_rid", "_self", "_docs", "_sprocs", "_triggers", "_udfs", "_conflicts"):
        properties[key] = collection.properties[key]
    properties["_etag"] = account.etag()
    properties["_ts"] = account.now()
    updated = account.put_collection(collection.database, properties)
    return resource_answer(request, 200, updated.properties, metadata_charge(), headers_for(updated, request))
