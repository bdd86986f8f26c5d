"""``/docs`` served from the package, so it works without internet.

FastAPI's own page loads Swagger UI from a CDN and is blank offline.  The Swagger UI dist
files come with the ``swagger-ui-bundle-v2`` package (Swagger UI 5, which reads the OpenAPI
3.1 that FastAPI writes); they are served under ``/docs/static``.  ReDoc is not shipped by
any such package here, so ``/redoc`` is off rather than blank."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse
from starlette.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path  # type: ignore[import-untyped]

DOCS_URL = "/docs"
STATIC_URL = "/docs/static"


def install(app: FastAPI) -> None:
    """Serve the Swagger UI assets and a ``/docs`` page that points at them."""
    if app.openapi_url is None:
        return
    app.mount(STATIC_URL, StaticFiles(directory=str(swagger_ui_path)), name="swagger-ui")
    openapi_url = app.openapi_url
    redirect_url = f"{DOCS_URL}/oauth2-redirect"

    @app.get(DOCS_URL, include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "").rstrip("/")
        return get_swagger_ui_html(
            openapi_url=root + openapi_url, title=f"{app.title} - API docs",
            swagger_js_url=f"{root}{STATIC_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{STATIC_URL}/swagger-ui.css",
            swagger_favicon_url=f"{root}{STATIC_URL}/favicon-32x32.png",
            oauth2_redirect_url=root + redirect_url)

    @app.get(redirect_url, include_in_schema=False)
    async def swagger_ui_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()
