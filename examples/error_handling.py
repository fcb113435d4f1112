"""Errors: the exception classes a client program catches, their status and sub-status codes,
and the retry options for throttling.

    python examples/error_handling.py
"""
from __future__ import annotations

from azure.core.exceptions import AzureError, ResourceNotFoundError
from azure.cosmos import CosmosClient, PartitionKey, exceptions
from azure.cosmos.http_constants import StatusCodes

from settings import ENDPOINT, KEY, connection_kwargs, unique_name


def main() -> None:
    # Throttled requests (429) are retried up to 9 times for at most 30 s by default; tune both here.
    client = CosmosClient(ENDPOINT, credential=KEY, retry_total=5, retry_backoff_max=10, **connection_kwargs())
    name = unique_name("example-errors")
    database = client.create_database(name)
    try:
        try:
            client.create_database(name)
        except exceptions.CosmosResourceExistsError as error:
            print(f"second create_database: {type(error).__name__}, status {error.status_code}")

        container = database.create_container(id="things", partition_key=PartitionKey(path="/kind"))
        try:
            container.read_item("missing", partition_key="none")
        except exceptions.CosmosResourceNotFoundError as error:
            assert error.status_code == StatusCodes.NOT_FOUND
            print(f"missing item: status {error.status_code}, sub-status {error.sub_status}")

        # The Cosmos exceptions derive from azure-core's, so generic Azure handlers catch them too.
        try:
            database.get_container_client("no-such-container").read()
        except ResourceNotFoundError as error:
            print(f"missing container caught as azure-core's ResourceNotFoundError: {error.reason}")

        container.create_item({"id": "t1", "kind": "tool"})
        try:
            container.create_item({"id": "t1", "kind": "tool"})
        except exceptions.CosmosHttpResponseError as error:
            print(f"duplicate id: status {error.status_code} ({error.reason})")
            headers = error.headers
            print(f"  activity id {headers.get('x-ms-activity-id', '?')[:8]}...")

        try:
            container.upsert_item({"id": "t2"})  # the item has no /kind value
            print("upsert without a partition key value: stored under the 'undefined' partition")
        except exceptions.CosmosHttpResponseError as error:
            print(f"upsert without a partition key value refused: status {error.status_code}")

        # 4.x reads the account when the client is made, so a wrong key may fail there already.
        try:
            with CosmosClient(ENDPOINT, credential="d3Jvbmcga2V5", **connection_kwargs()) as wrong_key:
                list(wrong_key.list_databases())
            raise SystemExit("a wrong key should have been refused")
        except exceptions.CosmosHttpResponseError as error:
            print(f"wrong key: status {error.status_code}")
    except AzureError as error:
        raise SystemExit(f"unexpected Azure error: {error}") from error
    finally:
        client.delete_database(database)
        client.close()


if __name__ == "__main__":
    main()
