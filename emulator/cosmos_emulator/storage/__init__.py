"""Storage layer: the in-memory resource tree, transactions and on-disk durability."""
from .model import Account, Collection, Database, Transaction, initial_partitions
from .partition import ChangeRecord, PhysicalPartition, StoredItem
from .persistence import DataDirectory

__all__ = ["Account", "Collection", "Database", "Transaction", "initial_partitions", "PhysicalPartition",
           "StoredItem", "ChangeRecord", "DataDirectory"]
