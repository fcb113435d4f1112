"""A container's conflict resolution policy as the service keeps it: every field filled in (``/_ts`` for a
last-writer-wins policy without a path, as documented), fixed at creation: a replace that leaves it out keeps
it, one that changes it is 400 and writes nothing."""
from __future__ import annotations

import pytest

from cosmos_http import unique

PK = {"paths": ["/pk"], "kind": "Hash", "version": 2}
DEFAULT = {"mode": "LastWriterWins", "conflictResolutionPath": "/_ts", "conflictResolutionProcedure": ""}


@pytest.mark.parametrize("sent, kept", [
    (None, DEFAULT),
    ({"mode": "LastWriterWins"}, DEFAULT),
    ({"mode": "LastWriterWins", "conflictResolutionPath": ""}, DEFAULT),
    ({"mode": "LastWriterWins", "conflictResolutionPath": "/ts"},
     {"mode": "LastWriterWins", "conflictResolutionPath": "/ts", "conflictResolutionProcedure": ""}),
    ({"mode": "custom", "conflictResolutionProcedure": "dbs/d/colls/c/sprocs/resolve"},
     {"mode": "Custom", "conflictResolutionPath": "", "conflictResolutionProcedure": "dbs/d/colls/c/sprocs/resolve"}),
    ({"mode": "Custom"}, {"mode": "Custom", "conflictResolutionPath": "", "conflictResolutionProcedure": ""}),
])
def test_policy_is_kept_with_every_field(http, database, sent, kept):
    name = unique("c")
    extra = {} if sent is None else {"conflictResolutionPolicy": sent}
    reply = http.create_container(database, name, PK, extra=extra)
    assert reply.status == 201 and reply.json["conflictResolutionPolicy"] == kept, reply
    assert http.request("GET", f"/dbs/{database}/colls/{name}").json["conflictResolutionPolicy"] == kept


@pytest.mark.parametrize("policy", [{"mode": "Newest"}, "LastWriterWins", [1]])
def test_invalid_policy_is_400(http, database, policy):
    name = unique("c")
    reply = http.create_container(database, name, PK, extra={"conflictResolutionPolicy": policy})
    assert reply.status == 400, reply
    assert http.request("GET", f"/dbs/{database}/colls/{name}").status == 404


def test_replace_keeps_the_policy_and_refuses_to_change_it(http, database):
    name = unique("c")
    policy = {"mode": "LastWriterWins", "conflictResolutionPath": "/ts", "conflictResolutionProcedure": ""}
    assert http.create_container(database, name, PK, extra={"conflictResolutionPolicy": policy}).status == 201
    path = f"/dbs/{database}/colls/{name}"
    left_out = http.request("PUT", path, {"id": name, "partitionKey": PK, "defaultTtl": 10})
    assert left_out.status == 200 and left_out.json["conflictResolutionPolicy"] == policy, left_out
    same = http.request("PUT", path, {"id": name, "partitionKey": PK,
                                      "conflictResolutionPolicy": {"mode": "LastWriterWins",
                                                                   "conflictResolutionPath": "/ts"}})
    assert same.status == 200 and same.json["conflictResolutionPolicy"] == policy, same
    changed = http.request("PUT", path, {"id": name, "partitionKey": PK, "defaultTtl": 20,
                                         "conflictResolutionPolicy": DEFAULT})
    assert changed.status == 400, changed
    after = http.request("GET", path).json
    assert after["conflictResolutionPolicy"] == policy and "defaultTtl" not in after
