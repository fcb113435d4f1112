"""Server-side JavaScript: a stored procedure, a pre-trigger that stamps new items, and a
user-defined function used in a query.

    python examples/server_side_scripts.py
"""
from __future__ import annotations

from azure.cosmos import CosmosClient, PartitionKey
from azure.cosmos.scripts import ScriptType

from settings import ENDPOINT, KEY, connection_kwargs, unique_name

GREET = """
function greet(name) {
    var response = getContext().getResponse();
    response.setBody("hello, " + name);
}
"""

STAMP = """
function stamp() {
    var request = getContext().getRequest();
    var item = request.getBody();
    item.stamped = true;
    request.setBody(item);
}
"""

WITH_TAX = "function withTax(price) { return price * 1.25; }"


def main() -> None:
    with CosmosClient(ENDPOINT, credential=KEY, **connection_kwargs()) as client:
        database = client.create_database(unique_name("example-scripts"))
        try:
            container = database.create_container(id="products", partition_key=PartitionKey(path="/shop"))
            scripts = container.scripts

            scripts.create_stored_procedure({"id": "greet", "body": GREET})
            answer = scripts.execute_stored_procedure("greet", partition_key="s1", params=["world"])
            print(f"stored procedure says {answer!r}")

            scripts.create_trigger({"id": "stamp", "body": STAMP,
                                    "triggerType": "Pre", "triggerOperation": "Create"})
            item = container.create_item({"id": "p1", "shop": "s1", "price": 8.0}, pre_trigger_include="stamp")
            print(f"created through the trigger: stamped={item['stamped']}")

            scripts.create_user_defined_function({"id": "withTax", "body": WITH_TAX})
            prices = list(container.query_items("SELECT VALUE udf.withTax(c.price) FROM c", partition_key="s1"))
            print(f"price with tax: {prices}")

            print(f"procedures: {[s['id'] for s in scripts.list_stored_procedures()]}, "
                  f"triggers: {[t['id'] for t in scripts.list_triggers()]}, "
                  f"functions: {[f['id'] for f in scripts.list_user_defined_functions()]}")
            print(f"trigger type read back: {scripts.get_trigger('stamp')['triggerType']} "
                  f"(ScriptType.Trigger = {ScriptType.Trigger!r})")

            scripts.delete_user_defined_function("withTax")
            scripts.delete_trigger("stamp")
            scripts.delete_stored_procedure("greet")
        finally:
            client.delete_database(database)


if __name__ == "__main__":
    main()
