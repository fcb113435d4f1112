"""Bad input is rejected as 4.x rejects it, and (where 4.x does) before anything is sent."""
from __future__ import annotations

import pytest

from azure.cosmos import CosmosClient, PartitionKey, exceptions


@pytest.fixture
def client(cosmos_server):
    with CosmosClient(cosmos_server.endpoint, cosmos_server.key, **cosmos_server.connection_kwargs) as client:
        yield client


def _stored_ids(container, partition_key):
    # Filtering on the partition key in the query itself keeps this a single-partition query on every server.
    return [i["id"] for i in container.query_items("SELECT * FROM c WHERE c.pk = @pk",
                                                   parameters=[{"name": "@pk", "value": partition_key}],
                                                   partition_key=partition_key)]


@pytest.fixture
def container(client, unique_id):
    database = client.create_database(unique_id("db"))
    yield database.create_container(unique_id("c"), PartitionKey("/pk"))
    client.delete_database(database.id)


def test_non_serialisable_body_is_a_type_error_and_nothing_is_sent(container):
    container.read()  # the last response before the bad calls: none of them may replace it
    last = container.client_connection.last_response_headers["x-ms-activity-id"]
    for bad in ({"id": "a", "pk": "p", "when": object()}, {"id": "a", "pk": "p", "tags": {"x", "y"}}):
        with pytest.raises(TypeError, match="not JSON serializable"):
            container.create_item(bad)
        with pytest.raises(TypeError):
            container.upsert_item(bad)
        with pytest.raises(TypeError):
            container.replace_item("a", bad)
    assert container.client_connection.last_response_headers["x-ms-activity-id"] == last
    assert _stored_ids(container, "p") == []


def test_body_that_is_not_a_dict_is_a_type_error(container):
    with pytest.raises(TypeError):
        container.create_item(["id", "pk"])
    with pytest.raises(ValueError):
        container.upsert_item(None)


def test_item_without_id_is_rejected_by_the_service(container):
    with pytest.raises(exceptions.CosmosHttpResponseError) as caught:
        container.create_item({"pk": "p"})
    assert caught.value.status_code == 400
    with pytest.raises(exceptions.CosmosHttpResponseError):
        container.upsert_item({"pk": "p"})
    assert _stored_ids(container, "p") == []


def test_id_validation_matches_4x(container):
    with pytest.raises(TypeError, match="Id type must be a string"):
        container.create_item({"id": 5, "pk": "p"})
    with pytest.raises(ValueError, match="illegal chars"):
        container.create_item({"id": "a/b", "pk": "p"})
    with pytest.raises(ValueError, match="ends with a space"):
        container.create_item({"id": "a ", "pk": "p"})


def test_wrong_partition_key_type(container):
    with pytest.raises(TypeError):
        container.read_item("a", object())
    with pytest.raises(TypeError):
        container.read_item("a", [["nested"]])


def test_unknown_keyword_is_a_type_error_naming_it(container):
    with pytest.raises(TypeError, match="'not_an_option'"):
        container.create_item({"id": "a", "pk": "p"}, not_an_option=1)
    with pytest.raises(TypeError, match="'not_an_option'"):
        container.read_item("a", "p", not_an_option=1)
    with pytest.raises(TypeError, match="'not_an_option'"):
        container.query_items("SELECT * FROM c", not_an_option=1)
    with pytest.raises(TypeError, match="'not_an_option'"):
        container.read(not_an_option=1)
    assert _stored_ids(container, "p") == []


def test_keywords_4x_accepts_everywhere_are_accepted(container):
    container.create_item({"id": "a", "pk": "p"}, session_token=None, logging_enable=True, retry_write=1,
                          availability_strategy=False, read_timeout=30, timeout=60)
    assert container.read_item("a", "p", excluded_locations=[], throughput_bucket=None)["id"] == "a"


def test_create_item_ignores_etag_with_a_warning(container):
    with pytest.warns(DeprecationWarning, match="etag"):
        container.create_item({"id": "a", "pk": "p"}, etag="x", match_condition=None)


def test_invalid_match_condition(container):
    with pytest.raises(TypeError, match="Invalid match condition"):
        container.upsert_item({"id": "a", "pk": "p"}, etag="x", match_condition="sometimes")


def test_malformed_feed_range_is_a_value_error(container):
    with pytest.raises(ValueError, match="min"):
        container.query_items("SELECT * FROM c", feed_range={"Range": {}})
    with pytest.raises(ValueError, match="Range"):
        container.query_items("SELECT * FROM c", feed_range={"min": "", "max": "FF"})
    with pytest.raises(ValueError, match="exclusive"):
        container.query_items("SELECT * FROM c", feed_range={"Range": {}}, partition_key="p")


def test_full_text_score_scope_is_validated(container):
    with pytest.raises(ValueError, match="full_text_score_scope"):
        container.query_items("SELECT * FROM c", full_text_score_scope="Everywhere")


def test_parameters_that_are_not_a_list_of_dicts_are_a_type_error_naming_them(container):
    # 4.x takes a string apart character by character into a confusing error; this names the parameter.
    with pytest.raises(TypeError, match="parameters must be a list"):
        container.query_items("SELECT * FROM c WHERE c.v = @v", parameters="@v", partition_key="p")
    with pytest.raises(TypeError, match="parameters must be a list"):
        container.query_items("SELECT * FROM c WHERE c.v = @v", parameters={"name": "@v", "value": 1})
    with pytest.raises(TypeError, match="string 'name'"):
        container.query_items("SELECT * FROM c WHERE c.v = @v", parameters=[("@v", 1)])
