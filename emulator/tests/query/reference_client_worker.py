"""Runs cross-partition queries with the reference client, azure-cosmos 4.17.1 (started by
``test_query_reference_client.py`` with ``.venv-ref/bin/python``; it must not import this repository).

Usage: ``reference_client_worker.py <endpoint> <key>``. It creates one database with two containers holding
the same documents: ``spread`` is partitioned on ``/pk`` (13 values over the emulator's ranges) and
``single`` on ``/bucket`` (one value, so a query with that partition key is answered whole by the gateway).
Every scenario runs cross-partition on ``spread`` (through 4.x's query-plan pipeline) and single-partition
on ``single``; the JSON printed on stdout holds both answers and what went over the wire.
"""
from __future__ import annotations

import json
import sys
import uuid

from azure.cosmos import CosmosClient, PartitionKey

GROUPS = ["red", "blue", "green", "gold"]

# (name, query, parameters, how the answers are compared)
SCENARIOS = [
    ("order by, SELECT *", "SELECT * FROM c ORDER BY c.n", None, "ids-ordered"),
    ("order by DESC", "SELECT VALUE c.id FROM c ORDER BY c.n DESC", None, "ordered"),
    ("order by two keys", "SELECT c.id, c.grp, c.n FROM c ORDER BY c.grp ASC, c.n DESC", None, "ordered"),
    ("order by with parameters", "SELECT c.id, c.n FROM c WHERE c.n > @min AND c.grp != @grp ORDER BY c.n",
     [{"name": "@min", "value": 20}, {"name": "@grp", "value": "gold"}], "ordered"),
    ("TOP with ORDER BY", "SELECT TOP 7 c.id, c.n FROM c ORDER BY c.n", None, "ordered"),
    ("TOP with a parameter", "SELECT TOP @k VALUE c.id FROM c ORDER BY c.score DESC",
     [{"name": "@k", "value": 5}], "ordered"),
    ("TOP without ORDER BY", "SELECT TOP 9 VALUE c.id FROM c", None, "subset-of-size"),
    ("OFFSET LIMIT with ORDER BY", "SELECT c.id FROM c ORDER BY c.n OFFSET 10 LIMIT 15", None, "ordered"),
    ("OFFSET LIMIT without ORDER BY", "SELECT VALUE c.id FROM c OFFSET 5 LIMIT 10", None, "subset-of-size"),
    ("DISTINCT", "SELECT DISTINCT VALUE c.grp FROM c", None, "set"),
    ("DISTINCT objects", "SELECT DISTINCT c.grp, c.flag FROM c", None, "set"),
    ("DISTINCT with ORDER BY", "SELECT DISTINCT VALUE c.grp FROM c ORDER BY c.grp", None, "ordered"),
    ("COUNT", "SELECT VALUE COUNT(1) FROM c", None, "ordered"),
    ("COUNT with a filter parameter", "SELECT VALUE COUNT(1) FROM c WHERE c.grp = @g",
     [{"name": "@g", "value": "blue"}], "ordered"),
    ("SUM", "SELECT VALUE SUM(c.n) FROM c", None, "ordered"),
    ("AVG", "SELECT VALUE AVG(c.score) FROM c", None, "approx"),
    ("MIN", "SELECT VALUE MIN(c.n) FROM c", None, "ordered"),
    ("MAX", "SELECT VALUE MAX(c.grp) FROM c", None, "ordered"),
    ("MIN over nothing", "SELECT VALUE MIN(c.n) FROM c WHERE c.n > 1000", None, "empty-min"),
    ("JOIN", "SELECT c.id, t AS tag FROM c JOIN t IN c.tags WHERE t != 'x'", None, "set"),
    ("JOIN with ORDER BY", "SELECT VALUE c.id FROM c JOIN t IN c.tags WHERE t = 'y' ORDER BY c.n DESC",
     None, "ordered"),
    ("aggregate without VALUE is refused", "SELECT COUNT(1) AS n FROM c", None, "refused"),
    ("GROUP BY is refused", "SELECT c.grp, COUNT(1) AS n FROM c GROUP BY c.grp", None, "refused"),
    ("filter and projection (gateway-served)", "SELECT c.id, c.n * 2 AS twice FROM c WHERE c.flag", None, "set"),
]


