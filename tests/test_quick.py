"""The quick path of `papers list` and of the one-item changes (cli/quick.py) against the typer
commands it stands in for.

Every invocation of a table (options x environment x catalogue) runs both ways, in-process with
the same captured streams, and must give the same stdout, stderr and exit code byte for byte, and
a change the same file and the same journal record; a few run as real processes too (a pipe, a
pseudo-terminal, a reader that goes away). What the quick path does not read for sure it must
decline, doing nothing, and it must never import typer.
"""

from __future__ import annotations

import inspect
import itertools
import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import REPO, SHIPPED, Run
from papers import actions
from papers.cli import app, edit_session, edits, quick, quick_changes, state
from papers.cli.listing import print_listing
from papers.store import fileio

Outcome = tuple[int, bytes, bytes]


def through_typer(argv: Sequence[str], env: dict[str, str]) -> Outcome:
    state.file = None
    result = CliRunner().invoke(app, list(argv), env=env, catch_exceptions=False)
    return result.exit_code, result.stdout_bytes, result.stderr_bytes


def through_quick(argv: Sequence[str], env: dict[str, str]) -> Outcome | None:
    """quick.run with the streams and environment CliRunner gives the typer app."""
    state.file = None
    with CliRunner().isolation(env=env) as (stdout, stderr, _):
        code = quick.run(list(argv))
        sys.stdout.flush()
        sys.stderr.flush()
    if code is None:
        assert not stdout.getvalue() and not stderr.getvalue(), "declined, yet it printed"
        return None
    return code, stdout.getvalue(), stderr.getvalue()


@pytest.fixture
def catalogues(catalogue_file: Path, run: Run, tmp_path: Path) -> dict[str, Path]:
    """The frozen catalogue with tags, priorities, a note, a paper being read and one done on a
    day (so every option has something to select), and catalogues that fail or hold nothing."""
    for argv in (
        ["tag", "bert", "gpt1", "+nlp"],
        ["tag", "bert", "+classic"],
        ["prioritize", "bert", "high"],
        ["prioritize", "gpt1", "low"],
        ["start", "mamba"],
        ["done", "flashattention", "--on", "2026-11-20"],
        ["note", "bert", "--no-edit"],
    ):
        assert run(*argv).exit_code == 0
    broken = tmp_path / "broken.yaml"
    broken.write_text("title: x\nsections: [\n", encoding="utf-8")
    invalid = tmp_path / "invalid.yaml"
    invalid.write_text(
        "title: x\nsections:\n  - name: A\n    items:\n      - title: no key\n", encoding="utf-8"
    )
    empty = tmp_path / "empty.yaml"
    empty.write_text("title: nothing yet\nsections: []\n", encoding="utf-8")
    return {"full": catalogue_file, "broken": broken, "invalid": invalid, "empty": empty}


# The options of `papers list`, alone and combined, with the forms click reads (--opt=value,
# -sVALUE), the ones that are usage errors in the core's words, and the ones it declines.
OPTIONS: list[list[str]] = [
    [],
    ["--todo"],
    ["--done"],
    ["--reading"],
    ["--json"],
    ["--todo", "--json"],
    ["--todo", "--todo"],
    ["--todo", "--done"],
    ["--reading", "--done"],
    ["--section", "models"],
    ["-s", "Vision"],
    ["--section=normalization", "--todo"],
    ["-snormalization"],
    ["-s", "no such section"],
    ["-s", "models", "-s", "vision"],
    ["--tag", "nlp"],
    ["-t", "nlp", "-t", "classic"],
    ["-tclassic", "--json"],
    ["--tag", "missing"],
    ["--sort", "priority"],
    ["--sort", "priority", "--todo"],
    ["--sort", "title"],
    ["--sort=added", "--done"],
    ["--sort", "year", "-s", "dev"],
    ["--sort", "bogus"],
    ["--since", "2026-11-01"],
    ["--since", "2026-11-20", "--until", "2026-11-20", "--json"],
    ["--until", "today"],
    ["--since", "2026-11-30"],
    ["--updated"],
    ["--updated", "--json"],
    ["--done", "--json", "--sort", "title", "-t", "nlp"],
]
ENVIRONMENTS: dict[str, dict[str, str]] = {
    "piped": {},
    "piped, NO_COLOR": {"NO_COLOR": "1"},
    "terminal": {"FORCE_COLOR": "1", "COLUMNS": "120"},
    "narrow terminal": {"FORCE_COLOR": "1", "COLUMNS": "60"},
    "very narrow terminal": {"FORCE_COLOR": "1", "COLUMNS": "20"},
    "wide terminal, NO_COLOR": {"FORCE_COLOR": "1", "COLUMNS": "250", "NO_COLOR": "1"},
    "terminal, TERM=dumb": {"FORCE_COLOR": "1", "TERM": "dumb"},
}


