"""``whosbehind resolve``, ``whosbehind org NAME|ID`` and ``whosbehind org explain A B``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

import whosbehind as wb
from whosbehind.cli.context import open_store
from whosbehind.cli.judgement_commands import JudgementsFile
from whosbehind.cli.render import Wide, console, print_json, set_wide, table

if TYPE_CHECKING:
    from whosbehind import Explanation, OrgMatches, OrgView

Json = Annotated[bool, typer.Option("--json", help="Print JSON.")]
_SHOWN_NAMES = 40


def register(app: typer.Typer) -> None:
    app.command("resolve")(resolve_command)
    app.command("org")(org_command)


def resolve_command(
    context: typer.Context,
    full: Annotated[
        bool, typer.Option("--full", help="Rematch every record, not only the new ones.")
    ] = False,
    judgements: JudgementsFile = None,
    sec: Annotated[
        Path | None,
        typer.Option(
            help="Folder with SEC company_tickers*.json: ingest it first (as `ingest sec` "
            "does), adding every SEC registrant (CIK, name)."
        ),
    ] = None,
    as_json: Json = False,
) -> None:
    """Resolve the store's org records into organizations with stable ids.

    The records: contract recipients and their reported parents, FedRAMP providers, SEC
    registrants, and the judgements file.
    """
    with open_store(context, read_only=False) as engine:
        summary = wb.resolve_organizations(engine, judgements=judgements, full=full, sec=sec)
    if as_json:
        print_json(summary.to_json())
        return
    table(
        f"Resolve run {summary.run}" + (" (full)" if summary.full else ""),
        ["measure", "count"],
        [(name, value) for name, value in summary.to_json().items() if name not in ("run", "full")],
    )


def org_command(
    context: typer.Context,
    refs: Annotated[
        list[str],
        typer.Argument(
            metavar="NAME|ID | explain A B",
            help="An org id, an identifier (duns:..., uei:..., cik:...), a FedRAMP provider "
            "(fedramp:<key>), a name or part of one; or `explain A B`.",
            show_default=False,
        ),
    ],
    valid_at: Annotated[
        str | None,
        typer.Option(help="Valid time: parents and subsidiaries on this date. Default: today."),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            help="Record time: not kept for organizations (the registry is the newest "
            "`whosbehind resolve`), so refused; --valid-at dates parents and subsidiaries."
        ),
    ] = None,
    wide: Wide = False,
    as_json: Json = False,
) -> None:
    """One organization: names, identifiers, parents and subsidiaries, citations.

    Names seen (with sources and dates), identifiers, parent chain and subsidiaries on a date
    (--valid-at). `whosbehind org explain A B` says why two references are, or are not, one
    organization.
    """
    set_wide(wide)
    if as_of is not None:
        raise wb.UsageError(
            "org has no record time (the registry is the newest `whosbehind resolve`); "
            "use --valid-at for parents and subsidiaries on a date"
        )
    if refs and refs[0] == "explain":
        if len(refs) != 3:
            raise wb.UsageError("usage: whosbehind org explain A B (two references)")
        with open_store(context) as engine:
            result = wb.explain_orgs(engine, refs[1], refs[2])
        _print_explanation(result, as_json)
        return
    if len(refs) != 1:
        raise wb.UsageError("give one name or id (quote a name with spaces), or: explain A B")
    with open_store(context) as engine:
        view = wb.org(engine, refs[0], valid_at=valid_at)
    if isinstance(view, wb.OrgMatches):
        _print_matches(view, as_json)
        return
    if as_json:
        print_json(view.to_json())
        return
    _print_view(view)


def _print_matches(found: OrgMatches, as_json: bool) -> None:
    if as_json:
        print_json(found.to_json())
        return
    table(
        f"{len(found.matches)} organizations match {found.query!r}; ask for one by id",
        ["org_id", "name"],
        [(match.org_id, match.name) for match in found.matches],
    )


def _print_view(view: OrgView) -> None:
    out = console()
    out.print(f"{view.name}  [{view.org_id}]  on {view.valid_at}", markup=False, highlight=False)
    if view.aliases:
        out.print(f"merged ids: {', '.join(view.aliases)}", highlight=False)
    ids = "; ".join(f"{scheme}: {', '.join(values)}" for scheme, values in view.identifiers.items())
    out.print(f"identifiers: {ids or 'none'}", markup=False, highlight=False)
    chain = " -> ".join(f"{link.name} [{link.org_id}]" for link in view.parents)
    out.print(f"parent chain: {chain or 'none (no parent on this date)'}", markup=False,
              highlight=False)  # fmt: skip
    table(
        "Names seen",
        ["name", "source", "first seen", "last seen", "citation"],
        [
            (n.name, n.source, n.first_seen, n.last_seen, n.citation)
            for n in view.names[:_SHOWN_NAMES]
        ],
        caption=f"{len(view.names) - _SHOWN_NAMES} more names (--json lists all)"
        if len(view.names) > _SHOWN_NAMES
        else "",
    )
    if view.parents:
        table(
            "Parents",
            ["parent", "org_id", "from", "until", "basis", "evidence"],
            [(p.name, p.org_id, p.valid_from, p.valid_to, p.basis, p.detail) for p in view.parents],
        )
    if view.subsidiaries:
        table(
            f"Subsidiaries on {view.valid_at}",
            ["subsidiary", "org_id", "from", "until", "basis", "evidence"],
            [
                (s.name, s.org_id, s.valid_from, s.valid_to, s.basis, s.detail)
                for s in view.subsidiaries
            ],
        )


def _print_explanation(result: Explanation, as_json: bool) -> None:
    if as_json:
        print_json(result.to_json())
        return
    out = console()
    if result.same:
        out.print(
            f"{result.a!r} and {result.b!r} are one organization ({result.org_id}):",
            markup=False,
            highlight=False,
        )
        for step in result.chain:
            out.print(
                f"  {step.left_name!r} ~ {step.right_name!r}: {step.kind} ({step.detail})"
                + (f" [{step.source}]" if step.source else ""),
                markup=False,
                highlight=False,
            )
            out.print(f"      {step.left_citation}\n      {step.right_citation}",
                      markup=False, highlight=False)  # fmt: skip
        return
    out.print(
        f"{result.a!r} ({', '.join(result.a_orgs)}) and {result.b!r} "
        f"({', '.join(result.b_orgs)}) are not one organization:",
        markup=False,
        highlight=False,
    )
    for reason in result.reasons:
        out.print(f"  - {reason}", markup=False, highlight=False)
