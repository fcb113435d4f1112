"""Async twin of tests/test_containers.py."""
from __future__ import annotations

import pytest

from azure.cosmos import CosmosDict, PartitionKey, ThroughputProperties, exceptions
from azure.cosmos.aio import ContainerProxy, CosmosClient


@pytest.fixture
async def client(cosmos_server):
    async with CosmosClient(cosmos_server.endpoint, cosmos_server.key, **cosmos_server.connection_kwargs) as client:
        yield client


@pytest.fixture
async def database(client, unique_id):
    database = await client.create_database(unique_id("db"))
    yield database
    await client.delete_database(database.id)


async def test_create_read_delete_async(database, unique_id):
    container_id = unique_id("c")
    container = await database.create_container(container_id, PartitionKey(path="/tenant"))
    assert isinstance(container, ContainerProxy)
    assert container.id == container_id
    assert container.container_link == f"{database.database_link}/colls/{container_id}"
    assert repr(container) == f"<ContainerProxy [{container.container_link}]>"
    properties = await container.read()
    assert isinstance(properties, CosmosDict)
    assert properties["partitionKey"]["paths"] == ["/tenant"]
    assert properties["partitionKey"]["kind"] == "Hash"
    await database.delete_container(container_id)
    with pytest.raises(exceptions.CosmosResourceNotFoundError):
        await container.read()


async def test_create_with_return_properties_async(database, unique_id):
    container, properties = await database.create_container(unique_id("c"), PartitionKey("/pk"), return_properties=True)
    assert container.id == properties["id"]
    assert "_rid" in properties
    assert "x-ms-activity-id" in properties.get_response_headers()


async def test_create_hierarchical_partition_key_async(cosmos_server, database, unique_id):
    cosmos_server.skip_unless("hierarchical_pk")
    container = await database.create_container(unique_id("c"), PartitionKey(path=["/tenant", "/user"], kind="MultiHash"))
    definition = (await container.read())["partitionKey"]
    assert definition["paths"] == ["/tenant", "/user"]
    assert definition["kind"] == "MultiHash"


async def test_create_with_indexing_policy_and_unique_keys_async(cosmos_server, database, unique_id):
    cosmos_server.skip_unless("unique_keys")
    policy = {"indexingMode": "consistent", "automatic": True,
              "includedPaths": [{"path": "/*"}], "excludedPaths": [{"path": "/blob/?"}]}
    unique = {"uniqueKeys": [{"paths": ["/email"]}]}
    container = await database.create_container(unique_id("c"), PartitionKey("/pk"), indexing_policy=policy,
                                          unique_key_policy=unique)
    properties = await container.read()
    assert {"path": "/blob/?"} in [{"path": p["path"]} for p in properties["indexingPolicy"]["excludedPaths"]]
    assert properties["uniqueKeyPolicy"]["uniqueKeys"][0]["paths"] == ["/email"]
    await container.create_item({"id": "1", "pk": "a", "email": "x@example.com"})
    with pytest.raises(exceptions.CosmosResourceExistsError):
        await container.create_item({"id": "2", "pk": "a", "email": "x@example.com"})


async def test_create_with_default_ttl_async(cosmos_server, database, unique_id):
    cosmos_server.skip_unless("ttl")
    container = await database.create_container(unique_id("c"), PartitionKey("/pk"), default_ttl=3600)
    assert (await container.read())["defaultTtl"] == 3600


async def test_create_with_throughput_async(database, unique_id):
    manual = await database.create_container(unique_id("c"), PartitionKey("/pk"), offer_throughput=400)
    autoscale = await database.create_container(unique_id("c"), PartitionKey("/pk"),
                                          offer_throughput=ThroughputProperties(auto_scale_max_throughput=4000))
    assert (await manual.read())["id"] == manual.id
    assert (await autoscale.read())["id"] == autoscale.id


