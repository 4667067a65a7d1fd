"""Every test runs against its own copy of the catalogue and its own cache: nobody's $HOME is touched."""

from __future__ import annotations

import difflib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

# The stand-in arXiv server and the injected clock, for every test module.
from arxiv_server import arxiv_server  # noqa: F401
from http_server import fake_clock  # noqa: F401
from papers.cli import app, state
from papers.store import fileio
from s2_server import s2_server  # noqa: F401

REPO = Path(__file__).resolve().parents[1]
# The reader's own list: they tick papers in it, so only test_shipped_catalogue.py reads it, and only for
# what stays true whatever they do. Every other test uses SHIPPED, the frozen copy of it as shipped.
LIVE = REPO / "papers.yaml"
SHIPPED = REPO / "tests" / "fixtures" / "catalogue" / "papers.yaml"
# A copy of the reader's original list (../shared/seed/reading-list.md), so CI never depends on shared/.
SEED = REPO / "tests" / "fixtures" / "seed" / "reading-list.md"
# What the seed list holds, stated once: the markdown parser (test_checklist.py), `papers import`
# (test_import.py) and the shipped catalogue (test_shipped_catalogue.py) are each checked against it.
SEED_TITLE = "Self notes for some research papers list"
SEED_SECTIONS = [
    "Optimization algorithm",
    "Development of language models",
    "Models",
    "Vision",
    "Image Generation",
    "Reinforcement learning",
    "Normalization and Regularization",
    "Some research papers",
    "Some resourceful repos",
    "Tokenization",
    "New (saw somewhere in twitter)",
]
SEED_LINES = 63  # checklist lines, nested ones included
SEED_TICKED = [  # the ticked lines, in list order
    "SGD - AdamW / AdamScheduleFree (cs231n) [see blog]"
    "(https://akash5100.github.io/blog/2024/04/12/Optimization_techniques.html)",
    "Transformer (Attention is all you need)",
    "Self A, Multi Head A, Cross A (Attention)",
    "Understanding deeplearning requires rethinking generalization (research paper)-- "
    "See mnist_generalization [notebook](./mnist_generalization.ipynb)",
]
SEED_KEPT_NOTES = 2  # lines that are neither headings nor checklist lines


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked `posix` run on Linux and macOS (CI runs them all); elsewhere they say why they cannot."""
    if os.name == "posix":
        return
    for item in items:
        if item.get_closest_marker("posix"):
            item.add_marker(pytest.mark.skip(reason="assumes a POSIX system"))


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("PAPERS_CACHE_DIR", raising=False)
    monkeypatch.delenv("PAPERS_DEBUG", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    # A dead local port: a test that forgets the arxiv_server fixture fails instead of reaching arXiv.
    monkeypatch.setenv("PAPERS_ARXIV_URL", "http://127.0.0.1:9/api/query")
    monkeypatch.setenv("PAPERS_S2_URL", "http://127.0.0.1:9/graph/v1")
    monkeypatch.setenv("PAPERS_GITHUB_RAW_URL", "http://127.0.0.1:9/raw")
    monkeypatch.setenv("PAPERS_GIST_RAW_URL", "http://127.0.0.1:9/gist")
    monkeypatch.delenv("SEMANTIC_SCHOLAR_API_KEY", raising=False)
    monkeypatch.setenv("PAPERS_FILE", str(tmp_path / "papers.yaml"))
    monkeypatch.chdir(tmp_path)
    state.file = None
    state.debug = False
    monkeypatch.setattr(fileio, "_changed", {})  # what an earlier test's process changed is not this one's
    return tmp_path


@pytest.fixture
def catalogue_file(isolated: Path) -> Path:
    """A copy of the frozen catalogue (the papers.yaml as shipped), where PAPERS_FILE points."""
    target = isolated / "papers.yaml"
    shutil.copyfile(SHIPPED, target)
    return target


@pytest.fixture
def write_catalogue(isolated: Path) -> Callable[[str], Path]:
    """Write a hand-made catalogue where PAPERS_FILE points."""

    def write(text: str) -> Path:
        target = isolated / "papers.yaml"
        target.write_text(text, encoding="utf-8")
        return target

    return write


Run = Callable[..., Result]


@pytest.fixture
def run() -> Run:
    """Run `papers ARGS...` in-process, as a user would type it."""

    def invoke(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
        state.file = None
        state.debug = False
        return CliRunner().invoke(app, list(args), input=input, env=env, catch_exceptions=False)

    return invoke


def listed(run: Run, *args: str) -> dict[str, dict[str, Any]]:
    """`papers [ARGS] list --json` as {key: item}, in the listing's order; the command must succeed."""
    result = run(*args, "list", "--json")
    assert result.exit_code == 0, result.stderr
    return {item["key"]: item for item in json.loads(result.stdout)}


def inserted_lines(before: str, after: str) -> list[str]:
    """The lines `after` adds to `before`. Fails the test if any line of `before` changed, moved or went."""
    matcher = difflib.SequenceMatcher(None, before.splitlines(), after.splitlines(), autojunk=False)
    changed = [op for op in matcher.get_opcodes() if op[0] not in ("equal", "insert")]
    assert not changed, "\n".join(difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm=""))
    return [
        line
        for op, _, _, j1, j2 in matcher.get_opcodes()
        if op == "insert"
        for line in after.splitlines()[j1:j2]
    ]


def at_once(*commands: list[str]) -> dict[str, dict[str, Any]]:
    """Start `papers COMMAND` for each command as real processes all at once, require each to succeed,
    then return `papers list --json` as {key: item}: what concurrency tests check nothing was lost."""
    env = {**os.environ, "PAPERS_LOCK_TIMEOUT": "120"}
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "papers", *command],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for command in commands
    ]
    for process in processes:
        _, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
    listing = subprocess.run(
        [sys.executable, "-m", "papers", "list", "--json"],
        env=env,
        capture_output=True,
        check=True,
        timeout=120,
    )
    return {item["key"]: item for item in json.loads(listing.stdout)}
