"""Proxies from the environment (``HTTP_PROXY``/``HTTPS_PROXY``/``NO_PROXY``), as 4.x's requests and
aiohttp transports use them: every request of the engine (driver operations and the REST path) goes
through the proxy (each request over HTTP; over HTTPS the CONNECT tunnel, whose TLS the proxy cannot
read). Run in a child process so the variables never leak into other tests. The
``proxies`` / ``proxy_config`` keywords are not applied (the engine's transport takes no proxy URL),
and say so."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from azure.cosmos import CosmosClient, ProxyConfiguration

from ._forward_proxy import ForwardProxy

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

SYNC_PROGRAM = """
from azure.cosmos import CosmosClient, PartitionKey
with CosmosClient({endpoint!r}, {key!r}) as client:
    database = client.create_database_if_not_exists({database!r})
    container = database.create_container_if_not_exists("c", PartitionKey("/pk"))
    container.upsert_item({{"id": "1", "pk": "p"}})
    assert container.read_item("1", "p")["id"] == "1"
    assert list(database.list_users()) == []
    client.delete_database({database!r})
print("done")
"""



def run_through_proxy(server, program: str, database: str) -> list:
    """The requests the proxy saw for the server: each request over plain HTTP, the tunnel over HTTPS."""
    server.skip_unless("users")
    with ForwardProxy() as proxy:
        env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
        env.update(HTTP_PROXY=proxy.url, HTTPS_PROXY=proxy.url, PYTHONPATH=os.path.join(ROOT, "python"))
        source = textwrap.dedent(program).format(endpoint=server.endpoint, key=server.key, database=database)
        result = subprocess.run([sys.executable, "-c", source], env=env, capture_output=True, text=True,
                                timeout=120)
        assert result.returncode == 0, result.stderr[-3000:]
        assert result.stdout.strip().endswith("done")
        if server.endpoint.startswith("https://"):
            netloc = server.endpoint.split("/")[2]
            return [target for method, target in proxy.requests if method == "CONNECT" and target == netloc]
        return [url for _, url in proxy.requests if url.startswith(server.endpoint.rstrip("/"))]


def expect_every_kind_of_request(server, urls: list, database: str) -> None:
    if server.endpoint.startswith("https://"):
        assert urls, "no tunnel to the server went through the proxy"  # the TLS inside is not readable
        return
    paths = {url.split("/", 3)[3] for url in urls}
    assert "" in paths  # the account read
    assert f"dbs/{database}/colls/c/docs/1" in paths  # an item (driver)
    assert f"dbs/{database}/users" in paths  # the users feed (REST path)


def test_requests_go_through_the_environments_proxy(cosmos_server, unique_id):
    database = unique_id("db-proxy")
    expect_every_kind_of_request(cosmos_server, run_through_proxy(cosmos_server, SYNC_PROGRAM, database), database)


@pytest.mark.parametrize("keywords", [
    {"proxies": {"http": "http://127.0.0.1:9"}},
    {"proxy_config": ProxyConfiguration()},
])
def test_proxy_keywords_say_they_are_not_applied(cosmos_server, keywords):
    with pytest.warns(UserWarning, match="does not apply it"):
        client = CosmosClient(cosmos_server.endpoint, cosmos_server.key, **cosmos_server.connection_kwargs,
                              **keywords)
    client.close()
