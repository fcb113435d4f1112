"""azure.cosmos.scripts: ScriptType and the partition-key names 4.x's scripts module exposes (no server needed)."""
from __future__ import annotations

from azure.cosmos import partition_key, scripts
from azure.cosmos.scripts import ScriptType


def test_script_types_are_the_link_segments():
    assert ScriptType.StoredProcedure == "sprocs"
    assert ScriptType.Trigger == "triggers"
    assert ScriptType.UserDefinedFunction == "udfs"


def test_partition_key_names_are_the_partition_key_modules():
    assert scripts.NonePartitionKeyValue is partition_key.NonePartitionKeyValue
    assert scripts.PartitionKeyType is partition_key.PartitionKeyType
