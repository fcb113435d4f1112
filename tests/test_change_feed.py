"""query_items_change_feed: start from the beginning, now or a point in time; continuation tokens resumed in
a fresh client; partition-key and feed-range scopes; page sizes; LatestVersion and AllVersionsAndDeletes;
resuming across a partition split."""
from __future__ import annotations

import datetime

import pytest

from azure.cosmos import PartitionKey

from ._data_plane import PARTITION_KEYS, RUNNING_REFERENCE_SDK, ids, module_database, sync_client

pytestmark = pytest.mark.requires("change_feed")

UTC = datetime.timezone.utc


@pytest.fixture(scope="module")
def client(cosmos_server):
    with sync_client(cosmos_server) as client:
        yield client


@pytest.fixture(scope="module")
def database(cosmos_server, client, unique_id):
    with module_database(cosmos_server, unique_id("db-feed")) as database_id:
        yield client.get_database_client(database_id)


@pytest.fixture
def container(database, unique_id):
    return database.create_container(unique_id("c"), PartitionKey("/pk"))


@pytest.fixture
def history_container(database, unique_id):
    """A container whose change feed keeps every version and the deletes (AllVersionsAndDeletes)."""
    return database.create_container(unique_id("c"), PartitionKey("/pk"), change_feed_policy={"retentionDuration": 10})


@pytest.fixture
def fresh_client(cosmos_server):
    """A second client: a continuation token must be enough to resume, without the first client's state."""
    with sync_client(cosmos_server) as client:
        yield client


def _same_container(client, container):
    """The container as another client sees it (4.x's container_link is "dbs/<database>/colls/<container>")."""
    return client.get_database_client(container.container_link.split("/")[1]).get_container_client(container.id)


def _poll_token(container):
    """The continuation for the next poll once an iteration has returned everything (also when it returned
    nothing, where no page carries a token): 4.x's documented way is the etag of the last response, which it
    sets to the feed's whole continuation."""
    return container.client_connection.last_response_headers["etag"]


def _page_ids(feed):
    """Every page of an iteration as a list of ids, and the pager's continuation token at the end."""
    pages = feed.by_page()
    return [ids(page) for page in pages], pages.continuation_token


def _create_spread(container, per_partition=1, prefix="i"):
    """Items in every logical partition of PARTITION_KEYS (so in every physical partition); returns their ids."""
    created = []
    for round_ in range(per_partition):
        for index, pk in enumerate(PARTITION_KEYS):
            item_id = f"{prefix}{round_}-{index}"
            container.create_item({"id": item_id, "pk": pk, "v": 0})
            created.append(item_id)
    return created


def test_from_the_beginning_every_item_once_in_its_latest_version(container):
    created = _create_spread(container)
    container.upsert_item({"id": "i0-1", "pk": "pk-1", "v": 1})
    container.upsert_item({"id": "i0-1", "pk": "pk-1", "v": 2})
    container.delete_item("i0-3", "pk-3")
    changes = list(container.query_items_change_feed(start_time="Beginning"))
    assert sorted(ids(changes)) == sorted(set(created) - {"i0-3"})
    assert {change["id"]: change["v"] for change in changes}["i0-1"] == 2
    assert all("_lsn" in change and "_etag" in change and "_ts" in change for change in changes)


def test_one_logical_partition_comes_in_modification_order(container):
    _create_spread(container)
    for item_id in ("a", "b", "c"):
        container.create_item({"id": item_id, "pk": "pk-1", "v": 0})
    container.upsert_item({"id": "a", "pk": "pk-1", "v": 1})
    changes = list(container.query_items_change_feed(partition_key="pk-1", start_time="Beginning"))
    assert ids(changes) == ["i0-1", "b", "c", "a"]
    assert changes[-1]["v"] == 1


def test_start_now_and_the_default_start_skip_earlier_changes(container):
    _create_spread(container)
    assert list(container.query_items_change_feed(start_time="Now")) == []
    assert list(container.query_items_change_feed()) == []
    assert list(container.query_items_change_feed(partition_key="pk-1", start_time="Now")) == []


