"""Scenarios for the change feed (LatestVersion and AllVersionsAndDeletes) and for a partition split seen
by a client whose routing map went stale."""
from __future__ import annotations

import base64
import datetime
import json
import re

from azure.cosmos import PartitionKey

from runtime import Run, ids, scenario


def drained_token(container, changes) -> str:
    """Read a change-feed iterator to its end and return the continuation for the next poll.

    4.17.1 ends a change-feed iteration at the first empty poll without giving its pager a continuation
    token; its documented way is the ``etag`` of the last response, which it sets to the feed's
    composite continuation.
    """
    for _ in changes:
        pass
    return container.client_connection.last_response_headers["etag"]


@scenario("change_feed.latest_version")
def latest_version(run: Run) -> None:
    container = run.database().create_container("feed", PartitionKey("/pk"))
    for index in range(6):
        container.create_item({"id": f"i{index}", "pk": f"p{index % 2}", "v": 0})
    everything = list(container.query_items_change_feed(start_time="Beginning"))
    run.observe("from the beginning", ids(everything))
    run.observe("every change carries _lsn and _etag", all("_lsn" in d and "_etag" in d for d in everything))

    token = drained_token(container, container.query_items_change_feed(start_time="Now"))
    mark = run.wire.mark()
    run.observe("nothing new since now", list(container.query_items_change_feed(continuation=token)))
    run.observe("an empty poll is answered 304", sorted(set(run.wire.statuses_since(mark))))
    container.create_item({"id": "late", "pk": "p0", "v": 0})
    container.upsert_item({"id": "i1", "pk": "p1", "v": 1})
    container.upsert_item({"id": "i1", "pk": "p1", "v": 2})
    container.delete_item("i3", "p1")
    changes = list(container.query_items_change_feed(continuation=token))
    run.observe("new writes on the next poll (latest version once, no deletes)",
                sorted([d["id"], d["v"]] for d in changes))
    next_token = container.client_connection.last_response_headers["etag"]
    run.observe("drained continuation", list(container.query_items_change_feed(continuation=next_token)))
    run.observe("one partition key from the beginning", ids(container.query_items_change_feed(
        partition_key="p0", start_time="Beginning")))
    ranges = list(container.read_feed_ranges())
    per_range = [ids(container.query_items_change_feed(feed_range=r, start_time="Beginning")) for r in ranges]
    run.observe("feed ranges together give each item once", sorted(i for part in per_range for i in part))
    paged = [list(page) for page in container.query_items_change_feed(start_time="Beginning",
                                                                       max_item_count=2).by_page()]
    run.observe("paged by 2: every item once", sorted(d["id"] for page in paged for d in page))
    run.observe("paged by 2: page sizes within the limit", sorted({len(page) for page in paged} - {1, 2}))


@scenario("change_feed.point_in_time")
def point_in_time(run: Run) -> None:
    container = run.database().create_container("feed", PartitionKey("/pk"))
    container.create_item({"id": "before", "pk": "p"})
    run.control("advance_clock", seconds=5)
    moment = datetime.datetime.fromtimestamp(run.control("clock"), tz=datetime.timezone.utc)
    run.control("advance_clock", seconds=5)
    container.create_item({"id": "after", "pk": "p"})
    run.observe("changes since a point in time", ids(container.query_items_change_feed(start_time=moment)))


