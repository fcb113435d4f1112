"""Async twin of tests/test_change_feed.py: query_items_change_feed."""
from __future__ import annotations

import datetime

import pytest

from azure.cosmos import PartitionKey
from azure.cosmos.aio import CosmosClient

from .._data_plane import PARTITION_KEYS, RUNNING_REFERENCE_SDK, module_database

pytestmark = pytest.mark.requires("change_feed")

UTC = datetime.timezone.utc


@pytest.fixture(scope="module")
def database_id(cosmos_server, unique_id):
    with module_database(cosmos_server, unique_id("db-feed")) as database_id:
        yield database_id


def _client(server):
    return CosmosClient(server.endpoint, server.key, **server.connection_kwargs)


@pytest.fixture
async def client(cosmos_server):
    async with _client(cosmos_server) as client:
        yield client


@pytest.fixture
async def fresh_client(cosmos_server):
    """A second client: a continuation token must be enough to resume, without the first client's state."""
    async with _client(cosmos_server) as client:
        yield client


@pytest.fixture
async def container(client, database_id, unique_id):
    return await client.get_database_client(database_id).create_container(unique_id("c"), PartitionKey("/pk"))


@pytest.fixture
async def history_container(client, database_id, unique_id):
    """A container whose change feed keeps every version and the deletes (AllVersionsAndDeletes)."""
    return await client.get_database_client(database_id).create_container(
        unique_id("c"), PartitionKey("/pk"), change_feed_policy={"retentionDuration": 10})


def _same_container(client, container):
    """The container as another client sees it (4.x's container_link is "dbs/<database>/colls/<container>")."""
    return client.get_database_client(container.container_link.split("/")[1]).get_container_client(container.id)


def _poll_token(container):
    """The continuation for the next poll once an iteration has returned everything (also when it returned
    nothing, where no page carries a token): 4.x's documented way is the etag of the last response."""
    return container.client_connection.last_response_headers["etag"]


async def _all(feed):
    return [item async for item in feed]


async def _ids(feed):
    return [item["id"] async for item in feed]


async def _page_ids(feed):
    """Every page of an iteration as a list of ids, and the pager's continuation token at the end."""
    pages = feed.by_page()
    return [[item["id"] async for item in page] async for page in pages], pages.continuation_token


async def _first_page_ids(pages):
    return [item["id"] async for item in await pages.__anext__()]


async def _create_spread(container, per_partition=1):
    """Items in every logical partition of PARTITION_KEYS (so in every physical partition); returns their ids."""
    created = []
    for round_ in range(per_partition):
        for index, pk in enumerate(PARTITION_KEYS):
            item_id = f"i{round_}-{index}"
            await container.create_item({"id": item_id, "pk": pk, "v": 0})
            created.append(item_id)
    return created


async def test_from_the_beginning_every_item_once_in_its_latest_version_async(container):
    created = await _create_spread(container)
    await container.upsert_item({"id": "i0-1", "pk": "pk-1", "v": 1})
    await container.upsert_item({"id": "i0-1", "pk": "pk-1", "v": 2})
    await container.delete_item("i0-3", "pk-3")
    changes = await _all(container.query_items_change_feed(start_time="Beginning"))
    assert sorted(change["id"] for change in changes) == sorted(set(created) - {"i0-3"})
    assert {change["id"]: change["v"] for change in changes}["i0-1"] == 2
    assert all("_lsn" in change and "_etag" in change and "_ts" in change for change in changes)


async def test_one_logical_partition_comes_in_modification_order_async(container):
    await _create_spread(container)
    for item_id in ("a", "b", "c"):
        await container.create_item({"id": item_id, "pk": "pk-1", "v": 0})
    await container.upsert_item({"id": "a", "pk": "pk-1", "v": 1})
    changes = await _all(container.query_items_change_feed(partition_key="pk-1", start_time="Beginning"))
    assert [change["id"] for change in changes] == ["i0-1", "b", "c", "a"]
    assert changes[-1]["v"] == 1


