"""Search: vector embedding and indexing policies, full-text policies and indexes validated on create and replace
(400 with the service's words, as azure-cosmos's test_vector_policy.py / test_full_text_policy.py check them,
nothing written), VectorDistance honouring the container's embedding policy, full-text functions in queries."""
from __future__ import annotations

import copy
import math

import pytest

from cosmos_http import unique

PK = {"paths": ["/pk"], "kind": "Hash", "version": 2}
EMBEDDINGS = {"vectorEmbeddings": [
    {"path": "/vector1", "dataType": "float32", "dimensions": 256, "distanceFunction": "euclidean"},
    {"path": "/vector2", "dataType": "int8", "dimensions": 200, "distanceFunction": "dotproduct"}]}
FULL_TEXT = {"defaultLanguage": "en-US", "fullTextPaths": [{"path": "/abstract", "language": "en-US"}]}


def create(http, database, name=None, **extra):
    name = name or unique("c")
    reply = http.create_container(database, name, PK, extra=extra)
    return name, reply


def errors_text(reply):
    return reply.json["message"].split("\r\n")[0]


# ------------------------------------------------------------------------------------------ vector policies
def test_valid_vector_policies_read_back_as_written(http, database):
    for data_type in ("float32", "float16", "int8", "uint8"):
        policy = {"vectorEmbeddings": [{"path": "/v", "dataType": data_type, "dimensions": 256,
                                        "distanceFunction": "euclidean"}]}
        name, reply = create(http, database, vectorEmbeddingPolicy=policy)
        assert reply.status == 201, reply
        assert http.request("GET", f"/dbs/{database}/colls/{name}").json["vectorEmbeddingPolicy"] == policy
    indexes = [{"path": "/vector1", "type": "flat"},
               {"path": "/vector2", "type": "diskANN", "quantizerType": "product", "quantizationByteSize": 8,
                "vectorIndexShardKey": ["/country/city"], "indexingSearchListSize": 50}]
    name, reply = create(http, database, vectorEmbeddingPolicy=EMBEDDINGS, indexingPolicy={"vectorIndexes": indexes})
    assert reply.status == 201 and reply.json["indexingPolicy"]["vectorIndexes"] == indexes


@pytest.mark.parametrize("embeddings, indexes, expected", [
    (None, [{"path": "/vector1", "type": "flat"}],
     "The Vector Indexing Policy's path::/vector1 not matching in Embedding's path."),
    (EMBEDDINGS, [{"path": "/vector3", "type": "flat"}],
     "The Vector Indexing Policy's path::/vector3 not matching in Embedding's path."),
    (EMBEDDINGS, [{"path": "/vector1", "type": "notFlat"}], "Index Type::notFlat is invalid"),
    (EMBEDDINGS, [{"path": "/vector1", "type": "quantizedFlat", "quantizationByteSize": 0}],
     "The Vector Indexing Policy parameter QuantizationByteSize value :: 0 is out of range. The allowed range is "
     "between 1 and 256."),
    (EMBEDDINGS, [{"path": "/vector1", "type": "diskANN", "indexingSearchListSize": 5}],
     "IndexingSearchListSize value :: 5 is out of range. The allowed range is between 25 and 500."),
    (EMBEDDINGS, [{"path": "/vector2", "type": "diskANN", "vectorIndexShardKey": ["country"]}],
     "The Vector Indexing Policy has an invalid Shard Path: country."),
    (EMBEDDINGS, [{"path": "/vector2", "type": "diskANN", "vectorIndexShardKey": ["/country", "/city", "/zip"]}],
     "The number of shard paths defined in the Vector Indexing Policy: 3 exceeds the maximum: 1."),
    (EMBEDDINGS, [{"path": "/vector2", "type": "diskANN", "vectorIndexShardKey": "/country"}],
     "One of the specified inputs is invalid"),
    ({"vectorEmbeddings": [{"path": "/vector1", "dataType": "float32", "dimensions": 550,
                            "distanceFunction": "euclidean"}]},
     [{"path": "/vector1", "type": "quantizedFlat", "quantizationByteSize": 513}],
     "The Vector Indexing Policy parameter QuantizationByteSize value :: 513 is out of range."),
    ({"vectorEmbeddings": [{"path": "/vector1", "dataType": "float33", "dimensions": 256,
                            "distanceFunction": "euclidean"}]}, None, "Vector Embedding Policy has an invalid DataType"),
    ({"vectorEmbeddings": [{"path": "/vector1", "dataType": "float32", "dimensions": 8000,
                            "distanceFunction": "euclidean"}]}, None,
     "Vector Embedding Policy has Dimensions:8000 which is more than the maximum supported value"),
    ({"vectorEmbeddings": [{"path": "/vector1", "dataType": "float32", "dimensions": -1,
                            "distanceFunction": "euclidean"}]}, None, "The Vector Embedding Policy has Dimensions:-1"),
    ({"vectorEmbeddings": [{"path": "/vector1", "dataType": "float32", "dimensions": 256,
                            "distanceFunction": "handMeasured"}]}, None,
     "The Vector Embedding Policy has an invalid DistanceFunction:handMeasured"),
    ({"vectorEmbeddings": [{"path": "vector1", "dataType": "float32", "dimensions": 3,
                            "distanceFunction": "cosine"}]}, None, "The Vector Embedding Policy has an invalid Path"),
    ({"vectorEmbeddings": {"path": "/v"}}, None, "One of the specified inputs is invalid"),
])
def test_bad_vector_policies_are_400(http, database, embeddings, indexes, expected):
    extra = {}
    if embeddings is not None:
        extra["vectorEmbeddingPolicy"] = embeddings
    if indexes is not None:
        extra["indexingPolicy"] = {"vectorIndexes": indexes}
    name, reply = create(http, database, **extra)
    assert reply.status == 400, reply
    assert expected in errors_text(reply)
    assert http.request("GET", f"/dbs/{database}/colls/{name}").status == 404


