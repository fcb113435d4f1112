"""patch_item: the six operation kinds, the ten-operation limit, filter predicates, etag conditions."""
from __future__ import annotations

import pytest
from azure.core import MatchConditions

from azure.cosmos import CosmosDict, PartitionKey, exceptions

from ._data_plane import PARTITION_KEYS, module_database, sync_client, user_properties

pytestmark = pytest.mark.requires("patch")


@pytest.fixture(scope="module")
def client(cosmos_server):
    with sync_client(cosmos_server) as client:
        yield client


@pytest.fixture(scope="module")
def database(cosmos_server, client, unique_id):
    with module_database(cosmos_server, unique_id("db-patch")) as database_id:
        yield client.get_database_client(database_id)


@pytest.fixture
def container(database, unique_id):
    return database.create_container(unique_id("c"), PartitionKey("/pk"))


def _item(**extra):
    return {"id": "a", "pk": "p", "n": 1, "tags": ["x"], "nested": {"k": "v"}, "old": "o", "gone": True, **extra}


def test_every_operation_kind_in_one_patch(container):
    container.create_item(_item())
    patched = container.patch_item("a", "p", [
        {"op": "add", "path": "/added", "value": {"deep": [1]}},
        {"op": "add", "path": "/tags/0", "value": "first"},
        {"op": "add", "path": "/tags/-", "value": "last"},
        {"op": "set", "path": "/nested/k", "value": "v2"},
        {"op": "replace", "path": "/n", "value": 10},
        {"op": "remove", "path": "/gone"},
        {"op": "incr", "path": "/n", "value": 5},
        {"op": "move", "from": "/old", "path": "/moved"},
    ])
    expected = {"id": "a", "pk": "p", "n": 15, "tags": ["first", "x", "last"], "nested": {"k": "v2"},
                "added": {"deep": [1]}, "moved": "o"}
    assert isinstance(patched, CosmosDict)
    assert user_properties(patched) == expected
    assert patched.get_response_headers()["etag"] == patched["_etag"]
    assert user_properties(container.read_item("a", "p")) == expected


def test_set_replaces_an_array_element_and_add_inserts_one(container):
    container.create_item(_item(tags=["x", "y"]))
    patched = container.patch_item("a", "p", [{"op": "set", "path": "/tags/0", "value": "X"},
                                              {"op": "add", "path": "/tags/1", "value": "between"}])
    assert patched["tags"] == ["X", "between", "y"]


def test_add_and_set_replace_an_existing_value(container):
    container.create_item(_item())
    patched = container.patch_item("a", "p", [{"op": "add", "path": "/n", "value": "added over"},
                                              {"op": "set", "path": "/old", "value": ["set over"]}])
    assert (patched["n"], patched["old"]) == ("added over", ["set over"])


def test_incr_creates_a_missing_field_and_takes_negative_and_float_values(container):
    container.create_item(_item())
    assert container.patch_item("a", "p", [{"op": "incr", "path": "/counter", "value": 3}])["counter"] == 3
    assert container.patch_item("a", "p", [{"op": "incr", "path": "/n", "value": -3}])["n"] == -2
    assert container.patch_item("a", "p", [{"op": "incr", "path": "/n", "value": 0.5}])["n"] == -1.5


def test_move_a_nested_value_to_the_top(container):
    container.create_item(_item())
    patched = container.patch_item("a", "p", [{"op": "move", "from": "/nested/k", "path": "/k"}])
    assert (patched["nested"], patched["k"]) == ({}, "v")


@pytest.mark.parametrize("operation", [
    {"op": "replace", "path": "/missing", "value": 1},
    {"op": "remove", "path": "/missing"},
    {"op": "move", "from": "/missing", "path": "/x"},
    {"op": "incr", "path": "/old", "value": 1},
    {"op": "add", "path": "/tags/5", "value": 1},
    {"op": "set", "path": "/id", "value": "b"},
    {"op": "set", "path": "/pk", "value": "q"},
    {"op": "set", "path": "/_ts", "value": 1},
], ids=["replace-missing", "remove-missing", "move-missing", "incr-a-string", "add-past-the-end", "set-id",
        "set-partition-key", "set-system-property"])
def test_invalid_operation_is_a_bad_request_and_writes_nothing(container, operation):
    etag = container.create_item(_item())["_etag"]
    with pytest.raises(exceptions.CosmosHttpResponseError) as raised:
        container.patch_item("a", "p", [{"op": "set", "path": "/partial", "value": 1}, operation])
    assert raised.value.status_code == 400
    unchanged = container.read_item("a", "p")
    assert unchanged["_etag"] == etag and "partial" not in unchanged


def test_ten_operations_are_accepted(container):
    container.create_item(_item())
    patched = container.patch_item("a", "p", [{"op": "set", "path": f"/f{n}", "value": n} for n in range(10)])
    assert [patched[f"f{n}"] for n in range(10)] == list(range(10))


def test_eleven_operations_are_the_services_bad_request(container):
    etag = container.create_item(_item())["_etag"]
    with pytest.raises(exceptions.CosmosHttpResponseError) as raised:
        container.patch_item("a", "p", [{"op": "set", "path": f"/f{n}", "value": n} for n in range(11)])
    assert type(raised.value) is exceptions.CosmosHttpResponseError
    assert raised.value.status_code == 400
    assert container.read_item("a", "p")["_etag"] == etag


