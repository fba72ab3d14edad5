"""Errors as RFC 9457 problem details (``application/problem+json``: type, title, status,
detail), for every error: the library's own, bad parameters, unknown routes, and anything
unexpected, which is logged here and answered with a generic 500 (no trace reaches a client).
A browser asking for a page gets the same problem as an HTML page."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from whosbehind import (
    MissingDataError,
    NotFoundError,
    StoreError,
    UsageError,
    WhosbehindError,
)

PROBLEM_TYPE = "application/problem+json"
_log = logging.getLogger("whosbehind.web")
_STATUS: list[tuple[type[WhosbehindError], int, str]] = [
    (MissingDataError, 404, "Not loaded"),
    (NotFoundError, 404, "Not found"),
    (UsageError, 400, "Bad request"),
    (StoreError, 503, "Store unavailable"),
]


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str = ""


PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": Problem, "content": {PROBLEM_TYPE: {}}, "description": text}
    for code, text in ((400, "Bad request"), (404, "Not found"), (422, "Invalid parameters"))
}


def problem(request: Request, status: int, title: str, detail: str) -> Response:
    body = Problem(type=f"/problems/{status}", title=title, status=status, detail=detail)
    if _wants_html(request):
        templates = request.app.state.templates
        return templates.TemplateResponse(  # type: ignore[no-any-return]
            request, "problem.html", {"problem": body, "page_title": title}, status_code=status
        )
    return JSONResponse(body.model_dump(), status_code=status, media_type=PROBLEM_TYPE)


def _wants_html(request: Request) -> bool:
    path = request.url.path
    if path.startswith(("/api", "/reconcile", "/download", "/static")):
        return False
    return "text/html" in request.headers.get("accept", "")


def install(app: FastAPI) -> None:
    @app.exception_handler(WhosbehindError)
    async def library_error(request: Request, error: WhosbehindError) -> Response:
        for kind, status, title in _STATUS:
            if isinstance(error, kind):
                return problem(request, status, title, str(error))
        return problem(request, 400, "Cannot answer", str(error))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError) -> Response:
        parts = []
        for item in error.errors():
            where = ".".join(str(p) for p in item.get("loc", ()) if p not in ("query", "path"))
            parts.append(f"{where}: {item.get('msg', 'invalid')}")
        return problem(request, 422, "Invalid parameters", "; ".join(parts))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> Response:
        title = {404: "Not found", 405: "Method not allowed"}.get(error.status_code, "Error")
        detail = error.detail if isinstance(error.detail, str) else title
        response = problem(request, error.status_code, title, detail)
        if error.headers:
            response.headers.update(error.headers)
        return response

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> Response:
        _log.exception("unexpected error on %s", request.url.path)
        return problem(request, 500, "Internal error", "the server could not answer this request")
