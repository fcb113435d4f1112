"""Bad input is rejected as 4.x rejects it, and (where 4.x does) before anything is sent."""
from __future__ import annotations

import pytest

from azure.cosmos import CosmosClient, PartitionKey, ThroughputProperties, exceptions


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


# One case per client-side check of 4.17.1: (call, exception class, 4.x's exact message). Each is
# raised before any request, so nothing is written and the last response stays the one before it.
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
        (lambda cl, db, c: c.read_all_items(max_integrated_cache_staleness_in_ms=-0.5), ValueError, _STALENESS),
    "negative cache staleness on query_items":
        (lambda cl, db, c: c.query_items("SELECT * FROM c", partition_key="p", max_integrated_cache_staleness_in_ms=-1),
         ValueError, _STALENESS),
    "cache staleness text that is not a number":
        (lambda cl, db, c: c.read_item("a", "p", max_integrated_cache_staleness_in_ms="abc"),
         ValueError, "invalid literal for int() with base 10: 'abc'"),
    "cache staleness text that is a number":
        (lambda cl, db, c: c.read_item("a", "p", max_integrated_cache_staleness_in_ms="5"),
         TypeError, "'<' not supported between instances of 'str' and 'int'"),
    "cache staleness of a list":
        (lambda cl, db, c: c.query_items("SELECT * FROM c", partition_key="p", max_integrated_cache_staleness_in_ms=[1]),
         TypeError, "int() argument must be a string, a bytes-like object or a real number, not 'list'"),
    "excluded_locations=None on create_item":
        (lambda cl, db, c: c.create_item({"id": "a", "pk": "p"}, excluded_locations=None), ValueError, _EXCLUDED_NONE),
    "excluded_locations=None on read_item":
        (lambda cl, db, c: c.read_item("a", "p", excluded_locations=None), ValueError, _EXCLUDED_NONE),
    "excluded_locations=None on query_items":
        (lambda cl, db, c: c.query_items("SELECT * FROM c", partition_key="p", excluded_locations=None),
         ValueError, _EXCLUDED_NONE),
    "excluded_locations=None on create_database":
        (lambda cl, db, c: cl.create_database("fresh", excluded_locations=None), ValueError, _EXCLUDED_NONE),
    "excluded_locations=None on create_container":
        (lambda cl, db, c: db.create_container("fresh", PartitionKey("/pk"), excluded_locations=None),
         ValueError, _EXCLUDED_NONE),
    "excluded_locations=None on create_user":
        (lambda cl, db, c: db.create_user({"id": "fresh"}, excluded_locations=None), ValueError, _EXCLUDED_NONE),
    "excluded_locations=None on execute_item_batch":
        (lambda cl, db, c: c.execute_item_batch([("upsert", ({"id": "a", "pk": "p"},))], partition_key="p",
                                                excluded_locations=None), ValueError, _EXCLUDED_NONE),
    "excluded_locations=None on query_items_change_feed":
        (lambda cl, db, c: c.query_items_change_feed(excluded_locations=None), ValueError, _EXCLUDED_NONE),
    "autoscale increment without maximum on create_database":
        (lambda cl, db, c: cl.create_database("fresh", offer_throughput=ThroughputProperties(
            auto_scale_increment_percent=5)), ValueError, _INCREMENT),
    "autoscale increment without maximum on create_container":
        (lambda cl, db, c: db.create_container("fresh", PartitionKey("/pk"), offer_throughput=ThroughputProperties(
            offer_throughput=400, auto_scale_increment_percent=5)), ValueError, _INCREMENT),
    "offer_throughput as text": (lambda cl, db, c: cl.create_database("fresh", offer_throughput="400"),
                                 TypeError, _OFFER_TYPE),
    "offer_throughput as a float": (lambda cl, db, c: db.create_container("fresh", PartitionKey("/pk"),
                                                                          offer_throughput=400.0),
                                    TypeError, _OFFER_TYPE),
    "query of an int": (lambda cl, db, c: c.query_items(5, partition_key="p"), TypeError, _QUERY_TYPE),
    "query of a list": (lambda cl, db, c: c.query_items(["SELECT * FROM c"], partition_key="p"),
                        TypeError, _QUERY_TYPE),
    "query dict without text": (lambda cl, db, c: c.query_items({"parameters": []}, partition_key="p"),
                                ValueError, _QUERY_TEXT),
    "query dict with empty text": (lambda cl, db, c: c.query_items({"query": ""}, partition_key="p"),
                                   ValueError, _QUERY_TEXT),
    "databases query of an int": (lambda cl, db, c: cl.query_databases(5), TypeError, _QUERY_TYPE),
    "containers query dict without text": (lambda cl, db, c: db.query_containers({"parameters": []}),
                                           ValueError, _QUERY_TEXT),
    "users query dict without text": (lambda cl, db, c: db.query_users({"parameters": []}), ValueError, _QUERY_TEXT),
    "triggers query of an int": (lambda cl, db, c: c.scripts.query_triggers(5), TypeError, _QUERY_TYPE),
    "feed_range with partition_key in a query":
        (lambda cl, db, c: c.query_items("SELECT * FROM c", partition_key="p", feed_range=_FEED), ValueError,
         "'feed_range' and 'partition_key' are exclusive parameters, please only set one of them."),
    "feed_range with partition_key in the change feed":
        (lambda cl, db, c: c.query_items_change_feed(partition_key="p", feed_range=_FEED), ValueError,
         "partition_key_range_id, partition_key, feed_range are exclusive parameters, please only set one of them"),
    "AllVersionsAndDeletes from the beginning":
        (lambda cl, db, c: c.query_items_change_feed(mode="AllVersionsAndDeletes", is_start_from_beginning=True),
         ValueError, "'AllVersionsAndDeletes' mode is only supported if 'is_start_from_beginning' is 'False'. "
                     "Please use 'is_start_from_beginning=False' or 'continuation' instead."),
    "create_database with a fourth positional argument":
        (lambda cl, db, c: cl.create_database("fresh", None, None, None), TypeError,
         "Unexpected positional arguments: (None,)"),
}