def test_invalid_definitions_are_400_even_under_an_existing_id(http, database):
    name, reply = create(http, database)
    assert reply.status == 201
    again = http.create_container(database, name, PK, extra={"vectorEmbeddingPolicy": {"vectorEmbeddings": [
        {"path": "/v", "dataType": "float33", "dimensions": 3, "distanceFunction": "cosine"}]}})
    assert again.status == 400
    assert http.create_container(database, name, PK).status == 409


def test_vector_policies_cannot_change_on_replace(http, database):
    indexing = {"indexingMode": "consistent", "automatic": True, "includedPaths": [{"path": "/*"}],
                "excludedPaths": [{"path": "/vector1/*"}, {"path": "/\"_etag\"/?"}], "fullTextIndexes": [],
                "vectorIndexes": [{"path": "/vector1", "type": "diskANN", "quantizerType": "product",
                                   "quantizationByteSize": 128, "indexingSearchListSize": 100}]}
    embeddings = {"vectorEmbeddings": [EMBEDDINGS["vectorEmbeddings"][0]]}
    name, reply = create(http, database, vectorEmbeddingPolicy=embeddings, indexingPolicy=indexing)
    assert reply.status == 201
    path = f"/dbs/{database}/colls/{name}"
    base = reply.json
    other_paths = dict(copy.deepcopy(indexing), includedPaths=[{"path": "/color/?"}],
                       excludedPaths=[{"path": "/*"}, {"path": "/vector1/*"}, {"path": "/\"_etag\"/?"}])
    assert http.request("PUT", path, dict(base, indexingPolicy=other_paths)).status == 200
    without = {key: value for key, value in base.items() if key != "vectorEmbeddingPolicy"}
    refused = http.request("PUT", path, dict(without, indexingPolicy=indexing))
    assert refused.status == 400
    assert "The Vector Indexing Policy's path::/vector1 not matching in Embedding's path." in errors_text(refused)
    changed_index = dict(copy.deepcopy(indexing), vectorIndexes=[{"path": "/vector1", "type": "quantizedFlat"}])
    refused = http.request("PUT", path, dict(base, indexingPolicy=changed_index))
    assert refused.status == 400
    assert "Paths in existing vector indexing policy cannot be modified in Collection Replace" in errors_text(refused)
    changed_embedding = {"vectorEmbeddings": [dict(embeddings["vectorEmbeddings"][0], dimensions=384)]}
    refused = http.request("PUT", path, dict(base, vectorEmbeddingPolicy=changed_embedding, indexingPolicy=indexing))
    assert refused.status == 400
    assert "Paths in existing embedding policy cannot be modified in Collection Replace" in errors_text(refused)
    stored = http.request("GET", path).json
    assert stored["vectorEmbeddingPolicy"] == embeddings
    assert stored["indexingPolicy"]["includedPaths"] == [{"path": "/color/?"}]