def documents():
    result = []
    for i in range(80):
        result.append({"id": f"d{i:02d}", "pk": f"p{i % 13}", "bucket": "all", "n": (i * 37) % 101,
                       "grp": GROUPS[i % 4], "flag": i % 3 == 0, "score": i * 1.5,
                       "tags": [["x", "y"], ["y"], [], ["z", "y", "x"]][i % 4]})
    return result


class WireLog:
    """Counts the query requests the client sends (plan requests and range-scoped requests)."""

    def __init__(self):
        self.plan_requests = 0
        self.range_requests = 0

    def __call__(self, response):
        headers = response.http_request.headers
        if str(headers.get("x-ms-cosmos-is-query-plan-request", "")).lower() == "true":
            self.plan_requests += 1
        elif headers.get("x-ms-documentdb-partitionkeyrangeid"):
            self.range_requests += 1

    def take(self):
        counts = {"plan_requests": self.plan_requests, "range_requests": self.range_requests}
        self.plan_requests = self.range_requests = 0
        return counts


def paged(container, sql, parameters, page_size, partition_key=None, continuation=None, pages=None):
    """Pages of a query (all of them, or the first ``pages``) and the continuation after the last one read."""
    options = {"parameters": parameters, "max_item_count": page_size}
    if partition_key is None:
        options["enable_cross_partition_query"] = True
    else:
        options["partition_key"] = partition_key
    iterator = container.query_items(sql, **options).by_page(continuation)
    result = []
    for page in iterator:
        result.append(list(page))
        if pages is not None and len(result) == pages:
            break
    return result, iterator.continuation_token


def main() -> int:
    endpoint, key = sys.argv[1], sys.argv[2]
    wire = WireLog()
    client = CosmosClient(endpoint, key, connection_verify=False, enable_endpoint_discovery=False,
                          raw_response_hook=wire)
    database = client.create_database("refq-" + uuid.uuid4().hex[:8])
    try:
        spread = database.create_container("spread", PartitionKey("/pk"))
        single = database.create_container("single", PartitionKey("/bucket"))
        for document in documents():
            spread.create_item(document)
            single.create_item(document)
        wire.take()
        report = {"ranges": len(list(spread.read_feed_ranges())), "scenarios": [], "paging": {}}
        for name, sql, parameters, comparison in SCENARIOS:
            entry = {"name": name, "sql": sql, "comparison": comparison}
            try:
                entry["cross"] = list(spread.query_items(sql, parameters=parameters, enable_cross_partition_query=True))
            except Exception as error:  # reported, the test fails on it
                entry["cross_error"] = f"{type(error).__name__}: {error}"
            entry["wire"] = wire.take()
            entry["single"] = list(single.query_items(sql, parameters=parameters, partition_key="all"))
            wire.take()
            report["scenarios"].append(entry)

        # Cross-partition ORDER BY read in pages of 7 (the client's pipeline sizes the pages).
        sql = "SELECT c.id, c.n FROM c ORDER BY c.n"
        report["paging"]["order_by_pages"], _ = paged(spread, sql, None, 7)
        report["paging"]["order_by_reference"] = list(single.query_items(sql, partition_key="all"))
        # Gateway-served cross-partition query: stop after two pages of 6, resume from the continuation
        # with another page size, and finish.
        sql = "SELECT VALUE c.id FROM c WHERE c.n > 10"
        first, token = paged(spread, sql, None, 6, pages=2)
        rest, _ = paged(spread, sql, None, 11, continuation=token)
        report["paging"]["streamed"] = {"first": first, "rest": rest, "token": token,
                                        "reference": list(single.query_items(sql, partition_key="all"))}
        # One logical partition, ORDER BY served whole by the gateway, resumed with another page size.
        sql = "SELECT VALUE c.id FROM c ORDER BY c.n DESC"
        first, token = paged(single, sql, None, 4, partition_key="all", pages=3)
        rest, _ = paged(single, sql, None, 9, partition_key="all", continuation=token)
        report["paging"]["single_partition"] = {
            "first": first, "rest": rest, "token": token,
            "reference": list(single.query_items(sql, partition_key="all"))}
        print(json.dumps(report))
    finally:
        client.delete_database(database)
    return 0


if __name__ == "__main__":
    sys.exit(main())
