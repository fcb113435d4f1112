"""Time to live, unique keys, offers, and the query route over storage."""
from __future__ import annotations

import importlib.util
import json

import pytest

from cosmos_http import unique

HAS_QUERY_ENGINE = importlib.util.find_spec("cosmos_emulator.query.gateway") is not None
needs_query_engine = pytest.mark.skipif(not HAS_QUERY_ENGINE, reason="query engine not yet landed")


class ManualClock:
    """A clock the test moves forward by hand, so expiry is observed without sleeping."""

    def __init__(self, start: float):
        self.value = start

    def __call__(self) -> float:
        return self.value


@pytest.fixture()
def clock(server):
    import time
    manual = ManualClock(time.time())
    original = server.account.clock
    server.account.clock = manual
    yield manual
    server.account.clock = original


def make_container(http, database, **extra):
    name = unique("c")
    reply = http.create_container(database, name, {"paths": ["/pk"], "kind": "Hash", "version": 2}, extra=extra)
    assert reply.status == 201, reply
    return f"/dbs/{database}/colls/{name}", reply.json


def put(http, path, doc):
    return http.request("POST", f"{path}/docs", doc, partition_key=[doc["pk"]])


# ---------------------------------------------------------------------------------------------- TTL
def test_container_default_ttl_expires_items(http, database, clock):
    path, _ = make_container(http, database, defaultTtl=10)
    assert put(http, path, {"id": "a", "pk": "p"}).status == 201
    assert put(http, path, {"id": "forever", "pk": "p", "ttl": -1}).status == 201
    assert put(http, path, {"id": "longer", "pk": "p", "ttl": 100}).status == 201
    clock.value += 11
    assert http.request("GET", f"{path}/docs/a", partition_key=["p"]).status == 404
    assert http.request("GET", f"{path}/docs/forever", partition_key=["p"]).status == 200
    assert http.request("GET", f"{path}/docs/longer", partition_key=["p"]).status == 200
    feed = http.request("GET", f"{path}/docs").json["Documents"]
    assert sorted(d["id"] for d in feed) == ["forever", "longer"]
    # An expired id can be created again.
    assert put(http, path, {"id": "a", "pk": "p"}).status == 201


def test_item_ttl_needs_container_ttl_enabled(http, database, clock):
    path, _ = make_container(http, database)
    assert put(http, path, {"id": "x", "pk": "p", "ttl": 1}).status == 201
    clock.value += 5
    assert http.request("GET", f"{path}/docs/x", partition_key=["p"]).status == 200
    opt_in, _ = make_container(http, database, defaultTtl=-1)
    assert put(http, opt_in, {"id": "x", "pk": "p", "ttl": 1}).status == 201
    assert put(http, opt_in, {"id": "y", "pk": "p"}).status == 201
    clock.value += 5
    assert http.request("GET", f"{opt_in}/docs/x", partition_key=["p"]).status == 404
    assert http.request("GET", f"{opt_in}/docs/y", partition_key=["p"]).status == 200


def test_ttl_follows_container_replace(http, database, clock):
    path, properties = make_container(http, database)
    assert put(http, path, {"id": "x", "pk": "p"}).status == 201
    clock.value += 100
    properties["defaultTtl"] = 50
    assert http.request("PUT", path, properties).status == 200
    assert http.request("GET", f"{path}/docs/x", partition_key=["p"]).status == 404


def test_invalid_default_ttl_is_400(http, database):
    for bad in (0, -2, "10"):
        assert http.create_container(database, unique("c"), {"paths": ["/pk"]}, extra={"defaultTtl": bad}).status == 400


