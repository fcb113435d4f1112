"""Private native engine of azure-cosmos 5 (Rust, PyO3 over ``azure_data_cosmos_driver``).

Not a public API: the facade in ``azure.cosmos`` / ``azure.cosmos.aio`` is.

Conventions
-----------
* Every operation exists twice on :class:`Engine`: ``op(...)`` blocks with the GIL
  released (Ctrl-C honoured), ``op_async(...)`` returns an asyncio awaitable whose
  cancellation drops the Rust future.
* Bodies cross as ``bytes`` (UTF-8 JSON). The facade serialises request bodies and
  parses response bodies (orjson) exactly once.
* Failures are raised as the 4.x exception classes: the engine calls
  ``azure.cosmos.exceptions._from_engine(...)`` (see that function) to build them.
* Resource addresses are ids (name-based), never ``_rid``/``_self``.
* A feed range is ``(min, max)``: effective-partition-key bounds as upper-case hex,
  min inclusive, max exclusive (``("", "FF")`` is the whole container).
* A partition-key value is a ``list`` of components, one per path of the
  container's partition-key definition; each component is ``str``, ``int``,
  ``float``, ``bool`` or ``None`` (JSON null), or ``{}`` meaning "undefined"
  (4.x ``NonePartitionKeyValue``, sent as ``[{}]`` on the wire).
"""

from collections.abc import Awaitable
from typing import Any, Callable, Optional, TypedDict, TypeVar, Union

__version__: str
"""Version of this native module (same as the distribution)."""
ENGINE_CRATE: str
"""``"azure_data_cosmos_driver"``."""
ENGINE_VERSION: str
"""Exact version of the ``azure_data_cosmos_driver`` crate compiled in, e.g. ``"1.0.0"``."""
FEED_ARRAYS: tuple[str, ...]
"""The property holding a feed page's resources, per resource kind (``"Documents"``, ``"Offers"``, ...)."""
BUILD_PROFILE: str
"""``"debug"`` or ``"release"``: benchmarks refuse a debug build."""

PartitionKeyComponent = Union[str, int, float, bool, None, dict[str, Any]]
PartitionKeyValue = list[PartitionKeyComponent]
FeedRangeBounds = tuple[str, str]
_T = TypeVar("_T")

class ClientOptions(TypedDict, total=False):
    endpoint: str  # required
    # Exactly one of: the base64 master key, or an azure-core token credential. The engine calls the
    # credential once per token (cached until five minutes before it expires), on a blocking thread
    # (sync) or awaited on the loop the async engine was connected on (``credential_is_async``).
    key: str
    credential: Any
    credential_scopes: list[str]  # tried in order; the next after an AADSTS500011 answer
    credential_is_async: bool
    preferred_regions: list[str]
    excluded_regions: list[str]
    user_agent_suffix: str
    consistency_level: str  # 4.x names: "Strong", "Session", ...
    # False: accept plain http and self-signed TLS, but only for loopback hosts
    # (the engine's "RequiredUnlessEmulator" rule). Any other host keeps full checks.
    connection_verify: bool
    connection_timeout: float  # seconds
    request_timeout: float  # seconds, per HTTP attempt
    timeout: float  # seconds, budget for connecting (the account read)
    throttle_retry_count: int  # 429 retries at most (default 9, as 4.x)
    throttle_retry_wait: float  # seconds of 429 waits at most, in all (default 30, as 4.x)
    throttle_fixed_interval: float  # seconds between throttled attempts instead of the service's retry-after
    connect_retry_waits: list[float]  # waits before each retry of a request never sent (default 0.25..4 s)
    read_retry_waits: list[float]  # waits before each retry of a read whose response failed (default none)
    retry_writes: bool  # report a write whose response was lost as its retry was answered (4.x retry_write)
    hedging_threshold: float  # seconds before cross-region hedging of reads (absent: no hedging)

class RequestOptions(TypedDict, total=False):
    session_token: str
    if_match: str  # etag
    if_none_match: str  # etag or "*"
    initial_headers: dict[str, str]  # sent as-is (azure_data_cosmos custom headers)
    priority: str  # "High" | "Low"
    throughput_bucket: int
    excluded_locations: list[str]
    timeout: float  # seconds, end-to-end for the whole operation (retries included)
    consistency_level: str
    content_response_on_write: bool  # default True (4.x returns the written document)
    # Query / feed only:
    max_item_count: int  # -1: the service decides the page size
    continuation: str
    populate_query_metrics: bool
    populate_index_metrics: bool
    hedging_threshold: float  # seconds before cross-region hedging; 0: none for this call
    retry_writes: bool  # 4.x's retry_write for this call
    max_concurrency: int  # queries merged by the engine: partitions queried at once
    # Create database / container only:
    offer_throughput: int
    auto_scale_max_throughput: int
    auto_scale_increment_percent: int

