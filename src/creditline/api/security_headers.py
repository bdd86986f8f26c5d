"""Security headers on every answer (a pure ASGI middleware, registered in ``api/app.py``).

- ``X-Content-Type-Options: nosniff`` everywhere: a browser must not guess a JSON answer
  into something executable.
- ``Cache-Control: no-store`` (and ``Pragma: no-cache``) on every ``/v1`` answer: almost all
  of them carry personal or credit data (customers, applications, balances, audit), and a
  rule "all of /v1" cannot miss a new route.  ``/healthz`` and the docs stay cacheable.
- ``Strict-Transport-Security`` when the request came over https, or always when
  ``CREDITLINE_HSTS`` is set (TLS terminated by a proxy in front).
- ``X-Frame-Options: DENY`` and ``Referrer-Policy: no-referrer``: nothing here is meant to be
  framed, and URLs carry customer ids."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")
_ALWAYS = [(b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"DENY"),
           (b"referrer-policy", b"no-referrer")]
_NO_STORE = [(b"cache-control", b"no-store"), (b"pragma", b"no-cache")]


class SecurityHeaders:
    def __init__(self, app: ASGIApp, *, hsts: bool = False) -> None:
        self.app = app
        self.hsts = hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = list(_ALWAYS)
        if str(scope.get("path", "")).startswith("/v1"):
            extra += _NO_STORE
        if self.hsts or scope.get("scheme") == "https":
            extra.append(HSTS)
        names = {k for k, _ in extra}

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", [])
                           if k.lower() not in names]
                message["headers"] = headers + extra
            await send(message)

        await self.app(scope, receive, send_with_headers)
