# The MIT License (MIT)
"""Version of the azure-cosmos distribution."""

VERSION = "5.0.0b1"
