"""Shared pieces of tests/test_hybrid_search.py and its async twin: documents with two embeddings and a text over
every physical partition, and the reciprocal rank fusion computed here, independently of any server.

With ``TOP k`` the service asks each partition for every component's best ``12 * k`` rows; with no more documents
than that, every document is a candidate of every component, so the fusion over all documents is the answer."""
from __future__ import annotations

import math
import random
from typing import Any, Dict, List, Optional, Sequence

DOCUMENT_COUNT = 600
TOP = 50
A = [0.1, 0.2, 0.3]
B = [0.9, 0.1, 0.4]
EMBEDDING_POLICY = {"vectorEmbeddings": [
    {"path": "/a", "dataType": "float32", "distanceFunction": "cosine", "dimensions": 3},
    {"path": "/b", "dataType": "float32", "distanceFunction": "cosine", "dimensions": 3}]}
FULL_TEXT_POLICY = {"defaultLanguage": "en-US", "fullTextPaths": [{"path": "/text", "language": "en-US"}]}
INDEXING_POLICY = {"vectorIndexes": [{"path": "/a", "type": "flat"}, {"path": "/b", "type": "flat"}],
                   "fullTextIndexes": [{"path": "/text"}]}
WORDS = ["swim", "run", "bike", "hike", "climb", "row", "ski", "skate"]
RRF_QUERY = f"SELECT TOP {TOP} c.id FROM c ORDER BY RANK RRF(VectorDistance(c.a, @a), VectorDistance(c.b, @b))"
WEIGHTED_QUERY = (f"SELECT TOP {TOP} c.id FROM c "
                  "ORDER BY RANK RRF(VectorDistance(c.a, @a), VectorDistance(c.b, @b), [3, 1])")
TEXT_QUERY = f'SELECT TOP {TOP} c.id, c.text FROM c ORDER BY RANK FullTextScore(c.text, "swim", "climb")'
PARAMETERS = [{"name": "@a", "value": A}, {"name": "@b", "value": B}]


def documents() -> List[Dict[str, Any]]:
    rng = random.Random(1201)
    return [{"id": f"h{i}", "pk": f"pk-{i % 17}", "a": [rng.random() for _ in range(3)],
             "b": [rng.random() for _ in range(3)], "text": " ".join(rng.sample(WORDS, 3))}
            for i in range(DOCUMENT_COUNT)]


def _cosine(x: Sequence[float], y: Sequence[float]) -> float:
    return sum(p * q for p, q in zip(x, y)) / (math.sqrt(sum(p * p for p in x)) * math.sqrt(sum(q * q for q in y)))


def _ranks(scores: List[float]) -> List[int]:
    """Dense ranks, best (largest) first; equal scores share a rank."""
    order = sorted(range(len(scores)), key=lambda i: -scores[i])
    ranks = [0] * len(scores)
    rank, previous = 0, None
    for position, index in enumerate(order):
        if position == 0 or scores[index] != previous:
            rank += 1
            previous = scores[index]
        ranks[index] = rank
    return ranks


def fused_top(weights: Optional[Sequence[float]] = None) -> List[str]:
    docs = documents()
    weights = weights or (1.0, 1.0)
    components = [[_cosine(d["a"], A) for d in docs], [_cosine(d["b"], B) for d in docs]]
    fused = [0.0] * len(docs)
    for weight, scores in zip(weights, components):
        for index, rank in enumerate(_ranks(scores)):
            fused[index] += weight / (60 + rank)
    order = sorted(range(len(docs)), key=lambda i: -fused[i])
    return [docs[i]["id"] for i in order[:TOP]]
