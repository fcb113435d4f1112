"""Scenarios for queries the gateway plans: aggregates together with ORDER BY (the forms 4.17.1's own aggregate
suite runs across partitions), GROUP BY with ORDER BY, aggregates pinned to one partition by their filter, and
DISTINCT with ORDER BY and OFFSET/LIMIT across partitions."""
from __future__ import annotations

from azure.cosmos import PartitionKey

from runtime import Run, scenario

# Enough keys that are not numbers for every one of four ranges to hold some: a range's SUM (and AVG) of mixed
# types is undefined, and 4.17.1 merges only the ranges that have a value.
SCALARS = [None, False, True, "abc", "cdfg", "opqrs", "xyz"] + [f"s{index}" for index in range(12)]
NUMBERED = 40
SAME_KEY = 30


def _aggregates_container(run: Run):
    container = run.database().create_container("aggregates", PartitionKey("/key"))
    for index, value in enumerate(SCALARS):
        container.create_item({"id": f"s{index}", "key": value})
    for index in range(SAME_KEY):
        container.create_item({"id": f"u{index}", "key": "one", "field": index + 1})
    for index in range(NUMBERED):
        container.create_item({"id": f"n{index}", "key": index + 1, "team": ["red", "blue", "green"][index % 3]})
    return container


def _values(container, sql):
    return list(container.query_items(sql, enable_cross_partition_query=True))


@scenario("queries.aggregates_with_order_by")
def aggregates_with_order_by(run: Run) -> None:
    container = _aggregates_container(run)
    for operator, condition in [("AVG", "IS_NUMBER(r.key)"), ("AVG", "true"), ("COUNT", "true"),
                                ("MAX", "true"), ("MIN", "true"), ("SUM", "IS_NUMBER(r.key)"), ("SUM", "true")]:
        for order in ("", " ORDER BY r.key", " ORDER BY r.key DESC"):
            sql = f"SELECT VALUE {operator}(r.key) FROM r WHERE {condition}{order}"
            run.observe(sql, run.attempt(lambda: _values(container, sql)))
    pages = [list(page) for page in container.query_items(
        "SELECT VALUE COUNT(r.key) FROM r ORDER BY r.key", enable_cross_partition_query=True).by_page()]
    run.observe("pages of an aggregate with ORDER BY", pages)


@scenario("queries.pinned_aggregates")
def pinned_aggregates(run: Run) -> None:
    container = _aggregates_container(run)
    for operator in ("AVG", "COUNT", "MAX", "MIN", "SUM"):
        value_sql = f"SELECT VALUE {operator}(r.field) FROM r WHERE r.key = 'one'"
        run.observe(value_sql, run.attempt(lambda: _values(container, value_sql)))
        plain_sql = f"SELECT {operator}(r.field) FROM r WHERE r.key = 'one'"
        run.observe(plain_sql, run.status(lambda: _values(container, plain_sql)))
    run.observe("non-VALUE aggregate with the partition key", list(container.query_items(
        "SELECT COUNT(1) AS n FROM r", partition_key="one")))


@scenario("queries.group_by_with_order_by")
def group_by_with_order_by(run: Run) -> None:
    container = _aggregates_container(run)
    sql = "SELECT r.team, COUNT(1) AS n FROM r WHERE IS_DEFINED(r.team) GROUP BY r.team ORDER BY r.team"
    run.observe("GROUP BY with ORDER BY in one partition", run.status(
        lambda: list(container.query_items(sql, partition_key=1))))
    run.observe("GROUP BY without ORDER BY in one partition", list(container.query_items(
        "SELECT r.team, COUNT(1) AS n FROM r GROUP BY r.team", partition_key=1)))


@scenario("queries.distinct_order_by_offset_limit")
def distinct_order_by_offset_limit(run: Run) -> None:
    container = _aggregates_container(run)
    for sql in ["SELECT DISTINCT VALUE r.team FROM r WHERE IS_DEFINED(r.team) ORDER BY r.team",
                "SELECT DISTINCT VALUE r.team FROM r WHERE IS_DEFINED(r.team) ORDER BY r.team DESC OFFSET 1 LIMIT 5",
                "SELECT DISTINCT r.team FROM r WHERE IS_DEFINED(r.team) ORDER BY r.team OFFSET 1 LIMIT 1",
                "SELECT VALUE r.key FROM r WHERE IS_NUMBER(r.key) ORDER BY r.key DESC OFFSET 3 LIMIT 4",
                "SELECT DISTINCT TOP 2 VALUE r.team FROM r WHERE IS_DEFINED(r.team) ORDER BY r.team"]:
        run.observe(sql, run.attempt(lambda: _values(container, sql)))
    pages = [list(page) for page in container.query_items(
        "SELECT VALUE r.key FROM r WHERE IS_NUMBER(r.key) ORDER BY r.key OFFSET 5 LIMIT 12",
        enable_cross_partition_query=True, max_item_count=5).by_page()]
    run.observe("OFFSET/LIMIT across partitions paged by 5", pages)


HYBRID_TEXTS = ["swim fast swim", "run and swim", "bike to the pool", "swim", "run run run run", "swimmer",
                "swim swim swim swim", "walk and run", "run swim run swim run swim", "nothing"]


@scenario("queries.hybrid_search")
def hybrid_search(run: Run) -> None:
    """ORDER BY RANK FullTextScore and RRF across partitions: 4.17.1 runs the plan's hybridSearchQueryInfo
    (statistics, component queries, fusion); with a partition key the server ranks the partition itself."""
    container = run.database().create_container(
        "hybrid", PartitionKey("/pk"),
        full_text_policy={"defaultLanguage": "en-US", "fullTextPaths": [{"path": "/text", "language": "en-US"}]},
        indexing_policy={"fullTextIndexes": [{"path": "/text"}], "vectorIndexes": [{"path": "/v", "type": "flat"}]},
        vector_embedding_policy={"vectorEmbeddings": [{"path": "/v", "dataType": "float32",
                                                       "distanceFunction": "cosine", "dimensions": 2}]})
    for index, text in enumerate(HYBRID_TEXTS):
        container.create_item({"id": f"d{index}", "pk": "one" if index < 5 else f"p{index}", "text": text,
                               "v": [1.0, index / 10]})
    queries = {
        "full-text rank": "SELECT TOP 3 VALUE c.id FROM c ORDER BY RANK FullTextScore(c.text, 'swim')",
        "RRF of two full-text scores": ("SELECT TOP 3 VALUE c.id FROM c ORDER BY RANK RRF(FullTextScore(c.text, "
                                        "'swim'), FullTextScore(c.text, 'run'))"),
        "RRF of text and vector, weighted": ("SELECT TOP 4 c.id FROM c ORDER BY RANK RRF(FullTextScore(c.text, "
                                             "'run'), VectorDistance(c.v, [0, 1]), [1, 0.4])"),
        "RRF with a negative weight, OFFSET LIMIT": ("SELECT VALUE c.id FROM c ORDER BY RANK RRF(VectorDistance(c.v, "
                                                     "[1, 0]), FullTextScore(c.text, 'swim'), [2, -1]) "
                                                     "OFFSET 1 LIMIT 3"),
    }
    for name, sql in queries.items():
        run.observe(name, run.attempt(lambda: list(container.query_items(sql, enable_cross_partition_query=True))))
    run.observe("RRF in one partition", run.attempt(lambda: list(container.query_items(
        "SELECT TOP 4 VALUE c.id FROM c ORDER BY RANK RRF(FullTextScore(c.text, 'swim'), FullTextScore(c.text, "
        "'run'), [1, 0.5])", partition_key="one"))))
