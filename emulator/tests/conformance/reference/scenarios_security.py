"""Scenarios for authorization: master keys (401) and users, permissions and resource tokens (403)."""
from __future__ import annotations

import base64
import os

from azure.cosmos import PartitionKey

from runtime import Run, ids, scenario


@scenario("security.wrong_key")
def wrong_key(run: Run) -> None:
    wrong = base64.b64encode(os.urandom(64)).decode()
    run.observe("list databases with a wrong key", run.status(lambda: list(run.new_client(wrong).list_databases())))
    database = run.database()
    run.observe("create a container with a wrong key", run.status(
        lambda: run.new_client(wrong).get_database_client(database.id).create_container("c", PartitionKey("/pk"))))
    run.observe("the right key still works", run.status(lambda: database.read()))


@scenario("security.users_and_permissions")
def users_and_permissions(run: Run) -> None:
    database = run.database()
    container = database.create_container("secured", PartitionKey("/pk"))
    other = database.create_container("other", PartitionKey("/pk"))
    container.create_item({"id": "a", "pk": "p1"})
    container.create_item({"id": "b", "pk": "p2"})
    other.create_item({"id": "z", "pk": "p1"})

    run.observe("create user", run.status(lambda: database.create_user({"id": "alice"})))
    run.observe("create the same user again", run.status(lambda: database.create_user({"id": "alice"})))
    user = database.get_user_client("alice")
    run.observe("read user", run.status(lambda: user.read()))
    run.observe("list users", ids(database.list_users()))
    run.observe("query users", ids(database.query_users("SELECT * FROM u WHERE u.id = @id",
                                                        parameters=[{"name": "@id", "value": "alice"}])))
    run.observe("upsert another user", run.status(lambda: database.upsert_user({"id": "bob"})))

    read_permission = user.create_permission({"id": "read", "permissionMode": "Read",
                                              "resource": container.container_link})
    write_permission = user.create_permission({"id": "write-p1", "permissionMode": "All",
                                               "resource": container.container_link,
                                               "resourcePartitionKey": ["p1"]})
    run.observe("permissions carry a token", [bool(read_permission.properties.get("_token")),
                                              bool(write_permission.properties.get("_token"))])
    run.observe("list permissions", ids(user.list_permissions()))
    run.observe("read permission: mode", user.get_permission("read").permission_mode)
    run.observe("create the same permission again", run.status(lambda: user.create_permission(
        {"id": "read", "permissionMode": "Read", "resource": container.container_link})))

    reader = run.new_client({container.container_link: read_permission.properties["_token"]})
    readable = reader.get_database_client(database.id).get_container_client(container.id)
    run.observe("Read token: read item", run.status(lambda: readable.read_item("a", "p1")))
    run.observe("Read token: cross-partition query", sorted(readable.query_items(
        "SELECT VALUE c.id FROM c", enable_cross_partition_query=True)))
    run.observe("Read token: create", run.status(lambda: readable.create_item({"id": "x", "pk": "p1"})))
    run.observe("Read token: replace", run.status(lambda: readable.replace_item("a", {"id": "a", "pk": "p1"})))
    run.observe("Read token: delete", run.status(lambda: readable.delete_item("a", "p1")))
    outside = reader.get_database_client(database.id).get_container_client(other.id)
    run.observe("Read token: read another container", run.status(lambda: outside.read_item("z", "p1")))

    writer = run.new_client({container.container_link: write_permission.properties["_token"]})
    writable = writer.get_database_client(database.id).get_container_client(container.id)
    run.observe("All token (p1): create in p1", run.status(lambda: writable.create_item({"id": "w", "pk": "p1"})))
    run.observe("All token (p1): upsert in p1", run.status(
        lambda: writable.upsert_item({"id": "w", "pk": "p1", "v": 2})))
    run.observe("All token (p1): delete in p1", run.status(lambda: writable.delete_item("w", "p1")))
    run.observe("All token (p1): create in p2", run.status(lambda: writable.create_item({"id": "w", "pk": "p2"})))
    run.observe("All token (p1): read in p2", run.status(lambda: writable.read_item("b", "p2")))

    forged = read_permission.properties["_token"].replace("sig=", "sig=A")
    run.observe("forged resource token", run.status(lambda: run.new_client(
        {container.container_link: forged}).get_database_client(database.id)
        .get_container_client(container.id).read_item("a", "p1")))

    run.observe("replace permission", run.status(lambda: user.replace_permission(
        "read", {"id": "read", "permissionMode": "All", "resource": container.container_link})))
    run.observe("mode after replace", user.get_permission("read").permission_mode)
    run.observe("delete permission", run.status(lambda: user.delete_permission("write-p1")))
    run.observe("read the deleted permission", run.status(lambda: user.get_permission("write-p1")))
    run.observe("replace user", run.status(lambda: database.replace_user("alice", {"id": "alice", "note": "x"})))
    run.observe("delete user", run.status(lambda: database.delete_user("alice")))
    run.observe("read the deleted user", run.status(lambda: database.get_user_client("alice").read()))
    run.observe("users left", ids(database.list_users()))


