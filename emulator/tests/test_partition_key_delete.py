"""Deleting every item of a logical partition (``operations/partitionkeydelete``)."""
from __future__ import annotations

from cosmos_http import unique

ALL_VERSIONS = {"a-im": "Full-Fidelity Feed", "x-ms-cosmos-changefeed-wire-format-version": "2021-09-15"}


def delete_partition(http, container, pk, **kwargs):
    return http.request("POST", f"{container}/operations/partitionkeydelete", partition_key=pk,
                        sign_as=("colls", container.strip("/")), **kwargs)


def fill(http, container):
    for index in range(9):
        pk = "gone" if index < 5 else "kept"
        assert http.request("POST", f"{container}/docs", {"id": f"i{index}", "pk": pk}, partition_key=[pk]).status == 201


def test_deletes_exactly_one_logical_partition(http, container):
    fill(http, container)
    reply = delete_partition(http, container, ["gone"])
    assert reply.status == 200, reply
    assert float(reply.headers["x-ms-request-charge"]) > 0 and reply.headers["x-ms-session-token"]
    remaining = sorted(d["id"] for d in http.request("GET", f"{container}/docs").json["Documents"])
    assert remaining == ["i5", "i6", "i7", "i8"]
    assert delete_partition(http, container, ["nothing-here"]).status == 200
    assert http.request("POST", f"{container}/docs", {"id": "i0", "pk": "gone"}, partition_key=["gone"]).status == 201


def test_rules_of_the_route(http, container):
    fill(http, container)
    assert delete_partition(http, container, None).status == 400
    assert http.request("GET", f"{container}/operations/partitionkeydelete",
                        sign_as=("colls", container.strip("/"))).status == 405
    assert http.request("POST", f"{container}/operations/somethingelse", partition_key=["gone"],
                        sign_as=("colls", container.strip("/"))).status == 404
    wrong_signature = http.request("POST", f"{container}/operations/partitionkeydelete", partition_key=["gone"])
    assert wrong_signature.status == 401
    assert http.request("GET", f"{container}/docs/i0", partition_key=["gone"]).status == 200


def test_rid_based_path_and_change_feed_deletes(http, database):
    name = unique("c")
    created = http.create_container(database, name, {"paths": ["/pk"], "kind": "Hash", "version": 2},
                                    extra={"changeFeedPolicy": {"retentionDuration": 60}})
    assert created.status == 201
    path = f"/dbs/{database}/colls/{name}"
    start = http.request("GET", f"{path}/docs", partition_key=["gone"], headers=dict(ALL_VERSIONS, **{"if-none-match": "*"}))
    fill(http, path)
    collection_self = created.json["_self"].strip("/")
    reply = http.request("POST", f"/{collection_self}/operations/partitionkeydelete", partition_key=["gone"],
                         sign_as=("colls", created.json["_rid"].lower()))
    assert reply.status == 200, reply
    changes = http.request("GET", f"{path}/docs", partition_key=["gone"],
                           headers=dict(ALL_VERSIONS, **{"if-none-match": start.headers["etag"]})).json["Documents"]
    kinds = [c["metadata"]["operationType"] for c in changes]
    assert kinds == ["create"] * 5 + ["delete"] * 5
