"""A report ``Document`` as one HTML page: every row and note links to a numbered list of
sources whose items carry the citation id as their ``id`` (feed, locator, record time, sha256).
"""

from __future__ import annotations

import html

from whosbehind.analysis.reports.sections import Document, Note

_STYLE = (
    "body{font-family:sans-serif;max-width:80rem;margin:2rem auto;padding:0 1rem}"
    "table{border-collapse:collapse;margin:.5rem 0 1rem}"
    "td,th{border:1px solid #ccc;padding:.2rem .4rem;text-align:left;vertical-align:top}"
    "sup a{text-decoration:none}.sources li{font-size:.85rem;word-break:break-all}"
)


def html_page(document: Document) -> str:
    """The document as one self-contained HTML page (inline style, numbered sources)."""
    numbers = {key: i for i, key in enumerate(document.used_citations(), 1)}

    def refs(ids: list[str]) -> str:
        return "".join(
            f'<sup><a href="#{key}">[{numbers[key]}]</a></sup>' for key in ids if key in numbers
        )

    def note(item: Note) -> str:
        return html.escape(item.text) + refs(item.citations)

    e = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{e(document.title)}</title>",
        f"<style>{_STYLE}</style>",
        "</head>",
        "<body>",
        f"<h1>{e(document.title)}</h1>",
        "<ul>",
        *(f"<li>{note(item)}</li>" for item in document.facts),
        "</ul>",
    ]
    for section in document.sections:
        parts.append(f'<h2 id="{e(section.key)}">{e(section.title)}</h2>')
        if section.rows:
            parts.append("<table>")
            header = "".join(f"<th>{e(c)}</th>" for c in [*section.columns, "sources"])
            parts.append(f"<thead><tr>{header}</tr></thead>")
            parts.append("<tbody>")
            for row in section.rows:
                cells = "".join(f"<td>{e(cell)}</td>" for cell in section.shown(row))
                parts.append(f"<tr>{cells}<td>{refs(row.citations)}</td></tr>")
            parts += ["</tbody>", "</table>"]
        else:
            parts.append(f"<p><em>{e(section.empty)}</em></p>")
        parts += [f"<p>{note(item)}</p>" for item in section.notes]
    parts += ['<h2 id="coverage">Coverage notes</h2>', "<ul>"]
    parts += [f"<li>{note(item)}</li>" for item in document.coverage]
    parts += ["</ul>", '<h2 id="sources">Sources</h2>', '<ol class="sources">']
    for key in numbers:
        citation = document.citations[key]
        parts.append(
            f'<li id="{key}"><code>{key}</code> {e(citation.source)}, '
            f"<code>{e(citation.where)}</code>, record time "
            f"{e(citation.record_time.isoformat())}, sha256 <code>{citation.content_hash}</code>"
            "</li>"
        )
    parts += ["</ol>", "</body>", "</html>"]
    return "\n".join(parts) + "\n"
