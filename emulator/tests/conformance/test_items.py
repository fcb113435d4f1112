"""Conformance: items — CRUD, conditions, identifiers, limits, partition keys, feeds, queries, headers,
time to live and unique keys, driven by azure-cosmos 4.17.1 (scenarios in ``reference/scenarios_items.py``)."""
from __future__ import annotations

CRUD_STEPS_OK = [201, 200, 200, 200, 204]  # create, read, replace, patch, delete


def test_crud(conformance):
    conformance.check(conformance.run("items.crud"), {
        "create": 201,
        "create: system properties": ["_rid", "_self", "_etag", "_ts", "_attachments"],
        "create the same (pk, id) again": 409,
        "create the same id in another partition": 201,
        "read": 200,
        "read the other partition's item": 2,
        "replace: new value": 20,
        "replace: etag changed": True,
        "replace: status": 200,
        "upsert a new item": 201,
        "upsert an existing item": 200,
        "upserted value": 5,
        "read_all_items": [["a", "p1"], ["a", "p2"], ["b", "p1"]],
        "query in one partition": ["a", "b"],
        "query across partitions": ["a", "a", "b"],
        "delete": 204,
        "left after delete": [["a", "p2"], ["b", "p1"]],
    }, unless={"partition_scoped_query": ["query in one partition"],
               "document_attachments_property": ["create: system properties"]})


def test_missing_items_are_404(conformance):
    assert conformance.run("items.missing", needs=["missing_item_404"]) == {
        "read a missing item": 404,
        "read in the wrong partition": 404,
        "replace a missing item": 404,
        "delete a missing item": 404,
        "patch a missing item": 404,
        "read in a missing container": 404,
    }


def test_if_match_on_writes_is_412(conformance):
    assert conformance.run("items.if_match", needs=["patch"]) == {
        "replace with a stale etag": 412,
        "upsert with a stale etag": 412,
        "patch with a stale etag": 412,
        "delete with a stale etag": 412,
        "value after refused writes": 2,
        "replace with the current etag": 200,
        "delete with the current etag": 204,
    }


def test_if_none_match_on_reads_is_304(conformance):
    assert conformance.run("items.if_none_match", needs=["if_none_match_304"]) == {
        "read with the current etag": 304,
        "body of a 304": {},  # 4.17.1 hands back an empty document for a 304
        "read with an old etag": 200,
        "value read with an old etag": 2,
    }


def test_identifiers(conformance):
    observed = conformance.run("items.identifiers")
    assert observed == {"create, read, replace, patch, delete per id": {
        label: CRUD_STEPS_OK for label in (
            "with space", "ünïcödé-名前", "a+b=c&d", "dots.and-dashes_", "semi;colon,comma", "quote'and\"dq",
            "percent%20-like", "(paren)[bracket]{brace}", "at@dollar$", "255 characters")}}


def test_limits(conformance):
    conformance.check(conformance.run("items.limits"), {
        "item of 1.5 MB": 201,
        "item over 2 MB": 413,
        "replace with an item over 2 MB": 413,
        # The service limits an item id to 1023 bytes (database and container ids to 255 characters).
        "id of 300 characters (service limit: 1023 bytes)": 201,
        "read it back": 200,
        "id of 1100 characters": 400,
        "query with a syntax error": 400,
    }, unless={"item_size_limit": ["item over 2 MB", "replace with an item over 2 MB"],
               "item_id_rules": ["id of 1100 characters"]})


def test_hierarchical_partition_keys(conformance):
    assert conformance.run("items.hierarchical_keys", needs=["hierarchical_pk"]) == {
        "partitionKey definition": {"paths": ["/tenant", "/user"], "kind": "MultiHash", "version": 2},
        "read with the full key": 200,
        "read with another full key": 404,
        "query with a prefix key": ["a", "b", "d"],
        "query with a full key": ["a", "d"],
        "query across partitions": ["a", "b", "c", "d"],
        "replace": 200,
        "patch": 200,
        "value after patch": 2,
        "delete": 204,
        "left": ["a", "c", "d"],
    }


def test_hierarchical_prefix_keys(conformance):
    # Queries, feed ranges and the change feed accept a prefix of the key (a scan of every logical partition under
    # it); point operations need every component (400).
    assert conformance.run("items.hierarchical_prefix_keys", needs=["hierarchical_pk", "partition_scoped_query",
                                                                    "change_feed"]) == {
        "query with one component": ["a", "b", "d"],
        "query with two components": ["a", "d"],
        "ORDER BY with a prefix": ["d", "b", "a"],
        "COUNT with a prefix": [3],
        "query by the feed range of a prefix": ["a", "b", "d"],
        "change feed of a prefix": ["a", "b", "d"],
        "change feed of a whole key": ["d"],
        "read with a prefix": 400,
        "read_items of one item with a prefix": 400,
        "delete with a prefix": 400,
        "items": ["a", "b", "c", "d", "e"],
    }


def test_null_and_missing_partition_key_values(conformance):
    # null and "no value" (undefined) are two different logical partitions.
    assert conformance.run("items.null_and_missing_keys", needs=["null_pk"]) == {
        "create with a null key": 201,
        "create without the key": 201,
        "read the null-key item with None": 200,
        "read the keyless item with NonePartitionKeyValue": 200,
        "read the null-key item as keyless": 404,
        "read the keyless item with None": 404,
        "same id with a null key and without a key": [201, 201],
        "all items": ["n", "s", "twin", "twin", "u"],
    }


