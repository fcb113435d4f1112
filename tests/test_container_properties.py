"""Container properties through create_container / create_container_if_not_exists / replace_container and
ContainerProxy.read: each sent as azure-cosmos 4.17.1 sends it and read back as the service keeps it
(computed properties, vector embedding / full-text policies and their indexes, default and analytical TTL,
conflict resolution, change feed, unique keys, partition keys incl. hierarchical and version 1, and global
secondary index definitions); bad input raises 4.x's exception before anything is sent."""
from __future__ import annotations

import pytest

from azure.cosmos import (CosmosClient, GlobalSecondaryIndexDefinition, PartitionKey, ThroughputProperties,
                          exceptions)

PK = PartitionKey(path="/pk")
EMBEDDINGS = {"vectorEmbeddings": [{"path": "/vector", "dataType": "float32", "dimensions": 3,
                                    "distanceFunction": "cosine"}]}
VECTOR_INDEXES = [{"path": "/vector", "type": "flat"}]
AUTOSCALE = ThroughputProperties(auto_scale_max_throughput=1000)
PROJECTION = "SELECT c.customerId, c.name FROM c"


@pytest.fixture
def client(cosmos_server):
    with CosmosClient(cosmos_server.endpoint, cosmos_server.key, **cosmos_server.connection_kwargs) as client:
        yield client


@pytest.fixture
def database(client, unique_id):
    database = client.create_database(unique_id("db"))
    yield database
    client.delete_database(database.id)


def full_text(path):
    return {"defaultLanguage": "en-US", "fullTextPaths": [{"path": path, "language": "en-US"}]}


def search_indexing(path):
    # Vector paths are excluded from the range index, as the service asks.
    return {"indexingMode": "consistent", "automatic": True, "includedPaths": [{"path": "/*"}],
            "excludedPaths": [{"path": "/\"_etag\"/?"}, {"path": "/vector/*"}],
            "vectorIndexes": VECTOR_INDEXES, "fullTextIndexes": [{"path": path}]}


def test_computed_properties_round_trip(database, unique_id):
    first = [{"name": "lowerName", "query": "SELECT VALUE LOWER(c.name) FROM c"}]
    second = [{"name": "upperName", "query": "SELECT VALUE UPPER(c.name) FROM c"}]
    container, created = database.create_container(unique_id("c"), PK, computed_properties=first,
                                                   return_properties=True)
    assert created["computedProperties"] == first
    assert container.read()["computedProperties"] == first
    _, replaced = database.replace_container(container, PK, computed_properties=second, return_properties=True)
    assert replaced["computedProperties"] == second
    assert container.read()["computedProperties"] == second


def test_vector_and_full_text_policies_round_trip(database, unique_id):
    container, created = database.create_container(
        unique_id("c"), PK, indexing_policy=search_indexing("/title"), vector_embedding_policy=EMBEDDINGS,
        full_text_policy=full_text("/title"), return_properties=True)
    for properties in (created, container.read()):
        assert properties["vectorEmbeddingPolicy"] == EMBEDDINGS
        assert properties["fullTextPolicy"] == full_text("/title")
        assert properties["indexingPolicy"]["vectorIndexes"] == VECTOR_INDEXES
        assert properties["indexingPolicy"]["fullTextIndexes"] == [{"path": "/title"}]
    # A replace may change the full-text definitions; the vector ones are sent again unchanged.
    database.replace_container(container, PK, indexing_policy=search_indexing("/body"),
                               vector_embedding_policy=EMBEDDINGS, full_text_policy=full_text("/body"))
    properties = container.read()
    assert properties["vectorEmbeddingPolicy"] == EMBEDDINGS
    assert properties["fullTextPolicy"] == full_text("/body")
    assert properties["indexingPolicy"]["fullTextIndexes"] == [{"path": "/body"}]
    assert properties["indexingPolicy"]["vectorIndexes"] == VECTOR_INDEXES


