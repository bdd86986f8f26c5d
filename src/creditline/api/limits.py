"""The input guard: an ASGI middleware that every request passes before routing and
authentication, so hostile input is refused cheaply, in the app's error shape, and before
anything is read into the domain or the store.

- Body size: a ``Content-Length`` above the limit is a 413 at once (nothing is read); a
  body without one is counted chunk by chunk and refused as soon as it passes the limit.
  Default 1 MiB (``CREDITLINE_MAX_BODY_BYTES``); registering a model, whose JSON carries a
  whole booster, may send more (``CREDITLINE_MAX_MODEL_BODY_BYTES``).
- A file upload (``POST /v1/documents``) is ``multipart/form-data`` (415 otherwise) of at
  most ``CREDITLINE_DOCUMENTS_MAX_BYTES`` plus room for the form; the documents context
  checks the file itself (type by content, size, SHA-256).  The console's ``/console/``
  pages post ``application/x-www-form-urlencoded`` forms (UTF-8, no NUL or lone surrogate,
  at most ``max_json_items`` fields).  Every other body must be JSON
  (415 otherwise), UTF-8, well-formed, without NaN/Infinity, duplicate
  keys, more than ``max_json_items`` keys and array items in all, or nesting deeper than
  ``max_json_depth`` (400): a 13 MB body with 700k keys used to stall the server for 16 s.
- No NUL byte (PostgreSQL refuses it in text: it was a 500) and no unpaired UTF-16
  surrogate (``"\\ud800"``: it cannot be encoded, also a 500) anywhere: path, query, headers,
  keys or strings of the body (400, naming where).

The body is read once here and handed on unchanged, so FastAPI parses the same bytes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute

from creditline.api.errors import error_response
from creditline.settings import Settings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


@dataclass(frozen=True)
class BodyLimits:
    max_bytes: int = 1024 * 1024
    max_depth: int = 32
    max_items: int = 10_000
    multipart: bool = False  # a file upload (multipart/form-data) instead of JSON


# A multipart body carries the file plus its form fields and boundaries: room for those.
MULTIPART_OVERHEAD = 64 * 1024
# console (issue 19): the files of a rules folder (the shipped origination folder and its
# cases are ~70 KB; rulesets.catalogue takes at most 40 files of 512 KiB each, but not here)
RULES_UPLOAD = BodyLimits(2 * 1024 * 1024 + MULTIPART_OVERHEAD, multipart=True)
MAX_PROOFS = 5  # proof files on one closure request upload (closure)


@dataclass(frozen=True)
class InputLimits:
    default: BodyLimits = BodyLimits()
    # (method, path) -> limits for routes whose bodies are legitimately large.
    routes: dict[tuple[str, str], BodyLimits] = field(default_factory=dict)
    # (method, path pattern, limits) for such routes with an id in their path (closure)
    patterns: tuple[tuple[str, re.Pattern[str], BodyLimits], ...] = ()

    @classmethod
    def from_settings(cls, s: Settings) -> InputLimits:
        default = BodyLimits(s.max_body_bytes, s.max_json_depth, s.max_json_items)
        model = BodyLimits(max(s.max_model_body_bytes, s.max_body_bytes), s.max_json_depth,
                           max(s.max_json_items, 200_000))
        upload = BodyLimits(s.documents_max_bytes + MULTIPART_OVERHEAD, multipart=True)
        # closure (issue 14): a closure request carries up to MAX_PROOFS proof files
        proofs = BodyLimits(MAX_PROOFS * s.documents_max_bytes + MULTIPART_OVERHEAD,
                            multipart=True)
        return cls(default, {("POST", "/v1/models"): model,
                             ("POST", "/v1/documents"): upload},
                   (("POST", re.compile(r"/v1/credit-lines/[^/]+/closure-requests"), proofs),
                    ("POST", re.compile(r"/v1/closure-requests/[^/]+/documents"), proofs),
                    # console (issue 19): a changed rules folder tried before it goes live
                    ("POST", re.compile(r"/console/rules/[^/]+/candidate"), RULES_UPLOAD)))

    def for_request(self, method: str, path: str) -> BodyLimits:
        path = path.rstrip("/") or "/"
        found = self.routes.get((method, path))
        if found is not None:
            return found
        for m, pattern, limits in self.patterns:
            if m == method and pattern.fullmatch(path):
                return limits
        return self.default


class BadInput(Exception):
    def __init__(self, status: int, code: str, loc: list[str | int], msg: str) -> None:
        super().__init__(msg)
        self.status, self.code, self.loc, self.msg = status, code, loc, msg


def _bad_text(text: str) -> str | None:
    if "\x00" in text:
        return "contains a NUL character (U+0000)"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "contains an unpaired UTF-16 surrogate"
    return None


def _where(loc: list[str | int]) -> str:
    return ".".join(str(p) for p in loc) or "body"


def check_json(raw: bytes, limits: BodyLimits) -> None:
    """Raise ``BadInput`` unless ``raw`` is a JSON document within ``limits``."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadInput(400, "malformed_request", ["body"],
                       f"body is not UTF-8 (byte {exc.start})") from None
    items = 0

    def pairs(kv: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal items
        items += len(kv)
        if items > limits.max_items:
            raise BadInput(400, "too_many_items", ["body"],
                           f"body has more than {limits.max_items} keys and items")
        out = dict(kv)
        if len(out) != len(kv):
            seen: set[str] = set()
            for k, _ in kv:
                if k in seen:
                    raise BadInput(400, "malformed_request", [_safe(k)],
                                   f"duplicate key {_safe(k)!r}")
                seen.add(k)
        return out

    def constant(name: str) -> Any:
        raise BadInput(400, "malformed_request", ["body"], f"{name} is not JSON")

    try:
        doc = json.loads(text, object_pairs_hook=pairs, parse_constant=constant)
    except BadInput:
        raise
    except RecursionError:
        raise BadInput(400, "too_deep", ["body"],
                       f"body is nested more than {limits.max_depth} levels deep") from None
    except ValueError as exc:  # JSONDecodeError, or an integer too long to convert
        msg = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
        pos = f" at line {exc.lineno} column {exc.colno}" \
            if isinstance(exc, json.JSONDecodeError) else ""
        raise BadInput(400, "malformed_request", ["body"],
                       f"body is not valid JSON: {msg}{pos}") from None
    _walk(doc, limits, items)


def _walk(doc: Any, limits: BodyLimits, items: int) -> None:
    """Depth, list items (keys were counted while parsing), NULs and surrogates."""
    stack: list[tuple[Any, list[str | int]]] = [(doc, [])]
    while stack:
        value, loc = stack.pop()
        if len(loc) > limits.max_depth:
            raise BadInput(400, "too_deep", loc[: limits.max_depth],
                           f"body is nested more than {limits.max_depth} levels deep")
        if isinstance(value, str):
            problem = _bad_text(value)
            if problem:
                raise BadInput(400, "malformed_request", loc, f"{_where(loc)}: {problem}")
        elif isinstance(value, dict):
            for k, v in value.items():
                problem = _bad_text(k)
                if problem:
                    raise BadInput(400, "malformed_request", [*loc, _safe(k)],
                                   f"a key in {_where(loc)}: {problem}")
                stack.append((v, [*loc, k]))
        elif isinstance(value, list):
            items += len(value)
            if items > limits.max_items:
                raise BadInput(400, "too_many_items", ["body"],
                               f"body has more than {limits.max_items} keys and items")
            stack.extend((v, [*loc, i]) for i, v in enumerate(value))


def _safe(text: str) -> str:
    return text.encode("utf-8", "backslashreplace").decode("utf-8").replace("\x00", "\\x00")


def _is_console_form(content_type: str, path: str) -> bool:
    """The console's pages post HTML forms; the API takes JSON only."""
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/x-www-form-urlencoded" and path.startswith("/console/")


def check_form(raw: bytes, limits: BodyLimits) -> None:
    """A console form: UTF-8, at most ``max_items`` fields, no NUL or unpaired surrogate."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadInput(400, "malformed_request", ["body"], "the form is not UTF-8") from None
    fields = parse_qsl(text, keep_blank_values=True)
    if len(fields) > limits.max_items:
        raise BadInput(400, "too_many_items", ["body"],
                       f"the form has more than {limits.max_items} fields")
    for name, value in fields:
        for part in (name, value):
            problem = _bad_text(part)
            if problem:
                raise BadInput(400, "malformed_request", ["body", _safe(name)],
                               f"form field {_safe(name)!r} {problem}")


def _is_json(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or (media.startswith("application/")
                                            and media.endswith("+json"))


def _is_multipart(content_type: str) -> bool:
    return content_type.split(";", 1)[0].strip().lower() == "multipart/form-data"


class InputGuard:
    """ASGI middleware; see the module docstring."""

    def __init__(self, app: ASGIApp, limits: InputLimits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            headers = self._check_head(scope)
            limits = self.limits.for_request(scope["method"], scope.get("path", ""))
            body = await self._read(receive, headers, limits)
            if body is None:  # the client went away
                return
            content_type = headers.get("content-type", "")
            if limits.multipart:  # the route parses the form; the file is checked by content
                if not _is_multipart(content_type):
                    raise BadInput(415, "unsupported_media_type", ["header", "Content-Type"],
                                   f"the body must be a file upload (Content-Type: "
                                   f"multipart/form-data), not "
                                   f"{content_type or 'unspecified'!r}")
            elif body:
                if _is_console_form(content_type, scope.get("path", "")):
                    check_form(body, limits)
                elif not _is_json(content_type):
                    raise BadInput(415, "unsupported_media_type", ["header", "Content-Type"],
                                   f"the body must be JSON (Content-Type: application/json), "
                                   f"not {content_type or 'unspecified'!r}")
                else:
                    check_json(body, limits)
        except BadInput as bad:
            response = error_response(bad.status, bad.code, bad.msg,
                                      [{"loc": bad.loc, "msg": bad.msg}],
                                      headers={"Connection": "close"} if bad.status == 413
                                      else None)
            await response(scope, receive, send)
            return

        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    @staticmethod
    def _check_head(scope: Scope) -> dict[str, str]:
        path = scope.get("path", "")
        problem = _bad_text(path)
        if problem:
            raise BadInput(400, "malformed_request", ["path"], f"the path {problem}")
        query = scope.get("query_string", b"").decode("latin-1")
        seen: set[str] = set()
        for name, value in parse_qsl(query, keep_blank_values=True):
            if name in seen:  # which one wins differs between proxies and apps: refuse
                raise BadInput(400, "malformed_request", ["query", _safe(name)],
                               f"query parameter {_safe(name)!r} is given more than once")
            seen.add(name)
            for text in (name, value):
                problem = _bad_text(text)
                if problem:
                    raise BadInput(400, "malformed_request", ["query", _safe(name)],
                                   f"query parameter {_safe(name)!r} {problem}")
        headers: dict[str, str] = {}
        for raw_name, raw_value in scope.get("headers", []):
            name = raw_name.decode("latin-1").lower()
            if b"\x00" in raw_value:
                raise BadInput(400, "malformed_request", ["header", name],
                               f"header {name!r} contains a NUL character (U+0000)")
            headers[name] = raw_value.decode("latin-1")
        return headers

    @staticmethod
    async def _read(receive: Receive, headers: dict[str, str],
                    limits: BodyLimits) -> bytes | None:
        declared = headers.get("content-length")
        if declared is not None:
            if not declared.strip().isdigit() or not declared.isascii():
                raise BadInput(400, "malformed_request", ["header", "content-length"],
                               "Content-Length must be a non-negative integer")
            if int(declared) > limits.max_bytes:
                raise BadInput(413, "payload_too_large", ["body"],
                               f"the body ({int(declared)} bytes) is larger than the limit "
                               f"of {limits.max_bytes} bytes")
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limits.max_bytes:
                raise BadInput(413, "payload_too_large", ["body"],
                               f"the body is larger than the limit of {limits.max_bytes} bytes")
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)


# -- unknown query parameters ---------------------------------------------------------------
_QUERY_NAMES: dict[int, frozenset[str]] = {}


def _query_names(route: APIRoute) -> frozenset[str]:
    names = _QUERY_NAMES.get(id(route))
    if names is None:
        found: set[str] = set()
        todo = [route.dependant]
        while todo:
            dependant = todo.pop()
            found |= {p.alias for p in dependant.query_params}
            todo.extend(dependant.dependencies)
        names = _QUERY_NAMES[id(route)] = frozenset(found)
    return names


async def refuse_unknown_query(request: Request) -> None:
    """An app-wide dependency: a query parameter the route does not take is a 422, as an
    unknown body field is (a typo such as ``?ofset=`` would otherwise be silently ignored)."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute) or not request.query_params:
        return
    known = _query_names(route)
    unknown = [name for name in request.query_params if name not in known]
    if unknown:
        raise RequestValidationError([
            {"loc": ("query", name), "msg": "is not a parameter of this route",
             "type": "extra_forbidden"} for name in unknown])
