"""The app factory: ``create_app(store)`` wires the API, the pages, the static files and the
problem handlers over a ``StoreProvider``. No route writes: every route is GET (and HEAD),
except the reconciliation service, which the OpenRefine protocol lets POST its queries."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from whosbehind import __version__
from whosbehind.web import (
    api_fedramp,
    api_graph,
    api_reconcile,
    api_reports,
    api_search,
    pages_api,
    pages_fedramp,
    pages_graph,
    pages_market,
    pages_reports,
    pages_search,
    problems,
)
from whosbehind.web.cache import AnswerCache
from whosbehind.web.provider import StoreProvider
from whosbehind.web.response_cache import ResponseCache
from whosbehind.web.templating import setup_templates

HERE = Path(__file__).parent


def create_app(store: StoreProvider) -> FastAPI:
    app = FastAPI(
        title="whosbehind",
        version=__version__,
        summary="The technology supply chain behind US agencies, from public records, cited.",
        description="Read-only. Every number carries citation ids; `/api/cite/{id}` shows the "
        "source, locator, record time, content hash and the redacted raw record.",
        responses=problems.PROBLEM_RESPONSES,
        docs_url=None,  # Swagger UI and ReDoc load their scripts from a CDN: web/pages_api.py
        redoc_url=None,
    )
    app.state.store = store
    app.state.answers = AnswerCache()
    app.state.templates = setup_templates(Jinja2Templates(directory=HERE / "templates"))
    problems.install(app)
    app.include_router(api_reconcile.router)
    for module in (api_search, api_reports, api_fedramp, api_graph):
        app.include_router(module.router, prefix="/api")
    for module in (
        pages_search,
        pages_reports,
        pages_fedramp,
        pages_market,
        pages_graph,
        pages_api,
    ):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.add_middleware(ResponseCache, store=store)
    return app
