"""Scenarios for the account's resource tree: databases, containers, throughput (offers), conflicts."""
from __future__ import annotations

from azure.cosmos import PartitionKey, ThroughputProperties

from runtime import Run, ids, scenario

SYSTEM_PROPERTIES = ("_rid", "_self", "_etag", "_ts")


def present(resource: dict, names) -> list:
    return [name for name in names if name in resource]


@scenario("resources.databases")
def databases(run: Run) -> None:
    client = run.client
    name = run.unique("db")
    run.observe("create", run.status(lambda: client.create_database(name)))
    run._databases.append(name)
    run.observe("create the same id again", run.status(lambda: client.create_database(name)))
    properties = client.get_database_client(name).read()
    run.observe("read: id", properties["id"] == name)
    run.observe("read: system properties", present(properties, SYSTEM_PROPERTIES))
    run.observe("listed by list_databases", name in ids(client.list_databases()))
    found = client.query_databases(query="SELECT * FROM root r WHERE r.id = @id",
                                   parameters=[{"name": "@id", "value": name}])
    run.observe("query_databases by id", ids(found) == [name])
    run.observe("create_database_if_not_exists on an existing one",
                run.status(lambda: client.create_database_if_not_exists(name)))
    run.observe("delete", run.status(lambda: client.delete_database(name)))
    run.observe("read after delete", run.status(lambda: client.get_database_client(name).read()))
    run.observe("delete again", run.status(lambda: client.delete_database(name)))


@scenario("resources.containers")
def containers(run: Run) -> None:
    database = run.database()
    run.observe("create", run.status(lambda: database.create_container("items", PartitionKey("/pk"))))
    run.observe("create the same id again",
                run.status(lambda: database.create_container("items", PartitionKey("/pk"))))
    container = database.get_container_client("items")
    properties = container.read()
    run.observe("read: partitionKey", properties["partitionKey"])
    run.observe("read: system properties", present(properties, SYSTEM_PROPERTIES))
    run.observe("listed by list_containers", ids(database.list_containers()) == ["items"])
    found = database.query_containers(query="SELECT * FROM c WHERE c.id = @id",
                                      parameters=[{"name": "@id", "value": "items"}])
    run.observe("query_containers by id", ids(found) == ["items"])
    run.observe("create_container_if_not_exists on an existing one",
                run.status(lambda: database.create_container_if_not_exists("items", PartitionKey("/pk"))))
    container.create_item({"id": "1", "pk": "a"})
    run.observe("delete", run.status(lambda: database.delete_container("items")))
    run.observe("read after delete", run.status(lambda: container.read()))
    run.observe("delete again", run.status(lambda: database.delete_container("items")))
    run.observe("create in a missing database",
                run.status(lambda: run.client.get_database_client(run.unique("nodb"))
                           .create_container("x", PartitionKey("/pk"))))


@scenario("resources.container_items_after_delete")
def container_items_after_delete(run: Run) -> None:
    database = run.database()
    container = database.create_container("gone", PartitionKey("/pk"))
    container.create_item({"id": "1", "pk": "a"})
    database.delete_container("gone")
    run.observe("create an item in a deleted container",
                run.status(lambda: container.create_item({"id": "2", "pk": "a"})))
    run.observe("read an item of a deleted container", run.status(lambda: container.read_item("1", "a")))
    recreated = database.create_container("gone", PartitionKey("/pk"))
    run.observe("re-created container is empty", list(recreated.read_all_items()) == [])


@scenario("resources.container_replace")
def container_replace(run: Run) -> None:
    database = run.database()
    container = database.create_container("replaced", PartitionKey("/pk"))
    for index in range(5):
        container.create_item({"id": str(index), "pk": f"p{index % 2}", "n": index})
    policy = {"indexingMode": "consistent", "automatic": True, "includedPaths": [{"path": "/n/?"}],
              "excludedPaths": [{"path": "/*"}]}
    run.observe("replace (default ttl and indexing policy)", run.status(
        lambda: database.replace_container(container, partition_key=PartitionKey("/pk"), default_ttl=3600,
                                           indexing_policy=policy)))
    properties = container.read()
    run.observe("read after replace: defaultTtl", properties.get("defaultTtl"))
    run.observe("read after replace: included paths", [p["path"] for p in properties["indexingPolicy"]["includedPaths"]])
    run.observe("items kept", ids(container.read_all_items()))
    run.observe("item still readable", container.read_item("3", "p1")["n"])
    run.observe("replace changing the partition key path", run.status(
        lambda: database.replace_container(container, partition_key=PartitionKey("/other"))))
    run.observe("replace a missing container", run.status(
        lambda: database.replace_container("nope", partition_key=PartitionKey("/pk"))))


