"""``whosbehind judgements import|list|check``: the analysts' judgements file."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

import whosbehind as wb
from whosbehind.cli.choices import ImportFormatChoice, Relation
from whosbehind.cli.render import Wide, console, print_json, set_wide, table

if TYPE_CHECKING:
    from whosbehind import Judgement

app = typer.Typer(
    help="The judgements file: same, different and parent-of decisions with their sources.",
    no_args_is_help=True,
)

JudgementsFile = Annotated[
    Path | None,
    typer.Option(
        "--judgements",
        help="Judgements file. Default: $WHOSBEHIND_JUDGEMENTS, else beside the store "
        "(whosbehind.duckdb: whosbehind.judgements.tsv).",
    ),
]
Author = Annotated[str | None, typer.Option(help="Who decided. Default: $USER.")]
Json = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def judgements_path(context: typer.Context, option: Path | None) -> Path:
    if option is not None:
        return option
    return wb.judgements_file((context.find_root().obj or {}).get("db"))


def author_of(option: str | None) -> str:
    return option if option is not None else os.environ.get("USER", "")


@app.command("import")
def import_command(
    context: typer.Context,
    file: Annotated[Path, typer.Argument(help="A CSV mapping raw names or identifiers.")],
    format: Annotated[ImportFormatChoice, typer.Option(help="auto: told by the header.")] = "auto",
    from_column: Annotated[
        str | None, typer.Option(help="mapping: the column of raw names or identifiers.")
    ] = None,
    to_column: Annotated[
        str | None, typer.Option(help="mapping: the column of clean names or parents.")
    ] = None,
    relation: Annotated[
        Relation,
        typer.Option(help="mapping: same (to is the clean name) or parent-of (to owns from)."),
    ] = "same",
    source: Annotated[
        str | None, typer.Option(help="Source written with each line number. Default: file name.")
    ] = None,
    judgements: JudgementsFile = None,
    author: Author = None,
    dry_run: Annotated[bool, typer.Option(help="Count, write nothing.")] = False,
    as_json: Json = False,
) -> None:
    """Import analysts' name maps (raw name or identifier -> clean name or parent) as judgements."""
    target = judgements_path(context, judgements)
    result = wb.import_judgements(
        file,
        judgements=target,
        format=wb.ImportFormat(format),
        from_column=from_column,
        to_column=to_column,
        relation=wb.Relation(relation),
        source=source,
        author=author_of(author),
        dry_run=dry_run,
    )
    if as_json:
        print_json(result.to_json())
        return
    out = console()
    verb = "would import" if dry_run else "imported"
    by_kind = result.by_kind
    out.print(
        f"{file.name} ({result.format}): {result.rows_read} rows read, {verb} "
        f"{len(result.judgements)} judgements ({by_kind['same']} same, "
        f"{by_kind['parent-of']} parent-of) into {target}",
        highlight=False,
        soft_wrap=True,
    )
    for reason, count in result.skipped:
        out.print(f"  skipped {count}: {reason}", highlight=False, soft_wrap=True)


@app.command("list")
def list_command(
    context: typer.Context,
    judgements: JudgementsFile = None,
    wide: Wide = False,
    as_json: Json = False,
) -> None:
    """List the judgements in the file, in file order."""
    set_wide(wide)
    path = judgements_path(context, judgements)
    listed = wb.list_judgements(path)
    found = listed.judgements
    if as_json:
        print_json(listed.to_json())
        return
    table(
        f"Judgements in {path}",
        ["line", "kind", "left", "right", "valid", "source", "note", "author", "recorded"],
        (
            (
                j.line,
                j.kind,
                j.left,
                j.right,
                _span(j),
                j.source,
                j.note,
                j.author,
                j.recorded,
            )
            for j in found
        ),
        caption=f"{len(found)} judgements",
    )


@app.command("check")
def check_command(
    file: Annotated[Path, typer.Argument(help="The judgements file to validate.")],
) -> None:
    """Validate a judgements file: print every malformed line (file:line: field: reason)."""
    result = wb.check_judgements(file)
    out = console()
    for error in result.errors:
        out.print(str(error), markup=False, highlight=False, soft_wrap=True)
    out.print(
        f"{file}: {len(result.judgements)} valid judgements, {len(result.errors)} errors",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )
    if result.errors:
        raise typer.Exit(1)


def _span(judgement: Judgement) -> str:
    if judgement.valid_from is None and judgement.valid_to is None:
        return ""
    start = judgement.valid_from.isoformat() if judgement.valid_from else "…"
    end = judgement.valid_to.isoformat() if judgement.valid_to else "…"
    return f"{start} .. {end}"
