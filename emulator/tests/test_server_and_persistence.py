"""Starting the server (CLI and in-process), TLS, keep-alive, and durability across restarts."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from cosmos_emulator import WELL_KNOWN_KEY, EmulatorServer
from cosmos_http import CosmosHttp

EMULATOR_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def populate(http: CosmosHttp) -> None:
    assert http.create_database("keep").status == 201
    assert http.create_container("keep", "c", {"paths": ["/pk"], "kind": "Hash", "version": 2},
                                 headers={"x-ms-offer-throughput": "600"}).status == 201
    for index in range(20):
        assert http.request("POST", "/dbs/keep/colls/c/docs", {"id": f"d{index}", "pk": f"p{index % 3}"},
                            partition_key=[f"p{index % 3}"]).status == 201
    assert http.request("PUT", "/dbs/keep/colls/c/docs/d1", {"id": "d1", "pk": "p1", "v": "new"},
                        partition_key=["p1"]).status == 200
    assert http.request("DELETE", "/dbs/keep/colls/c/docs/d2", partition_key=["p2"]).status == 204


def check(http: CosmosHttp) -> None:
    assert http.request("GET", "/dbs/keep").status == 200
    read = http.request("GET", "/dbs/keep/colls/c/docs/d1", partition_key=["p1"])
    assert read.status == 200 and read.json["v"] == "new"
    assert http.request("GET", "/dbs/keep/colls/c/docs/d2", partition_key=["p2"]).status == 404
    feed = http.request("GET", "/dbs/keep/colls/c/docs", headers={"x-ms-max-item-count": "100"})
    assert len(feed.json["Documents"]) == 19
    offers = http.request("GET", "/offers").json["Offers"]
    assert [o["content"]["offerThroughput"] for o in offers] == [600]


def test_state_survives_clean_restart(tmp_path):
    with EmulatorServer(port=0, data_dir=str(tmp_path), partitions=4) as server:
        http = CosmosHttp(server.endpoint, server.key)
        populate(http)
        http.close()
    with EmulatorServer(port=0, data_dir=str(tmp_path), partitions=4) as server:
        http = CosmosHttp(server.endpoint, server.key)
        check(http)
        # New writes after recovery must not reuse resource ids.
        created = http.request("POST", "/dbs/keep/colls/c/docs", {"id": "later", "pk": "p0"}, partition_key=["p0"])
        rids = {d["_rid"] for d in http.request("GET", "/dbs/keep/colls/c/docs",
                                                 headers={"x-ms-max-item-count": "100"}).json["Documents"]}
        assert created.status == 201 and len(rids) == 20
        http.close()


def test_acknowledged_writes_survive_a_killed_process(tmp_path):
    process = subprocess.Popen([sys.executable, "-m", "cosmos_emulator", "--port", "0", "--partitions", "4",
                                "--data-dir", str(tmp_path)],
                               cwd=EMULATOR_ROOT, stdout=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        endpoint = line.split("endpoint=")[1].split()[0]
        http = CosmosHttp(endpoint, WELL_KNOWN_KEY)
        populate(http)
        http.close()
    finally:
        process.kill()  # no clean shutdown: only the journal holds the writes
        process.wait()
    # A torn, never-acknowledged record at the end of the journal must be ignored.
    with open(tmp_path / "journal.jsonl", "ab") as journal:
        journal.write(b'[{"t":"db.put","db":{"id":"torn"')
    with EmulatorServer(port=0, data_dir=str(tmp_path), partitions=4) as server:
        http = CosmosHttp(server.endpoint, server.key)
        check(http)
        assert http.request("GET", "/dbs/torn").status == 404
        http.close()


def test_cli_prints_one_ready_line_with_real_port():
    process = subprocess.Popen([sys.executable, "-m", "cosmos_emulator", "--port", "0", "--partitions", "2"],
                               cwd=EMULATOR_ROOT, stdout=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline().strip()
        assert line.startswith("cosmos-emulator ready endpoint=http://127.0.0.1:")
        assert f"key={WELL_KNOWN_KEY}" in line
        endpoint = line.split("endpoint=")[1].split()[0]
        assert not endpoint.endswith(":0/")
        http = CosmosHttp(endpoint, WELL_KNOWN_KEY)
        http.create_database("d")
        http.create_container("d", "c", {"paths": ["/pk"]})
        assert len(http.request("GET", "/dbs/d/colls/c/pkranges").json["PartitionKeyRanges"]) == 2
        http.close()
    finally:
        process.terminate()
        assert process.wait(timeout=30) == 0


def test_tls_with_generated_certificate(tmp_path):
    with EmulatorServer(port=0, tls=True, data_dir=str(tmp_path), partitions=4) as server:
        assert server.endpoint.startswith("https://127.0.0.1:")
        http = CosmosHttp(server.endpoint, server.key)
        account = http.request("GET", "/").json
        assert account["writableLocations"][0]["databaseAccountEndpoint"] == server.endpoint
        http.close()
    from cryptography import x509
    certificate = x509.load_pem_x509_certificate((tmp_path / "tls" / "emulator-cert.pem").read_bytes())
    names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert "localhost" in names.get_values_for_type(x509.DNSName)
    assert "127.0.0.1" in [str(ip) for ip in names.get_values_for_type(x509.IPAddress)]


def test_account_document_names_127_0_0_1_whatever_host_the_client_used(server):
    http = CosmosHttp(server.endpoint.replace("127.0.0.1", "localhost"), server.key)
    account = http.request("GET", "/").json
    assert account["readableLocations"][0]["databaseAccountEndpoint"] == f"http://127.0.0.1:{server.port}/"
    assert account["userConsistencyPolicy"]["defaultConsistencyLevel"] == "Session"
    assert isinstance(account["queryEngineConfiguration"], str)
    assert account["enableMultipleWriteLocations"] is False
    for key in ("_rid", "id", "_self", "media", "addresses", "_dbs", "userReplicationPolicy",
                "systemReplicationPolicy", "readPolicy"):
        assert key in account
    http.close()


def test_keep_alive_reuses_connection(server):
    http = CosmosHttp(server.endpoint, server.key)
    http.request("GET", "/")
    connection = http._connection
    reply = http.request("GET", "/dbs")
    assert reply.status == 200 and http._connection is connection
    assert reply.headers.get("connection", "keep-alive").lower() != "close"
    http.close()


def test_port_in_use_fails_cleanly(server):
    with pytest.raises(OSError):
        EmulatorServer(port=server.port, partitions=4).start()


def test_body_over_read_limit_is_413_not_500(monkeypatch):
    from cosmos_emulator import app
    monkeypatch.setattr(app, "CLIENT_MAX_SIZE", 3 * 1024 * 1024)
    with EmulatorServer(port=0, partitions=4) as small:
        http = CosmosHttp(small.endpoint, small.key)
        http.create_database("d")
        http.create_container("d", "c", {"paths": ["/pk"]})
        reply = http.request("POST", "/dbs/d/colls/c/docs", {"id": "x", "pk": "a", "b": "x" * (4 * 1024 * 1024)},
                             partition_key=["a"])
        assert reply.status == 413 and reply.json["code"] == "RequestEntityTooLarge"
        http.close()