@scenario("resources.offers_manual")
def offers_manual(run: Run) -> None:
    database = run.database()
    container = database.create_container("manual", PartitionKey("/pk"), offer_throughput=400)
    run.observe("container throughput after create", container.get_throughput().offer_throughput)
    run.observe("replace container throughput", container.replace_throughput(1000).offer_throughput)
    run.observe("container throughput after replace", container.get_throughput().offer_throughput)
    run.observe("replace below the minimum (300)", run.status(lambda: container.replace_throughput(300)))
    run.observe("replace with no multiple of 100 (450)", run.status(lambda: container.replace_throughput(450)))
    # (get_throughput() on a resource without an offer of its own is not asked: 4.17.1 fails on it with an
    # AttributeError of its own while handling the empty offer query, whatever the server answers.)

    shared = run.database("shared", offer_throughput=1000)
    run.observe("database throughput after create", shared.get_throughput().offer_throughput)
    run.observe("replace database throughput", shared.replace_throughput(2000).offer_throughput)
    run.observe("database throughput after replace", shared.get_throughput().offer_throughput)
    inner = shared.create_container("inner", PartitionKey("/pk"))
    # (4.17.1 turns any empty offer query into an AttributeError of its own, so the offer feed is read.)
    inner_link = inner.read()["_self"]
    run.observe("container sharing the database's throughput: offers of its own",
                [offer["resource"] for offer in run.client.client_connection.ReadOffers()].count(inner_link))
    dedicated = shared.create_container("dedicated", PartitionKey("/pk"), offer_throughput=500)
    run.observe("dedicated container in a shared database", dedicated.get_throughput().offer_throughput)


@scenario("resources.offers_autoscale")
def offers_autoscale(run: Run) -> None:
    database = run.database()
    container = database.create_container(
        "auto", PartitionKey("/pk"), offer_throughput=ThroughputProperties(auto_scale_max_throughput=4000))
    run.observe("container autoscale max after create", container.get_throughput().auto_scale_max_throughput)
    replaced = container.replace_throughput(ThroughputProperties(auto_scale_max_throughput=5000))
    # (4.17.1 fills only offer_throughput from a replace answer; the autoscale settings are in its properties.)
    run.observe("replace autoscale max", replaced.properties["content"]["offerAutopilotSettings"]["maxThroughput"])
    run.observe("container autoscale max after replace", container.get_throughput().auto_scale_max_throughput)
    run.observe("autoscale max below 1000", run.status(
        lambda: container.replace_throughput(ThroughputProperties(auto_scale_max_throughput=500))))
    shared = run.database("autodb", offer_throughput=ThroughputProperties(auto_scale_max_throughput=6000))
    run.observe("database autoscale max after create", shared.get_throughput().auto_scale_max_throughput)


@scenario("resources.offers_defaults_and_messages")
def offers_defaults_and_messages(run: Run) -> None:
    from azure.cosmos import exceptions
    database = run.database()
    plain = database.create_container("plain", PartitionKey("/pk"))
    run.observe("container created without throughput: get_throughput", plain.get_throughput().offer_throughput)

    def message_of(operation) -> str:
        try:
            operation()
        except exceptions.CosmosHttpResponseError as error:
            return f"{error.status_code} {error}"
        return "succeeded"
    refused = message_of(lambda: database.create_container(
        "bad-auto", PartitionKey("/pk"),
        offer_throughput=ThroughputProperties(auto_scale_max_throughput=-200, auto_scale_increment_percent=0)))
    run.observe("autoscale -200: status", refused.split(" ", 1)[0])
    run.observe("autoscale -200: the service's wording (4.x's own tests check it)",
                "Requested throughput -200 is less than required minimum throughput 1000" in refused)
    run.observe("container refused: not created", run.status(lambda: database.get_container_client("bad-auto").read()))
    lowered = message_of(lambda: plain.replace_throughput(300))
    run.observe("replace with 300: wording",
                "Requested throughput 300 is less than required minimum throughput 400" in lowered)
    run.observe("throughput after the refused replace", plain.get_throughput().offer_throughput)


