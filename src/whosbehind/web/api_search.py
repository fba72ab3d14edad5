"""Search and suggestions: one box for agencies, organizations, offerings and award PIIDs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from whosbehind.web.deps import Store
from whosbehind.web.jsonout import json_response
from whosbehind.web.lookup import find

router = APIRouter(tags=["search"])
Text = Annotated[str, Query(min_length=1, max_length=200, description="What to look for.")]


@router.get("/search", summary="Agencies, organizations, offerings and awards matching q")
def search(engine: Store, q: Text, limit: Annotated[int, Query(ge=1, le=100)] = 20) -> Response:
    return json_response({"query": q, "results": [h.to_json() for h in find(engine, q, limit)]})


@router.get("/suggest", summary="A few matches for a search box, as the user types")
def suggest(engine: Store, q: Text) -> Response:
    return json_response({"query": q, "results": [h.to_json() for h in find(engine, q, 3)]})