def where(catalogues: dict[str, Path], name: str) -> Iterator[tuple[list[str], dict[str, str]]]:
    """The ways to name the catalogue `name`: PAPERS_FILE, --file/-f before or after the command
    (LIST, where the command and its options go), and both, where the one after wins."""
    path, other = str(catalogues[name]), str(catalogues["broken" if name != "broken" else "empty"])
    yield ["LIST"], {"PAPERS_FILE": path}
    yield ["--file", path, "LIST"], {}
    yield ["-f", other, "-f", path, "LIST"], {}
    yield [f"--file={path}", "LIST"], {"PAPERS_FILE": other}
    yield ["LIST", "-f" + path], {}
    yield ["-f", other, "LIST", "--file", path], {}


def invocations(catalogues: dict[str, Path]) -> Iterator[tuple[list[str], dict[str, str]]]:
    """Every option set in every environment (each naming the catalogue one of the ways in turn),
    then the catalogues that fail or hold nothing, and a missing one."""
    ways = itertools.cycle(where(catalogues, "full"))
    for options, (placed, file_env) in zip(OPTIONS, ways, strict=False):  # ways is a cycle
        for env in ENVIRONMENTS.values():
            yield _placed(placed, options), {**env, **file_env}
    for name in ("broken", "invalid", "empty"):
        for options, (placed, file_env) in zip(
            (["--todo"], ["--json"], ["--todo", "--done"], ["-s", "a"], [], ["-t", "x"]),
            where(catalogues, name),
            strict=True,
        ):
            for env in (ENVIRONMENTS["piped"], ENVIRONMENTS["terminal"]):
                yield _placed(placed, options), {**env, **file_env}
    missing = str(catalogues["full"].with_name("missing.yaml"))
    yield ["list"], {"PAPERS_FILE": missing}
    yield ["--file", missing, "list", "--json"], {}
    yield ["list", "-f", missing, "--sort", "bogus"], {}
    yield ["list"], {"PAPERS_FILE": ""}  # searched for from the current folder, where it is


def _placed(placed: list[str], options: list[str]) -> list[str]:
    at = placed.index("LIST")
    return [*placed[:at], "list", *options, *placed[at + 1 :]]


