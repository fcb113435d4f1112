"""Change feed: read every change from the beginning, remember where you stopped (the
continuation), and later read only what changed since.

    python examples/change_feed.py
"""
from __future__ import annotations

from typing import Optional

from azure.cosmos import ContainerProxy, CosmosClient, PartitionKey

from settings import ENDPOINT, KEY, connection_kwargs, unique_name


def drain(container: ContainerProxy, continuation: Optional[str]) -> tuple[list[str], Optional[str]]:
    """The ids changed since ``continuation`` (all of them for None), and the continuation to use next."""
    if continuation is None:
        feed = container.query_items_change_feed(start_time="Beginning")
    else:
        feed = container.query_items_change_feed(continuation=continuation)
    pages = feed.by_page()
    changed = [change["id"] for page in pages for change in page]
    return changed, pages.continuation_token


def main() -> None:
    with CosmosClient(ENDPOINT, credential=KEY, **connection_kwargs()) as client:
        database = client.create_database(unique_name("example-change-feed"))
        try:
            container = database.create_container(id="sensors", partition_key=PartitionKey(path="/site"))
            for number in range(6):
                container.upsert_item({"id": f"s{number}", "site": f"site-{number % 2}", "reading": number})

            changed, continuation = drain(container, None)
            print(f"from the beginning: {sorted(changed)}")

            container.upsert_item({"id": "s1", "site": "site-1", "reading": 100})
            container.create_item({"id": "s9", "site": "site-0", "reading": 9})
            changed, continuation = drain(container, continuation)
            print(f"since then: {sorted(changed)}")

            changed, continuation = drain(container, continuation)
            print(f"nothing new: {changed}")

            one_site = container.query_items_change_feed(partition_key="site-0", start_time="Beginning")
            print(f"site-0 only: {sorted(change['id'] for change in one_site)}")
        finally:
            client.delete_database(database)


if __name__ == "__main__":
    main()
