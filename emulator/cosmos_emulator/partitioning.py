"""Partition keys: extraction from documents, effective partition keys (EPK) and range layout.

The EPK is what the service hashes a logical partition key to; physical partitions own half-open
EPK intervals ``[minInclusive, maxExclusive)`` of upper-case hex strings, "" being the minimum and
"FF" the maximum. The encodings follow the service's rules:

* Hash v1: MurmurHash3-32 (seed 0) over the hashing bytes of the components (strings truncated to
  100 characters, followed by 0x00), then the EPK is the order-preserving binary encoding of
  ``[hash as a number] + components``.
* Hash v2: MurmurHash3-x64-128 (seed 0) over the hashing bytes (strings followed by 0xFF, no
  truncation); the 16 hash bytes are reversed and the top two bits cleared.
* MultiHash (hierarchical keys, always v2): one v2 hash per component, concatenated; a prefix of
  the components addresses the EPK interval ``[prefix, prefix + "FF")``.
"""
from __future__ import annotations

import struct
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

import mmh3

from .errors import bad_request

MIN_EPK = ""
MAX_EPK = "FF"

_UNDEFINED_MARK = 0x00
_NULL_MARK = 0x01
_FALSE_MARK = 0x02
_TRUE_MARK = 0x03
_NUMBER_MARK = 0x05
_STRING_MARK = 0x08
_INFINITY_MARK = 0xFF

_V1_MAX_STRING_CHARS = 100
_V1_MAX_STRING_BYTES = 100
_U64 = (1 << 64) - 1


class Undefined:
    """The value of a partition key path that is absent from the document (wire form ``{}``)."""

    _instance: "Optional[Undefined]" = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "Undefined"


UNDEFINED = Undefined()


# --------------------------------------------------------------------------------------------
# Definitions
# --------------------------------------------------------------------------------------------

def definition_kind(definition: Dict[str, Any]) -> str:
    return definition.get("kind") or "Hash"


def definition_version(definition: Dict[str, Any]) -> int:
    if definition_kind(definition) == "MultiHash":
        return 2
    return int(definition.get("version") or 1)


def split_path(path: str) -> List[str]:
    """Segments of a partition key path such as ``/a/b`` or ``/"a b"/c``."""
    if not isinstance(path, str) or not path.startswith("/"):
        raise bad_request(f"The partition key path '{path}' is invalid.")
    segments: List[str] = []
    index = 1
    while index <= len(path):
        if index < len(path) and path[index] in "\"'":
            quote = path[index]
            end = path.find(quote, index + 1)
            if end < 0:
                raise bad_request(f"The partition key path '{path}' is invalid.")
            segments.append(path[index + 1:end])
            index = end + 2
        else:
            end = path.find("/", index)
            if end < 0:
                end = len(path)
            segments.append(path[index:end])
            index = end + 1
    return segments


def validate_definition(definition: Dict[str, Any]) -> Dict[str, Any]:
    """Check a container's ``partitionKey`` and fill in the fields the service returns."""
    if not isinstance(definition, dict):
        raise bad_request("The partition key definition is invalid.")
    paths = definition.get("paths")
    kind = definition_kind(definition)
    if kind not in ("Hash", "MultiHash", "Range"):
        raise bad_request(f"Partition key kind '{kind}' is not supported.")
    if not isinstance(paths, list) or not paths:
        raise bad_request("The partition key definition must have at least one path.")
    if kind == "Hash" and len(paths) != 1:
        raise bad_request("The partition key definition of kind 'Hash' must have exactly one path.")
    if kind == "MultiHash" and len(paths) > 3:
        raise bad_request("The partition key definition of kind 'MultiHash' can have at most 3 paths.")
    for path in paths:
        segments = split_path(path)
        if not all(segments):
            raise bad_request(f"The partition key path '{path}' is invalid.")
    result = dict(definition)
    result["paths"] = list(paths)
    result["kind"] = kind
    version = definition.get("version")
    if version is not None and (isinstance(version, bool) or not isinstance(version, int) or version not in (1, 2)):
        raise bad_request(f"Partition key version '{version}' is not supported.")
    if kind == "MultiHash":
        if version == 1:
            raise bad_request("The partition key definition of kind 'MultiHash' requires version 2.")
        result["version"] = 2
    elif version is not None:
        result["version"] = version
    return result


# --------------------------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------------------------

