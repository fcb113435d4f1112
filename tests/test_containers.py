"""Containers through DatabaseProxy and ContainerProxy: create (incl. hierarchical keys and
policies), read, replace, list, query, delete."""
from __future__ import annotations

import pytest

from azure.cosmos import ContainerProxy, CosmosClient, CosmosDict, PartitionKey, ThroughputProperties, exceptions


@pytest.fixture
def client(cosmos_server):
    with CosmosClient(cosmos_server.endpoint, cosmos_server.key, **cosmos_server.connection_kwargs) as client:
        yield client


@pytest.fixture
def database(client, unique_id):
    database = client.create_database(unique_id("db"))
    yield database
    client.delete_database(database.id)


def test_create_read_delete(database, unique_id):
    container_id = unique_id("c")
    container = database.create_container(container_id, PartitionKey(path="/tenant"))
    assert isinstance(container, ContainerProxy)
    assert container.id == container_id
    assert container.container_link == f"{database.database_link}/colls/{container_id}"
    assert repr(container) == f"<ContainerProxy [{container.container_link}]>"
    properties = container.read()
    assert isinstance(properties, CosmosDict)
    assert properties["partitionKey"]["paths"] == ["/tenant"]
    assert properties["partitionKey"]["kind"] == "Hash"
    database.delete_container(container_id)
    with pytest.raises(exceptions.CosmosResourceNotFoundError):
        container.read()


def test_create_with_return_properties(database, unique_id):
    container, properties = database.create_container(unique_id("c"), PartitionKey("/pk"), return_properties=True)
    assert container.id == properties["id"]
    assert "_rid" in properties
    assert "x-ms-activity-id" in properties.get_response_headers()


def test_create_hierarchical_partition_key(cosmos_server, database, unique_id):
    cosmos_server.skip_unless("hierarchical_pk")
    container = database.create_container(unique_id("c"), PartitionKey(path=["/tenant", "/user"], kind="MultiHash"))
    definition = container.read()["partitionKey"]
    assert definition["paths"] == ["/tenant", "/user"]
    assert definition["kind"] == "MultiHash"


def test_create_with_indexing_policy_and_unique_keys(cosmos_server, database, unique_id):
    cosmos_server.skip_unless("unique_keys")
    policy = {"indexingMode": "consistent", "automatic": True,
              "includedPaths": [{"path": "/*"}], "excludedPaths": [{"path": "/blob/?"}]}
    unique = {"uniqueKeys": [{"paths": ["/email"]}]}
    container = database.create_container(unique_id("c"), PartitionKey("/pk"), indexing_policy=policy,
                                          unique_key_policy=unique)
    properties = container.read()
    assert {"path": "/blob/?"} in [{"path": p["path"]} for p in properties["indexingPolicy"]["excludedPaths"]]
    assert properties["uniqueKeyPolicy"]["uniqueKeys"][0]["paths"] == ["/email"]
    container.create_item({"id": "1", "pk": "a", "email": "x@example.com"})
    with pytest.raises(exceptions.CosmosResourceExistsError):
        container.create_item({"id": "2", "pk": "a", "email": "x@example.com"})


def test_create_with_default_ttl(cosmos_server, database, unique_id):
    cosmos_server.skip_unless("ttl")
    container = database.create_container(unique_id("c"), PartitionKey("/pk"), default_ttl=3600)
    assert container.read()["defaultTtl"] == 3600


def test_create_with_throughput(database, unique_id):
    manual = database.create_container(unique_id("c"), PartitionKey("/pk"), offer_throughput=400)
    autoscale = database.create_container(unique_id("c"), PartitionKey("/pk"),
                                          offer_throughput=ThroughputProperties(auto_scale_max_throughput=4000))
    assert manual.read()["id"] == manual.id
    assert autoscale.read()["id"] == autoscale.id


def test_create_existing_container_conflicts(database, unique_id):
    container_id = unique_id("c")
    database.create_container(container_id, PartitionKey("/pk"))
    with pytest.raises(exceptions.CosmosResourceExistsError):
        database.create_container(container_id, PartitionKey("/pk"))


def test_create_without_partition_key_is_a_type_error(database, unique_id):
    with pytest.raises(TypeError, match="partition_key"):
        database.create_container(unique_id("c"))


def test_create_if_not_exists_returns_the_existing_container(database, unique_id):
    container_id = unique_id("c")
    first = database.create_container_if_not_exists(container_id, PartitionKey("/pk"))
    second, properties = database.create_container_if_not_exists(container_id, PartitionKey("/other"),
                                                                 return_properties=True)
    assert first.id == second.id == container_id
    assert properties["partitionKey"]["paths"] == ["/pk"]  # the existing settings are kept


def test_get_container_client_makes_no_request(database, unique_id):
    missing = unique_id("missing")
    proxy = database.get_container_client(missing)
    assert proxy.id == missing
    assert database.get_container_client(proxy).id == missing
    assert database.get_container_client({"id": missing}).id == missing
    with pytest.raises(exceptions.CosmosResourceNotFoundError):
        proxy.read()


def test_replace_container(cosmos_server, database, unique_id):
    container_id = unique_id("c")
    database.create_container(container_id, PartitionKey("/pk"))
    policy = {"indexingMode": "consistent", "excludedPaths": [{"path": "/skip/?"}], "includedPaths": [{"path": "/*"}]}
    replaced, properties = database.replace_container(container_id, PartitionKey("/pk"), indexing_policy=policy,
                                                      return_properties=True)
    assert replaced.id == container_id
    assert "/skip/?" in [p["path"] for p in properties["indexingPolicy"]["excludedPaths"]]
    assert "/skip/?" in [p["path"] for p in replaced.read()["indexingPolicy"]["excludedPaths"]]


def test_replace_keeps_items(cosmos_server, database, unique_id):
    cosmos_server.skip_unless("replace_container_keeps_items")
    container = database.create_container(unique_id("c"), PartitionKey("/pk"))
    container.create_item({"id": "kept", "pk": "a"})
    database.replace_container(container, PartitionKey("/pk"), default_ttl=None)
    assert container.read_item("kept", "a")["id"] == "kept"


def test_list_and_query_containers(database, unique_id):
    ids = {unique_id("c") for _ in range(2)}
    for container_id in ids:
        database.create_container(container_id, PartitionKey("/pk"))
    assert {c["id"] for c in database.list_containers()} == ids
    one = sorted(ids)[0]
    found = list(database.query_containers("SELECT * FROM r WHERE r.id = @id",
                                           parameters=[{"name": "@id", "value": one}]))
    assert [c["id"] for c in found] == [one]


def test_delete_container_accepts_proxy_or_properties(database, unique_id):
    by_proxy = database.create_container(unique_id("c"), PartitionKey("/pk"))
    by_dict = database.create_container(unique_id("c"), PartitionKey("/pk"))
    database.delete_container(by_proxy)
    database.delete_container({"id": by_dict.id})
    assert list(database.list_containers()) == []


def test_recreated_container_uses_its_new_partition_key(database, unique_id):
    # The partition-key definition is cached per client; deleting the container must drop it.
    container_id = unique_id("c")
    first = database.create_container(container_id, PartitionKey("/a"))
    first.create_item({"id": "1", "a": "x"})
    database.delete_container(container_id)
    second = database.create_container(container_id, PartitionKey("/b"))
    second.create_item({"id": "1", "b": "y"})
    assert second.read_item("1", "y")["b"] == "y"


def test_is_system_key(database, unique_id):
    container = database.create_container(unique_id("c"), PartitionKey("/pk"))
    assert container.is_system_key is False