async def test_start_now_and_the_default_start_skip_earlier_changes_async(container):
    await _create_spread(container)
    assert await _all(container.query_items_change_feed(start_time="Now")) == []
    assert await _all(container.query_items_change_feed()) == []
    assert await _all(container.query_items_change_feed(partition_key="pk-1", start_time="Now")) == []


async def test_poll_from_now_resumes_in_a_fresh_client_async(container, fresh_client):
    await _create_spread(container)
    assert await _all(container.query_items_change_feed(start_time="Now")) == []
    token = _poll_token(container)
    await container.create_item({"id": "new-a", "pk": "pk-2", "v": 0})
    await container.create_item({"id": "new-b", "pk": "pk-8", "v": 0})
    await container.upsert_item({"id": "i0-5", "pk": "pk-5", "v": 1})
    await container.upsert_item({"id": "i0-5", "pk": "pk-5", "v": 2})
    await container.delete_item("i0-6", "pk-6")  # LatestVersion does not report deletes
    resumed = _same_container(fresh_client, container)
    changes = await _all(resumed.query_items_change_feed(continuation=token))
    assert sorted((change["id"], change["v"]) for change in changes) == [("i0-5", 2), ("new-a", 0), ("new-b", 0)]
    assert await _all(resumed.query_items_change_feed(continuation=_poll_token(resumed))) == []


async def test_by_page_continuation_token_resumes_in_a_fresh_client_async(container, fresh_client):
    created = await _create_spread(container)
    pages, token = await _page_ids(container.query_items_change_feed(start_time="Beginning"))
    assert sorted(item for page in pages for item in page) == sorted(created) and token
    await container.create_item({"id": "later", "pk": "pk-4", "v": 0})
    await container.upsert_item({"id": "i0-7", "pk": "pk-7", "v": 1})
    resumed = _same_container(fresh_client, container)
    pages, next_token = await _page_ids(resumed.query_items_change_feed(continuation=token))
    assert sorted(item for page in pages for item in page) == ["i0-7", "later"]
    assert next_token and next_token != token
    assert await _all(resumed.query_items_change_feed(continuation=next_token)) == []


async def test_pages_respect_max_item_count_and_are_never_empty_async(container):
    created = await _create_spread(container, per_partition=2)
    pages, _ = await _page_ids(container.query_items_change_feed(start_time="Beginning", max_item_count=3))
    assert all(1 <= len(page) <= 3 for page in pages), pages
    assert sorted(item for page in pages for item in page) == sorted(created)


async def test_resume_after_a_page_in_a_fresh_client_loses_and_repeats_nothing_async(container, fresh_client):
    assert await _all(container.query_items_change_feed(start_time="Now")) == []
    token = _poll_token(container)
    created = await _create_spread(container, per_partition=2)
    pages = container.query_items_change_feed(continuation=token, max_item_count=4).by_page()
    first = await _first_page_ids(pages)
    assert 1 <= len(first) <= 4
    resumed = _same_container(fresh_client, container)
    rest, _ = await _page_ids(resumed.query_items_change_feed(continuation=pages.continuation_token,
                                                              max_item_count=4))
    assert sorted(first + [item for page in rest for item in page]) == sorted(created)


@pytest.mark.xfail(RUNNING_REFERENCE_SDK, strict=True, raises=ValueError,
                   reason="azure-cosmos 4.17.1 cannot parse its own token while some feed ranges have not been read "
                          "yet ('Invalid composite token [Missing token]')")
async def test_resume_during_the_first_pass_from_the_beginning_async(container, fresh_client):
    created = await _create_spread(container, per_partition=2)
    pages = container.query_items_change_feed(start_time="Beginning", max_item_count=4).by_page()
    first = await _first_page_ids(pages)
    resumed = _same_container(fresh_client, container)
    rest, _ = await _page_ids(resumed.query_items_change_feed(continuation=pages.continuation_token,
                                                              max_item_count=4))
    assert sorted(first + [item for page in rest for item in page]) == sorted(created)


