"""PATCH on items: operations, limits, conditions, forbidden targets."""
from __future__ import annotations


import pytest

from cosmos_emulator.resources import patch as patch_ops



def do_patch(http, container, item_id, operations, pk="a", condition=None, headers=None):
    body = {"operations": operations}
    if condition is not None:
        body["condition"] = condition
    return http.request("PATCH", f"{container}/docs/{item_id}", body, partition_key=[pk],
                        headers={"content-type": "application/json_patch+json", **(headers or {})})


@pytest.fixture()
def item(http, container):
    doc = {"id": "p", "pk": "a", "n": 1, "tags": ["x", "y"], "nested": {"k": "v"}, "s": "text"}
    created = http.request("POST", f"{container}/docs", doc, partition_key=["a"])
    assert created.status == 201
    return created.json


def test_all_operation_kinds(http, container, item):
    reply = do_patch(http, container, "p", [
        {"op": "add", "path": "/tags/1", "value": "inserted"},
        {"op": "set", "path": "/tags/0", "value": "first"},
        {"op": "replace", "path": "/nested/k", "value": "w"},
        {"op": "remove", "path": "/s"},
        {"op": "incr", "path": "/n", "value": 5},
        {"op": "incr", "path": "/fresh", "value": 2.5},
        {"op": "move", "from": "/nested", "path": "/moved"},
        {"op": "add", "path": "/tags/-", "value": "last"},
        {"op": "set", "path": "/new", "value": {"a": 1}},
    ])
    assert reply.status == 200, reply
    body = reply.json
    assert body["tags"] == ["first", "inserted", "y", "last"]
    assert body["moved"] == {"k": "w"} and "nested" not in body
    assert "s" not in body and body["n"] == 6 and body["fresh"] == 2.5 and body["new"] == {"a": 1}
    assert body["_rid"] == item["_rid"] and body["_etag"] != item["_etag"]
    assert reply.headers["etag"] == body["_etag"]
    assert http.request("GET", f"{container}/docs/p", partition_key=["a"]).json == body


def test_failed_operation_changes_nothing(http, container, item):
    reply = do_patch(http, container, "p", [{"op": "set", "path": "/n", "value": 100},
                                            {"op": "replace", "path": "/missing", "value": 1}])
    assert reply.status == 400
    assert http.request("GET", f"{container}/docs/p", partition_key=["a"]).json["n"] == 1


def test_more_than_ten_operations_is_400(http, container, item):
    operations = [{"op": "set", "path": f"/f{i}", "value": i} for i in range(11)]
    assert do_patch(http, container, "p", operations).status == 400
    assert do_patch(http, container, "p", operations[:10]).status == 200


def test_condition(http, container, item):
    refused = do_patch(http, container, "p", [{"op": "set", "path": "/x", "value": 1}],
                       condition="FROM c WHERE c.n = 99")
    assert refused.status == 412
    accepted = do_patch(http, container, "p", [{"op": "set", "path": "/x", "value": 1}],
                        condition="from c where c.n = 1")
    assert accepted.status == 200 and accepted.json["x"] == 1


def test_if_match(http, container, item):
    stale = do_patch(http, container, "p", [{"op": "set", "path": "/x", "value": 1}],
                     headers={"if-match": '"stale"'})
    assert stale.status == 412
    fresh = do_patch(http, container, "p", [{"op": "set", "path": "/x", "value": 1}],
                     headers={"if-match": item["_etag"]})
    assert fresh.status == 200


def test_forbidden_targets(http, container, item):
    for path in ("/id", "/pk", "/_rid", "/_ts"):
        assert do_patch(http, container, "p", [{"op": "set", "path": path, "value": "z"}]).status == 400, path
    assert do_patch(http, container, "p", [{"op": "incr", "path": "/s", "value": 1}]).status == 400
    assert do_patch(http, container, "p", [{"op": "incr", "path": "/n", "value": "1"}]).status == 400
    assert do_patch(http, container, "p", [{"op": "bogus", "path": "/n"}]).status == 400
    assert do_patch(http, container, "p", [{"op": "remove", "path": "/nope"}]).status == 400


def test_missing_item_is_404(http, container):
    assert do_patch(http, container, "ghost", [{"op": "set", "path": "/x", "value": 1}]).status == 404


def test_apply_operations_leaves_input_untouched():
    original = {"id": "1", "a": [1, 2]}
    patched = patch_ops.apply_operations(original, [{"op": "add", "path": "/a/0", "value": 0}])
    assert original == {"id": "1", "a": [1, 2]} and patched["a"] == [0, 1, 2]
