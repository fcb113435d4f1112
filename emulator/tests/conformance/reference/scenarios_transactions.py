"""Scenarios for partial updates (PATCH) and transactional batches."""
from __future__ import annotations

from azure.cosmos import PartitionKey, exceptions

from runtime import Run, scenario


def user_properties(document: dict) -> dict:
    return {name: value for name, value in document.items() if not name.startswith("_")}


@scenario("transactions.patch")
def patch(run: Run) -> None:
    container = run.database().create_container("patched", PartitionKey("/pk"))
    container.create_item({"id": "a", "pk": "p", "n": 1, "tags": ["x"], "nested": {"k": "v"}, "old": "o",
                           "gone": True})
    operations = [
        {"op": "add", "path": "/added", "value": {"deep": [1]}},
        {"op": "add", "path": "/tags/0", "value": "first"},
        {"op": "add", "path": "/tags/-", "value": "last"},
        {"op": "set", "path": "/nested/k", "value": "v2"},
        {"op": "replace", "path": "/n", "value": 10},
        {"op": "remove", "path": "/gone"},
        {"op": "incr", "path": "/n", "value": 5},
        {"op": "move", "from": "/old", "path": "/moved"},
    ]
    patched = container.patch_item("a", "p", operations)
    run.observe("every operation applied", user_properties(patched))
    run.observe("read back", user_properties(container.read_item("a", "p")))
    run.observe("incr by a float", container.patch_item("a", "p", [{"op": "incr", "path": "/n", "value": 0.5}])["n"])
    run.observe("filter predicate true", run.status(lambda: container.patch_item(
        "a", "p", [{"op": "set", "path": "/flag", "value": 1}], filter_predicate="FROM c WHERE c.n > 15")))
    run.observe("filter predicate false", run.status(lambda: container.patch_item(
        "a", "p", [{"op": "set", "path": "/flag", "value": 2}], filter_predicate="FROM c WHERE c.n > 100")))
    run.observe("flag after the refused patch", container.read_item("a", "p")["flag"])
    run.observe("ten operations", run.status(lambda: container.patch_item(
        "a", "p", [{"op": "set", "path": f"/f{index}", "value": index} for index in range(10)])))


@scenario("transactions.patch_errors")
def patch_errors(run: Run) -> None:
    container = run.database().create_container("patched", PartitionKey("/pk"))
    container.create_item({"id": "a", "pk": "p", "n": 1, "s": "text", "list": [1]})

    def patching(*operations):
        return lambda: container.patch_item("a", "p", list(operations))

    run.observe("eleven operations", run.status(patching(
        *[{"op": "set", "path": f"/f{index}", "value": index} for index in range(11)])))
    run.observe("set /id", run.status(patching({"op": "set", "path": "/id", "value": "b"})))
    run.observe("set the partition key path", run.status(patching({"op": "set", "path": "/pk", "value": "q"})))
    run.observe("replace a missing path", run.status(patching({"op": "replace", "path": "/missing", "value": 1})))
    run.observe("remove a missing path", run.status(patching({"op": "remove", "path": "/missing"})))
    run.observe("incr a string", run.status(patching({"op": "incr", "path": "/s", "value": 1})))
    run.observe("add under a missing parent", run.status(patching({"op": "add", "path": "/no/child", "value": 1})))
    run.observe("add beyond the end of an array", run.status(patching({"op": "add", "path": "/list/5", "value": 1})))
    run.observe("a failing operation leaves the others unapplied", [
        run.status(patching({"op": "set", "path": "/partial", "value": 1},
                            {"op": "remove", "path": "/missing"})),
        "partial" in container.read_item("a", "p")])


@scenario("transactions.batch")
def batch(run: Run) -> None:
    container = run.database().create_container("batched", PartitionKey("/pk"))
    container.create_item({"id": "r", "pk": "p", "v": 1})
    container.create_item({"id": "d", "pk": "p"})
    results = container.execute_item_batch([
        ("create", ({"id": "c", "pk": "p"},)),
        ("upsert", ({"id": "u", "pk": "p"},)),
        ("replace", ("r", {"id": "r", "pk": "p", "v": 2})),
        ("patch", ("r", [{"op": "incr", "path": "/v", "value": 5}])),
        ("read", ("r",)),
        ("delete", ("d",)),
    ], partition_key="p")
    run.observe("statuses", [result["statusCode"] for result in results])
    run.observe("read inside the batch sees the earlier writes", results[4]["resourceBody"]["v"])
    run.observe("items after", sorted(item["id"] for item in container.read_all_items()))


@scenario("transactions.batch_atomicity")
def batch_atomicity(run: Run) -> None:
    container = run.database().create_container("batched", PartitionKey("/pk"))
    container.create_item({"id": "r", "pk": "p", "v": 1})

    def failure(operations):
        try:
            container.execute_item_batch(operations, partition_key="p")
        except exceptions.CosmosBatchOperationError as error:
            return {"status": error.status_code, "index": error.error_index,
                    "statuses": [result["statusCode"] for result in error.operation_responses]}
        return "no error"

    run.observe("create, conflicting create, upsert", failure([
        ("create", ({"id": "n", "pk": "p"},)),
        ("create", ({"id": "r", "pk": "p"},)),
        ("upsert", ({"id": "z", "pk": "p"},)),
    ]))
    run.observe("replace with a stale etag", failure([
        ("upsert", ({"id": "q", "pk": "p"},)),
        ("replace", ("r", {"id": "r", "pk": "p", "v": 9}), {"if_match_etag": '"0000-stale"'}),
    ]))
    run.observe("patch with a false filter predicate", failure([
        ("patch", ("r", [{"op": "set", "path": "/v", "value": 7}]), {"filter_predicate": "FROM c WHERE c.v = 0"}),
    ]))
    run.observe("read of a missing item", failure([
        ("replace", ("r", {"id": "r", "pk": "p", "v": 8})),
        ("read", ("missing",)),
    ]))
    run.observe("nothing of the failed batches was written",
                [[item["id"], item.get("v")] for item in container.read_all_items()])
    run.observe("empty batch", run.status(lambda: container.execute_item_batch([], partition_key="p")))
    too_many = [("create", ({"id": f"m{index}", "pk": "p"},)) for index in range(101)]
    run.observe("101 operations", run.status(lambda: container.execute_item_batch(too_many, partition_key="p")))
    run.observe("100 operations", len(container.execute_item_batch(too_many[:100], partition_key="p")))
