"""Drive a running emulator with the reference client (azure-cosmos 4.17.1) through basic CRUD.

Run with the reference virtualenv, not the dev one::

    .venv-ref/bin/python emulator/tools/reference_smoke.py http://127.0.0.1:8081/ [--no-discovery]

Prints one line per step and exits non-zero on the first failure.
"""
from __future__ import annotations

import argparse
import sys
import uuid

from azure.cosmos import CosmosClient, PartitionKey, exceptions

WELL_KNOWN_KEY = "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw=="


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("endpoint")
    parser.add_argument("--key", default=WELL_KNOWN_KEY)
    parser.add_argument("--no-discovery", action="store_true")
    arguments = parser.parse_args()
    client = CosmosClient(arguments.endpoint, arguments.key, connection_verify=False,
                          enable_endpoint_discovery=not arguments.no_discovery)
    database_name = "smoke-" + uuid.uuid4().hex[:8]
    steps = 0

    def step(text: str) -> None:
        nonlocal steps
        steps += 1
        print(f"ok {steps:2d} {text}", flush=True)

    database = client.create_database(database_name)
    step("create_database")
    try:
        client.create_database(database_name)
        raise AssertionError("duplicate database accepted")
    except exceptions.CosmosResourceExistsError:
        step("create_database duplicate -> 409")
    assert database_name in [d["id"] for d in client.list_databases()]
    step("list_databases")
    assert database.read()["id"] == database_name
    step("database.read")
    container = database.create_container("items", PartitionKey("/pk"), offer_throughput=400)
    step("create_container (manual 400 RU)")
    hier = database.create_container("hier", PartitionKey(["/a", "/b"], kind="MultiHash"))
    step("create_container MultiHash")
    props = container.read()
    assert props["partitionKey"]["paths"] == ["/pk"], props
    step("container.read")
    created = container.create_item({"id": "1", "pk": "p1", "value": 1})
    assert created["_etag"] and created["_rid"], created
    step("create_item")
    try:
        container.create_item({"id": "1", "pk": "p1"})
        raise AssertionError("duplicate item accepted")
    except exceptions.CosmosResourceExistsError:
        step("create_item duplicate -> 409")
    container.create_item({"id": "1", "pk": "p2", "value": 2})
    step("same id, other partition key -> created")
    read = container.read_item("1", partition_key="p1")
    assert read["value"] == 1
    step("read_item")
    headers = read.get_response_headers()
    assert "x-ms-session-token" in headers and float(headers["x-ms-request-charge"]) > 0
    step(f"read_item headers session={headers['x-ms-session-token']} charge={headers['x-ms-request-charge']}")
    read["value"] = 10
    replaced = container.replace_item("1", read)
    assert replaced["value"] == 10 and replaced["_etag"] != read["_etag"]
    step("replace_item")
    try:
        container.replace_item("1", read, etag=read["_etag"],
                               match_condition=__import__("azure.core").core.MatchConditions.IfNotModified)
        raise AssertionError("stale etag accepted")
    except exceptions.CosmosAccessConditionFailedError:
        step("replace_item stale etag -> 412")
    upserted = container.upsert_item({"id": "2", "pk": "p1", "value": 3})
    assert upserted["value"] == 3
    container.upsert_item({"id": "2", "pk": "p1", "value": 4})
    step("upsert_item x2")
    for index in range(30):
        container.create_item({"id": f"bulk{index}", "pk": f"k{index % 7}", "n": index})
    items = list(container.read_all_items(max_item_count=7))
    assert len(items) == 33, len(items)
    step(f"read_all_items paged -> {len(items)}")
    try:
        container.read_item("missing", partition_key="p1")
        raise AssertionError("missing item found")
    except exceptions.CosmosResourceNotFoundError:
        step("read_item missing -> 404")
    container.delete_item("2", partition_key="p1")
    step("delete_item")
    try:
        container.delete_item("2", partition_key="p1")
        raise AssertionError("deleted twice")
    except exceptions.CosmosResourceNotFoundError:
        step("delete_item again -> 404")
    hier.create_item({"id": "h1", "a": "x", "b": 1})
    assert hier.read_item("h1", partition_key=["x", 1])["b"] == 1
    step("MultiHash create/read")
    for index in range(6):
        hier.create_item({"id": f"h{index + 2}", "a": "x" if index % 2 else "y", "b": index})
    prefix = list(hier.query_items("SELECT * FROM c", partition_key=["x"]))
    assert sorted(d["id"] for d in prefix) == ["h1", "h3", "h5", "h7"], [d["id"] for d in prefix]
    step(f"MultiHash prefix query -> {len(prefix)}")
    many = container.read_items([("1", "p1"), ("1", "p2"), ("bulk3", "k3"), ("nope", "p1")])
    assert sorted(d["id"] + d["pk"] for d in many) == ["1p1", "1p2", "bulk3k3"], many
    step(f"read_items -> {len(many)}")
    try:
        results = list(container.query_items("SELECT * FROM c WHERE c.pk = @pk",
                                             parameters=[{"name": "@pk", "value": "p1"}],
                                             partition_key="p1"))
        step(f"query single partition -> {len(results)}")
        results = list(container.query_items("SELECT * FROM c", enable_cross_partition_query=True))
        step(f"query cross partition -> {len(results)}")
        ordered = [d["n"] for d in container.query_items("SELECT c.n FROM c WHERE IS_DEFINED(c.n) ORDER BY c.n DESC",
                                                           enable_cross_partition_query=True)]
        assert ordered == sorted(ordered, reverse=True) and len(ordered) == 30, ordered
        step("query cross partition ORDER BY")
        count = list(container.query_items("SELECT VALUE COUNT(1) FROM c", enable_cross_partition_query=True))
        assert count == [32], count
        step("query cross partition COUNT")
        pages = [list(page) for page in
                 container.query_items("SELECT * FROM c", partition_key="k3", max_item_count=2).by_page()]
        assert [len(page) for page in pages] == [2, 2], pages  # bulk3, bulk10, bulk17, bulk24
        step(f"query paged by_page -> {len(pages)} pages")
    except exceptions.CosmosHttpResponseError as error:
        print(f"-- query not available: {error.status_code} {error.message.splitlines()[0]}")
    patched = container.patch_item("1", "p1", [{"op": "incr", "path": "/value", "value": 5},
                                               {"op": "add", "path": "/tags", "value": ["a"]}])
    assert patched["value"] == 15 and patched["tags"] == ["a"], patched
    step("patch_item")
    try:
        container.patch_item("1", "p1", [{"op": "set", "path": "/x", "value": 1}],
                             filter_predicate="FROM c WHERE c.pk = 'nope'")
        raise AssertionError("false predicate accepted")
    except exceptions.CosmosAccessConditionFailedError:
        step("patch_item false filter_predicate -> 412")
    feed = list(container.query_items_change_feed(partition_key="p1", start_time="Beginning"))
    assert {d["id"] for d in feed} == {"1"}, [d["id"] for d in feed]
    step(f"change feed (partition key) -> {len(feed)}")
    everything = list(container.query_items_change_feed(start_time="Beginning"))
    assert len(everything) == 32, len(everything)
    step(f"change feed (all ranges) -> {len(everything)}")
    unique_container = database.create_container(
        "uniq", PartitionKey("/pk"), unique_key_policy={"uniqueKeys": [{"paths": ["/email"]}]}, default_ttl=3600)
    unique_container.create_item({"id": "u1", "pk": "x", "email": "a@b"})
    try:
        unique_container.create_item({"id": "u2", "pk": "x", "email": "a@b"})
        raise AssertionError("unique key violation accepted")
    except exceptions.CosmosResourceExistsError:
        step("unique key violation -> 409")
    container.replace_throughput(1000)
    assert container.get_throughput().offer_throughput == 1000
    step("replace_throughput")
    database.replace_container(container, PartitionKey("/pk"), default_ttl=3600)
    assert container.read_item("1", partition_key="p1")["value"] == 15
    step("replace_container keeps data")
    try:
        throughput = container.get_throughput()
        step(f"get_throughput -> {throughput.offer_throughput}")
    except exceptions.CosmosHttpResponseError as error:
        print(f"-- throughput not available: {error.status_code}")
    database.delete_container("items")
    step("delete_container")
    client.delete_database(database_name)
    step("delete_database")
    try:
        bad = CosmosClient(arguments.endpoint, WELL_KNOWN_KEY.replace("C2y6", "D2y6"), connection_verify=False,
                           enable_endpoint_discovery=not arguments.no_discovery)
        list(bad.list_databases())
        raise AssertionError("wrong key accepted")
    except exceptions.CosmosHttpResponseError as error:
        assert error.status_code == 401, error.status_code
        step("wrong key -> 401")
    print(f"all {steps} steps passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
