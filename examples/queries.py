"""Queries: parameters, one partition or all of them, aggregates, ORDER BY, and paging that
resumes from a continuation token (as a web page's "next" link would).

    python examples/queries.py
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

from azure.cosmos import ContainerProxy, CosmosClient, PartitionKey

from settings import ENDPOINT, KEY, connection_kwargs, unique_name


def fill(container: ContainerProxy) -> None:
    for number in range(30):
        container.create_item({"id": f"order-{number:02}", "customer": f"c{number % 3}",
                               "total": round(10 + number * 2.5, 2), "status": "open" if number % 4 else "shipped"})


def read_page(container: ContainerProxy, customer: str,
              token: Optional[str]) -> Tuple[List[Dict[str, Any]], Optional[str]]:
    """One page of a customer's orders, from a new query resumed at ``token`` (as a stateless
    web request would), and the token of the page after it (None after the last page)."""
    pager = container.query_items(
        "SELECT * FROM c WHERE c.customer = @customer ORDER BY c.id",
        parameters=[{"name": "@customer", "value": customer}],
        partition_key=customer,
        max_item_count=4,
    ).by_page(token)
    page = list(next(pager))
    return page, pager.continuation_token


def main() -> None:
    client = CosmosClient(ENDPOINT, credential=KEY, **connection_kwargs())
    database = client.create_database(unique_name("example-queries"))
    try:
        container = database.create_container("orders", PartitionKey(path="/customer"))
        fill(container)

        parameters = [{"name": "@status", "value": "open"}, {"name": "@customer", "value": "c2"}]
        open_orders = list(container.query_items(
            query="SELECT c.id, c.total FROM c WHERE c.status = @status AND c.customer = @customer",
            parameters=parameters,
            enable_cross_partition_query=True,
        ))
        print(f"open orders of customer c2: {len(open_orders)}")

        count = list(container.query_items("SELECT VALUE COUNT(1) FROM c", partition_key="c1"))[0]
        print(f"orders of customer c1: {count}")

        totals = container.query_items(
            "SELECT VALUE SUM(c.total) FROM c", enable_cross_partition_query=True)
        print(f"sum of all totals: {next(iter(totals))}")

        token: Optional[str] = None
        pages = 0
        while True:
            page, token = read_page(container, "c0", token)
            pages += 1
            print(f"page {pages}: {[order['id'] for order in page]}")
            if token is None:
                break

        newest = container.query_items(
            "SELECT TOP 3 c.id FROM c ORDER BY c.total DESC", enable_cross_partition_query=True)
        print(f"three largest orders: {[row['id'] for row in newest]}")
        print(f"request charge of the last page: {newest.get_response_headers().get('x-ms-request-charge')}")
    finally:
        client.delete_database(database.id)
        client.close()


if __name__ == "__main__":
    main()