# --------------------------------------------------------------------------------------- unique keys
def test_unique_keys_within_logical_partition(http, database):
    path, body = make_container(http, database, uniqueKeyPolicy={"uniqueKeys": [{"paths": ["/email"]}]})
    assert body["uniqueKeyPolicy"] == {"uniqueKeys": [{"paths": ["/email"]}]}
    assert put(http, path, {"id": "1", "pk": "p", "email": "a@x"}).status == 201
    clash = put(http, path, {"id": "2", "pk": "p", "email": "a@x"})
    assert clash.status == 409 and clash.json["code"] == "Conflict"
    assert put(http, path, {"id": "2", "pk": "other", "email": "a@x"}).status == 201
    assert put(http, path, {"id": "3", "pk": "p", "email": "b@x"}).status == 201
    replace = http.request("PUT", f"{path}/docs/3", {"id": "3", "pk": "p", "email": "a@x"}, partition_key=["p"])
    assert replace.status == 409
    same = http.request("PUT", f"{path}/docs/1", {"id": "1", "pk": "p", "email": "a@x", "v": 2}, partition_key=["p"])
    assert same.status == 200
    http.request("DELETE", f"{path}/docs/1", partition_key=["p"])
    assert put(http, path, {"id": "4", "pk": "p", "email": "a@x"}).status == 201


def test_unique_key_composite_and_missing_values(http, database):
    path, _ = make_container(http, database, uniqueKeyPolicy={"uniqueKeys": [{"paths": ["/a", "/b"]}]})
    assert put(http, path, {"id": "1", "pk": "p", "a": 1, "b": 1}).status == 201
    assert put(http, path, {"id": "2", "pk": "p", "a": 1, "b": 2}).status == 201
    assert put(http, path, {"id": "3", "pk": "p", "a": 1, "b": 1.0}).status == 409
    assert put(http, path, {"id": "4", "pk": "p"}).status == 201
    assert put(http, path, {"id": "5", "pk": "p"}).status == 409


def test_unique_key_policy_cannot_change(http, database):
    path, body = make_container(http, database, uniqueKeyPolicy={"uniqueKeys": [{"paths": ["/a"]}]})
    body["uniqueKeyPolicy"] = {"uniqueKeys": [{"paths": ["/b"]}]}
    assert http.request("PUT", path, body).status == 400


# --------------------------------------------------------------------------------------------- offers
def test_offer_read_and_replace_manual(http, database):
    reply = http.create_container(database, unique("c"), {"paths": ["/pk"]}, headers={"x-ms-offer-throughput": "400"})
    offers = [o for o in http.request("GET", "/offers").json["Offers"] if o["offerResourceId"] == reply.json["_rid"]]
    offer = offers[0]
    assert offer["offerVersion"] == "V2" and offer["_self"] == f"offers/{offer['_rid']}/"
    read = http.request("GET", f"/offers/{offer['_rid']}", sign_as=("offers", offer["_rid"].lower()))
    assert read.status == 200 and read.json == offer
    offer["content"]["offerThroughput"] = 1000
    replaced = http.request("PUT", f"/offers/{offer['_rid']}", offer, sign_as=("offers", offer["_rid"].lower()))
    assert replaced.status == 200 and replaced.json["content"]["offerThroughput"] == 1000
    offer["content"]["offerThroughput"] = 150
    assert http.request("PUT", f"/offers/{offer['_rid']}", offer, sign_as=("offers", offer["_rid"].lower())).status == 400
    stale = http.request("PUT", f"/offers/{offer['_rid']}", dict(offer, content={"offerThroughput": 500}),
                         sign_as=("offers", offer["_rid"].lower()), headers={"if-match": offer["_etag"]})
    assert stale.status == 412


def test_autoscale_offer_on_database(http):
    name = unique("db")
    reply = http.create_database(name, headers={"x-ms-cosmos-offer-autopilot-settings": '{"maxThroughput": 4000}'})
    assert reply.status == 201
    offer = [o for o in http.request("GET", "/offers").json["Offers"] if o["offerResourceId"] == reply.json["_rid"]][0]
    assert offer["content"]["offerAutopilotSettings"]["maxThroughput"] == 4000
    assert offer["content"]["offerThroughput"] == 400
    bad = http.create_database(unique("db"), headers={"x-ms-cosmos-offer-autopilot-settings": '{"maxThroughput": 1500}'})
    assert bad.status == 400
    http.request("DELETE", f"/dbs/{name}")
    assert not [o for o in http.request("GET", "/offers").json["Offers"] if o["offerResourceId"] == reply.json["_rid"]]


