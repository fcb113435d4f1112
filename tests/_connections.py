"""Counting this process's TCP connections to a server (Linux: /proc), for the connection-pool tests."""
from __future__ import annotations

import os
import sys
import time
from urllib.parse import urlsplit

SUPPORTED = sys.platform.startswith("linux") and os.path.exists("/proc/self/fd")


def _socket_inodes() -> set:
    inodes = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    return inodes


def established_to(endpoint: str) -> int:
    """How many established TCP connections this process has to the endpoint's port."""
    port = urlsplit(endpoint).port
    mine = _socket_inodes()
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(table):
            continue
        with open(table) as lines:
            next(lines)
            for line in lines:
                fields = line.split()
                remote_port = int(fields[2].rsplit(":", 1)[1], 16)
                if fields[3] == "01" and remote_port == port and fields[9] in mine:
                    count += 1
    return count


def settled_count(endpoint: str, at_most: int, seconds: float = 15.0) -> int:
    """The connection count once it is at most ``at_most``, or the last count after ``seconds``: closing the
    connections beyond the pool's bound is asynchronous (a TLS connection says goodbye first)."""
    deadline = time.monotonic() + seconds
    while True:
        count = established_to(endpoint)
        if count <= at_most or time.monotonic() > deadline:
            return count
        time.sleep(0.2)
