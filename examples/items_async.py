"""The asyncio client: concurrent writes and reads, patch, a batch, and async iteration.

    python examples/items_async.py
"""
from __future__ import annotations

import asyncio

from azure.cosmos import PartitionKey, exceptions
from azure.cosmos.aio import CosmosClient

from settings import ENDPOINT, KEY, connection_kwargs, unique_name


async def main() -> None:
    async with CosmosClient(ENDPOINT, credential=KEY, **connection_kwargs()) as client:
        database = await client.create_database_if_not_exists(unique_name("example-async"))
        try:
            container = await database.create_container_if_not_exists(
                id="tasks", partition_key=PartitionKey(path="/project"))

            created = await asyncio.gather(*(
                container.create_item({"id": f"task-{n}", "project": f"p{n % 2}", "done": False, "hours": n})
                for n in range(10)))
            print(f"created {len(created)} tasks concurrently")

            task = await container.read_item("task-3", partition_key="p1")
            task["done"] = True
            await container.replace_item(task["id"], task)
            await container.upsert_item({"id": "task-10", "project": "p0", "done": False, "hours": 2})
            patched = await container.patch_item("task-4", "p0", [{"op": "incr", "path": "/hours", "value": 6}])
            print(f"task-4 hours after patch: {patched['hours']}")

            results = await container.execute_item_batch(
                [("delete", ("task-0",)), ("upsert", ({"id": "task-0b", "project": "p0", "done": True, "hours": 0},))],
                partition_key="p0")
            print(f"batch: {[r['statusCode'] for r in results]}")

            # The async client queries across partitions whenever no partition key is given.
            open_tasks = [t["id"] async for t in container.query_items("SELECT * FROM c WHERE c.done = false")]
            print(f"open tasks: {len(open_tasks)}")
            hours = [h async for h in container.query_items("SELECT VALUE SUM(c.hours) FROM c", partition_key="p1")]
            print(f"hours of p1: {hours[0]}")
            everything = [t async for t in container.read_all_items()]
            print(f"all tasks: {len(everything)}")

            await container.delete_item("task-1", partition_key="p1")
            try:
                await container.read_item("task-1", partition_key="p1")
                raise SystemExit("a deleted task should not be readable")
            except exceptions.CosmosResourceNotFoundError:
                print("task-1 deleted")
        finally:
            await client.delete_database(database)


if __name__ == "__main__":
    asyncio.run(main())