@scenario("resources.quota_statistics_index_metrics")
def quota_statistics_index_metrics(run: Run) -> None:
    database = run.database()
    container = database.create_container("quota", PartitionKey("/pk"))
    for index in range(3):
        container.create_item({"id": f"d{index}", "pk": "pk"})
    seen = {}
    properties = container.read(populate_quota_info=True, populate_partition_key_range_statistics=True,
                                response_hook=lambda headers, _: seen.update(headers))
    usage = dict(part.split("=") for part in seen["x-ms-resource-usage"].strip(";").split(";"))
    run.observe("populate_quota_info: documentsCount", usage.get("documentsCount"))
    run.observe("populate_quota_info: index transformation progress",
                seen.get("x-ms-documentdb-collection-index-transformation-progress"))
    run.observe("populate_partition_key_range_statistics: documents counted",
                sum(entry["documentCount"] for entry in properties.get("statistics", [])))
    items = list(container.query_items("SELECT * from c", partition_key="pk", populate_index_metrics=True))
    run.observe("index metrics query: results", len(items))
    run.observe("index metrics as 4.x decodes them",
                container.client_connection.last_response_headers.get("x-ms-cosmos-index-utilization"))


@scenario("resources.defaults_as_the_service")
def defaults_as_the_service(run: Run) -> None:
    """What azure-cosmos's own test_create_default_indexing_policy, test_collection_indexing_policy and
    test_create_illegal_characters check against the service."""
    from azure.cosmos import exceptions
    database = run.database()
    policies = {
        "none": None,
        "partial": {"indexingMode": "consistent", "automatic": True},
        "empty": {},
        "missing indexes": {"includedPaths": [{"path": "/*"}]},
        "missing precision": {"includedPaths": [{"path": "/*", "indexes": [
            {"kind": "Hash", "dataType": "String"}, {"kind": "Range", "dataType": "Number"}]}]},
    }
    for name, policy in policies.items():
        kwargs = {} if policy is None else {"indexing_policy": policy}
        container = database.create_container(run.unique("ip"), PartitionKey("/id"), **kwargs)
        stored = container.read()["indexingPolicy"]
        root = [path for path in stored.get("includedPaths", []) if path.get("path") == "/*"]
        run.observe(f"policy {name}: (included, excluded, root indexes)",
                    [len(stored.get("includedPaths", [])), len(stored.get("excludedPaths", [])),
                     bool(root and root[0].get("indexes"))])
    legacy = database.create_container(run.unique("ip"), PartitionKey("/id"), indexing_policy={
        "automatic": True, "indexingMode": "consistent",
        "includedPaths": [{"path": "/", "indexes": [{"kind": "Hash", "dataType": "Number", "precision": 2}]}],
        "excludedPaths": [{"path": '/"systemMetadata"/*'}]}).read()["indexingPolicy"]
    run.observe("legacy Hash index on '/': (included, excluded)",
                [len(legacy.get("includedPaths", [])), len(legacy.get("excludedPaths", []))])

    long_id = "ID_with_more_than_255" + "_added" * 255

    def refusal(operation, phrase):
        try:
            operation()
        except exceptions.CosmosHttpResponseError as error:
            return [error.status_code, phrase in error.message]
        return ["succeeded"]
    run.observe("database id over 255 characters", refusal(
        lambda: run.client.create_database(long_id),
        "Ensure to provide a unique non-empty string less than '255' characters."))
    run.observe("container id over 255 characters", refusal(
        lambda: database.create_container(long_id, PartitionKey("/id")),
        "Ensure to provide a unique non-empty string less than '255' characters."))
    items = database.create_container(run.unique("items"), PartitionKey("/id"))
    run.observe("item id over 1023 bytes (create)", refusal(
        lambda: items.create_item({"id": long_id}),
        "Ensure to provide a unique non-empty string less than '1024' characters."))
    run.observe("item id over 1023 bytes (upsert)", refusal(
        lambda: items.upsert_item({"id": long_id}),
        "Ensure to provide a unique non-empty string less than '1024' characters."))
    run.observe("container default_ttl=0", run.status(
        lambda: database.create_container(run.unique("ttl"), PartitionKey("/id"), default_ttl=0)))
    run.observe("item ttl 0", refusal(lambda: items.create_item({"id": "t", "ttl": 0}),
                                      "The input ttl '0' is invalid."))


