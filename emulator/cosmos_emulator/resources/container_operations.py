"""``POST /dbs/{db}/colls/{coll}/operations/partitionkeydelete``: delete every item of one logical
partition (``x-ms-documentdb-partitionkey``, the full key), signed by clients as the container.

The service runs this in the background and answers at once; here the items are gone before the
answer (a single storage transaction), which is one of the outcomes the service allows. Each removal
is an ordinary delete for the change feed.
"""
from __future__ import annotations

from ..errors import bad_request, method_not_allowed, not_found
from ..storage import Account
from ..wire import Request, Response, delete_charge, dumps, format_charge
from .common import resolve_collection
from .item_headers import RANGE_ID_HEADER, header_partition_key, item_headers
from .items import ItemStore

PARTITION_KEY_DELETE = "partitionkeydelete"


def handle(account: Account, request: Request) -> Response:
    collection = resolve_collection(account, request, owner=True)
    if request.address.target_id != PARTITION_KEY_DELETE:
        raise not_found()
    if request.method != "POST":
        raise method_not_allowed()
    components = header_partition_key(collection, request, required=True)
    if components is None:
        raise bad_request("Deleting by partition key needs the partition key (x-ms-documentdb-partitionkey).")
    range_id = (request.header(RANGE_ID_HEADER) or "").strip() or None
    store = ItemStore(account, collection, range_id)
    epk, partition = store.locate(components)
    victims = list(partition.iter_items(epk))
    charge = 1.0
    transaction = account.begin()
    try:
        for item in victims:
            account.delete_item(collection, partition, item, store.next_lsn(partition))
            charge += delete_charge(len(dumps(item.body)))
    except BaseException:
        account.abort(transaction)
        raise
    account.commit(transaction)
    headers = item_headers(collection, partition)
    headers["x-ms-request-charge"] = format_charge(charge)
    return Response(200, None, headers)
