"""Throughput: manual and autoscale RU/s on a database and on a container, read and changed.

    python examples/throughput.py
"""
from __future__ import annotations

from azure.cosmos import CosmosClient, PartitionKey, ThroughputProperties

from settings import ENDPOINT, KEY, connection_kwargs, unique_name


def main() -> None:
    with CosmosClient(ENDPOINT, credential=KEY, **connection_kwargs()) as client:
        # Shared throughput: the database's RU/s serve all of its containers without their own.
        database = client.create_database(unique_name("example-throughput"), offer_throughput=400)
        try:
            shared = database.get_throughput()
            print(f"database: {shared.offer_throughput} RU/s")
            database.replace_throughput(800)
            print(f"database now: {database.get_throughput().offer_throughput} RU/s")

            # A container of its own, with autoscale up to 4000 RU/s.
            container = database.create_container(
                id="metrics", partition_key=PartitionKey(path="/host"),
                offer_throughput=ThroughputProperties(auto_scale_max_throughput=4000))
            autoscale = container.get_throughput()
            print(f"container: autoscale max {autoscale.auto_scale_max_throughput} RU/s")

            container.replace_throughput(ThroughputProperties(auto_scale_max_throughput=5000))
            print(f"container now: autoscale max {container.get_throughput().auto_scale_max_throughput} RU/s")

            manual = database.create_container(id="logs", partition_key=PartitionKey(path="/host"),
                                               offer_throughput=600)
            changed = manual.replace_throughput(1000)
            print(f"logs container: {changed.offer_throughput} RU/s")
        finally:
            client.delete_database(database)


if __name__ == "__main__":
    main()
