"""Headers of item requests and answers, shared by every route that reads or writes items (documents, batch,
change feed, stored procedure execution, partition key delete): the partition key header as the service parses
it, and the content-path, LSN and session headers of an item answer."""
from __future__ import annotations

from typing import Any, Dict, List, Optional

import orjson

from .. import partitioning
from ..errors import bad_request
from ..storage import Collection, PhysicalPartition
from ..wire import Request, session_token

PARTITION_KEY_HEADER = "x-ms-documentdb-partitionkey"
RANGE_ID_HEADER = "x-ms-documentdb-partitionkeyrangeid"

_MISSING_PK_MESSAGE = ("The partition key supplied in x-ms-partitionkey header has fewer components than "
                       "defined in the the collection.")
_WRONG_PK_MESSAGE = ("Partition key provided either doesn't correspond to definition in the collection or "
                     "doesn't match partition key field values specified in the document.")


# ------------------------------------------------------------------------------------------
# Partition key handling
# ------------------------------------------------------------------------------------------

def header_partition_key(collection: Collection, request: Request, *, required: bool) -> Optional[List[Any]]:
    """Components from ``x-ms-documentdb-partitionkey``; None when absent and not required."""
    raw = request.header(PARTITION_KEY_HEADER)
    definition = collection.partition_key_definition
    if raw is None or raw.strip() == "":
        if required:
            raise bad_request(_MISSING_PK_MESSAGE)
        return None
    try:
        decoded = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise bad_request(f"The partition key '{raw}' is invalid.") from None
    components = partitioning.parse_header_components(decoded)
    expected = len(definition["paths"])
    if definition.get("systemKey") and components == []:
        return components
    if len(components) < expected:
        raise bad_request(_MISSING_PK_MESSAGE)
    if len(components) > expected:
        raise bad_request(_WRONG_PK_MESSAGE)
    return components


# ------------------------------------------------------------------------------------------
# Answers
# ------------------------------------------------------------------------------------------

def content_headers(collection: Collection) -> Dict[str, str]:
    return {"x-ms-alt-content-path": collection.name_link, "x-ms-content-path": collection.rid}


def item_headers(collection: Collection, partition: PhysicalPartition) -> Dict[str, str]:
    headers = content_headers(collection)
    headers["lsn"] = str(partition.lsn)
    headers["x-ms-session-token"] = session_token(partition.range_id, partition.lsn)
    headers[RANGE_ID_HEADER] = partition.range_id
    headers["x-ms-item-lsn"] = str(partition.lsn)
    return headers
