"""Headers the service sends on request: quota and usage, indexing progress, partition statistics, query and
index metrics."""
from __future__ import annotations

import base64
import json

from cosmos_http import unique

QUOTA_INFO = {"x-ms-documentdb-populatequotainfo": "true"}


def pairs(text):
    return dict(part.split("=") for part in text.strip(";").split(";"))


def size_of(document):
    return len(json.dumps(document, separators=(",", ":")))


def fill(http, container, count, pk=lambda index: f"p{index % 3}", size=0):
    for index in range(count):
        reply = http.request("POST", f"{container}/docs", {"id": f"d{index}", "pk": pk(index), "pad": "x" * size},
                             partition_key=[pk(index)])
        assert reply.status == 201


# ------------------------------------------------------------------------------------------ quota and usage
def test_quota_info_has_the_services_keys_when_asked(http, container):
    fill(http, container, 5, size=600)
    http.request("POST", f"{container}/sprocs", {"id": "s", "body": "function () {}"})
    reply = http.request("GET", container, headers=QUOTA_INFO)
    assert reply.status == 200
    quota, usage = pairs(reply.headers["x-ms-resource-quota"]), pairs(reply.headers["x-ms-resource-usage"])
    assert list(quota) == ["functions", "storedProcedures", "triggers", "documentSize", "documentsSize",
                           "documentsCount", "collectionSize"]
    assert quota["documentsCount"] == "-1" and quota["storedProcedures"] == "100"
    assert list(usage) == list(quota)
    assert usage["documentsCount"] == "5" and usage["storedProcedures"] == "1" and usage["functions"] == "0"
    stored = http.request("GET", f"{container}/docs").json["Documents"]
    assert usage["documentsSize"] == str(sum(map(size_of, stored)) // 1024)  # KB of the stored documents
    assert usage["documentsSize"] == "4"
    assert int(usage["collectionSize"]) >= int(usage["documentsSize"])
    assert reply.headers["x-ms-documentdb-collection-index-transformation-progress"] == "100"
    assert "x-ms-documentdb-collection-lazy-indexing-progress" not in reply.headers


def test_without_quota_info_only_the_script_counts(http, container):
    fill(http, container, 2)
    reply = http.request("GET", container)
    assert pairs(reply.headers["x-ms-resource-usage"]) == {"functions": "0", "storedProcedures": "0", "triggers": "0"}
    assert pairs(reply.headers["x-ms-resource-quota"]) == {"functions": "25", "storedProcedures": "100",
                                                           "triggers": "25"}
    assert "x-ms-documentdb-collection-index-transformation-progress" not in reply.headers


def test_usage_follows_writes_and_deletes(http, container):
    fill(http, container, 3)
    assert pairs(http.request("GET", container, headers=QUOTA_INFO).headers["x-ms-resource-usage"])[
        "documentsCount"] == "3"
    assert http.request("DELETE", f"{container}/docs/d0", partition_key=["p0"]).status == 204
    assert pairs(http.request("GET", container, headers=QUOTA_INFO).headers["x-ms-resource-usage"])[
        "documentsCount"] == "2"


def test_lazy_container_reports_lazy_indexing_progress(http, database):
    name = unique("c")
    reply = http.create_container(database, name, {"paths": ["/pk"], "kind": "Hash", "version": 2},
                                  extra={"indexingPolicy": {"indexingMode": "lazy", "automatic": True}})
    assert reply.status == 201
    read = http.request("GET", f"/dbs/{database}/colls/{name}", headers=QUOTA_INFO)
    assert read.headers["x-ms-documentdb-collection-lazy-indexing-progress"] == "100"
    assert read.headers["x-ms-documentdb-collection-index-transformation-progress"] == "100"


# ------------------------------------------------------------------------------------- partition statistics
def test_partition_statistics_in_the_body_when_asked(http, container):
    fill(http, container, 12, pk=lambda index: "big" if index < 8 else f"s{index}", size=400)
    plain = http.request("GET", container).json
    assert "statistics" not in plain
    reply = http.request("GET", container, headers={"x-ms-documentdb-populatepartitionstatistics": "true"})
    statistics = reply.json["statistics"]
    assert [entry["id"] for entry in statistics] == ["0", "1", "2", "3"]
    assert sum(entry["documentCount"] for entry in statistics) == 12
    assert sum(entry["sampledDistinctPartitionKeyCount"] for entry in statistics) == 5
    listed = [key for entry in statistics for key in entry["partitionKeys"]]
    stored = http.request("GET", f"{container}/docs").json["Documents"]
    big = sum(size_of(document) for document in stored if document["pk"] == "big") // 1024
    assert big == 4
    assert listed == [{"partitionKey": ["big"], "sizeInKB": big}]  # the only logical partition of 1 KB or more
    assert sum(entry["sizeInKB"] for entry in statistics) <= sum(map(size_of, stored)) // 1024
    assert set(statistics[0]) == {"id", "sizeInKB", "documentCount", "sampledDistinctPartitionKeyCount",
                                  "partitionKeys"}


# -------------------------------------------------------------------------------------------- query metrics
def query(http, container, sql, **headers):
    return http.query(f"{container}/docs", sql, headers=headers, partition_key=headers.pop("pk", None))


def test_query_metrics_shape(http, container):
    fill(http, container, 6, size=100)
    reply = http.query(f"{container}/docs", "SELECT * FROM c WHERE c.pk = 'p1'",
                       headers={"x-ms-documentdb-populatequerymetrics": "true"})
    assert reply.status == 200
    text = reply.headers["x-ms-documentdb-query-metrics"]
    metrics = pairs(text)
    assert list(metrics) == ["totalExecutionTimeInMs", "queryCompileTimeInMs", "queryLogicalPlanBuildTimeInMs",
                             "queryPhysicalPlanBuildTimeInMs", "queryOptimizationTimeInMs", "VMExecutionTimeInMs",
                             "indexLookupTimeInMs", "documentLoadTimeInMs", "systemFunctionExecuteTimeInMs",
                             "userFunctionExecuteTimeInMs", "retrievedDocumentCount", "retrievedDocumentSize",
                             "outputDocumentCount", "outputDocumentSize", "writeOutputTimeInMs",
                             "indexUtilizationRatio"]
    assert metrics["retrievedDocumentCount"] == "2" and metrics["outputDocumentCount"] == "2"
    documents = reply.json["Documents"]
    assert int(metrics["retrievedDocumentSize"]) == sum(len(json.dumps(d, separators=(",", ":"))) for d in documents)
    assert metrics["indexUtilizationRatio"] == "1.00"
    assert all("." in metrics[name] and len(metrics[name].split(".")[1]) == 2
               for name in metrics if name.endswith("InMs"))
    assert "x-ms-documentdb-query-metrics" not in http.query(f"{container}/docs", "SELECT * FROM c WHERE c.pk = 'p1'"
                                                             ).headers


# -------------------------------------------------------------------------------------------- index metrics
def index_metrics(http, path, sql, partition_key=None, cross=False):
    headers = {"x-ms-cosmos-populateindexmetrics": "true"}
    if cross:
        headers["x-ms-documentdb-query-enablecrosspartition"] = "true"
    reply = http.query(f"{path}/docs", sql, headers=headers, partition_key=partition_key)
    assert reply.status == 200, reply
    return json.loads(base64.b64decode(reply.headers["x-ms-cosmos-index-utilization"]))


def single(spec):
    return {"FilterExpression": "", "IndexSpec": spec, "FilterPreciseSet": True, "IndexPreciseSet": True,
            "IndexImpactScore": "High"}


def test_index_metrics_of_a_partition_scoped_query_as_the_sdk_tests_expect(http, container):
    fill(http, container, 2)
    assert index_metrics(http, container, "SELECT * from c", partition_key=["p1"]) == {
        "UtilizedSingleIndexes": [single("/pk/?")], "PotentialSingleIndexes": [], "UtilizedCompositeIndexes": [],
        "PotentialCompositeIndexes": []}


def test_index_metrics_follow_the_filter_and_the_policy(http, database):
    name = unique("c")
    policy = {"indexingMode": "consistent", "automatic": True, "includedPaths": [{"path": "/*"}],
              "excludedPaths": [{"path": "/secret/?"}, {"path": "/\"_etag\"/?"}],
              "compositeIndexes": [[{"path": "/a", "order": "ascending"}, {"path": "/b", "order": "descending"}]]}
    assert http.create_container(database, name, {"paths": ["/pk"], "kind": "Hash", "version": 2},
                                 extra={"indexingPolicy": policy}).status == 201
    path = f"/dbs/{database}/colls/{name}"
    metrics = index_metrics(http, path, "SELECT * FROM c WHERE c.a = 1 AND c.secret > 2 AND STARTSWITH(c.s, 'x')",
                            cross=True)
    assert metrics["UtilizedSingleIndexes"] == [single("/a/?"), single("/s/?")]
    assert metrics["PotentialSingleIndexes"] == [single("/secret/?")]
    assert index_metrics(http, path, "SELECT * FROM c ORDER BY c.a ASC, c.b DESC", partition_key=["x"])[
        "UtilizedCompositeIndexes"] == [{"IndexSpecs": ["/a ASC", "/b DESC"], "IndexPreciseSet": False,
                                         "IndexImpactScore": "High"}]
    reversed_keys = index_metrics(http, path, "SELECT * FROM c ORDER BY c.a DESC, c.b ASC", partition_key=["x"])
    assert [entry["IndexSpecs"] for entry in reversed_keys["UtilizedCompositeIndexes"]] == [["/a DESC", "/b ASC"]]
    missing = index_metrics(http, path, "SELECT * FROM c ORDER BY c.a, c.c", partition_key=["x"])
    assert missing["UtilizedCompositeIndexes"] == []
    assert [entry["IndexSpecs"] for entry in missing["PotentialCompositeIndexes"]] == [["/a ASC", "/c ASC"]]
    assert index_metrics(http, path, "SELECT * FROM c", cross=True) == {
        "UtilizedSingleIndexes": [], "PotentialSingleIndexes": [], "UtilizedCompositeIndexes": [],
        "PotentialCompositeIndexes": []}


def test_no_index_metrics_unless_asked(http, container):
    reply = http.query(f"{container}/docs", "SELECT * FROM c", partition_key=["p"])
    assert reply.status == 200 and "x-ms-cosmos-index-utilization" not in reply.headers
