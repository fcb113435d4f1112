"""Request bodies are serialised exactly as 4.x's json.dumps(body, separators=(",", ":"));
response bodies are parsed once (orjson, with the standard library for what orjson refuses)."""
from __future__ import annotations

import json
import math

import pytest

from azure.cosmos._serialization import dump_json, dump_parameters, load_json

SAMPLES = [
    {"id": "a", "n": 1, "f": 2.5, "b": True, "none": None, "list": [1, "two", {"three": 3}]},
    {"text": "é ✓ 😀 日本語", "quote": "\"\\/", "ctrl": "\n\t\u0001"},
    {"big": 2 ** 70, "neg": -0.0, "exp": 1e300},
    {"lone_surrogate": "\ud800x"},
    [],
    "plain",
]


@pytest.mark.parametrize("value", SAMPLES)
def test_bytes_equal_4x_json_dumps(value):
    assert dump_json(value) == json.dumps(value, separators=(",", ":")).encode("utf-8")


def test_compact_utf8_sends_unescaped_text():
    value = {"text": "é 😀"}
    assert dump_json(value, ensure_ascii=False) == '{"text":"é 😀"}'.encode("utf-8")


def test_compact_utf8_escapes_only_unpaired_surrogates():
    assert dump_json({"s": "\ud83d\ude00 \ud800"}, ensure_ascii=False) == '{"s":"😀 \\ud800"}'.encode("utf-8")


@pytest.mark.parametrize("value", [{"x": {1}}, {"x": object()}, {"x": b"bytes"}, {1j: 1}])
def test_non_serialisable_values_raise_type_error(value):
    with pytest.raises(TypeError):
        dump_json(value)


def test_nan_is_written_as_json_dumps_writes_it():
    assert dump_json({"x": math.nan}) == b'{"x":NaN}'


def test_parameters():
    assert dump_parameters(None) == b"[]"
    assert dump_parameters([]) == b"[]"
    assert json.loads(dump_parameters([{"name": "@a", "value": "é"}])) == [{"name": "@a", "value": "é"}]
    with pytest.raises(TypeError):
        dump_parameters([{"name": "@a", "value": {1}}])


def test_load_json():
    assert load_json(b"") is None
    assert load_json(b'{"a":[1,2.5,"x",null,true]}') == {"a": [1, 2.5, "x", None, True]}
    assert load_json('{"t":"é"}'.encode()) == {"t": "é"}
    # What orjson refuses and the standard library (4.x's parser) accepts.
    assert load_json(b'"\\ud800"') == "\ud800"
    assert load_json(b"1e400") == math.inf
