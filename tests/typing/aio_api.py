"""Type-checked, never run: every public method of the asyncio client with its documented types.

The twin of ``sync_api.py`` (``tests/test_typing.py`` checks both with pyright and mypy).
"""
from __future__ import annotations

from typing import Any, AsyncIterable, Dict, List, Mapping, Optional, Tuple

from azure.core.async_paging import AsyncItemPaged
from azure.core.utils import CaseInsensitiveDict
from azure.cosmos import BulkOperationResult, CosmosDict, CosmosList, PartitionKey, Permission, ThroughputProperties
from azure.cosmos.aio import ContainerProxy, CosmosClient, DatabaseProxy, ScriptsProxy, UserProxy
from typing_extensions import assert_type

QUERY_PARAMETERS: List[Dict[str, Any]] = [{"name": "@id", "value": "a"}]


async def client_methods(endpoint: str, key: str) -> None:
    async with CosmosClient(endpoint, credential=key, consistency_level="Session") as client:
        assert_type(client, CosmosClient)
        assert_type(CosmosClient.from_connection_string(f"AccountEndpoint={endpoint};AccountKey={key};"),
                    CosmosClient)
        assert_type(await client.create_database("db"), DatabaseProxy)
        assert_type(await client.create_database("db", offer_throughput=400), DatabaseProxy)
        assert_type(await client.create_database("db", return_properties=True), Tuple[DatabaseProxy, CosmosDict])
        assert_type(await client.create_database_if_not_exists("db"), DatabaseProxy)
        assert_type(await client.create_database_if_not_exists(id="db", return_properties=True),
                    Tuple[DatabaseProxy, CosmosDict])
        database = client.get_database_client("db")
        assert_type(database, DatabaseProxy)
        async for database_properties in client.list_databases(max_item_count=10):
            assert_type(database_properties, Dict[str, Any])
        listed: AsyncItemPaged[Dict[str, Any]] = client.list_databases()
        async for row in client.query_databases("SELECT * FROM r WHERE r.id = @id", parameters=QUERY_PARAMETERS):
            assert_type(row, Any)
        assert_type(await client.delete_database(database), None)
        del listed
    other = CosmosClient(endpoint, {"masterKey": key})
    assert_type(await other.close(), None)


async def database_methods(database: DatabaseProxy) -> None:
    assert_type(database.id, str)
    assert_type(database.database_link, str)
    assert_type(await database.read(), CosmosDict)
    key = PartitionKey(path="/pk")
    assert_type(await database.create_container("c", key), ContainerProxy)
    assert_type(await database.create_container(id="c", partition_key=key, default_ttl=60, offer_throughput=400),
                ContainerProxy)
    assert_type(await database.create_container("c", key, return_properties=True), Tuple[ContainerProxy, CosmosDict])
    assert_type(await database.create_container_if_not_exists("c", key), ContainerProxy)
    assert_type(await database.create_container_if_not_exists("c", key, return_properties=True),
                Tuple[ContainerProxy, CosmosDict])
    container = database.get_container_client("c")
    assert_type(container, ContainerProxy)
    assert_type(await database.replace_container(container, key, default_ttl=10), ContainerProxy)
    assert_type(await database.replace_container("c", key, return_properties=True),
                Tuple[ContainerProxy, CosmosDict])
    async for container_properties in database.list_containers():
        assert_type(container_properties, Dict[str, Any])
    async for row in database.query_containers("SELECT * FROM c", parameters=QUERY_PARAMETERS):
        assert_type(row, Any)
    assert_type(await database.delete_container("c"), None)
    assert_type(await database.create_user({"id": "u"}), UserProxy)
    assert_type(await database.upsert_user({"id": "u"}), UserProxy)
    assert_type(await database.replace_user("u", {"id": "u"}), UserProxy)
    assert_type(database.get_user_client("u"), UserProxy)
    async for user_properties in database.list_users():
        assert_type(user_properties, Dict[str, Any])
    async for row in database.query_users("SELECT * FROM u WHERE u.id = @id", parameters=QUERY_PARAMETERS):
        assert_type(row, Any)
    assert_type(await database.delete_user("u"), None)
    assert_type(await database.get_throughput(), ThroughputProperties)
    assert_type(await database.replace_throughput(400), ThroughputProperties)


async def item_methods(container: ContainerProxy) -> None:
    assert_type(container.id, str)
    assert_type(container.container_link, str)
    assert_type(await container.is_system_key, bool)
    assert_type(container.scripts, ScriptsProxy)
    assert_type(await container.read(), CosmosDict)
    body: Dict[str, Any] = {"id": "a", "pk": "p"}
    created = await container.create_item(body)
    assert_type(created, CosmosDict)
    assert_type(created.get_response_headers(), CaseInsensitiveDict)
    assert_type(await container.upsert_item(body), CosmosDict)
    assert_type(await container.replace_item("a", body), CosmosDict)
    assert_type(await container.read_item("a", partition_key="p"), CosmosDict)
    assert_type(await container.delete_item("a", partition_key="p"), None)
    assert_type(await container.patch_item("a", "p", [{"op": "incr", "path": "/n", "value": 1}]), CosmosDict)
    results = await container.execute_item_batch([("upsert", (body,)), ("delete", ("a",))], partition_key="p")
    assert_type(results, CosmosList)
    assert_type(await container.read_items([("a", "p")]), CosmosList)
    async for outcome in container.execute_item_bulk([("create", (body,)), ("read", ("a",), {"partition_key": "p"})]):
        assert_type(outcome, BulkOperationResult)
        assert_type(outcome.ok, bool)
        assert_type(outcome.etag, Optional[str])
    assert_type(await container.delete_all_items_by_partition_key("p"), None)