async def test_create_existing_container_conflicts_async(database, unique_id):
    container_id = unique_id("c")
    await database.create_container(container_id, PartitionKey("/pk"))
    with pytest.raises(exceptions.CosmosResourceExistsError):
        await database.create_container(container_id, PartitionKey("/pk"))


async def test_create_without_partition_key_is_a_type_error_async(database, unique_id):
    with pytest.raises(TypeError, match="partition_key"):
        await database.create_container(unique_id("c"))


async def test_create_if_not_exists_returns_the_existing_container_async(database, unique_id):
    container_id = unique_id("c")
    first = await database.create_container_if_not_exists(container_id, PartitionKey("/pk"))
    second, properties = await database.create_container_if_not_exists(container_id, PartitionKey("/other"),
                                                                 return_properties=True)
    assert first.id == second.id == container_id
    assert properties["partitionKey"]["paths"] == ["/pk"]  # the existing settings are kept


async def test_get_container_client_makes_no_request_async(database, unique_id):
    missing = unique_id("missing")
    proxy = database.get_container_client(missing)
    assert proxy.id == missing
    assert database.get_container_client(proxy).id == missing
    assert database.get_container_client({"id": missing}).id == missing
    with pytest.raises(exceptions.CosmosResourceNotFoundError):
        await proxy.read()


async def test_replace_container_async(cosmos_server, database, unique_id):
    container_id = unique_id("c")
    await database.create_container(container_id, PartitionKey("/pk"))
    policy = {"indexingMode": "consistent", "excludedPaths": [{"path": "/skip/?"}], "includedPaths": [{"path": "/*"}]}
    replaced, properties = await database.replace_container(container_id, PartitionKey("/pk"), indexing_policy=policy,
                                                      return_properties=True)
    assert replaced.id == container_id
    assert "/skip/?" in [p["path"] for p in properties["indexingPolicy"]["excludedPaths"]]
    assert "/skip/?" in [p["path"] for p in (await replaced.read())["indexingPolicy"]["excludedPaths"]]


async def test_replace_keeps_items_async(cosmos_server, database, unique_id):
    cosmos_server.skip_unless("replace_container_keeps_items")
    container = await database.create_container(unique_id("c"), PartitionKey("/pk"))
    await container.create_item({"id": "kept", "pk": "a"})
    await database.replace_container(container, PartitionKey("/pk"), default_ttl=None)
    assert (await container.read_item("kept", "a"))["id"] == "kept"


async def test_list_and_query_containers_async(database, unique_id):
    ids = {unique_id("c") for _ in range(2)}
    for container_id in ids:
        await database.create_container(container_id, PartitionKey("/pk"))
    assert {c["id"] async for c in database.list_containers()} == ids
    one = sorted(ids)[0]
    found = [c async for c in database.query_containers("SELECT * FROM r WHERE r.id = @id",
                                                       parameters=[{"name": "@id", "value": one}])]
    assert [c["id"] for c in found] == [one]


async def test_delete_container_accepts_proxy_or_properties_async(database, unique_id):
    by_proxy = await database.create_container(unique_id("c"), PartitionKey("/pk"))
    by_dict = await database.create_container(unique_id("c"), PartitionKey("/pk"))
    await database.delete_container(by_proxy)
    await database.delete_container({"id": by_dict.id})
    assert [c async for c in database.list_containers()] == []


async def test_recreated_container_uses_its_new_partition_key_async(database, unique_id):
    # The partition-key definition is cached per client; deleting the container must drop it.
    container_id = unique_id("c")
    first = await database.create_container(container_id, PartitionKey("/a"))
    await first.create_item({"id": "1", "a": "x"})
    await database.delete_container(container_id)
    second = await database.create_container(container_id, PartitionKey("/b"))
    await second.create_item({"id": "1", "b": "y"})
    assert (await second.read_item("1", "y"))["b"] == "y"


async def test_is_system_key_async(database, unique_id):
    container = await database.create_container(unique_id("c"), PartitionKey("/pk"))
    assert (await container.is_system_key) is False
