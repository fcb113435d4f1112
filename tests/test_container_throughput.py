"""Throughput of a container: get_throughput, replace_throughput (manual and autoscale) and the deprecated
read_offer; a container that shares its database's throughput has no offer of its own (404)."""
from __future__ import annotations

import warnings

import pytest

from azure.cosmos import PartitionKey, ThroughputProperties, exceptions

from ._data_plane import RUNNING_REFERENCE_SDK, module_database, sync_client

# 4.17.1 itself fails on a container without its own offer: get_throughput with an AttributeError (its
# retry path refreshes a container cache under a link the offer query does not have), replace_throughput
# with an IndexError; azure-cosmos 5 raises the CosmosResourceNotFoundError 4.x means to raise.
NO_OFFER_ERROR_IN_4X = pytest.mark.xfail(RUNNING_REFERENCE_SDK, strict=True, raises=(AttributeError, IndexError),
                                         reason="azure-cosmos 4.17.1 does not raise its 404 for a container "
                                                "without an offer")


@pytest.fixture(scope="module")
def client(cosmos_server):
    with sync_client(cosmos_server) as client:
        yield client


@pytest.fixture(scope="module")
def database(client, cosmos_server, unique_id):
    with module_database(cosmos_server, unique_id("db-throughput")) as database_id:
        yield client.get_database_client(database_id)


@pytest.mark.requires("offers")
def test_get_throughput(database, unique_id):
    container = database.create_container(unique_id("c"), PartitionKey("/pk"), offer_throughput=400)
    throughput = container.get_throughput()
    assert isinstance(throughput, ThroughputProperties)
    assert (throughput.offer_throughput, throughput.auto_scale_max_throughput) == (400, None)
    offer = throughput.properties
    assert offer["resource"] == container.read()["_self"]
    assert offer["offerResourceId"] == container.read()["_rid"]
    assert offer["content"]["offerThroughput"] == 400


@pytest.mark.requires("offers")
def test_get_throughput_response_hook(client, database, unique_id):
    container = database.create_container(unique_id("c"), PartitionKey("/pk"), offer_throughput=400)
    seen = []
    container.get_throughput(response_hook=lambda headers, offers: seen.append((headers, offers)))
    [(headers, offers)] = seen
    assert isinstance(offers, list) and [offer["content"]["offerThroughput"] for offer in offers] == [400]
    assert "x-ms-activity-id" in headers
    assert "x-ms-request-charge" in client.client_connection.last_response_headers


@pytest.mark.requires("offers")
def test_replace_throughput(database, unique_id):
    container = database.create_container(unique_id("c"), PartitionKey("/pk"), offer_throughput=400)
    seen = []
    replaced = container.replace_throughput(500, response_hook=lambda headers, offer: seen.append((headers, offer)))
    assert isinstance(replaced, ThroughputProperties) and replaced.offer_throughput == 500
    assert replaced.properties["content"]["offerThroughput"] == 500
    assert container.get_throughput().offer_throughput == 500
    [(headers, offer)] = seen
    assert isinstance(offer, dict) and offer["content"]["offerThroughput"] == 500 and "x-ms-activity-id" in headers

    assert container.replace_throughput(ThroughputProperties(offer_throughput=700)).offer_throughput == 700
    assert container.replace_throughput(throughput=600).offer_throughput == 600
    assert container.get_throughput().offer_throughput == 600


@pytest.mark.requires("offers")
def test_autoscale_throughput(database, unique_id):
    container = database.create_container(
        unique_id("c"), PartitionKey("/pk"),
        offer_throughput=ThroughputProperties(auto_scale_max_throughput=4000, auto_scale_increment_percent=0))
    throughput = container.get_throughput()
    assert (throughput.auto_scale_max_throughput, throughput.auto_scale_increment_percent) == (4000, 0)
    container.replace_throughput(ThroughputProperties(auto_scale_max_throughput=5000))
    assert container.get_throughput().auto_scale_max_throughput == 5000


@pytest.mark.requires("offers")
def test_replace_throughput_refuses_other_types(database, unique_id):
    container = database.create_container(unique_id("c"), PartitionKey("/pk"), offer_throughput=400)
    for bad in ("500", 500.0, None):
        with pytest.raises(TypeError):
            container.replace_throughput(bad)
    assert container.get_throughput().offer_throughput == 400


@pytest.mark.requires("offers")
def test_read_offer_is_deprecated(database, unique_id):
    container = database.create_container(unique_id("c"), PartitionKey("/pk"), offer_throughput=400)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        offer = container.read_offer()
    assert offer.offer_throughput == 400
    assert [(warning.category, str(warning.message)) for warning in caught] == [
        (DeprecationWarning, "read_offer is a deprecated method name, use get_throughput instead")]


@pytest.mark.requires("offers")
@NO_OFFER_ERROR_IN_4X
@pytest.mark.parametrize("operation", ["get_throughput", "replace_throughput"])
def test_container_in_a_shared_throughput_database_is_404(client, unique_id, operation):
    database = client.create_database(unique_id("db-shared"), offer_throughput=400)
    try:
        container = database.create_container(unique_id("c"), PartitionKey("/pk"))
        arguments = (500,) if operation == "replace_throughput" else ()
        with pytest.raises(exceptions.CosmosResourceNotFoundError) as raised:
            getattr(container, operation)(*arguments)
        assert raised.value.status_code == 404
        assert "Could not find ThroughputProperties for container " in raised.value.message
        assert database.get_throughput().offer_throughput == 400  # the database's offer is untouched
    finally:
        client.delete_database(database)


@pytest.mark.requires("offers")
def test_missing_container_is_404(database):
    container = database.get_container_client("no-such-container")
    for call in (container.get_throughput, lambda: container.replace_throughput(500)):
        with pytest.raises(exceptions.CosmosResourceNotFoundError) as raised:
            call()
        assert raised.value.status_code == 404


@pytest.mark.requires("offers")
def test_recreated_container_reads_its_own_offer(cosmos_server, database, unique_id):
    container_id = unique_id("c")
    container = database.create_container(container_id, PartitionKey("/pk"), offer_throughput=400)
    assert container.get_throughput().offer_throughput == 400  # caches the first container's properties
    with sync_client(cosmos_server) as other:  # a client whose writes the first one's caches do not see
        other_database = other.get_database_client(database.id)
        other_database.delete_container(container_id)
        other_database.create_container(container_id, PartitionKey("/pk"), offer_throughput=800)
    assert container.get_throughput().offer_throughput == 800