def test_default_and_analytical_ttl_round_trip(database, unique_id):
    container, created = database.create_container(unique_id("c"), PK, default_ttl=100, analytical_storage_ttl=-1,
                                                   return_properties=True)
    assert (created["defaultTtl"], created["analyticalStorageTtl"]) == (100, -1)
    read = container.read()
    assert (read["defaultTtl"], read["analyticalStorageTtl"]) == (100, -1)
    database.replace_container(container, PK, default_ttl=-1, analytical_storage_ttl=3600)
    read = container.read()
    assert (read["defaultTtl"], read["analyticalStorageTtl"]) == (-1, 3600)
    database.replace_container(container, PK)  # a replace resets what it leaves out
    assert "defaultTtl" not in container.read()


def test_conflict_resolution_policy_round_trip(database, unique_id):
    policy = {"mode": "LastWriterWins", "conflictResolutionPath": "/version"}
    container, created = database.create_container(unique_id("c"), PK, conflict_resolution_policy=policy,
                                                   return_properties=True)
    for properties in (created, container.read()):
        assert {k: properties["conflictResolutionPolicy"][k] for k in policy} == policy
    database.replace_container(container, PK, conflict_resolution_policy=policy)
    assert {k: container.read()["conflictResolutionPolicy"][k] for k in policy} == policy


def test_conflict_resolution_policy_is_completed_and_fixed(cosmos_server, database, unique_id):
    cosmos_server.skip_unless("container_property_rules")
    container = database.create_container(unique_id("c"), PK, conflict_resolution_policy={"mode": "LastWriterWins"})
    kept = {"mode": "LastWriterWins", "conflictResolutionPath": "/_ts", "conflictResolutionProcedure": ""}
    assert container.read()["conflictResolutionPolicy"] == kept
    database.replace_container(container, PK, default_ttl=5)
    assert container.read()["conflictResolutionPolicy"] == kept
    with pytest.raises(exceptions.CosmosHttpResponseError) as raised:
        database.replace_container(container, PK, conflict_resolution_policy={
            "mode": "LastWriterWins", "conflictResolutionPath": "/other"})
    assert raised.value.status_code == 400
    assert container.read()["conflictResolutionPolicy"] == kept


def test_change_feed_policy_round_trip(database, unique_id):
    policy = {"retentionDuration": 10}
    container, created = database.create_container(unique_id("c"), PK, change_feed_policy=policy,
                                                   return_properties=True)
    assert created["changeFeedPolicy"] == policy
    assert container.read()["changeFeedPolicy"] == policy
    assert database.create_container_if_not_exists(container.id, PK, return_properties=True)[1][
        "changeFeedPolicy"] == policy
    # 4.x's replace_container has no change_feed_policy: the keyword is a TypeError (4.x's from its transport).
    with pytest.raises(TypeError):
        database.replace_container(container, PK, change_feed_policy=policy)


def test_unique_key_policy_round_trip(cosmos_server, database, unique_id):
    policy = {"uniqueKeys": [{"paths": ["/email"]}, {"paths": ["/first", "/last"]}]}
    container, created = database.create_container(unique_id("c"), PK, unique_key_policy=policy,
                                                   return_properties=True)
    assert created["uniqueKeyPolicy"] == policy
    assert container.read()["uniqueKeyPolicy"] == policy
    with pytest.raises(TypeError):  # not a replace_container keyword in 4.x either
        database.replace_container(container, PK, unique_key_policy=policy)
    database.replace_container(container, PK, default_ttl=10)
    if cosmos_server.supports("container_property_rules"):
        assert container.read()["uniqueKeyPolicy"] == policy


