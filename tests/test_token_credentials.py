"""Microsoft Entra ID (AAD) credentials: a client built with an azure-core ``TokenCredential``.

The emulator validates the test JWTs its own ``EmulatorCredential`` issues (see
``cosmos_emulator.aad``) and, like the service's data-plane RBAC, refuses management operations
to them. The engine calls the credential once per token and reuses it until five minutes before it
expires; scopes follow 4.x (the account's scope, then ``https://cosmos.azure.com/.default`` after an
AADSTS500011 answer; ``AZURE_COSMOS_AAD_SCOPE_OVERRIDE`` alone when set).
"""
from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest
from azure.core.credentials import AccessToken, AccessTokenInfo
from azure.core.exceptions import ClientAuthenticationError

from azure.cosmos import CosmosClient, PartitionKey, exceptions
from cosmos_emulator.aad import EmulatorCredential, emulator_token

from ._data_plane import module_database, sync_client

pytestmark = pytest.mark.requires("aad")


def account_scope(server) -> str:
    parts = urlsplit(server.endpoint)
    return f"{parts.scheme}://{parts.hostname}/.default"


class RecordingCredential:
    """A ``TokenCredential`` (``get_token`` only) that records the scopes asked for."""

    def __init__(self, key: str, lifetime: float = 3600, refuse_scopes: tuple = ()):
        self.key, self.lifetime, self.refuse_scopes = key, lifetime, refuse_scopes
        self.scopes: list = []

    def get_token(self, *scopes: str, **kwargs) -> AccessToken:
        self.scopes.append(scopes)
        if set(scopes) & set(self.refuse_scopes):
            raise ClientAuthenticationError(
                "AADSTS500011: The resource principal named {} was not found in the tenant.".format(scopes[0]))
        now = time.time()
        return AccessToken(emulator_token(self.key, lifetime=self.lifetime, now=now), int(now + self.lifetime))


class TokenInfoCredential(RecordingCredential):
    """Has azure-core's newer ``get_token_info`` too, which is preferred."""

    def __init__(self, key: str):
        super().__init__(key)
        self.info_calls = 0

    def get_token_info(self, *scopes: str, options=None) -> AccessTokenInfo:
        self.info_calls += 1
        now = time.time()
        return AccessTokenInfo(emulator_token(self.key, now=now), int(now + 3600))


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


def test_items_and_queries_with_a_token_credential(cosmos_server, container_address):
    credential = RecordingCredential(cosmos_server.key)
    with token_client(cosmos_server, credential) as client:
        container = container_of(client, container_address)
        for i in range(5):
            container.upsert_item({"id": f"t{i}", "pk": "p"})
        assert container.read_item("t3", "p")["id"] == "t3"
        found = list(container.query_items("SELECT * FROM c WHERE STARTSWITH(c.id, 't')", partition_key="p"))
        assert sorted(item["id"] for item in found) == [f"t{i}" for i in range(5)]
    # One token for every request of the client: the credential was asked once, for the account's scope.
    assert credential.scopes == [(account_scope(cosmos_server),)]


def test_a_token_near_expiry_is_refreshed(cosmos_server, container_address):
    # Valid for 200 s: inside the five-minute refresh margin, so every request asks again.
    credential = RecordingCredential(cosmos_server.key, lifetime=200)
    with token_client(cosmos_server, credential) as client:
        calls_after_connect = len(credential.scopes)
        container = container_of(client, container_address)
        for i in range(3):
            container.upsert_item({"id": f"r{i}", "pk": "p"})
        assert len(credential.scopes) >= calls_after_connect + 3


def test_get_token_info_is_preferred(cosmos_server, container_address):
    credential = TokenInfoCredential(cosmos_server.key)
    with token_client(cosmos_server, credential) as client:
        container_of(client, container_address).upsert_item({"id": "info", "pk": "p"})
    assert credential.info_calls == 1
    assert credential.scopes == []


def test_management_operations_are_refused_to_a_token(cosmos_server):
    with token_client(cosmos_server, EmulatorCredential(cosmos_server.key)) as client:
        with pytest.raises(exceptions.CosmosHttpResponseError) as raised:
            client.create_database("aad-may-not-create")
    assert raised.value.status_code == 403
    assert raised.value.sub_status == 5300


def test_a_token_for_another_account_is_refused(cosmos_server):
    cosmos_server.skip_unless("auth")
    other_key = "b3RoZXIga2V5IG9mIGFub3RoZXIgYWNjb3VudA=="
    with pytest.raises(exceptions.CosmosHttpResponseError) as raised:
        token_client(cosmos_server, RecordingCredential(other_key))
    assert raised.value.status_code == 401


def test_the_credentials_own_exception_reaches_the_caller(cosmos_server):
    class Failing:
        def get_token(self, *scopes, **kwargs):
            raise ClientAuthenticationError("identity provider unreachable")

    with pytest.raises(ClientAuthenticationError, match="identity provider unreachable"):
        token_client(cosmos_server, Failing())


def test_unknown_account_scope_falls_back_to_the_cosmos_scope(cosmos_server, container_address):
    credential = RecordingCredential(cosmos_server.key, refuse_scopes=(account_scope(cosmos_server),))
    with token_client(cosmos_server, credential) as client:
        container_of(client, container_address).upsert_item({"id": "fallback", "pk": "p"})
    assert credential.scopes == [(account_scope(cosmos_server),), ("https://cosmos.azure.com/.default",)]


def test_scope_override_is_the_only_scope(cosmos_server, container_address, monkeypatch):
    monkeypatch.setenv("AZURE_COSMOS_AAD_SCOPE_OVERRIDE", "https://example.test/override/.default")
    credential = RecordingCredential(cosmos_server.key, refuse_scopes=("https://example.test/override/.default",))
    with pytest.raises(ClientAuthenticationError, match="AADSTS500011"):
        token_client(cosmos_server, credential)
    # No fallback when the scope is overridden (4.x's rule).
    assert credential.scopes == [("https://example.test/override/.default",)]


def test_the_sync_client_refuses_an_async_credential(cosmos_server):
    class AsyncOnly:
        async def get_token(self, *scopes, **kwargs):
            raise AssertionError("never awaited")

    with pytest.raises(TypeError, match="AsyncTokenCredential"):
        token_client(cosmos_server, AsyncOnly())


def test_unrecognised_credentials_raise_type_error(cosmos_server):
    with pytest.raises(TypeError, match="Unrecognized credential type"):
        CosmosClient(cosmos_server.endpoint, 42, **cosmos_server.connection_kwargs)


def test_each_client_signs_with_its_own_credential(cosmos_server, container_address):
    # A key client resolves the container first; the token client's requests to it must still be
    # signed with the token (clients never share cached container references across credentials).
    with sync_client(cosmos_server) as key_client:
        container_of(key_client, container_address).upsert_item({"id": "by-key", "pk": "p"})
        credential = RecordingCredential(cosmos_server.key, lifetime=200)  # refreshed on every request
        with token_client(cosmos_server, credential) as client:
            before = len(credential.scopes)
            container_of(client, container_address).read_item("by-key", "p")
            assert len(credential.scopes) > before
