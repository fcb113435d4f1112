"""azure-cosmos quickstart: create, read, update, query and delete items, sync and async.

Runs unchanged on azure-cosmos 5 and on 4.x (it uses only the 4.x public API), against any
Cosmos DB endpoint; by default the local emulator. Every step prints its request charge (RU).

    python examples/quickstart.py [--endpoint URL] [--key KEY]

The endpoint and key also come from ``COSMOS_ENDPOINT`` / ``COSMOS_KEY`` (``tools/dev.sh demo``
sets them). Start a local emulator with ``python -m cosmos_emulator --port 8081``.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import sys
import uuid
import warnings
from typing import Any, Dict, List, Mapping, Optional
from urllib.parse import urlparse

from azure.cosmos import CosmosClient, PartitionKey, exceptions
from azure.cosmos.aio import CosmosClient as AsyncCosmosClient

DEFAULT_ENDPOINT = "http://127.0.0.1:8081/"
# The well-known key of the Cosmos DB emulator (it is public; never use it for a real account).
EMULATOR_KEY = "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw=="

PRODUCTS: List[Dict[str, Any]] = [
    {"id": "p1", "category": "gear", "name": "Tent", "price": 199.0, "tags": ["camping"]},
    {"id": "p2", "category": "gear", "name": "Lantern", "price": 24.5, "tags": ["camping", "light"]},
    {"id": "p3", "category": "food", "name": "Coffee", "price": 9.0, "tags": []},
    {"id": "p4", "category": "food", "name": "Trail mix", "price": 4.25, "tags": ["snack"]},
]


def charge(headers: Mapping[str, Any]) -> float:
    """The request charge (RU) of one response."""
    return float(headers.get("x-ms-request-charge", 0) or 0)


def report(operation: str, target: str, headers: Mapping[str, Any], note: str = "") -> None:
    """Print one operation with its request charge."""
    print(f"  {operation:<13}{target:<4}{charge(headers):7.2f} RU" + (f"  -> {note}" if note else ""))


def local_connection_kwargs(endpoint: str) -> Dict[str, Any]:
    """Client options a local server needs; none for a real account.

    A local server speaks plain http or https with a self-signed certificate:
    ``connection_verify=False`` accepts that (azure-cosmos 5 allows it for loopback hosts only).
    """
    host = urlparse(endpoint).hostname or ""
    if host not in ("localhost", "127.0.0.1", "::1"):
        return {}
    # 4.x (requests/urllib3) warns on every unverified https request; this is deliberate here.
    warnings.filterwarnings("ignore", message="Unverified HTTPS request")
    return {"connection_verify": False}


def run_sync(endpoint: str, key: str, database_name: str) -> float:
    """CRUD and queries with the sync client; returns the total RU spent."""
    total = 0.0
    with CosmosClient(endpoint, credential=key, **local_connection_kwargs(endpoint)) as client:
        database = client.create_database(database_name)
        print(f"created database {database.id}")
        try:
            container = database.create_container(id="products", partition_key=PartitionKey(path="/category"))
            print(f"created container {container.id} (partition key /category)")

            for product in PRODUCTS:
                created = container.create_item(body=product)
                total += charge(created.get_response_headers())
                report("create_item", created["id"], created.get_response_headers())

            item = container.read_item(item="p2", partition_key="gear")
            total += charge(item.get_response_headers())
            report("read_item", item["id"], item.get_response_headers(), item["name"])

            item["price"] = 19.99
            replaced = container.replace_item(item=item["id"], body=item)
            total += charge(replaced.get_response_headers())
            report("replace_item", replaced["id"], replaced.get_response_headers(), f"price {replaced['price']}")

            upserted = container.upsert_item({"id": "p5", "category": "food", "name": "Tea", "price": 6.0, "tags": []})
            total += charge(upserted.get_response_headers())
            report("upsert_item", upserted["id"], upserted.get_response_headers())

            # A query within one partition, read page by page to show each page's charge.
            pages = container.query_items(
                query="SELECT c.id, c.name, c.price FROM c WHERE c.category = @category AND c.price < @limit",
                parameters=[{"name": "@category", "value": "food"}, {"name": "@limit", "value": 10}],
                partition_key="food",
                max_item_count=2,
            )
            found: List[Dict[str, Any]] = []
            for page_number, page in enumerate(pages.by_page(), start=1):
                rows = list(page)
                found.extend(rows)
                total += charge(pages.get_response_headers())
                report("query page", str(page_number), pages.get_response_headers(), f"{len(rows)} item(s)")
            print(f"  cheap food: {sorted(row['name'] for row in found)}")

            # A cross-partition query.
            camping = list(container.query_items(
                query="SELECT VALUE c.name FROM c WHERE ARRAY_CONTAINS(c.tags, 'camping')",
                enable_cross_partition_query=True,
            ))
            print(f"  camping gear (cross-partition): {sorted(camping)}")

            deleted_headers: Dict[str, Any] = {}
            container.delete_item(item="p4", partition_key="food",
                                  response_hook=lambda headers, _: deleted_headers.update(headers))
            total += charge(deleted_headers)
            report("delete_item", "p4", deleted_headers)
            try:
                container.read_item(item="p4", partition_key="food")
            except exceptions.CosmosResourceNotFoundError:
                print("  read_item p4 after delete -> CosmosResourceNotFoundError (404)")
            except exceptions.CosmosHttpResponseError as error:
                print(f"  read_item p4 after delete -> status {error.status_code} (this server has no 404)")
        finally:
            client.delete_database(database_name)
            print(f"deleted database {database_name}")
    return total


async def run_async(endpoint: str, key: str, database_name: str, count: int = 20) -> float:
    """Concurrent writes, reads and a query with the asyncio client; returns the total RU spent."""
    total = 0.0
    async with AsyncCosmosClient(endpoint, credential=key, **local_connection_kwargs(endpoint)) as client:
        database = await client.create_database(database_name)
        try:
            container = await database.create_container(id="events", partition_key=PartitionKey(path="/device"))
            events: List[Dict[str, Any]] = [
                {"id": f"e{i}", "device": f"d{i % 4}", "reading": i * 1.5} for i in range(count)]

            created = await asyncio.gather(*(container.create_item(body=event) for event in events))
            write_charge = sum(charge(doc.get_response_headers()) for doc in created)
            total += write_charge
            print(f"  async: {len(created)} concurrent create_item calls {write_charge:8.2f} RU")

            read = await asyncio.gather(*(container.read_item(item=e["id"], partition_key=e["device"]) for e in events))
            read_charge = sum(charge(doc.get_response_headers()) for doc in read)
            total += read_charge
            assert [doc["reading"] for doc in read] == [event["reading"] for event in events]
            print(f"  async: {len(read)} concurrent read_item calls   {read_charge:8.2f} RU")

            pages = container.query_items(
                query="SELECT VALUE COUNT(1) FROM c WHERE c.device = @device",
                parameters=[{"name": "@device", "value": "d1"}],
                partition_key="d1",
            )
            counts = [value async for value in pages]
            query_charge = charge(pages.get_response_headers())
            total += query_charge
            print(f"  async: events of device d1 = {counts[0]} {query_charge:8.2f} RU")
        finally:
            await client.delete_database(database_name)
    return total


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--endpoint", default=os.environ.get("COSMOS_ENDPOINT", DEFAULT_ENDPOINT))
    parser.add_argument("--key", default=os.environ.get("COSMOS_KEY", EMULATOR_KEY))
    args = parser.parse_args(argv)

    import azure.cosmos

    print(f"azure-cosmos {azure.cosmos.__version__} against {args.endpoint}")
    run_id = uuid.uuid4().hex[:8]
    sync_ru = run_sync(args.endpoint, args.key, f"quickstart-{run_id}")
    async_ru = asyncio.run(run_async(args.endpoint, args.key, f"quickstart-async-{run_id}"))
    print(f"total request charge: sync {sync_ru:.2f} RU, async {async_ru:.2f} RU")
    return 0


if __name__ == "__main__":
    sys.exit(main())
