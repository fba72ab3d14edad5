"""A report ``Document`` on the terminal (a table per section, with numbered sources), or
written as Markdown or HTML by the library's writers (``whosbehind.render_report``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from whosbehind import Citation, Document, ReportFormat, render_report
from whosbehind.cli.render import console, new_table, show

if TYPE_CHECKING:
    from rich.console import Console

FORMATS = tuple(f.value for f in ReportFormat)


def write_or_print(document: Document, fmt: str, out: Path | None) -> None:
    if fmt == "table":
        from rich.console import Console

        target = Console(file=out.open("w"), width=200) if out else console()
        try:
            print_table(document, target)
        finally:
            if out:
                target.file.close()
        return
    text = render_report(document, format=ReportFormat(fmt))
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
