"""The docs are tested: the generated CLI reference is current, every command is documented,
the README's test command is what CI runs, and the documented examples parse."""

from __future__ import annotations

import datetime as dt
import re
import shlex
from pathlib import Path

import pytest
import typer.main

from whosbehind.cli.app import app
from whosbehind.cli.reference import render_into

ROOT = Path(__file__).resolve().parents[1]


def _commands() -> list[str]:
    found: list[str] = []

    def walk(command: object, path: list[str]) -> None:
        children = getattr(command, "commands", None)
        if children:
            for name, child in children.items():
                walk(child, [*path, name])
        else:
            found.append(" ".join(path))

    walk(typer.main.get_command(app), ["whosbehind"])
    return found


def test_cli_reference_is_current() -> None:
    text = (ROOT / "docs" / "cli.md").read_text()
    assert render_into(text) == text, "run: python3 -m whosbehind.cli.reference docs/cli.md"


def test_every_command_is_in_the_reference_and_the_readme_names_each_group() -> None:
    reference = (ROOT / "docs" / "cli.md").read_text()
    readme = (ROOT / "README.md").read_text()
    for command in _commands():
        assert f"## `{command}`" in reference
        assert command.split()[1] in readme


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text()
    test_command = re.search(r"^\s+(\./scripts/test)\s*$", readme, re.MULTILINE)
    assert test_command
    assert test_command.group(1) in (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^\s+\./scripts/quickstart\s*$", readme, re.MULTILINE)


def test_readme_examples_are_valid_invocations() -> None:
    readme = (ROOT / "README.md").read_text()
    examples = re.findall(r"^\$ (whosbehind .+?)(?:\s+#.*)?$", readme, re.MULTILINE)
    assert len(examples) >= 6
    root = typer.main.get_command(app)
    for example in examples:
        words = shlex.split(example)[1:]
        command = root
        while words and hasattr(command, "commands") and words[0] in command.commands:
            command = command.commands[words.pop(0)]
        assert not hasattr(command, "commands"), f"not a command: {example}"
        options = {o for p in command.params for o in getattr(p, "opts", [])}
        used = {w for w in words if w.startswith("--")}
        assert used <= options, f"{example}: unknown options {used - options}"


def test_docs_link_to_files_that_exist() -> None:
    for doc in [ROOT / "README.md", *(ROOT / "docs").glob("*.md")]:
        for target in re.findall(r"\]\(([^)#]+\.md)\)", doc.read_text()):
            assert (doc.parent / target).exists(), f"{doc.name} links to missing {target}"


def test_every_command_summary_is_one_line() -> None:
    root = typer.main.get_command(app)
    commands = {" ".join(c.split()[1:]) for c in _commands()}
    for path in commands:
        command = root
        for word in path.split():
            command = command.commands[word]
        summary = (command.help or "").strip().split("\n\n")[0]
        assert summary and "\n" not in summary, f"`whosbehind {path}`: {summary!r}"
        assert len(summary) <= 100, f"`whosbehind {path}`: {len(summary)} characters"


def test_the_api_example_runs_and_prints_what_the_api_answers(
    store_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import whosbehind as wb

    text = (ROOT / "docs" / "api.md").read_text()
    blocks = re.findall(r"^```python\n(.*?)^```", text, re.MULTILINE | re.DOTALL)
    assert len(blocks) == 1
    monkeypatch.setenv("WHOSBEHIND_DB", str(store_path))
    exec(compile(blocks[0], "docs/api.md", "exec"), {})
    printed = capsys.readouterr().out.splitlines()
    with wb.open_store(store_path) as engine:
        expected = wb.fedramp_share(
            engine, as_of=dt.date(2020, 6, 30), measure="offerings", attribution="direct"
        )
    citation = expected.snapshot.cite()
    assert printed == [
        f"{expected.total} offerings, HHI {expected.hhi:,.0f}",
        *(f"{row.provider}: {row.count} ({row.share:.1%})" for row in expected.rows[:3]),
        f"{citation.id} {citation.source} {citation.record_time.date()}",
    ]
    assert len(expected.rows) >= 3