@scenario("resources.computed_properties")
def computed_properties(run: Run) -> None:
    """The checks of azure-cosmos's own test_computed_properties.py."""
    from azure.cosmos import exceptions
    database = run.database()
    definitions = [{"name": "cp_lower", "query": "SELECT VALUE LOWER(c.db_group) FROM c"},
                   {"name": "cp_power", "query": "SELECT VALUE POWER(c.val, 2) FROM c"},
                   {"name": "cp_str_len", "query": "SELECT VALUE LENGTH(c.stringProperty) FROM c"}]
    container = database.create_container(run.unique("cp"), PartitionKey("/pk"), computed_properties=definitions)
    for index, (group, value, text) in enumerate([
            ("GroUp1", 5, "prefixOne"), ("GrOUp1", 5, "prefixTwo"), ("GroUp2", 5, "randomWord1"),
            ("groUp1", 5, "randomWord2"), ("GroUp3", 5, "randomWord3"), ("GrOUP1", 5, "randomWord4"),
            ("GroUp2", 5, "randomWord5"), ("group1", 0, "randomWord6"), ("group2", 3, "randomWord7"),
            ("GroUp3", 2, "randomWord8")]):
        container.create_item({"id": f"i{index}", "pk": "test", "val": value, "stringProperty": text,
                               "db_group": group})

    def count(sql: str) -> int:
        return len(list(container.query_items(sql, partition_key="test")))
    run.observe("definitions read back", container.read()["computedProperties"] == definitions)
    run.observe("cp_lower = group1", count('Select * from c Where c.cp_lower = "group1"'))
    run.observe("cp_power = 25", count("Select * from c Where c.cp_power = 25"))
    run.observe("cp_str_len = 9", count("Select * from c Where c.cp_str_len = 9"))
    run.observe("undefined cp_upper", count('Select * from c Where c.cp_upper = "GROUP2"'))
    run.observe("ORDER BY a computed property across partitions", [item["id"] for item in container.query_items(
        "SELECT c.id FROM c WHERE c.val < 5 ORDER BY c.cp_power DESC", enable_cross_partition_query=True)])
    new = [{"name": "cp_upper", "query": "SELECT VALUE UPPER(c.db_group) FROM c"}]
    database.replace_container(container, partition_key=PartitionKey("/pk"), computed_properties=new)
    run.observe("after replace: cp_upper = GROUP2", count('Select * from c Where c.cp_upper = "GROUP2"'))
    run.observe("after replace: old cp_lower", count('Select * from c Where c.cp_lower = "group1"'))
    try:
        database.replace_container(container, partition_key=PartitionKey("/pk"), computed_properties=new[0])
        run.observe("replace with a dict", "succeeded")
    except exceptions.CosmosHttpResponseError as error:
        run.observe("replace with a dict", [error.status_code,
                                            "One of the specified inputs is invalid" in error.http_error_message])
    database.replace_container(container, partition_key=PartitionKey("/pk"))
    run.observe("replace without: property absent", "computedProperties" not in container.read())