def extract_from_document(document: Dict[str, Any], definition: Dict[str, Any]) -> List[Any]:
    """The partition key components of a document (absent or non-primitive values: undefined)."""
    components: List[Any] = []
    for path in definition["paths"]:
        value: Any = document
        for segment in split_path(path):
            if isinstance(value, dict) and segment in value:
                value = value[segment]
            else:
                value = UNDEFINED
                break
        if isinstance(value, (dict, list)):
            value = UNDEFINED
        components.append(value)
    return components


def parse_header_components(raw: Any) -> List[Any]:
    """Components from the decoded ``x-ms-documentdb-partitionkey`` JSON (a JSON array)."""
    if not isinstance(raw, list):
        raise bad_request(
            "The partition key supplied in x-ms-partitionkey header has fewer components than defined "
            "in the the collection.")
    components: List[Any] = []
    for value in raw:
        if isinstance(value, dict) and not value:
            components.append(UNDEFINED)
        elif value is None or isinstance(value, (bool, int, float, str)):
            components.append(value)
        else:
            raise bad_request(
                "Partition key provided either doesn't correspond to definition in the collection or "
                "doesn't match partition key field values specified in the document.")
    return components


def components_to_json(components: Sequence[Any]) -> List[Any]:
    return [{} if component is UNDEFINED else component for component in components]


def components_equal(left: Sequence[Any], right: Sequence[Any]) -> bool:
    if len(left) != len(right):
        return False
    return all(_canonical(a) == _canonical(b) for a, b in zip(left, right))


def _canonical(value: Any) -> Tuple[int, Any]:
    if value is UNDEFINED:
        return (0, None)
    if value is None:
        return (1, None)
    if isinstance(value, bool):
        return (2, value)
    if isinstance(value, (int, float)):
        return (3, float(value))
    return (4, value)


# --------------------------------------------------------------------------------------------
# Effective partition keys
# --------------------------------------------------------------------------------------------

def effective_partition_key(components: Sequence[Any], definition: Dict[str, Any]) -> str:
    """The EPK (upper-case hex) of a full or (MultiHash only) prefix partition key."""
    if not components:
        return MIN_EPK
    kind = definition_kind(definition)
    if kind == "MultiHash":
        return "".join(_v2_hash_hex([component]) for component in components)
    if definition_version(definition) == 2:
        return _v2_hash_hex(components)
    return _v1_epk(components)


def epk_range_for_components(components: Sequence[Any], definition: Dict[str, Any]) -> Tuple[str, str]:
    """The half-open EPK interval a (possibly prefix) partition key addresses."""
    epk = effective_partition_key(components, definition)
    path_count = len(definition.get("paths") or [])
    if definition_kind(definition) == "MultiHash" and len(components) < path_count:
        return epk, epk + "FF"
    return epk, epk


def _v2_hash_hex(components: Sequence[Any]) -> str:
    data = b"".join(_hashing_bytes(component, b"\xff") for component in components)
    digest = bytearray(mmh3.hash_bytes(data, 0, x64arch=True))
    digest.reverse()
    digest[0] &= 0x3F
    return digest.hex().upper()


def _v1_epk(components: Sequence[Any]) -> str:
    truncated = [_truncate_utf16(c) if isinstance(c, str) else c for c in components]
    data = b"".join(_hashing_bytes(component, b"\x00") for component in truncated)
    hash_value = float(mmh3.hash(data, 0, signed=False))
    encoded = bytearray()
    for component in [hash_value] + truncated:
        _write_binary_v1(component, encoded)
    return encoded.hex().upper()


def _truncate_utf16(text: str) -> str:
    """The first 100 UTF-16 code units of ``text``, as the service (a .NET program) counts them.

    A surrogate pair cut in half leaves a lone surrogate, which UTF-8 encoding turns into U+FFFD.
    """
    if len(text) <= _V1_MAX_STRING_CHARS // 2:
        return text
    units = text.encode("utf-16-le", "surrogatepass")
    if len(units) <= 2 * _V1_MAX_STRING_CHARS:
        return text
    return units[:2 * _V1_MAX_STRING_CHARS].decode("utf-16-le", "replace")


