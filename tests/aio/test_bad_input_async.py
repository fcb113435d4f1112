"""Async twin of tests/test_bad_input.py. The async client connects lazily, so a client for an
endpoint that refuses connections shows which checks happen before any network I/O."""
from __future__ import annotations

import pytest

from azure.cosmos import PartitionKey, ThroughputProperties, exceptions
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


# The async twin of CLIENT_SIDE_CHECKS in tests/test_bad_input.py: (call, exception class, 4.x's exact message),
# each raised before any request.
_ILLEGAL = "Id contains illegal chars."
_TRAILING = "Id ends with a space or newline."
_STALENESS = ("Parameter 'max_integrated_cache_staleness_in_ms' can only be an integer greater than or equal "
              "to zero")
_EXCLUDED_NONE = ("Excluded locations cannot be None. If you want to remove all excluded locations, try passing "
                  "an empty list.")
_INCREMENT = "auto_scale_max_throughput must be supplied in conjunction with auto_scale_increment_percent"
_OFFER_TYPE = "offer_throughput must be int or an instance of ThroughputProperties"
_QUERY_TYPE = "query body must be a dict or string."
_QUERY_TEXT = 'query body must have valid query text with key "query".'
_FEED = {"Range": {"min": "", "max": "FF"}}


async def _first(pager):
    async for _ in pager:
        break


CLIENT_SIDE_CHECKS = {
    "database id with /": (lambda cl, db, c: cl.create_database("d/b"), ValueError, _ILLEGAL),
    "database id with #": (lambda cl, db, c: cl.create_database("d#b"), ValueError, _ILLEGAL),
    "database id with trailing space": (lambda cl, db, c: cl.create_database("db "), ValueError, _TRAILING),
    "database id not a string": (lambda cl, db, c: cl.create_database(5), TypeError, "Id type must be a string."),
    "container id with backslash": (lambda cl, db, c: db.create_container("c\\b", PartitionKey("/pk")),
                                    ValueError, _ILLEGAL),
    "container id with ?": (lambda cl, db, c: db.create_container("c?b", PartitionKey("/pk")), ValueError, _ILLEGAL),
    "container id with tab": (lambda cl, db, c: db.create_container("c\tb", PartitionKey("/pk")),
                              ValueError, _ILLEGAL),
    "container id with trailing space": (lambda cl, db, c: db.create_container("cb ", PartitionKey("/pk")),
                                         ValueError, _TRAILING),
    "container id not a string": (lambda cl, db, c: db.create_container(5, PartitionKey("/pk")),
                                  TypeError, "Id type must be a string."),
    "replaced container id with /": (lambda cl, db, c: db.replace_container("c/b", PartitionKey("/pk")),
                                     ValueError, _ILLEGAL),
    "item id with \\r": (lambda cl, db, c: c.create_item({"id": "a\rb", "pk": "p"}), ValueError, _ILLEGAL),
    "upserted item id with ?": (lambda cl, db, c: c.upsert_item({"id": "a?b", "pk": "p"}), ValueError, _ILLEGAL),
    "replacement item id with trailing newline":
        (lambda cl, db, c: c.replace_item("a", {"id": "ab\n", "pk": "p"}), ValueError, _TRAILING),
    "user id with /": (lambda cl, db, c: db.create_user({"id": "u/b"}), ValueError, _ILLEGAL),
    "upserted user id with trailing space": (lambda cl, db, c: db.upsert_user({"id": "ub "}), ValueError, _TRAILING),
    "stored procedure id with #": (lambda cl, db, c: c.scripts.create_stored_procedure(
        {"id": "s#b", "body": "function () {}"}), ValueError, _ILLEGAL),
    "trigger id with trailing space": (lambda cl, db, c: c.scripts.create_trigger(
        {"id": "tb ", "body": "function () {}", "triggerType": "Pre", "triggerOperation": "All"}),
        ValueError, _TRAILING),
    "user-defined function id not a string": (lambda cl, db, c: c.scripts.create_user_defined_function(
        {"id": 5, "body": "function () {}"}), TypeError, "Id type must be a string."),
    "negative cache staleness on read_item":
        (lambda cl, db, c: c.read_item("a", "p", max_integrated_cache_staleness_in_ms=-1), ValueError, _STALENESS),
    "negative cache staleness on read_all_items":
        (lambda cl, db, c: _first(c.read_all_items(max_integrated_cache_staleness_in_ms=-0.5)), ValueError, _STALENESS),
    "negative cache staleness on query_items":
        (lambda cl, db, c: _first(c.query_items("SELECT * FROM c", partition_key="p",
                                                max_integrated_cache_staleness_in_ms=-1)), ValueError, _STALENESS),
    "cache staleness text that is not a number":
        (lambda cl, db, c: c.read_item("a", "p", max_integrated_cache_staleness_in_ms="abc"),
         ValueError, "invalid literal for int() with base 10: 'abc'"),
    "cache staleness text that is a number":
        (lambda cl, db, c: c.read_item("a", "p", max_integrated_cache_staleness_in_ms="5"),
         TypeError, "'<' not supported between instances of 'str' and 'int'"),
    "excluded_locations=None on create_item":
        (lambda cl, db, c: c.create_item({"id": "a", "pk": "p"}, excluded_locations=None), ValueError, _EXCLUDED_NONE),
    "excluded_locations=None on read_item":
        (lambda cl, db, c: c.read_item("a", "p", excluded_locations=None), ValueError, _EXCLUDED_NONE),
    "excluded_locations=None on query_items":
        (lambda cl, db, c: _first(c.query_items("SELECT * FROM c", partition_key="p", excluded_locations=None)),
         ValueError, _EXCLUDED_NONE),
    "excluded_locations=None on create_database":
        (lambda cl, db, c: cl.create_database("fresh", excluded_locations=None), ValueError, _EXCLUDED_NONE),
    "excluded_locations=None on create_user":
        (lambda cl, db, c: db.create_user({"id": "fresh"}, excluded_locations=None), ValueError, _EXCLUDED_NONE),
    "excluded_locations=None on execute_stored_procedure (4.x's async one checks it)":
        (lambda cl, db, c: c.scripts.execute_stored_procedure("missing", partition_key="p", excluded_locations=None),
         ValueError, _EXCLUDED_NONE),
    "autoscale increment without maximum on create_database":
        (lambda cl, db, c: cl.create_database("fresh", offer_throughput=ThroughputProperties(
            auto_scale_increment_percent=5)), ValueError, _INCREMENT),
    "offer_throughput as text": (lambda cl, db, c: db.create_container("fresh", PartitionKey("/pk"),
                                                                       offer_throughput="400"),
                                 TypeError, _OFFER_TYPE),
    "query of an int": (lambda cl, db, c: _first(c.query_items(5, partition_key="p")), TypeError, _QUERY_TYPE),
    "query dict without text": (lambda cl, db, c: _first(c.query_items({"parameters": []}, partition_key="p")),
                                ValueError, _QUERY_TEXT),
    "databases query dict without text": (lambda cl, db, c: _first(cl.query_databases({"parameters": []})),
                                          ValueError, _QUERY_TEXT),
    "feed_range with partition_key in a query":
        (lambda cl, db, c: _first(c.query_items("SELECT * FROM c", partition_key="p", feed_range=_FEED)), ValueError,
         "'feed_range' and 'partition_key' are exclusive parameters, please only set one of them."),
    "feed_range with partition_key in the change feed":
        (lambda cl, db, c: _first(c.query_items_change_feed(partition_key="p", feed_range=_FEED)), ValueError,
         "partition_key_range_id, partition_key, feed_range are exclusive parameters, please only set one of them"),
    "AllVersionsAndDeletes from the beginning":
        (lambda cl, db, c: _first(c.query_items_change_feed(mode="AllVersionsAndDeletes",
                                                            is_start_from_beginning=True)),
         ValueError, "'AllVersionsAndDeletes' mode is only supported if 'is_start_from_beginning' is 'False'. "
                     "Please use 'is_start_from_beginning=False' or 'continuation' instead."),
}