class Diagnostics:
    """The requests behind a response, a page or a failed operation (each attempt's endpoint, status, duration,
    charge, region: the driver's diagnostics, or the REST path's attempts). Failed operations carry one as the
    exception's ``_engine_diagnostics`` attribute."""

    def to_json(self) -> str:
        """The diagnostics as a JSON document (built on first use)."""

class Response:
    """One completed service response."""

    @property
    def status(self) -> int: ...
    @property
    def headers(self) -> dict[str, str]:
        """Response headers by their wire names, lower-case (``x-ms-request-charge``, ``etag``, ...)."""
    @property
    def header_store(self) -> dict[str, tuple[str, str]]:
        """The headers as ``{lower-case name: (wire name, value)}``, azure-core's ``CaseInsensitiveDict`` layout."""
    @property
    def body(self) -> bytes:
        """Raw JSON body; ``b""`` when the service sent none (e.g. delete)."""
    def parse_body(self, parse: Callable[[Union[bytes, memoryview]], _T]) -> _T:
        """``parse(body)``: a ``bytes`` copy of a small body, or from 64 KiB a read-only ``memoryview`` of the
        engine's buffer, released when ``parse`` returns (``parse`` must keep neither it nor a slice of it)."""
    @property
    def diagnostics(self) -> Optional[Diagnostics]:
        """``None`` for a result the engine assembled from several operations (read_items)."""

class Page:
    @property
    def headers(self) -> dict[str, str]: ...
    @property
    def body(self) -> bytes:
        """The page's payload, parsed once by the facade: the service's envelope
        (``{"Documents": [...], "_count": n}``) or, for items the engine assembled, a JSON array."""
    def parse_body(self, parse: Callable[[Union[bytes, memoryview]], _T]) -> _T:
        """``parse(body)``, as :meth:`Response.parse_body`."""
    @property
    def continuation(self) -> Optional[str]:
        """Token that resumes right after this page; ``None`` on the last page."""
    @property
    def diagnostics(self) -> Optional[Diagnostics]: ...

class Pager:
    """A lazily fetched sequence of pages (query or read feed). Not thread-safe to share."""

    def next_page(self) -> Optional[Page]:
        """Fetch the next page, or ``None`` when drained."""
    def next_page_async(self) -> Awaitable[Optional[Page]]: ...

# (index, status, sub_status, request_charge, etag, resource body, times throttled, error or None)
BulkRow = tuple[int, int, Optional[int], float, Optional[str], Optional[bytes], int, Optional[BaseException]]

class BulkExecutor:
    """One bulk run: operations handed over in chunks, results taken as they complete."""

    @property
    def capacity(self) -> int:
        """Unanswered operations the run holds before ``submit`` waits."""
    def submit(self, operations: list[tuple[int, PartitionKeyValue, bytes]]) -> None:
        """Hand over ``(index, partition key, operation body)`` rows; waits (GIL released) while full."""
    def submit_async(self, operations: list[tuple[int, PartitionKeyValue, bytes]]) -> Awaitable[None]: ...
    def close(self) -> None:
        """No more operations: the run finishes what it holds."""
    def cancel(self) -> None:
        """Stop: requests in flight are dropped."""
    def results(self, wait: bool = True) -> Optional[list[BulkRow]]:
        """Results ready now (with ``wait``, at least one); ``None`` once the run is over."""
    def results_async(self, wait: bool = True) -> Awaitable[Optional[list[BulkRow]]]: ...