@scenario("change_feed.all_versions_and_deletes")
def all_versions_and_deletes(run: Run) -> None:
    container = run.database().create_container("avad", PartitionKey("/pk"),
                                                change_feed_policy={"retentionDuration": 10})
    token = drained_token(container, container.query_items_change_feed(mode="AllVersionsAndDeletes",
                                                                       start_time="Now"))
    # A continuation carries its own scope, so the one-partition feed starts from a token of its own.
    token_of_p = drained_token(container, container.query_items_change_feed(
        mode="AllVersionsAndDeletes", start_time="Now", partition_key="p"))
    container.create_item({"id": "x", "pk": "p", "v": 1})
    container.replace_item("x", {"id": "x", "pk": "p", "v": 2})
    container.delete_item("x", "p")
    container.create_item({"id": "y", "pk": "q", "v": 1})
    changes = list(container.query_items_change_feed(mode="AllVersionsAndDeletes", continuation=token))
    by_id = sorted(changes, key=lambda change: change["metadata"]["lsn"])
    run.observe("operation types in order", [c["metadata"]["operationType"] for c in by_id])
    run.observe("current images", [(c.get("current") or {}).get("v") for c in by_id])
    run.observe("lsn increases", all(a["metadata"]["lsn"] < b["metadata"]["lsn"] for a, b in zip(by_id, by_id[1:])))
    run.observe("replace names the create as its previous image",
                by_id[1]["metadata"].get("previousImageLSN") == by_id[0]["metadata"]["lsn"])
    run.observe("delete: id and not expired", [by_id[2]["metadata"].get("id"),
                                               by_id[2]["metadata"].get("timeToLiveExpired")])
    run.observe("crts is an integer timestamp", all(isinstance(c["metadata"].get("crts"), int) for c in by_id))
    run.observe("one partition key", [c["metadata"]["operationType"] for c in container.query_items_change_feed(
        mode="AllVersionsAndDeletes", continuation=token_of_p)])


@scenario("change_feed.expiry_in_all_versions")
def expiry_in_all_versions(run: Run) -> None:
    container = run.database().create_container("expiring", PartitionKey("/pk"), default_ttl=-1,
                                                change_feed_policy={"retentionDuration": 10})
    token = drained_token(container, container.query_items_change_feed(mode="AllVersionsAndDeletes",
                                                                       start_time="Now"))
    container.create_item({"id": "short", "pk": "p", "ttl": 5})
    container.create_item({"id": "kept", "pk": "p"})
    run.control("advance_clock", seconds=7)
    run.observe("an expiry is a delete marked timeToLiveExpired", [
        [change["metadata"]["operationType"], change["metadata"].get("timeToLiveExpired"),
         (change.get("current") or {}).get("id") or change["metadata"].get("id")]
        for change in container.query_items_change_feed(mode="AllVersionsAndDeletes", continuation=token)])


@scenario("change_feed.partition_split")
def partition_split(run: Run) -> None:
    database = run.database()
    container = database.create_container("splitting", PartitionKey("/pk"))
    for index in range(40):
        container.create_item({"id": f"d{index:02d}", "pk": f"k{index}", "n": index})
    query = "SELECT VALUE c.id FROM c ORDER BY c.id"
    expected = [f"d{index:02d}" for index in range(40)]
    run.observe("ORDER BY before the split", list(container.query_items(query, enable_cross_partition_query=True))
                == expected)
    feed_token = drained_token(container, container.query_items_change_feed(start_time="Beginning"))
    ranges_before = len(list(container.read_feed_ranges()))
    # The emulator's four initial ranges are "0".."3". The last one is split: when the first range of an ORDER BY
    # query is gone, 4.17.1 rebuilds every producer but keeps the ones it had already queued, so it returns the
    # other ranges' items twice whatever the server does (its own bug in _configure_partition_ranges).
    new_ranges = run.control("split", database=database.id, container=container.id, range="3")
    run.observe("split made two ranges", len(new_ranges))
    mark = run.wire.mark()
    run.observe("ORDER BY after the split (stale routing map)",
                list(container.query_items(query, enable_cross_partition_query=True)) == expected)
    run.observe("the stale range was answered 410/1002", any(
        exchange.status == 410 and exchange.sub_status == 1002 for exchange in run.wire.since(mark)))
    run.observe("plain query after the split", sorted(container.query_items(
        "SELECT VALUE c.id FROM c", enable_cross_partition_query=True)) == expected)
    run.observe("read feed after the split", ids(container.read_all_items()) == expected)
    run.observe("point reads after the split", all(
        container.read_item(f"d{index:02d}", f"k{index}")["n"] == index for index in range(40)))
    for index in range(40, 50):
        container.create_item({"id": f"d{index:02d}", "pk": f"k{index}", "n": index})
    run.observe("change feed continues across the split", ids(container.query_items_change_feed(
        continuation=feed_token)))
    run.observe("feed ranges: one more", len(list(container.read_feed_ranges())) - ranges_before)