def test_delete_all_items_by_partition_key(conformance):
    assert conformance.run("items.partition_key_delete", needs=["partition_key_delete"]) == {
        "delete_all_items_by_partition_key succeeds": True,
        "left": ["i0", "i3", "i6", "i9"],
        "query the deleted partition": [],
        "the partition takes new items": 201,
    }


def test_feeds_and_queries(conformance):
    conformance.check(conformance.run("items.feeds_and_queries"), {
        "read feed: every item once": True,
        "read feed: pages within max_item_count": True,
        "query paged by 2 in one partition, resumed from a continuation": ["d01", "d06", "d11", "d16", "d21"],
        "first page size": 2,
        "ORDER BY across partitions": [7, 6, 5, 4, 3, 2, 1, 0],
        "COUNT across partitions": [25],
        "parameterised filter scoped by the partition key alone": ["d18", "d23"],
        "projection": [{"id": "d07", "twice": 14}],
    }, unless={"partition_scoped_query": ["parameterised filter scoped by the partition key alone"]})


def test_response_headers(conformance):
    conformance.check(conformance.run("items.response_headers"), {
        "read: headers present": ["etag", "lsn", "x-ms-activity-id", "x-ms-request-charge", "x-ms-schemaversion",
                                  "x-ms-session-token"],
        "read: etag header equals _etag": True,
        "read charge at least 1 RU": True,
        "write charge above read charge": True,
        "session token as <range>:<version>#<lsn>": True,
        "query page: x-ms-item-count": "1",
    }, unless={"session_token": ["read: headers present", "session token as <range>:<version>#<lsn>"],
               "request_charge": ["write charge above read charge"]})


def test_time_to_live(conformance):
    assert conformance.run("items.ttl", needs=["ttl", "clock_control"]) == {
        "container defaultTtl": [10, -1, None],
        "before expiry": [["default", "longer", "never"], ["no-ttl", "ttl5"], ["ttl5"]],
        # defaultTtl 10: items without ttl go; ttl -1 stays; ttl 30 outlives the default.
        # defaultTtl -1: only items with their own ttl expire. No defaultTtl: item ttl is ignored.
        "after 12 s: read feeds": [["longer", "never"], ["no-ttl"], ["ttl5"]],
        "after 12 s: read an expired item": 404,
        "after 12 s: query": ["longer", "never"],
        "after 12 s: create the expired id again": 201,
        "after 32 s: read feed": ["never"],  # "default" was created again at 12 s with defaultTtl 10
    }


def test_unique_keys(conformance):
    conformance.check(conformance.run("items.unique_keys", needs=["unique_keys"]), {
        "uniqueKeyPolicy": [["/email"], ["/first", "/last"]],
        "first item": 201,
        "same email, same partition": 409,
        "same email, other partition": 201,  # unique keys are unique per logical partition
        "same first name, other last name": 201,
        "same first and last name": 409,
        "replace into a duplicate email": 409,
        "upsert a new id with a duplicate email": 409,
        "replace keeping its own email": 200,
        "the email is free after delete": 201,
        "items": ["3", "4", "7"],
    }, unless={"composite_unique_keys": ["same first name, other last name", "items"],
               "unique_keys_on_replace_and_upsert": ["replace into a duplicate email",
                                                     "upsert a new id with a duplicate email"]})


def test_feed_ranges(conformance):
    assert conformance.run("items.feed_ranges", needs=["partition_scoped_query", "change_feed"]) == {
        "queries per feed range: every item once": True,
        "query by the feed range of one partition key": ["3"],
        "change feed by the feed range of one partition key": ["3"],
    }


def test_replace_can_change_the_id(conformance):
    # Only the partition key of an item is immutable: a replace addressed to the current id may carry a new
    # id in its body (Azure/azure-cosmos-dotnet-v3 #870, #1375: "ReplaceItemAsync allows updating the id value").
    assert conformance.run("items.replace_changes_the_id", needs=["replace_changes_id"]) == {
        "replace with a new id in the body": 200,
        "ids after the rename": ["b", "c"],
        "read under the new id": 2,
        "read under the old id": 404,
        "rename onto an existing id": 409,
        "values after the refused rename": [["b", 2], ["c", 3]],
    }


def test_non_finite_numbers_are_not_json(conformance):
    statuses = ["create with NaN", "upsert with Infinity", "replace with -Infinity", "patch with NaN"]
    conformance.check(conformance.run("items.non_finite_numbers", needs=["patch"]), {
        "create with NaN": 400,
        "upsert with Infinity": 400,
        "replace with -Infinity": 400,
        "patch with NaN": 400,
        "nothing written": [["kept", 1]],
    }, unless={"strict_json_bodies": statuses})


def test_conditional_upsert(conformance):
    # The service: an upsert that replaces honours If-Match (412 when stale); one that creates ignores it.
    assert conformance.run("items.conditional_upsert") == {
        "upsert an existing item with its current etag": 200,
        "upsert it again with the first (now stale) etag": 412,
        "value after the refused upsert": 2,
        "upsert a missing item with an etag": 201,
        "the missing item was created": 1,
    }
