"""Throughput and physical partition layout as the service derives them.

A container created without throughput in a database without shared throughput gets a 400 RU/s manual offer;
a container has one physical partition per 10,000 RU/s it is provisioned with (its own offer, else its
database's shared one); a throughput increase past that splits; ``--partitions N`` overrides the count.
These tests run their own emulator without the override (the session ``server`` fixture has 4 partitions).
"""
from __future__ import annotations

import json

import pytest

from cosmos_emulator import EmulatorServer
from cosmos_emulator.__main__ import parse_arguments
from cosmos_http import CosmosHttp, unique

PK = {"paths": ["/pk"], "kind": "Hash", "version": 2}


@pytest.fixture(scope="module")
def derived():
    with EmulatorServer(port=0) as running:
        yield running


@pytest.fixture()
def dhttp(derived):
    client = CosmosHttp(derived.endpoint, derived.key)
    yield client
    client.close()


@pytest.fixture()
def ddb(dhttp):
    name = unique("db")
    assert dhttp.create_database(name).status == 201
    yield name
    dhttp.request("DELETE", f"/dbs/{name}")


def offers_of(http, rid):
    return [offer for offer in http.request("GET", "/offers").json["Offers"] if offer["offerResourceId"] == rid]


def ranges_of(http, path):
    return http.request("GET", f"{path}/pkranges").json["PartitionKeyRanges"]


def sign_offer(offer):
    return ("offers", offer["_rid"].lower())


def replace_offer(http, offer, content):
    return http.request("PUT", f"/offers/{offer['_rid']}", dict(offer, content=content), sign_as=sign_offer(offer))


def autopilot(maximum):
    return {"x-ms-cosmos-offer-autopilot-settings": json.dumps({"maxThroughput": maximum})}


def message(reply):
    return reply.json["message"]


# ----------------------------------------------------------------------------------------- defaults
def test_container_without_throughput_gets_a_400_manual_offer_and_one_range(dhttp, ddb):
    reply = dhttp.create_container(ddb, "plain", PK)
    assert reply.status == 201
    assert reply.headers["x-ms-cosmos-physical-partition-count"] == "1"
    offers = offers_of(dhttp, reply.json["_rid"])
    assert len(offers) == 1
    assert offers[0]["resource"] == reply.json["_self"]
    assert offers[0]["content"] == {"offerThroughput": 400, "offerIsRUPerMinuteThroughputEnabled": False,
                                    "offerMinimumThroughputParameters": {"maxThroughputEverProvisioned": 400,
                                                                         "maxConsumedStorageEverInKB": 0}}
    ranges = ranges_of(dhttp, f"/dbs/{ddb}/colls/plain")
    assert [(r["id"], r["minInclusive"], r["maxExclusive"]) for r in ranges] == [("0", "", "FF")]


def test_database_without_throughput_has_no_offer(dhttp):
    name = unique("db")
    reply = dhttp.create_database(name)
    assert reply.status == 201 and offers_of(dhttp, reply.json["_rid"]) == []
    dhttp.request("DELETE", f"/dbs/{name}")


@pytest.mark.parametrize("headers, expected", [
    ({"x-ms-offer-throughput": "10000"}, 1),
    ({"x-ms-offer-throughput": "10100"}, 2),
    ({"x-ms-offer-throughput": "25000"}, 3),
    (autopilot(10000), 1),
    (autopilot(40000), 4),
])
def test_partitions_follow_provisioned_throughput(dhttp, ddb, headers, expected):
    name = unique("c")
    reply = dhttp.create_container(ddb, name, PK, headers=headers)
    assert reply.status == 201
    assert reply.headers["x-ms-cosmos-physical-partition-count"] == str(expected)
    ranges = ranges_of(dhttp, f"/dbs/{ddb}/colls/{name}")
    assert len(ranges) == expected
    assert ranges[0]["minInclusive"] == "" and ranges[-1]["maxExclusive"] == "FF"
    assert all(left["maxExclusive"] == right["minInclusive"] for left, right in zip(ranges, ranges[1:]))


