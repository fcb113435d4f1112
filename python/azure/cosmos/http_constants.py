# The MIT License (MIT)
"""HTTP constants of the Azure Cosmos DB service: header names, status and sub-status codes,
resource types. Names and values are those of azure-cosmos 4.x."""


class HttpMethods:
    """HTTP method names."""

    Delete = 'DELETE'
    Get = 'GET'
    Head = 'HEAD'
    Options = 'OPTIONS'
    Post = 'POST'
    Put = 'PUT'


class HttpHeaders:
    """HTTP header names (standard and Cosmos DB ``x-ms-*``), as the service spells them."""

    AIM = 'A-IM'
    Accept = 'Accept'
    AcceptCharset = 'Accept-Charset'
    AcceptEncoding = 'Accept-Encoding'
    AcceptLanguage = 'Accept-Language'
    AcceptRanges = 'Accept-Ranges'
    AccessControlAllowHeaders = 'Access-Control-Allow-Headers'
    AccessControlAllowOrigin = 'Access-Control-Allow-Origin'
    ActivityId = 'x-ms-activity-id'
    AllowTentativeWrites = 'x-ms-cosmos-allow-tentative-writes'
    AlternateContentPath = 'x-ms-alt-content-path'
    Authorization = 'authorization'
    AutoscaleSettings = 'x-ms-cosmos-offer-autopilot-settings'
    CacheControl = 'Cache-Control'
    ChangeFeedWireFormatVersion = 'x-ms-cosmos-changefeed-wire-format-version'
    CharacterSet = 'CharacterSet'
    ClientId = 'x-ms-client-id'
    CollectionCurrentUsageInMb = 'x-ms-collection-usage-mb'
    CollectionPartitionInfo = 'x-ms-collection-partition-info'
    CollectionQuotaInMb = 'x-ms-collection-quota-mb'
    CollectionServiceInfo = 'x-ms-collection-service-info'
    ConsistencyLevel = 'x-ms-consistency-level'
    ContentEncoding = 'Content-Encoding'
    ContentLanguage = 'Content-Language'
    ContentLength = 'Content-Length'
    ContentLocation = 'Content-Location'
    ContentMd5 = 'Content-Md5'
    ContentPath = 'x-ms-content-path'
    ContentRange = 'Content-Range'
    ContentType = 'Content-Type'
    Continuation = 'x-ms-continuation'
    CorrelatedActivityId = 'x-ms-cosmos-correlated-activityid'
    CosmosItemLsn = 'x-ms-cosmos-item-llsn'
    CosmosLsn = 'x-ms-cosmos-llsn'
    CosmosQuorumAckedLsn = 'x-ms-cosmos-quorum-acked-llsn'
    CurrentEntityCount = 'x-ms-root-entity-current-count'
    CurrentMediaStorageUsageInMB = 'x-ms-media-storage-usage-mb'
    CurrentReplicaSetSize = 'x-ms-current-replica-set-size'
    CurrentWriteQuorum = 'x-ms-current-write-quorum'
    DedicatedGatewayCacheStaleness = 'x-ms-dedicatedgateway-max-age'
    DisableRUPerMinuteUsage = 'x-ms-documentdb-disable-ru-per-minute-usage'
    ETag = 'etag'
    EmitVerboseTracesInQuery = 'x-ms-documentdb-query-emit-traces'
    EnableCrossPartitionQuery = 'x-ms-documentdb-query-enablecrosspartition'
    EnableScanInQuery = 'x-ms-documentdb-query-enable-scan'
    EnableScriptLogging = 'x-ms-documentdb-script-enable-logging'
    EndEpkString = 'x-ms-end-epk'
    ForceRefresh = 'x-ms-force-refresh'
    FullFidelityFeedHeaderValue = 'Full-Fidelity Feed'
    FullUpgrade = 'x-ms-force-full-upgrade'
    GatewayVersion = 'x-ms-gatewayversion'
    GlobalCommittedLsn = 'x-ms-global-committed-lsn'
    Host = 'Host'
    HttpDate = 'date'
    IfMatch = 'If-Match'
    IfModified_since = 'If-Modified-Since'
    IfNoneMatch = 'If-None-Match'
    IfRange = 'If-Range'
    IfUnmodifiedSince = 'If-Unmodified-Since'
    IgnoreInProgressUpgrade = 'x-ms-ignore-inprogress-upgrade'
    IncrementalFeedHeaderValue = 'Incremental Feed'
    IndexTransformationProgress = 'x-ms-documentdb-collection-index-transformation-progress'
    IndexUtilization = 'x-ms-cosmos-index-utilization'
    IndexingDirective = 'x-ms-indexing-directive'
    IntegratedCacheHit = 'x-ms-cosmos-cachehit'
    IntendedCollectionRID = 'x-ms-cosmos-intended-collection-rid'
    IsBatchAtomic = 'x-ms-cosmos-batch-atomic'
    IsBatchRequest = 'x-ms-cosmos-is-batch-request'
    IsCanary = 'x-ms-iscanary'
    IsContinuationExpected = 'x-ms-documentdb-query-iscontinuationexpected'
    IsFeedUnfiltered = 'x-ms-is-feed-unfiltered'
    IsQuery = 'x-ms-documentdb-isquery'
    IsQueryPlanRequest = 'x-ms-cosmos-is-query-plan-request'
    IsRUPerMinuteUsed = 'x-ms-documentdb-is-ru-per-minute-used'
    IsUpsert = 'x-ms-documentdb-is-upsert'
    ItemCount = 'x-ms-item-count'
    ItemLsn = 'x-ms-item-lsn'
    KeepAlive = 'Keep-Alive'
    KeyValueEncodingFormat = 'application/x-www-form-urlencoded'
    LSN = 'lsn'
    LastModified = 'Last-Modified'
    LastStateChangeUtc = 'x-ms-last-state-change-utc'
    LazyIndexingProgress = 'x-ms-documentdb-collection-lazy-indexing-progress'
    Location = 'Location'
    MaxEntityCount = 'x-ms-root-entity-max-count'
    MaxForwards = 'Max-Forwards'
    MaxMediaStorageUsageInMB = 'x-ms-max-media-storage-usage-mb'
    MethodOverride = 'X-HTTP-Method'
    NewResourceId = 'x-ms-new-resource-id'
    NumberOfReadRegions = 'x-ms-number-of-read-regions'
    OcpResourceProviderRegisteredUri = 'ocp-resourceprovider-registered-uri'
    OfferIsRUPerMinuteThroughputEnabled = 'x-ms-offer-is-ru-per-minute-throughput-enabled'
    OfferThroughput = 'x-ms-offer-throughput'
    OfferType = 'x-ms-offer-type'
    OnlyUpgradeNonSystemApplications = 'x-ms-only-upgrade-non-system-applications'
    OnlyUpgradeSystemApplications = 'x-ms-only-upgrade-system-applications'
    Origin = 'Origin'
    PageSize = 'x-ms-max-item-count'
    PartitionKey = 'x-ms-documentdb-partitionkey'
    PartitionKeyDeletePending = 'x-ms-cosmos-is-partition-key-delete-pending'
    PartitionKeyRangeID = 'x-ms-documentdb-partitionkeyrangeid'
    PhysicalPartitionId = 'x-ms-cosmos-physical-partition-id'
    PopulateIndexMetrics = 'x-ms-cosmos-populateindexmetrics'
    PopulatePartitionKeyRangeStatistics = 'x-ms-documentdb-populatepartitionstatistics'
    PopulateQueryAdvice = 'x-ms-cosmos-populatequeryadvice'
    PopulateQueryMetrics = 'x-ms-documentdb-populatequerymetrics'
    PopulateQuotaInfo = 'x-ms-documentdb-populatequotainfo'
    PostTriggerExclude = 'x-ms-documentdb-post-trigger-exclude'
    PostTriggerInclude = 'x-ms-documentdb-post-trigger-include'
    Pragma = 'Pragma'
    PreTriggerExclude = 'x-ms-documentdb-pre-trigger-exclude'
    PreTriggerInclude = 'x-ms-documentdb-pre-trigger-include'
    Prefer = 'Prefer'
    PriorityLevel = 'x-ms-cosmos-priority-level'
    ProxyAuthenticate = 'Proxy-Authenticate'
    ProxyAuthorization = 'Proxy-Authorization'
    Query = 'x-ms-documentdb-query'
    QueryAdvice = 'x-ms-cosmos-query-advice'
    QueryExecutionInfo = 'x-ms-cosmos-query-execution-info'
    QueryMetrics = 'x-ms-documentdb-query-metrics'
    QueryVersion = 'x-ms-cosmos-query-version'
    QuorumAckedLsn = 'x-ms-quorum-acked-lsn'
    ReadFeedKeyType = 'x-ms-read-key-type'
    Referer = 'referer'
    RequestCharge = 'x-ms-request-charge'
    RequestDurationMs = 'x-ms-request-duration-ms'
    RequestId = 'x-ms-request-id'
    ResourceQuota = 'x-ms-resource-quota'
    ResourceTokenExpiry = 'x-ms-documentdb-expiry-seconds'
    ResourceUsage = 'x-ms-resource-usage'
    ResponseContinuationTokenLimitInKb = 'x-ms-documentdb-responsecontinuationtokenlimitinkb'
    RetryAfter = 'Retry-After'
    RetryAfterInMilliseconds = 'x-ms-retry-after-ms'
    SDKSupportedCapabilities = 'x-ms-cosmos-sdk-supportedcapabilities'
    SchemaVersion = 'x-ms-schemaversion'
    ScriptLogResults = 'x-ms-documentdb-script-log-results'
    SeparateMetaWithCrts = '2021-09-15'
    Server = 'Server'
    ServiceVersion = 'x-ms-serviceversion'
    SessionToken = 'x-ms-session-token'
    SetCookie = 'Set-Cookie'
    ShouldBatchContinueOnError = 'x-ms-cosmos-batch-continue-on-error'
    SimpleToken = 'SWT'
    Slug = 'Slug'
    StartEpkString = 'x-ms-start-epk'
    StrictTransportSecurity = 'Strict-Transport-Security'
    SubStatus = 'x-ms-substatus'
    SupportedQueryFeatures = 'x-ms-cosmos-supported-query-features'
    ThinClientProxyOperationType = 'x-ms-thinclient-proxy-operation-type'
    ThinClientProxyResourceType = 'x-ms-thinclient-proxy-resource-type'
    ThrottleRetryCount = 'x-ms-throttle-retry-count'
    ThrottleRetryWaitTimeInMs = 'x-ms-throttle-retry-wait-time-ms'
    ThroughputBucket = 'x-ms-cosmos-throughput-bucket'
    TransferEncoding = 'Transfer-Encoding'
    TransportRequestId = 'x-ms-transport-request-id'
    UpgradeFabricRingCodeAndConfig = 'x-ms-upgrade-fabric-code-config'
    UpgradeVerificationKind = 'x-ms-upgrade-verification-kind'
    UseMasterCollectionResolver = 'x-ms-use-master-collection-resolver'
    UserAgent = 'User-Agent'
    Version = 'x-ms-version'
    WrapAssertion = 'wrap_assertion'
    WrapAssertionFormat = 'wrap_assertion_format'
    WrapScope = 'wrap_scope'
    WwwAuthenticate = 'Www-Authenticate'
    XDate = 'x-ms-date'
    XpRole = 'x-ms-xp-role'


