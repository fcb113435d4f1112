"""Items: create, read, replace (optimistic concurrency with the ETag), upsert, read many, delete.

    python examples/item_crud.py
"""
from __future__ import annotations

from azure.core import MatchConditions
from azure.cosmos import CosmosClient, PartitionKey, exceptions

from settings import ENDPOINT, KEY, connection_kwargs, unique_name


def main() -> None:
    with CosmosClient(ENDPOINT, credential=KEY, **connection_kwargs()) as client:
        database = client.create_database_if_not_exists(unique_name("example-items"))
        try:
            container = database.create_container_if_not_exists(
                id="books", partition_key=PartitionKey(path="/author"))

            created = container.create_item(
                {"id": "b1", "author": "Le Guin", "title": "The Dispossessed", "year": 1974})
            print(f"created {created['id']}, etag {created['_etag']}")
            container.create_item({"id": "b2", "author": "Le Guin", "title": "The Lathe of Heaven", "year": 1971})
            container.create_item({"id": "b3", "author": "Lem", "title": "Solaris", "year": 1961})

            book = container.read_item(item="b1", partition_key="Le Guin")
            print(f"read {book['title']} ({book['year']})")

            # Replace only if nobody changed the item since it was read.
            book["title"] = "The Dispossessed: An Ambiguous Utopia"
            replaced = container.replace_item(item=book["id"], body=book,
                                              etag=book["_etag"], match_condition=MatchConditions.IfNotModified)
            print(f"replaced, new title {replaced['title']!r}")
            try:
                container.replace_item(item=book["id"], body=book,
                                       etag=book["_etag"], match_condition=MatchConditions.IfNotModified)
                raise SystemExit("a replace with a stale ETag should have failed")
            except exceptions.CosmosAccessConditionFailedError as error:
                print(f"replace with the old ETag refused: status {error.status_code}")

            upserted = container.upsert_item({"id": "b4", "author": "Lem", "title": "The Cyberiad", "year": 1965})
            print(f"upserted {upserted['id']}")

            many = container.read_items(items=[("b1", "Le Guin"), ("b3", "Lem"), ("b4", "Lem")])
            print(f"read_items: {sorted(item['id'] for item in many)}")

            everything = list(container.read_all_items(max_item_count=2))
            print(f"read_all_items: {len(everything)} books")

            container.delete_item(item="b2", partition_key="Le Guin")
            try:
                container.read_item(item="b2", partition_key="Le Guin")
                raise SystemExit("a deleted item should not be readable")
            except exceptions.CosmosResourceNotFoundError:
                print("b2 deleted")
        finally:
            client.delete_database(database)


if __name__ == "__main__":
    main()
