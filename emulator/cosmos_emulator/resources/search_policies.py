"""Search definitions of a container, checked on create and replace as the service checks them.

* ``vectorEmbeddingPolicy.vectorEmbeddings``: ``path``, ``dataType`` (float32, float16, int8, uint8),
  ``dimensions`` (1..4096), ``distanceFunction`` (cosine, dotproduct, euclidean).
* ``indexingPolicy.vectorIndexes``: each on a path of the embedding policy, ``type`` flat, quantizedFlat or
  diskANN, ``quantizationByteSize`` 1..min(512, dimensions), ``indexingSearchListSize`` 25..500,
  ``vectorIndexShardKey`` a list of at most one path.
* ``fullTextPolicy``: ``defaultLanguage`` and each ``fullTextPaths`` entry's ``language`` among the supported
  languages, paths starting with ``/``; ``indexingPolicy.fullTextIndexes`` on paths of that policy.

A replace may change the full-text definitions but not the vector ones: the embedding policy and the vector
indexes must be sent again unchanged. Refusals answer 400 with the service's words (as azure-cosmos's own
``test_vector_policy.py`` and ``test_full_text_policy.py`` check them) and write nothing.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional

from ..errors import CosmosError, bad_request, errors_message

DATA_TYPES = ("float32", "float16", "int8", "uint8")
DISTANCE_FUNCTIONS = ("cosine", "dotproduct", "euclidean")
VECTOR_INDEX_TYPES = ("flat", "quantizedFlat", "diskANN")
MAX_DIMENSIONS = 4096
MAX_QUANTIZATION_BYTE_SIZE = 512
SEARCH_LIST_SIZE_RANGE = (25, 500)
MAX_SHARD_PATHS = 1
LANGUAGES = ("en-US", "fr-FR", "de-DE", "it-IT", "pt-BR", "pt-PT", "es-ES")
INVALID_INPUT = "One of the specified inputs is invalid"


def _refuse(message: str) -> CosmosError:
    return bad_request(errors_message(message))


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _valid_path(path: Any) -> bool:
    return isinstance(path, str) and path.startswith("/") and len(path) > 1 and "//" not in path


def _one_of(value: Any, allowed) -> bool:
    return isinstance(value, str) and value.lower() in (name.lower() for name in allowed)


def validate(body: Dict[str, Any], indexing_policy: Dict[str, Any],
             existing: Optional[Dict[str, Any]] = None) -> None:
    """Check a create (``existing`` None) or replace body's search definitions.

    :param body: the request body.
    :param indexing_policy: the body's indexing policy as it will be stored.
    :param existing: the container's current properties, for a replace.
    :raises CosmosError: 400.
    """
    embeddings = _embeddings(body.get("vectorEmbeddingPolicy"))
    _check_vector_indexes(indexing_policy.get("vectorIndexes"), embeddings)
    text_paths = _full_text_paths(body.get("fullTextPolicy"))
    _check_full_text_indexes(indexing_policy.get("fullTextIndexes"), text_paths)
    if existing is not None:
        _check_vector_replace(body, indexing_policy, existing)


def _embeddings(policy: Any) -> Dict[str, Dict[str, Any]]:
    if policy is None:
        return {}
    if not isinstance(policy, dict) or not isinstance(policy.get("vectorEmbeddings", []), list):
        raise _refuse(INVALID_INPUT)
    found: Dict[str, Dict[str, Any]] = {}
    for entry in policy.get("vectorEmbeddings", []):
        if not isinstance(entry, dict):
            raise _refuse(INVALID_INPUT)
        path = entry.get("path")
        if not _valid_path(path):
            raise _refuse(f"The Vector Embedding Policy has an invalid Path: {path}.")
        if path in found:
            raise _refuse(f"The Vector Embedding Policy has a duplicate Path: {path}.")
        if not _one_of(entry.get("dataType"), DATA_TYPES):
            raise _refuse(f"The Vector Embedding Policy has an invalid DataType:{entry.get('dataType')}. Supported "
                          f"data types are: {', '.join(DATA_TYPES)}.")
        dimensions = entry.get("dimensions")
        if not _is_int(dimensions):
            raise _refuse(f"The Vector Embedding Policy has Dimensions:{dimensions} which is not an integer.")
        if dimensions > MAX_DIMENSIONS:
            raise _refuse(f"The Vector Embedding Policy has Dimensions:{dimensions} which is more than the maximum "
                          f"supported value {MAX_DIMENSIONS}.")
        if dimensions < 1:
            raise _refuse(f"The Vector Embedding Policy has Dimensions:{dimensions} which is less than the minimum "
                          f"supported value 1.")
        if not _one_of(entry.get("distanceFunction"), DISTANCE_FUNCTIONS):
            raise _refuse(f"The Vector Embedding Policy has an invalid DistanceFunction:"
                          f"{entry.get('distanceFunction')}. Supported distance functions are: "
                          f"{', '.join(DISTANCE_FUNCTIONS)}.")
        found[path] = entry
    return found


def _check_vector_indexes(indexes: Any, embeddings: Dict[str, Dict[str, Any]]) -> None:
    if indexes is None:
        return
    if not isinstance(indexes, list):
        raise _refuse(INVALID_INPUT)
    for entry in indexes:
        if not isinstance(entry, dict) or not isinstance(entry.get("path"), str):
            raise _refuse(INVALID_INPUT)
        path = entry["path"]
        if path not in embeddings:
            raise _refuse(f"The Vector Indexing Policy's path::{path} not matching in Embedding's path.")
        kind = entry.get("type")
        if not _one_of(kind, VECTOR_INDEX_TYPES):
            raise _refuse(f"The Vector Indexing Policy's Index Type::{kind} is invalid. Supported index types are: "
                          f"{', '.join(VECTOR_INDEX_TYPES)}.")
        if "quantizationByteSize" in entry:
            size = entry["quantizationByteSize"]
            ceiling = min(MAX_QUANTIZATION_BYTE_SIZE, embeddings[path]["dimensions"])
            if not _is_int(size) or not 1 <= size <= ceiling:
                raise _refuse(f"The Vector Indexing Policy parameter QuantizationByteSize value :: {size} is out of "
                              f"range. The allowed range is between 1 and {ceiling}.")
        if "indexingSearchListSize" in entry:
            size = entry["indexingSearchListSize"]
            low, high = SEARCH_LIST_SIZE_RANGE
            if not _is_int(size) or not low <= size <= high:
                raise _refuse(f"The Vector Indexing Policy parameter IndexingSearchListSize value :: {size} is out of "
                              f"range. The allowed range is between {low} and {high}.")
        if "vectorIndexShardKey" in entry:
            shard = entry["vectorIndexShardKey"]
            if not isinstance(shard, list):
                raise _refuse(INVALID_INPUT)
            if len(shard) > MAX_SHARD_PATHS:
                raise _refuse(f"The number of shard paths defined in the Vector Indexing Policy: {len(shard)} exceeds "
                              f"the maximum: {MAX_SHARD_PATHS}.")
            for shard_path in shard:
                if not _valid_path(shard_path):
                    raise _refuse(f"The Vector Indexing Policy has an invalid Shard Path: {shard_path}.")


def _check_vector_replace(body: Dict[str, Any], indexing_policy: Dict[str, Any], existing: Dict[str, Any]) -> None:
    if (existing.get("vectorEmbeddingPolicy") or None) != (body.get("vectorEmbeddingPolicy") or None) \
            and existing.get("vectorEmbeddingPolicy"):
        raise _refuse("Paths in existing embedding policy cannot be modified in Collection Replace.")
    before = (existing.get("indexingPolicy") or {}).get("vectorIndexes") or []
    after = indexing_policy.get("vectorIndexes") or []
    if before and before != after:
        raise _refuse("Paths in existing vector indexing policy cannot be modified in Collection Replace.")


def _full_text_paths(policy: Any) -> List[str]:
    if policy is None:
        return []
    if not isinstance(policy, dict) or not isinstance(policy.get("fullTextPaths", []), list):
        raise _refuse(INVALID_INPUT)
    languages = [policy["defaultLanguage"]] if "defaultLanguage" in policy else []
    paths = []
    for entry in policy.get("fullTextPaths", []):
        if not isinstance(entry, dict):
            raise _refuse(INVALID_INPUT)
        if not _valid_path(entry.get("path")):
            raise _refuse(f"The Full Text Policy contains an invalid Path: {entry.get('path')}")
        if "language" in entry:
            languages.append(entry["language"])
        paths.append(entry["path"])
    for language in languages:
        if language not in LANGUAGES:
            raise _refuse(f"The Full Text Policy contains an unsupported language {language}. Supported languages "
                          f"are: {', '.join(LANGUAGES)}")
    return paths


def _check_full_text_indexes(indexes: Any, paths: List[str]) -> None:
    if indexes is None:
        return
    if not isinstance(indexes, list):
        raise _refuse(INVALID_INPUT)
    for position, entry in enumerate(indexes):
        if not isinstance(entry, dict) or "path" not in entry:
            raise _refuse(f"Missing path in full-text index specification at index ({position})")
        if not _valid_path(entry["path"]):
            raise _refuse(f"Full-text index specification at index ({position}) contains invalid path "
                          f"{entry['path']}")
        if entry["path"] not in paths:
            raise _refuse(f"The path of the Full Text Index {entry['path']} does not match the path specified in the "
                          f"Full Text Policy")
