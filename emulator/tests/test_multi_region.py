"""Multi-region simulation (``regions=[...]`` / ``--regions``): one account served by every region at its own
port, the account document listing them (write region first), writes refused 403/3 at a read region, and fault
rules that name a region. azure-cosmos 4.17.1's routing over such a server: tests/conformance/test_regions.py."""
from __future__ import annotations

import json
import socket

import pytest

from cosmos_emulator import EmulatorServer
from cosmos_emulator.__main__ import parse_arguments
from cosmos_emulator.regions import parse_regions
from cosmos_http import CosmosHttp, unique

REGIONS = ["West US", "East US", "North Europe"]


@pytest.fixture(scope="module")
def regional():
    with EmulatorServer(port=0, partitions=1, regions=REGIONS) as running:
        yield running


@pytest.fixture()
def clients(regional):
    made = {name: CosmosHttp(endpoint, regional.key) for name, endpoint in regional.region_endpoints.items()}
    yield made
    for client in made.values():
        client.close()


def test_each_region_has_its_own_endpoint_listed_write_region_first(regional, clients):
    endpoints = regional.region_endpoints
    assert list(endpoints) == REGIONS
    assert endpoints["West US"] == regional.endpoint
    assert len({endpoint for endpoint in endpoints.values()}) == 3
    expected_readable = [{"name": name, "databaseAccountEndpoint": endpoints[name]} for name in REGIONS]
    for client in clients.values():
        account = client.request("GET", "/").json
        assert account["writableLocations"] == [expected_readable[0]]
        assert account["readableLocations"] == expected_readable
        assert account["enableMultipleWriteLocations"] is False


def test_writes_only_in_the_write_region_reads_everywhere(clients):
    west, east = clients["West US"], clients["East US"]
    database = unique("db")
    refused = east.create_database(database)
    assert (refused.status, refused.headers.get("x-ms-substatus")) == (403, "3")
    assert "not a write region" in refused.json["message"]
    assert west.create_database(database).status == 201
    try:
        assert west.create_container(database, "c", {"paths": ["/pk"], "kind": "Hash", "version": 2}).status == 201
        path = f"/dbs/{database}/colls/c"
        assert west.request("POST", f"{path}/docs", {"id": "a", "pk": "p", "v": 1}, partition_key=["p"]).status == 201
        for verb, route, body in (("POST", "docs", {"id": "b", "pk": "p"}), ("PUT", "docs/a", {"id": "a", "pk": "p"}),
                                  ("DELETE", "docs/a", None)):
            reply = east.request(verb, f"{path}/{route}", body, partition_key=["p"])
            assert (reply.status, reply.headers.get("x-ms-substatus")) == (403, "3"), (verb, route)
        # One copy of the data: every region reads (and queries) what the write region wrote.
        for client in clients.values():
            assert client.request("GET", f"{path}/docs/a", partition_key=["p"]).json["v"] == 1
            rows = client.query(f"{path}/docs", "SELECT VALUE c.id FROM c", partition_key=["p"]).json["Documents"]
            assert rows == ["a"]
    finally:
        west.request("DELETE", f"/dbs/{database}")


def test_fault_rules_can_name_a_region(regional, clients):
    rule = regional.faults.inject(region="East US", operation="account", status=503, count=5)
    try:
        assert clients["East US"].request("GET", "/").status == 503
        assert clients["West US"].request("GET", "/").status == 200
        assert clients["North Europe"].request("GET", "/").status == 200
        assert rule.hits == 1
        assert rule.to_json()["region"] == "East US"
    finally:
        regional.faults.clear()


def test_admin_endpoint_takes_the_region(regional):
    import http.client
    connection = http.client.HTTPConnection("127.0.0.1", regional.port, timeout=10)
    try:
        connection.request("POST", "/_emulator/faults", json.dumps({"operation": "read", "status": 503,
                                                                    "region": "North Europe"}),
                           {"x-ms-emulator-key": regional.key, "content-type": "application/json"})
        reply = connection.getresponse()
        assert reply.status == 201
        assert json.loads(reply.read())["region"] == "North Europe"
    finally:
        connection.close()
        regional.faults.clear()


def test_single_region_server_is_unchanged(server):
    assert server.region_endpoints == {}
    client = CosmosHttp(server.endpoint, server.key)
    try:
        account = client.request("GET", "/").json
    finally:
        client.close()
    assert [entry["name"] for entry in account["readableLocations"]] == ["South Central US"]


def test_a_given_port_and_the_next_ones():
    for _ in range(5):  # another process may take a probed port meanwhile: probe again
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        base = probe.getsockname()[1]
        probe.close()
        try:
            server = EmulatorServer(port=base, regions=["A", "B"]).start()
        except OSError:
            continue
        try:
            assert server.region_endpoints == {"A": f"http://127.0.0.1:{base}/",
                                               "B": f"http://127.0.0.1:{base + 1}/"}
            return
        finally:
            server.stop()
    raise AssertionError("no two consecutive free ports found in five tries")


def test_command_line_regions():
    assert parse_arguments(["--regions", "West US, East US"]).regions == ["West US", "East US"]
    assert parse_arguments([]).regions is None
    for bad in ("", " , ", "West US,west us"):
        with pytest.raises(ValueError):
            parse_regions(bad)
    with pytest.raises(SystemExit):
        parse_arguments(["--regions", ","])
    with pytest.raises(ValueError):
        EmulatorServer(regions=[])