@scenario("security.permission_mode_as_written")
def permission_mode_as_written(run: Run) -> None:
    """4.17.1's documents.PermissionMode constants are lower case ("read", "all")."""
    from azure.cosmos import documents
    database = run.database()
    container = database.create_container("c", PartitionKey("/pk"))
    user = database.create_user({"id": "u"})
    created = user.create_permission({"id": "r", "permissionMode": documents.PermissionMode.Read,
                                      "resource": container.container_link})
    run.observe("created: mode", created.permission_mode)
    run.observe("read back: mode", user.get_permission("r").permission_mode)
    run.observe("listed: modes", [p["permissionMode"] for p in user.list_permissions()])
    replaced = user.replace_permission("r", {"id": "r", "permissionMode": documents.PermissionMode.All,
                                             "resource": container.container_link})
    run.observe("replaced: mode", replaced.permission_mode)


class _EmulatorTestCredential:
    """The TokenCredential azure-cosmos's own tests use against the emulator (test_aad.py's
    CosmosEmulatorCredential): an unsigned JWT whose last part is the base64url of the account key."""

    def __init__(self, key: str):
        self.key = key

    def get_token(self, *scopes, **kwargs):
        import json
        import time
        from azure.core.credentials import AccessToken

        def encode(text: str) -> str:
            return base64.urlsafe_b64encode(text.encode("utf-8")).decode("utf-8").rstrip("=")
        header = ('{"typ":"JWT","alg":"RS256","x5t":"CosmosEmulatorPrimaryMaster",'
                  '"kid":"CosmosEmulatorPrimaryMaster"}')
        now = int(time.time())
        claims = {"aud": "https://localhost.localhost",
                  "iss": "https://sts.fake-issuer.net/7b1999a1-dfd7-440e-8204-00170979b984",
                  "iat": now, "nbf": now, "exp": now + 7200, "aio": "", "appid": "localhost", "appidacr": "1",
                  "idp": "https://localhost:8081/", "oid": "96313034-4739-43cb-93cd-74193adbe5b6", "rh": "",
                  "sub": "localhost", "tid": "EmulatorFederation", "uti": "", "ver": "1.0",
                  "scp": "user_impersonation"}
        token = ".".join((encode(header), encode(json.dumps(claims).replace(" ", "")), encode(self.key)))
        return AccessToken(token, now + 7200)


@scenario("security.aad_token")
def aad_token(run: Run) -> None:
    """What azure-cosmos's own test_emulator_aad_credentials does: data operations with the emulator's test token
    succeed, management operations answer 403."""
    from azure.cosmos import exceptions
    database = run.database()
    database.create_container("aad", PartitionKey("/pk"))
    aad_client = run.new_client(_EmulatorTestCredential(run.key))
    container = aad_client.get_database_client(database.id).get_container_client("aad")
    run.observe("read container", container.read()["id"])
    run.observe("create item", run.status(lambda: container.create_item({"id": "Item_0", "pk": "Item_0"})))
    run.observe("point read", container.read_item(item="Item_0", partition_key="Item_0")["id"])
    run.observe("query", len(list(container.query_items("select * from c", partition_key="Item_0"))))
    run.observe("delete item", run.status(lambda: container.delete_item(item="Item_0", partition_key="Item_0")))
    try:
        aad_client.delete_database(database.id)
        run.observe("delete database", "succeeded")
    except exceptions.CosmosHttpResponseError as error:
        run.observe("delete database", [error.status_code, error.sub_status])
    run.observe("database still there", run.status(lambda: database.read()))
