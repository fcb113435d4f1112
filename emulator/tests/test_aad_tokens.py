"""Microsoft Entra ID (AAD) bearer tokens, as the official emulator accepts them: the unsigned test JWT whose
signature part is the base64 of the account key, the data-plane permission model (403/5300 for management)."""
from __future__ import annotations

import asyncio
import base64
import importlib.util
import json
import time
from urllib.parse import quote

import pytest

from cosmos_emulator import WELL_KNOWN_KEY
from cosmos_emulator.aad import AsyncEmulatorCredential, EmulatorCredential, emulator_token
from cosmos_http import unique

PK = {"paths": ["/pk"], "kind": "Hash", "version": 2}
HAS_RUNTIME = importlib.util.find_spec("cosmos_emulator.scripts") is not None


def bearer(token, encode=True):
    text = f"type=aad&ver=1.0&sig={token}"
    return quote(text, safe="-_.!~*'()") if encode else text


def dotnet_style_token(key=WELL_KNOWN_KEY, lifetime=3600):
    """As the .NET SDK's emulator tests build it: standard base64 with padding for every part."""
    now = int(time.time())
    header = '{"typ":"JWT","alg":"RS256","x5t":"CosmosEmulatorPrimaryMaster","kid":"CosmosEmulatorPrimaryMaster"}'
    claims = json.dumps({"aud": "https://localhost.localhost", "iat": now, "nbf": now, "exp": now + lifetime,
                         "oid": "96313034-4739-43cb-93cd-74193adbe5b6", "tid": "EmulatorFederation"})
    return ".".join(base64.b64encode(part.encode()).decode() for part in (header, claims, key))


@pytest.fixture()
def aad(http):
    def send(verb, path, body=None, token=None, **kwargs):
        return http.request(verb, path, body, auth=bearer(token or emulator_token(http.key)), **kwargs)
    return send


def test_data_plane_operations_with_a_token(http, aad, container):
    assert aad("GET", "/").status == 200
    assert aad("GET", container.rsplit("/colls", 1)[0]).status == 200
    assert aad("GET", container).status == 200
    assert aad("GET", f"{container}/pkranges").status == 200
    created = aad("POST", f"{container}/docs", {"id": "a", "pk": "p", "n": 1}, partition_key=["p"])
    assert created.status == 201
    assert aad("GET", f"{container}/docs/a", partition_key=["p"]).json["n"] == 1
    assert aad("PUT", f"{container}/docs/a", {"id": "a", "pk": "p", "n": 2}, partition_key=["p"]).status == 200
    assert aad("PATCH", f"{container}/docs/a", {"operations": [{"op": "incr", "path": "/n", "value": 1}]},
               partition_key=["p"]).json["n"] == 3
    query = http.query(f"{container}/docs", "SELECT VALUE c.n FROM c", partition_key=["p"],
                       auth=bearer(emulator_token(http.key)))
    assert query.status == 200 and query.json["Documents"] == [3]
    batch = aad("POST", f"{container}/docs", [{"operationType": "Read", "id": "a"}], partition_key=["p"],
                headers={"x-ms-cosmos-is-batch-request": "true", "x-ms-cosmos-batch-atomic": "true"})
    assert batch.status == 200
    feed = aad("GET", f"{container}/docs", headers={"a-im": "Incremental feed"}, partition_key=["p"])
    assert feed.status == 200 and [d["id"] for d in feed.json["Documents"]] == ["a"]
    assert aad("GET", f"{container}/conflicts").status == 200
    databases = http.query("/dbs", "SELECT * FROM root r", auth=bearer(emulator_token(http.key)))
    assert databases.status == 200
    assert aad("DELETE", f"{container}/docs/a", partition_key=["p"]).status == 204


@pytest.mark.skipif(not HAS_RUNTIME, reason="the JavaScript runtime is not installed")
def test_stored_procedures_run_but_are_managed_with_the_key(http, aad, container):
    assert http.request("POST", f"{container}/sprocs", {"id": "s", "body": "function (x) { getContext()"
                                                        ".getResponse().setBody(x + 1); }"}).status == 201
    run = aad("POST", f"{container}/sprocs/s", [41], partition_key=["p"])
    assert run.status == 200 and run.json == 42
    for verb, path in (("GET", f"{container}/sprocs/s"), ("GET", f"{container}/sprocs"),
                       ("DELETE", f"{container}/sprocs/s")):
        assert aad(verb, path).status == 403


