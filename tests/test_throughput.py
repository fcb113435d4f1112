"""Throughput of a database: DatabaseProxy.get_throughput, replace_throughput and the deprecated read_offer."""
from __future__ import annotations

import pytest

from azure.cosmos import CosmosDict, ThroughputProperties, exceptions

from ._data_plane import RUNNING_REFERENCE_SDK, sync_client

# 4.17.1 raises its own 404 (sub-status 10004) for an empty offers answer inside its retry loop, which takes
# it for a recreated container and fails refreshing a container link that is None.
REFERENCE_CRASHES_WITHOUT_OFFER = pytest.mark.xfail(
    RUNNING_REFERENCE_SDK, strict=True, raises=AttributeError,
    reason="azure-cosmos 4.17.1 fails with AttributeError in its retry utility for a database without throughput")


@pytest.fixture(scope="module")
def client(cosmos_server):
    with sync_client(cosmos_server) as client:
        yield client


@pytest.fixture
def new_database(client, unique_id):
    created = []

    def create(**kwargs):
        database = client.create_database(unique_id("db-throughput"), **kwargs)
        created.append(database.id)
        return database

    yield create
    for database_id in created:
        client.delete_database(database_id)


def _offer_of(database, offers):
    [offer] = offers
    assert offer["resource"] == database.read()["_self"]
    return offer


@pytest.mark.requires("offers")
def test_get_manual_throughput(new_database):
    database = new_database(offer_throughput=400)
    seen = []
    throughput = database.get_throughput(response_hook=lambda headers, offers: seen.append((headers, offers)))
    assert isinstance(throughput, ThroughputProperties)
    assert throughput.offer_throughput == 400
    assert (throughput.auto_scale_max_throughput, throughput.auto_scale_increment_percent) == (None, None)
    [(headers, offers)] = seen
    assert "x-ms-activity-id" in headers
    assert _offer_of(database, offers) == throughput.properties
    assert throughput.properties["content"]["offerThroughput"] == 400


@pytest.mark.requires("offers")
def test_replace_manual_throughput(new_database):
    database = new_database(offer_throughput=400)
    seen = []
    replaced = database.replace_throughput(800, response_hook=lambda headers, offer: seen.append(offer))
    assert isinstance(replaced, ThroughputProperties)
    assert replaced.offer_throughput == 800
    assert isinstance(replaced.properties, CosmosDict)
    assert replaced.properties["content"]["offerThroughput"] == 800
    assert "x-ms-request-charge" in replaced.get_response_headers()
    assert [offer["content"]["offerThroughput"] for offer in seen] == [800]
    assert database.get_throughput().offer_throughput == 800
    assert database.replace_throughput(ThroughputProperties(offer_throughput=500)).offer_throughput == 500
    assert database.get_throughput().offer_throughput == 500


@pytest.mark.requires("offers")
def test_autoscale_throughput(new_database):
    database = new_database(offer_throughput=ThroughputProperties(auto_scale_max_throughput=4000))
    throughput = database.get_throughput()
    assert throughput.auto_scale_max_throughput == 4000
    assert throughput.offer_throughput is None  # as 4.x: an autoscale offer reports its maximum only
    assert throughput.properties["content"]["offerAutopilotSettings"]["maxThroughput"] == 4000
    replaced = database.replace_throughput(ThroughputProperties(auto_scale_max_throughput=5000))
    assert replaced.properties["content"]["offerAutopilotSettings"]["maxThroughput"] == 5000
    assert replaced.offer_throughput == replaced.properties["content"]["offerThroughput"]  # as 4.x sets it
    assert database.get_throughput().auto_scale_max_throughput == 5000


@pytest.mark.requires("offers")
def test_autoscale_throughput_with_increment_percent(new_database):
    database = new_database(offer_throughput=ThroughputProperties(auto_scale_max_throughput=4000,
                                                                  auto_scale_increment_percent=10))
    throughput = database.get_throughput()
    assert (throughput.auto_scale_max_throughput, throughput.auto_scale_increment_percent) == (4000, 10)


@REFERENCE_CRASHES_WITHOUT_OFFER
@pytest.mark.requires("offers")
def test_database_without_throughput_is_not_found(new_database):
    database = new_database()
    with pytest.raises(exceptions.CosmosResourceNotFoundError) as raised:
        database.get_throughput()
    assert raised.value.status_code == 404
    assert database.database_link in raised.value.message
    with pytest.raises(exceptions.CosmosResourceNotFoundError):
        database.replace_throughput(400)


@pytest.mark.requires("offers")
def test_missing_database_is_not_found(client, unique_id):
    database = client.get_database_client(unique_id("missing"))
    for call in (database.get_throughput, lambda: database.replace_throughput(400)):
        with pytest.raises(exceptions.CosmosResourceNotFoundError) as raised:
            call()
        assert raised.value.status_code == 404


@pytest.mark.requires("offers")
def test_replace_throughput_refuses_other_types(new_database):
    database = new_database(offer_throughput=400)
    with pytest.raises(TypeError):
        database.replace_throughput("800")
    assert database.get_throughput().offer_throughput == 400


@pytest.mark.requires("offers")
def test_read_offer_is_deprecated(new_database):
    database = new_database(offer_throughput=400)
    with pytest.warns(DeprecationWarning, match="read_offer is a deprecated method name, use get_throughput instead"):
        offer = database.read_offer()
    assert offer.offer_throughput == 400


@pytest.mark.requires("offers")
def test_throughput_through_a_proxy_without_properties(client, new_database):
    database = client.get_database_client(new_database(offer_throughput=400).id)  # _self read on first use
    assert database.get_throughput().offer_throughput == 400
    assert database.replace_throughput(throughput=600, timeout=30).offer_throughput == 600
    assert database.get_throughput(timeout=30).offer_throughput == 600
