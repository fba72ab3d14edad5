"""A report ``Document`` as Markdown: every row and note ends with footnotes labelled by citation
id (``[^c1a2b3...]``), and the document ends with its sources: feed, locator, record time, sha256.
"""

from __future__ import annotations

from whosbehind.analysis.reports.sections import Document, Note, Section


def _md(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _md_refs(ids: list[str]) -> str:
    return "".join(f"[^{key}]" for key in ids)


def _md_note(note: Note) -> str:
    return _md(note.text) + (" " + _md_refs(note.citations) if note.citations else "")


def markdown(document: Document) -> str:
    """The document as Markdown: tables per section, footnotes by citation id, sources."""
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
