"""Continuations taken on a partition-key range resume on the ranges it is split into: every item exactly once.

A client that meets 410/1002 on a range sends the continuation it holds to each child range (with the child's
range id), so a token must name a position in the range's order (a ``_rid``, a sort-key boundary), never an
index that only means something on the parent.
"""
from __future__ import annotations

import json
from collections import Counter

import pytest

from cosmos_http import unique

RANGE = "x-ms-documentdb-partitionkeyrangeid"
CONTINUATION = "x-ms-continuation"
# The shape of the per-range query a client runs for a cross-partition ORDER BY (from the query plan).
ORDER_BY_QUERY = ('SELECT c._rid, [{{"item": c.g}}] AS orderByItems, c AS payload FROM c WHERE true '
                  'ORDER BY c.g {direction}')
ITEMS = 400  # about 100 per initial range


@pytest.fixture()
def populated(http, server, database):
    """A container of ITEMS items (distinct partition keys) over the 4 initial ranges, and the ids per range."""
    name = unique("split")
    assert http.create_container(database, name, {"paths": ["/pk"], "kind": "Hash", "version": 2}).status == 201
    path = f"/dbs/{database}/colls/{name}"
    for start in range(0, ITEMS, 100):
        operations = [{"operationType": "Create", "partitionKey": json.dumps([f"k{index}"]),
                       "resourceBody": {"id": f"i{index:03d}", "pk": f"k{index}", "g": index % 7,
                                        "tags": ["a", "b", "c"][:1 + index % 3]}}
                      for index in range(start, start + 100)]
        reply = http.request("POST", f"{path}/docs", raw_body=json.dumps(operations).encode(),
                             headers={"x-ms-cosmos-is-batch-request": "True", "x-ms-cosmos-batch-atomic": "False",
                                      "content-type": "application/json"})
        assert reply.status == 200 and all(result["statusCode"] == 201 for result in reply.json), reply
    per_range = {}
    for range_id in ("0", "1", "2", "3"):
        per_range[range_id] = [item["id"] for item in read_all(http, path, range_id)]
    assert sum(len(ids) for ids in per_range.values()) == ITEMS
    assert all(len(ids) > 60 for ids in per_range.values()), {r: len(i) for r, i in per_range.items()}
    return database, name, path, per_range


def read_all(http, path, range_id, token=None, size=1000):
    items = []
    for _ in range(100):
        headers = {RANGE: range_id, "x-ms-max-item-count": str(size)}
        if token:
            headers[CONTINUATION] = token
        reply = http.request("GET", f"{path}/docs", headers=headers)
        assert reply.status == 200, reply
        items.extend(reply.json["Documents"])
        token = reply.headers.get(CONTINUATION)
        if not token:
            return items
    raise AssertionError("the read feed never ended")


def query_pages(http, path, sql, token=None, size=50, headers=None, max_pages=None):
    """(results, continuation left) of paging through a query from ``token``."""
    results = []
    for _ in range(max_pages or 100):
        sent = {"x-ms-max-item-count": str(size)}
        sent.update(headers or {})
        if token:
            sent[CONTINUATION] = token
        reply = http.query(f"{path}/docs", sql, headers=sent)
        assert reply.status == 200, reply
        results.extend(reply.json["Documents"])
        token = reply.headers.get(CONTINUATION)
        if not token:
            return results, None
    if max_pages is not None:
        return results, token
    raise AssertionError("the query never ended")


def split(server, database, name, range_id):
    children = server.split_partition(database, name, range_id)
    assert len(children) == 2
    return children


def assert_gone(http, path, sql, range_id, token):
    reply = http.query(f"{path}/docs", sql, headers={RANGE: range_id, CONTINUATION: token, "x-ms-max-item-count": "50"})
    assert reply.status == 410 and reply.headers["x-ms-substatus"] == "1002", reply


def test_streamed_query_token_resumes_on_both_children(http, server, populated):
    database, name, path, per_range = populated
    sql = "SELECT VALUE c.id FROM c"
    first, token = query_pages(http, path, sql, size=50, headers={RANGE: "0"}, max_pages=1)
    assert len(first) == 50 and token
    children = split(server, database, name, "0")
    assert_gone(http, path, sql, "0", token)
    rest = [query_pages(http, path, sql, token, size=50, headers={RANGE: child})[0] for child in children]
    # Both children still had items to give, and together with the first page they are the range: once each.
    assert all(rest), [len(part) for part in rest]
    assert Counter(first + rest[0] + rest[1]) == Counter(per_range["0"])
    # Each child gives, in its own order, exactly its items that the first page did not have.
    for child, part in zip(children, rest):
        assert part == [item["id"] for item in read_all(http, path, child) if item["id"] not in first]


def test_streamed_join_token_taken_inside_a_document_resumes_on_the_children(http, server, populated):
    database, name, path, per_range = populated
    sql = "SELECT c.id, t FROM c JOIN t IN c.tags"
    everything, _ = query_pages(http, path, sql, size=1000, headers={RANGE: "1"})
    # 49 results: the page ends inside some document that has several tags (the token then skips its first
    # results on resume).
    first, token = query_pages(http, path, sql, size=49, headers={RANGE: "1"}, max_pages=1)
    children = split(server, database, name, "1")
    rest = []
    for child in children:
        rest.extend(query_pages(http, path, sql, token, size=7, headers={RANGE: child})[0])

    def pairs(results):
        return Counter((result["id"], result["t"]) for result in results)
    assert pairs(first + rest) == pairs(everything)
    assert sum(pairs(everything).values()) == len(everything)  # no pair repeats in the range itself


