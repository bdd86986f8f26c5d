"""Failed-authentication throttling (a pure ASGI middleware, registered in ``api/app.py``).

Every answer 401 counts as one failure of the client (the peer address); after
``CREDITLINE_AUTH_FAIL_LIMIT`` failures within ``CREDITLINE_AUTH_FAIL_WINDOW_SECONDS`` the
client gets 429 with ``Retry-After``, before its request is read or its token looked up.
Rules and limits (per process; per client address, so clients behind one proxy share a
budget) are in ``creditline.access.throttle``."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from creditline.access.throttle import FailureThrottle


class AuthThrottle:
    def __init__(self, app: ASGIApp, *, limit: int, window: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.app = app
        self.throttle = FailureThrottle(limit, window)
        self.clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        key = client[0] if client else "unknown"
        wait = self.throttle.retry_after(key, self.clock())
        if wait:
            await _too_many(send, wait, self.throttle.limit, self.throttle.window)
            return

        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 401:
                self.throttle.failed(key, self.clock())
            await send(message)

        await self.app(scope, receive, watch)


async def _too_many(send: Send, wait: int, limit: int, window: float) -> None:
    body = json.dumps({
        "code": "too_many_requests",
        "message": f"too many failed authentications from this client ({limit} within "
                   f"{window:g} s): retry after {wait} s",
        "detail": []}).encode()
    await send({"type": "http.response.start", "status": 429, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
        (b"retry-after", str(wait).encode())]})
    await send({"type": "http.response.body", "body": body})
