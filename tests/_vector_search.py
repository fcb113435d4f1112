"""Shared pieces of tests/test_vector_queries.py and its async twin: documents with embeddings over every
physical partition, and the nearest neighbours computed here, independently of any server."""
from __future__ import annotations

import math
import random
from typing import Any, Dict, List

DOCUMENT_COUNT = 1500
DIMENSIONS = 3
QUERY_VECTOR = [0.1, 0.2, 0.3]
EMBEDDING_POLICY = {"vectorEmbeddings": [{"path": "/e", "dataType": "float32", "distanceFunction": "cosine",
                                          "dimensions": DIMENSIONS}]}
INDEXING_POLICY = {"vectorIndexes": [{"path": "/e", "type": "flat"}]}
TOP_QUERY = ("SELECT TOP 1000 c.id, VectorDistance(c.e, @v) AS score FROM c "
             "ORDER BY VectorDistance(c.e, @v)")
PARAMETERS = [{"name": "@v", "value": QUERY_VECTOR}]


def documents() -> List[Dict[str, Any]]:
    rng = random.Random(20261201)
    return [{"id": f"v{i}", "pk": f"pk-{i % 23}", "e": [rng.random() for _ in range(DIMENSIONS)]}
            for i in range(DOCUMENT_COUNT)]


def cosine(a: List[float], b: List[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b))
    return dot / (math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b)))


def nearest(count: int) -> List[str]:
    """Ids by cosine similarity to the query vector, most similar first (what ORDER BY VectorDistance gives)."""
    ranked = sorted(documents(), key=lambda d: -cosine(d["e"], QUERY_VECTOR))
    return [d["id"] for d in ranked[:count]]


def scores() -> Dict[str, float]:
    return {d["id"]: cosine(d["e"], QUERY_VECTOR) for d in documents()}
