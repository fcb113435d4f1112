"""Feed ranges: split a container's work into ranges (one worker per range), query each range,
and find which range a partition key value belongs to.

    python examples/feed_ranges.py
"""
from __future__ import annotations

from azure.cosmos import CosmosClient, PartitionKey

from settings import ENDPOINT, KEY, connection_kwargs, unique_name


def main() -> None:
    with CosmosClient(ENDPOINT, credential=KEY, **connection_kwargs()) as client:
        database = client.create_database(unique_name("example-feed-ranges"))
        try:
            container = database.create_container(id="events", partition_key=PartitionKey(path="/tenant"),
                                                  offer_throughput=11000)
            for number in range(40):
                container.create_item({"id": f"e{number}", "tenant": f"t{number % 8}"})

            ranges = list(container.read_feed_ranges())
            print(f"{len(ranges)} feed range(s)")
            per_range = [len(list(container.query_items("SELECT c.id FROM c", feed_range=feed_range)))
                         for feed_range in ranges]
            print(f"items per range: {per_range} (total {sum(per_range)})")

            tenant_range = container.feed_range_from_partition_key("t3")
            owners = [index for index, feed_range in enumerate(ranges)
                      if container.is_feed_range_subset(feed_range, tenant_range)]
            print(f"tenant t3 lives in range {owners}")

            changes = container.query_items_change_feed(feed_range=tenant_range, start_time="Beginning")
            print(f"changes of tenant t3: {sorted(change['id'] for change in changes)}")
        finally:
            client.delete_database(database)


if __name__ == "__main__":
    main()
