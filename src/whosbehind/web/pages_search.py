"""The home page and the search results page (a plain GET form: works without script)."""

from __future__ import annotations

from itertools import groupby
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from whosbehind.analysis.search import KINDS
from whosbehind.web.deps import Store
from whosbehind.web.pages import render
from whosbehind.web.search import find_hits

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    return render(request, "search.html", "Search", q="", groups=[])


@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request,
    engine: Store,
    q: Annotated[str, Query(max_length=200)] = "",
) -> HTMLResponse:
    ranked = find_hits(request, engine, q, 25) if q.strip() else []
    hits = sorted(ranked, key=lambda hit: KINDS.index(hit.kind))  # grouped, best first in each
    groups = [(kind, list(found)) for kind, found in groupby(hits, key=lambda h: h.kind)]
    return render(request, "search.html", f"Search: {q}" if q else "Search", q=q, groups=groups)
