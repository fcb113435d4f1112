"""``python -m cosmos_emulator`` (or the ``cosmos-emulator`` console script, the same :func:`main`): run the
emulator until interrupted.

Prints exactly one line once it accepts connections::

    cosmos-emulator ready endpoint=http://127.0.0.1:8081/ key=C2y6...==
"""
from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
from typing import List, Optional

from .server import ADVERTISE_DEFAULT, DEFAULT_PORT, WELL_KNOWN_KEY, EmulatorServer
from .regions import parse_regions


def program_name() -> str:
    """How the emulator was started, for usage and error messages: ``python -m cosmos_emulator`` or the
    ``cosmos-emulator`` console script (the same parser and :func:`main` serve both)."""
    started_as = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else ""
    if started_as in ("", "-c", "__main__.py"):
        return "python -m cosmos_emulator"
    return "cosmos-emulator"


def parse_arguments(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog=program_name(),
                                     description="Local Azure Cosmos DB (NoSQL API) emulator")
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT,
                        help=f"TCP port (default {DEFAULT_PORT}; 0 picks a free port)")
    parser.add_argument("--tls", action="store_true", help="serve HTTPS with a self-signed certificate")
    parser.add_argument("--cert", help="PEM certificate for HTTPS (implies --tls)")
    parser.add_argument("--cert-key", help="PEM private key of --cert")
    parser.add_argument("--partitions", type=int, default=None,
                        help="physical partitions of every new container (default: derived from its throughput "
                             "as the service does, one per 10,000 RU/s)")
    parser.add_argument("--data-dir", help="keep data in this directory across restarts (default: memory)")
    parser.add_argument("--key", default=WELL_KNOWN_KEY, help="account master key (default: the well-known "
                                                             "emulator key)")
    parser.add_argument("--advertised-host", default=ADVERTISE_DEFAULT,
                        help="host named by the account document's locations (default: 127.0.0.1 as the official "
                             "emulator, or the --host address when bound to one other address); 'request' names "
                             "the host each client used")
    parser.add_argument("--regions", default=None,
                        help="simulate these regions, comma-separated, write region first (\"West US,East US\"): "
                             "each served at its own port, --port then the next ones (the account document lists "
                             "them)")
    parser.add_argument("--log-level", default="WARNING", help="Python logging level (default WARNING)")
    arguments = parser.parse_args(argv)
    if (arguments.cert is None) != (arguments.cert_key is None):
        parser.error("--cert and --cert-key go together")
    if arguments.partitions is not None and arguments.partitions < 1:
        parser.error("--partitions must be at least 1")
    try:
        arguments.regions = parse_regions(arguments.regions)
    except ValueError as error:
        parser.error(str(error))
    return arguments


async def serve(arguments: argparse.Namespace) -> None:
    server = EmulatorServer(arguments.host, arguments.port, tls=arguments.tls, cert_file=arguments.cert,
                            key_file=arguments.cert_key, partitions=arguments.partitions,
                            data_dir=arguments.data_dir, key=arguments.key,
                            advertised_host=(None if arguments.advertised_host == "request"
                                             else arguments.advertised_host),
                            regions=arguments.regions)
    await server.start_async()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(signal_number, stop.set)
        except (NotImplementedError, RuntimeError):
            signal.signal(signal_number, lambda *_: loop.call_soon_threadsafe(stop.set))
    print(f"cosmos-emulator ready endpoint={server.endpoint} key={server.key}", flush=True)
    try:
        await stop.wait()
    finally:
        await server.stop_async()


def main(argv: Optional[List[str]] = None) -> int:
    arguments = parse_arguments(argv)
    logging.basicConfig(level=getattr(logging, str(arguments.log_level).upper(), logging.WARNING),
                        stream=sys.stderr)
    try:
        asyncio.run(serve(arguments))
    except OSError as error:
        print(f"cosmos-emulator: cannot start: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
