"""The docs tell the truth: every command has help, docs/cli.md is current, the README's commands are CI's."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from conftest import REPO, Run
from papers.cli import app

COMMANDS = sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]


def test_there_are_commands() -> None:
    assert {"list", "done", "undo", "progress", "show", "add", "path", "fetch", "export"} <= set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help(run: Run, name: str) -> None:
    result = run(name, "--help")
    assert result.exit_code == 0
    command = typer.main.get_command(app).commands[name]  # type: ignore[attr-defined]
    assert command.help and len(command.help.split()) >= 4, f"papers {name} needs a real help text"
    assert re.search(rf"Examples?: .*\bpapers .*\b{name}\b", command.help, re.DOTALL), (
        f"papers {name} --help needs an example"
    )


def test_docs_cli_md_is_current() -> None:
    generated = subprocess.run(
        [sys.executable, "-m", "typer", "papers.cli", "utils", "docs", "--name", "papers"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert (REPO / "docs" / "cli.md").read_text().strip() == generated.strip(), (
        "regenerate: typer papers.cli utils docs --name papers --output docs/cli.md"
    )


def test_the_readme_tours_every_command() -> None:
    readme = (REPO / "README.md").read_text()
    for name in COMMANDS:  # a whole word: `papers note` inside `papers notes` would not count
        assert re.search(rf"\bpapers {name}\b", readme), f"README.md never shows `papers {name}`"


def test_ci_runs_the_readme_test_command() -> None:
    readme = (REPO / "README.md").read_text()
    ci = (REPO / ".ci" / "run").read_text()
    command = next(
        line for line in ci.splitlines() if line.startswith("python3 -m venv") and "pytest" in line
    )
    assert command in readme


def test_the_readme_main_command_sets_up_and_lists_the_todo() -> None:
    readme = (REPO / "README.md").read_text()
    main = next(line for line in readme.splitlines() if "papers list --todo" in line and "venv" in line)
    assert "pip install" in main


def test_docs_are_linked_from_the_readme() -> None:
    readme = (REPO / "README.md").read_text()
    for doc in sorted(Path(REPO / "docs").glob("*.md")):
        assert f"docs/{doc.name}" in readme


def readme_python_session() -> tuple[str, int]:
    """The README's ```pycon block under "From Python", and the line it starts on."""
    readme = (REPO / "README.md").read_text()
    start = readme.index("## From Python")
    opening = readme.index("```pycon\n", start) + len("```pycon\n")
    return readme[opening : readme.index("```", opening)], readme.count("\n", 0, opening)


def test_the_readme_python_session_runs(catalogue_file: Path) -> None:
    import doctest

    session, line = readme_python_session()
    test = doctest.DocTestParser().get_doctest(session, {}, "README.md From Python", "README.md", line)
    assert len(test.examples) >= 4
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    out: list[str] = []
    runner.run(test, out=out.append)
    assert runner.summarize(verbose=False).failed == 0, "".join(out)