class HttpHeaderPreferenceTokens:
    """Tokens of the ``Prefer`` header."""

    PreferUnfilteredQueryResponse = 'PreferUnfilteredQueryResponse'


class HttpListenerErrorCodes:
    """Windows HTTP listener error codes."""

    ERROR_CONNECTION_INVALID = 1229
    ERROR_OPERATION_ABORTED = 995


class HttpStatusDescriptions:
    """Reason phrases of the HTTP status codes the service uses."""

    Accepted = 'Accepted'
    BadGateway = 'Bad Gateway'
    BadRequest = 'Bad Request'
    Conflict = 'Conflict'
    Created = 'Created'
    Forbidden = 'Forbidden'
    GatewayTimeout = 'Gateway timed out'
    Gone = 'Gone'
    InternalServerError = 'Internal Server Error'
    LengthRequired = 'Length Required'
    MethodNotAllowed = 'MethodNotAllowed'
    NoContent = 'No Content'
    NotAcceptable = 'Not Acceptable'
    NotFound = 'Not Found'
    NotModified = 'Not Modified'
    OK = 'Ok'
    PreconditionFailed = 'Precondition Failed'
    RequestEntityTooLarge = 'Request Entity Too Large'
    RequestTimeout = 'Request timed out'
    RetryWith = 'Retry the request'
    ServiceUnavailable = 'Service Unavailable'
    TooManyRequests = 'Too Many Requests'
    Unauthorized = 'Unauthorized'
    UnsupportedMediaType = 'Unsupported Media Type'