def test_poll_from_now_resumes_in_a_fresh_client(container, fresh_client):
    _create_spread(container)
    assert list(container.query_items_change_feed(start_time="Now")) == []
    token = _poll_token(container)
    container.create_item({"id": "new-a", "pk": "pk-2", "v": 0})
    container.create_item({"id": "new-b", "pk": "pk-8", "v": 0})
    container.upsert_item({"id": "i0-5", "pk": "pk-5", "v": 1})
    container.upsert_item({"id": "i0-5", "pk": "pk-5", "v": 2})
    container.delete_item("i0-6", "pk-6")  # LatestVersion does not report deletes
    resumed = _same_container(fresh_client, container)
    changes = list(resumed.query_items_change_feed(continuation=token))
    assert sorted((change["id"], change["v"]) for change in changes) == [("i0-5", 2), ("new-a", 0), ("new-b", 0)]
    assert list(resumed.query_items_change_feed(continuation=_poll_token(resumed))) == []


def test_by_page_continuation_token_resumes_in_a_fresh_client(container, fresh_client):
    created = _create_spread(container)
    pages, token = _page_ids(container.query_items_change_feed(start_time="Beginning"))
    assert sorted(item for page in pages for item in page) == sorted(created) and token
    container.create_item({"id": "later", "pk": "pk-4", "v": 0})
    container.upsert_item({"id": "i0-7", "pk": "pk-7", "v": 1})
    resumed = _same_container(fresh_client, container)
    pages, next_token = _page_ids(resumed.query_items_change_feed(continuation=token))
    assert sorted(item for page in pages for item in page) == ["i0-7", "later"]
    assert next_token and next_token != token
    assert list(resumed.query_items_change_feed(continuation=next_token)) == []


def test_pages_respect_max_item_count_and_are_never_empty(container):
    created = _create_spread(container, per_partition=2)
    pages, _ = _page_ids(container.query_items_change_feed(start_time="Beginning", max_item_count=3))
    assert all(1 <= len(page) <= 3 for page in pages), pages
    seen = [item for page in pages for item in page]
    assert sorted(seen) == sorted(created)


def test_resume_after_a_page_in_a_fresh_client_loses_and_repeats_nothing(container, fresh_client):
    assert list(container.query_items_change_feed(start_time="Now")) == []
    token = _poll_token(container)
    created = _create_spread(container, per_partition=2)
    pages = container.query_items_change_feed(continuation=token, max_item_count=4).by_page()
    first = ids(next(pages))
    assert 1 <= len(first) <= 4
    resumed = _same_container(fresh_client, container)
    rest, _ = _page_ids(resumed.query_items_change_feed(continuation=pages.continuation_token, max_item_count=4))
    seen = first + [item for page in rest for item in page]
    assert sorted(seen) == sorted(created)


@pytest.mark.xfail(RUNNING_REFERENCE_SDK, strict=True, raises=ValueError,
                   reason="azure-cosmos 4.17.1 cannot parse its own token while some feed ranges have not been read "
                          "yet ('Invalid composite token [Missing token]')")
def test_resume_during_the_first_pass_from_the_beginning(container, fresh_client):
    created = _create_spread(container, per_partition=2)
    pages = container.query_items_change_feed(start_time="Beginning", max_item_count=4).by_page()
    first = ids(next(pages))
    resumed = _same_container(fresh_client, container)
    rest, _ = _page_ids(resumed.query_items_change_feed(continuation=pages.continuation_token, max_item_count=4))
    seen = first + [item for page in rest for item in page]
    assert sorted(seen) == sorted(created)


def test_partition_key_scope_holds_across_a_resume(container, fresh_client):
    _create_spread(container)
    assert list(container.query_items_change_feed(partition_key="pk-1", start_time="Now")) == []
    token = _poll_token(container)
    container.create_item({"id": "mine", "pk": "pk-1", "v": 0})
    container.create_item({"id": "other", "pk": "pk-3", "v": 0})  # same physical partition as pk-1
    container.create_item({"id": "far", "pk": "pk-8", "v": 0})
    resumed = _same_container(fresh_client, container)
    assert ids(resumed.query_items_change_feed(continuation=token)) == ["mine"]


