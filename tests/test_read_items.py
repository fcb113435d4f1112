"""read_items: many point reads in one call, across partitions; order and shape as 4.x."""
from __future__ import annotations

import pytest

from azure.cosmos import CosmosList, PartitionKey

from ._data_plane import PARTITION_KEYS, ids, module_database, sync_client, user_properties


@pytest.fixture(scope="module")
def client(cosmos_server):
    with sync_client(cosmos_server) as client:
        yield client


@pytest.fixture(scope="module")
def container(cosmos_server, client, unique_id):
    """Three items in each logical partition of PARTITION_KEYS, plus an id that exists in two partitions."""
    with module_database(cosmos_server, unique_id("db-read-items")) as database_id:
        container = client.get_database_client(database_id).create_container(unique_id("c"), PartitionKey("/pk"))
        for pk in PARTITION_KEYS:
            for n in range(3):
                container.create_item({"id": f"{pk}-{n}", "pk": pk, "n": n})
        for pk in ("pk-0", "pk-1", "pk-2", "pk-4"):
            container.create_item({"id": "twin", "pk": pk, "n": -1})
        yield container


def test_items_come_back_in_the_requested_order_across_partitions(container):
    wanted = [("pk-8-2", "pk-8"), ("pk-0-0", "pk-0"), ("pk-5-1", "pk-5"), ("pk-0-2", "pk-0"), ("pk-3-0", "pk-3"),
              ("pk-2-1", "pk-2"), ("pk-6-2", "pk-6"), ("pk-1-1", "pk-1"), ("pk-7-0", "pk-7"), ("pk-4-2", "pk-4")]
    found = container.read_items(wanted)
    assert isinstance(found, CosmosList)
    assert [(item["id"], item["pk"]) for item in found] == wanted
    assert all(isinstance(item, dict) for item in found)
    assert user_properties(found[0]) == {"id": "pk-8-2", "pk": "pk-8", "n": 2}
    assert found[0]["_etag"] == container.read_item("pk-8-2", "pk-8")["_etag"]


def test_missing_items_are_left_out(container):
    found = container.read_items([("pk-1-0", "pk-1"), ("nope", "pk-1"), ("pk-2-0", "pk-2"),
                                  ("pk-2-1", "pk-9"), ("pk-8-0", "pk-8"), ("nope", "nowhere")])
    assert ids(found) == ["pk-1-0", "pk-2-0", "pk-8-0"]


def test_nothing_found_is_an_empty_list(container):
    found = container.read_items([("nope", "pk-1"), ("nope", "pk-8")])
    assert isinstance(found, CosmosList) and found == []
    assert list(found.get_response_headers()) == ["x-ms-request-charge"]
    assert float(found.get_response_headers()["x-ms-request-charge"]) > 0


def test_empty_request_is_an_empty_list(container):
    found = container.read_items([])
    assert isinstance(found, CosmosList) and found == []
    assert list(found.get_response_headers()) == []  # no request was sent


def test_one_item(container):
    assert [(item["id"], item["n"]) for item in container.read_items([("pk-7-1", "pk-7")])] == [("pk-7-1", 1)]


def _physical_partition(container, pk):
    return [r for r in container.read_feed_ranges()
            if container.is_feed_range_subset(r, container.feed_range_from_partition_key(pk))]


@pytest.mark.requires("multiple_partition_key_ranges")
def test_the_same_id_in_different_physical_partitions(container):
    assert _physical_partition(container, "pk-0") != _physical_partition(container, "pk-1")  # the premise
    found = container.read_items([("twin", "pk-1"), ("pk-5-0", "pk-5"), ("twin", "pk-0")])
    assert [(item["id"], item["pk"]) for item in found] == [("twin", "pk-1"), ("pk-5-0", "pk-5"), ("twin", "pk-0")]


def test_the_same_id_in_two_partitions_of_one_physical_partition(container):
    assert _physical_partition(container, "pk-2") == _physical_partition(container, "pk-4")  # the premise
    found = container.read_items([("twin", "pk-2"), ("pk-5-0", "pk-5"), ("twin", "pk-4")])
    # Both are found. 4.x documents no guaranteed order; 4.17.1 restores the requested order by id alone, so
    # both twins take the last twin's place, after "pk-5-0".
    assert sorted((item["id"], item["pk"]) for item in found) == [("pk-5-0", "pk-5"), ("twin", "pk-2"),
                                                                   ("twin", "pk-4")]


def test_request_charge_is_the_total(container):
    found = container.read_items([("pk-1-0", "pk-1"), ("pk-8-0", "pk-8"), ("pk-8-1", "pk-8")])
    assert len(found) == 3
    # Only the total charge of the point reads and queries it took (4.x): no other header.
    assert list(found.get_response_headers()) == ["x-ms-request-charge"]
    assert float(found.get_response_headers()["x-ms-request-charge"]) > 0


def test_response_hook_is_called_once_with_the_result(container):
    calls = []
    found = container.read_items([("pk-1-0", "pk-1"), ("pk-8-0", "pk-8")],
                                 response_hook=lambda headers, result: calls.append(
                                     (float(headers["x-ms-request-charge"]) > 0, ids(result))))
    assert calls == [(True, ["pk-1-0", "pk-8-0"])]
    assert ids(found) == ["pk-1-0", "pk-8-0"]


def test_many_items_of_one_partition(container):
    wanted = [(f"{pk}-{n}", pk) for pk in reversed(PARTITION_KEYS) for n in (2, 0, 1)]
    assert [(item["id"], item["pk"]) for item in container.read_items(wanted)] == wanted


@pytest.mark.requires("hierarchical_pk")
def test_hierarchical_partition_keys(client, container, unique_id):
    database = client.get_database_client(container.container_link.split("/")[1])
    container = database.create_container(unique_id("c"), PartitionKey(path=["/tenant", "/user"], kind="MultiHash"))
    for n in range(4):
        container.create_item({"id": f"i{n}", "tenant": f"t{n % 2}", "user": f"u{n}"})
    wanted = [("i3", ["t1", "u3"]), ("i0", ["t0", "u0"]), ("i2", ["t0", "u2"]), ("i1", ["t1", "nobody"])]
    assert ids(container.read_items(wanted)) == ["i3", "i0", "i2"]


def test_keyword_argument_by_its_4x_name(container):
    assert ids(container.read_items(items=[("pk-6-0", "pk-6"), ("pk-0-1", "pk-0")])) == ["pk-6-0", "pk-0-1"]


def test_max_concurrency_bounds_the_queries_at_once(container):
    wanted = [("pk-1-0", "pk-1"), ("pk-8-0", "pk-8"), ("pk-0-0", "pk-0"), ("pk-2-0", "pk-2")]
    assert ids(container.read_items(wanted, max_concurrency=1)) == [item_id for item_id, _ in wanted]
    with pytest.raises(ValueError, match="max_concurrency"):
        container.read_items(wanted, max_concurrency=0)
