"""Where the examples connect: ``COSMOS_ENDPOINT`` / ``COSMOS_KEY``, by default the local emulator.

Every example imports this module (``python examples/<name>.py`` puts ``examples/`` on the import
path). Start a local emulator with ``python -m cosmos_emulator --port 8081``.
"""
from __future__ import annotations

import os
import uuid
import warnings
from typing import Any, Dict
from urllib.parse import urlparse

# The well-known key of the Cosmos DB emulator (it is public; never use it for a real account).
EMULATOR_KEY = "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw=="

ENDPOINT = os.environ.get("COSMOS_ENDPOINT", "http://127.0.0.1:8081/")
KEY = os.environ.get("COSMOS_KEY", EMULATOR_KEY)


def connection_kwargs() -> Dict[str, Any]:
    """Client options a local server needs; none for a real account.

    A local server speaks plain http or https with a self-signed certificate, which
    ``connection_verify=False`` accepts (azure-cosmos 5 allows that for loopback hosts only).
    """
    if (urlparse(ENDPOINT).hostname or "") not in ("localhost", "127.0.0.1", "::1"):
        return {}
    # 4.x (requests/urllib3) warns on every unverified https request; this is deliberate here.
    warnings.filterwarnings("ignore", message="Unverified HTTPS request")
    return {"connection_verify": False}


def unique_name(prefix: str) -> str:
    """A database or container name no other run uses, so runs never collide."""
    return f"{prefix}-{uuid.uuid4().hex[:8]}"
