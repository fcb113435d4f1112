"""Async twin of tests/test_throughput.py: DatabaseProxy.get_throughput and replace_throughput (4.x's async
DatabaseProxy has no read_offer)."""
from __future__ import annotations

import pytest

from azure.cosmos import CosmosDict, ThroughputProperties, exceptions
from azure.cosmos.aio import CosmosClient, DatabaseProxy

from .._data_plane import RUNNING_REFERENCE_SDK

REFERENCE_CRASHES_WITHOUT_OFFER = pytest.mark.xfail(
    RUNNING_REFERENCE_SDK, strict=True, raises=AttributeError,
    reason="azure-cosmos 4.17.1 fails with AttributeError in its retry utility for a database without throughput")


@pytest.fixture
async def client(cosmos_server):
    async with CosmosClient(cosmos_server.endpoint, cosmos_server.key, **cosmos_server.connection_kwargs) as client:
        yield client


@pytest.fixture
async def new_database(client, unique_id):
    created = []

    async def create(**kwargs):
        database = await client.create_database(unique_id("db-throughput"), **kwargs)
        created.append(database.id)
        return database

    yield create
    for database_id in created:
        await client.delete_database(database_id)


async def _offer_of(database, offers):
    [offer] = offers
    assert offer["resource"] == (await database.read())["_self"]
    return offer


@pytest.mark.requires("offers")
async def test_get_manual_throughput_async(new_database):
    database = await new_database(offer_throughput=400)
    seen = []
    throughput = await database.get_throughput(response_hook=lambda headers, offers: seen.append((headers, offers)))
    assert isinstance(throughput, ThroughputProperties)
    assert throughput.offer_throughput == 400
    assert (throughput.auto_scale_max_throughput, throughput.auto_scale_increment_percent) == (None, None)
    [(headers, offers)] = seen
    assert "x-ms-activity-id" in headers
    assert await _offer_of(database, offers) == throughput.properties
    assert throughput.properties["content"]["offerThroughput"] == 400


@pytest.mark.requires("offers")
async def test_replace_manual_throughput_async(new_database):
    database = await new_database(offer_throughput=400)
    replaced = await database.replace_throughput(800)
    assert isinstance(replaced, ThroughputProperties)
    assert replaced.offer_throughput == 800
    assert isinstance(replaced.properties, CosmosDict)
    assert replaced.properties["content"]["offerThroughput"] == 800
    assert "x-ms-request-charge" in replaced.get_response_headers()
    assert (await database.get_throughput()).offer_throughput == 800
    assert (await database.replace_throughput(ThroughputProperties(offer_throughput=500))).offer_throughput == 500
    assert (await database.get_throughput()).offer_throughput == 500


@pytest.mark.xfail(RUNNING_REFERENCE_SDK, strict=True, reason=(
    "azure-cosmos 4.17.1's async replace_throughput also hands the hook to its offers query, which calls it "
    "first with the query's feed body; azure-cosmos 5 calls it once, with the replaced offer, as the sync proxy"))
@pytest.mark.requires("offers")
async def test_replace_throughput_response_hook_async(new_database):
    database = await new_database(offer_throughput=400)
    seen = []
    replaced = await database.replace_throughput(800, response_hook=lambda *call: seen.append(call))
    [(headers, offer)] = seen
    assert offer == replaced.properties and offer["content"]["offerThroughput"] == 800
    assert headers["x-ms-activity-id"] == replaced.get_response_headers()["x-ms-activity-id"]


@pytest.mark.requires("offers")
async def test_autoscale_throughput_async(new_database):
    database = await new_database(offer_throughput=ThroughputProperties(auto_scale_max_throughput=4000))
    throughput = await database.get_throughput()
    assert throughput.auto_scale_max_throughput == 4000
    assert throughput.offer_throughput is None  # as 4.x: an autoscale offer reports its maximum only
    assert throughput.properties["content"]["offerAutopilotSettings"]["maxThroughput"] == 4000
    replaced = await database.replace_throughput(ThroughputProperties(auto_scale_max_throughput=5000))
    assert replaced.properties["content"]["offerAutopilotSettings"]["maxThroughput"] == 5000
    assert replaced.offer_throughput == replaced.properties["content"]["offerThroughput"]  # as 4.x sets it
    assert (await database.get_throughput()).auto_scale_max_throughput == 5000


@pytest.mark.requires("offers")
async def test_autoscale_throughput_with_increment_percent_async(new_database):
    database = await new_database(offer_throughput=ThroughputProperties(auto_scale_max_throughput=4000,
                                                                        auto_scale_increment_percent=10))
    throughput = await database.get_throughput()
    assert (throughput.auto_scale_max_throughput, throughput.auto_scale_increment_percent) == (4000, 10)


@REFERENCE_CRASHES_WITHOUT_OFFER
@pytest.mark.requires("offers")
async def test_database_without_throughput_is_not_found_async(new_database):
    database = await new_database()
    with pytest.raises(exceptions.CosmosResourceNotFoundError) as raised:
        await database.get_throughput()
    assert raised.value.status_code == 404
    assert database.database_link in raised.value.message
    with pytest.raises(exceptions.CosmosResourceNotFoundError):
        await database.replace_throughput(400)


@pytest.mark.requires("offers")
async def test_missing_database_is_not_found_async(client, unique_id):
    database = client.get_database_client(unique_id("missing"))
    for call in (database.get_throughput, lambda: database.replace_throughput(400)):
        with pytest.raises(exceptions.CosmosResourceNotFoundError) as raised:
            await call()
        assert raised.value.status_code == 404


@pytest.mark.requires("offers")
async def test_replace_throughput_refuses_other_types_async(new_database):
    database = await new_database(offer_throughput=400)
    with pytest.raises(TypeError):
        await database.replace_throughput("800")
    assert (await database.get_throughput()).offer_throughput == 400


def test_read_offer_is_deprecated_async():
    # The sync DatabaseProxy keeps the deprecated alias; 4.x's async DatabaseProxy never had it.
    assert not hasattr(DatabaseProxy, "read_offer")


@pytest.mark.requires("offers")
async def test_throughput_through_a_proxy_without_properties_async(client, new_database):
    database = client.get_database_client((await new_database(offer_throughput=400)).id)  # _self read on first use
    assert (await database.get_throughput()).offer_throughput == 400
    assert (await database.replace_throughput(throughput=600, timeout=30)).offer_throughput == 600
    assert (await database.get_throughput(timeout=30)).offer_throughput == 600