@pytest.mark.requires("patch_validation")
def test_no_operations_is_a_bad_request(container):
    container.create_item(_item())
    with pytest.raises(exceptions.CosmosHttpResponseError) as raised:
        container.patch_item("a", "p", [])
    assert raised.value.status_code == 400


@pytest.mark.requires("patch_validation")
def test_add_under_a_missing_parent_is_a_bad_request(container):
    etag = container.create_item(_item())["_etag"]
    with pytest.raises(exceptions.CosmosHttpResponseError) as raised:
        container.patch_item("a", "p", [{"op": "add", "path": "/no/child", "value": 1}])
    assert raised.value.status_code == 400
    assert container.read_item("a", "p")["_etag"] == etag


def test_unknown_operation_is_a_bad_request(container):
    container.create_item(_item())
    with pytest.raises(exceptions.CosmosHttpResponseError) as raised:
        container.patch_item("a", "p", [{"op": "append", "path": "/n", "value": 1}])
    assert raised.value.status_code == 400


def test_matching_filter_predicate_applies_the_patch(container):
    container.create_item(_item())
    patched = container.patch_item("a", "p", [{"op": "set", "path": "/flag", "value": 1}],
                                   filter_predicate="FROM c WHERE c.n = 1 AND c.nested.k = 'v'")
    assert patched["flag"] == 1


def test_filter_predicate_that_does_not_match_is_412_and_writes_nothing(container):
    etag = container.create_item(_item())["_etag"]
    with pytest.raises(exceptions.CosmosAccessConditionFailedError) as raised:
        container.patch_item("a", "p", [{"op": "set", "path": "/flag", "value": 2}],
                             filter_predicate="from c where c.n > 100")
    assert raised.value.status_code == 412
    unchanged = container.read_item("a", "p")
    assert unchanged["_etag"] == etag and "flag" not in unchanged


def test_filter_predicate_on_a_missing_property_does_not_match(container):
    container.create_item(_item())
    with pytest.raises(exceptions.CosmosAccessConditionFailedError):
        container.patch_item("a", "p", [{"op": "set", "path": "/flag", "value": 3}],
                             filter_predicate="FROM c WHERE c.nothing = 1")


def test_etag_conditions(container):
    etag = container.create_item(_item())["_etag"]
    patched = container.patch_item("a", "p", [{"op": "incr", "path": "/n", "value": 1}], etag=etag,
                                   match_condition=MatchConditions.IfNotModified)
    assert patched["n"] == 2 and patched["_etag"] != etag
    with pytest.raises(exceptions.CosmosAccessConditionFailedError) as raised:
        container.patch_item("a", "p", [{"op": "incr", "path": "/n", "value": 1}], etag=etag,
                             match_condition=MatchConditions.IfNotModified)
    assert raised.value.status_code == 412
    assert container.read_item("a", "p")["n"] == 2


def test_etag_and_match_condition_come_together(container):
    container.create_item(_item())
    with pytest.raises(ValueError, match="match_condition"):
        container.patch_item("a", "p", [{"op": "set", "path": "/x", "value": 1}], etag="x")
    with pytest.raises(ValueError, match="etag"):
        container.patch_item("a", "p", [{"op": "set", "path": "/x", "value": 1}],
                             match_condition=MatchConditions.IfNotModified)


def test_missing_item_is_not_found(container):
    with pytest.raises(exceptions.CosmosResourceNotFoundError) as raised:
        container.patch_item("missing", "p", [{"op": "set", "path": "/x", "value": 1}])
    assert raised.value.status_code == 404


def test_patch_touches_only_the_named_logical_partition(container):
    for pk in PARTITION_KEYS:
        container.create_item({"id": "same", "pk": pk, "n": 0})
    container.patch_item("same", "pk-8", [{"op": "incr", "path": "/n", "value": 7}])
    container.patch_item("same", "pk-2", [{"op": "incr", "path": "/n", "value": 1}])
    assert {pk: container.read_item("same", pk)["n"] for pk in PARTITION_KEYS} == {
        pk: {"pk-8": 7, "pk-2": 1}.get(pk, 0) for pk in PARTITION_KEYS}


def test_no_response_returns_an_empty_dict(cosmos_server, container):
    cosmos_server.skip_unless("prefer_return_minimal")
    container.create_item(_item())
    result = container.patch_item("a", "p", [{"op": "set", "path": "/x", "value": 1}], no_response=True)
    assert result == {}
    assert "x-ms-request-charge" in result.get_response_headers()
    assert container.read_item("a", "p")["x"] == 1


def test_response_hook_sees_the_headers_and_the_patched_item(container):
    container.create_item(_item())
    seen = []
    container.patch_item("a", "p", [{"op": "set", "path": "/x", "value": 1}],
                         response_hook=lambda headers, result: seen.append((headers["etag"], result["_etag"],
                                                                            result["x"])))
    assert len(seen) == 1 and seen[0][0] == seen[0][1] and seen[0][2] == 1


def test_keyword_arguments_by_their_4x_names(container):
    container.create_item(_item())
    patched = container.patch_item(item="a", partition_key="p",
                                   patch_operations=[{"op": "set", "path": "/k", "value": 1}])
    assert patched["k"] == 1
