"""``whosbehind resolve``, ``whosbehind org NAME|ID`` and ``whosbehind org explain A B``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from whosbehind.cli.context import open_store
from whosbehind.cli.judgement_commands import JudgementsFile, judgements_path
from whosbehind.cli.render import Wide, console, print_json, set_wide, table
from whosbehind.errors import NotFoundError, SourceError, UsageError
from whosbehind.model.timeutil import now_utc, parse_user_instant
from whosbehind.pipeline.ingest_sec import ingest_sec
from whosbehind.resolve.explain import Explanation, explain
from whosbehind.resolve.org_view import OrgView, org_view
from whosbehind.resolve.registry import (
    lookup,
    org_names,
    ownership_edges,
    require_registry,
    run_resolve,
)
from whosbehind.sources.sec.metadata import FILE_NAMES
from whosbehind.store.engine import Engine

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
        if sec:
            _ingest_sec(engine, sec)
        summary = run_resolve(
            engine, judgements_path=judgements_path(context, judgements), full=full
        )
    if as_json:
        print_json(summary.to_json())
        return
    table(
        f"Resolve run {summary.run}" + (" (full)" if summary.full else ""),
        ["measure", "count"],
        [(name, value) for name, value in summary.to_json().items() if name not in ("run", "full")],
    )


def _ingest_sec(engine: Engine, folder: Path) -> None:
    """The SEC files become snapshots in the store, from which resolve reads them."""
    ingested = ingest_sec(engine, str(folder))
    if ingested.found_nothing:
        expected = " or ".join(FILE_NAMES.values())
        raise SourceError(f"{folder}: no SEC company file here (expected {expected})")
    if ingested.errors:
        raise SourceError(ingested.errors[0])


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
    as_of: Annotated[
        str | None,
        typer.Option(help="Valid time: parents and subsidiaries on this date. Default: today."),
    ] = None,
    wide: Wide = False,
    as_json: Json = False,
) -> None:
    """One organization: names, identifiers, parents and subsidiaries, citations.

    Names seen (with sources and dates), identifiers, parent chain and subsidiaries as of a
    date. `whosbehind org explain A B` says why two references are, or are not, one
    organization.
    """
    set_wide(wide)
    if refs and refs[0] == "explain":
        if len(refs) != 3:
            raise UsageError("usage: whosbehind org explain A B (two references)")
        with open_store(context) as engine:
            result = explain(engine, refs[1], refs[2])
        _print_explanation(result, as_json)
        return
    if len(refs) != 1:
        raise UsageError("give one name or id (quote a name with spaces), or: explain A B")
    on = parse_user_instant(as_of).date() if as_of else now_utc().date()
    with open_store(context) as engine:
        require_registry(engine)
        found = lookup(engine, refs[0])
        if not found:
            raise NotFoundError(
                f"no organization matches {refs[0]!r} (try part of a name, duns:..., uei:..., "
                "or an org id)"
            )
        if len(found) > 1:
            _print_matches(engine, refs[0], found, as_json)
            return
        edges = ownership_edges(engine)
        view = org_view(engine, found[0], on, edges)
    if as_json:
        print_json(view.to_json())
        return
    _print_view(view)


def _print_matches(engine: Engine, text: str, found: list[str], as_json: bool) -> None:
    names = org_names(engine, found)
    if as_json:
        print_json({"query": text, "matches": [{"org_id": o, "name": names[o]} for o in found]})
        return
    table(
        f"{len(found)} organizations match {text!r}; ask for one by id",
        ["org_id", "name"],
        [(org, names[org]) for org in found],
    )


def _print_view(view: OrgView) -> None:
    out = console()
    out.print(f"{view.name}  [{view.org_id}]  as of {view.as_of}", markup=False, highlight=False)
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
            f"Subsidiaries on {view.as_of}",
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
