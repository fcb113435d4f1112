"""Async twin of tests/test_container_throughput.py: get_throughput and replace_throughput of the asyncio
ContainerProxy (which has no read_offer, as in 4.x)."""
from __future__ import annotations

import pytest

from azure.cosmos import PartitionKey, ThroughputProperties, exceptions
from azure.cosmos.aio import CosmosClient

from .._data_plane import module_database, sync_client
from ..test_container_throughput import NO_OFFER_ERROR_IN_4X


@pytest.fixture(scope="module")
def database_id(cosmos_server, unique_id):
    with module_database(cosmos_server, unique_id("db-throughput")) as database_id:
        yield database_id


@pytest.fixture
async def client(cosmos_server):
    async with CosmosClient(cosmos_server.endpoint, cosmos_server.key, **cosmos_server.connection_kwargs) as client:
        yield client


@pytest.fixture
def database(client, database_id):
    return client.get_database_client(database_id)


@pytest.mark.requires("offers")
async def test_get_throughput_async(database, unique_id):
    container = await database.create_container(unique_id("c"), PartitionKey("/pk"), offer_throughput=400)
    throughput = await container.get_throughput()
    assert isinstance(throughput, ThroughputProperties)
    assert (throughput.offer_throughput, throughput.auto_scale_max_throughput) == (400, None)
    properties = await container.read()
    assert throughput.properties["resource"] == properties["_self"]
    assert throughput.properties["offerResourceId"] == properties["_rid"]


@pytest.mark.requires("offers")
async def test_get_throughput_response_hook_async(client, database, unique_id):
    container = await database.create_container(unique_id("c"), PartitionKey("/pk"), offer_throughput=400)
    seen = []
    await container.get_throughput(response_hook=lambda headers, offers: seen.append((headers, offers)))
    [(headers, offers)] = seen
    assert isinstance(offers, list) and [offer["content"]["offerThroughput"] for offer in offers] == [400]
    assert "x-ms-activity-id" in headers
    assert "x-ms-request-charge" in client.client_connection.last_response_headers


@pytest.mark.requires("offers")
async def test_replace_throughput_async(database, unique_id):
    container = await database.create_container(unique_id("c"), PartitionKey("/pk"), offer_throughput=400)
    seen = []
    replaced = await container.replace_throughput(
        500, response_hook=lambda headers, offer: seen.append((headers, offer)))
    assert isinstance(replaced, ThroughputProperties) and replaced.offer_throughput == 500
    assert replaced.properties["content"]["offerThroughput"] == 500
    assert (await container.get_throughput()).offer_throughput == 500
    [(headers, offer)] = seen
    assert isinstance(offer, dict) and offer["content"]["offerThroughput"] == 500 and "x-ms-activity-id" in headers

    assert (await container.replace_throughput(ThroughputProperties(offer_throughput=700))).offer_throughput == 700
    assert (await container.replace_throughput(throughput=600)).offer_throughput == 600
    assert (await container.get_throughput()).offer_throughput == 600


@pytest.mark.requires("offers")
async def test_autoscale_throughput_async(database, unique_id):
    container = await database.create_container(
        unique_id("c"), PartitionKey("/pk"),
        offer_throughput=ThroughputProperties(auto_scale_max_throughput=4000, auto_scale_increment_percent=0))
    throughput = await container.get_throughput()
    assert (throughput.auto_scale_max_throughput, throughput.auto_scale_increment_percent) == (4000, 0)
    await container.replace_throughput(ThroughputProperties(auto_scale_max_throughput=5000))
    assert (await container.get_throughput()).auto_scale_max_throughput == 5000


@pytest.mark.requires("offers")
async def test_replace_throughput_refuses_other_types_async(database, unique_id):
    container = await database.create_container(unique_id("c"), PartitionKey("/pk"), offer_throughput=400)
    for bad in ("500", 500.0, None):
        with pytest.raises(TypeError):
            await container.replace_throughput(bad)
    assert (await container.get_throughput()).offer_throughput == 400


async def test_read_offer_is_deprecated_async(database):
    # 4.x's async ContainerProxy never had read_offer.
    assert not hasattr(database.get_container_client("c"), "read_offer")


@pytest.mark.requires("offers")
@NO_OFFER_ERROR_IN_4X
@pytest.mark.parametrize("operation", ["get_throughput", "replace_throughput"])
async def test_container_in_a_shared_throughput_database_is_404_async(client, unique_id, operation):
    database = await client.create_database(unique_id("db-shared"), offer_throughput=400)
    try:
        container = await database.create_container(unique_id("c"), PartitionKey("/pk"))
        arguments = (500,) if operation == "replace_throughput" else ()
        with pytest.raises(exceptions.CosmosResourceNotFoundError) as raised:
            await getattr(container, operation)(*arguments)
        assert raised.value.status_code == 404
        assert "Could not find ThroughputProperties for container " in raised.value.message
        assert (await database.get_throughput()).offer_throughput == 400
    finally:
        await client.delete_database(database)


@pytest.mark.requires("offers")
async def test_missing_container_is_404_async(database):
    container = database.get_container_client("no-such-container")
    for call in (container.get_throughput, lambda: container.replace_throughput(500)):
        with pytest.raises(exceptions.CosmosResourceNotFoundError) as raised:
            await call()
        assert raised.value.status_code == 404


@pytest.mark.requires("offers")
async def test_recreated_container_reads_its_own_offer_async(cosmos_server, database, unique_id):
    container_id = unique_id("c")
    container = await database.create_container(container_id, PartitionKey("/pk"), offer_throughput=400)
    assert (await container.get_throughput()).offer_throughput == 400
    with sync_client(cosmos_server) as other:
        other_database = other.get_database_client(database.id)
        other_database.delete_container(container_id)
        other_database.create_container(container_id, PartitionKey("/pk"), offer_throughput=800)
    assert (await container.get_throughput()).offer_throughput == 800