def _written(client, database, container):
    return ([d["id"] for d in client.list_databases()], [c["id"] for c in database.list_containers()],
            _stored_ids(container, "p"))


@pytest.mark.parametrize("case", list(CLIENT_SIDE_CHECKS))
def test_client_side_check_as_4x_before_sending(client, container, case):
    call, error, message = CLIENT_SIDE_CHECKS[case]
    database = client.get_database_client(container.container_link.split("/")[1])
    before = _written(client, database, container)
    last = container.client_connection.last_response_headers["x-ms-activity-id"]
    with pytest.raises(error) as caught:
        call(client, database, container)
    assert str(caught.value) == message
    assert container.client_connection.last_response_headers["x-ms-activity-id"] == last  # nothing was sent
    assert _written(client, database, container) == before


def test_what_4x_accepts_is_accepted(client, container):
    container.create_item({"id": "a", "pk": "p"}, excluded_locations=[])
    assert [i["id"] for i in container.query_items("SELECT * FROM c WHERE c.pk = 'p'", partition_key="p",
                                                   max_item_count=-1, max_integrated_cache_staleness_in_ms=0)] == ["a"]
    assert container.read_item("a", "p", max_integrated_cache_staleness_in_ms=5.5)["id"] == "a"
    assert [i["id"] for i in container.read_all_items(max_item_count=-1)] == ["a"]
    # read_items declares excluded_locations itself (None is "not given"), as 4.x does.
    assert [i["id"] for i in container.read_items([("a", "p")], excluded_locations=None)] == ["a"]


@pytest.mark.requires("sprocs")
def test_execute_stored_procedure_excluded_locations_none_as_4x(container):
    # 4.x's sync execute_stored_procedure does not check excluded_locations (its async one does).
    with pytest.raises(exceptions.CosmosResourceNotFoundError):
        container.scripts.execute_stored_procedure("missing", partition_key="p", excluded_locations=None)


def test_proxy_of_none_is_a_type_error(client, container):
    # 4.x: "'NoneType' object is not subscriptable"; the same class, saying what is expected.
    for get in (client.get_database_client, client.get_database_client("db").get_container_client,
                client.get_database_client("db").get_user_client):
        with pytest.raises(TypeError, match="expected an id"):
            get(None)
