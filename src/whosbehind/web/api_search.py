"""Search and suggestions: one box for agencies, organizations, offerings, award PIIDs and the
words of award descriptions (``web/search.py``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from whosbehind.web.deps import Store
from whosbehind.web.jsonout import json_response
from whosbehind.web.search import find_hits, suggest_hits

router = APIRouter(tags=["search"])
Text = Annotated[str, Query(min_length=1, max_length=200, description="What to look for.")]


@router.get("/search", summary="Agencies, organizations, offerings and awards matching q")
def search(
    request: Request, engine: Store, q: Text, limit: Annotated[int, Query(ge=1, le=100)] = 20
) -> Response:
    hits = find_hits(request, engine, q, limit)
    return json_response({"query": q, "results": [h.to_json() for h in hits]})


@router.get("/suggest", summary="A few matches for a search box, as the user types")
def suggest(request: Request, engine: Store, q: Text) -> Response:
    hits = suggest_hits(request, engine, q, 8)
    return json_response({"query": q, "results": [h.to_json() for h in hits]})
