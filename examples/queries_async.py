"""Async paging: a query read page by page with ``by_page``, resumed later from its continuation token.

    python examples/queries_async.py
"""
from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Optional, Tuple

from azure.cosmos import PartitionKey
from azure.cosmos.aio import ContainerProxy, CosmosClient

from settings import ENDPOINT, KEY, connection_kwargs, unique_name

QUERY = "SELECT c.id, c.score FROM c WHERE c.league = @league ORDER BY c.score DESC"


async def read_page(container: ContainerProxy, league: str,
                    token: Optional[str]) -> Tuple[List[Dict[str, Any]], Optional[str]]:
    """One page of a league's ranking from ``token`` on, and the token of the next page."""
    pages = container.query_items(QUERY, parameters=[{"name": "@league", "value": league}],
                                  partition_key=league, max_item_count=5).by_page(token)
    page = [row async for row in await pages.__anext__()]
    return page, pages.continuation_token


async def main() -> None:
    async with CosmosClient(ENDPOINT, credential=KEY, **connection_kwargs()) as client:
        database = await client.create_database(unique_name("example-async-queries"))
        try:
            container = await database.create_container("players", PartitionKey(path="/league"))
            await asyncio.gather(*(container.create_item(
                {"id": f"player-{n}", "league": "north" if n % 2 else "south", "score": (n * 37) % 101})
                for n in range(24)))

            token: Optional[str] = None
            number = 0
            while True:
                page, token = await read_page(container, "north", token)
                number += 1
                print(f"north page {number}: {[(row['id'], row['score']) for row in page]}")
                if token is None:
                    break

            # All pages of one query object, with each page's request charge.
            ranking = container.query_items(QUERY, parameters=[{"name": "@league", "value": "south"}],
                                            partition_key="south", max_item_count=5)
            sizes: List[int] = []
            async for page_of_rows in ranking.by_page():
                sizes.append(len([row async for row in page_of_rows]))
            print(f"south pages: {sizes}, last charge {ranking.get_response_headers().get('x-ms-request-charge')}")

            best = [row async for row in container.query_items(
                "SELECT TOP 1 c.id FROM c ORDER BY c.score DESC")]
            print(f"best player overall: {best[0]['id']}")
        finally:
            await client.delete_database(database)


if __name__ == "__main__":
    asyncio.run(main())