def test_missing_offer_is_404(http):
    assert http.request("GET", "/offers/AAAA", sign_as=("offers", "aaaa")).status == 404


def test_offer_path_that_is_not_a_resource_id_is_400(http):
    # Offers are addressed by rid only: text that does not decode as one is malformed, not missing.
    assert http.request("GET", "/offers/AAAAx", sign_as=("offers", "aaaax")).status == 400
    assert http.request("PUT", "/offers/AAAAx", {"id": "AAAAx", "_rid": "AAAAx", "content": {}},
                        sign_as=("offers", "aaaax")).status == 400


def test_offer_replacement_must_name_the_offer_it_replaces(http, database):
    reply = http.create_container(database, unique("c"), {"paths": ["/pk"]}, headers={"x-ms-offer-throughput": "400"})
    offer = [o for o in http.request("GET", "/offers").json["Offers"] if o["offerResourceId"] == reply.json["_rid"]][0]
    sign = ("offers", offer["_rid"].lower())
    content = dict(offer["content"], offerThroughput=500)
    missing_rid = {key: value for key, value in offer.items() if key != "_rid"}
    for body in (dict(offer, _rid="NotAllowed"), dict(offer, id=None, _rid=None), dict(offer, id="ZZZZ"),
                 missing_rid):
        refused = http.request("PUT", f"/offers/{offer['_rid']}", dict(body, content=content), sign_as=sign)
        assert refused.status == 400, body
    unchanged = http.request("GET", f"/offers/{offer['_rid']}", sign_as=sign).json
    assert unchanged["content"]["offerThroughput"] == 400
    replaced = http.request("PUT", f"/offers/{offer['_rid']}", dict(offer, content=content), sign_as=sign)
    assert replaced.status == 200 and replaced.json["content"]["offerThroughput"] == 500


# ---------------------------------------------------------------------------------------------- query
@needs_query_engine
def test_query_single_partition_and_paging(http, container):
    for index in range(12):
        put(http, container, {"id": f"q{index}", "pk": "qp", "n": index})
    put(http, container, {"id": "other", "pk": "elsewhere", "n": 99})
    seen, token = [], None
    while True:
        headers = {"x-ms-max-item-count": "5"}
        if token:
            headers["x-ms-continuation"] = token
        reply = http.query(f"{container}/docs", "SELECT * FROM c WHERE c.n >= @min", [{"name": "@min", "value": 0}],
                           partition_key=["qp"], headers=headers)
        assert reply.status == 200, reply
        assert reply.json["_rid"] and reply.headers["x-ms-item-count"] == str(len(reply.json["Documents"]))
        seen.extend(d["id"] for d in reply.json["Documents"])
        token = reply.headers.get("x-ms-continuation")
        if not token:
            break
    assert sorted(seen) == sorted(f"q{i}" for i in range(12))


@needs_query_engine
def test_query_cross_partition_needs_header(http, container):
    for index in range(8):
        put(http, container, {"id": f"x{index}", "pk": f"k{index}"})
    refused = http.query(f"{container}/docs", "SELECT * FROM c")
    assert refused.status == 400
    allowed = http.query(f"{container}/docs", "SELECT * FROM c",
                         headers={"x-ms-documentdb-query-enablecrosspartition": "true", "x-ms-max-item-count": "100"})
    assert allowed.status == 200 and len(allowed.json["Documents"]) == 8
    assert float(allowed.headers["x-ms-request-charge"]) > 0


