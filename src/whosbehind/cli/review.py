"""``whosbehind review``: decide the uncertain pairs in the terminal, one judgement per answer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

import whosbehind as wb
from whosbehind.cli.context import open_store
from whosbehind.cli.judgement_commands import Author, JudgementsFile, author_of, judgements_path
from whosbehind.cli.render import console

if TYPE_CHECKING:
    from rich.table import Table

    from whosbehind import CandidatePair, OrgRecord


def review(
    context: typer.Context,
    judgements: JudgementsFile = None,
    top: Annotated[
        int | None, typer.Option(help="Ask about at most this many pairs, most probable first.")
    ] = None,
    author: Author = None,
) -> None:
    """Decide the pairs the matcher left uncertain: accept, reject or skip each.

    Each answer is appended to the judgements file at once; pairs already judged are not asked.
    """
    if top is not None and top < 1:
        raise wb.UsageError("--top must be at least 1")
    path = judgements_path(context, judgements)
    with open_store(context) as engine:
        pairs = wb.uncertain_pairs(engine)
    out = console()
    total = len(pairs)
    pending = wb.undecided_pairs(pairs, judgements=path)
    if top is not None:
        pending = min(pending, top)
    shown = 0

    def ask(pair: CandidatePair) -> str:
        nonlocal shown
        shown += 1
        out.print(_pair_table(pair, f"Uncertain pair {shown} of {pending}"))
        while True:
            try:
                text = typer.prompt(wb.REVIEW_PROMPT, default="s", show_default=False)
            except typer.Abort:
                out.print()
                return "quit"  # Ctrl-C or end of input: stop, keeping what was written
            try:
                return wb.review_answer(text)
            except wb.UsageError as error:
                out.print(str(error), markup=False, highlight=False)

    summary = wb.review_pairs(pairs, ask, judgements=path, author=author_of(author), limit=top)
    out.print(
        f"{summary.accepted} accepted, {summary.rejected} rejected, {summary.skipped} skipped, "
        f"{summary.already_judged} already judged, of {total} uncertain pairs; "
        f"judgements in {path}",
        highlight=False,
        soft_wrap=True,
    )


def _pair_table(pair: CandidatePair, heading: str) -> Table:
    from rich.table import Table
    from rich.text import Text

    view = Table(
        title=f"{heading}: matcher probability {pair.probability:.3f}",
        title_justify="left",
        caption=Text(pair.detail),
        caption_justify="left",
    )
    view.add_column("", style="bold")
    view.add_column("left", overflow="fold")
    view.add_column("right", overflow="fold")
    left, right = _fields(pair.left), _fields(pair.right)
    for label in left:
        if left[label] or right[label]:
            # Text, not str: names like "ACME [US]" must not be read as Rich markup
            view.add_row(label, Text(left[label]), Text(right[label]))
    return view


def _fields(record: OrgRecord) -> dict[str, str]:
    place = ", ".join(p for p in (record.city, record.state, record.country) if p)
    parent = " ".join(p for p in (record.parent_name, record.parent_duns, record.parent_uei) if p)
    return {
        "name": record.name,
        "uei": record.uei or "",
        "duns": record.duns or "",
        "cik": record.cik or "",
        "cage": record.cage or "",
        "city, state": place,
        "reported parent": parent,
        "source": record.source,
        "first seen": record.first_seen.isoformat() if record.first_seen else "",
        "last seen": record.last_seen.isoformat() if record.last_seen else "",
        "cited": record.citation,
    }


def register(app: typer.Typer) -> None:
    app.command("review")(review)