def _hashing_bytes(value: Any, string_suffix: bytes) -> bytes:
    if value is True:
        return bytes([_TRUE_MARK])
    if value is False:
        return bytes([_FALSE_MARK])
    if value is None:
        return bytes([_NULL_MARK])
    if value is UNDEFINED:
        return bytes([_UNDEFINED_MARK])
    if isinstance(value, (int, float)):
        return bytes([_NUMBER_MARK]) + struct.pack("<d", float(value))
    if isinstance(value, str):
        return bytes([_STRING_MARK]) + value.encode("utf-8") + string_suffix
    raise bad_request(f"Unsupported partition key component type: {type(value).__name__}")


def _order_preserving_double(value: float) -> int:
    bits = struct.unpack("<Q", struct.pack("<d", value))[0]
    if bits < 0x8000000000000000:
        return bits ^ 0x8000000000000000
    return ((~bits) + 1) & _U64


def _write_binary_v1(value: Any, out: bytearray) -> None:
    if value is True or value is False:
        out.append(_TRUE_MARK if value else _FALSE_MARK)
    elif value is None:
        out.append(_NULL_MARK)
    elif value is UNDEFINED:
        out.append(_UNDEFINED_MARK)
    elif isinstance(value, (int, float)):
        out.append(_NUMBER_MARK)
        payload = _order_preserving_double(float(value))
        # First byte carries 8 bits of payload; then 7 bits per byte with a continuation bit of 1,
        # the final byte ending in 0.
        out.append(payload >> 56)
        payload = (payload << 8) & _U64
        byte_to_write = 0
        first = True
        while payload != 0:
            if not first:
                out.append(byte_to_write)
            first = False
            byte_to_write = (payload >> 56) | 0x01
            payload = (payload << 7) & _U64
        out.append(byte_to_write & 0xFE)
    elif isinstance(value, str):
        out.append(_STRING_MARK)
        raw = value.encode("utf-8")
        short = len(raw) <= _V1_MAX_STRING_BYTES
        for byte in raw[: len(raw) if short else _V1_MAX_STRING_BYTES + 1]:
            out.append(byte + 1 if byte < 0xFF else byte)
        if short:
            out.append(0x00)
    else:
        raise bad_request(f"Unsupported partition key component type: {type(value).__name__}")


# --------------------------------------------------------------------------------------------
# Physical layout
# --------------------------------------------------------------------------------------------

# The throughput one physical partition serves: the service gives a container one physical partition per
# 10,000 RU/s it is provisioned with (at least one), and splits partitions when the throughput grows past it.
RU_PER_PHYSICAL_PARTITION = 10_000


def partitions_for_throughput(request_units: int) -> int:
    """Physical partitions the service gives a container provisioned with ``request_units`` RU/s."""
    return max(1, -(-int(request_units) // RU_PER_PHYSICAL_PARTITION))


def initial_boundaries(partition_count: int, definition: Dict[str, Any]) -> List[Tuple[str, str]]:
    """``partition_count`` contiguous EPK intervals covering ["", "FF"), split evenly in hash space."""
    count = max(1, int(partition_count))
    cuts: List[str] = []
    if definition_kind(definition) != "MultiHash" and definition_version(definition) == 1:
        for index in range(1, count):
            hash_value = float((index << 32) // count)
            encoded = bytearray()
            _write_binary_v1(hash_value, encoded)
            cuts.append(encoded.hex().upper())
    else:
        space = 1 << 126
        for index in range(1, count):
            cuts.append("%032X" % (index * space // count))
    lows = [MIN_EPK] + cuts
    highs = cuts + [MAX_EPK]
    return list(zip(lows, highs))


def midpoint(low: str, high: str) -> str:
    """An EPK strictly between ``low`` and ``high`` (used to split a range at run time)."""
    width = max(len(low), len(high), 32)
    low_value = int((low or "0").ljust(width, "0"), 16)
    high_value = int(high.ljust(width, "0"), 16) if high != MAX_EPK else int("FF".ljust(width, "0"), 16)
    middle = (low_value + high_value) // 2
    text = ("%0" + str(width) + "X") % middle
    if not (low < text < (high if high != MAX_EPK else "FF")):
        raise ValueError("range too narrow to split")
    return text


def range_contains(low: str, high: str, epk: str) -> bool:
    return low <= epk < high


def find_range_index(bounds: Iterable[Tuple[str, str]], epk: str) -> int:
    for index, (low, high) in enumerate(bounds):
        if low <= epk < high:
            return index
    raise ValueError(f"no range holds EPK {epk!r}")
