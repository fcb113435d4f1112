"""Async change feed: poll a container for changes, one feed range per worker task.

    python examples/change_feed_async.py
"""
from __future__ import annotations

import asyncio
from typing import Any, Dict, List

from azure.cosmos import PartitionKey
from azure.cosmos.aio import ContainerProxy, CosmosClient

from settings import ENDPOINT, KEY, connection_kwargs, unique_name


async def read_range(container: ContainerProxy, feed_range: Dict[str, Any]) -> List[str]:
    """Every change in one feed range, from the beginning."""
    feed = container.query_items_change_feed(feed_range=feed_range, start_time="Beginning")
    return [change["id"] async for change in feed]


async def main() -> None:
    async with CosmosClient(ENDPOINT, credential=KEY, **connection_kwargs()) as client:
        database = await client.create_database(unique_name("example-async-feed"))
        try:
            container = await database.create_container(id="orders", partition_key=PartitionKey(path="/store"),
                                                        offer_throughput=11000)
            for n in range(20):
                await container.upsert_item({"id": f"o{n}", "store": f"store-{n % 5}", "amount": n})

            ranges = [feed_range async for feed_range in container.read_feed_ranges()]
            per_range = await asyncio.gather(*(read_range(container, feed_range) for feed_range in ranges))
            print(f"{len(ranges)} ranges, changes per range: {[len(ids) for ids in per_range]}")
            assert sorted(order for ids in per_range for order in ids) == sorted(f"o{n}" for n in range(20))

            # Resume from where a full read stopped: only later changes come back.
            pages = container.query_items_change_feed(start_time="Beginning").by_page()
            async for page in pages:
                async for _ in page:
                    pass
            continuation = pages.continuation_token
            await container.upsert_item({"id": "o3", "store": "store-3", "amount": 300})
            later = [change["id"] async for change in container.query_items_change_feed(continuation=continuation)]
            print(f"changed since the continuation: {later}")
        finally:
            await client.delete_database(database)


if __name__ == "__main__":
    asyncio.run(main())