async def test_partition_key_scope_holds_across_a_resume_async(container, fresh_client):
    await _create_spread(container)
    assert await _all(container.query_items_change_feed(partition_key="pk-1", start_time="Now")) == []
    token = _poll_token(container)
    await container.create_item({"id": "mine", "pk": "pk-1", "v": 0})
    await container.create_item({"id": "other", "pk": "pk-3", "v": 0})  # same physical partition as pk-1
    await container.create_item({"id": "far", "pk": "pk-8", "v": 0})
    resumed = _same_container(fresh_client, container)
    assert await _ids(resumed.query_items_change_feed(continuation=token)) == ["mine"]


async def test_feed_ranges_split_the_feed_without_overlap_async(cosmos_server, container):
    created = await _create_spread(container, per_partition=2)
    ranges = await _all(container.read_feed_ranges())
    per_range = [await _all(container.query_items_change_feed(feed_range=feed_range, start_time="Beginning"))
                 for feed_range in ranges]
    assert sorted(change["id"] for changes in per_range for change in changes) == sorted(created)
    for feed_range, changes in zip(ranges, per_range):
        for change in changes:
            pk_range = await container.feed_range_from_partition_key(change["pk"])
            assert await container.is_feed_range_subset(feed_range, pk_range)
    if cosmos_server.supports("multiple_partition_key_ranges"):
        assert len(ranges) == 4 and all(per_range)  # PARTITION_KEYS cover every physical partition


async def test_a_token_read_with_a_narrower_feed_range_continues_that_range_only_async(cosmos_server, container):
    cosmos_server.skip_unless("multiple_partition_key_ranges")
    assert await _all(container.query_items_change_feed(start_time="Now")) == []
    token = _poll_token(container)
    created = await _create_spread(container, per_partition=2)
    ranges = await _all(container.read_feed_ranges())
    per_range = [await _ids(container.query_items_change_feed(feed_range=feed_range, continuation=token))
                 for feed_range in ranges]
    assert sorted(item for items in per_range for item in items) == sorted(created)
    assert all(per_range) and len(ranges) == 4


async def test_feed_range_of_a_partition_key_scopes_like_the_partition_key_async(container):
    await _create_spread(container)
    await container.create_item({"id": "second", "pk": "pk-1", "v": 0})
    scoped = container.query_items_change_feed(feed_range=await container.feed_range_from_partition_key("pk-1"),
                                               start_time="Beginning")
    assert await _ids(scoped) == ["i0-1", "second"]


async def test_point_in_time_start_async(container):
    before = await container.create_item({"id": "before", "pk": "pk-0", "v": 0})
    # The clock passing is the subject here: write until the service's timestamps are two seconds later.
    for attempt in range(20000):
        after = await container.upsert_item({"id": "after", "pk": "pk-8", "v": attempt})
        if after["_ts"] >= before["_ts"] + 2:
            break
    else:
        pytest.fail("the server's _ts did not advance by 2 s in 20000 writes")
    moment = datetime.datetime.fromtimestamp(before["_ts"] + 1, tz=UTC)
    changes = await _all(container.query_items_change_feed(start_time=moment))
    assert [(change["id"], change["v"]) for change in changes] == [("after", attempt)]
    long_ago = datetime.datetime(2000, 1, 1, tzinfo=UTC)
    assert sorted(await _ids(container.query_items_change_feed(start_time=long_ago))) == ["after", "before"]
    in_an_hour = moment + datetime.timedelta(hours=1)
    assert await _all(container.query_items_change_feed(start_time=in_an_hour)) == []


async def test_invalid_arguments_are_value_errors_async(container):
    with pytest.raises(ValueError):
        await _all(container.query_items_change_feed(mode="Everything"))
    with pytest.raises(ValueError):
        await _all(container.query_items_change_feed(start_time="Yesterday"))
    pk_range = await container.feed_range_from_partition_key("pk-1")
    with pytest.raises(ValueError):
        await _all(container.query_items_change_feed(partition_key="pk-1", feed_range=pk_range))
    with pytest.raises(ValueError):  # all versions and deletes start now or from a continuation only
        await _all(container.query_items_change_feed(mode="AllVersionsAndDeletes", start_time="Beginning"))


