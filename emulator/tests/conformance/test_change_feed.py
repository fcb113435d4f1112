"""Conformance: the change feed (LatestVersion and AllVersionsAndDeletes) and a partition split under a
client with a stale routing map, driven by azure-cosmos 4.17.1 (scenarios in
``reference/scenarios_change_feed.py``)."""
from __future__ import annotations

FIRST_SIX = ["i0", "i1", "i2", "i4", "i5", "late"]  # i3 was deleted: LatestVersion has no deletes


def test_latest_version_increments(conformance):
    assert conformance.run("change_feed.latest_version", needs=["change_feed"]) == {
        "from the beginning": ["i0", "i1", "i2", "i3", "i4", "i5"],
        "every change carries _lsn and _etag": True,
        "nothing new since now": [],
        "an empty poll is answered 304": [304],
        # Two upserts of i1 since the last poll: only its latest version, once.
        "new writes on the next poll (latest version once, no deletes)": [["i1", 2], ["late", 0]],
        "drained continuation": [],
        "one partition key from the beginning": ["i0", "i2", "i4", "late"],
        "feed ranges together give each item once": FIRST_SIX,
        "paged by 2: every item once": FIRST_SIX,
        "paged by 2: page sizes within the limit": [],
    }


def test_from_a_point_in_time(conformance):
    assert conformance.run("change_feed.point_in_time", needs=["change_feed", "clock_control"]) == {
        "changes since a point in time": ["after"],
    }


def test_all_versions_and_deletes(conformance):
    assert conformance.run("change_feed.all_versions_and_deletes", needs=["change_feed"]) == {
        "operation types in order": ["create", "replace", "delete", "create"],
        "current images": [1, 2, None, 1],
        "lsn increases": True,
        "replace names the create as its previous image": True,
        "delete: id and not expired": ["x", False],
        "crts is an integer timestamp": True,
        "one partition key": ["create", "replace", "delete"],
    }


def test_partition_split_under_a_stale_client(conformance):
    assert conformance.run("change_feed.partition_split",
                           needs=["change_feed", "partition_split", "multiple_partition_key_ranges"]) == {
        "ORDER BY before the split": True,
        "split made two ranges": 2,
        "ORDER BY after the split (stale routing map)": True,
        "the stale range was answered 410/1002": True,
        "plain query after the split": True,
        "read feed after the split": True,
        "point reads after the split": True,
        "change feed continues across the split": [f"d{index}" for index in range(40, 50)],
        "feed ranges: one more": 1,
    }


def test_expiry_shows_in_all_versions_and_deletes(conformance):
    assert conformance.run("change_feed.expiry_in_all_versions", needs=["change_feed", "ttl", "clock_control"]) == {
        "an expiry is a delete marked timeToLiveExpired": [["create", None, "short"], ["create", None, "kept"],
                                                          ["delete", True, "short"]],
    }


def test_continuation_tokens_survive_a_split(conformance):
    assert conformance.run("split.continuation_tokens", needs=["partition_split", "multiple_partition_key_ranges"]) == {
        "query: first pages": 50,
        "query: every item once after resuming across the split": True,
        "read feed: first pages": 50,
        "read feed: every item once after resuming across the split": True,
    }


def test_feed_range_continuation(conformance):
    assert conformance.run("change_feed.feed_range_continuation", needs=["change_feed"]) == {
        "the token names the feed range": True,
        "the server's etag is a quoted LSN": True,
        "first page": 2,
        "resumed in a new client: the rest of the range, once": True,
    }
