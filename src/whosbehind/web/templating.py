"""The templates' helpers: numbers as people read them, and links to citations and pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from urllib.parse import quote, urlencode

from fastapi.templating import Jinja2Templates

from whosbehind import format_cell


def cell(value: object, kind: str | None = None) -> str:
    return format_cell(value, kind)  # type: ignore[arg-type]


def money(value: Decimal | int | float | None) -> str:
    return "" if value is None else f"{Decimal(str(value)):,.2f}"


def percent(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.1f}%"


def path_part(text: object) -> str:
    return quote(str(text), safe="")


def query(params: dict[str, object], **changes: object) -> str:
    """The query string of ``params`` with ``changes`` (None removes a key)."""
    merged = {**params, **changes}
    return urlencode({k: v for k, v in merged.items() if v not in (None, "")})


def date_text(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    return value.date().isoformat() if isinstance(value, dt.datetime) else value.isoformat()


def setup_templates(templates: Jinja2Templates) -> Jinja2Templates:
    env = templates.env
    env.filters.update(cell=cell, money=money, percent=percent, q=path_part, date=date_text)
    env.globals.update(query=query)
    env.autoescape = True
    return templates
