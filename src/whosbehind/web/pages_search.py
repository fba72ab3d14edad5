"""The home page and the search results page (a plain GET form: works without script)."""

from __future__ import annotations

from collections.abc import Callable
from itertools import groupby
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from whosbehind import SEARCH_KINDS
from whosbehind.web.deps import AsOf, ContractsAsOf, Store
from whosbehind.web.pages import date_control, render
from whosbehind.web.search import find_hits

router = APIRouter(include_in_schema=False)


DATES = (("as_of", "Cloud and ownership as of"), ("contracts_as_of", "Contracts as recorded on"))


def dated(request: Request) -> Callable[[str], str]:
    """A result's link with the page's dates, so that it opens as of the date chosen."""
    keep = {name: value for name, _ in DATES if (value := request.query_params.get(name))}

    def link(url: str) -> str:
        return f"{url}{'&' if '?' in url else '?'}{urlencode(keep)}" if keep else url

    return link


@router.get("/", response_class=HTMLResponse)
def home(
    request: Request, as_of: AsOf = None, contracts_as_of: ContractsAsOf = None
) -> HTMLResponse:
    control = date_control(request, *DATES)
    return render(
        request,
        "search.html",
        "Search",
        q="",
        groups=[],
        date_control=control,
        dated=dated(request),
    )


@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request,
    engine: Store,
    q: Annotated[str, Query(max_length=200)] = "",
    as_of: AsOf = None,
    contracts_as_of: ContractsAsOf = None,
) -> HTMLResponse:
    ranked = find_hits(request, engine, q, 25) if q.strip() else []
    hits = sorted(ranked, key=lambda hit: SEARCH_KINDS.index(hit.kind))  # grouped, best first
    groups = [(kind, list(found)) for kind, found in groupby(hits, key=lambda h: h.kind)]
    return render(
        request,
        "search.html",
        f"Search: {q}" if q else "Search",
        q=q,
        groups=groups,
        date_control=date_control(request, *DATES),
        dated=dated(request),
    )
