"""Databases and containers: list and query them, read and change a container's settings
(indexing policy, time to live, unique keys), and delete them.

    python examples/databases_containers.py
"""
from __future__ import annotations

from typing import Any, Dict

from azure.cosmos import CosmosClient, PartitionKey

from settings import ENDPOINT, KEY, connection_kwargs, unique_name


def main() -> None:
    with CosmosClient(ENDPOINT, credential=KEY, **connection_kwargs()) as client:
        name = unique_name("example-admin")
        database = client.create_database(name)
        try:
            print(f"account regions: {[r['name'] for r in client.get_database_account().ReadableLocations]}")
            found = list(client.query_databases(query="SELECT * FROM r WHERE r.id = @id",
                                                parameters=[{"name": "@id", "value": name}]))
            print(f"query_databases found {[d['id'] for d in found]}")
            print(f"database read: {database.read()['id']}")

            indexing_policy: Dict[str, Any] = {
                "indexingMode": "consistent",
                "includedPaths": [{"path": "/*"}],
                "excludedPaths": [{"path": "/payload/*"}],
            }
            container = database.create_container(
                id="accounts",
                partition_key=PartitionKey(path="/region"),
                indexing_policy=indexing_policy,
                unique_key_policy={"uniqueKeys": [{"paths": ["/email"]}]},
                default_ttl=3600,
            )
            properties = container.read()
            print(f"container {properties['id']}: ttl {properties['defaultTtl']}, "
                  f"excluded {[p['path'] for p in properties['indexingPolicy']['excludedPaths']]}")

            database.replace_container(container, partition_key=PartitionKey(path="/region"), default_ttl=60,
                                       indexing_policy=indexing_policy)
            print(f"ttl after replace: {container.read()['defaultTtl']}")

            database.create_container(id="audit", partition_key=PartitionKey(path="/day"))
            print(f"containers: {sorted(c['id'] for c in database.list_containers())}")
            audit = list(database.query_containers("SELECT * FROM c WHERE c.id = 'audit'"))
            print(f"query_containers: {[c['id'] for c in audit]}")

            database.delete_container("audit")
            print(f"after delete: {sorted(c['id'] for c in database.list_containers())}")
        finally:
            client.delete_database(name)
        print(f"database gone: {name not in [d['id'] for d in client.list_databases()]}")


if __name__ == "__main__":
    main()
