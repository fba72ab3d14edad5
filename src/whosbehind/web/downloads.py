"""A table as a download: CSV with a header row, or a JSON list of objects."""

from __future__ import annotations

import csv
import io
from typing import Any

from fastapi.responses import Response

from whosbehind.web.jsonout import dumps

FORMATS = ("csv", "json")


def table_response(name: str, columns: list[str], rows: list[list[Any]], fmt: str) -> Response:
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in name)
    disposition = {"Content-Disposition": f'attachment; filename="{safe}.{fmt}"'}
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(columns)
        writer.writerows([["" if v is None else _plain(v) for v in row] for row in rows])
        return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers=disposition)
    records = [dict(zip(columns, row, strict=True)) for row in rows]
    return Response(dumps(records), media_type="application/json", headers=disposition)


def _plain(value: object) -> object:
    return value.isoformat() if hasattr(value, "isoformat") else value