@pytest.mark.parametrize("partition_key, wire", [
    (PartitionKey(path="/tenant"), {"paths": ["/tenant"], "kind": "Hash", "version": 2}),
    (PartitionKey(path="/tenant", version=1), {"paths": ["/tenant"], "kind": "Hash", "version": 1}),
    (PartitionKey(path=["/tenant", "/user", "/session"], kind="MultiHash"),
     {"paths": ["/tenant", "/user", "/session"], "kind": "MultiHash", "version": 2}),
])
def test_partition_key_round_trip(database, unique_id, partition_key, wire):
    container, created = database.create_container(unique_id("c"), partition_key, return_properties=True)
    assert {k: created["partitionKey"][k] for k in wire} == wire
    assert {k: container.read()["partitionKey"][k] for k in wire} == wire
    _, replaced = database.replace_container(container, partition_key, default_ttl=30, return_properties=True)
    assert {k: replaced["partitionKey"][k] for k in wire} == wire
    assert {k: container.read()["partitionKey"][k] for k in wire} == wire


def test_partition_key_cannot_change(cosmos_server, database, unique_id):
    cosmos_server.skip_unless("container_property_rules")
    container = database.create_container(unique_id("c"), PartitionKey(path=["/a", "/b"], kind="MultiHash"))
    for other in (PartitionKey(path="/a"), PartitionKey(path=["/a", "/c"], kind="MultiHash")):
        with pytest.raises(exceptions.CosmosHttpResponseError) as raised:
            database.replace_container(container, other)
        assert raised.value.status_code == 400
    assert container.read()["partitionKey"]["paths"] == ["/a", "/b"]


# ---- global secondary indexes -----------------------------------------------------------------------------

def _expected_index(cosmos_server, source_properties, query=PROJECTION):
    expected = {"sourceCollectionId": source_properties["id"], "sourceCollectionRid": source_properties["_rid"],
                "definition": query}
    if cosmos_server.supports("global_secondary_index"):
        expected["status"] = "Initializing"  # the service's build state; the emulator never builds
    return expected


def test_global_secondary_index_round_trip(cosmos_server, database, unique_id):
    source, source_properties = database.create_container(unique_id("src"), PK, return_properties=True)
    index = GlobalSecondaryIndexDefinition(source.id, PROJECTION)
    container, created = database.create_container(unique_id("gsi"), PartitionKey(path="/customerId"),
                                                   offer_throughput=AUTOSCALE, global_secondary_index=index,
                                                   return_properties=True)
    expected = _expected_index(cosmos_server, source_properties)
    assert index.source_container_rid is None  # the caller's definition is not changed
    for properties in (created, container.read()):
        assert properties["globalSecondaryIndexDefinition"] == expected
        assert "materializedViewDefinition" not in properties
    read_back = GlobalSecondaryIndexDefinition._from_dict(container.read()["globalSecondaryIndexDefinition"])
    assert (read_back.source_container_id, read_back.definition) == (source.id, PROJECTION)
    assert read_back.source_container_rid == source_properties["_rid"]
    _, replaced = database.replace_container(container, PartitionKey(path="/customerId"), default_ttl=60,
                                             global_secondary_index=index, return_properties=True)
    assert replaced["globalSecondaryIndexDefinition"] == expected
    assert "materializedViewDefinition" not in replaced
    assert container.read()["globalSecondaryIndexDefinition"] == expected
    database.delete_container(container)


def test_global_secondary_index_from_a_dict_if_not_exists(cosmos_server, database, unique_id):
    source, source_properties = database.create_container(unique_id("src"), PK, return_properties=True)
    given = {"sourceCollectionId": source.id, "definition": "SELECT * FROM c"}
    container_id = unique_id("gsi")
    for _ in range(2):  # creates, then reads the existing one
        _, properties = database.create_container_if_not_exists(
            container_id, PartitionKey(path="/customerId"), offer_throughput=AUTOSCALE,
            global_secondary_index=given, return_properties=True)
        assert properties["globalSecondaryIndexDefinition"] == _expected_index(
            cosmos_server, source_properties, "SELECT * FROM c")
        assert "materializedViewDefinition" not in properties
    assert given == {"sourceCollectionId": source.id, "definition": "SELECT * FROM c"}


