"""The account document's locations as the official emulator advertises them: ``127.0.0.1`` whatever host name
the client used, with the scheme and port actually served; configurable (``advertised_host`` /
``--advertised-host``)."""
from __future__ import annotations

import http.client
import json

import pytest

from cosmos_emulator import EmulatorServer
from cosmos_emulator.__main__ import parse_arguments
from cosmos_emulator.server import ADVERTISE_DEFAULT, default_advertised_host
from cosmos_http import CosmosHttp


def locations(endpoint, key, **kwargs):
    client = CosmosHttp(endpoint, key)
    try:
        account = client.request("GET", "/", **kwargs).json
    finally:
        client.close()
    return ([entry["databaseAccountEndpoint"] for entry in account["writableLocations"]],
            [entry["databaseAccountEndpoint"] for entry in account["readableLocations"]])


def test_any_host_name_is_advertised_as_127_0_0_1_with_the_served_port(server):
    expected = [f"http://127.0.0.1:{server.port}/"]
    for endpoint in (server.endpoint, server.endpoint.replace("127.0.0.1", "localhost")):
        assert locations(endpoint, server.key) == (expected, expected)


def test_the_served_port_not_the_host_headers(server):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        # A client behind a port forward addresses another port; the location names the port served.
        from cosmos_http import sign
        import email.utils
        date = email.utils.formatdate(usegmt=True)
        connection.request("GET", "/", headers={"host": "cosmos.example:9999", "x-ms-date": date,
                                                "authorization": sign(server.key, "GET", "", "", date)})
        account = json.loads(connection.getresponse().read())
    finally:
        connection.close()
    assert account["writableLocations"][0]["databaseAccountEndpoint"] == f"http://127.0.0.1:{server.port}/"


def test_https_keeps_its_scheme(tmp_path):
    with EmulatorServer(port=0, tls=True, data_dir=str(tmp_path), partitions=4) as running:
        expected = [f"https://127.0.0.1:{running.port}/"]
        assert locations(running.endpoint.replace("127.0.0.1", "localhost"), running.key) == (expected, expected)


@pytest.mark.parametrize("advertised, expected_host", [(None, "localhost"), ("cosmos.test", "cosmos.test")])
def test_advertised_host_is_configurable(advertised, expected_host):
    with EmulatorServer(port=0, partitions=4, advertised_host=advertised) as running:
        writable, readable = locations(running.endpoint.replace("127.0.0.1", "localhost"), running.key)
        assert writable == readable == [f"http://{expected_host}:{running.port}/"]


def test_defaults_and_the_command_line():
    assert default_advertised_host("127.0.0.1") == default_advertised_host("0.0.0.0") == "127.0.0.1"
    assert default_advertised_host("localhost") == "127.0.0.1"
    assert default_advertised_host("10.1.2.3") == "10.1.2.3"
    assert default_advertised_host("::1") == "[::1]"
    assert parse_arguments([]).advertised_host == ADVERTISE_DEFAULT
    assert parse_arguments(["--advertised-host", "request"]).advertised_host == "request"
    assert EmulatorServer(port=0).advertised_host == "127.0.0.1"
    assert EmulatorServer(port=0, advertised_host=None).advertised_host is None
