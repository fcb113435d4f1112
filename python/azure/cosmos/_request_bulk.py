# The MIT License (MIT)
"""Bulk: operations -> the service's bulk operation bodies, engine rows -> results in order.

Pure functions and bookkeeping, no I/O, shared by the sync and async container proxies; the
engine's ``BulkExecutor`` routes, batches, sends and retries.
"""
from __future__ import annotations

import itertools
from typing import Any, Callable, Iterator, Mapping, Optional, Union

from ._request_options import positive_concurrency
from ._request_patch_batch import _STATUS_TEXT, _batch_operation
from ._serialization import dump_json, load_json
from .bulk import BulkOperationResult
from .exceptions import _BY_STATUS, CosmosHttpResponseError
from .partition_key import NonePartitionKeyValue, _engine_value, _none_value, _value_from_item

# Operations handed to the engine per call (one full batch's worth).
CHUNK = 100

Progress = Union[None, bool, Callable[[int, int], None]]

_WITH_BODY = ("Create", "Upsert", "Replace")


def check_arguments(ordered: Any, max_concurrency: Any, progress: Any) -> None:
    """Refuse bad bulk keywords before anything is sent.

    :param ordered: Must be a bool.
    :param max_concurrency: ``None`` or a positive int.
    :param progress: ``None``, a bool, or a callable.
    :raises TypeError: ``ordered`` or ``progress`` has the wrong type.
    :raises ValueError: ``max_concurrency`` is not a positive int.
    """
    if not isinstance(ordered, bool):
        raise TypeError("ordered must be a bool, got {}".format(type(ordered).__name__))
    if max_concurrency is not None:
        positive_concurrency(max_concurrency)
    if progress is not None and not isinstance(progress, bool) and not callable(progress):
        raise TypeError("progress must be True, False, None or a callable(completed, submitted)")


class BulkShaper:
    """Turns 4.x-style operation tuples into ``(index, engine partition key, body)`` rows.

    :param definition: The container's partition-key definition.
    """

    def __init__(self, definition: Mapping[str, Any]) -> None:
        self._definition = definition

    def shape(self, index: int, operation: Any) -> tuple[int, list, bytes]:
        """One operation as the engine takes it.

        :param int index: The operation's position in the input.
        :param operation: ``(kind, args)`` or ``(kind, args, options)`` as for ``execute_item_batch``;
            ``options`` may hold ``partition_key`` (needed for ``read``, ``delete`` and ``patch``).
        :returns: The engine's row.
        :rtype: tuple[int, list, bytes]
        :raises ValueError: The operation names no partition key and has no item to take it from.
        """
        options: dict = {}
        if isinstance(operation, (tuple, list)) and len(operation) > 2:
            if not isinstance(operation[2], Mapping):
                raise TypeError("Operation {} in bulk has options that are not a dict.".format(index))
            options = dict(operation[2])
        explicit = options.pop("partition_key", _MISSING)
        shaped = _batch_operation(index, (operation[0], operation[1], options) if options else operation[:2])
        if explicit is _MISSING:
            body = shaped.get("resourceBody") if shaped["operationType"] in _WITH_BODY else None
            if not isinstance(body, Mapping):
                raise ValueError("Operation {} in bulk ({}) needs a partition_key in its options dict.".format(
                    index, shaped["operationType"].lower()))
            key = _value_from_item(self._definition, body)
        elif explicit is NonePartitionKeyValue:
            key = _none_value(self._definition)
        else:
            key = _engine_value(explicit)
        shaped["partitionKey"] = dump_json(key).decode()
        return index, key, dump_json(shaped)


_MISSING = object()


class BulkResults:
    """Engine rows -> :class:`~azure.cosmos.bulk.BulkOperationResult`, in input order or as completed.

    Holds the operations that have no result yet (so that each result names its input) and, in
    input order, the results waiting for an earlier one.

    :param bool ordered: Yield results in input order.
    :param progress: ``True`` for a tqdm bar, or ``callable(completed, submitted)``.
    :param total: The number of operations, when the input has a length (for the bar).
    """

    def __init__(self, ordered: bool, progress: Progress, total: Optional[int]) -> None:
        self._ordered = ordered
        self._operations: dict[int, Any] = {}
        self._held: dict[int, BulkOperationResult] = {}
        self._next = 0
        self.submitted = 0
        self.completed = 0
        self._bar: Any = None
        self._callback: Optional[Callable[[int, int], None]] = None
        if progress is True:
            try:
                from tqdm.auto import tqdm  # pylint: disable=import-outside-toplevel
            except ImportError as error:
                raise ImportError("progress=True draws a tqdm bar: pip install tqdm "
                                  "(or pass a callable(completed, submitted))") from error
            self._bar = tqdm(total=total, unit="op", desc="bulk")
        elif callable(progress):
            self._callback = progress

    def take(self, source: Iterator[Any], shaper: BulkShaper) -> list:
        """The next chunk of the input, shaped (empty at the end of the input).

        :param source: The caller's operations.
        :param shaper: Shapes each operation.
        :returns: Engine rows.
        :rtype: list
        """
        rows = []
        for operation in itertools.islice(source, CHUNK):
            rows.append(self.add(operation, shaper))
        return rows

    def add(self, operation: Any, shaper: BulkShaper) -> tuple[int, list, bytes]:
        """Shape one operation and remember it until its result comes.

        :param operation: The caller's operation.
        :param shaper: Shapes it.
        :returns: The engine row.
        :rtype: tuple[int, list, bytes]
        """
        row = shaper.shape(self.submitted, operation)
        self._operations[self.submitted] = operation
        self.submitted += 1
        return row

    @property
    def held(self) -> int:
        """Results waiting for an earlier one (input order only).

        :rtype: int
        """
        return len(self._held)

    def accept(self, rows: list) -> list[BulkOperationResult]:
        """Results for engine rows, as they may be handed out now.

        :param rows: ``(index, status, sub_status, charge, etag, resource, throttled, error)`` tuples.
        :returns: The results to yield, in order.
        :rtype: list[~azure.cosmos.bulk.BulkOperationResult]
        """
        done = [self._result(row) for row in rows]
        self.completed += len(done)
        if self._bar is not None:
            self._bar.update(len(done))
        elif self._callback is not None and done:
            self._callback(self.completed, self.submitted)
        if not self._ordered:
            return done
        for result in done:
            self._held[result.index] = result
        ready = []
        while self._next in self._held:
            ready.append(self._held.pop(self._next))
            self._next += 1
        return ready

    def close(self) -> None:
        """Close the progress bar, if any."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def _result(self, row: tuple) -> BulkOperationResult:
        index, status, sub_status, charge, etag, resource, throttled, error = row
        operation = self._operations.pop(index)
        if error is None and status >= 400:
            error = _operation_error(status, sub_status)
        body = load_json(resource) if resource is not None else None
        return BulkOperationResult(index, operation, status, sub_status, charge, etag, body, throttled, error)


def _operation_error(status: int, sub_status: Optional[int]) -> BaseException:
    error_class = _BY_STATUS.get(status, CosmosHttpResponseError)
    return error_class(status_code=status, sub_status=sub_status,
                       message="Bulk operation failed: {} {}".format(status, _STATUS_TEXT.get(status, "")).strip())


def operation_count(operations: Any) -> Optional[int]:
    """The input's length when it has one (a list), for the progress bar.

    :param operations: The caller's operations.
    :returns: The length, or ``None`` for an iterator.
    :rtype: int or None
    """
    try:
        return len(operations)
    except TypeError:
        return None
