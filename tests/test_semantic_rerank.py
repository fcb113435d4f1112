"""semantic_rerank with a key-authenticated client: 4.x's error, before any request."""
from __future__ import annotations

import pytest

from azure.cosmos import CosmosClient, exceptions


@pytest.fixture
def container(cosmos_server, unique_id):
    with CosmosClient(cosmos_server.endpoint, cosmos_server.key, **cosmos_server.connection_kwargs) as client:
        yield client.get_database_client(unique_id("db")).get_container_client(unique_id("c"))


def test_key_credentials_cannot_rerank(container):
    with pytest.raises(exceptions.CosmosHttpResponseError, match="requires AAD credentials") as raised:
        container.semantic_rerank(context="tents", documents=["a tent", "a stove"])
    assert "AZURE_COSMOS_SEMANTIC_RERANKER_INFERENCE_ENDPOINT" in str(raised.value)
    with pytest.raises(TypeError):
        container.semantic_rerank("tents", ["a tent"])  # keyword-only, as in 4.x


@pytest.mark.requires("aad")
def test_entra_id_clients_are_told_reranking_is_not_built(cosmos_server, unique_id):
    from cosmos_emulator.aad import EmulatorCredential

    with CosmosClient(cosmos_server.endpoint, EmulatorCredential(cosmos_server.key),
                      **cosmos_server.connection_kwargs) as client:
        container = client.get_database_client(unique_id("db")).get_container_client(unique_id("c"))
        with pytest.raises(NotImplementedError, match="inference service is not built"):
            container.semantic_rerank(context="tents", documents=["a tent"])
