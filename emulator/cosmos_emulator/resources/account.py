"""``GET /``: the database account document clients bootstrap from.

Locations point at the endpoint the client actually used (scheme, host and port of the request),
so endpoint discovery keeps talking to this server whether it is reached over http or https.
"""
from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Tuple

from ..errors import method_not_allowed
from ..regions import DEFAULT_REGION
from ..storage import Account
from ..wire import Request, Response, dumps, format_charge

ACCOUNT_ID = "localhost"
REGION_NAME = DEFAULT_REGION

# Sent as a JSON *string*, as the service does; clients parse it a second time.
QUERY_ENGINE_CONFIGURATION = json.dumps({
    "maxSqlQueryInputLength": 262144,
    "maxJoinsPerSqlQuery": 5,
    "maxLogicalAndPerSqlQuery": 500,
    "maxLogicalOrPerSqlQuery": 500,
    "maxUdfRefPerSqlQuery": 10,
    "maxInExpressionItemsCount": 16000,
    "queryTimeoutInSeconds": 30,
    "maxQueryTimeoutInSeconds": 300,
    "sqlAllowNonFiniteNumbers": False,
    "sqlAllowAggregateFunctions": True,
    "sqlAllowSubQuery": True,
    "sqlAllowScalarSubQuery": True,
    "allowNewKeywordsAsIdentifiers": True,
    "sqlAllowLike": True,
    "sqlAllowGroupByClause": True,
    "maxSpatialQueryCells": 12,
    "spatialMaxGeometryPointCount": 256,
    "sqlDisableOptimizationFlags": 0,
    "sqlAllowTop": True,
    "enableSpatialIndexing": True,
}, separators=(",", ":"))


def document(base_url: str, locations: Optional[List[Tuple[str, str]]] = None) -> Dict[str, Any]:
    """The account document; ``locations`` (name, base URL), write region first, for a multi-region server."""
    if locations:
        readable = [{"name": name, "databaseAccountEndpoint": url.rstrip("/") + "/"} for name, url in locations]
    else:
        readable = [{"name": REGION_NAME, "databaseAccountEndpoint": base_url.rstrip("/") + "/"}]
    return {
        "_self": "",
        "id": ACCOUNT_ID,
        "_rid": f"{ACCOUNT_ID}",
        "media": "//media/",
        "addresses": "//addresses/",
        "_dbs": "//dbs/",
        "writableLocations": [dict(readable[0])],
        "readableLocations": readable,
        "enableMultipleWriteLocations": False,
        "continuousBackupEnabled": False,
        "enableNRegionSynchronousCommit": False,
        "enablePerPartitionFailoverBehavior": False,
        "userReplicationPolicy": {"asyncReplication": False, "minReplicaSetSize": 1, "maxReplicasetSize": 4},
        "userConsistencyPolicy": {"defaultConsistencyLevel": "Session"},
        "systemReplicationPolicy": {"minReplicaSetSize": 1, "maxReplicasetSize": 4},
        "readPolicy": {"primaryReadCoefficient": 1, "secondaryReadCoefficient": 1},
        "queryEngineConfiguration": QUERY_ENGINE_CONFIGURATION,
    }


def handle(account: Account, request: Request) -> Response:
    if request.method != "GET":
        raise method_not_allowed()
    headers = {
        "x-ms-request-charge": format_charge(0),
        "x-ms-max-media-storage-usage-mb": "10240",
        "x-ms-media-storage-usage-mb": "0",
        "x-ms-databaseaccount-consumed-mb": "0",
        "x-ms-databaseaccount-reserved-mb": "0",
        "x-ms-databaseaccount-provisioned-mb": "0",
    }
    return Response(200, dumps(document(request.base_url, request.locations)), headers)
