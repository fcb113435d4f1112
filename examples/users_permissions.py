"""Users and permissions: create a user, give it access to one container, change and remove it.

    python examples/users_permissions.py
"""
from __future__ import annotations

from azure.cosmos import CosmosClient, PartitionKey

from settings import ENDPOINT, KEY, connection_kwargs, unique_name


def main() -> None:
    with CosmosClient(ENDPOINT, credential=KEY, **connection_kwargs()) as client:
        database = client.create_database(unique_name("example-users"))
        try:
            container = database.create_container(id="notes", partition_key=PartitionKey(path="/owner"))
            container.create_item({"id": "n1", "owner": "ada", "text": "buy milk"})

            user = database.create_user({"id": "ada"})
            print(f"users: {[u['id'] for u in database.list_users()]}")
            permission = user.create_permission({
                "id": "read-notes",
                "permissionMode": "Read",
                "resource": container.container_link,
            })
            print(f"permission {permission.id}: {permission.permission_mode} on {permission.resource_link}")
            read_back = user.get_permission("read-notes")
            print(f"read back: mode {read_back.permission_mode}, has a token: {'_token' in read_back.properties}")
            user.replace_permission("read-notes", {"id": "read-notes", "permissionMode": "All",
                                                   "resource": container.container_link})
            print(f"after replace: {[p['permissionMode'] for p in user.list_permissions()]}")
            print(f"user read back: {user.read()['id']}")

            user.delete_permission("read-notes")
            database.delete_user("ada")
            print(f"users left: {len(list(database.list_users()))}")
        finally:
            client.delete_database(database)


if __name__ == "__main__":
    main()
