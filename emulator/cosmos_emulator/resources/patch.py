"""Partial document update (``PATCH .../docs/{id}``) and the operation semantics batch reuses.

The body is ``{"operations": [{"op": ..., "path": ..., "value"/"from": ...}], "condition": "FROM c
WHERE ..."}``. Operations (at most 10) apply in order to a copy of the document, all or nothing:

* ``add``: set an object member, or insert into an array at an index (``-`` appends);
* ``set``: set an object member, or overwrite an array element;
* ``replace``: overwrite a value that must exist;
* ``remove``: delete a value that must exist;
* ``incr``: add a number to a numeric value (created when absent);
* ``move``: remove the value at ``from`` and add it at ``path``.

The id, the partition key paths and system properties cannot be patched. A false ``condition``
answers 412.
"""
from __future__ import annotations

import copy
from typing import Any, Dict, List, Tuple

from .. import partitioning
from ..errors import bad_request, errors_message, precondition_failed

MAX_OPERATIONS = 10
OPERATIONS = ("add", "set", "replace", "remove", "incr", "move")
_PROTECTED_ROOTS = frozenset({"id", "_rid", "_self", "_etag", "_ts", "_attachments", "_lsn"})


def validate_operations(operations: Any, partition_key_definition: Dict[str, Any]) -> List[Dict[str, Any]]:
    """Check the operation list's shape and forbidden targets (400 otherwise)."""
    if not isinstance(operations, list) or not operations:
        raise bad_request(errors_message("Patch request has no operations."))
    if len(operations) > MAX_OPERATIONS:
        raise bad_request(errors_message(
            f"The number of patch operations cannot exceed {MAX_OPERATIONS}. Found {len(operations)}."))
    pk_paths = [tuple(partitioning.split_path(path)) for path in partition_key_definition.get("paths", [])]
    for operation in operations:
        if not isinstance(operation, dict) or operation.get("op") not in OPERATIONS:
            raise bad_request(errors_message(
                f"Invalid patch operation type '{operation.get('op') if isinstance(operation, dict) else operation}'."))
        kind = operation["op"]
        targets = [operation.get("path")]
        if kind == "move":
            targets.append(operation.get("from"))
        for target in targets:
            segments = _segments(target)
            if segments[0] in _PROTECTED_ROOTS:
                raise bad_request(errors_message(f"Patch operation on path '{target}' is not allowed: "
                                                 f"'{segments[0]}' cannot be modified."))
            for pk_path in pk_paths:
                if tuple(segments[:len(pk_path)]) == pk_path or tuple(pk_path[:len(segments)]) == tuple(segments):
                    raise bad_request(errors_message(
                        f"Patch operation on path '{target}' is not allowed: the partition key cannot be modified."))
        if kind in ("add", "set", "replace", "incr") and "value" not in operation:
            raise bad_request(errors_message(f"Patch operation '{kind}' requires a value."))
        if kind == "incr" and not _is_number(operation["value"]):
            raise bad_request(errors_message("The value of an 'incr' patch operation must be a number."))
        if kind == "move" and operation.get("from") == operation.get("path"):
            raise bad_request(errors_message("The 'from' and 'path' of a move operation must differ."))
    return operations


