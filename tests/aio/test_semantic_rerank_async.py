"""semantic_rerank with a key-authenticated client: 4.x's error, before any request."""
from __future__ import annotations

import pytest

from azure.cosmos import exceptions
from azure.cosmos.aio import CosmosClient


@pytest.fixture
async def container(cosmos_server, unique_id):
    async with CosmosClient(cosmos_server.endpoint, cosmos_server.key, **cosmos_server.connection_kwargs) as client:
        yield client.get_database_client(unique_id("db")).get_container_client(unique_id("c"))


async def test_key_credentials_cannot_rerank_async(container):
    with pytest.raises(exceptions.CosmosHttpResponseError, match="requires AAD credentials") as raised:
        await container.semantic_rerank(context="tents", documents=["a tent", "a stove"])
    assert "AZURE_COSMOS_SEMANTIC_RERANKER_INFERENCE_ENDPOINT" in str(raised.value)
    with pytest.raises(TypeError):
        await container.semantic_rerank("tents", ["a tent"])  # keyword-only, as in 4.x


@pytest.mark.requires("aad")
async def test_entra_id_clients_are_told_reranking_is_not_built_async(cosmos_server, unique_id):
    from cosmos_emulator.aad import AsyncEmulatorCredential

    async with CosmosClient(cosmos_server.endpoint, AsyncEmulatorCredential(cosmos_server.key),
                            **cosmos_server.connection_kwargs) as client:
        container = client.get_database_client(unique_id("db")).get_container_client(unique_id("c"))
        with pytest.raises(NotImplementedError, match="inference service is not built"):
            await container.semantic_rerank(context="tents", documents=["a tent"])