def test_feed_ranges_split_the_feed_without_overlap(cosmos_server, container):
    created = _create_spread(container, per_partition=2)
    ranges = list(container.read_feed_ranges())
    per_range = [list(container.query_items_change_feed(feed_range=feed_range, start_time="Beginning"))
                 for feed_range in ranges]
    seen = [change["id"] for changes in per_range for change in changes]
    assert sorted(seen) == sorted(created)
    for feed_range, changes in zip(ranges, per_range):
        for change in changes:
            assert container.is_feed_range_subset(feed_range, container.feed_range_from_partition_key(change["pk"]))
    if cosmos_server.supports("multiple_partition_key_ranges"):
        assert len(ranges) == 4 and all(per_range)  # PARTITION_KEYS cover every physical partition


def test_a_token_read_with_a_narrower_feed_range_continues_that_range_only(cosmos_server, container):
    cosmos_server.skip_unless("multiple_partition_key_ranges")
    assert list(container.query_items_change_feed(start_time="Now")) == []
    token = _poll_token(container)  # the whole container's feed, from now
    created = _create_spread(container, per_partition=2)
    ranges = list(container.read_feed_ranges())
    per_range = [ids(container.query_items_change_feed(feed_range=feed_range, continuation=token))
                 for feed_range in ranges]
    assert sorted(item for items in per_range for item in items) == sorted(created)
    assert all(per_range) and len(ranges) == 4
    # A range that is not inside the token's is ignored, as 4.x ignores feed_range when resuming.
    narrowed = container.query_items_change_feed(feed_range=ranges[0], continuation=token).by_page()
    list(narrowed)
    assert sorted(ids(container.query_items_change_feed(feed_range=ranges[1],
                                                         continuation=narrowed.continuation_token))) == []


def test_feed_range_of_a_partition_key_scopes_like_the_partition_key(container):
    _create_spread(container)
    container.create_item({"id": "second", "pk": "pk-1", "v": 0})
    scoped = container.query_items_change_feed(feed_range=container.feed_range_from_partition_key("pk-1"),
                                               start_time="Beginning")
    assert ids(scoped) == ["i0-1", "second"]


def test_point_in_time_start(container):
    before = container.create_item({"id": "before", "pk": "pk-0", "v": 0})
    # The clock passing is the subject here: write until the service's timestamps are two seconds later.
    for attempt in range(20000):
        after = container.upsert_item({"id": "after", "pk": "pk-8", "v": attempt})
        if after["_ts"] >= before["_ts"] + 2:
            break
    else:
        pytest.fail("the server's _ts did not advance by 2 s in 20000 writes")
    moment = datetime.datetime.fromtimestamp(before["_ts"] + 1, tz=UTC)
    assert [(change["id"], change["v"]) for change in container.query_items_change_feed(start_time=moment)] == [
        ("after", attempt)]
    long_ago = datetime.datetime(2000, 1, 1, tzinfo=UTC)
    assert sorted(ids(container.query_items_change_feed(start_time=long_ago))) == ["after", "before"]
    in_an_hour = moment + datetime.timedelta(hours=1)
    assert list(container.query_items_change_feed(start_time=in_an_hour)) == []


def test_invalid_arguments_are_value_errors(container):
    with pytest.raises(ValueError):
        list(container.query_items_change_feed(mode="Everything"))
    with pytest.raises(ValueError):
        list(container.query_items_change_feed(start_time="Yesterday"))
    with pytest.raises(ValueError):
        list(container.query_items_change_feed(partition_key="pk-1",
                                               feed_range=container.feed_range_from_partition_key("pk-1")))
    with pytest.raises(ValueError):  # all versions and deletes start now or from a continuation only
        list(container.query_items_change_feed(mode="AllVersionsAndDeletes", start_time="Beginning"))


def _by_id(changes):
    """The all-versions changes of each item, in LSN order."""
    result = {}
    for change in sorted(changes, key=lambda c: c["metadata"]["lsn"]):
        item_id = change["metadata"].get("id") or change["current"]["id"]
        result.setdefault(item_id, []).append(change)
    return result