def apply_operations(document: Dict[str, Any], operations: List[Dict[str, Any]]) -> Dict[str, Any]:
    """A patched copy of ``document`` (the original is left untouched)."""
    result = copy.deepcopy(document)
    for operation in operations:
        kind = operation["op"]
        path = operation["path"]
        if kind == "move":
            value = _remove(result, _segments(operation["from"]), operation["from"])
            target = _segments(path)
            if _segments(operation["from"]) == target[:len(_segments(operation["from"]))]:
                raise bad_request(errors_message("A value cannot be moved into one of its own children."))
            _add(result, target, value, path, insert=False)
        elif kind == "add":
            _add(result, _segments(path), copy.deepcopy(operation["value"]), path, insert=True)
        elif kind == "set":
            _add(result, _segments(path), copy.deepcopy(operation["value"]), path, insert=False)
        elif kind == "replace":
            parent, key = _locate(result, _segments(path), path, must_exist=True)
            parent[key] = copy.deepcopy(operation["value"])
        elif kind == "remove":
            _remove(result, _segments(path), path)
        elif kind == "incr":
            parent, key = _locate(result, _segments(path), path, must_exist=False)
            if isinstance(parent, dict) and key not in parent:
                parent[key] = operation["value"]
            else:
                current = parent[key]
                if not _is_number(current):
                    raise bad_request(errors_message(
                        f"Patch 'incr' at '{path}' targets a value that is not a number."))
                total = current + operation["value"]
                parent[key] = total
    return result


def condition_holds(condition: Any, document: Dict[str, Any]) -> bool:
    """Whether a patch ``condition`` (``FROM c WHERE ...``) accepts the current document."""
    if condition is None or condition == "":
        return True
    if not isinstance(condition, str):
        raise bad_request("The patch condition must be a string.")
    from ..query import prepare
    text = condition.strip()
    if not text.lower().startswith("from"):
        raise bad_request(f"The patch condition '{condition}' must start with FROM.")
    prepared = prepare("SELECT VALUE 1 " + text)
    return bool(prepared.run([document]))


def check_condition(condition: Any, document: Dict[str, Any]) -> None:
    if not condition_holds(condition, document):
        raise precondition_failed()


# ------------------------------------------------------------------------------------------------

def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _segments(path: Any) -> List[str]:
    if not isinstance(path, str) or not path.startswith("/") or path == "/":
        raise bad_request(errors_message(f"Invalid patch path '{path}'."))
    return [part.replace("~1", "/").replace("~0", "~") for part in path[1:].split("/")]


def _container(document: Dict[str, Any], segments: List[str], path: str) -> Any:
    node: Any = document
    for segment in segments[:-1]:
        if isinstance(node, dict) and segment in node:
            node = node[segment]
        elif isinstance(node, list) and _index(segment, len(node), path, allow_end=False) is not None:
            node = node[_index(segment, len(node), path, allow_end=False)]
        else:
            raise bad_request(errors_message(f"Patch path '{path}' does not exist: its parent is missing."))
    return node


def _index(segment: str, length: int, path: str, allow_end: bool):
    if allow_end and segment == "-":
        return length
    if not segment.isdigit():
        raise bad_request(errors_message(f"Patch path '{path}' has an invalid array index '{segment}'."))
    index = int(segment)
    if index > length or (index == length and not allow_end):
        raise bad_request(errors_message(f"Patch path '{path}' has an array index out of range."))
    return index


def _locate(document: Dict[str, Any], segments: List[str], path: str, must_exist: bool) -> Tuple[Any, Any]:
    parent = _container(document, segments, path)
    key = segments[-1]
    if isinstance(parent, dict):
        if must_exist and key not in parent:
            raise bad_request(errors_message(f"Patch path '{path}' does not exist."))
        return parent, key
    if isinstance(parent, list):
        return parent, _index(key, len(parent), path, allow_end=False)
    raise bad_request(errors_message(f"Patch path '{path}' does not exist: its parent is not an object or array."))


def _add(document: Dict[str, Any], segments: List[str], value: Any, path: str, insert: bool) -> None:
    parent = _container(document, segments, path)
    key = segments[-1]
    if isinstance(parent, dict):
        parent[key] = value
    elif isinstance(parent, list):
        index = _index(key, len(parent), path, allow_end=True)
        if insert or index == len(parent):
            parent.insert(index, value)
        else:
            parent[index] = value
    else:
        raise bad_request(errors_message(f"Patch path '{path}' does not exist: its parent is not an object or array."))


def _remove(document: Dict[str, Any], segments: List[str], path: str) -> Any:
    parent, key = _locate(document, segments, path, must_exist=True)
    return parent.pop(key)

