"""Errors to HTTP, in one place.  Every error answer has the same shape
(``creditline.api.schemas_common.ErrorBody``):
``{"code", "message", "detail": [{"loc": [...], "msg": ...}]}`` — domain errors, validation
errors, unknown routes and methods (Starlette's 404/405), the input guard's 400/413/415
(``creditline.api.limits``) and an unexpected 500 (logged, never shown)."""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from creditline.errors import BusinessRuleViolation, CreditlineError

log = logging.getLogger("creditline.api")

HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
              405: "method_not_allowed", 409: "conflict", 413: "payload_too_large",
              415: "unsupported_media_type", 422: "validation_error", 429: "too_many_requests"}


def _loc(loc: Any) -> list[Any]:
    parts = list(loc)
    return parts[1:] if parts and parts[0] in ("body", "query", "path", "header") else parts


def error_body(code: str, message: str, detail: list[dict[str, Any]] | None = None,
               **extra: Any) -> dict[str, Any]:
    return {"code": code, "message": message, "detail": detail or [], **extra}


def error_response(status: int, code: str, message: str,
                   detail: list[dict[str, Any]] | None = None,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(error_body(code, message, detail), status_code=status, headers=headers)


def _clean(value: Any) -> Any:
    """Error details echo input; make sure what we echo can be encoded (no lone surrogates)."""
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def install(app: FastAPI) -> None:
    @app.exception_handler(CreditlineError)
    async def _domain(_: Request, exc: CreditlineError) -> JSONResponse:
        body = error_body(exc.code, exc.message, exc.details)
        if isinstance(exc, BusinessRuleViolation):
            body["reason"] = exc.reason
        headers = {"WWW-Authenticate": "Bearer"} if exc.http_status == 401 else None
        return JSONResponse(_clean_body(body), status_code=exc.http_status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        detail = []
        for e in exc.errors():
            msg = str(e.get("msg", "invalid"))
            msg = msg.removeprefix("Value error, ")
            detail.append({"loc": _clean(_loc(e.get("loc", ()))), "msg": _clean(msg),
                           "type": e.get("type")})
        message = "; ".join(".".join(str(p) for p in d["loc"]) + ": " + d["msg"] for d in detail)
        return JSONResponse(error_body("validation_error", message, detail), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        status = exc.status_code
        code = HTTP_CODES.get(status, "error")
        if status == 404:
            message = f"no route {request.url.path}" if exc.detail == "Not Found" \
                else str(exc.detail)
        elif status == 405:
            message = f"{request.method} is not allowed on {request.url.path}"
        else:
            message = str(exc.detail)
        return JSONResponse(error_body(code, _clean(message)), status_code=status,
                            headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return JSONResponse(error_body("internal_error", "an unexpected error; the server log "
                                       "has the details"), status_code=500)


def _clean_body(body: dict[str, Any]) -> dict[str, Any]:
    out = dict(body)
    out["message"] = _clean(body["message"])
    out["detail"] = [{k: _clean(v) for k, v in d.items()} for d in body.get("detail") or []]
    return out


# -- documentation -------------------------------------------------------------------------
def _body_fields(op: dict[str, Any], components: dict[str, Any]) -> set[str]:
    """The top-level field names of an operation's JSON body (through refs and unions)."""
    content = op.get("requestBody", {}).get("content", {}).get("application/json", {})
    names: set[str] = set()
    todo = [content.get("schema", {})]
    while todo:
        schema = todo.pop()
        ref = schema.get("$ref", "")
        if ref.startswith("#/components/schemas/"):
            todo.append(components.get(ref.rsplit("/", 1)[1], {}))
            continue
        names |= set(schema.get("properties", {}))
        for key in ("oneOf", "anyOf", "allOf"):
            todo.extend(schema.get(key, []))
    return names


NAMES_ONE = ("_id", "_ids")  # a field that names objects by id: they may not exist


def _statuses(op: dict[str, Any], method: str, components: dict[str, Any]) -> list[int]:
    """The error statuses a route can answer, read from what it takes: every route can meet
    the input guard (400) and validation (422); a bearer route can fail authentication
    (401), authorisation (403) and throttling (429); a body can be too large (413) or not
    JSON (415); a path parameter, or an ``*_id`` / ``*_ids`` field or query parameter (a filter too:
    ``/v1/triggers?line_id=`` names a line that may not exist), names something that may not
    exist (404); a write can clash (409)."""
    codes = [400, 422]
    if op.get("security"):
        codes += [401, 403, 429]
    if "requestBody" in op:
        codes += [413, 415]
    params = op.get("parameters", [])
    if any(p.get("in") == "path" or (p.get("in") == "query" and p["name"].endswith(NAMES_ONE))
           for p in params) \
            or any(n.endswith(NAMES_ONE) for n in _body_fields(op, components)):
        codes.append(404)
    if method in ("post", "put", "patch", "delete"):
        codes.append(409)
    return sorted(codes)


def document(app: FastAPI) -> None:
    """Make ``/openapi.json`` document, on every route, each error status it can answer, all
    with the one ``ErrorBody`` shape (FastAPI's own ``HTTPValidationError`` is replaced)."""
    from creditline.api.schemas_common import ERROR_TEXT, ErrorBody

    plain_openapi = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = plain_openapi()
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        plain_components = dict(components)
        body_schema = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(body_schema.pop("$defs", {}))
        components["ErrorBody"] = body_schema
        ref = {"$ref": "#/components/schemas/ErrorBody"}
        for path in schema.get("paths", {}).values():
            for method, op in path.items():
                responses = op.setdefault("responses", {})
                for code in _statuses(op, method, components):
                    entry = responses.setdefault(str(code), {"description": ERROR_TEXT[code]})
                    entry["content"] = {"application/json": {"schema": ref}}
        for name in ("HTTPValidationError", "ValidationError"):  # FastAPI's, now unused
            components.pop(name, None)
            if f"#/components/schemas/{name}" in json.dumps(schema):
                components[name] = plain_components[name]
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