def test_container_in_a_shared_database_has_no_offer_and_the_databases_layout(dhttp):
    name = unique("db")
    database = dhttp.create_database(name, headers={"x-ms-offer-throughput": "30000"})
    assert database.status == 201
    inner = dhttp.create_container(name, "inner", PK)
    assert inner.status == 201 and offers_of(dhttp, inner.json["_rid"]) == []
    assert len(ranges_of(dhttp, f"/dbs/{name}/colls/inner")) == 3
    dedicated = dhttp.create_container(name, "dedicated", PK, headers={"x-ms-offer-throughput": "400"})
    assert [o["content"]["offerThroughput"] for o in offers_of(dhttp, dedicated.json["_rid"])] == [400]
    assert len(ranges_of(dhttp, f"/dbs/{name}/colls/dedicated")) == 1
    dhttp.request("DELETE", f"/dbs/{name}")


def test_autoscale_offer_remembers_its_maximum_as_the_highest_throughput(dhttp, ddb):
    reply = dhttp.create_container(ddb, "auto", PK, headers=autopilot(4000))
    offer = offers_of(dhttp, reply.json["_rid"])[0]
    assert offer["content"]["offerThroughput"] == 400
    assert offer["content"]["offerAutopilotSettings"] == {"maxThroughput": 4000}
    assert offer["content"]["offerMinimumThroughputParameters"]["maxThroughputEverProvisioned"] == 4000


# ------------------------------------------------------------------------------------- growing splits
def test_throughput_increase_past_the_boundary_splits_and_keeps_items(dhttp, ddb):
    path = f"/dbs/{ddb}/colls/grow"
    created = dhttp.create_container(ddb, "grow", PK)
    for index in range(30):
        assert dhttp.request("POST", f"{path}/docs", {"id": f"i{index}", "pk": f"p{index}"},
                             partition_key=[f"p{index}"]).status == 201
    before = dhttp.request("GET", f"{path}/pkranges")
    offer = offers_of(dhttp, created.json["_rid"])[0]
    raised = replace_offer(dhttp, offer, {"offerThroughput": 10000})
    assert raised.status == 200 and len(ranges_of(dhttp, path)) == 1  # 10,000 RU/s still fit one partition
    raised = replace_offer(dhttp, raised.json, {"offerThroughput": 25000})
    assert raised.status == 200
    assert raised.json["content"]["offerMinimumThroughputParameters"]["maxThroughputEverProvisioned"] == 25000
    after = dhttp.request("GET", f"{path}/pkranges")
    assert after.headers["etag"] != before.headers["etag"]
    ranges = after.json["PartitionKeyRanges"]
    assert len(ranges) == 3 and all(r["parents"] for r in ranges)
    assert ranges[0]["minInclusive"] == "" and ranges[-1]["maxExclusive"] == "FF"
    per_range = [dhttp.request("GET", f"{path}/docs", headers={"x-ms-documentdb-partitionkeyrangeid": r["id"],
                                                                "x-ms-max-item-count": "100"}).json["_count"]
                 for r in ranges]
    assert sum(per_range) == 30 and all(per_range)
    assert dhttp.request("GET", f"{path}/docs/i7", partition_key=["p7"]).status == 200
    # Lowering the throughput again never merges.
    lowered = replace_offer(dhttp, raised.json, {"offerThroughput": 400})
    assert lowered.status == 200 and len(ranges_of(dhttp, path)) == 3


def test_shared_database_increase_splits_its_containers_without_own_offer(dhttp):
    name = unique("db")
    database = dhttp.create_database(name, headers={"x-ms-offer-throughput": "1000"})
    dhttp.create_container(name, "inner", PK)
    dhttp.create_container(name, "own", PK, headers={"x-ms-offer-throughput": "400"})
    offer = offers_of(dhttp, database.json["_rid"])[0]
    assert replace_offer(dhttp, offer, {"offerThroughput": 20000}).status == 200
    assert len(ranges_of(dhttp, f"/dbs/{name}/colls/inner")) == 2
    assert len(ranges_of(dhttp, f"/dbs/{name}/colls/own")) == 1
    dhttp.request("DELETE", f"/dbs/{name}")


def test_autoscale_increase_splits(dhttp, ddb):
    created = dhttp.create_container(ddb, "auto", PK, headers=autopilot(4000))
    offer = offers_of(dhttp, created.json["_rid"])[0]
    content = dict(offer["content"], offerAutopilotSettings={"maxThroughput": 20000})
    reply = replace_offer(dhttp, offer, content)
    assert reply.status == 200 and reply.json["content"]["offerThroughput"] == 2000
    assert len(ranges_of(dhttp, f"/dbs/{ddb}/colls/auto")) == 2


