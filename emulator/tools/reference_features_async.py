"""The async reference client (azure-cosmos 4.17.1 ``azure.cosmos.aio``) against a running emulator:
batch, change feed, resource tokens, stored procedures, partition key delete and a throttling fault.

    .venv-ref/bin/python emulator/tools/reference_features_async.py http://127.0.0.1:8081/ [--no-discovery]

Prints one line per step and exits non-zero on the first failure.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import ssl
import sys
import urllib.request
import uuid

from azure.cosmos import PartitionKey, exceptions
from azure.cosmos.aio import CosmosClient

WELL_KNOWN_KEY = "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw=="


def admin(arguments, path: str, body=None, method: str = "POST"):
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    request = urllib.request.Request(arguments.endpoint.rstrip("/") + path, method=method,
                                     data=json.dumps(body).encode() if body is not None else None,
                                     headers={"x-ms-emulator-key": arguments.key, "content-type": "application/json"})
    with urllib.request.urlopen(request, context=context) as response:
        text = response.read()
        return json.loads(text) if text else None


async def run(arguments) -> int:
    steps = 0

    def step(text: str) -> None:
        nonlocal steps
        steps += 1
        print(f"ok {steps:2d} {text}", flush=True)

    discovery = not arguments.no_discovery
    async with CosmosClient(arguments.endpoint, arguments.key, connection_verify=False,
                            enable_endpoint_discovery=discovery) as client:
        database = await client.create_database("aref-" + uuid.uuid4().hex[:8])
        try:
            container = await database.create_container("c", PartitionKey("/pk"),
                                                        change_feed_policy={"retentionDuration": 10})
            results = await container.execute_item_batch([("create", ({"id": "a", "pk": "p"},)),
                                                          ("upsert", ({"id": "b", "pk": "p"},))], partition_key="p")
            assert [r["statusCode"] for r in results] == [201, 201]
            try:
                await container.execute_item_batch([("read", ("missing",)), ("delete", ("a",))], partition_key="p")
                raise AssertionError("failed batch accepted")
            except exceptions.CosmosBatchOperationError as error:
                assert error.status_code == 404 and [r["statusCode"] for r in error.operation_responses] == [404, 424]
            assert (await container.read_item("a", "p"))["id"] == "a"
            step("aio execute_item_batch: success, and failure -> 404 + 424 with nothing applied")

            feed = [d async for d in container.query_items_change_feed(start_time="Beginning")]
            assert sorted(d["id"] for d in feed) == ["a", "b"]
            assert [d async for d in container.query_items_change_feed(
                mode="AllVersionsAndDeletes", start_time="Now")] == []
            token = container.client_connection.last_response_headers["etag"]
            await container.delete_item("b", "p")
            changes = [c async for c in container.query_items_change_feed(mode="AllVersionsAndDeletes",
                                                                          continuation=token)]
            assert [c["metadata"]["operationType"] for c in changes] == ["delete"], changes
            step("aio change feed: LatestVersion from beginning, AllVersionsAndDeletes delete")

            user = await database.create_user({"id": "u"})
            permission = await user.create_permission({"id": "r", "permissionMode": "Read",
                                                       "resource": container.container_link})
            async with CosmosClient(arguments.endpoint, {container.container_link: permission.properties["_token"]},
                                    connection_verify=False, enable_endpoint_discovery=discovery) as reader:
                scoped = reader.get_database_client(database.id).get_container_client("c")
                assert (await scoped.read_item("a", "p"))["id"] == "a"
                try:
                    await scoped.upsert_item({"id": "x", "pk": "p"})
                    raise AssertionError("write with a Read token accepted")
                except exceptions.CosmosHttpResponseError as error:
                    assert error.status_code == 403, error.status_code
            step("aio resource token: read ok, write 403")

            await container.scripts.create_stored_procedure({"id": "s", "body": "function (x) { "
                                                             "getContext().getResponse().setBody(x + 1); }"})
            assert await container.scripts.execute_stored_procedure("s", partition_key="p", parameters=[41]) == 42
            step("aio execute_stored_procedure -> 42")

            admin(arguments, "/_emulator/faults", method="DELETE")
            admin(arguments, "/_emulator/faults", {"operation": "read", "status": 429, "retryAfterMs": 5, "count": 2})
            assert (await container.read_item("a", "p"))["id"] == "a"
            admin(arguments, "/_emulator/faults", method="DELETE")
            step("aio 429 x2: retried")

            await container.upsert_item({"id": "k1", "pk": "gone"})
            await container.delete_all_items_by_partition_key("gone")
            assert sorted([d["id"] async for d in container.read_all_items()]) == ["a"]
            step("aio delete_all_items_by_partition_key")
        finally:
            await client.delete_database(database.id)
    print(f"all {steps} steps passed")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("endpoint")
    parser.add_argument("--key", default=WELL_KNOWN_KEY)
    parser.add_argument("--no-discovery", action="store_true")
    return asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