class QueryStrings:
    """Query-string parameter names and values."""

    ContentView = 'contentview'
    Filter = '$filter'
    GenerateId = '$generateFor'
    GenerateIdBatchSize = '$batchSize'
    Generic = 'generic'
    GetChildResourcePartitions = '$getChildResourcePartitions'
    Query = 'query'
    RootIndex = '$rootIndex'
    SQLQueryType = 'sql'
    Url = '$resolveFor'


class CookieHeaders:
    """Cookie-style header names."""

    SessionToken = 'x-ms-session-token'


class HttpContextProperties:
    """Names of HTTP context properties."""

    SubscriptionId = 'SubscriptionId'


class Delimiters:
    """Delimiters used in client-side continuation tokens."""

    ClientContinuationDelimiter = '!!'
    ClientContinuationFormat = '{0}!!{1}'


class StatusCodes:
    """HTTP status codes the service answers with."""

    ACCEPTED = 202
    BAD_REQUEST = 400
    CONFLICT = 409
    CREATED = 201
    FAILED_DEPENDENCY = 424
    FORBIDDEN = 403
    GONE = 410
    INTERNAL_SERVER_ERROR = 500
    METHOD_NOT_ALLOWED = 405
    NOT_FOUND = 404
    NOT_MODIFIED = 304
    NO_CONTENT = 204
    OK = 200
    OPERATION_CANCELLED = 1201
    OPERATION_PAUSED = 1200
    PRECONDITION_FAILED = 412
    REQUEST_ENTITY_TOO_LARGE = 413
    REQUEST_TIMEOUT = 408
    RETRY_WITH = 449
    SERVICE_UNAVAILABLE = 503
    TOO_MANY_REQUESTS = 429
    UNAUTHORIZED = 401