async def _written(client, database, container):
    return ([d["id"] async for d in client.list_databases()], [c["id"] async for c in database.list_containers()],
            await _stored_ids(container, "p"))


@pytest.mark.parametrize("case", list(CLIENT_SIDE_CHECKS))
async def test_client_side_check_as_4x_before_sending_async(client, container, case):
    call, error, message = CLIENT_SIDE_CHECKS[case]
    database = client.get_database_client(container.container_link.split("/")[1])
    before = await _written(client, database, container)
    last = container.client_connection.last_response_headers["x-ms-activity-id"]
    with pytest.raises(error) as caught:
        await call(client, database, container)
    assert str(caught.value) == message
    assert container.client_connection.last_response_headers["x-ms-activity-id"] == last  # nothing was sent
    assert await _written(client, database, container) == before


async def test_what_4x_accepts_is_accepted_async(client, container):
    await container.create_item({"id": "a", "pk": "p"}, excluded_locations=[])
    assert [i["id"] async for i in container.query_items("SELECT * FROM c WHERE c.pk = 'p'", partition_key="p",
                                                         max_item_count=-1,
                                                         max_integrated_cache_staleness_in_ms=0)] == ["a"]
    assert (await container.read_item("a", "p", max_integrated_cache_staleness_in_ms=5.5))["id"] == "a"
    assert [i["id"] async for i in container.read_all_items(max_item_count=-1)] == ["a"]
    assert [i["id"] for i in await container.read_items([("a", "p")], excluded_locations=None)] == ["a"]


async def test_proxy_of_none_is_a_type_error_async(client, container):
    for get in (client.get_database_client, client.get_database_client("db").get_container_client,
                client.get_database_client("db").get_user_client):
        with pytest.raises(TypeError, match="expected an id"):
            get(None)


@pytest.mark.requires("sprocs")
async def test_execute_stored_procedure_excluded_locations_none_as_4x_async(container):
    # 4.x's async execute_stored_procedure refuses None (its sync one sends the request).
    with pytest.raises(ValueError, match="Excluded locations cannot be None"):
        await container.scripts.execute_stored_procedure("missing", partition_key="p", excluded_locations=None)