def test_the_quick_path_prints_what_the_typer_command_prints(
    catalogues: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PAPERS_FILE")
    cases = list(invocations(catalogues))
    assert len(cases) > 200
    served = 0
    for argv, env in cases:
        quick_outcome = through_quick(argv, env)
        if quick_outcome is None:
            continue
        served += 1
        typer_outcome = through_typer(argv, env)
        assert quick_outcome == typer_outcome, f"papers {' '.join(argv)} with {env}"
    assert served == len(cases), "the table holds only what the quick path serves"


def test_an_error_is_one_line_and_its_exit_code(catalogues: dict[str, Path]) -> None:
    """What the equivalence above compares includes these: no traceback, the core's words."""
    code, out, err = through_quick(["-f", str(catalogues["broken"]), "list"], {}) or (None, b"", b"")
    assert (code, out) == (1, b"")
    assert err.startswith(b"Error: ") and err.count(b"\n") == 1
    code, out, err = through_quick(["list", "--todo", "--done"], {}) or (None, b"", b"")
    assert (code, out, err) == (2, b"", b"Error: --todo and --done exclude each other. Use one of them.\n")


@pytest.mark.parametrize(
    ("argv", "env"),
    [
        ([], {}),
        (["--help"], {}),
        (["--version"], {}),
        (["--debug", "list"], {}),
        (["list"], {"PAPERS_DEBUG": "1"}),
        (["list"], {"_PAPERS_COMPLETE": "bash_complete"}),
        (["list", "--help"], {}),
        (["show", "bert"], {}),
        (["lis"], {}),
        (["list", "extra"], {}),
        (["list", "--"], {}),
        (["list", "-"], {}),
        (["list", "--todo=1"], {}),
        (["list", "--no-todo"], {}),
        (["list", "-x"], {}),
        (["list", "--section"], {}),
        (["list", "--section="], {}),
        (["list", "--section", "-t"], {}),
        (["list", "--tag", ""], {}),
        (["list", "--since", "yesterday"], {}),
        (["list", "--until", "2026-02-30"], {}),
        (["list", "--file", "."], {}),
        (["-f", ".", "list"], {}),
        (["-f", ".", "list", "-f", "papers.yaml"], {}),
        (["--todo", "list"], {}),
        (["-f"], {}),
        (["list", "-s", "\udcff"], {}),
        (["list", "-s\udcff"], {}),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) else ",".join(value),
)
def test_the_quick_path_declines_what_it_does_not_read_for_sure(
    argv: list[str], env: dict[str, str], catalogue_file: Path
) -> None:
    assert through_quick(argv, env) is None


def test_its_options_are_the_typer_commands(catalogue_file: Path) -> None:
    """A new option of `papers list` is declined until the quick path reads it; a renamed one fails here."""
    import typer

    from papers.cli.app import _build

    params = _build("list").params
    assert set(quick.FLAGS) == {opt for p in params if p.is_flag for opt in p.opts}
    assert set(quick.VALUES) == {opt for p in params if not p.is_flag for opt in p.opts}
    taken = set(inspect.signature(print_listing).parameters) | {"file"}
    assert set(quick.FLAGS.values()) | set(quick.VALUES.values()) <= taken
    before = next(p for p in typer.main.get_command(app).params if p.name == "file")
    assert set(quick.BEFORE) == set(before.opts)


# --- the one-item changes ----------------------------------------------------------------------

# Each change as a reader types it, in the forms click reads, with the refusals of the core and of
# the command (usage errors in its own words), on the frozen catalogue.
CHANGE_CALLS: list[list[str]] = [
    ["done", "bert"],
    ["done", "bert", "gpt1", "--on", "2026-11-20"],
    ["done", "--on=2026-11-20", "bert"],
    ["done", "bert", "--on", "today"],
    ["done", "no such paper"],
    ["done", "attention"],
    ["done", "bert", "-f", "papers.yaml"],
    ["undo", "transformer"],
    ["undo", "bert", "sgd", "adamw"],
    ["start", "mamba"],
    ["start", "mamba", "bert"],
    ["start", "transformer"],
    ["mv", "bert", "--section", "vision"],
    ["mv", "bert", "-s", "Vision", "--before", "gpt1"],
    ["mv", "bert", "-sNew one", "--new-section"],
    ["mv", "bert", "--section=new one"],
    ["mv", "sgd", "--top"],
    ["mv", "bert", "--parent", "gpt1"],
    ["mv", "bert", "gpt1", "--after", "mamba"],
    ["mv", "bert"],
    ["mv", "bert", "--top", "-s", "vision"],
    ["mv", "bert", "--before", "gpt1", "--after", "gpt1"],
    ["rename", "bert", "bert-base"],
    ["rename", "bert", "gpt1"],
    ["rename", "bert", "Not A Key"],
    ["rename", "nothing-like-it", "x"],
    ["rm", "bert"],
    ["rm", "bert", "gpt1", "--dry-run"],
    ["rm", "optimizers"],
    ["rm", "optimizers", "--with-children"],
    ["rm", "--keep-children", "optimizers"],
    ["rm", "optimizers", "--keep-children", "--with-children"],
    ["add", "A new paper", "-s", "Models"],
    ["add", "A new paper", "--section=models", "--key", "newpaper", "--priority", "high"],
    ["add", "--parent", "bert", "A child of it"],
    ["add", "A paper", "-s", "models", "--arxiv", "2205.99999", "--url", "https://example.org/p"],
    ["add", "A paper", "-s", "No such section"],
    ["add", "A paper", "-sBrand new", "--new-section"],
    [
        "add",
        "BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding",
        "-s",
        "models",
    ],
    [
        "add",
        "BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding",
        "-s",
        "models",
        "--duplicate",
    ],
    ["add", "A paper"],
    ["add", "A paper", "-s", "models", "--priority", "urgent"],
    ["add", "A paper", "-s", "models", "--key", "Not A Key"],
    ["tag", "bert", "+nlp"],
    ["tag", "bert", "gpt1", "+nlp", "-classic"],
    ["tag", "bert", "-fast", "--file", "papers.yaml"],
    ["tag", "bert", "+x", "--file=papers.yaml"],
    ["tag", "bert"],
    ["tag", "+x"],
    ["tag", "bert", "+x", "-x"],
    ["tag", "bert", "+two,tags"],
    ["prioritize", "bert", "high"],
    ["prioritize", "bert", "gpt1", "low", "-f", "papers.yaml"],
    ["prioritize", "bert", "normal"],
    ["prioritize", "bert", "urgent"],
    ["prioritize", "high"],
]


def changed(way: str, argv: list[str], env: dict[str, str], folder: Path) -> tuple[Any, ...]:
    """What `papers ARGV` does one way ("quick" or "typer") to a fresh copy of the frozen catalogue
    in `folder` (the current folder then, so paths in messages read alike): its outcome, the bytes
    it leaves and what the journal records (the command line and what changed)."""
    folder.mkdir()
    catalogue = folder / "papers.yaml"
    shutil.copyfile(SHIPPED, catalogue)
    os.chdir(folder)
    fileio._changed.clear()  # what the other way changed is not this one's
    env = {**env, "PAPERS_FILE": str(catalogue)}
    outcome = through_quick(argv, env) if way == "quick" else through_typer(argv, env)
    assert outcome is not None, f"declined papers {' '.join(argv)}"
    record = [(entry.command, entry.summary) for entry in actions.list_changes(catalogue)]
    return outcome, catalogue.read_bytes(), record


def test_a_change_does_what_the_typer_command_does(tmp_path: Path) -> None:
    outcomes: set[int] = set()
    for number, argv in enumerate(CHANGE_CALLS):
        for name, env in (("piped", {}), ("narrow terminal", ENVIRONMENTS["narrow terminal"])):
            quick_way = changed("quick", argv, env, tmp_path / f"{number}-{name}-quick")
            typer_way = changed("typer", argv, env, tmp_path / f"{number}-{name}-typer")
            assert quick_way == typer_way, f"papers {' '.join(argv)} ({name})"
            outcomes.add(quick_way[0][0])
    assert outcomes == {0, 1, 2}  # the table holds changes made, refused by the core and by the command


def test_a_change_is_journaled_as_its_command_line(tmp_path: Path) -> None:
    (_, _, err), after, record = changed("quick", ["mv", "bert", "-s", "vision"], {}, tmp_path / "here")
    assert err.startswith(b"moved bert: BERT: ") and err.endswith(b" (to Vision)\n")
    assert record == [("papers mv bert -s vision", "changed section, parent of bert")]
    assert after.count(b"key: bert\n") == 1 and after != SHIPPED.read_bytes()


@pytest.mark.parametrize(
    "argv",
    [
        ["done"],
        ["done", ""],
        ["done", "-"],
        ["done", "--", "bert"],
        ["done", "bert", "--help"],
        ["done", "bert", "--on"],
        ["done", "bert", "--on", "yesterday"],
        ["done", "bert", "--on", "2026-02-30"],
        ["done", "bert", "--no-such-option"],
        ["done", "bert", "-x"],
        ["done", "\udcff"],
        ["--debug", "done", "bert"],
        ["mv", "bert", "--top=1"],
        ["mv", "bert", "-s"],
        ["mv", "bert", "-s", "-x"],
        ["mv", "bert", "--section="],
        ["mv", "bert", "--parent", "--top"],
        ["rename", "bert"],
        ["rename", "bert", "b", "c"],
        ["rm", "bert", "--force"],
        ["rm", "bert", "--dry-run=yes"],
        ["rm", "bert", "--file", "."],
        ["add"],
        ["add", "One", "Two", "-s", "models"],
        ["add", "-s", "models"],
        ["add", "A title", "-s"],
        ["add", "A title", "-s", "models", "--fetch"],
        ["tag", "bert", "--", "+x"],
        ["tag", "bert", "-"],
        ["tag", "bert", "--later"],
        ["tag", "bert", "+x", "--help"],
        ["tag", "bert", "+x", "--file"],
        ["prioritize"],
        ["prioritize", "bert", "-x"],
        ["note", "bert", "--no-edit"],
    ],
    ids=" ".join,
)
def test_the_quick_path_declines_a_change_it_does_not_read_for_sure(
    argv: list[str], catalogue_file: Path
) -> None:
    before = catalogue_file.read_bytes()
    assert through_quick(argv, {}) is None
    assert catalogue_file.read_bytes() == before


@pytest.mark.parametrize("name", list(quick_changes.CHANGES))
def test_a_changes_arguments_are_the_typer_commands(name: str, catalogue_file: Path) -> None:
    """A new option of a change is declined until the quick path reads it; a renamed one fails here."""
    from papers.cli.app import _build

    change = quick_changes.CHANGES[name]
    params = _build(name).params
    options = [p for p in params if p.param_type_name == "option" and p.name != "catalogue_file"]
    arguments = [p for p in params if p.param_type_name == "argument"]
    assert set(change.flags) == {opt for p in options if p.is_flag for opt in p.opts}
    assert set(change.values) == {opt for p in options if not p.is_flag for opt in p.opts}
    assert set(change.flags.values()) | set(change.values.values()) == {p.name for p in options}
    assert change.arguments == tuple(p.name for p in arguments)
    assert [p.nargs for p in arguments] == [1] * (len(arguments) - change.many) + [-1] * change.many
    file = next(p for p in params if p.name == "catalogue_file")
    assert set(quick.BEFORE if change.file_options is None else change.file_options) == set(file.opts)
    command = _build(name)
    assert change.unknown_are_words == command.context_settings.get("ignore_unknown_options", False)


BODIES = {
    "done": ("change_status", ("done", "done", "on-given")),
    "undo": ("change_status", ("todo", "undone")),
    "start": ("change_status", ("reading", "reading")),
    "add": ("add", ()),
    "rm": ("remove", ()),
    "mv": ("move", ()),
    "rename": ("rename", ()),
    "tag": ("tag", ()),
    "prioritize": ("prioritize", ()),
    "edit": ("edit", ()),
}


@pytest.mark.parametrize("name", sorted(BODIES))
def test_each_change_runs_the_body_the_typer_command_runs(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The table hands every argument to its command's body in cli/edits.py (edit's in
    cli/edit_session.py), by name, with done, undo and start's status and verb."""
    assert set(quick_changes.CHANGES) == quick.CHANGE_NAMES == set(BODIES)
    body, fixed = BODIES[name]
    module = edit_session if name == "edit" else edits
    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(module, body, lambda *args, **kwargs: calls.append((*args, kwargs)))
    change = quick_changes.CHANGES[name]
    given = {
        **{arg: ["q"] if change.many and arg == change.arguments[-1] else arg for arg in change.arguments},
        **dict.fromkeys(change.flags.values(), True),
        **{value: f"{value}-given" for value in change.values.values()},
    }
    change.run(**given)
    if body == "change_status":  # the queries, then the status, the verb (and done's day) it fixes
        assert calls == [(["q"], *fixed, {})]
    elif name == "edit":
        assert calls == [("query", {})]
    else:  # every argument, flag and value by the name the body takes it under
        assert calls == [(given,)]


def _editor(script: str) -> str:
    """$VISUAL for an editor that runs `script` with the file's path as `path`."""
    return shlex.join([sys.executable, "-c", f"import sys; path = sys.argv[1]; {script}"])


EDITORS = {
    "status to reading": _editor(
        "import re; text = open(path).read(); "
        "open(path, 'w').write(re.sub('(?m)^status: .*', 'status: reading', text))"
    ),
    "a new remark": _editor("open(path, 'a').write('remark: read it twice\\n')"),
    "no change": _editor("pass"),
    "saved empty": _editor("open(path, 'w').close()"),
    "exits 3": _editor("sys.exit(3)"),
    "missing": "/nowhere/editor",
}


@pytest.mark.parametrize("query", ["bert", "transformer", "no such paper"])
@pytest.mark.parametrize("editor", list(EDITORS))
def test_an_edit_does_what_the_typer_command_does(query: str, editor: str, tmp_path: Path) -> None:
    env = {"VISUAL": EDITORS[editor]}
    quick_way = changed("quick", ["edit", query], env, tmp_path / "quick")
    typer_way = changed("typer", ["edit", query], env, tmp_path / "typer")
    assert quick_way == typer_way
    written = quick_way[1] != SHIPPED.read_bytes()
    assert written == (editor in ("status to reading", "a new remark") and query != "no such paper")


# --- as real processes ---------------------------------------------------------------------------

TYPER_ONLY = "import sys; from papers.cli.app import app; sys.argv[0] = 'papers'; app(prog_name='papers')"


def real(
    argv: Sequence[str], env: dict[str, str], *, typer: bool = False, **how: Any
) -> subprocess.CompletedProcess[Any]:
    command = [sys.executable, "-c", TYPER_ONLY] if typer else [sys.executable, "-m", "papers"]
    return subprocess.run(
        [*command, *argv],
        env={**os.environ, "PYTHONPATH": str(REPO / "src"), **env},
        stdin=subprocess.DEVNULL,
        check=False,
        **how,
    )


@pytest.mark.parametrize(
    "argv",
    [
        ["list", "--todo"],
        ["list", "--json", "-s", "models"],
        ["list", "--sort", "bogus"],
        ["list", "-s", "nothing"],
    ],
)
def test_a_real_process_prints_the_same_either_way(argv: list[str], catalogues: dict[str, Path]) -> None:
    for env in ({}, {"FORCE_COLOR": "1", "COLUMNS": "72"}, {"PAPERS_FILE": str(catalogues["broken"])}):
        quick_run = real(argv, env, capture_output=True)
        typer_run = real(argv, env, typer=True, capture_output=True)
        assert (quick_run.returncode, quick_run.stdout, quick_run.stderr) == (
            typer_run.returncode,
            typer_run.stdout,
            typer_run.stderr,
        ), (argv, env)


@pytest.mark.posix
def test_in_a_real_terminal_too(catalogue_file: Path) -> None:
    import pty

    def in_terminal(typer: bool) -> tuple[int, bytes]:
        leader, follower = pty.openpty()
        done = real(
            ["list", "--todo"],
            {"COLUMNS": "90", "TERM": "xterm"},
            typer=typer,
            stdout=follower,
            stderr=follower,
        )
        os.close(follower)
        seen = b""
        while chunk := _read(leader):
            seen += chunk
        os.close(leader)
        return done.returncode, seen

    quick_seen, typer_seen = in_terminal(False), in_terminal(True)
    assert quick_seen == typer_seen
    assert b"\x1b[" in quick_seen[1]  # a terminal: coloured


def _read(fd: int) -> bytes:
    try:
        return os.read(fd, 65536)
    except OSError:  # Linux: EIO once the terminal's other end is closed and drained
        return b""


def test_a_reader_that_goes_away_is_exit_1_and_silent(tmp_path: Path) -> None:
    """`papers list | head -1` on a big list: the pipe closes while papers writes (as click handles it)."""
    big = tmp_path / "big.yaml"
    items = "".join(f"      - key: paper-{n}\n        title: Paper number {n}\n" for n in range(3000))
    big.write_text(f"title: big\nsections:\n  - name: All\n    items:\n{items}", encoding="utf-8")
    outcomes = []
    for typer in (False, True):
        real(["list"], {"PAPERS_FILE": str(big)}, typer=typer, capture_output=True)  # the parse cached
        reader, writer = os.pipe()
        os.close(reader)
        done = real(["list"], {"PAPERS_FILE": str(big)}, typer=typer, stdout=writer, stderr=subprocess.PIPE)
        os.close(writer)
        outcomes.append((done.returncode, done.stderr))
    assert outcomes[0] == outcomes[1] == (1, b"")


def modules_after(argv: list[str], catalogue: Path) -> set[str]:
    """The modules a real `papers ARGV` process has imported when it ends (it must exit 0)."""
    code = (
        "import sys\n"
        f"sys.argv = ['papers', *{argv!r}]\n"
        "from papers.cli import main\n"
        "try:\n    main()\nexcept SystemExit as exit:\n    assert exit.code == 0, exit.code\n"
        "sys.stderr.write(' '.join(sorted(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "PAPERS_FILE": str(catalogue), "PYTHONPATH": str(REPO / "src")},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return set(done.stderr.split("\n")[-1].split())


def test_a_cached_listing_imports_nothing_it_does_not_need(catalogue_file: Path) -> None:
    unwanted = {
        "typer", "click", "yaml", "rich", "difflib", "rapidfuzz", "httpx", "hashlib", "tempfile", "datetime",
        "papers.cli.app", "papers.store.yamledit", "papers.store.journal", "papers.model.tags", "papers.sources",
        "papers.cli.quick_changes", "papers.cli.edits",
        "dataclasses", "inspect", "shutil",  # shutil: piped, as here; a terminal's width is asked of it
    }  # fmt: skip
    assert real(["list"], {}, capture_output=True).returncode == 0  # parses and caches
    loaded = modules_after(["list", "--todo"], catalogue_file)
    assert "papers.cli.listing" in loaded
    assert {name for name in loaded if name.split(".")[0] in unwanted or name in unwanted} == set()


def test_a_first_listing_parses_through_the_quick_path_too(catalogue_file: Path) -> None:
    """No parse cache yet: the same listing (PyYAML is imported then, by the use case)."""
    cold = real(["list", "--todo"], {"PAPERS_FILE": str(catalogue_file)}, capture_output=True)
    warm = real(["list", "--todo"], {"PAPERS_FILE": str(catalogue_file)}, capture_output=True)
    assert (cold.returncode, cold.stdout, cold.stderr) == (warm.returncode, warm.stdout, warm.stderr)
    assert cold.returncode == 0 and cold.stdout.count(b"\n") > 10


@pytest.mark.parametrize("argv", [["done", "bert"], ["mv", "bert", "-s", "vision"], ["rm", "optimizers"]])
def test_a_real_change_is_the_same_either_way(argv: list[str], tmp_path: Path) -> None:
    outcomes = []
    for typer in (False, True):
        folder = tmp_path / ("typer" if typer else "quick")
        folder.mkdir()
        shutil.copyfile(SHIPPED, folder / "papers.yaml")
        done = real(argv, {"PAPERS_FILE": "papers.yaml"}, typer=typer, capture_output=True, cwd=folder)
        outcomes.append((done.returncode, done.stdout, done.stderr, (folder / "papers.yaml").read_bytes()))
    assert outcomes[0] == outcomes[1]


@pytest.mark.parametrize(
    "argv",
    [
        ["mv", "bert", "-s", "vision"],
        ["done", "bert"],
        ["rename", "bert", "bert-2"],
        ["rm", "bert"],
        ["add", "A new paper", "-s", "models"],
        ["tag", "bert", "+x"],
    ],
)
def test_a_change_imports_no_typer(argv: list[str], catalogue_file: Path) -> None:
    loaded = modules_after(argv, catalogue_file)
    assert "papers.cli.edits" in loaded
    unwanted = {"typer", "click", "rich", "httpx", "papers.cli.app", "papers.cli.reshape", "papers.sources"}
    unwanted |= {"dataclasses", "inspect", "shutil", "difflib", "rapidfuzz"}
    assert {name for name in loaded if name.split(".")[0] in unwanted or name in unwanted} == set()