@scenario("split.continuation_tokens")
def continuation_tokens_across_a_split(run: Run) -> None:
    """A continuation token a user holds (``by_page``) stays valid after the ranges it spans are split."""
    database = run.database()
    container = database.create_container("tokens", PartitionKey("/pk"))
    for index in range(120):
        container.create_item({"id": f"d{index:03d}", "pk": f"k{index}"})
    expected = [f"d{index:03d}" for index in range(120)]

    def first_pages(pager, count):
        seen = []
        for _ in range(count):
            seen.extend(item if isinstance(item, str) else item["id"] for item in next(pager))
        return seen, pager.continuation_token

    query = "SELECT VALUE c.id FROM c"
    seen_query, query_token = first_pages(container.query_items(
        query, enable_cross_partition_query=True, max_item_count=25).by_page(), 2)
    seen_feed, feed_token = first_pages(container.read_all_items(max_item_count=25).by_page(), 2)
    # Split every initial range: whichever one each token points into is gone afterwards.
    for range_id in ("0", "1", "2", "3"):
        run.control("split", database=database.id, container=container.id, range=range_id)
    rest_query = [item for page in container.query_items(
        query, enable_cross_partition_query=True, max_item_count=25).by_page(query_token) for item in page]
    rest_feed = [item["id"] for page in container.read_all_items(max_item_count=25).by_page(feed_token)
                 for item in page]
    run.observe("query: first pages", len(seen_query))
    run.observe("query: every item once after resuming across the split", sorted(seen_query + rest_query) == expected)
    run.observe("read feed: first pages", len(seen_feed))
    run.observe("read feed: every item once after resuming across the split",
                sorted(seen_feed + rest_feed) == expected)


@scenario("change_feed.feed_range_continuation")
def feed_range_continuation(run: Run) -> None:
    """4.17.1 wraps the server's change-feed etag (the service's: a quoted LSN) in its own feed-range token; a
    fresh client resumes from it exactly where the last page stopped."""
    container = run.database().create_container("ranges", PartitionKey("/pk"))
    for index in range(24):
        container.create_item({"id": f"i{index:02d}", "pk": f"k{index}"})
    feed_ranges = list(container.read_feed_ranges())
    pager = container.query_items_change_feed(feed_range=feed_ranges[0], start_time="Beginning",
                                              max_item_count=2).by_page()
    first = [item["id"] for item in next(pager)]
    token = pager.continuation_token
    state = json.loads(base64.b64decode(token))
    entry = state["continuation"]["continuation"][0]
    run.observe("the token names the feed range", entry["range"]["min"] == feed_ranges[0]["Range"]["min"]
                and entry["range"]["max"] == feed_ranges[0]["Range"]["max"])
    run.observe("the server's etag is a quoted LSN", bool(re.fullmatch(r'"[0-9]+"', entry["token"])))
    database_id = container.container_link.split("/")[1]
    fresh = run.new_client().get_database_client(database_id).get_container_client(container.id)
    rest = [item["id"] for page in fresh.query_items_change_feed(continuation=token, max_item_count=2).by_page()
            for item in page]
    whole = sorted(item["id"] for item in container.query_items_change_feed(feed_range=feed_ranges[0],
                                                                            start_time="Beginning"))
    run.observe("first page", len(first))
    run.observe("resumed in a new client: the rest of the range, once", sorted(first + rest) == whole
                and len(first + rest) == len(whole))
