"""Partial updates: patch operations (set, add, replace, remove, incr, move) and a conditional
patch that applies only when a filter predicate holds.

    python examples/patch_items.py
"""
from __future__ import annotations

from typing import Any, Dict, List

from azure.cosmos import CosmosClient, PartitionKey, exceptions

from settings import ENDPOINT, KEY, connection_kwargs, unique_name


def main() -> None:
    with CosmosClient(ENDPOINT, KEY, **connection_kwargs()) as client:
        database = client.create_database(unique_name("example-patch"))
        try:
            container = database.create_container(id="profiles", partition_key=PartitionKey(path="/country"))
            container.create_item({"id": "u1", "country": "NO", "name": "Ingrid", "visits": 1,
                                   "tags": ["new"], "nickname": "ing", "address": {"city": "Bergen"}})

            operations: List[Dict[str, Any]] = [
                {"op": "incr", "path": "/visits", "value": 1},
                {"op": "add", "path": "/tags/-", "value": "returning"},
                {"op": "set", "path": "/address/zip", "value": "5003"},
                {"op": "replace", "path": "/name", "value": "Ingrid B."},
                {"op": "move", "from": "/nickname", "path": "/alias"},
                {"op": "remove", "path": "/tags/0"},
            ]
            patched = container.patch_item(item="u1", partition_key="NO", patch_operations=operations)
            print(f"patched: visits {patched['visits']}, tags {patched['tags']}, alias {patched['alias']}, "
                  f"zip {patched['address']['zip']}")

            # Only patch when the predicate matches the stored item; otherwise the service answers 412.
            container.patch_item("u1", "NO", [{"op": "set", "path": "/vip", "value": True}],
                                 filter_predicate="FROM c WHERE c.visits >= 2")
            try:
                container.patch_item("u1", "NO", [{"op": "set", "path": "/vip", "value": False}],
                                     filter_predicate="FROM c WHERE c.visits > 100")
                raise SystemExit("the predicate does not hold; the patch should have failed")
            except exceptions.CosmosAccessConditionFailedError as error:
                print(f"conditional patch refused: status {error.status_code}")

            final = container.read_item("u1", partition_key="NO")
            print(f"final: vip={final['vip']} name={final['name']!r}")
        finally:
            client.delete_database(database)


if __name__ == "__main__":
    main()
