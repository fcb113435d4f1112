"""Async twin of tests/test_triggers.py: pre_trigger_include / post_trigger_include on the asyncio item writes."""
from __future__ import annotations

import pytest

from azure.cosmos import PartitionKey, exceptions
from azure.cosmos.aio import CosmosClient

from .._data_plane import ids, module_database, sync_client
from ..test_triggers import STAMP, TRIGGERS


@pytest.fixture(scope="module")
def container_address(cosmos_server, unique_id):
    with module_database(cosmos_server, unique_id("db-triggers")) as database_id:
        container_id = unique_id("c")
        with sync_client(cosmos_server) as client:
            container = client.get_database_client(database_id).create_container(container_id, PartitionKey("/pk"))
            if cosmos_server.supports("sprocs"):
                for trigger in TRIGGERS:
                    container.scripts.create_trigger(trigger)
        yield database_id, container_id


@pytest.fixture
async def client(cosmos_server):
    async with CosmosClient(cosmos_server.endpoint, cosmos_server.key, **cosmos_server.connection_kwargs) as client:
        yield client


@pytest.fixture
def container(client, container_address):
    database_id, container_id = container_address
    return client.get_database_client(database_id).get_container_client(container_id)


async def _audits(container, pk):
    query = "SELECT c.id FROM c WHERE STARTSWITH(c.id, 'audit-')"
    return ids([item async for item in container.query_items(query, partition_key=pk)])


@pytest.mark.requires("sprocs")
async def test_pre_trigger_modifies_the_item_on_each_write_async(container, unique_id):
    item_id = unique_id("i")
    created = await container.create_item({"id": item_id, "pk": "pre"}, pre_trigger_include="stamp")
    assert created["stamped"] == "Create"
    assert (await container.read_item(item_id, "pre"))["stamped"] == "Create"
    assert (await container.upsert_item({"id": item_id, "pk": "pre"}, pre_trigger_include="stamp"))["stamped"] \
        == "Upsert"
    assert (await container.replace_item(item_id, {"id": item_id, "pk": "pre"},
                                         pre_trigger_include="stamp"))["stamped"] == "Replace"
    assert "stamped" not in await container.upsert_item({"id": item_id, "pk": "pre"})


@pytest.mark.requires("sprocs")
async def test_post_trigger_runs_after_each_write_async(container, unique_id):
    pk = unique_id("post")
    item_id = unique_id("i")
    await container.create_item({"id": item_id, "pk": pk}, post_trigger_include="audit")
    assert len(await _audits(container, pk)) == 1
    await container.upsert_item({"id": item_id, "pk": pk, "v": 1}, post_trigger_include="audit")
    await container.replace_item(item_id, {"id": item_id, "pk": pk, "v": 2}, post_trigger_include="audit")
    await container.patch_item(item_id, pk, [{"op": "set", "path": "/v", "value": 3}], post_trigger_include="audit")
    assert len(await _audits(container, pk)) == 4
    await container.upsert_item({"id": item_id, "pk": pk, "v": 4})
    assert len(await _audits(container, pk)) == 4


@pytest.mark.requires("sprocs")
async def test_trigger_on_delete_async(container, unique_id):
    item_id = unique_id("i")
    await container.create_item({"id": item_id, "pk": "del"})
    await container.delete_item(item_id, "del", pre_trigger_include="noop")
    with pytest.raises(exceptions.CosmosResourceNotFoundError):
        await container.read_item(item_id, "del")


@pytest.mark.requires("sprocs")
async def test_trigger_whose_operation_does_not_match_async(container, unique_id):
    item_id = unique_id("i")
    with pytest.raises(exceptions.CosmosHttpResponseError) as raised:
        await container.create_item({"id": item_id, "pk": "mismatch"}, pre_trigger_include="stampOnDelete")
    assert raised.value.status_code == 400
    assert "stampOnDelete" in raised.value.message
    with pytest.raises(exceptions.CosmosResourceNotFoundError):
        await container.read_item(item_id, "mismatch")


@pytest.mark.requires("sprocs")
async def test_post_trigger_as_pre_trigger_and_missing_trigger_async(container, unique_id):
    item_id = unique_id("i")
    with pytest.raises(exceptions.CosmosHttpResponseError) as raised:
        await container.create_item({"id": item_id, "pk": "wrong"}, pre_trigger_include="audit")
    assert raised.value.status_code == 400
    with pytest.raises(exceptions.CosmosResourceNotFoundError) as raised:
        await container.create_item({"id": item_id, "pk": "wrong"}, pre_trigger_include="no-such-trigger")
    assert raised.value.status_code == 404
    with pytest.raises(exceptions.CosmosResourceNotFoundError):
        await container.read_item(item_id, "wrong")


@pytest.mark.requires("sprocs")
async def test_post_trigger_that_throws_rolls_the_write_back_async(container, unique_id):
    item_id = unique_id("i")
    with pytest.raises(exceptions.CosmosHttpResponseError) as raised:
        await container.create_item({"id": item_id, "pk": "fails"}, post_trigger_include="fails")
    assert type(raised.value) is exceptions.CosmosHttpResponseError and raised.value.status_code == 400
    assert "post boom" in raised.value.message
    with pytest.raises(exceptions.CosmosResourceNotFoundError):
        await container.read_item(item_id, "fails")


@pytest.mark.requires("sprocs")
async def test_trigger_definitions_as_stored_async(container):
    stamp = await container.scripts.get_trigger("stamp")
    assert (stamp["triggerType"], stamp["triggerOperation"], stamp["body"]) == ("Pre", "All", STAMP)
    listed = [trigger async for trigger in container.scripts.list_triggers()]
    assert sorted(ids(listed)) == sorted(trigger["id"] for trigger in TRIGGERS)
    posts = [trigger async for trigger in container.scripts.query_triggers(
        "SELECT * FROM t WHERE t.triggerType = @type", parameters=[{"name": "@type", "value": "Post"}])]
    assert sorted(ids(posts)) == ["audit", "fails"]