# --------------------------------------------------------------------------------------- full-text policies
def test_valid_full_text_policies_read_back_as_written(http, database):
    for policy in (FULL_TEXT, {"defaultLanguage": "en-US"}, {"defaultLanguage": "en-US",
                                                             "fullTextPaths": [{"path": "/abstract"}]}):
        name, reply = create(http, database, fullTextPolicy=policy,
                             indexingPolicy={"fullTextIndexes": [{"path": "/abstract"}]}
                             if policy.get("fullTextPaths") else None)
        assert reply.status == 201, reply
        assert http.request("GET", f"/dbs/{database}/colls/{name}").json["fullTextPolicy"] == policy


def test_full_text_policies_can_change_on_replace(http, database):
    name, reply = create(http, database)
    path = f"/dbs/{database}/colls/{name}"
    new_policy = {"defaultLanguage": "en-US", "fullTextPaths": [{"path": "/new_path", "language": "en-US"}]}
    replaced = http.request("PUT", path, dict(reply.json, fullTextPolicy=new_policy,
                                              indexingPolicy={"fullTextIndexes": [{"path": "/new_path"}]}))
    assert replaced.status == 200
    assert replaced.json["fullTextPolicy"] == new_policy
    assert replaced.json["indexingPolicy"]["fullTextIndexes"] == [{"path": "/new_path"}]


@pytest.mark.parametrize("policy, indexes, expected", [
    ({"defaultLanguage": "en-US", "fullTextPaths": [{"path": "abstract", "language": "en-US"}]}, None,
     "The Full Text Policy contains an invalid Path: abstract"),
    ({"defaultLanguage": "spa-SPA", "fullTextPaths": [{"path": "/abstract", "language": "en-US"}]}, None,
     "The Full Text Policy contains an unsupported language spa-SPA. Supported languages are:"),
    ({"defaultLanguage": "en-US", "fullTextPaths": [{"path": "/abstract", "language": "spa-SPA"}]}, None,
     "The Full Text Policy contains an unsupported language spa-SPA. Supported languages are:"),
    (None, [{"path": "/path"}],
     "The path of the Full Text Index /path does not match the path specified in the Full Text Policy"),
    (FULL_TEXT, [{"path": "abstract"}], "Full-text index specification at index (0) contains invalid path"),
    (FULL_TEXT, [{"not_path": "abstract"}], "Missing path in full-text index specification at index (0)"),
    (FULL_TEXT, [{"path": "/abstract"}, {"path": "/other"}],
     "The path of the Full Text Index /other does not match the path specified in the Full Text Policy"),
])
def test_bad_full_text_definitions_are_400(http, database, policy, indexes, expected):
    extra = {}
    if policy is not None:
        extra["fullTextPolicy"] = policy
    if indexes is not None:
        extra["indexingPolicy"] = {"fullTextIndexes": indexes}
    name, reply = create(http, database, **extra)
    assert reply.status == 400, reply
    assert expected in errors_text(reply)
    assert http.request("GET", f"/dbs/{database}/colls/{name}").status == 404


# ------------------------------------------------------------------------------------------ vector queries
def vector_container(http, database, function, dimensions=3, data_type="float32"):
    policy = {"vectorEmbeddings": [{"path": "/embedding", "dataType": data_type, "dimensions": dimensions,
                                    "distanceFunction": function}]}
    name, reply = create(http, database, vectorEmbeddingPolicy=policy,
                         indexingPolicy={"vectorIndexes": [{"path": "/embedding", "type": "flat"}]})
    assert reply.status == 201, reply
    path = f"/dbs/{database}/colls/{name}"
    vectors = {"a": [1, 0, 0], "b": [0.9, 0.1, 0], "c": [0, 1, 0], "d": [-1, 0, 0], "e": [3, 0, 0],
               "short": [1, 0]}
    for item_id, vector in vectors.items():
        assert http.request("POST", f"{path}/docs", {"id": item_id, "pk": "p", "embedding": vector},
                            partition_key=["p"]).status == 201
    return path


def ranked(http, path, sql, parameters=None):
    reply = http.query(f"{path}/docs", sql, parameters, partition_key=["p"])
    assert reply.status == 200, reply
    return reply.json["Documents"]