def test_global_secondary_index_definition_is_kept_and_fixed(cosmos_server, database, unique_id):
    cosmos_server.skip_unless("global_secondary_index")
    source, source_properties = database.create_container(unique_id("src"), PK, return_properties=True)
    container = database.create_container(unique_id("gsi"), PartitionKey(path="/customerId"),
                                          offer_throughput=AUTOSCALE,
                                          global_secondary_index=GlobalSecondaryIndexDefinition(source.id, PROJECTION))
    database.replace_container(container, PartitionKey(path="/customerId"), default_ttl=5)
    assert container.read()["globalSecondaryIndexDefinition"] == _expected_index(cosmos_server, source_properties)
    with pytest.raises(exceptions.CosmosHttpResponseError) as raised:
        database.replace_container(container, PartitionKey(path="/customerId"),
                                   global_secondary_index=GlobalSecondaryIndexDefinition(source.id, "SELECT * FROM c"))
    assert raised.value.status_code == 400
    with pytest.raises(exceptions.CosmosHttpResponseError) as raised:
        database.delete_container(source)  # the indexes of a source go first
    assert raised.value.status_code == 400
    database.delete_container(container)
    database.delete_container(source)


@pytest.mark.parametrize("index, throughput", [
    ({"definition": "SELECT * FROM c"}, AUTOSCALE),  # no source: 4.x sends it as it is
    ({"sourceCollectionRid": "AAAAAAAAAAA=", "definition": PROJECTION}, AUTOSCALE),  # no such source
    ({"sourceCollectionId": "{source}", "definition": "SELECT c.name AS n FROM c"}, AUTOSCALE),
    ({"sourceCollectionId": "{source}", "definition": "SELECT c.name FROM c WHERE c.x = 1"}, AUTOSCALE),
    ({"sourceCollectionId": "{source}", "definition": PROJECTION}, 400),  # manual throughput
])
def test_global_secondary_index_refused_by_the_service(cosmos_server, database, unique_id, index, throughput):
    cosmos_server.skip_unless("global_secondary_index")
    source = database.create_container(unique_id("src"), PK)
    index = {key: value.replace("{source}", source.id) for key, value in index.items()}
    container_id = unique_id("gsi")
    with pytest.raises(exceptions.CosmosHttpResponseError) as raised:
        database.create_container(container_id, PartitionKey(path="/customerId"), offer_throughput=throughput,
                                  global_secondary_index=index)
    assert raised.value.status_code == 400
    with pytest.raises(exceptions.CosmosResourceNotFoundError):
        database.get_container_client(container_id).read()


@pytest.mark.parametrize("make, error", [
    (lambda: GlobalSecondaryIndexDefinition("", PROJECTION), ValueError),
    (lambda: GlobalSecondaryIndexDefinition("orders", "  "), ValueError),
])
def test_global_secondary_index_without_source_or_query_is_a_value_error(make, error):
    with pytest.raises(error):
        make()


@pytest.mark.parametrize("index, error", [("orders", ValueError), (5, TypeError), ([("definition",)], ValueError)])
def test_global_secondary_index_of_another_type_raises_before_sending(database, unique_id, index, error):
    # 4.x copies anything but its own class with dict(): its TypeError / ValueError, before any request.
    container_id = unique_id("gsi")
    for call in (database.create_container, database.create_container_if_not_exists):
        with pytest.raises(error):
            call(container_id, PK, global_secondary_index=index)
    with pytest.raises(exceptions.CosmosResourceNotFoundError):
        database.get_container_client(container_id).read()


def test_global_secondary_index_with_a_missing_source_is_not_found(database, unique_id):
    # The source is read for its _rid first (as 4.x does): a missing one is that read's 404, nothing created.
    container_id = unique_id("gsi")
    with pytest.raises(exceptions.CosmosResourceNotFoundError):
        database.create_container(container_id, PartitionKey(path="/customerId"), offer_throughput=AUTOSCALE,
                                  global_secondary_index=GlobalSecondaryIndexDefinition("missing", PROJECTION))
    with pytest.raises(exceptions.CosmosResourceNotFoundError):
        database.get_container_client(container_id).read()
