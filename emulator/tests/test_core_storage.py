"""The storage layer's transaction facility (what batch and stored procedures build on)."""
from __future__ import annotations

import pytest

from cosmos_emulator import rid as rids
from cosmos_emulator.errors import CosmosError
from cosmos_emulator.resources.items import ItemStore
from cosmos_emulator.storage import Account, DataDirectory, initial_partitions

DEFINITION = {"paths": ["/pk"], "kind": "Hash", "version": 2}


def make_account(journal=None):
    account = Account(partition_count=2, journal=journal)
    database_rid = rids.database_rid(1)
    database = account.put_database({"id": "db", "_rid": database_rid, "_self": f"dbs/{database_rid}/",
                                     "_etag": account.etag(), "_ts": account.now()})
    collection_rid = rids.collection_rid(database_rid, 1)
    collection = account.put_collection(database, {
        "id": "c", "_rid": collection_rid, "_self": f"dbs/{database_rid}/colls/{collection_rid}/",
        "_etag": account.etag(), "_ts": account.now(), "partitionKey": DEFINITION},
        initial_partitions(collection_rid, 2, DEFINITION))
    return account, collection


def snapshot(collection):
    return [(item.epk, item.id, dict(item.body)) for item in collection.iter_items()], \
        [p.lsn for p in collection.partitions]


def test_abort_restores_items_and_lsns():
    account, collection = make_account()
    store = ItemStore(account, collection)
    store.create(["a"], {"id": "keep", "pk": "a", "v": 1})
    store.create(["a"], {"id": "gone", "pk": "a"})
    before = snapshot(collection)
    transaction = account.begin()
    store.create(["a"], {"id": "new", "pk": "a"})
    store.replace(["a"], "keep", {"id": "keep", "pk": "a", "v": 2})
    store.delete(["a"], "gone")
    store.patch(["a"], "new", [{"op": "set", "path": "/x", "value": 1}])
    with pytest.raises(CosmosError):
        store.create(["a"], {"id": "keep", "pk": "a"})  # conflict: the batch fails here
    account.abort(transaction)
    assert snapshot(collection) == before


def test_commit_writes_one_journal_line(tmp_path):
    data = DataDirectory(str(tmp_path))
    account, collection = make_account()
    data.load_into(account)
    store = ItemStore(account, collection)
    transaction = account.begin()
    for index in range(5):
        store.create(["b"], {"id": str(index), "pk": "b"})
    account.commit(transaction)
    lines = (tmp_path / "journal.jsonl").read_bytes().splitlines()
    assert len(lines) == 1
    data.close()
    recovered = Account(partition_count=2)
    DataDirectory(str(tmp_path)).load_into(recovered)
    collection = recovered.find_collection(recovered.find_database("db"), "c")
    assert sorted(item.id for item in collection.iter_items()) == ["0", "1", "2", "3", "4"]


def test_aborted_transaction_leaves_no_journal(tmp_path):
    data = DataDirectory(str(tmp_path))
    account, collection = make_account()
    data.load_into(account)
    transaction = account.begin()
    ItemStore(account, collection).create(["b"], {"id": "x", "pk": "b"})
    account.abort(transaction)
    assert (tmp_path / "journal.jsonl").read_bytes() == b""
    assert list(collection.iter_items()) == []