class SubStatusCodes:
    """Cosmos DB sub-status codes (``x-ms-substatus``)."""

    AAD_REQUEST_NOT_AUTHORIZED = 5300
    COLLECTION_RID_MISMATCH = 1024
    COMPLETING_PARTITION_MIGRATION = 1008
    COMPLETING_SPLIT = 1007
    CONFLICT_WITH_CONTROL_PLANE = 1006
    CONTAINER_CREATE_IN_PROGRESS = 1013
    CROSS_PARTITION_QUERY_NOT_SERVABLE = 1004
    DATABASE_ACCOUNT_NOT_FOUND = 1008
    INSUFFICIENT_BINDABLE_PARTITIONS = 1007
    NAME_CACHE_IS_STALE = 1000
    OWNER_RESOURCE_NOT_FOUND = 1003
    PARTITION_KEY_MISMATCH = 1001
    PARTITION_KEY_RANGE_GONE = 1002
    PROVISION_LIMIT_REACHED = 1005
    READ_SESSION_NOTAVAILABLE = 1002
    REDUNDANT_COLLECTION_PUT = 1009
    ROUTING_MAP_SNAPSHOT_INCONSISTENT = 21015
    SHARED_THROUGHPUT_DATABASE_QUOTA_EXCEEDED = 1010
    SHARED_THROUGHPUT_OFFER_GROW_NOT_NEEDED = 1011
    THROUGHPUT_OFFER_NOT_FOUND = 10004
    UNKNOWN = 0
    WRITE_FORBIDDEN = 3


class Versions:
    """Protocol and SDK identification."""

    CurrentVersion = '2020-07-15'
    QueryVersion = '1.0'
    SDKName = 'azure-cosmos'


class SDKSupportedCapabilities:
    """Values of the ``x-ms-cosmos-sdk-supportedcapabilities`` header (a bit set)."""

    NONE = '0'
    PARTITION_MERGE = '1'


class ResourceType:
    """Resource type names as they appear in resource links and auth signatures."""

    Attachment = 'attachments'
    Collection = 'colls'
    Conflict = 'conflicts'
    Database = 'dbs'
    DatabaseAccount = 'databaseaccount'
    Document = 'docs'
    Offer = 'offers'
    PartitionKey = 'partitionkey'
    PartitionKeyRange = 'pkranges'
    Permission = 'permissions'
    Schema = 'schemas'
    StoredProcedure = 'sprocs'
    Topology = 'topology'
    Trigger = 'triggers'
    User = 'users'
    UserDefinedFunction = 'udfs'

    @staticmethod
    def IsCollectionChild(resourceType: str) -> bool:  # pylint: disable=invalid-name
        """Whether resources of this type live inside a container (collection).

        :param str resourceType: A resource type, e.g. ``ResourceType.Document``.
        :returns: ``True`` for items and the other per-container resources.
        :rtype: bool
        """
        return resourceType in _COLLECTION_CHILDREN


_COLLECTION_CHILDREN = frozenset(
    (
        ResourceType.Document,
        ResourceType.Attachment,
        ResourceType.Conflict,
        ResourceType.Schema,
        ResourceType.UserDefinedFunction,
        ResourceType.Trigger,
        ResourceType.StoredProcedure,
        ResourceType.PartitionKey,
    )
)
