"""Async twin of tests/test_token_credentials.py: an ``AsyncTokenCredential`` is awaited on the
client's own event loop (no thread of its own); a sync ``TokenCredential`` works with the aio client too."""
from __future__ import annotations

import asyncio
import threading
import time

import pytest
from azure.core.credentials import AccessToken
from azure.core.exceptions import ClientAuthenticationError

from azure.cosmos import PartitionKey, exceptions
from azure.cosmos.aio import CosmosClient
from cosmos_emulator.aad import EmulatorCredential, emulator_token

from .._data_plane import module_database, sync_client
from ..test_token_credentials import account_scope

pytestmark = pytest.mark.requires("aad")


class AsyncRecordingCredential:
    """An ``AsyncTokenCredential`` recording the scopes and the thread and loop it ran on."""

    def __init__(self, key: str, lifetime: float = 3600, refuse_scopes: tuple = ()):
        self.key, self.lifetime, self.refuse_scopes = key, lifetime, refuse_scopes
        self.scopes: list = []
        self.ran_on: list = []

    async def get_token(self, *scopes: str, **kwargs) -> AccessToken:
        self.ran_on.append((threading.get_ident(), asyncio.get_running_loop()))
        await asyncio.sleep(0)
        self.scopes.append(scopes)
        if set(scopes) & set(self.refuse_scopes):
            raise ClientAuthenticationError(f"AADSTS500011: The resource principal named {scopes[0]} was not found.")
        now = time.time()
        return AccessToken(emulator_token(self.key, lifetime=self.lifetime, now=now), int(now + self.lifetime))

    async def close(self) -> None:
        pass


@pytest.fixture(scope="module")
def container_address(cosmos_server, unique_id):
    with module_database(cosmos_server, unique_id("db-aad")) as database_id:
        container_id = unique_id("c")
        with sync_client(cosmos_server) as client:
            client.get_database_client(database_id).create_container(container_id, PartitionKey("/pk"))
        yield database_id, container_id


def token_client(server, credential) -> CosmosClient:
    return CosmosClient(server.endpoint, credential, **server.connection_kwargs)


def container_of(client, address):
    database_id, container_id = address
    return client.get_database_client(database_id).get_container_client(container_id)


async def test_items_and_queries_with_a_token_credential_async(cosmos_server, container_address):
    credential = AsyncRecordingCredential(cosmos_server.key)
    async with token_client(cosmos_server, credential) as client:
        container = container_of(client, container_address)
        await asyncio.gather(*(container.upsert_item({"id": f"t{i}", "pk": "p"}) for i in range(5)))
        assert (await container.read_item("t3", "p"))["id"] == "t3"
        found = [item async for item in container.query_items(
            "SELECT * FROM c WHERE STARTSWITH(c.id, 't')", partition_key="p")]
        assert sorted(item["id"] for item in found) == [f"t{i}" for i in range(5)]
    assert credential.scopes == [(account_scope(cosmos_server),)]
    # Awaited on the test's own loop, on its thread.
    assert credential.ran_on == [(threading.get_ident(), asyncio.get_running_loop())]


async def test_a_token_near_expiry_is_refreshed_async(cosmos_server, container_address):
    credential = AsyncRecordingCredential(cosmos_server.key, lifetime=200)
    async with token_client(cosmos_server, credential) as client:
        calls_after_connect = len(credential.scopes)
        container = container_of(client, container_address)
        for i in range(3):
            await container.upsert_item({"id": f"r{i}", "pk": "p"})
        assert len(credential.scopes) >= calls_after_connect + 3


async def test_a_sync_credential_works_with_the_async_client_async(cosmos_server, container_address):
    async with token_client(cosmos_server, EmulatorCredential(cosmos_server.key)) as client:
        container = container_of(client, container_address)
        await container.upsert_item({"id": "sync-cred", "pk": "p"})
        assert (await container.read_item("sync-cred", "p"))["id"] == "sync-cred"


async def test_management_operations_are_refused_to_a_token_async(cosmos_server):
    async with token_client(cosmos_server, AsyncRecordingCredential(cosmos_server.key)) as client:
        with pytest.raises(exceptions.CosmosHttpResponseError) as raised:
            await client.create_database("aad-may-not-create")
    assert raised.value.status_code == 403
    assert raised.value.sub_status == 5300


async def test_the_credentials_own_exception_reaches_the_caller_async(cosmos_server):
    class Failing:
        async def get_token(self, *scopes, **kwargs):
            raise ClientAuthenticationError("identity provider unreachable")

    with pytest.raises(ClientAuthenticationError, match="identity provider unreachable"):
        async with token_client(cosmos_server, Failing()):
            pass


async def test_unknown_account_scope_falls_back_to_the_cosmos_scope_async(cosmos_server, container_address):
    credential = AsyncRecordingCredential(cosmos_server.key, refuse_scopes=(account_scope(cosmos_server),))
    async with token_client(cosmos_server, credential) as client:
        await container_of(client, container_address).upsert_item({"id": "fallback", "pk": "p"})
    assert credential.scopes == [(account_scope(cosmos_server),), ("https://cosmos.azure.com/.default",)]
