"""Vector search: ``VectorDistance`` (cosine, dot product, Euclidean), computed by brute force."""
from __future__ import annotations

import math

from .. import nodes as n
from ..values import UNDEFINED, is_array, is_boolean, is_number, is_object, number_result
from .registry import builtin

DEFAULT_DISTANCE_FUNCTION = "cosine"
_SIMILARITY_FUNCTIONS = ("cosine", "dotproduct")


def _distance_function(options) -> str:
    if is_object(options):
        name = options.get("distanceFunction", DEFAULT_DISTANCE_FUNCTION)
        if isinstance(name, str):
            return name.lower()
    return DEFAULT_DISTANCE_FUNCTION


@builtin("VectorDistance", 2, 4)
def vector_distance(first, second, brute_force=False, options=UNDEFINED):
    if not (is_array(first) and is_array(second)) or len(first) != len(second) or not first:
        return UNDEFINED
    if not all(is_number(value) for value in first) or not all(is_number(value) for value in second):
        return UNDEFINED
    if brute_force is not UNDEFINED and not is_boolean(brute_force):
        return UNDEFINED
    if is_object(options) and is_number(options.get("dimensions")) and len(first) != options["dimensions"]:
        return UNDEFINED  # not a vector of the container's embedding
    function = _distance_function(options)
    if function == "euclidean":
        return number_result(math.sqrt(sum((a - b) ** 2 for a, b in zip(first, second))))
    dot = float(sum(a * b for a, b in zip(first, second)))
    if function == "dotproduct":
        return number_result(dot)
    if function == "cosine":
        norms = math.sqrt(sum(a * a for a in first)) * math.sqrt(sum(b * b for b in second))
        return number_result(dot / norms) if norms else UNDEFINED
    return UNDEFINED


@builtin("_VectorScore", 2, 4)
def vector_score(first, second, brute_force=False, options=UNDEFINED):
    """The internal form of VectorDistance in the component queries of hybrid search plans."""
    return vector_distance(first, second, brute_force, options)


VECTOR_SCORE_FUNCTIONS = ("VECTORDISTANCE", "_VECTORSCORE")


def order_by_similarity(expression: n.Node) -> bool:
    """Whether ORDER BY on ``expression`` must list larger scores first: VectorDistance with a similarity
    function (cosine, dot product) and FullTextScore sort best match first; Euclidean distance sorts nearest
    first."""
    if not (isinstance(expression, n.FunctionCall) and not expression.is_udf):
        return False
    # (_FullTextScore, the plans' internal form, sorts as written: its queries say DESC.)
    if expression.name.upper() == "FULLTEXTSCORE":
        return True
    if expression.name.upper() not in VECTOR_SCORE_FUNCTIONS:
        return False
    if len(expression.arguments) >= 4 and isinstance(expression.arguments[3], n.ObjectConstructor):
        for key, value in expression.arguments[3].properties:
            if key == "distanceFunction" and isinstance(value, n.Literal) and isinstance(value.value, str):
                return value.value.lower() in _SIMILARITY_FUNCTIONS
    return DEFAULT_DISTANCE_FUNCTION in _SIMILARITY_FUNCTIONS
