"""The conflicts feed of a single-region account: always empty; queries scoped like item queries
(without a partition key or range id they need the cross-partition header, else the service's 400)."""
from __future__ import annotations

CROSS_PARTITION_REQUIRED = (
    "Cross partition query is required but disabled. Please set x-ms-documentdb-query-enablecrosspartition to "
    "true, specify x-ms-documentdb-partitionkey, or revise your query to avoid this exception.")


def _message(reply):
    return reply.json["message"].split("\r\n")[0]


def test_conflicts_query_without_partition_key_or_cross_partition_header_is_400(http, container):
    reply = http.query(f"{container}/conflicts", "SELECT * FROM c")
    assert reply.status == 400, reply
    assert reply.json["code"] == "BadRequest"
    assert CROSS_PARTITION_REQUIRED in _message(reply)
    explicit_false = http.query(f"{container}/conflicts", "SELECT * FROM c",
                                headers={"x-ms-documentdb-query-enablecrosspartition": "false"})
    assert explicit_false.status == 400, explicit_false


def test_conflicts_query_with_cross_partition_header_is_an_empty_feed(http, container):
    reply = http.query(f"{container}/conflicts", "SELECT * FROM c",
                       headers={"x-ms-documentdb-query-enablecrosspartition": "true"})
    assert reply.status == 200, reply
    body = reply.json
    assert body["Conflicts"] == [] and body["_count"] == 0
    assert reply.headers["x-ms-item-count"] == "0"
    assert "x-ms-continuation" not in reply.headers


def test_conflicts_query_scoped_by_partition_key_or_range_is_an_empty_feed(http, container):
    by_key = http.query(f"{container}/conflicts", "SELECT * FROM c", partition_key=["a"])
    assert by_key.status == 200, by_key
    assert by_key.json["Conflicts"] == []
    by_range = http.query(f"{container}/conflicts", "SELECT * FROM c",
                          headers={"x-ms-documentdb-partitionkeyrangeid": "0"})
    assert by_range.status == 200, by_range
    assert by_range.json["Conflicts"] == []


def test_conflicts_read_feed_needs_no_header(http, container):
    reply = http.request("GET", f"{container}/conflicts")
    assert reply.status == 200, reply
    assert reply.json["Conflicts"] == [] and reply.headers["x-ms-item-count"] == "0"


def test_conflicts_query_with_a_syntax_error_is_400(http, container):
    reply = http.query(f"{container}/conflicts", "SELECT FROM WHERE",
                       headers={"x-ms-documentdb-query-enablecrosspartition": "true"})
    assert reply.status == 400, reply
