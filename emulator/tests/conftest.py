"""Fixtures: one in-process emulator per test session, plus per-test databases."""
from __future__ import annotations

import pytest

from cosmos_emulator import EmulatorServer

from cosmos_http import CosmosHttp, unique


@pytest.fixture(scope="session")
def server():
    with EmulatorServer(port=0, partitions=4) as running:
        yield running


@pytest.fixture()
def http(server):
    client = CosmosHttp(server.endpoint, server.key)
    yield client
    client.close()


@pytest.fixture()
def database(http):
    name = unique("db")
    reply = http.create_database(name)
    assert reply.status == 201, reply
    yield name
    http.request("DELETE", f"/dbs/{name}")


@pytest.fixture()
def container(http, database):
    name = unique("c")
    reply = http.create_container(database, name, {"paths": ["/pk"], "kind": "Hash", "version": 2})
    assert reply.status == 201, reply
    return f"/dbs/{database}/colls/{name}"
