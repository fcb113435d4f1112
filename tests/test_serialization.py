"""Request bodies are serialised exactly as 4.x's json.dumps(body, separators=(",", ":"));
response bodies are parsed once (orjson, with the standard library for what orjson refuses)."""
from __future__ import annotations

import json
import math

import pytest

from azure.cosmos._serialization import dump_json, dump_parameters, load_feed_items, load_json
from azure.cosmos.exceptions import CosmosHttpResponseError

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


def test_load_json_reads_a_view_of_the_engines_buffer_as_it_reads_bytes():
    # Large bodies reach the parser as a read-only memoryview (Response.parse_body), the fallback too.
    for data in (b'{"a":[1,2.5,"x",null,true]}', b'"\\ud800"', b"1e400", b""):
        assert load_json(memoryview(data)) == load_json(data)
    assert load_feed_items(memoryview(b'{"Documents":[{"id":"a"}],"_count":1}')) == [{"id": "a"}]


def test_load_feed_items_takes_the_array_out_of_the_service_envelope():
    envelope = b'{"_rid":"r","Documents":[{"id":"a"},{"id":"b"}],"_count":2}'
    assert load_feed_items(envelope) == [{"id": "a"}, {"id": "b"}]
    assert load_feed_items(b'{"_rid":"r","Offers":[],"_count":0}') == []
    assert load_feed_items(b'{"DocumentCollections":[{"id":"c"}]}') == [{"id": "c"}]
    # Items the engine assembled arrive as a bare array; no payload is no items.
    assert load_feed_items(b'[1,{"id":"x"}]') == [1, {"id": "x"}]
    assert load_feed_items(b"") == []


@pytest.mark.parametrize("payload, reason", [
    (b'{"_rid":"r","_count":1}', "no resource array"),
    (b'{"Documents":{"id":"a"}}', "no resource array"),
    (b'"text"', "no resource array"),
    (b'{"Documents":[1,', "not JSON"),
])
def test_load_feed_items_refuses_a_page_without_a_resource_array(payload, reason):
    with pytest.raises(CosmosHttpResponseError) as raised:
        load_feed_items(payload)
    assert raised.value.status_code == 500
    assert reason in str(raised.value)