def test_all_versions_and_deletes_reports_every_change(history_container, fresh_client):
    container = history_container
    container.create_item({"id": "kept", "pk": "pk-2", "v": 0})
    assert list(container.query_items_change_feed(mode="AllVersionsAndDeletes", start_time="Now")) == []
    token = _poll_token(container)
    container.create_item({"id": "x", "pk": "pk-1", "v": 1})
    container.replace_item("x", {"id": "x", "pk": "pk-1", "v": 2})
    container.delete_item("x", "pk-1")
    container.create_item({"id": "y", "pk": "pk-8", "v": 1})
    resumed = _same_container(fresh_client, container)
    changes = _by_id(resumed.query_items_change_feed(continuation=token))
    assert sorted(changes) == ["x", "y"]
    x_changes = changes["x"]
    assert [c["metadata"]["operationType"] for c in x_changes] == ["create", "replace", "delete"]
    assert [(c.get("current") or {}).get("v") for c in x_changes] == [1, 2, None]
    create, replace, delete = (c["metadata"] for c in x_changes)
    assert create["lsn"] < replace["lsn"] < delete["lsn"]
    assert replace["previousImageLSN"] == create["lsn"]
    assert (delete["id"], delete["timeToLiveExpired"], delete["partitionKey"]) == ("x", False, {"pk": "pk-1"})
    assert all(isinstance(c["metadata"]["crts"], int) for c in x_changes)
    assert [(c["metadata"]["operationType"], c["current"]["v"]) for c in changes["y"]] == [("create", 1)]


def test_all_versions_scoped_to_a_partition_key(history_container):
    container = history_container
    assert list(container.query_items_change_feed(mode="AllVersionsAndDeletes", start_time="Now",
                                                  partition_key="pk-1")) == []
    token = _poll_token(container)
    container.create_item({"id": "mine", "pk": "pk-1"})
    container.create_item({"id": "other", "pk": "pk-3"})
    container.delete_item("mine", "pk-1")
    changes = list(container.query_items_change_feed(continuation=token))
    assert [(c["metadata"]["operationType"], c["metadata"].get("id") or c["current"]["id"]) for c in changes] == [
        ("create", "mine"), ("delete", "mine")]


def test_all_versions_resume_after_a_page_in_a_fresh_client(history_container, fresh_client):
    container = history_container
    assert list(container.query_items_change_feed(mode="AllVersionsAndDeletes", start_time="Now")) == []
    token = _poll_token(container)
    created = _create_spread(container)
    for item_id, pk in (("i0-0", "pk-0"), ("i0-8", "pk-8")):
        container.delete_item(item_id, pk)
    pages = container.query_items_change_feed(continuation=token, max_item_count=2).by_page()
    first = list(next(pages))
    resumed = _same_container(fresh_client, container)
    rest = list(resumed.query_items_change_feed(continuation=pages.continuation_token))
    seen = sorted((c["metadata"]["operationType"], c["metadata"].get("id") or c["current"]["id"])
                  for c in first + rest)
    assert seen == sorted([("create", item_id) for item_id in created] + [("delete", "i0-0"), ("delete", "i0-8")])


def test_resume_across_a_partition_split(cosmos_server, container, fresh_client):
    cosmos_server.skip_unless("partition_split")
    assert list(container.query_items_change_feed(start_time="Now")) == []
    token = _poll_token(container)
    created = _create_spread(container, per_partition=4)
    pages = container.query_items_change_feed(continuation=token, max_item_count=5).by_page()
    first = ids(next(pages))
    mid_token = pages.continuation_token
    database_id = container.container_link.split("/")[1]
    assert len(cosmos_server.split_range(database_id, container.id, "3")) == 2
    assert len(cosmos_server.split_range(database_id, container.id, "0")) == 2
    container.upsert_item({"id": "after-split", "pk": "pk-8", "v": 0})
    expected = sorted(set(created) - set(first)) + ["after-split"]
    # A fresh client learns the new ranges; the first client's routing map is stale and must recover too.
    resumed = _same_container(fresh_client, container)
    rest, _ = _page_ids(resumed.query_items_change_feed(continuation=mid_token, max_item_count=5))
    assert sorted(item for page in rest for item in page) == sorted(expected)
    stale_rest = ids(container.query_items_change_feed(continuation=mid_token))
    assert sorted(stale_rest) == sorted(expected)
    assert len(list(resumed.read_feed_ranges())) == 6
    assert sorted(ids(resumed.query_items_change_feed(start_time="Beginning"))) == sorted(created + ["after-split"])
