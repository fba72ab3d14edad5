"""What every page shares: its template rendered with the data version, the query parameters
(all state is in the URL) and the date control."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from whosbehind import Document, NotFoundError, UsageError
from whosbehind.web.downloads import FORMATS, table_response
from whosbehind.web.provider import StoreProvider
from whosbehind.web.tables import Table, raw_rows


@dataclass
class DateField:
    name: str
    label: str
    value: object


@dataclass
class DateControl:
    """A GET form: the date fields shown, every other parameter kept as a hidden field."""

    fields: list[DateField]
    keep: dict[str, object] = field(default_factory=dict)


def date_control(request: Request, *fields: tuple[str, str]) -> DateControl:
    params = dict(request.query_params)
    names = {name for name, _ in fields}
    return DateControl(
        [DateField(name, label, params.get(name)) for name, label in fields],
        {k: v for k, v in params.items() if k not in names},
    )


def render(request: Request, template: str, title: str, **context: Any) -> HTMLResponse:
    store: StoreProvider = request.app.state.store
    response: HTMLResponse = request.app.state.templates.TemplateResponse(
        request,
        template,
        {
            "page_title": title,
            "version": store.version().to_json(),
            "params": dict(request.query_params),
            **context,
        },
    )
    return response


def footnotes(document: Document) -> dict[str, Any]:
    """The numbering of a document's citations, in the order of first use."""
    order = document.used_citations()
    return {"footnotes": {key: i for i, key in enumerate(order, 1)}, "footnote_order": order}


def tables_page(
    request: Request, template: str, title: str, tables: list[Table], **context: Any
) -> Response:
    """The page, or with ``?download=KEY&format=csv|json`` one of its tables as a file."""
    key = request.query_params.get("download")
    if not key:
        return render(request, template, title, tables=tables, **context)
    fmt = request.query_params.get("format", "csv")
    if fmt not in FORMATS:
        raise UsageError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    for table in tables:
        if table.key == key:
            return table_response(key, table.columns, raw_rows(table), fmt)
    raise NotFoundError(
        f"no table {key!r} on this page; its tables: {', '.join(t.key for t in tables)}"
    )