@needs_query_engine
def test_query_the_gateway_cannot_serve_answers_1004_with_the_plan_in_the_error_body(http, container):
    put(http, container, {"id": "a", "pk": "k1", "n": 1})
    reply = http.query(f"{container}/docs", "SELECT * FROM c ORDER BY c.n",
                       headers={"x-ms-documentdb-query-enablecrosspartition": "true"})
    assert (reply.status, reply.headers.get("x-ms-substatus"), reply.json["code"]) == (400, "1004", "BadRequest")
    # Sent as JSON text inside the JSON body, as the service does.
    assert isinstance(reply.json["additionalErrorInfo"], str)
    plan = json.loads(reply.json["additionalErrorInfo"])
    assert plan["partitionedQueryExecutionInfoVersion"] == 2
    assert plan["queryInfo"]["orderBy"] == ["Ascending"]
    other_failure = http.query(f"{container}/docs", "SELEC * FROM c", partition_key=["k1"])
    assert other_failure.status == 400 and "additionalErrorInfo" not in other_failure.json


@needs_query_engine
def test_query_range_id_scopes_to_one_range(http, container):
    for index in range(30):
        put(http, container, {"id": f"r{index}", "pk": f"k{index}"})
    total = 0
    for entry in http.request("GET", f"{container}/pkranges").json["PartitionKeyRanges"]:
        reply = http.query(f"{container}/docs", "SELECT * FROM c",
                           headers={"x-ms-documentdb-partitionkeyrangeid": entry["id"], "x-ms-max-item-count": "100"})
        assert reply.status == 200
        total += len(reply.json["Documents"])
    assert total == 30


@needs_query_engine
def test_query_databases_and_containers(http, database, container):
    reply = http.query("/dbs", "SELECT * FROM r WHERE r.id = @id", [{"name": "@id", "value": database}])
    assert reply.status == 200 and [d["id"] for d in reply.json["Databases"]] == [database]
    colls = http.query(f"/dbs/{database}/colls", "SELECT * FROM r")
    assert colls.status == 200 and len(colls.json["DocumentCollections"]) == 1


@needs_query_engine
def test_query_syntax_error_is_400(http, container):
    reply = http.query(f"{container}/docs", "SELEC * FROM c", partition_key=["a"])
    assert reply.status == 400 and reply.json["code"] == "BadRequest"


@needs_query_engine
def test_query_hides_expired_items(http, database, clock):
    path, _ = make_container(http, database, defaultTtl=5)
    put(http, path, {"id": "a", "pk": "p"})
    clock.value += 10
    reply = http.query(f"{path}/docs", "SELECT * FROM c", partition_key=["p"])
    assert reply.status == 200 and reply.json["Documents"] == []


# ---------------------------------------------------------------------------------------------- split
def test_partition_split_at_run_time(http, server, database):
    name = unique("split")
    http.create_container(database, name, {"paths": ["/pk"], "kind": "Hash", "version": 2})
    path = f"/dbs/{database}/colls/{name}"
    for index in range(40):
        put(http, path, {"id": f"s{index}", "pk": f"k{index}"})
    before = http.request("GET", f"{path}/pkranges")
    etag = before.headers["etag"]
    children = server.split_partition(database, name, "0")
    assert children == ["4", "5"]
    unchanged = http.request("GET", f"{path}/pkranges", headers={"a-im": "Incremental feed", "if-none-match": etag})
    assert unchanged.status == 200 and unchanged.headers["etag"] != etag
    ranges = {r["id"]: r for r in unchanged.json["PartitionKeyRanges"]}
    assert set(ranges) == {"1", "2", "3", "4", "5"}
    assert ranges["4"]["parents"] == ["0"] and ranges["4"]["maxExclusive"] == ranges["5"]["minInclusive"]
    gone = http.request("GET", f"{path}/docs", headers={"x-ms-documentdb-partitionkeyrangeid": "0"})
    assert gone.status == 410 and gone.headers["x-ms-substatus"] == "1002"
    counts = [len(http.request("GET", f"{path}/docs", headers={"x-ms-documentdb-partitionkeyrangeid": child,
                                                               "x-ms-max-item-count": "100"}).json["Documents"])
              for child in children]
    assert all(counts), counts
    for index in range(40):
        assert http.request("GET", f"{path}/docs/s{index}", partition_key=[f"k{index}"]).status == 200