class Engine:
    """One connected account (azure_data_cosmos ``CosmosClient``); cheap to share."""

    @staticmethod
    def connect(options: ClientOptions) -> "Engine":
        """Build the client and read the account (network I/O)."""
    @staticmethod
    def connect_async(options: ClientOptions) -> Awaitable["Engine"]: ...
    @property
    def endpoint(self) -> str: ...
    @property
    def closed(self) -> bool: ...
    def close(self) -> None:
        """Mark the engine closed; further calls raise ``RuntimeError``."""

    # ---- databases --------------------------------------------------------
    def create_database(self, id: str, options: RequestOptions) -> Response: ...
    def create_database_async(self, id: str, options: RequestOptions) -> Awaitable[Response]: ...
    def read_database(self, database: str, options: RequestOptions) -> Response: ...
    def read_database_async(self, database: str, options: RequestOptions) -> Awaitable[Response]: ...
    def delete_database(self, database: str, options: RequestOptions) -> Response: ...
    def delete_database_async(self, database: str, options: RequestOptions) -> Awaitable[Response]: ...
    def query_databases(self, query: str, parameters: bytes, options: RequestOptions) -> Pager:
        """``parameters`` is a JSON array of ``{"name": "@p", "value": ...}`` (``b"[]"`` for none).
        No I/O until the first page is fetched."""

    # ---- containers -------------------------------------------------------
    def create_container(self, database: str, properties: bytes, options: RequestOptions) -> Response:
        """``properties`` is the container definition JSON (``id``, ``partitionKey``, ...)."""
    def create_container_async(
        self, database: str, properties: bytes, options: RequestOptions
    ) -> Awaitable[Response]: ...
    def read_container(self, database: str, container: str, options: RequestOptions) -> Response: ...
    def read_container_async(self, database: str, container: str, options: RequestOptions) -> Awaitable[Response]: ...
    def replace_container(
        self, database: str, container: str, properties: bytes, options: RequestOptions
    ) -> Response: ...
    def replace_container_async(
        self, database: str, container: str, properties: bytes, options: RequestOptions
    ) -> Awaitable[Response]: ...
    def delete_container(self, database: str, container: str, options: RequestOptions) -> Response: ...
    def delete_container_async(
        self, database: str, container: str, options: RequestOptions
    ) -> Awaitable[Response]: ...
    def query_containers(self, database: str, query: str, parameters: bytes, options: RequestOptions) -> Pager: ...

    # ---- items ------------------------------------------------------------
    def create_item(
        self, database: str, container: str, partition_key: PartitionKeyValue, id: str, body: bytes,
        options: RequestOptions,
    ) -> Response: ...
    def create_item_async(
        self, database: str, container: str, partition_key: PartitionKeyValue, id: str, body: bytes,
        options: RequestOptions,
    ) -> Awaitable[Response]: ...
    def upsert_item(
        self, database: str, container: str, partition_key: PartitionKeyValue, id: str, body: bytes,
        options: RequestOptions,
    ) -> Response: ...
    def upsert_item_async(
        self, database: str, container: str, partition_key: PartitionKeyValue, id: str, body: bytes,
        options: RequestOptions,
    ) -> Awaitable[Response]: ...
    def replace_item(
        self, database: str, container: str, partition_key: PartitionKeyValue, id: str, body: bytes,
        options: RequestOptions,
    ) -> Response: ...
    def replace_item_async(
        self, database: str, container: str, partition_key: PartitionKeyValue, id: str, body: bytes,
        options: RequestOptions,
    ) -> Awaitable[Response]: ...
    def read_item(
        self, database: str, container: str, partition_key: PartitionKeyValue, id: str, options: RequestOptions
    ) -> Response: ...
    def read_item_async(
        self, database: str, container: str, partition_key: PartitionKeyValue, id: str, options: RequestOptions
    ) -> Awaitable[Response]: ...
    def delete_item(
        self, database: str, container: str, partition_key: PartitionKeyValue, id: str, options: RequestOptions
    ) -> Response: ...
    def delete_item_async(
        self, database: str, container: str, partition_key: PartitionKeyValue, id: str, options: RequestOptions
    ) -> Awaitable[Response]: ...
    def patch_item(
        self, database: str, container: str, partition_key: PartitionKeyValue, id: str, body: bytes,
        options: RequestOptions,
    ) -> Response:
        """Server-side PATCH; ``body`` is ``{"operations": [...], "condition"?: "from c where ..."}``."""
    def patch_item_async(
        self, database: str, container: str, partition_key: PartitionKeyValue, id: str, body: bytes,
        options: RequestOptions,
    ) -> Awaitable[Response]: ...
    def query_items(
        self,
        database: str,
        container: str,
        query: str,
        parameters: bytes,
        partition_key: Optional[PartitionKeyValue],
        options: RequestOptions,
        feed_range: Optional[FeedRangeBounds] = None,
    ) -> Pager:
        """``partition_key=None`` and ``feed_range=None`` run the query across the whole container."""
    def query_items_change_feed(
        self,
        database: str,
        container: str,
        mode: Optional[str] = None,
        start: Union[str, float, None] = None,
        partition_key: Optional[PartitionKeyValue] = None,
        feed_range: Optional[FeedRangeBounds] = None,
        options: Optional[RequestOptions] = None,
    ) -> Pager:
        """``mode``: "LatestVersion" (default) | "AllVersionsAndDeletes"; ``start``: "Beginning", "Now" or
        epoch seconds. With ``options["continuation"]`` (a token it handed out), mode and scope come
        from the token and ``start`` is ignored. An iteration ends after every range answered "no
        changes"; its last (empty) page carries the token to resume from, also as its ``etag`` header."""

    def read_items(
        self, database: str, container: str, items: list[tuple[str, PartitionKeyValue]],
        options: Optional[RequestOptions] = None, max_concurrency: Optional[int] = None,
    ) -> Response:
        """Read-many: the body holds every item found, grouped by physical partition (not in request
        order); the only header is the total ``x-ms-request-charge``. ``max_concurrency``: queries at once
        (default 10; at least 1)."""
    def read_items_async(
        self, database: str, container: str, items: list[tuple[str, PartitionKeyValue]],
        options: Optional[RequestOptions] = None, max_concurrency: Optional[int] = None,
    ) -> Awaitable[Response]: ...

    def delete_all_items_by_partition_key(
        self, database: str, container: str, partition_key: PartitionKeyValue, options: Optional[RequestOptions] = None
    ) -> Response:
        """Partition-key delete, over the REST path (the driver has no such operation)."""
    def delete_all_items_by_partition_key_async(
        self, database: str, container: str, partition_key: PartitionKeyValue, options: Optional[RequestOptions] = None
    ) -> Awaitable[Response]: ...

    # ---- conflicts (REST path) ----------------------------------------------
    def query_conflicts(
        self, database: str, container: str, query: Optional[str] = None, parameters: Optional[bytes] = None,
        partition_key: Optional[PartitionKeyValue] = None, options: Optional[RequestOptions] = None,
    ) -> Pager:
        """Every conflict (``query=None``: the read feed) or those the query selects."""
    def read_conflict(
        self, database: str, container: str, id: str, partition_key: PartitionKeyValue,
        options: Optional[RequestOptions] = None,
    ) -> Response: ...
    def read_conflict_async(
        self, database: str, container: str, id: str, partition_key: PartitionKeyValue,
        options: Optional[RequestOptions] = None,
    ) -> Awaitable[Response]: ...
    def delete_conflict(
        self, database: str, container: str, id: str, partition_key: PartitionKeyValue,
        options: Optional[RequestOptions] = None,
    ) -> Response: ...
    def delete_conflict_async(
        self, database: str, container: str, id: str, partition_key: PartitionKeyValue,
        options: Optional[RequestOptions] = None,
    ) -> Awaitable[Response]: ...

    # ---- users, permissions, scripts (REST path) ----------------------------
    # ``kind`` is the resource's path segment: "users" (``parent=None``: they live under the
    # database), "permissions" (``parent``: the user's id), "sprocs", "triggers", "udfs"
    # (``parent``: the container's id). Bodies are the resource's JSON.
    def create_resource(
        self, kind: str, database: str, parent: Optional[str], body: bytes, options: Optional[RequestOptions] = None
    ) -> Response: ...
    def create_resource_async(
        self, kind: str, database: str, parent: Optional[str], body: bytes, options: Optional[RequestOptions] = None
    ) -> Awaitable[Response]: ...
    def upsert_resource(
        self, kind: str, database: str, parent: Optional[str], body: bytes, options: Optional[RequestOptions] = None
    ) -> Response: ...
    def upsert_resource_async(
        self, kind: str, database: str, parent: Optional[str], body: bytes, options: Optional[RequestOptions] = None
    ) -> Awaitable[Response]: ...
    def read_resource(
        self, kind: str, database: str, parent: Optional[str], id: str, options: Optional[RequestOptions] = None
    ) -> Response: ...
    def read_resource_async(
        self, kind: str, database: str, parent: Optional[str], id: str, options: Optional[RequestOptions] = None
    ) -> Awaitable[Response]: ...
    def replace_resource(
        self, kind: str, database: str, parent: Optional[str], id: str, body: bytes,
        options: Optional[RequestOptions] = None,
    ) -> Response: ...
    def replace_resource_async(
        self, kind: str, database: str, parent: Optional[str], id: str, body: bytes,
        options: Optional[RequestOptions] = None,
    ) -> Awaitable[Response]: ...
    def delete_resource(
        self, kind: str, database: str, parent: Optional[str], id: str, options: Optional[RequestOptions] = None
    ) -> Response: ...
    def delete_resource_async(
        self, kind: str, database: str, parent: Optional[str], id: str, options: Optional[RequestOptions] = None
    ) -> Awaitable[Response]: ...
    def query_resources(
        self, kind: str, database: str, parent: Optional[str] = None, query: Optional[str] = None,
        parameters: Optional[bytes] = None, options: Optional[RequestOptions] = None,
    ) -> Pager:
        """Every resource of the kind (``query=None``: the read feed) or those the query selects."""
    def execute_stored_procedure(
        self, database: str, container: str, id: str, partition_key: Optional[PartitionKeyValue], body: bytes,
        options: Optional[RequestOptions] = None,
    ) -> Response:
        """``body``: the JSON array of the procedure's arguments; ``partition_key=None`` sends no key."""
    def execute_stored_procedure_async(
        self, database: str, container: str, id: str, partition_key: Optional[PartitionKeyValue], body: bytes,
        options: Optional[RequestOptions] = None,
    ) -> Awaitable[Response]: ...

    # ---- offers (throughput) ------------------------------------------------
    def query_offers(self, query: str, parameters: bytes, options: Optional[RequestOptions] = None) -> Pager:
        """The account's offers a query selects (e.g. by ``r.resource``, the provisioned resource's ``_self``)."""
    def replace_offer(self, offer_id: str, body: bytes, options: Optional[RequestOptions] = None) -> Response:
        """``offer_id``: the offer's ``id`` (its RID); ``body``: the whole offer as replaced."""
    def replace_offer_async(
        self, offer_id: str, body: bytes, options: Optional[RequestOptions] = None
    ) -> Awaitable[Response]: ...

    # ---- account (REST path) ------------------------------------------------
    def read_database_account(self) -> Response:
        """The database account document (``GET /``)."""
    def read_database_account_async(self) -> Awaitable[Response]: ...

    # ---- batch ------------------------------------------------------------
    def execute_item_batch(
        self, database: str, container: str, partition_key: PartitionKeyValue, body: bytes,
        options: RequestOptions,
    ) -> Response:
        """``body`` is the service's batch operation array; the response body the per-operation results."""
    def execute_item_batch_async(
        self, database: str, container: str, partition_key: PartitionKeyValue, body: bytes,
        options: RequestOptions,
    ) -> Awaitable[Response]: ...

    # ---- bulk -------------------------------------------------------------
    def bulk_executor(
        self, database: str, container: str, max_concurrency: Optional[int] = None,
        capacity: Optional[int] = None, options: Optional[RequestOptions] = None,
    ) -> BulkExecutor:
        """Starts a bulk run on one container (non-atomic batches per physical partition)."""

    # ---- feed ranges ------------------------------------------------------
    def read_feed_ranges(
        self, database: str, container: str, force_refresh: bool = False, options: Optional[RequestOptions] = None
    ) -> list[FeedRangeBounds]:
        """The container's physical partition ranges, sorted."""
    def read_feed_ranges_async(
        self, database: str, container: str, force_refresh: bool = False, options: Optional[RequestOptions] = None
    ) -> Awaitable[list[FeedRangeBounds]]: ...
    def feed_range_from_partition_key(
        self, database: str, container: str, partition_key: PartitionKeyValue, options: Optional[RequestOptions] = None
    ) -> FeedRangeBounds: ...
    def feed_range_from_partition_key_async(
        self, database: str, container: str, partition_key: PartitionKeyValue, options: Optional[RequestOptions] = None
    ) -> Awaitable[FeedRangeBounds]: ...

