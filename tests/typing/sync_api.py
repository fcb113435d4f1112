"""Type-checked, never run: every public method of the sync client with its documented types.

``tests/test_typing.py`` runs pyright (strict) and mypy (strict) over this file; ``assert_type``
fails the check when a method's declared type differs from what is written here.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Dict, Iterable, List, Literal, Mapping, Optional, Tuple

from azure.core import MatchConditions
from azure.core.exceptions import AzureError, ResourceNotFoundError
from azure.core.paging import ItemPaged
from azure.core.utils import CaseInsensitiveDict
from azure.cosmos import (
    BulkOperationResult,
    ContainerProxy,
    CosmosClient,
    CosmosDict,
    CosmosList,
    ConsistencyLevel,
    DataType,
    DatabaseAccount,
    DatabaseProxy,
    IndexingMode,
    IndexKind,
    PartitionKey,
    Permission,
    PermissionMode,
    ScriptsProxy,
    ThroughputProperties,
    TriggerOperation,
    TriggerType,
    UserProxy,
    exceptions,
)
from azure.cosmos.documents import ConnectionPolicy
from azure.cosmos.partition_key import NonePartitionKeyValue
from azure.cosmos.scripts import ScriptType
from typing_extensions import assert_type

QUERY_PARAMETERS: List[Dict[str, Any]] = [{"name": "@id", "value": "a"}]


def client_methods(endpoint: str, key: str) -> None:
    client = CosmosClient(endpoint, credential=key, consistency_level="Session")
    assert_type(CosmosClient.from_connection_string(f"AccountEndpoint={endpoint};AccountKey={key};"), CosmosClient)
    with CosmosClient(endpoint, {"masterKey": key}) as managed:
        assert_type(managed, CosmosClient)
    assert_type(client.create_database("db"), DatabaseProxy)
    assert_type(client.create_database("db", offer_throughput=400), DatabaseProxy)
    assert_type(client.create_database("db", return_properties=True), Tuple[DatabaseProxy, CosmosDict])
    assert_type(client.create_database_if_not_exists("db"), DatabaseProxy)
    assert_type(client.create_database_if_not_exists(id="db", return_properties=True),
                Tuple[DatabaseProxy, CosmosDict])
    database = client.get_database_client("db")
    assert_type(database, DatabaseProxy)
    assert_type(client.get_database_client(database), DatabaseProxy)
    account = client.get_database_account()
    assert_type(account, DatabaseAccount)
    for database_properties in client.list_databases(max_item_count=10):
        assert_type(database_properties, Dict[str, Any])
    listed: ItemPaged[Dict[str, Any]] = client.list_databases()
    for row in client.query_databases("SELECT * FROM r WHERE r.id = @id", parameters=QUERY_PARAMETERS):
        assert_type(row, Any)
    assert_type(client.delete_database("db"), None)
    assert_type(client.delete_database(database), None)
    assert_type(client.close(), None)
    del listed


def database_methods(database: DatabaseProxy) -> None:
    assert_type(database.id, str)
    assert_type(database.database_link, str)
    assert_type(database.read(), CosmosDict)
    key = PartitionKey(path="/pk")
    assert_type(database.create_container("c", key), ContainerProxy)
    assert_type(database.create_container(id="c", partition_key=key, default_ttl=60, offer_throughput=400),
                ContainerProxy)
    assert_type(database.create_container("c", key, return_properties=True), Tuple[ContainerProxy, CosmosDict])
    assert_type(database.create_container_if_not_exists("c", key), ContainerProxy)
    assert_type(database.create_container_if_not_exists("c", key, return_properties=True),
                Tuple[ContainerProxy, CosmosDict])
    container = database.get_container_client("c")
    assert_type(container, ContainerProxy)
    assert_type(database.replace_container(container, key, default_ttl=10), ContainerProxy)
    assert_type(database.replace_container("c", key, return_properties=True), Tuple[ContainerProxy, CosmosDict])
    for container_properties in database.list_containers():
        assert_type(container_properties, Dict[str, Any])
    for row in database.query_containers("SELECT * FROM c", parameters=QUERY_PARAMETERS):
        assert_type(row, Any)
    assert_type(database.delete_container("c"), None)
    assert_type(database.create_user({"id": "u"}), UserProxy)
    assert_type(database.upsert_user({"id": "u"}), UserProxy)
    assert_type(database.replace_user("u", {"id": "u"}), UserProxy)
    assert_type(database.get_user_client("u"), UserProxy)
    for user_properties in database.list_users():
        assert_type(user_properties, Dict[str, Any])
    for row in database.query_users("SELECT * FROM u WHERE u.id = @id", parameters=QUERY_PARAMETERS):
        assert_type(row, Any)
    assert_type(database.delete_user("u"), None)
    assert_type(database.get_throughput(), ThroughputProperties)
    assert_type(database.replace_throughput(400), ThroughputProperties)
    assert_type(database.replace_throughput(ThroughputProperties(auto_scale_max_throughput=4000)),
                ThroughputProperties)
    assert_type(database.read_offer(), ThroughputProperties)


def item_methods(container: ContainerProxy) -> None:
    assert_type(container.id, str)
    assert_type(container.container_link, str)
    assert_type(container.is_system_key, bool)
    assert_type(container.scripts, ScriptsProxy)
    assert_type(container.read(), CosmosDict)
    body: Dict[str, Any] = {"id": "a", "pk": "p"}
    created = container.create_item(body)
    assert_type(created, CosmosDict)
    assert_type(created.get_response_headers(), CaseInsensitiveDict)
    assert_type(container.create_item(body, enable_automatic_id_generation=True), CosmosDict)
    assert_type(container.upsert_item(body), CosmosDict)
    assert_type(container.replace_item("a", body, etag=created["_etag"], match_condition=MatchConditions.IfNotModified),
                CosmosDict)
    assert_type(container.read_item("a", partition_key="p"), CosmosDict)
    assert_type(container.read_item(created, partition_key=["tenant", 1]), CosmosDict)
    assert_type(container.read_item("a", partition_key=NonePartitionKeyValue), CosmosDict)
    assert_type(container.delete_item("a", partition_key="p"), None)
    assert_type(container.patch_item("a", "p", [{"op": "set", "path": "/x", "value": 1}], filter_predicate="FROM c"),
                CosmosDict)
    results = container.execute_item_batch([("create", (body,)), ("read", ("a",), {})], partition_key="p")
    assert_type(results, CosmosList)
    for result in results:
        assert_type(result, Dict[str, Any])
    many = container.read_items([("a", "p"), ("b", "p")])
    assert_type(many, CosmosList)
    # New in 5: bulk (non-atomic) operations.
    for outcome in container.execute_item_bulk([("upsert", (body,)), ("delete", ("a",), {"partition_key": "p"})],
                                               ordered=False, max_concurrency=4):
        assert_type(outcome, BulkOperationResult)
        assert_type(outcome.ok, bool)
        assert_type(outcome.index, int)
        assert_type(outcome.status_code, int)
        assert_type(outcome.request_charge, float)
        assert_type(outcome.resource, Optional[Dict[str, Any]])
        assert_type(outcome.error, Optional[BaseException])
    assert_type(container.delete_all_items_by_partition_key("p"), None)


def query_methods(container: ContainerProxy) -> None:
    for item in container.read_all_items(max_item_count=10):
        assert_type(item, Dict[str, Any])
    rows = container.query_items("SELECT * FROM c WHERE c.id = @id", parameters=QUERY_PARAMETERS,
                                 partition_key="p", max_item_count=5)
    for row in rows:
        assert_type(row, Any)
    assert_type(rows.get_response_headers(), CaseInsensitiveDict)
    positional = container.query_items("SELECT VALUE COUNT(1) FROM c", None, None, True)
    count: int = next(positional)
    pages = rows.by_page("continuation-token")
    token: Optional[str] = pages.continuation_token
    for page in pages:
        for row in page:
            assert_type(row, Any)
    paged: ItemPaged[Dict[str, Any]] = container.query_items("SELECT * FROM c", enable_cross_partition_query=True)
    changes = container.query_items_change_feed(start_time="Beginning", partition_key="p")
    for change in changes:
        assert_type(change, Dict[str, Any])
    assert_type(container.query_items_change_feed(continuation="etag").by_page().continuation_token, Optional[str])
    ranges = container.read_feed_ranges()
    assert_type(ranges, Iterable[Dict[str, Any]])
    feed_range = container.feed_range_from_partition_key("p")
    assert_type(feed_range, Dict[str, Any])
    for item in container.query_items("SELECT * FROM c", feed_range=feed_range):
        assert_type(item, Any)
    assert_type(container.is_feed_range_subset(feed_range, feed_range), bool)
    assert_type(container.get_latest_session_token([(feed_range, "0:1#2")], feed_range), str)
    for conflict in container.list_conflicts():
        assert_type(conflict, Dict[str, Any])
    for row in container.query_conflicts("SELECT * FROM c", parameters=QUERY_PARAMETERS):
        assert_type(row, Any)
    assert_type(container.get_conflict("c", partition_key="p"), CosmosDict)
    assert_type(container.delete_conflict("c", partition_key="p"), None)
    assert_type(container.get_throughput(), ThroughputProperties)
    assert_type(container.replace_throughput(1000), ThroughputProperties)
    assert_type(container.read_offer(), ThroughputProperties)
    assert_type(container.semantic_rerank(context="tents", documents=["a", "b"]), CosmosDict)
    del count, token, paged


def script_methods(scripts: ScriptsProxy) -> None:
    procedure = {"id": "sp", "body": "function () {}"}
    assert_type(scripts.create_stored_procedure(procedure), CosmosDict)
    assert_type(scripts.replace_stored_procedure("sp", procedure), CosmosDict)
    assert_type(scripts.get_stored_procedure("sp"), CosmosDict)
    for row in scripts.list_stored_procedures():
        assert_type(row, Dict[str, Any])
    for row in scripts.query_stored_procedures("SELECT * FROM s WHERE s.id = @id", parameters=QUERY_PARAMETERS):
        assert_type(row, Any)
    assert_type(scripts.execute_stored_procedure("sp", partition_key="p", params=["world", 1]), Any)
    assert_type(scripts.delete_stored_procedure("sp"), None)
    trigger = {"id": "t", "body": "function () {}", "triggerType": "Pre", "triggerOperation": "All"}
    assert_type(scripts.create_trigger(trigger), CosmosDict)
    assert_type(scripts.replace_trigger("t", trigger), CosmosDict)
    assert_type(scripts.get_trigger("t"), CosmosDict)
    for row in scripts.list_triggers():
        assert_type(row, Dict[str, Any])
    for row in scripts.query_triggers("SELECT * FROM t", parameters=QUERY_PARAMETERS):
        assert_type(row, Any)
    assert_type(scripts.delete_trigger("t"), None)
    function = {"id": "f", "body": "function (x) { return x; }"}
    assert_type(scripts.create_user_defined_function(function), CosmosDict)
    assert_type(scripts.replace_user_defined_function("f", function), CosmosDict)
    assert_type(scripts.get_user_defined_function("f"), CosmosDict)
    for row in scripts.list_user_defined_functions():
        assert_type(row, Dict[str, Any])
    for row in scripts.query_user_defined_functions("SELECT * FROM f", parameters=QUERY_PARAMETERS):
        assert_type(row, Any)
    assert_type(scripts.delete_user_defined_function("f"), None)


def user_methods(user: UserProxy, container: ContainerProxy) -> None:
    assert_type(user.id, str)
    assert_type(user.user_link, str)
    assert_type(user.read(), CosmosDict)
    definition = {"id": "p", "permissionMode": "Read", "resource": container.container_link}
    permission = user.create_permission(definition)
    assert_type(permission, Permission)
    assert_type(permission.id, str)
    assert_type(permission.user_link, str)
    assert_type(permission.permission_mode, str)
    assert_type(permission.resource_link, str)
    assert_type(permission.properties, Mapping[str, Any])
    assert_type(user.upsert_permission(definition), Permission)
    assert_type(user.replace_permission("p", definition), Permission)
    assert_type(user.get_permission(permission), Permission)
    for row in user.list_permissions():
        assert_type(row, Dict[str, Any])
    for row in user.query_permissions("SELECT * FROM p WHERE p.id = @id", parameters=QUERY_PARAMETERS):
        assert_type(row, Any)
    assert_type(user.delete_permission("p"), None)


def value_types(throughput: ThroughputProperties, account: DatabaseAccount) -> None:
    assert_type(throughput.offer_throughput, Optional[int])
    assert_type(throughput.auto_scale_max_throughput, Optional[int])
    assert_type(throughput.auto_scale_increment_percent, Optional[int])
    assert_type(throughput.get_response_headers(), Mapping[str, Any])
    key = PartitionKey(path="/pk", kind="Hash")
    assert_type(key.path, str)
    assert_type(PartitionKey(path=["/tenant", "/user"], kind="MultiHash").kind, Literal["MultiHash", "Hash"])
    assert_type(account.ReadableLocations, List[Dict[str, str]])
    assert_type(account.WritableLocations, List[Dict[str, str]])


def exception_attributes(error: exceptions.CosmosHttpResponseError,
                         batch_error: exceptions.CosmosBatchOperationError) -> None:
    assert_type(error.status_code, int)
    assert_type(error.sub_status, Optional[int])
    assert_type(error.headers, Mapping[str, str])
    assert_type(error.http_error_message, Optional[str])
    assert_type(error.message, str)
    assert_type(batch_error.error_index, Optional[int])
    assert_type(batch_error.operation_responses, List[Dict[str, Any]])
    for response in batch_error.operation_responses:
        assert_type(response["statusCode"], Any)
    not_found: exceptions.CosmosHttpResponseError = exceptions.CosmosResourceNotFoundError(status_code=404)
    also_azure_core: ResourceNotFoundError = exceptions.CosmosResourceNotFoundError(message="gone")
    exists: exceptions.CosmosHttpResponseError = exceptions.CosmosResourceExistsError(status_code=409)
    failed: exceptions.CosmosHttpResponseError = exceptions.CosmosAccessConditionFailedError(status_code=412)
    timeout: AzureError = exceptions.CosmosClientTimeoutError()
    del not_found, also_azure_core, exists, failed, timeout


def document_types(policy: ConnectionPolicy) -> None:
    assert_type(policy.RequestTimeout, float)
    # The enum-like classes hold plain strings (their values are 4.x's; tools/api_diff.py compares them).
    constants: List[str] = [ConsistencyLevel.Session, PermissionMode.Read, TriggerType.Pre, TriggerOperation.Create,
                            IndexingMode.Consistent, IndexKind.Range, DataType.String]
    del constants
    assert_type(ScriptType.StoredProcedure, str)


def change_feed_forms(container: ContainerProxy, feed_range: Dict[str, Any]) -> None:
    since = datetime(2026, 1, 1, tzinfo=timezone.utc)
    for change in container.query_items_change_feed(start_time=since, mode="LatestVersion", max_item_count=100):
        assert_type(change, Dict[str, Any])
    by_range = container.query_items_change_feed(feed_range=feed_range, start_time="Now", priority="Low")
    resumed = container.query_items_change_feed(continuation="token", excluded_locations=["West US"])
    whole = container.query_items_change_feed(mode="AllVersionsAndDeletes")
    for feed in (by_range, resumed, whole):
        assert_type(feed.get_response_headers(), CaseInsensitiveDict)


def partition_key_forms() -> None:
    assert_type(PartitionKey("/a", "Hash", 1).version, int)
    assert_type(PartitionKey(["/tenant", "/user"], "MultiHash").path, str)  # the paths joined, as in 4.x
