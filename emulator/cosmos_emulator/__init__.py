"""A local Azure Cosmos DB (NoSQL API) gateway emulator.

Start it with ``python -m cosmos_emulator`` (or the ``cosmos-emulator`` console script) or in-process::

    from cosmos_emulator import EmulatorServer
    with EmulatorServer(port=0) as server:
        print(server.endpoint, server.key)
"""
from __future__ import annotations

import importlib
from typing import Any, List

# The names below are imported on first use (PEP 562), not with the package: the pytest plugin
# (cosmos_emulator.pytest_plugin) is loaded by every pytest run in an environment with this package, and
# must not pay for aiohttp, cryptography and the rest unless a test uses the emulator.
_EXPORTS = {
    "EmulatorServer": ".server",
    "WELL_KNOWN_KEY": ".server",
    "DEFAULT_PORT": ".server",
    "CosmosError": ".errors",
    "EmulatorCredential": ".aad",
    "AsyncEmulatorCredential": ".aad",
    "emulator_token": ".aad",
}

__all__ = ["EmulatorServer", "CosmosError", "WELL_KNOWN_KEY", "DEFAULT_PORT", "EmulatorCredential",
           "AsyncEmulatorCredential", "emulator_token"]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> List[str]:
    return sorted(set(globals()) | set(__all__))
