"""Script bodies holding U+2028, U+2029 or U+0085 (in string literals, comments, arguments and results) are stored
as written and run: JSON allows these characters raw, JavaScript since ES2019 too."""
from __future__ import annotations

import importlib.util
import json

import pytest

from cosmos_emulator import EmulatorServer
from cosmos_http import CosmosHttp

pytestmark = pytest.mark.skipif(importlib.util.find_spec("cosmos_emulator.scripts") is None,
                                reason="the JavaScript runtime is not installed")
SEPARATORS = ["\u2028", "\u2029", "\u0085"]


def run(http, container, sproc_id, params=(), **kwargs):
    return http.request("POST", f"{container}/sprocs/{sproc_id}", list(params), partition_key=["p"], **kwargs)


@pytest.mark.parametrize("separator", SEPARATORS)
@pytest.mark.parametrize("quote", ['"', "'", "`"])
def test_string_literals_with_line_separators_run(http, container, separator, quote):
    body = (f"function () {{ var s = {quote}a{separator}b{quote}; // a comment{separator}\n"
            f"  getContext().getResponse().setBody([s, s.length, s.charCodeAt(1)]); }}")
    created = http.request("POST", f"{container}/sprocs", {"id": "s", "body": body})
    assert created.status == 201, created
    assert created.json["body"] == body
    assert http.request("GET", f"{container}/sprocs/s").json["body"] == body
    reply = run(http, container, "s")
    assert reply.status == 200, reply
    assert reply.json == [f"a{separator}b", 3, ord(separator)]


def test_escaped_in_the_request_json_as_clients_send_them(http, container):
    body = "function (x) { getContext().getResponse().setBody(x + '\u2028|\u2029|\u0085'); }"
    raw = json.dumps({"id": "s", "body": body}, ensure_ascii=True).encode()  # \\u2028 escapes, as json.dumps writes
    assert b"\\u2028" in raw
    assert http.request("POST", f"{container}/sprocs", raw_body=raw,
                        headers={"content-type": "application/json"}).status == 201
    reply = run(http, container, "s", ["in\u2028put"])
    assert reply.status == 200 and reply.json == "in\u2028put\u2028|\u2029|\u0085"


@pytest.mark.parametrize("separator", SEPARATORS)
def test_logs_errors_triggers_and_udfs(http, container, separator):
    logged = f"function () {{ console.log('log{separator}line'); getContext().getResponse().setBody(1); }}"
    http.request("POST", f"{container}/sprocs", {"id": "log", "body": logged})
    reply = run(http, container, "log", headers={"x-ms-documentdb-script-enable-logging": "true"})
    assert reply.status == 200
    from urllib.parse import unquote
    assert unquote(reply.headers["x-ms-documentdb-script-log-results"]) == f"log{separator}line"
    http.request("POST", f"{container}/sprocs", {"id": "bad", "body": f"function () {{ throw new Error('x{separator}y'); }}"})
    failed = run(http, container, "bad")
    assert failed.status == 400 and "Error: x" in failed.json["message"]
    trigger = f"function () {{ var r = getContext().getRequest(); var d = r.getBody(); d.t = 't{separator}'; r.setBody(d); }}"
    assert http.request("POST", f"{container}/triggers", {"id": "pre", "body": trigger, "triggerType": "Pre",
                                                          "triggerOperation": "All"}).status == 201
    created = http.request("POST", f"{container}/docs", {"id": "d", "pk": "p"}, partition_key=["p"],
                           headers={"x-ms-documentdb-pre-trigger-include": "pre"})
    assert created.status == 201 and created.json["t"] == f"t{separator}"
    assert http.request("POST", f"{container}/udfs", {"id": "u", "body": f"function (x) {{ return x + '{separator}'; }}"}
                        ).status == 201
    query = http.query(f"{container}/docs", "SELECT VALUE udf.u(c.id) FROM c", partition_key=["p"])
    assert query.status == 200 and query.json["Documents"] == [f"d{separator}"]


def test_bodies_survive_a_restart(tmp_path):
    body = "function () { getContext().getResponse().setBody(['x\u2028y', 'x\u2029y', 'x\u0085y']); }"
    with EmulatorServer(port=0, data_dir=str(tmp_path), partitions=4) as server:
        http = CosmosHttp(server.endpoint, server.key)
        http.create_database("d")
        http.create_container("d", "c", {"paths": ["/pk"], "kind": "Hash", "version": 2})
        assert http.request("POST", "/dbs/d/colls/c/sprocs", {"id": "s", "body": body}).status == 201
        http.close()
    with EmulatorServer(port=0, data_dir=str(tmp_path), partitions=4) as server:
        http = CosmosHttp(server.endpoint, server.key)
        assert http.request("GET", "/dbs/d/colls/c/sprocs/s").json["body"] == body
        reply = http.request("POST", "/dbs/d/colls/c/sprocs/s", [], partition_key=["p"])
        assert reply.status == 200 and reply.json == ["x\u2028y", "x\u2029y", "x\u0085y"]
        http.close()