QUERY = [{"name": "@q", "value": [1, 0, 0]}]


def test_vector_distance_uses_the_policys_euclidean_distance_nearest_first(http, database):
    path = vector_container(http, database, "euclidean")
    rows = ranked(http, path, "SELECT TOP 4 c.id, VectorDistance(c.embedding, @q) AS score FROM c "
                              "ORDER BY VectorDistance(c.embedding, @q)", QUERY)
    assert [row["id"] for row in rows] == ["a", "b", "c", "d"]
    assert rows[0]["score"] == 0 and math.isclose(rows[1]["score"], math.sqrt(0.02))
    assert math.isclose(rows[2]["score"], math.sqrt(2)) and rows[3]["score"] == 2


def test_vector_distance_uses_the_policys_dot_product_largest_first(http, database):
    path = vector_container(http, database, "dotproduct")
    rows = ranked(http, path, "SELECT TOP 3 c.id, VectorDistance(c.embedding, @q) AS score FROM c "
                              "ORDER BY VectorDistance(c.embedding, @q)", QUERY)
    assert [(row["id"], row["score"]) for row in rows] == [("e", 3), ("a", 1), ("b", 0.9)]


def test_vector_distance_default_cosine_and_explicit_options_win(http, database):
    path = vector_container(http, database, "cosine")
    rows = ranked(http, path, "SELECT TOP 3 VALUE c.id FROM c ORDER BY VectorDistance(c.embedding, @q)", QUERY)
    assert rows[:2] in (["a", "e"], ["e", "a"]) and rows[2] == "b"  # a and e are both at similarity 1
    explicit = ranked(http, path, "SELECT TOP 2 VALUE c.id FROM c ORDER BY VectorDistance(c.embedding, @q, false, "
                                  "{'distanceFunction': 'euclidean'})", QUERY)
    assert explicit == ["a", "b"]


def test_vectors_of_other_dimensions_have_no_distance(http, database):
    path = vector_container(http, database, "euclidean")
    rows = ranked(http, path, "SELECT c.id, VectorDistance(c.embedding, @q) AS score FROM c WHERE c.id = 'short'",
                  QUERY)
    assert rows == [{"id": "short"}]


def test_cross_partition_plan_carries_the_policys_ordering(http, database):
    path = vector_container(http, database, "euclidean")
    reply = http.query(f"{path}/docs", "SELECT TOP 2 c.id FROM c ORDER BY VectorDistance(c.embedding, [1, 0, 0])",
                       headers={"x-ms-documentdb-query-enablecrosspartition": "true",
                                "x-ms-cosmos-is-query-plan-request": "true",
                                "x-ms-cosmos-supported-query-features": "OrderBy,Top,NonStreamingOrderBy"})
    assert reply.status == 200, reply
    info = reply.json["queryInfo"]
    assert info["orderBy"] == ["Ascending"]
    assert "euclidean" in info["rewrittenQuery"]


# --------------------------------------------------------------------------------------- full-text queries
def test_full_text_functions_and_rank(http, database):
    name, reply = create(http, database, fullTextPolicy=FULL_TEXT,
                         indexingPolicy={"fullTextIndexes": [{"path": "/abstract"}]})
    path = f"/dbs/{database}/colls/{name}"
    texts = {"1": "The quick brown fox jumps over the lazy dog", "2": "A fox, a fox, a fox in the box",
             "3": "Nothing about animals here", "4": "brown bears and brown foxes"}
    for item_id, text in texts.items():
        http.request("POST", f"{path}/docs", {"id": item_id, "pk": "p", "abstract": text}, partition_key=["p"])
    assert ranked(http, path, "SELECT VALUE c.id FROM c WHERE FullTextContains(c.abstract, 'quick brown')") == ["1"]
    assert ranked(http, path, "SELECT VALUE c.id FROM c WHERE FullTextContainsAll(c.abstract, 'brown', 'fox')"
                  ) == ["1"]
    assert sorted(ranked(http, path, "SELECT VALUE c.id FROM c WHERE FullTextContainsAny(c.abstract, 'fox', "
                                     "'bears')")) == ["1", "2", "4"]
    assert ranked(http, path, "SELECT TOP 2 VALUE c.id FROM c ORDER BY RANK FullTextScore(c.abstract, 'fox')"
                  ) == ["2", "1"]
