"""Durability for ``--data-dir``: a snapshot file plus an append-only journal.

* ``snapshot.jsonl`` holds records that rebuild the whole state. It is only ever replaced
  atomically: written to a temporary file, fsynced, renamed over the old one, directory fsynced.
* ``journal.jsonl`` gets one line per committed write (a JSON array of records, so a transaction
  is one line), fsynced before the client gets its answer. A torn last line (crash mid-append)
  is ignored on recovery: that write was never acknowledged.

Recovery loads the snapshot, then replays the journal; records are full-state puts and deletes,
so replaying journal lines already reflected in the snapshot is harmless.
"""
from __future__ import annotations

import os
from typing import Any, Dict, List

import orjson

from .model import Account

SNAPSHOT_NAME = "snapshot.jsonl"
JOURNAL_NAME = "journal.jsonl"
# Compact when the journal grows past this many lines, to bound recovery time.
COMPACT_AFTER_LINES = 20000


class DataDirectory:
    """Journal writer bound to an :class:`Account`.

    :param path: directory to keep the files in (created when missing).
    """

    def __init__(self, path: str):
        self.path = os.path.abspath(path)
        os.makedirs(self.path, exist_ok=True)
        self.account: Account | None = None
        self._journal_file = None
        self._journal_lines = 0

    @property
    def snapshot_path(self) -> str:
        return os.path.join(self.path, SNAPSHOT_NAME)

    @property
    def journal_path(self) -> str:
        return os.path.join(self.path, JOURNAL_NAME)

    def load_into(self, account: Account) -> None:
        """Rebuild ``account`` from disk and start journaling its writes."""
        self.account = account
        account.journal = None
        if os.path.exists(self.snapshot_path):
            with open(self.snapshot_path, "rb") as handle:
                for line in handle:
                    if line.strip():
                        account.apply_records([orjson.loads(line)])
        valid_length = 0
        if os.path.exists(self.journal_path):
            with open(self.journal_path, "rb") as handle:
                data = handle.read()
            offset = 0
            while offset < len(data):
                end = data.find(b"\n", offset)
                if end < 0:
                    break  # torn tail: never acknowledged
                line = data[offset:end]
                try:
                    records = orjson.loads(line)
                except orjson.JSONDecodeError:
                    break
                account.apply_records(records)
                self._journal_lines += 1
                offset = end + 1
                valid_length = offset
            if valid_length < len(data):
                with open(self.journal_path, "r+b") as handle:
                    handle.truncate(valid_length)
                    handle.flush()
                    os.fsync(handle.fileno())
        self._journal_file = open(self.journal_path, "ab")
        account.journal = self

    def append(self, records: List[Dict[str, Any]]) -> None:
        if self._journal_file is None:
            return
        self._journal_file.write(orjson.dumps(records, default=_fallback) + b"\n")
        self._journal_file.flush()
        os.fsync(self._journal_file.fileno())
        self._journal_lines += 1
        if self._journal_lines >= COMPACT_AFTER_LINES:
            self.compact()

    def compact(self) -> None:
        """Write a fresh snapshot atomically, then start an empty journal."""
        if self.account is None:
            return
        temporary = self.snapshot_path + ".tmp"
        with open(temporary, "wb") as handle:
            for record in self.account.snapshot_records():
                handle.write(orjson.dumps(record, default=_fallback) + b"\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, self.snapshot_path)
        _fsync_directory(self.path)
        if self._journal_file is not None:
            self._journal_file.close()
        temporary_journal = self.journal_path + ".tmp"
        with open(temporary_journal, "wb") as handle:
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary_journal, self.journal_path)
        _fsync_directory(self.path)
        self._journal_file = open(self.journal_path, "ab")
        self._journal_lines = 0

    def close(self) -> None:
        if self._journal_file is not None:
            self.compact()
            self._journal_file.close()
            self._journal_file = None


def _fallback(value: Any) -> Any:
    # orjson refuses integers beyond 64 bits; JSON allows them, so keep them as numbers.
    if isinstance(value, int):
        return float(value)
    raise TypeError(f"cannot persist {type(value).__name__}")


def _fsync_directory(path: str) -> None:
    try:
        descriptor = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
