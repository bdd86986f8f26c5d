"""The HTTP protocol ``creditline serve`` runs: uvicorn's own, plus TCP_NODELAY on every
accepted connection.

Why: with ``--workers N`` uvicorn hands its workers a listening socket whose ``proto`` is 0,
and asyncio only turns Nagle's algorithm off for sockets whose ``proto`` is
``IPPROTO_TCP``.  A small response then waits for the client's delayed ACK (~40 ms on
Linux): measured in bench/RESULTS.md ("Origination"), a no-op route served 300 req/s that
way instead of ~2,600.  Setting the option ourselves is right for every socket (a
single-worker server already has it; setting it twice is harmless)."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

from uvicorn.protocols.http.auto import AutoHTTPProtocol

PROTOCOL_PATH = "creditline.api.transport:NoDelayHTTPProtocol"


def set_nodelay(transport: asyncio.BaseTransport) -> bool:
    """Turn Nagle off on a TCP transport's socket; ``False`` if it is not a TCP socket."""
    sock: Any = transport.get_extra_info("socket")
    if sock is None or sock.family not in (socket.AF_INET, socket.AF_INET6) \
            or sock.type != socket.SOCK_STREAM:
        return False
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    except OSError:  # a socket already closed by the peer: nothing to speed up
        return False
    return True


class NoDelayHTTPProtocol(AutoHTTPProtocol):  # type: ignore[misc,valid-type]  # uvicorn types its runtime-chosen class as a variable, type[asyncio.Protocol]
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        set_nodelay(transport)
        super().connection_made(transport)