@scenario("resources.search_policies")
def search_policies(run: Run) -> None:
    """Checks of azure-cosmos's own test_vector_policy.py / test_full_text_policy.py, and a vector search over
    every partition with the container's distance function."""
    from azure.cosmos import exceptions
    database = run.database()

    def refusal(phrase, **kwargs):
        try:
            database.create_container(run.unique("bad"), PartitionKey("/id"), **kwargs)
        except exceptions.CosmosHttpResponseError as error:
            return [error.status_code, phrase in error.http_error_message]
        return ["succeeded"]
    embeddings = {"vectorEmbeddings": [{"path": "/vector1", "dataType": "float32", "dimensions": 256,
                                        "distanceFunction": "euclidean"}]}
    run.observe("vector index without embedding policy", refusal(
        "vector1 not matching in Embedding's path", indexing_policy={"vectorIndexes": [
            {"path": "/vector1", "type": "flat"}]}))
    run.observe("invalid vector index type", refusal(
        "Index Type::notFlat is invalid", vector_embedding_policy=embeddings,
        indexing_policy={"vectorIndexes": [{"path": "/vector1", "type": "notFlat"}]}))
    run.observe("invalid data type", refusal("Vector Embedding Policy has an invalid DataType", vector_embedding_policy={
        "vectorEmbeddings": [dict(embeddings["vectorEmbeddings"][0], dataType="float33")]}))
    run.observe("invalid full-text path", refusal(
        "The Full Text Policy contains an invalid Path: abstract",
        full_text_policy={"defaultLanguage": "en-US", "fullTextPaths": [{"path": "abstract", "language": "en-US"}]}))
    run.observe("full-text index without its path", refusal(
        "Missing path in full-text index specification at index (0)",
        full_text_policy={"defaultLanguage": "en-US", "fullTextPaths": [{"path": "/abstract", "language": "en-US"}]},
        indexing_policy={"fullTextIndexes": [{"not_path": "abstract"}]}))
    policy = {"vectorEmbeddings": [{"path": "/embedding", "dataType": "float32", "dimensions": 3,
                                    "distanceFunction": "euclidean"}]}
    container = database.create_container(run.unique("vec"), PartitionKey("/pk"), vector_embedding_policy=policy,
                                          indexing_policy={"vectorIndexes": [{"path": "/embedding", "type": "flat"}]})
    for index, vector in enumerate([[1, 0, 0], [0.9, 0.1, 0], [0, 1, 0], [-1, 0, 0], [3, 0, 0]]):
        container.create_item({"id": f"v{index}", "pk": f"p{index}", "embedding": vector})
    rows = container.query_items("SELECT TOP 3 c.id FROM c ORDER BY VectorDistance(c.embedding, @q)",
                                 parameters=[{"name": "@q", "value": [1, 0, 0]}], enable_cross_partition_query=True)
    run.observe("nearest three by the policy's euclidean distance", [row["id"] for row in rows])
    try:
        database.replace_container(container, PartitionKey("/pk"),
                                   indexing_policy={"vectorIndexes": [{"path": "/embedding", "type": "flat"}]})
        run.observe("replace without the embedding policy", "succeeded")
    except exceptions.CosmosHttpResponseError as error:
        run.observe("replace without the embedding policy",
                    [error.status_code, "not matching in Embedding's path" in error.http_error_message])


@scenario("resources.conflicts")
def conflicts(run: Run) -> None:
    database = run.database()
    container = database.create_container("c", PartitionKey("/pk"))
    container.create_item({"id": "1", "pk": "a"})
    run.observe("list_conflicts", list(container.list_conflicts()))
    run.observe("query_conflicts", list(container.query_conflicts("SELECT * FROM c", partition_key="a")))
    run.observe("get_conflict of a missing one", run.status(lambda: container.get_conflict("nope", "a")))


@scenario("resources.feed_paging")
def feed_paging(run: Run) -> None:
    database = run.database()
    for index in range(5):
        database.create_container(f"c{index}", PartitionKey("/pk"))
    pages = [ids(page) for page in database.list_containers(max_item_count=2).by_page()]
    run.observe("containers paged by 2: page sizes", [len(page) for page in pages])
    run.observe("containers paged by 2: each once", sorted(i for page in pages for i in page))

    def user_pages():
        for index in range(5):
            database.create_user({"id": f"u{index}"})
        return [len(list(page)) for page in database.list_users(max_item_count=2).by_page()]

    run.observe("users paged by 2: page sizes", run.attempt(user_pages))