def is_feed_range_subset(parent: FeedRangeBounds, child: FeedRangeBounds) -> bool:
    """Whether ``child`` lies entirely within ``parent`` (no I/O)."""

def latest_session_token(entries: list[tuple[FeedRangeBounds, str]], target: FeedRangeBounds) -> str:
    """The latest session token for ``target`` from ``(range, token)`` pairs (4.x
    ``get_latest_session_token``); raises ``ValueError`` when no range overlaps it."""

def shutdown() -> None:
    """Registered with ``atexit`` by the module itself: disarms the asyncio bridge's result hand-over
    and waits (GIL released, bounded) for the hand-overs under way, so no engine thread touches
    Python objects while the interpreter finalizes; daemon threads in a sync call stay parked."""

def inflight_operations() -> int:
    """Number of engine operations whose Rust future is alive (tests use it to prove cancellation)."""

def engine_worker_threads() -> int:
    """Worker threads of this process's engine runtime (started on first use): all usable cores but one,
    at least one, unless ``TOKIO_WORKER_THREADS`` sets the number."""

# Errors: the engine builds every exception through the facade, so mapping lives in one place:
#   azure.cosmos.exceptions._from_engine(kind, status, sub_status, headers, body, message)
# kind: "http" (a service response arrived), "timeout" (the `timeout` keyword expired),
#       "request" (nothing was sent / connection failed), "response" (failed while reading the reply), "response_timeout" (no reply within the read timeout),
#       "incomplete_read" (the reply's body broke off),
#       "client" (rejected before sending: bad argument), "auth" (credentials unusable).
