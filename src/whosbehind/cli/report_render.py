"""A report ``Document`` as a terminal table, Markdown or HTML, with numbered sources.

Every row and note ends with its sources. In Markdown they are footnotes labelled by citation
id (``[^c1a2b3...]``), in HTML links to a numbered list whose items carry the citation id as
their ``id``; both end with the list of sources: source feed, locator, record time, sha256.
"""

from __future__ import annotations

import html
from pathlib import Path

from rich.console import Console

from whosbehind.analysis.reports.sections import Document, Note, Section
from whosbehind.cli.render import console, new_table, show
from whosbehind.errors import UsageError
from whosbehind.model.citation import Citation

FORMATS = ("table", "markdown", "html")


def render(document: Document, fmt: str) -> str:
    if fmt == "markdown":
        return markdown(document)
    if fmt == "html":
        return html_page(document)
    raise UsageError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


def write_or_print(document: Document, fmt: str, out: Path | None) -> None:
    if fmt == "table":
        target = Console(file=out.open("w"), width=200) if out else console()
        try:
            print_table(document, target)
        finally:
            if out:
                target.file.close()
        return
    text = render(document, fmt)
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text)
    else:
        console().file.write(text)


# --- terminal ---------------------------------------------------------------------------------


def print_table(document: Document, out: Console) -> None:
    numbers = {key: i for i, key in enumerate(document.used_citations(), 1)}

    def refs(ids: list[str]) -> str:
        return _compact([numbers[key] for key in ids if key in numbers])

    out.print(document.title, style="bold", highlight=False)
    for note in document.facts:
        out.print(
            f"  {note.text}" + (f"  [{refs(note.citations)}]" if note.citations else ""),
            highlight=False,
            markup=False,
        )
    for section in document.sections:
        rows = [[*section.shown(row), refs(row.citations)] for row in section.rows]
        show(out, new_table(section.title, [*section.columns, "sources"], rows, out.width))
        if not section.rows:
            out.print(f"  ({section.empty})", highlight=False)
        for note in section.notes:
            out.print(f"  {note.text} [{refs(note.citations)}]", highlight=False, markup=False)
    out.print("Coverage notes", style="bold")
    for note in document.coverage:
        suffix = f" [{refs(note.citations)}]" if note.citations else ""
        out.print(f"  - {note.text}{suffix}", highlight=False, markup=False, soft_wrap=True)
    out.print("Sources", style="bold")
    for key, number in numbers.items():
        out.print(f"  [{number}] {_source(document.citations[key])}", highlight=False, markup=False)


def _compact(numbers: list[int]) -> str:
    """1,2,3,5 -> "1-3,5"."""
    ranges: list[list[int]] = []
    for number in sorted(set(numbers)):
        if ranges and ranges[-1][1] == number - 1:
            ranges[-1][1] = number
        else:
            ranges.append([number, number])
    return ",".join(str(a) if a == b else f"{a}-{b}" for a, b in ranges)


def _source(citation: Citation) -> str:
    return (
        f"{citation.id} {citation.source} {citation.where} "
        f"(record time {citation.record_time.isoformat()}, sha256 {citation.content_hash})"
    )


# --- Markdown ---------------------------------------------------------------------------------


def _md(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _md_refs(ids: list[str]) -> str:
    return "".join(f"[^{key}]" for key in ids)


def _md_note(note: Note) -> str:
    return _md(note.text) + (" " + _md_refs(note.citations) if note.citations else "")


def markdown(document: Document) -> str:
    lines = [f"# {_md(document.title)}", ""]
    lines += [f"- {_md_note(note)}" for note in document.facts]
    for section in document.sections:
        lines += ["", f"## {_md(section.title)}", ""]
        lines += _md_table(section)
        lines += [f"{_md_note(note)}" for note in section.notes]
    lines += ["", "## Coverage notes", ""]
    lines += [f"- {_md_note(note)}" for note in document.coverage]
    lines += ["", "## Sources", ""]
    for key in document.used_citations():
        citation = document.citations[key]
        lines.append(
            f"[^{key}]: `{key}` {_md(citation.source)}, `{_md(citation.where)}`, record time "
            f"{citation.record_time.isoformat()}, sha256 `{citation.content_hash}`"
        )
    return "\n".join(lines) + "\n"


def _md_table(section: Section) -> list[str]:
    if not section.rows:
        return [f"_{section.empty}_", ""]
    header = [*section.columns, "sources"]
    lines = ["| " + " | ".join(_md(c) for c in header) + " |", "|" + "---|" * len(header)]
    for row in section.rows:
        cells = [_md(cell) for cell in section.shown(row)] + [_md_refs(row.citations)]
        lines.append("| " + " | ".join(cells) + " |")
    return [*lines, ""]


# --- HTML -------------------------------------------------------------------------------------

_STYLE = (
    "body{font-family:sans-serif;max-width:80rem;margin:2rem auto;padding:0 1rem}"
    "table{border-collapse:collapse;margin:.5rem 0 1rem}"
    "td,th{border:1px solid #ccc;padding:.2rem .4rem;text-align:left;vertical-align:top}"
    "sup a{text-decoration:none}.sources li{font-size:.85rem;word-break:break-all}"
)


def html_page(document: Document) -> str:
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
