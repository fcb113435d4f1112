"""A local Azure Cosmos DB (NoSQL API) gateway emulator.

Start it with ``python -m cosmos_emulator`` or in-process::

    from cosmos_emulator import EmulatorServer
    with EmulatorServer(port=0) as server:
        print(server.endpoint, server.key)
"""
from .aad import AsyncEmulatorCredential, EmulatorCredential, emulator_token
from .errors import CosmosError
from .server import DEFAULT_PORT, WELL_KNOWN_KEY, EmulatorServer

__all__ = ["EmulatorServer", "CosmosError", "WELL_KNOWN_KEY", "DEFAULT_PORT", "EmulatorCredential",
           "AsyncEmulatorCredential", "emulator_token"]
__version__ = "0.1.0"
