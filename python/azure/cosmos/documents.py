# The MIT License (MIT)
"""Enumerations and plain data classes of the Azure Cosmos DB API (as in azure-cosmos 4.x)."""
from __future__ import annotations

from typing import Any, Optional, Union

from typing_extensions import Literal, TypedDict


class UserConsistencyPolicy(TypedDict, total=False):
    """The ``userConsistencyPolicy`` section of the database account."""

    defaultConsistencyLevel: str
    """The account's default consistency level."""
    maxStalenessPrefix: int
    """Bounded staleness: how many versions a read may lag behind."""
    maxStalenessIntervalInSeconds: int
    """Bounded staleness: how long a read may lag behind."""


class DatabaseAccount:  # pylint: disable=too-many-instance-attributes
    """Properties of a database account, the container of databases.

    :ivar str DatabasesLink: The self-link of the account's databases feed.
    :ivar str MediaLink: The self-link of the account's media.
    :ivar int MaxMediaStorageUsageInMB: Attachment (media) storage quota in MB.
    :ivar int CurrentMediaStorageUsageInMB: Attachment (media) storage in use, in MB.
    :ivar ConsistencyPolicy: The account's consistency settings.
    :vartype ConsistencyPolicy: dict[str, Any]
    """

    def __init__(self) -> None:
        self.DatabasesLink: str = ""
        self.MediaLink: str = ""
        self.MaxMediaStorageUsageInMB: int = 0
        self.CurrentMediaStorageUsageInMB: int = 0
        self.ConsumedDocumentStorageInMB: int = 0
        self.ReservedDocumentStorageInMB: int = 0
        self.ProvisionedDocumentStorageInMB: int = 0
        self.ConsistencyPolicy: Optional[dict[str, Any]] = None
        self._WritableLocations: list[dict[str, str]] = []
        self._ReadableLocations: list[dict[str, str]] = []
        self._EnableMultipleWritableLocations = False

    @property
    def WritableLocations(self) -> list[dict[str, str]]:  # pylint: disable=invalid-name
        """The regions that accept writes, each ``{"name": ..., "databaseAccountEndpoint": ...}``.

        :returns: The writable locations.
        :rtype: list[dict[str, str]]
        """
        return self._WritableLocations

    @property
    def ReadableLocations(self) -> list[dict[str, str]]:  # pylint: disable=invalid-name
        """The regions that serve reads, each ``{"name": ..., "databaseAccountEndpoint": ...}``.

        :returns: The readable locations.
        :rtype: list[dict[str, str]]
        """
        return self._ReadableLocations


class ConsistencyLevel:
    """Consistency levels, strongest first: Strong, BoundedStaleness, Session,
    ConsistentPrefix, Eventual. A client may only ask for the account's level or a weaker one.
    """

    Strong: Literal["Strong"] = "Strong"
    """Reads always see the latest committed write."""
    BoundedStaleness: Literal["BoundedStaleness"] = "BoundedStaleness"
    """Reads lag writes by at most a configured number of versions or time interval."""
    Session: Literal["Session"] = "Session"
    """Within one session: read your writes, monotonic reads and writes."""
    Eventual: Literal["Eventual"] = "Eventual"
    """Reads eventually see all writes, in no guaranteed order."""
    ConsistentPrefix: Literal["ConsistentPrefix"] = "ConsistentPrefix"
    """Reads see a prefix of all writes, never out of order."""


class IndexingMode:
    """Indexing modes of a container's indexing policy."""

    Consistent: Literal["consistent"] = "consistent"
    """The index is updated with every write."""
    Lazy: Literal["lazy"] = "lazy"
    """The index is updated in the background (not available for new containers)."""
    NoIndex: Literal["none"] = "none"
    """No index; queries scan the container."""


class IndexKind:
    """Kinds of index specifications."""

    Hash: Literal["Hash"] = "Hash"
    """Hashed entries, for equality lookups."""
    Range: Literal["Range"] = "Range"
    """Ordered entries, for equality, range and ORDER BY."""
    MultiHash: Literal["MultiHash"] = "MultiHash"
    """Hashed over several paths (hierarchical partition keys)."""


class PartitionKind:
    """Kinds of partition-key definitions."""

    Hash: Literal["Hash"] = "Hash"
    """One path, hashed."""
    MultiHash: Literal["MultiHash"] = "MultiHash"
    """Up to three paths (hierarchical partition key)."""


class DataType:
    """Data types of index specifications."""

    Number: Literal["Number"] = "Number"
    """Numbers."""
    String: Literal["String"] = "String"
    """Strings."""
    Point: Literal["Point"] = "Point"
    """GeoJSON points."""
    LineString: Literal["LineString"] = "LineString"
    """GeoJSON line strings."""
    Polygon: Literal["Polygon"] = "Polygon"
    """GeoJSON polygons."""
    MultiPolygon: Literal["MultiPolygon"] = "MultiPolygon"
    """GeoJSON multi-polygons."""


