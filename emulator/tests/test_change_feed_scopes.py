"""Change feed scopes: a partition key range id returns exactly that range's changes (items whose effective
partition key lies in the range's bounds), for hash v2 and v1 containers; a partition key on a hash v1 container
returns exactly that key's items, in both modes."""
from __future__ import annotations

import pytest

from cosmos_emulator import partitioning

from cosmos_http import unique

LATEST = {"a-im": "Incremental feed"}
ALL_VERSIONS = {"a-im": "Full-Fidelity Feed", "x-ms-cosmos-changefeed-wire-format-version": "2021-09-15"}


def _container(http, database, version):
    name = unique("cf")
    definition = {"paths": ["/pk"], "kind": "Hash", "version": version}
    reply = http.create_container(database, name, definition, extra={"changeFeedPolicy": {"retentionDuration": 10}})
    assert reply.status == 201, reply
    assert reply.json["partitionKey"]["version"] == version
    return f"/dbs/{database}/colls/{name}", definition


def _fill(http, path, count=24):
    keys = {}
    for index in range(count):
        key = f"k{index % 8}"
        reply = http.request("POST", f"{path}/docs", {"id": f"i{index}", "pk": key}, partition_key=[key])
        assert reply.status == 201, reply
        keys[f"i{index}"] = key
    return keys


def _feed(http, path, mode, pk=None, range_id=None):
    headers = dict(mode)
    if range_id is not None:
        headers["x-ms-documentdb-partitionkeyrangeid"] = range_id
    reply = http.request("GET", f"{path}/docs", headers=headers, partition_key=pk)
    assert reply.status in (200, 304), reply
    if reply.status == 304:
        return []
    documents = reply.json["Documents"]
    if mode is ALL_VERSIONS:
        return [document["current"]["id"] for document in documents]
    return [document["id"] for document in documents]


@pytest.mark.parametrize("version", [1, 2])
@pytest.mark.parametrize("mode", [LATEST, ALL_VERSIONS], ids=["latest", "all-versions"])
def test_range_scoped_feed_returns_that_ranges_changes_only(http, database, version, mode):
    path, definition = _container(http, database, version)
    keys = _fill(http, path)
    ranges = http.request("GET", f"{path}/pkranges").json["PartitionKeyRanges"]
    assert len(ranges) == 4
    non_empty = 0
    for entry in ranges:
        expected = sorted(item for item, key in keys.items()
                          if entry["minInclusive"] <= partitioning.effective_partition_key([key], definition)
                          < entry["maxExclusive"])
        got = _feed(http, path, mode, range_id=entry["id"])
        assert sorted(got) == expected, (entry, got)
        assert len(got) == len(set(got))
        non_empty += bool(got)
    assert non_empty >= 2   # the keys spread over several ranges, so the scoping is observable


@pytest.mark.parametrize("mode", [LATEST, ALL_VERSIONS], ids=["latest", "all-versions"])
def test_partition_key_feed_on_a_hash_v1_container_returns_that_keys_items(http, database, mode):
    path, _ = _container(http, database, 1)
    keys = _fill(http, path)
    for key in sorted(set(keys.values())):
        expected = sorted(item for item, owner in keys.items() if owner == key)
        assert len(expected) == 3
        assert sorted(_feed(http, path, mode, pk=[key])) == expected
    assert _feed(http, path, mode, pk=["nobody"]) == []


def test_hash_v1_items_live_in_the_range_of_their_v1_hash(http, database):
    path, definition = _container(http, database, 1)
    keys = _fill(http, path, count=8)
    ranges = http.request("GET", f"{path}/pkranges").json["PartitionKeyRanges"]
    for item, key in keys.items():
        epk = partitioning.effective_partition_key([key], definition)
        assert epk != partitioning.effective_partition_key([key], {**definition, "version": 2})
        holder = next(entry["id"] for entry in ranges if entry["minInclusive"] <= epk < entry["maxExclusive"])
        assert item in _feed(http, path, LATEST, range_id=holder)
        # the range with the key and its partition key agree
        reply = http.request("GET", f"{path}/docs", headers={**LATEST, "x-ms-documentdb-partitionkeyrangeid": holder},
                             partition_key=[key])
        assert reply.status == 200, reply
        assert item in [document["id"] for document in reply.json["Documents"]]
