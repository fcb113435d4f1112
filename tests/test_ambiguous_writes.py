"""A write whose connection breaks after it reached the service: never reported as a conflict (409), a
missing item (404) or a failed precondition (412) that the client's own retry caused. 4.x does not resend
writes by default and raises the transport error; so does this where the retry's answer could be the first
attempt's own effect. Every effect happens exactly once (counted afterwards)."""
from __future__ import annotations

import pytest
from azure.core.exceptions import IncompleteReadError, ServiceResponseError

from azure.cosmos import CosmosClient, PartitionKey, exceptions

pytestmark = pytest.mark.requires("faults")


@pytest.fixture
def container(cosmos_server, unique_id):
    with CosmosClient(cosmos_server.endpoint, cosmos_server.key, **cosmos_server.connection_kwargs) as client:
        database = client.create_database(unique_id("db"))
        try:
            yield database.create_container(unique_id("c"), PartitionKey("/pk"))
        finally:
            client.delete_database(database.id)


def _stored(container, item_id):
    return list(container.query_items("SELECT * FROM c WHERE c.id = @id", parameters=[{"name": "@id", "value": item_id}],
                                      partition_key="p"))


# A create's answer breaks off mid-body (headers arrived): IncompleteReadError, as 4.x's transport raises;
# a delete's connection closes before any answer: ServiceResponseError. Neither is the retry's 409/404.
def test_create_whose_answer_is_lost_is_not_a_conflict(cosmos_server, container):
    with cosmos_server.fault(operation="create", resourceType="docs", dropConnection=True, count=1) as hits:
        with pytest.raises(IncompleteReadError, match="may or may not have been applied"):
            container.create_item({"id": "lost", "pk": "p"})
        assert hits() == 1
    assert len(_stored(container, "lost")) == 1  # the first attempt's write, once
    assert container.read_item("lost", "p")["id"] == "lost"  # the client is usable afterwards


def test_delete_whose_answer_is_lost_is_not_a_missing_item(cosmos_server, container):
    container.create_item({"id": "gone", "pk": "p"})
    with cosmos_server.fault(operation="delete", resourceType="docs", dropConnection=True, count=1):
        with pytest.raises(ServiceResponseError, match="may or may not have been applied"):
            container.delete_item("gone", "p")
    assert _stored(container, "gone") == []


def test_an_idempotent_write_whose_answer_is_lost_is_ridden_out(cosmos_server, container):
    with cosmos_server.fault(operation="upsert", resourceType="docs", dropConnection=True, count=1) as hits:
        assert container.upsert_item({"id": "kept", "pk": "p", "v": 1})["v"] == 1
        assert hits() == 1
    assert [item["v"] for item in _stored(container, "kept")] == [1]


def test_a_real_conflict_is_still_a_conflict(container):
    container.create_item({"id": "twice", "pk": "p"})
    with pytest.raises(exceptions.CosmosResourceExistsError):
        container.create_item({"id": "twice", "pk": "p"})