class IndexingDirective:
    """Per-write override of whether the item is indexed."""

    Default: int = 0
    """Follow the container's indexing policy."""
    Exclude: int = 1
    """Do not index the item."""
    Include: int = 2
    """Index the item."""


class ConnectionMode:
    """How the client reaches the service."""

    Gateway: int = 0
    """Through the gateway, which routes each request to the right partition (the only mode)."""


class PermissionMode:
    """What a permission allows."""

    NoneMode: Literal["none"] = "none"
    """Nothing (``None`` is a Python keyword, hence the name)."""
    Read: Literal["read"] = "read"
    """Read operations only."""
    All: Literal["all"] = "all"
    """All operations."""


class TriggerType:
    """When a trigger runs."""

    Pre: Literal["pre"] = "pre"
    """Before the operation."""
    Post: Literal["post"] = "post"
    """After the operation."""


class TriggerOperation:
    """Which operations a trigger runs for."""

    All: Literal["all"] = "all"
    """Every operation."""
    Create: Literal["create"] = "create"
    """Creates."""
    Update: Literal["update"] = "update"
    """Updates."""
    Delete: Literal["delete"] = "delete"
    """Deletes."""
    Replace: Literal["replace"] = "replace"
    """Replaces."""


class SSLConfiguration:
    """TLS client settings (kept for 4.x compatibility).

    :ivar str SSLKeyFile: Path of the client key file.
    :ivar str SSLCertFile: Path of the client certificate file.
    :ivar SSLCaCerts: Path of a CA bundle, or a bool.
    :vartype SSLCaCerts: str or bool
    """

    def __init__(self) -> None:
        self.SSLKeyFile: Optional[str] = None
        self.SSLCertFile: Optional[str] = None
        self.SSLCaCerts: Optional[Union[str, bool]] = None


class ProxyConfiguration:
    """An HTTP proxy (kept for 4.x compatibility).

    :ivar str Host: The proxy host.
    :ivar int Port: The proxy port.
    """

    def __init__(self) -> None:
        self.Host: Optional[str] = None
        self.Port: Optional[int] = None


class ConnectionPolicy:  # pylint: disable=too-many-instance-attributes
    """Connection settings of a client, the 4.x ``connection_policy`` object.

    :class:`~azure.cosmos.CosmosClient` reads ``RequestTimeout`` (connect timeout, seconds),
    ``ReadTimeout`` (per-attempt timeout, seconds), ``PreferredLocations``,
    ``ExcludedLocations``, ``DisableSSLVerification`` and ``ResponsePayloadOnWriteDisabled``
    from it; the other attributes are accepted for compatibility.

    :ivar int RequestTimeout: Connect timeout in seconds.
    :ivar float ReadTimeout: Timeout of one HTTP attempt in seconds.
    :ivar ConnectionMode: Always ``ConnectionMode.Gateway``.
    :vartype ConnectionMode: int
    :ivar SSLConfiguration: TLS client settings.
    :vartype SSLConfiguration: ~azure.cosmos.documents.SSLConfiguration
    :ivar ProxyConfiguration: Proxy settings.
    :vartype ProxyConfiguration: ~azure.cosmos.documents.ProxyConfiguration
    :ivar bool EnableEndpointDiscovery: Route requests by the account's regions.
    :ivar PreferredLocations: Region names in order of preference.
    :vartype PreferredLocations: list[str]
    :ivar ExcludedLocations: Region names never to use.
    :vartype ExcludedLocations: list[str]
    :ivar bool DisableSSLVerification: Skip certificate checks (loopback hosts only in v5).
    :ivar bool UseMultipleWriteLocations: Write to any region of a multi-write account.
    :ivar bool ResponsePayloadOnWriteDisabled: Ask the service not to return written items.
    :ivar int RetryNonIdempotentWrites: Retries allowed for non-idempotent writes.
    """

    def __init__(self) -> None:
        self.RequestTimeout: float = 5
        self.DBAConnectionTimeout: float = 3
        self.ReadTimeout: float = 65
        self.RecoveryReadTimeout: float = 6
        self.DBAReadTimeout: float = 3
        self.InferenceRequestTimeout: float = 5
        self.MaxBackoff: float = 1
        self.ConnectionMode: int = ConnectionMode.Gateway
        self.SSLConfiguration: Optional[SSLConfiguration] = None
        self.ProxyConfiguration: Optional[ProxyConfiguration] = None
        self.EnableEndpointDiscovery: bool = True
        self.PreferredLocations: list[str] = []
        self.ExcludedLocations: Optional[list[str]] = None
        self.RetryOptions: Any = None
        self.DisableSSLVerification: bool = False
        self.UseMultipleWriteLocations: bool = False
        self.ConnectionRetryConfiguration: Any = None
        self.ResponsePayloadOnWriteDisabled: bool = False
        self.RetryNonIdempotentWrites: int = 0
