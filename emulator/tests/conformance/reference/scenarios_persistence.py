"""Scenarios for durability: state written before a restart (clean or killed) is served after it.

The pytest side runs ``persistence.write`` against an emulator started with ``--data-dir``, restarts
the process, and runs ``persistence.verify`` with the values ``write`` observed plus a ``marker`` id
(``params``); each verification writes its marker item, which the next restart must keep too.
The database is named by the pytest side and deliberately not deleted at the end of ``write``.
"""
from __future__ import annotations

from azure.cosmos import PartitionKey

from runtime import Run, ids, scenario


@scenario("persistence.write")
def write(run: Run) -> None:
    database = run.client.create_database(run.params["database"], offer_throughput=1000)
    container = database.create_container("kept", PartitionKey("/pk"), default_ttl=-1,
                                          unique_key_policy={"uniqueKeys": [{"paths": ["/email"]}]})
    dedicated = database.create_container("dedicated", PartitionKey("/pk"), offer_throughput=600)
    for index in range(10):
        container.create_item({"id": f"i{index}", "pk": f"p{index % 3}", "n": index, "email": f"{index}@x"})
    container.replace_item("i1", {"id": "i1", "pk": "p1", "n": 100, "email": "1@x"})
    container.patch_item("i2", "p2", [{"op": "incr", "path": "/n", "value": 50}])
    container.delete_item("i3", "p0")
    container.execute_item_batch([("create", ({"id": "b1", "pk": "p0", "email": "b1@x"},)),
                                  ("upsert", ({"id": "i6", "pk": "p0", "n": 66, "email": "6@x"},))],
                                 partition_key="p0")
    user = database.create_user({"id": "keeper"})
    user.create_permission({"id": "read", "permissionMode": "Read", "resource": container.container_link})
    container.scripts.create_stored_procedure({"id": "echo", "body": "function (x) { getContext()"
                                               ".getResponse().setBody(x); }"})
    run.observe("etag of i1", container.read_item("i1", "p1")["_etag"])
    run.observe("lsn", int(container.read_item("i1", "p1").get_response_headers()["lsn"]))
    run.observe("dedicated throughput", dedicated.get_throughput().offer_throughput)


@scenario("persistence.verify")
def verify(run: Run) -> None:
    database = run.client.get_database_client(run.params["database"])
    container = database.get_container_client("kept")
    properties = container.read()
    run.observe("container properties", [properties["partitionKey"]["paths"], properties.get("defaultTtl"),
                                         properties["uniqueKeyPolicy"]["uniqueKeys"][0]["paths"]])
    run.observe("items", sorted([d["id"], d["pk"], d.get("n")] for d in container.read_all_items()))
    read = container.read_item("i1", "p1")
    run.observe("etag kept", read["_etag"] == run.params["etag of i1"])
    run.observe("lsn continues", int(read.get_response_headers()["lsn"]) >= run.params["lsn"])
    run.observe("unique key still enforced", run.status(
        lambda: container.create_item({"id": "dup", "pk": "p0", "email": "0@x"})))
    run.observe("database throughput", database.get_throughput().offer_throughput)
    run.observe("dedicated throughput", database.get_container_client("dedicated").get_throughput()
                .offer_throughput)
    run.observe("users", ids(database.list_users()))
    run.observe("permissions", ids(database.get_user_client("keeper").list_permissions()))
    run.observe("stored procedure runs", container.scripts.execute_stored_procedure(
        "echo", partition_key="p0", params=["back"]))
    run.observe("change feed from the beginning", sorted(d["id"] for d in container.query_items_change_feed(
        start_time="Beginning")))
    marker = run.params["marker"]
    run.observe("write after the restart", run.status(
        lambda: container.create_item({"id": marker, "pk": "p0", "email": f"{marker}@x"})))