@scenario("resources.account")
def account(run: Run) -> None:
    properties = run.client.get_database_account()
    used = run.endpoint.rstrip("/")
    run.observe("writable locations point at the endpoint used",
                [location["databaseAccountEndpoint"].rstrip("/") == used for location in properties.WritableLocations])
    run.observe("readable locations point at the endpoint used",
                [location["databaseAccountEndpoint"].rstrip("/") == used for location in properties.ReadableLocations])
    run.observe("default consistency", (properties.ConsistencyPolicy or {}).get("defaultConsistencyLevel"))
    run.observe("one write region", properties._EnableMultipleWritableLocations)


@scenario("resources.self_links")
def self_links(run: Run) -> None:
    """4.17.1 addresses a resource by its ``_self`` (rid-based) link whenever it is given the resource's dict
    rather than its id: items here, stored procedures, triggers and UDFs (and offers, always) below."""
    database = run.database()
    container = database.create_container("c", PartitionKey("/pk"))
    created = container.create_item({"id": "a", "pk": "p", "n": 1})
    run.observe("read_item(item dict)", run.attempt(lambda: container.read_item(created, "p")["n"]))
    run.observe("replace_item(item dict)", run.attempt(
        lambda: container.replace_item(created, {"id": "a", "pk": "p", "n": 2})["n"]))
    run.observe("patch_item(item dict)", run.attempt(lambda: container.patch_item(
        created, "p", [{"op": "incr", "path": "/n", "value": 10}])["n"]))
    run.observe("delete_item(item dict)", run.status(lambda: container.delete_item(created, "p")))
    run.observe("the item is gone", run.status(lambda: container.read_item("a", "p")))
    for index in range(3):
        container.create_item({"id": f"f{index}", "pk": f"k{index}"})
    run.observe("delete every item the feed returned, by its dict", [
        run.status(lambda item=item: container.delete_item(item, item["pk"])) for item in container.read_all_items()])
    run.observe("left after deleting them", ids(container.read_all_items()))


@scenario("resources.self_links_scripts_offers")
def self_links_of_scripts_and_offers(run: Run) -> None:
    database = run.database()
    container = database.create_container("c", PartitionKey("/pk"), offer_throughput=400)
    scripts = container.scripts
    sproc = scripts.create_stored_procedure({"id": "s", "body": "function (x) { getContext().getResponse().setBody(x + 1); }"})
    run.observe("get_stored_procedure(dict)", run.attempt(lambda: scripts.get_stored_procedure(sproc)["id"]))
    run.observe("execute_stored_procedure(dict)", run.attempt(
        lambda: scripts.execute_stored_procedure(sproc, partition_key="p", params=[41])))
    run.observe("replace_stored_procedure(dict)", run.attempt(lambda: scripts.replace_stored_procedure(
        sproc, {"id": "s", "body": "function (x) { getContext().getResponse().setBody(x + 2); }"})["id"]))
    run.observe("delete_stored_procedure(dict)", run.status(lambda: scripts.delete_stored_procedure(sproc)))
    trigger = scripts.create_trigger({"id": "t", "body": "function () {}", "triggerType": "Pre",
                                      "triggerOperation": "All"})
    run.observe("get_trigger(dict)", run.attempt(lambda: scripts.get_trigger(trigger)["id"]))
    run.observe("delete_trigger(dict)", run.status(lambda: scripts.delete_trigger(trigger)))
    udf = scripts.create_user_defined_function({"id": "u", "body": "function () { return 1; }"})
    run.observe("get_user_defined_function(dict)", run.attempt(lambda: scripts.get_user_defined_function(udf)["id"]))
    run.observe("delete_user_defined_function(dict)", run.status(lambda: scripts.delete_user_defined_function(udf)))
    # Offers are found by the container's _self and replaced through their own _self.
    run.observe("replace_throughput through the offer's _self", run.attempt(
        lambda: container.replace_throughput(500).offer_throughput))
    run.observe("throughput read back", container.get_throughput().offer_throughput)
