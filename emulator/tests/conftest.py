"""Fixtures: one in-process emulator per test session, plus per-test databases."""
from __future__ import annotations

import pytest

from cosmos_emulator import EmulatorServer

from cosmos_http import CosmosHttp, unique

SPROC_BODY = "function (x) { getContext().getResponse().setBody(x + 1); }"


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


@pytest.fixture()
def resource_tree(http, database):
    """One of each resource, created by name; their bodies as the emulator answered them."""
    name = unique("c")
    created = {"db": http.request("GET", f"/dbs/{database}").json}
    reply = http.create_container(database, name, {"paths": ["/pk"], "kind": "Hash", "version": 2},
                                  headers={"x-ms-offer-throughput": "400"})
    assert reply.status == 201
    created["coll"] = reply.json
    path = f"/dbs/{database}/colls/{name}"
    for key, route, body, extra in (
            ("doc", "docs", {"id": "a", "pk": "p", "n": 1}, {"partition_key": ["p"]}),
            ("sproc", "sprocs", {"id": "s", "body": SPROC_BODY}, {}),
            ("trigger", "triggers", {"id": "t", "body": "function () {}", "triggerType": "Pre",
                                     "triggerOperation": "All"}, {}),
            ("udf", "udfs", {"id": "u", "body": "function () { return 1; }"}, {})):
        reply = http.request("POST", f"{path}/{route}", body, **extra)
        assert reply.status == 201, reply
        created[key] = reply.json
    created["user"] = http.request("POST", f"/dbs/{database}/users", {"id": "alice"}).json
    created["perm"] = http.request("POST", f"/dbs/{database}/users/alice/permissions",
                                   {"id": "read", "permissionMode": "Read", "resource": path.strip("/")}).json
    created["pkrange"] = http.request("GET", f"{path}/pkranges").json["PartitionKeyRanges"][0]
    created["offer"] = next(offer for offer in http.request("GET", "/offers").json["Offers"]
                            if offer["offerResourceId"] == created["coll"]["_rid"])
    created["path"] = path
    return created