@pytest.mark.parametrize("direction", ["ASC", "DESC"])
def test_order_by_token_resumes_on_both_children(http, server, populated, direction):
    database, name, path, per_range = populated
    sql = ORDER_BY_QUERY.format(direction=direction)
    whole, _ = query_pages(http, path, sql, size=1000, headers={RANGE: "2"})
    first, token = query_pages(http, path, sql, size=50, headers={RANGE: "2"}, max_pages=1)
    assert [row["payload"]["id"] for row in first] == [row["payload"]["id"] for row in whole[:50]]
    children = split(server, database, name, "2")
    assert_gone(http, path, sql, "2", token)
    rest = [query_pages(http, path, sql, token, size=20, headers={RANGE: child})[0] for child in children]
    assert all(rest), [len(part) for part in rest]
    ids = [row["payload"]["id"] for row in first + rest[0] + rest[1]]
    assert Counter(ids) == Counter(per_range["2"])
    # Each child answers in the query's order and starts at or after the first page's last sort key.
    boundary = first[-1]["orderByItems"][0]["item"]
    for part in rest:
        keys = [row["orderByItems"][0]["item"] for row in part]
        assert keys == sorted(keys, reverse=direction == "DESC")
        assert (keys[0] >= boundary) if direction == "ASC" else (keys[0] <= boundary)
    # Merging the children as a client does gives the range's order after the first page.
    merged = sorted(rest[0] + rest[1], key=lambda row: row["orderByItems"][0]["item"], reverse=direction == "DESC")
    assert [row["orderByItems"][0]["item"] for row in merged] == [row["orderByItems"][0]["item"] for row in whole[50:]]


def test_order_by_top_token_resumes_on_the_children(http, server, populated):
    database, name, path, per_range = populated
    sql = 'SELECT TOP 70 c._rid, [{"item": c.g}] AS orderByItems, c AS payload FROM c WHERE true ORDER BY c.g'
    whole, _ = query_pages(http, path, sql, size=1000, headers={RANGE: "3"})
    assert len(whole) == 70
    first, token = query_pages(http, path, sql, size=50, headers={RANGE: "3"}, max_pages=1)
    children = split(server, database, name, "3")
    rest = []
    for child in children:
        part, _ = query_pages(http, path, sql, token, size=50, headers={RANGE: child})
        assert len(part) <= 20  # TOP counts the results the parent already gave
        rest.extend(part)
    merged = first + sorted(rest, key=lambda row: row["orderByItems"][0]["item"])[:20]
    assert len({row["payload"]["id"] for row in first + rest}) == len(first + rest)
    assert [row["orderByItems"][0]["item"] for row in merged] == [row["orderByItems"][0]["item"] for row in whole]


def test_cross_partition_gateway_token_survives_a_split(http, server, populated):
    database, name, path, per_range = populated
    sql = "SELECT VALUE c.id FROM c"
    cross = {"x-ms-documentdb-query-enablecrosspartition": "true"}
    # 150 results: all of range "0" and part of range "1"; the token points into range "1".
    first, token = query_pages(http, path, sql, size=150, headers=cross, max_pages=1)
    assert len(first) == 150 and token
    split(server, database, name, "1")   # the range the token points into
    split(server, database, name, "3")   # a range not read yet
    rest, _ = query_pages(http, path, sql, token, size=60, headers=cross)
    all_ids = [item_id for ids in per_range.values() for item_id in ids]
    assert Counter(first + rest) == Counter(all_ids)


def test_read_feed_token_resumes_on_both_children(http, server, populated):
    database, name, path, per_range = populated
    reply = http.request("GET", f"{path}/docs", headers={RANGE: "0", "x-ms-max-item-count": "50"})
    first, token = [item["id"] for item in reply.json["Documents"]], reply.headers[CONTINUATION]
    children = split(server, database, name, "0")
    gone = http.request("GET", f"{path}/docs", headers={RANGE: "0", CONTINUATION: token})
    assert gone.status == 410 and gone.headers["x-ms-substatus"] == "1002"
    rest = [[item["id"] for item in read_all(http, path, child, token, size=30)] for child in children]
    assert all(rest), [len(part) for part in rest]
    assert Counter(first + rest[0] + rest[1]) == Counter(per_range["0"])


def test_tokens_of_another_kind_are_refused(http, populated):
    _, _, path, _ = populated
    _, streamed = query_pages(http, path, "SELECT VALUE c.id FROM c", size=10, headers={RANGE: "0"}, max_pages=1)
    reply = http.query(f"{path}/docs", ORDER_BY_QUERY.format(direction="ASC"),
                       headers={RANGE: "0", CONTINUATION: streamed})
    assert reply.status == 400 and "Invalid Continuation Token" in reply.json["message"]