async def query_methods(container: ContainerProxy) -> None:
    async for item in container.read_all_items(max_item_count=10):
        assert_type(item, Dict[str, Any])
    rows = container.query_items("SELECT * FROM c WHERE c.id = @id", parameters=QUERY_PARAMETERS,
                                 partition_key="p", max_item_count=5)
    async for row in rows:
        assert_type(row, Any)
    assert_type(rows.get_response_headers(), CaseInsensitiveDict)
    pages = rows.by_page("continuation-token")
    token: Optional[str] = pages.continuation_token
    async for page in pages:
        async for row in page:
            assert_type(row, Any)
    async for change in container.query_items_change_feed(start_time="Beginning", partition_key="p"):
        assert_type(change, Dict[str, Any])
    assert_type(container.query_items_change_feed(continuation="etag").by_page().continuation_token, Optional[str])
    ranges = container.read_feed_ranges()
    assert_type(ranges, AsyncIterable[Dict[str, Any]])
    feed_range = await container.feed_range_from_partition_key("p")
    assert_type(feed_range, Dict[str, Any])
    async for item in container.query_items("SELECT * FROM c", feed_range=feed_range):
        assert_type(item, Any)
    assert_type(await container.is_feed_range_subset(feed_range, feed_range), bool)
    assert_type(await container.get_latest_session_token([(feed_range, "0:1#2")], feed_range), str)
    async for conflict in container.list_conflicts():
        assert_type(conflict, Dict[str, Any])
    async for row in container.query_conflicts("SELECT * FROM c", parameters=QUERY_PARAMETERS):
        assert_type(row, Any)
    assert_type(await container.get_conflict("c", partition_key="p"), CosmosDict)
    assert_type(await container.delete_conflict("c", partition_key="p"), None)
    assert_type(await container.get_throughput(), ThroughputProperties)
    assert_type(await container.replace_throughput(ThroughputProperties(auto_scale_max_throughput=4000)),
                ThroughputProperties)
    assert_type(await container.semantic_rerank(context="tents", documents=["a", "b"]), CosmosDict)
    del token


async def script_methods(scripts: ScriptsProxy) -> None:
    procedure = {"id": "sp", "body": "function () {}"}
    assert_type(await scripts.create_stored_procedure(procedure), CosmosDict)
    assert_type(await scripts.replace_stored_procedure("sp", procedure), CosmosDict)
    assert_type(await scripts.get_stored_procedure("sp"), CosmosDict)
    async for row in scripts.list_stored_procedures():
        assert_type(row, Dict[str, Any])
    async for row in scripts.query_stored_procedures("SELECT * FROM s", parameters=QUERY_PARAMETERS):
        assert_type(row, Any)
    assert_type(await scripts.execute_stored_procedure("sp", partition_key="p", parameters=["world", 1]), Any)
    assert_type(await scripts.delete_stored_procedure("sp"), None)
    trigger = {"id": "t", "body": "function () {}", "triggerType": "Post", "triggerOperation": "Create"}
    assert_type(await scripts.create_trigger(trigger), CosmosDict)
    assert_type(await scripts.replace_trigger("t", trigger), CosmosDict)
    assert_type(await scripts.get_trigger("t"), CosmosDict)
    async for row in scripts.list_triggers():
        assert_type(row, Dict[str, Any])
    async for row in scripts.query_triggers("SELECT * FROM t", parameters=QUERY_PARAMETERS):
        assert_type(row, Any)
    assert_type(await scripts.delete_trigger("t"), None)
    function = {"id": "f", "body": "function (x) { return x; }"}
    assert_type(await scripts.create_user_defined_function(function), CosmosDict)
    assert_type(await scripts.replace_user_defined_function("f", function), CosmosDict)
    assert_type(await scripts.get_user_defined_function("f"), CosmosDict)
    async for row in scripts.list_user_defined_functions():
        assert_type(row, Dict[str, Any])
    async for row in scripts.query_user_defined_functions("SELECT * FROM f", parameters=QUERY_PARAMETERS):
        assert_type(row, Any)
    assert_type(await scripts.delete_user_defined_function("f"), None)


async def user_methods(user: UserProxy, container: ContainerProxy) -> None:
    assert_type(user.id, str)
    assert_type(user.user_link, str)
    assert_type(await user.read(), CosmosDict)
    definition = {"id": "p", "permissionMode": "All", "resource": container.container_link}
    permission = await user.create_permission(definition)
    assert_type(permission, Permission)
    assert_type(permission.properties, Mapping[str, Any])
    assert_type(await user.upsert_permission(definition), Permission)
    assert_type(await user.replace_permission(permission, definition), Permission)
    assert_type(await user.get_permission("p"), Permission)
    async for row in user.list_permissions():
        assert_type(row, Dict[str, Any])
    async for row in user.query_permissions("SELECT * FROM p", parameters=QUERY_PARAMETERS):
        assert_type(row, Any)
    assert_type(await user.delete_permission("p"), None)
