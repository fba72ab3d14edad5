"""The OpenRefine reconciliation service: ``/reconcile`` answers the service manifest (no
parameters), a batch of ``queries`` or an ``extend`` request, by GET or by POST (a form, as
OpenRefine sends it); ``/reconcile/properties`` proposes the properties to extend with and
``/reconcile/preview`` is the small card OpenRefine shows for a candidate. Nothing is written."""

from __future__ import annotations

import json
from html import escape
from typing import Annotated, Any
from urllib.parse import parse_qs, quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from whosbehind import NotFoundError, UsageError
from whosbehind.web.cache import cached
from whosbehind.web.deps import Store
from whosbehind.web.jsonout import json_response
from whosbehind.web.orgs import org_answer
from whosbehind.web.reconcile import (
    MAX_QUERIES,
    PROPERTIES,
    TYPE,
    KeyIndex,
    extend,
    reconcile_one,
)

router = APIRouter(tags=["reconciliation"])
_MAX_BODY = 1 << 20


async def _form(request: Request) -> dict[str, str]:
    """The request's parameters: the query string, and a POSTed form (urlencoded)."""
    found = {key: value for key, value in request.query_params.items()}
    if request.method == "POST":
        body = await request.body()
        if len(body) > _MAX_BODY:
            raise UsageError("the request body is larger than 1 MB")
        for key, values in parse_qs(body.decode("utf-8", "replace")).items():
            found[key] = values[-1]
    return found


Form = Annotated[dict[str, str], Depends(_form)]


def manifest(request: Request) -> dict[str, Any]:
    base = str(request.base_url).rstrip("/")
    return {
        "versions": ["0.2"],
        "name": "whosbehind organizations",
        "identifierSpace": f"{base}/company/",
        "schemaSpace": f"{base}/reconcile/schema/",
        "defaultTypes": [TYPE],
        "view": {"url": f"{base}/company/{{{{id}}}}"},
        "preview": {"url": f"{base}/reconcile/preview?id={{{{id}}}}", "width": 420, "height": 160},
        "extend": {
            "propose_properties": {"service_url": base, "service_path": "/reconcile/properties"},
            "property_settings": [],
        },
    }


def _json_param(form: dict[str, str], name: str) -> Any:
    try:
        return json.loads(form[name])
    except json.JSONDecodeError as error:
        raise UsageError(f"'{name}' is not JSON: {error.msg} at position {error.pos}") from None


def reconcile(
    request: Request,
    engine: Store,
    form: Form,
) -> Response:
    if "queries" in form:
        queries = _json_param(form, "queries")
        if not isinstance(queries, dict) or not queries or len(queries) > MAX_QUERIES:
            raise UsageError(f"'queries' must be an object of 1 to {MAX_QUERIES} queries")
        index = cached(request, ("reconcile-keys",), lambda: KeyIndex(engine))
        answers = {}
        for key, query in queries.items():
            if not isinstance(query, dict):
                raise UsageError(f"query {key!r} is not an object")
            found = reconcile_one(engine, index, query)
            answers[str(key)] = {"result": [c.to_json() for c in found]}
        return json_response(answers)
    if "extend" in form:
        asked = _json_param(form, "extend")
        ids = asked.get("ids") if isinstance(asked, dict) else None
        props = asked.get("properties") if isinstance(asked, dict) else None
        if not isinstance(ids, list) or not isinstance(props, list) or len(ids) > MAX_QUERIES:
            raise UsageError(f"'extend' needs 'ids' (at most {MAX_QUERIES}) and 'properties'")
        names = [p.get("id") if isinstance(p, dict) else p for p in props]
        return json_response(extend(engine, [str(i) for i in ids], [str(n) for n in names]))
    return json_response(manifest(request))


# One operation per method, each with its own id: OpenAPI requires operation ids to be unique,
# and client generators name their functions after them.
for _method in ("GET", "POST"):
    router.add_api_route(
        "/reconcile",
        reconcile,
        methods=[_method],
        operation_id=f"reconcile_{_method.lower()}",
        summary="Reconciliation service: manifest, queries, extend (read-only)",
    )


@router.get("/reconcile/properties", summary="Properties an organization can be extended with")
def properties(
    type: Annotated[str, Query(max_length=100)] = "organization",
    limit: Annotated[int, Query(ge=1, le=100)] = 100,
) -> Response:
    if type != TYPE["id"]:
        raise NotFoundError(f"no type {type!r}; this service reconciles 'organization'")
    return json_response({"type": type, "properties": PROPERTIES[:limit]})


@router.get("/reconcile/preview", response_class=HTMLResponse, summary="A candidate's card")
def preview(engine: Store, id: Annotated[str, Query(min_length=1, max_length=200)]) -> HTMLResponse:
    view = org_answer(engine, id)
    if view is None:
        raise NotFoundError(f"no organization {id!r}")
    ids = "; ".join(f"{k.upper()} {', '.join(v)}" for k, v in view.identifiers.items())
    owner = (
        f"<br>owned by {escape(view.ultimate_parent_name)}"
        if view.ultimate_parent != view.org_id
        else ""
    )
    return HTMLResponse(
        f'<div style="font:13px sans-serif"><a href="/company/{quote(view.org_id, safe="")}" '
        f'target="_blank"><b>{escape(view.name)}</b></a> <code>{escape(view.org_id)}</code>'
        f"<br>{escape(ids)}{owner}<br>{len(view.names)} names seen</div>"
    )