def test_management_operations_are_forbidden(http, aad, database, container):
    reply = aad("POST", "/dbs", {"id": "nope"})
    assert reply.status == 403 and reply.headers["x-ms-substatus"] == "5300"
    assert reply.json["message"].startswith(
        "Request blocked by Auth localhost : The given request [POST /dbs] cannot be authorized by AAD token in data "
        "plane. Learn more: https://aka.ms/cosmos-native-rbac.")
    assert http.request("GET", "/dbs/nope").status == 404  # nothing written
    created = aad("POST", f"/dbs/{database}/colls", {"id": "c2", "partitionKey": PK})
    assert created.status == 403 and f"[POST /dbs/{database}/colls]" in created.json["message"]
    body = http.request("GET", container).json
    for verb, path, payload in (("PUT", container, body), ("DELETE", container, None),
                                ("DELETE", f"/dbs/{database}", None), ("GET", "/offers", None),
                                ("POST", f"{container}/udfs", {"id": "u", "body": "function () {}"}),
                                ("GET", f"{container}/triggers", None), ("GET", f"/dbs/{database}/users", None),
                                ("POST", f"/dbs/{database}/users", {"id": "alice"})):
        reply = aad(verb, path, payload)
        assert (reply.status, reply.headers.get("x-ms-substatus")) == (403, "5300"), (verb, path)
    assert http.request("GET", container).status == 200 and http.request("GET", f"/dbs/{database}").status == 200


def test_tokens_built_as_the_other_sdks_build_them(http, container):
    for token in (dotnet_style_token(http.key), emulator_token(http.key)):
        for encoded in (True, False):
            reply = http.request("GET", container, auth=bearer(token, encode=encoded))
            assert reply.status == 200, (token[:20], encoded)


@pytest.mark.parametrize("make, why", [
    (lambda key: emulator_token(key, lifetime=-3600), "expired"),
    (lambda key: emulator_token(key, now=time.time() + 3600), "not valid yet"),
    (lambda key: emulator_token("b3RoZXIga2V5"), "signature does not match"),
    (lambda key: dotnet_style_token("b3RoZXIga2V5"), "signature does not match"),
    (lambda key: emulator_token(key).replace(emulator_token(key).split(".")[0], base64.urlsafe_b64encode(
        b'{"typ":"JWT","alg":"RS256","kid":"SomeoneElse"}').decode().rstrip("=")), "emulator's key"),
    (lambda key: "not-a-jwt", "not a JWT"),
    (lambda key: "a.b.c", "could not be decoded"),
    (lambda key: emulator_token(key, claims={"exp": None}), "expired"),
])
def test_bad_tokens_are_401(http, container, make, why):
    reply = http.request("GET", container, auth=bearer(make(http.key)))
    assert reply.status == 401 and reply.json["code"] == "Unauthorized"
    assert why in reply.json["message"]


def test_credentials_hand_out_accepted_tokens(http, container):
    credential = EmulatorCredential(http.key)
    access = credential.get_token("https://127.0.0.1/.default")
    assert access.expires_on > time.time() + 3000
    assert http.request("GET", container, auth=bearer(access.token)).status == 200
    assert credential.requested_scopes == [("https://127.0.0.1/.default",)]
    asynchronous = asyncio.run(AsyncEmulatorCredential(http.key).get_token("scope"))
    assert http.request("GET", container, auth=bearer(asynchronous.token)).status == 200
    claims = json.loads(base64.urlsafe_b64decode(access.token.split(".")[1] + "=="))
    assert claims["tid"] == "EmulatorFederation" and claims["exp"] - claims["nbf"] == 7200


def test_a_token_for_another_servers_key_is_refused(http, container):
    other = unique("k").encode().hex()
    assert http.request("GET", container, auth=bearer(emulator_token(base64.b64encode(other.encode()).decode()))
                        ).status == 401
