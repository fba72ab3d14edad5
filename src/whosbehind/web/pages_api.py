"""The API's documentation as a page of the app itself (``/docs``): every route of the OpenAPI
schema with its parameters and answers, drawn on the server from ``/openapi.json``. FastAPI's
own Swagger and ReDoc pages load their scripts from a CDN, which breaks offline, so the app
does not serve them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from whosbehind.web.pages import render

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    where: str
    required: bool
    type: str
    description: str


@dataclass(frozen=True, slots=True)
class Operation:
    method: str
    path: str
    summary: str
    tag: str
    parameters: list[Parameter]
    answers: list[tuple[str, str]]  # status, description


def _type(schema: dict[str, Any]) -> str:
    if "enum" in schema:
        return " | ".join(str(v) for v in schema["enum"])
    if "anyOf" in schema:
        return " or ".join(_type(s) for s in schema["anyOf"] if s.get("type") != "null")
    if schema.get("type") == "array":
        return f"list of {_type(schema.get('items', {}))}"
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    kind = str(schema.get("type", ""))
    limits = [
        f"{word} {schema[key]}"
        for key, word in (("minimum", "≥"), ("maximum", "≤"), ("maxLength", "length ≤"))
        if key in schema
    ]
    shown = schema.get("format", kind)
    return f"{shown} ({', '.join(limits)})" if limits else str(shown)


def operations(schema: dict[str, Any]) -> list[Operation]:
    found = []
    for path, methods in schema.get("paths", {}).items():
        for method, spec in methods.items():
            parameters = [
                Parameter(
                    p["name"],
                    p["in"],
                    bool(p.get("required")),
                    _type(p.get("schema", {})),
                    p.get("description") or p.get("schema", {}).get("description", ""),
                )
                for p in spec.get("parameters", [])
            ]
            answers = [(code, r.get("description", "")) for code, r in spec["responses"].items()]
            tags = spec.get("tags") or ["other"]
            found.append(
                Operation(
                    method.upper(), path, spec.get("summary", ""), tags[0], parameters, answers
                )
            )
    return found


@router.get("/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> HTMLResponse:
    schema = request.app.openapi()
    return render(
        request,
        "api_docs.html",
        "The JSON API",
        description=schema["info"].get("description", ""),
        operations=operations(schema),
    )
