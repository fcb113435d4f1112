"""Async twin of tests/test_bad_input.py. The async client connects lazily, so a client for an
endpoint that refuses connections shows which checks happen before any network I/O."""
from __future__ import annotations

import pytest

from azure.cosmos import PartitionKey, exceptions
from azure.cosmos.aio import CosmosClient


@pytest.fixture
async def client(cosmos_server):
    async with CosmosClient(cosmos_server.endpoint, cosmos_server.key, **cosmos_server.connection_kwargs) as client:
        yield client


@pytest.fixture
async def container(client, unique_id):
    database = await client.create_database(unique_id("db"))
    yield await database.create_container(unique_id("c"), PartitionKey("/pk"))
    await client.delete_database(database.id)


@pytest.fixture
async def offline_container(refused_endpoint, key):
    # Nothing listens there: any request would fail with ServiceRequestError.
    client = CosmosClient(refused_endpoint, key)
    yield client.get_database_client("db").get_container_client("c")
    await client.close()


async def _stored_ids(container, partition_key):
    # Filtering on the partition key in the query itself keeps this a single-partition query on every server.
    return [i["id"] async for i in container.query_items("SELECT * FROM c WHERE c.pk = @pk",
                                                         parameters=[{"name": "@pk", "value": partition_key}],
                                                         partition_key=partition_key)]


async def test_non_serialisable_body_is_a_type_error_and_nothing_is_sent_async(offline_container):
    for bad in ({"id": "a", "pk": "p", "when": object()}, {"id": "a", "pk": "p", "tags": {"x", "y"}}):
        with pytest.raises(TypeError, match="not JSON serializable"):
            await offline_container.create_item(bad)
        with pytest.raises(TypeError):
            await offline_container.upsert_item(bad)
        with pytest.raises(TypeError):
            await offline_container.replace_item("a", bad)


async def test_body_that_is_not_a_dict_is_a_type_error_async(offline_container):
    with pytest.raises(TypeError):
        await offline_container.create_item(["id", "pk"])
    with pytest.raises(ValueError):
        await offline_container.upsert_item(None)


async def test_item_without_id_is_rejected_by_the_service_async(container):
    with pytest.raises(exceptions.CosmosHttpResponseError) as caught:
        await container.create_item({"pk": "p"})
    assert caught.value.status_code == 400
    assert await _stored_ids(container, "p") == []


async def test_id_validation_matches_4x_async(offline_container):
    with pytest.raises(TypeError, match="Id type must be a string"):
        await offline_container.create_item({"id": 5, "pk": "p"})
    with pytest.raises(ValueError, match="illegal chars"):
        await offline_container.create_item({"id": "a/b", "pk": "p"})
    with pytest.raises(ValueError, match="ends with a space"):
        await offline_container.create_item({"id": "a ", "pk": "p"})


async def test_wrong_partition_key_type_async(container):
    with pytest.raises(TypeError):
        await container.read_item("a", object())
    with pytest.raises(TypeError):
        await container.read_item("a", [["nested"]])


async def test_unknown_keyword_is_a_type_error_naming_it_async(offline_container):
    with pytest.raises(TypeError, match="'not_an_option'"):
        await offline_container.create_item({"id": "a", "pk": "p"}, not_an_option=1)
    with pytest.raises(TypeError, match="'not_an_option'"):
        await offline_container.read_item("a", "p", not_an_option=1)
    with pytest.raises(TypeError, match="'not_an_option'"):
        offline_container.query_items("SELECT * FROM c", not_an_option=1)
    with pytest.raises(TypeError, match="'not_an_option'"):
        await offline_container.read(not_an_option=1)


async def test_keywords_4x_accepts_everywhere_are_accepted_async(container):
    await container.create_item({"id": "a", "pk": "p"}, session_token=None, logging_enable=True, retry_write=1,
                                availability_strategy=False, read_timeout=30, timeout=60)
    assert (await container.read_item("a", "p", excluded_locations=[], throughput_bucket=None))["id"] == "a"


async def test_create_item_ignores_etag_with_a_warning_async(container):
    with pytest.warns(DeprecationWarning, match="etag"):
        await container.create_item({"id": "a", "pk": "p"}, etag="x", match_condition=None)


async def test_invalid_match_condition_async(offline_container):
    with pytest.raises(TypeError, match="Invalid match condition"):
        await offline_container.upsert_item({"id": "a", "pk": "p"}, etag="x", match_condition="sometimes")


async def test_malformed_feed_range_is_a_value_error_async(offline_container):
    with pytest.raises(ValueError, match="min"):
        offline_container.query_items("SELECT * FROM c", feed_range={"Range": {}})
    with pytest.raises(ValueError, match="Range"):
        offline_container.query_items("SELECT * FROM c", feed_range={"min": "", "max": "FF"})
    with pytest.raises(ValueError, match="exclusive"):
        offline_container.query_items("SELECT * FROM c", feed_range={"Range": {}}, partition_key="p")


async def test_full_text_score_scope_is_validated_async(offline_container):
    with pytest.raises(ValueError, match="full_text_score_scope"):
        offline_container.query_items("SELECT * FROM c", full_text_score_scope="Everywhere")


async def test_parameters_that_are_not_a_list_of_dicts_are_a_type_error_naming_them_async(offline_container):
    # 4.x takes a string apart character by character into a confusing error; this names the parameter.
    with pytest.raises(TypeError, match="parameters must be a list"):
        offline_container.query_items("SELECT * FROM c WHERE c.v = @v", parameters="@v", partition_key="p")
    with pytest.raises(TypeError, match="parameters must be a list"):
        offline_container.query_items("SELECT * FROM c WHERE c.v = @v", parameters={"name": "@v", "value": 1})
    with pytest.raises(TypeError, match="string 'name'"):
        offline_container.query_items("SELECT * FROM c WHERE c.v = @v", parameters=[("@v", 1)])
