"""Triggers on item writes: pre_trigger_include / post_trigger_include on create, upsert, replace, patch and
delete run the container's triggers (sent as the x-ms-documentdb-pre/post-trigger-include headers), and the
service's refusals (operation mismatch, post-trigger as pre-trigger, missing trigger, a trigger that throws)
arrive as 4.x raises them, with nothing written."""
from __future__ import annotations

import pytest

from azure.cosmos import PartitionKey, exceptions

from ._data_plane import ids, module_database, sync_client

# Stamps the operation type into the item about to be written.
STAMP = """function () {
    var request = getContext().getRequest();
    var item = request.getBody();
    item.stamped = request.getOperationType();
    request.setBody(item);
}"""
# Writes an audit item "audit-<id>-<v>" into the same partition after the operation.
AUDIT = """function () {
    var context = getContext();
    var collection = context.getCollection();
    var written = context.getResponse().getBody();
    var accepted = collection.createDocument(collection.getSelfLink(),
                                             {id: 'audit-' + written.id + '-' + (written.v || 0), pk: written.pk});
    if (!accepted) throw new Error('audit not accepted');
}"""
TRIGGERS = (
    {"id": "stamp", "body": STAMP, "triggerType": "Pre", "triggerOperation": "All"},
    {"id": "stampOnDelete", "body": STAMP, "triggerType": "Pre", "triggerOperation": "Delete"},
    {"id": "noop", "body": "function () { }", "triggerType": "Pre", "triggerOperation": "All"},
    {"id": "audit", "body": AUDIT, "triggerType": "Post", "triggerOperation": "All"},
    {"id": "fails", "body": "function () { throw new Error('post boom'); }", "triggerType": "Post",
     "triggerOperation": "Create"},
)


@pytest.fixture(scope="module")
def client(cosmos_server):
    with sync_client(cosmos_server) as client:
        yield client


@pytest.fixture(scope="module")
def container(client, cosmos_server, unique_id):
    with module_database(cosmos_server, unique_id("db-triggers")) as database_id:
        container = client.get_database_client(database_id).create_container(unique_id("c"), PartitionKey("/pk"))
        if cosmos_server.supports("sprocs"):
            for trigger in TRIGGERS:
                container.scripts.create_trigger(trigger)
        yield container


def _audits(container, pk):
    return ids(container.query_items("SELECT c.id FROM c WHERE STARTSWITH(c.id, 'audit-')", partition_key=pk))


@pytest.mark.requires("sprocs")
def test_pre_trigger_modifies_the_item_on_each_write(container, unique_id):
    item_id = unique_id("i")
    created = container.create_item({"id": item_id, "pk": "pre"}, pre_trigger_include="stamp")
    assert created["stamped"] == "Create"
    assert container.read_item(item_id, "pre")["stamped"] == "Create"  # stored as the trigger changed it
    assert container.upsert_item({"id": item_id, "pk": "pre"}, pre_trigger_include="stamp")["stamped"] == "Upsert"
    assert container.replace_item(item_id, {"id": item_id, "pk": "pre"},
                                  pre_trigger_include="stamp")["stamped"] == "Replace"
    # Positional, as 4.x's sync signatures take them.
    assert container.create_item({"id": unique_id("i"), "pk": "pre"}, None, "stamp")["stamped"] == "Create"
    assert "stamped" not in container.upsert_item({"id": item_id, "pk": "pre"})  # no trigger unless included


@pytest.mark.requires("sprocs")
def test_post_trigger_runs_after_each_write(container, unique_id):
    pk = unique_id("post")
    item_id = unique_id("i")
    container.create_item({"id": item_id, "pk": pk}, post_trigger_include="audit")
    assert len(_audits(container, pk)) == 1
    container.upsert_item({"id": item_id, "pk": pk, "v": 1}, post_trigger_include="audit")
    container.replace_item(item_id, {"id": item_id, "pk": pk, "v": 2}, post_trigger_include="audit")
    container.patch_item(item_id, pk, [{"op": "set", "path": "/v", "value": 3}], post_trigger_include="audit")
    assert len(_audits(container, pk)) == 4
    container.upsert_item({"id": item_id, "pk": pk, "v": 4})
    assert len(_audits(container, pk)) == 4  # no trigger unless included


@pytest.mark.requires("sprocs")
def test_trigger_on_delete(container, unique_id):
    item_id = unique_id("i")
    container.create_item({"id": item_id, "pk": "del"})
    container.delete_item(item_id, "del", pre_trigger_include="noop")
    with pytest.raises(exceptions.CosmosResourceNotFoundError):
        container.read_item(item_id, "del")


@pytest.mark.requires("sprocs")
def test_trigger_whose_operation_does_not_match(container, unique_id):
    item_id = unique_id("i")
    with pytest.raises(exceptions.CosmosHttpResponseError) as raised:
        container.create_item({"id": item_id, "pk": "mismatch"}, pre_trigger_include="stampOnDelete")
    assert raised.value.status_code == 400
    assert "stampOnDelete" in raised.value.message
    with pytest.raises(exceptions.CosmosResourceNotFoundError):
        container.read_item(item_id, "mismatch")  # nothing written


@pytest.mark.requires("sprocs")
def test_post_trigger_as_pre_trigger_and_missing_trigger(container, unique_id):
    item_id = unique_id("i")
    with pytest.raises(exceptions.CosmosHttpResponseError) as raised:
        container.create_item({"id": item_id, "pk": "wrong"}, pre_trigger_include="audit")
    assert raised.value.status_code == 400
    with pytest.raises(exceptions.CosmosResourceNotFoundError) as raised:
        container.create_item({"id": item_id, "pk": "wrong"}, pre_trigger_include="no-such-trigger")
    assert raised.value.status_code == 404
    with pytest.raises(exceptions.CosmosResourceNotFoundError):
        container.read_item(item_id, "wrong")


@pytest.mark.requires("sprocs")
def test_post_trigger_that_throws_rolls_the_write_back(container, unique_id):
    item_id = unique_id("i")
    with pytest.raises(exceptions.CosmosHttpResponseError) as raised:
        container.create_item({"id": item_id, "pk": "fails"}, post_trigger_include="fails")
    assert type(raised.value) is exceptions.CosmosHttpResponseError and raised.value.status_code == 400
    assert "post boom" in raised.value.message
    with pytest.raises(exceptions.CosmosResourceNotFoundError):
        container.read_item(item_id, "fails")


@pytest.mark.requires("sprocs")
def test_trigger_definitions_as_stored(container):
    stamp = container.scripts.get_trigger("stamp")
    assert (stamp["triggerType"], stamp["triggerOperation"], stamp["body"]) == ("Pre", "All", STAMP)
    assert sorted(ids(container.scripts.list_triggers())) == sorted(trigger["id"] for trigger in TRIGGERS)
    posts = container.scripts.query_triggers("SELECT * FROM t WHERE t.triggerType = @type",
                                             parameters=[{"name": "@type", "value": "Post"}])
    assert sorted(ids(posts)) == ["audit", "fails"]