# ------------------------------------------------------------------------------------------ messages
def test_autoscale_minimum_worded_as_the_service(dhttp, ddb):
    reply = dhttp.create_container(ddb, "bad", PK, headers={"x-ms-cosmos-offer-autopilot-settings": json.dumps(
        {"maxThroughput": -200, "autoUpgradePolicy": {"throughputPolicy": {"incrementPercent": 0}}})})
    assert reply.status == 400
    assert ("The offer should have valid throughput values between 1000 and 1000000 inclusive in increments of "
            "1000. Requested throughput -200 is less than required minimum throughput 1000.") in message(reply)
    assert dhttp.request("GET", f"/dbs/{ddb}/colls/bad").status == 404  # nothing written
    odd = dhttp.create_container(ddb, "bad", PK, headers=autopilot(1500))
    assert odd.status == 400 and "in increments of 1000." in message(odd)
    large = dhttp.create_container(ddb, "bad", PK, headers=autopilot(2_000_000))
    assert large.status == 400
    assert "Requested throughput 2000000 is more than possible maximum throughput 1000000." in message(large)
    assert dhttp.request("GET", f"/dbs/{ddb}/colls/bad").status == 404


def test_manual_minimum_worded_as_the_service(dhttp, ddb):
    reply = dhttp.create_container(ddb, "bad", PK, headers={"x-ms-offer-throughput": "300"})
    assert reply.status == 400
    assert ("The offer should have valid throughput values between 400 and 1000000 inclusive in increments of "
            "100. Requested throughput 300 is less than required minimum throughput 400.") in message(reply)
    odd = dhttp.create_container(ddb, "bad", PK, headers={"x-ms-offer-throughput": "450"})
    assert odd.status == 400 and "in increments of 100." in message(odd)
    assert dhttp.request("GET", f"/dbs/{ddb}/colls/bad").status == 404
    database = dhttp.create_database(unique("db"), headers={"x-ms-offer-throughput": "350"})
    assert database.status == 400 and "Requested throughput 350" in message(database)


def test_minimum_follows_the_highest_throughput_ever_provisioned(dhttp, ddb):
    created = dhttp.create_container(ddb, "hist", PK, headers={"x-ms-offer-throughput": "60000"})
    assert len(ranges_of(dhttp, f"/dbs/{ddb}/colls/hist")) == 6
    offer = offers_of(dhttp, created.json["_rid"])[0]
    refused = replace_offer(dhttp, offer, {"offerThroughput": 500})
    assert refused.status == 400
    assert ("between 600 and 1000000 inclusive in increments of 100. Requested throughput 500 is less than required "
            "minimum throughput 600. Minimum limit 600 is because of Highest RUs provisioned 60000.") in message(refused)
    assert replace_offer(dhttp, offer, {"offerThroughput": 600}).status == 200
    auto = dhttp.create_container(ddb, "hist-auto", PK, headers=autopilot(60000))
    offer = offers_of(dhttp, auto.json["_rid"])[0]
    refused = replace_offer(dhttp, offer, dict(offer["content"], offerAutopilotSettings={"maxThroughput": 4000}))
    assert refused.status == 400
    assert ("Requested throughput 4000 is less than required minimum throughput 6000. Minimum limit 6000 is because "
            "of Highest RUs provisioned 60000.") in message(refused)
    after = dhttp.request("GET", f"/offers/{offer['_rid']}", sign_as=sign_offer(offer)).json
    assert after["content"]["offerAutopilotSettings"]["maxThroughput"] == 60000  # nothing written


# ------------------------------------------------------------------------------------------ override
def test_partitions_override_applies_whatever_the_throughput(http, database):
    reply = http.create_container(database, "fixed", PK)
    assert reply.status == 201 and reply.headers["x-ms-cosmos-physical-partition-count"] == "4"
    assert len(ranges_of(http, f"/dbs/{database}/colls/fixed")) == 4
    assert [o["content"]["offerThroughput"] for o in offers_of(http, reply.json["_rid"])] == [400]


def test_override_still_splits_when_the_throughput_needs_more(http, database):
    reply = http.create_container(database, "big", PK)
    offer = offers_of(http, reply.json["_rid"])[0]
    assert replace_offer(http, offer, {"offerThroughput": 50000}).status == 200
    assert len(ranges_of(http, f"/dbs/{database}/colls/big")) == 5


def test_cli_partitions_default_is_derived():
    assert parse_arguments([]).partitions is None
    assert parse_arguments(["--partitions", "4"]).partitions == 4