def _by_id(changes):
    """The all-versions changes of each item, in LSN order."""
    result = {}
    for change in sorted(changes, key=lambda c: c["metadata"]["lsn"]):
        item_id = change["metadata"].get("id") or change["current"]["id"]
        result.setdefault(item_id, []).append(change)
    return result


async def test_all_versions_and_deletes_reports_every_change_async(history_container, fresh_client):
    container = history_container
    await container.create_item({"id": "kept", "pk": "pk-2", "v": 0})
    assert await _all(container.query_items_change_feed(mode="AllVersionsAndDeletes", start_time="Now")) == []
    token = _poll_token(container)
    await container.create_item({"id": "x", "pk": "pk-1", "v": 1})
    await container.replace_item("x", {"id": "x", "pk": "pk-1", "v": 2})
    await container.delete_item("x", "pk-1")
    await container.create_item({"id": "y", "pk": "pk-8", "v": 1})
    resumed = _same_container(fresh_client, container)
    changes = _by_id(await _all(resumed.query_items_change_feed(continuation=token)))
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


async def test_all_versions_scoped_to_a_partition_key_async(history_container):
    container = history_container
    assert await _all(container.query_items_change_feed(mode="AllVersionsAndDeletes", start_time="Now",
                                                        partition_key="pk-1")) == []
    token = _poll_token(container)
    await container.create_item({"id": "mine", "pk": "pk-1"})
    await container.create_item({"id": "other", "pk": "pk-3"})
    await container.delete_item("mine", "pk-1")
    changes = await _all(container.query_items_change_feed(continuation=token))
    assert [(c["metadata"]["operationType"], c["metadata"].get("id") or c["current"]["id"]) for c in changes] == [
        ("create", "mine"), ("delete", "mine")]


async def test_all_versions_resume_after_a_page_in_a_fresh_client_async(history_container, fresh_client):
    container = history_container
    assert await _all(container.query_items_change_feed(mode="AllVersionsAndDeletes", start_time="Now")) == []
    token = _poll_token(container)
    created = await _create_spread(container)
    for item_id, pk in (("i0-0", "pk-0"), ("i0-8", "pk-8")):
        await container.delete_item(item_id, pk)
    pages = container.query_items_change_feed(continuation=token, max_item_count=2).by_page()
    first = [change async for change in await pages.__anext__()]
    resumed = _same_container(fresh_client, container)
    rest = await _all(resumed.query_items_change_feed(continuation=pages.continuation_token))
    seen = sorted((c["metadata"]["operationType"], c["metadata"].get("id") or c["current"]["id"])
                  for c in first + rest)
    assert seen == sorted([("create", item_id) for item_id in created] + [("delete", "i0-0"), ("delete", "i0-8")])


async def test_resume_across_a_partition_split_async(cosmos_server, container, fresh_client):
    cosmos_server.skip_unless("partition_split")
    assert await _all(container.query_items_change_feed(start_time="Now")) == []
    token = _poll_token(container)
    created = await _create_spread(container, per_partition=4)
    pages = container.query_items_change_feed(continuation=token, max_item_count=5).by_page()
    first = await _first_page_ids(pages)
    mid_token = pages.continuation_token
    database_id = container.container_link.split("/")[1]
    assert len(cosmos_server.split_range(database_id, container.id, "3")) == 2
    assert len(cosmos_server.split_range(database_id, container.id, "0")) == 2
    await container.upsert_item({"id": "after-split", "pk": "pk-8", "v": 0})
    expected = sorted(set(created) - set(first)) + ["after-split"]
    # A fresh client learns the new ranges; the first client's routing map is stale and must recover too.
    resumed = _same_container(fresh_client, container)
    rest, _ = await _page_ids(resumed.query_items_change_feed(continuation=mid_token, max_item_count=5))
    assert sorted(item for page in rest for item in page) == sorted(expected)
    assert sorted(await _ids(container.query_items_change_feed(continuation=mid_token))) == sorted(expected)
    assert len(await _all(resumed.read_feed_ranges())) == 6
    assert sorted(await _ids(resumed.query_items_change_feed(start_time="Beginning"))) == sorted(
        created + ["after-split"])
