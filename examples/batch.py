"""Transactional batch: several operations on one logical partition that succeed or fail together.

    python examples/batch.py
"""
from __future__ import annotations

from azure.cosmos import CosmosClient, PartitionKey
from azure.cosmos.exceptions import CosmosBatchOperationError

from settings import ENDPOINT, KEY, connection_kwargs, unique_name


def main() -> None:
    with CosmosClient(ENDPOINT, credential=KEY, **connection_kwargs()) as client:
        database = client.create_database(unique_name("example-batch"))
        try:
            container = database.create_container(id="carts", partition_key=PartitionKey(path="/cart"))
            container.create_item({"id": "line-old", "cart": "cart-7", "sku": "mug", "quantity": 1})

            results = container.execute_item_batch(
                batch_operations=[
                    ("create", ({"id": "line-1", "cart": "cart-7", "sku": "pen", "quantity": 3},)),
                    ("upsert", ({"id": "line-2", "cart": "cart-7", "sku": "ink", "quantity": 1},)),
                    ("patch", ("line-1", [{"op": "incr", "path": "/quantity", "value": 2}])),
                    ("read", ("line-2",)),
                    ("delete", ("line-old",)),
                ],
                partition_key="cart-7",
            )
            print(f"batch of {len(results)} operations: status codes {[r['statusCode'] for r in results]}")

            # The second create collides with line-1: nothing of this batch is applied.
            try:
                container.execute_item_batch(
                    [
                        ("create", ({"id": "line-3", "cart": "cart-7", "sku": "pad", "quantity": 1},)),
                        ("create", ({"id": "line-1", "cart": "cart-7", "sku": "pen", "quantity": 9},)),
                    ],
                    partition_key="cart-7",
                )
                raise SystemExit("a batch with a conflicting create should have failed")
            except CosmosBatchOperationError as error:
                print(f"batch failed at operation {error.error_index}: "
                      f"{[r['statusCode'] for r in error.operation_responses]}")

            lines = list(container.query_items("SELECT VALUE c.id FROM c", partition_key="cart-7"))
            print(f"cart lines after the failed batch: {sorted(lines)}")
        finally:
            client.delete_database(database)


if __name__ == "__main__":
    main()
