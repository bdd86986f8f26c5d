"""Domain errors to HTTP, in one place.  Every error answer has the same shape:
``{"code", "message", "detail": [{"loc": [...], "msg": ...}]}``."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from creditline.errors import BusinessRuleViolation, CreditlineError


def _loc(loc: Any) -> list[Any]:
    parts = list(loc)
    return parts[1:] if parts and parts[0] in ("body", "query", "path", "header") else parts


def install(app: FastAPI) -> None:
    @app.exception_handler(CreditlineError)
    async def _domain(_: Request, exc: CreditlineError) -> JSONResponse:
        body: dict[str, Any] = {"code": exc.code, "message": exc.message, "detail": exc.details}
        if isinstance(exc, BusinessRuleViolation):
            body["reason"] = exc.reason
        headers = {"WWW-Authenticate": "Bearer"} if exc.http_status == 401 else None
        return JSONResponse(body, status_code=exc.http_status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        detail = []
        for e in exc.errors():
            msg = str(e.get("msg", "invalid"))
            msg = msg.removeprefix("Value error, ")
            detail.append({"loc": _loc(e.get("loc", ())), "msg": msg, "type": e.get("type")})
        message = "; ".join(".".join(str(p) for p in d["loc"]) + ": " + d["msg"] for d in detail)
        return JSONResponse({"code": "validation_error", "message": message, "detail": detail},
                            status_code=422)
