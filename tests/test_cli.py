"""The command line as a whole: finding the catalogue, help, errors, exit codes, completion."""

from __future__ import annotations

import errno
import io
import json
import os
import shlex
import subprocess
import sys
import types
from pathlib import Path
from typing import Any

import pytest
import typer

from conftest import REPO, SEED, Run, listed
from papers.store.load import load_catalogue


def test_help_lists_every_command(run: Run) -> None:
    result = run("--help")
    assert result.exit_code == 0
    listed = result.stdout.split("\nCommands:\n", 1)[1].split("\n\n", 1)[0]
    names = [line.split()[0] for line in listed.splitlines() if line.startswith("  ") and line.strip()]
    expected = [
        "list",
        "done",
        "undo",
        "start",
        "progress",
        "show",
        "search",
        "log",
        "stats",
        "add",
        "rm",
        "mv",
        "rename",
        "edit",
        "section",
        "fetch",
        "pdf",
        "resolve",
        "graph",
        "next",
        "note",
        "import",
    ]
    assert names == [*expected, "export", "tag", "tags", "prioritize", "open", "history", "revert", "path"]


def test_the_table_of_commands_is_the_commands_the_modules_define() -> None:
    """cli/commands.py names each command's module and the summary --help shows without building
    the command: both must be what the modules define, or the table and the help have drifted."""
    import importlib
    import pkgutil

    import papers.cli
    from papers.cli import app
    from papers.cli.commands import COMMANDS

    for found in pkgutil.iter_modules(papers.cli.__path__):
        importlib.import_module(f"papers.cli.{found.name}")
    defined = importlib.import_module("papers.cli.app")._defined
    assert {
        name: got.registered_commands[0].callback.__module__
        if isinstance(got, typer.Typer)
        else got[0].__module__
        for name, got in defined.items()
    } == {name: f"papers.cli.{module}" for name, (module, _) in COMMANDS.items()}
    group = typer.main.get_command(app)
    for name, (_, summary) in COMMANDS.items():
        assert summary == group.commands[name].get_short_help_str(limit=10_000), f"papers {name}"
    for width in (40, 80, 100, 200):
        ctx = typer.Context(group, info_name="papers", terminal_width=width, max_content_width=width)
        from_table, built = ctx.make_formatter(), ctx.make_formatter()
        group.format_commands(ctx, from_table)
        super(type(group), group).format_commands(ctx, built)  # click's own, from the built commands
        assert from_table.getvalue() == built.getvalue()
        assert from_table.getvalue().count("\n  ") == len(COMMANDS)
    with pytest.raises(TypeError):
        group.commands["extra"] = group.commands["list"]  # type: ignore[attr-defined]
    with pytest.raises(TypeError):
        del group.commands["list"]  # type: ignore[attr-defined]


def test_a_sub_app_is_one_row_of_the_table_too(
    run: Run, catalogue_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib

    from papers.cli.commands import COMMANDS

    cli = importlib.import_module("papers.cli.app")
    demo = typer.Typer(name="demo", help="Demonstrate a group. Of commands.", rich_markup_mode=None)

    @cli.command("where", group=demo)
    def where() -> None:
        """Print the catalogue in use, found as every command finds it."""
        print(cli.catalogue_path())

    monkeypatch.setitem(COMMANDS, "demo", ("app", "Demonstrate a group."))
    monkeypatch.setattr(cli, "_defined", {**cli._defined})
    monkeypatch.setattr(cli, "_built", {})
    cli.sub_app("demo", demo)
    assert "\n  demo        Demonstrate a group.\n" in run("--help").stdout
    assert "  where  Print the catalogue in use" in run("demo", "--help").stdout
    other = catalogue_file.with_name("other.yaml")
    other.write_bytes(catalogue_file.read_bytes())
    for flag in ("-f", "--file"):
        assert run("demo", "where", flag, str(other)).stdout == f"{other}\n"
    assert run("demo", "where").stdout == f"{catalogue_file}\n"


def cli_modules_loaded_by(argv: list[str], catalogue: Path, package: str = "papers.cli") -> set[str]:
    """The modules of papers.cli (or of `package`) a real `papers ...` process has imported when it ends."""
    code = (
        f"import sys; sys.argv = ['papers', *{argv!r}]\n"
        "from papers.cli import main\n"
        "try:\n    main()\nexcept SystemExit as exit:\n    assert not exit.code, exit.code\n"
        f"sys.stderr.write(' '.join(sorted(name for name in sys.modules if name.startswith({package!r}))))\n"
    )
    env = {**os.environ, "PAPERS_FILE": str(catalogue), "PYTHONPATH": str(REPO / "src")}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False
    )
    assert result.returncode == 0, result.stderr
    return set(result.stderr.split("\n")[-1].split())


@pytest.mark.parametrize(
    ("argv", "module"),
    [
        (["--help"], None),
        (["list", "--todo"], "reading"),
        (["tag", "bert", "+x"], "tagging"),
        (["path"], "paths"),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) else str(value),
)
def test_a_command_imports_only_its_own_module(
    argv: list[str], module: str | None, catalogue_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAPERS_DEBUG", "1")  # the quick path leaves even `list` to typer then
    shared = {"papers.cli", "papers.cli.app", "papers.cli.commands", "papers.cli.dates", "papers.cli.session"}
    shared |= {"papers.cli.quick", "papers.cli.reporting"}  # asked first; they decline
    own = {f"papers.cli.{module}"} if module else set()
    if module == "reading":
        own.add("papers.cli.listing")  # the body of `list`, which the quick path shares
    if module in ("reading", "tagging"):
        own.add("papers.cli.edits")  # the bodies of done, undo, start and tag, which it shares too
    assert cli_modules_loaded_by(argv, catalogue_file) == shared | own


def test_adding_a_title_imports_no_metadata_source(catalogue_file: Path) -> None:
    """A title is told from an arXiv id or a DOI without the sources (tests/test_add.py checks it
    tells them apart as parse_paper_id does)."""
    argv = ["add", "Some new paper 2", "--section", "Models"]
    assert cli_modules_loaded_by(argv, catalogue_file, "papers.sources") == set()


def test_the_quick_path_imports_no_command_module(catalogue_file: Path) -> None:
    assert cli_modules_loaded_by(["list", "--todo"], catalogue_file) == {
        "papers.cli",
        "papers.cli.quick",
        "papers.cli.reporting",
        "papers.cli.listing",
    }


def test_version(run: Run) -> None:
    from papers import __version__

    assert run("--version").stdout == f"papers {__version__}\n"


def test_file_option_wins_over_the_environment(run: Run, catalogue_file: Path, tmp_path: Path) -> None:
    other = tmp_path / "elsewhere" / "mine.yaml"
    other.parent.mkdir()
    other.write_text("sections:\n  - name: Only\n    items:\n      - key: solo\n        title: Solo\n")
    result = run("--file", str(other), "list", "--json")
    assert [item["key"] for item in json.loads(result.stdout)] == ["solo"]
    result = run("-f", str(other), "list", "--json")
    assert [item["key"] for item in json.loads(result.stdout)] == ["solo"]


def test_file_option_after_the_command_on_every_command(
    run: Run, catalogue_file: Path, tmp_path: Path
) -> None:
    from papers.cli import app

    commands = {
        f"{name} {sub}" if sub else name: command
        for name, group in typer.main.get_command(app).commands.items()  # type: ignore[attr-defined]
        for sub, command in (getattr(group, "commands", None) or {"": group}).items()
    }
    assert {"section add", "section rm", "list"} <= set(commands)
    for name, command in commands.items():
        options = {opt for param in command.params for opt in getattr(param, "opts", [])}
        # tag takes -TAG to remove a tag, so -fast must not read as -f ast: only --file after it.
        assert {"--file"} | ({"-f"} if name != "tag" else set()) <= options, (
            f"papers {name} does not take --file"
        )
        assert name != "tag" or "-f" not in options
    other = tmp_path / "mine.yaml"
    other.write_text("sections:\n  - name: Only\n    items:\n      - key: solo\n        title: Solo\n")
    for flag in ("--file", "-f"):
        assert [item["key"] for item in json.loads(run("list", "--json", flag, str(other)).stdout)] == [
            "solo"
        ]
    # After the command wins over before it, as the nearer one.
    result = run("--file", str(catalogue_file), "done", "solo", "-f", str(other))
    assert result.exit_code == 0, result.stderr
    assert "status: done" in other.read_text()


def test_the_missing_catalogue_error_suggests_a_command_that_works(run: Run, tmp_path: Path) -> None:
    nope = tmp_path / "nope.yaml"
    result = run("list", "--file", str(nope))
    assert result.exit_code == 1
    assert f"create it with `papers import LIST.md --file {nope}`" in result.stderr
    result = run("import", str(SEED), "--file", str(nope))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith("added ")
    assert run("list", "--file", str(nope)).exit_code == 0


def test_catalogue_is_found_in_a_parent_folder(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "papers.yaml").write_text(
        "sections:\n  - name: S\n    items:\n      - key: k\n        title: T\n"
    )
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    monkeypatch.delenv("PAPERS_FILE")
    assert run("path").stdout.splitlines()[0] == f"catalogue\t{tmp_path / 'papers.yaml'}"


def test_missing_file_given_by_option(run: Run, tmp_path: Path) -> None:
    result = run("--file", str(tmp_path / "nope.yaml"), "list")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: no catalogue at {tmp_path / 'nope.yaml'}. Check the path")


def test_path_prints_catalogue_and_cache(run: Run, catalogue_file: Path, tmp_path: Path) -> None:
    result = run("path", "--json")
    assert json.loads(result.stdout) == {
        "catalogue": str(catalogue_file),
        "cache": str(tmp_path / "cache" / "papers"),
    }


def test_path_cache_follows_papers_cache_dir(run: Run, catalogue_file: Path, tmp_path: Path) -> None:
    result = run("path", env={"PAPERS_CACHE_DIR": str(tmp_path / "c2")})
    assert result.stdout.splitlines()[1] == f"cache\t{tmp_path / 'c2'}"


def test_unknown_option_is_a_usage_error(run: Run, catalogue_file: Path) -> None:
    result = run("list", "--bogus")
    assert result.exit_code == 2
    assert "No such option" in result.stderr
    assert result.stderr == "Error: No such option '--bogus'. See 'papers list --help'.\n"


@pytest.mark.parametrize(
    ("argv", "stderr"),
    [
        (["lsit"], "Error: No such command 'lsit'. Did you mean 'list'? See 'papers --help'.\n"),
        (["done"], "Error: Missing argument 'QUERY...'. See 'papers done --help'.\n"),
        (["--debug"], "Error: Missing command. See 'papers --help'.\n"),
        (
            ["export", "-t", "yaml"],
            "Error: Invalid value for '--format' / '-t': 'yaml' is not one of 'markdown', 'json', 'bibtex'. "
            "See 'papers export --help'.\n",
        ),
        (
            ["progress", "--svg"],
            "Error: Option '--svg' requires an argument. See 'papers progress --help'.\n",
        ),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) else "",
)
def test_a_usage_error_is_one_line_and_exit_2(
    run: Run, catalogue_file: Path, argv: list[str], stderr: str
) -> None:
    result = run(*argv)
    assert (result.exit_code, result.stderr, result.stdout) == (2, stderr, "")


def test_no_command_shows_the_help(run: Run) -> None:
    result = run()
    assert result.exit_code == 2
    assert result.stderr.startswith("Usage: papers [OPTIONS] COMMAND [ARGS]...")
    assert "\nCommands:\n" in result.stderr


@pytest.mark.parametrize("argv", [["done", "\udcff"], ["import", "caf\udce9.md"], ["list", "-s", "a\udc80"]])
def test_an_argument_that_is_not_utf8_is_one_line_and_exit_2(
    run: Run, catalogue_file: Path, argv: list[str]
) -> None:
    before = catalogue_file.read_bytes()
    result = run(*argv)
    shown = repr(os.fsencode(argv[-1]))[2:-1]
    assert result.exit_code == 2
    assert result.stderr == f"Error: the argument '{shown}' is not UTF-8 text. Type it as UTF-8.\n"
    assert catalogue_file.read_bytes() == before


def test_debug_shows_the_traceback_instead(run: Run, catalogue_file: Path) -> None:
    from papers.errors import PaperNotFoundError

    with pytest.raises(PaperNotFoundError):
        run("--debug", "done", "no-such-paper-anywhere")
    with pytest.raises(PaperNotFoundError):
        run("done", "no-such-paper-anywhere", env={"PAPERS_DEBUG": "1"})


def test_query_arguments_complete_to_keys(catalogue_file: Path) -> None:
    from papers.cli import complete_key

    assert complete_key("flash") == ["flashattention"]
    assert "gpt1" in complete_key("gpt")


@pytest.mark.parametrize(
    "words",
    ["papers done -f other.yaml so", "papers -f other.yaml done so", "papers done --file=other.yaml so"],
)
def test_completion_reads_the_catalogue_file_names(
    run: Run, catalogue_file: Path, tmp_path: Path, words: str
) -> None:
    (tmp_path / "other.yaml").write_text(
        "sections:\n  - name: O\n    items:\n      - key: solo\n        title: Solo\n"
    )
    env = {
        "_PAPERS_COMPLETE": "complete_bash",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split()) - 1),
    }
    assert run(env=env).stdout.split() == ["solo"]
    env |= {"COMP_WORDS": "papers done flash", "COMP_CWORD": "2"}
    assert run(env=env).stdout.split() == ["flashattention"]


def test_the_installed_entry_point_runs(catalogue_file: Path) -> None:
    env = {**os.environ, "PAPERS_FILE": str(catalogue_file)}
    result = subprocess.run(
        [sys.executable, "-m", "papers", "list", "--todo"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "\tflashattention\t" in result.stdout


def test_the_entry_point_ends_the_process_with_the_command_s_code_and_all_its_output(
    catalogue_file: Path,
) -> None:
    """It exits without the interpreter's teardown (papers.__main__.console): what the command
    printed and wrote must all be there, and its exit code kept."""
    env = {**os.environ, "PAPERS_FILE": str(catalogue_file)}

    def papers(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "papers", *argv], capture_output=True, text=True, env=env, check=False
        )

    listed = papers("list", "--json")
    assert listed.returncode == 0, listed.stderr
    assert len(json.loads(listed.stdout)) == len(load_catalogue(catalogue_file).items)  # every byte flushed
    ticked = papers("done", "bert")
    assert ticked.returncode == 0, ticked.stderr
    assert load_catalogue(catalogue_file)["bert"].status == "done"
    assert papers("revert").returncode == 0  # the journal was written too
    assert load_catalogue(catalogue_file)["bert"].status != "done"
    missing = papers("done", "no-such-paper-at-all")
    assert (missing.returncode, missing.stdout) == (1, "")
    assert missing.stderr.startswith("Error: ")
    assert papers("done", "--no-such-option").returncode == 2


@pytest.mark.parametrize("closed", [">&-", "2>&-", ">&- 2>&-"])
def test_a_command_run_with_its_output_closed_does_its_work_and_exits_0(
    catalogue_file: Path, closed: str
) -> None:
    """`papers done bert >&-`: Python leaves a closed stream None; the command still ticks the paper,
    says nothing (no traceback on a closed stderr either) and exits 0."""
    env = {**os.environ, "PAPERS_FILE": str(catalogue_file)}
    command = f"{shlex.quote(sys.executable)} -m papers done bert {closed}; echo $? >&3"
    result = subprocess.run(
        ["sh", "-c", f"exec 3>&1; {command}"], capture_output=True, text=True, env=env, check=False
    )
    assert result.stdout.strip() == "0"
    assert "Traceback" not in result.stderr
    assert load_catalogue(catalogue_file)["bert"].status == "done"


class _FullDisk(io.RawIOBase):
    """A stdout on a full disk (`papers export > /full/x`, or /dev/full): every write fails."""

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")


def _console_with_stdout(raw: io.RawIOBase, argv: list[str], monkeypatch: pytest.MonkeyPatch) -> int:
    """Run the entry point (papers.__main__.console) with stdout written into `raw`; its exit code."""
    import papers.__main__ as entry

    monkeypatch.setattr(sys, "argv", ["papers", *argv])
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(io.BufferedWriter(raw)))

    def exit_now(code: int) -> None:
        raise SystemExit(code)

    monkeypatch.setattr(entry.os, "_exit", exit_now)
    with pytest.raises(SystemExit) as ended:
        entry.console()
    monkeypatch.setattr(sys, "stdout", sys.__stdout__)  # the wrapper must not be flushed again
    assert isinstance(ended.value.code, int)
    return ended.value.code


@pytest.mark.parametrize("argv", [["export"], ["list"], ["path"], ["done", "bert"]])
def test_output_that_cannot_be_written_is_one_line_and_exit_1(
    argv: list[str], catalogue_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A full disk under stdout: one line naming it, exit 1 (never a traceback, never a silent
    exit); a change the command made is made, and said so on stderr as usual."""
    code = _console_with_stdout(_FullDisk(), argv, monkeypatch)
    err = capsys.readouterr().err
    if argv[0] == "done":  # it writes nothing on stdout
        assert (code, err.count("\n")) == (0, 1)
        assert load_catalogue(catalogue_file)["bert"].status == "done"
        return
    assert code == 1
    assert err == "Error: cannot write the output: No space left on device. Nothing was changed.\n"


def _on_full_disk(argv: list[str], stream: str) -> subprocess.CompletedProcess[str]:
    """`papers ARGV` as a real process with its `stream` ("stdout" or "stderr") opened on /dev/full,
    where every write fails as on a full disk (ENOSPC), and the other one captured."""
    with open("/dev/full", "w") as full:
        return subprocess.run(
            [sys.executable, "-m", "papers", *argv],
            stdin=subprocess.DEVNULL,
            stdout=full if stream == "stdout" else subprocess.PIPE,
            stderr=full if stream == "stderr" else subprocess.PIPE,
            text=True,
            check=False,
            timeout=120,
        )


_MADE: list[tuple[list[str], Any]] = [
    (["done", "bert"], lambda cat: cat["bert"].status == "done"),
    (["undo", "transformer"], lambda cat: cat["transformer"].status == "todo"),
    (["start", "bert"], lambda cat: cat["bert"].status == "reading"),
    (["add", "Some new paper", "--section", "Vision"], lambda cat: "some-new-paper" in cat.keys),
    (["rm", "bert"], lambda cat: "bert" not in cat.keys),
    (["mv", "bert", "--section", "Vision"], lambda cat: cat["bert"].section == "Vision"),
    (["rename", "bert", "bert2"], lambda cat: "bert2" in cat.keys),
    (["tag", "bert", "+nlp"], lambda cat: "nlp" in cat["bert"].tags),
    (["import", "list.md"], lambda cat: any(item.title == "A listed paper" for item in cat.items)),
]


@pytest.mark.posix
@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full (Linux)")
@pytest.mark.parametrize(("argv", "made"), _MADE, ids=[" ".join(argv[:1]) for argv, _ in _MADE])
def test_a_change_whose_confirmation_cannot_be_written_is_made_and_exits_4(
    argv: list[str], made: Any, catalogue_file: Path
) -> None:
    """`papers done bert 2>/dev/full`: the change is made and its note lost. Exit 4, not 1, which
    would say it failed and have a script run it again (and `add` add the paper twice); with
    stderr gone, the code is all that can tell."""
    (catalogue_file.parent / "list.md").write_text("# Listed\n- [ ] A listed paper\n", encoding="utf-8")
    result = _on_full_disk(argv, "stderr")
    assert result.returncode == 4, result.stdout
    assert made(load_catalogue(catalogue_file))


@pytest.mark.posix
@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full (Linux)")
def test_a_revert_that_removes_the_catalogue_is_a_change_too(isolated: Path) -> None:
    """Reverting the import that created papers.yaml removes the file: no write, still a change."""
    listed = isolated / "list.md"
    listed.write_text("# Listed\n- [ ] A listed paper\n", encoding="utf-8")
    imported = subprocess.run(
        [sys.executable, "-m", "papers", "import", str(listed)], capture_output=True, check=False
    )
    assert imported.returncode == 0, imported.stderr
    assert _on_full_disk(["revert", "1"], "stderr").returncode == 4
    assert not (isolated / "papers.yaml").exists()


@pytest.mark.posix
@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full (Linux)")
@pytest.mark.parametrize(
    ("argv", "said", "written"),
    [
        (
            ["add", "Some new paper", "--section", "Vision"],
            "added some-new-paper: Some new paper (in Vision)\n",
            "papers.yaml was",
        ),
        (
            ["note", "bert", "--no-edit"],
            "created notes/bert.md for bert\n",
            "notes/bert.md and papers.yaml were",
        ),
    ],
    ids=["add", "note"],
)
def test_a_change_whose_output_cannot_be_written_says_it_was_made_and_exits_4(
    argv: list[str], said: str, written: str, catalogue_file: Path
) -> None:
    """`papers add ... >/dev/full`: the key it prints is lost, the paper added; stderr says which."""
    result = _on_full_disk(argv, "stdout")
    assert (result.returncode, result.stderr) == (
        4,
        f"{said}Error: cannot write the output: No space left on device. The change was made all the "
        f"same ({written} written): check it before running the command again.\n",
    )
    assert "some-new-paper" in load_catalogue(catalogue_file).keys or argv[0] == "note"


@pytest.mark.posix
@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full (Linux)")
@pytest.mark.parametrize(
    ("argv", "stream", "code", "said"),
    [
        (
            ["show", "bert"],
            "stdout",
            1,
            "Error: cannot write the output: No space left on device. Nothing was changed.\n",
        ),
        (
            ["list"],
            "stdout",
            1,
            "Error: cannot write the output: No space left on device. Nothing was changed.\n",
        ),
        (["tags"], "stderr", 1, ""),  # its one note ("no paper has a tag yet") lost
        (["done", "bert", "--bogus"], "stderr", 2, ""),  # an error that cannot be told keeps its code
        (["done", "no-such-paper-at-all"], "stderr", 1, ""),
    ],
    ids=["show", "list", "tags", "usage", "missing"],
)
def test_a_command_that_changes_nothing_and_cannot_write_exits_with_its_own_failure(
    argv: list[str], stream: str, code: int, said: str, catalogue_file: Path
) -> None:
    before = catalogue_file.read_bytes()
    result = _on_full_disk(argv, stream)
    assert (result.returncode, result.stderr if stream == "stdout" else "") == (code, said)
    assert catalogue_file.read_bytes() == before


@pytest.mark.posix
def test_a_reader_that_goes_away_after_a_change_is_exit_4_and_silent(catalogue_file: Path) -> None:
    """`papers add ... | head -0`: the paper is added, its key unread; the note said it was added."""
    reader, writer = os.pipe()
    os.close(reader)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "papers", "add", "Some new paper", "--section", "Vision"],
            stdin=subprocess.DEVNULL, stdout=writer, stderr=subprocess.PIPE, text=True, check=False, timeout=120,
        )  # fmt: skip
    finally:
        os.close(writer)
    assert (result.returncode, result.stderr) == (4, "added some-new-paper: Some new paper (in Vision)\n")
    assert "some-new-paper" in load_catalogue(catalogue_file).keys


class _GoneReader(io.TextIOBase):
    """A stdout whose reader went away: every write fails with EPIPE."""

    def write(self, text: str) -> int:
        raise BrokenPipeError(errno.EPIPE, "Broken pipe")


@pytest.mark.parametrize(
    ("argv", "code"),
    [
        (["add", "Some new paper", "--section", "Vision"], 4),
        # click's own handling, which typer reaches through a name click 8.3 deprecates
        pytest.param(
            ["path"], 1, marks=pytest.mark.filterwarnings("ignore:'click.utils.PacifyFlushWrapper'")
        ),
    ],
)
def test_a_reader_gone_while_the_command_runs_is_exit_4_only_after_a_change(
    argv: list[str], code: int, run: Run, catalogue_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pipe breaks inside the command (more output than a pipe's buffer): click would exit 1,
    as for a listing; after a change, the command's own code says what happened (cli/app.py)."""
    import papers.cli.edits
    import papers.cli.paths

    for module in (papers.cli.edits, papers.cli.paths):
        monkeypatch.setattr(module, "sys", types.SimpleNamespace(stdout=_GoneReader()))
    assert run(*argv).exit_code == code


class _GonePipe(_FullDisk):
    """A stdout whose reader went away (`papers ... | head -0`): every write fails with EPIPE."""

    def write(self, data: Any) -> int:
        raise BrokenPipeError(errno.EPIPE, "Broken pipe")


@pytest.mark.parametrize(
    ("argv", "code"), [(["path"], 1), (["add", "Some new paper", "--section", "Vision"], 4)]
)
def test_a_reader_gone_by_the_last_flush_is_silent_and_exit_4_only_after_a_change(
    argv: list[str],
    code: int,
    catalogue_file: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """What a command printed is still buffered when it returns; the entry point's flush meets the
    closed pipe: 1 as click says it for a listing, 4 once the change is made."""
    assert _console_with_stdout(_GonePipe(), argv, monkeypatch) == code
    assert "Error" not in capsys.readouterr().err


@pytest.mark.parametrize(
    ("changed", "code", "said"),
    [
        ((), 1, "Nothing was changed"),
        (("papers.yaml",), 4, "The change was made all the same (papers.yaml was written)"),
        (
            ("notes/a.md", "notes/b.md", "papers.yaml"),
            4,
            "The change was made all the same (notes/a.md, notes/b.md and papers.yaml were written)",
        ),
    ],
)
def test_lost_output_says_whether_a_change_was_made_and_names_the_files(
    changed: tuple[str, ...], code: int, said: str, isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from papers.cli import reporting
    from papers.store import fileio

    for name in changed:
        fileio.mark_changed(isolated / name)
    assert reporting.cannot_write("No space left on device") == code
    assert capsys.readouterr().err.startswith(
        f"Error: cannot write the output: No space left on device. {said}"
    )
    assert reporting.unread() == code


@pytest.mark.parametrize(
    ("err", "output"),
    [
        (OSError(errno.ENOSPC, "No space left on device"), True),
        (OSError(errno.EIO, "Input/output error"), True),
        (OSError(errno.ENOSPC, "No space left", "papers.yaml"), False),  # a file of its own
        (OSError(errno.EACCES, "Permission denied"), False),
    ],
)
def test_only_a_lost_write_of_the_output_is_taken_for_the_output_s(err: OSError, output: bool) -> None:
    """Any other OSError goes on up (a bug to see), not worded as lost output."""
    import papers.__main__ as entry

    assert entry._output_failed(err) is output


@pytest.mark.parametrize(("code", "status", "said"), [(None, 0, ""), (3, 3, ""), ("gone", 1, "gone\n")])
def test_the_entry_point_exits_as_the_interpreter_would_for_each_kind_of_exit(
    code: object, status: int, said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from papers.__main__ import exit_code

    assert exit_code(code) == status
    assert capsys.readouterr().err == said


def modules_loaded_by(argv: list[str], catalogue: Path) -> set[str]:
    """The top-level modules a real `papers ...` process has imported when it ends."""
    code = (
        f"import sys; sys.argv = ['papers', *{argv!r}]\n"
        "from papers.cli import main\n"
        "try:\n    main()\nexcept SystemExit as exit:\n    assert not exit.code, exit.code\n"
        "sys.stderr.write(' '.join(sorted({name.split('.')[0] for name in sys.modules})))\n"
    )
    env = {**os.environ, "PAPERS_FILE": str(catalogue), "PYTHONPATH": str(REPO / "src")}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False
    )
    assert result.returncode == 0, result.stderr
    return set(result.stderr.split("\n")[-1].split())


NETWORK = {"httpx", "httpcore", "arxiv", "requests", "urllib3", "lxml", "ssl", "pydantic"}


@pytest.mark.parametrize(
    "argv",
    [
        ["list", "--todo"],
        ["list", "--json"],
        ["done", "bert"],
        ["undo", "bert"],
        ["start", "gqa"],
        ["progress"],
        ["show", "flashattention"],
        ["search", "attention"],
        ["log"],
        ["stats"],
        ["stats", "--calendar"],
        ["add", "Some new paper", "--section", "Models"],
        ["path"],
        ["export", "--format", "markdown"],
        ["export", "--format", "json"],
        ["export", "--format", "bibtex"],
        ["note", "bert", "--no-edit"],
        ["import", str(REPO / "tests" / "fixtures" / "seed" / "reading-list.md")],
    ],
    ids=lambda argv: " ".join(argv[:2]),
)
def test_commands_that_stay_offline_import_no_network_library(argv: list[str], catalogue_file: Path) -> None:
    assert modules_loaded_by(argv, catalogue_file) & NETWORK == set()


def test_a_listing_from_the_parse_cache_needs_neither_yaml_nor_rich(catalogue_file: Path) -> None:
    assert "yaml" in modules_loaded_by(["list", "--todo"], catalogue_file)  # the first run parses
    assert modules_loaded_by(["list", "--todo"], catalogue_file) & {"yaml", "rich"} == set()


@pytest.mark.parametrize("argv", [["log"], ["stats"], ["stats", "--calendar"]], ids=" ".join)
def test_looking_back_from_the_parse_cache_needs_neither_yaml_nor_rich(
    argv: list[str], catalogue_file: Path
) -> None:
    modules_loaded_by(["list"], catalogue_file)  # fills the parse cache
    assert modules_loaded_by(argv, catalogue_file) & {"yaml", "rich", "sqlite3", *NETWORK} == set()


def test_the_catalogue_can_be_read_from_python(catalogue_file: Path) -> None:
    import papers

    catalogue = papers.load_catalogue(papers.find_catalogue())
    assert catalogue["flashattention"].arxiv == "2205.14135"
    assert isinstance(catalogue, papers.Catalogue)


def test_ctrl_c_is_one_line_and_exit_130(
    run: Run, catalogue_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from papers.store import load as storage

    def interrupted(path: Path) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(storage, "load_catalogue", interrupted)
    result = run("list")
    assert result.exit_code == 130
    assert result.stderr == "Error: interrupted. Nothing was changed unless a message above says so.\n"


INTERRUPTED = "Error: interrupted. Nothing was changed unless a message above says so.\n"


def test_ctrl_c_after_the_change_was_made_names_what_was_written(
    run: Run, catalogue_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Interrupted after papers.yaml was replaced (here while the journal is written), the line says
    the change was made, not that nothing was: running the command again is not the remedy."""
    from papers.store import journal

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(journal, "record", interrupted)
    before = catalogue_file.read_text()
    result = run("done", "flashattention")
    assert result.exit_code == 130
    assert result.stderr == (
        "Error: interrupted after the change was made (papers.yaml was written): "
        "check it before running the command again.\n"
    )
    assert catalogue_file.read_text() != before


def test_ctrl_c_after_papers_yaml_is_replaced_waits_until_the_change_is_journaled(
    run: Run, catalogue_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A real SIGINT the instant after the rename: the change is journaled before papers stops, so
    `papers revert` knows it and puts the file back."""
    import signal

    from papers.store import journal
    from papers.store import load as storage

    written = storage.write_atomically
    before = catalogue_file.read_bytes()
    journaled = len(journal.entries(catalogue_file))

    def interrupted_after(*args: Any, **kwargs: Any) -> None:
        written(*args, **kwargs)
        signal.raise_signal(signal.SIGINT)

    with monkeypatch.context() as patch:
        patch.setattr(storage, "write_atomically", interrupted_after)
        result = run("done", "flashattention")
    assert result.exit_code == 130
    assert "interrupted after the change was made (papers.yaml was written)" in result.stderr
    assert listed(run)["flashattention"]["status"] == "done"
    assert len(journal.entries(catalogue_file)) == journaled + 1
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    assert run("revert").exit_code == 0
    assert catalogue_file.read_bytes() == before


def test_ctrl_c_during_a_write_that_finds_the_file_changed_is_not_lost_to_the_retry(
    run: Run, catalogue_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The write finds the file saved by another program meanwhile, which papers answers by running
    the edit again: a Ctrl-C held during that write stops the command instead, nothing written."""
    import signal

    from papers.store import fileio

    checked = fileio._check_unchanged
    calls: list[int] = []

    def saved_meanwhile(*args: Any) -> None:
        calls.append(1)
        if len(calls) == 1:
            signal.raise_signal(signal.SIGINT)
            catalogue_file.write_text(catalogue_file.read_text() + "# saved by an editor\n")
        checked(*args)

    monkeypatch.setattr(fileio, "_check_unchanged", saved_meanwhile)
    before = catalogue_file.read_text()
    result = run("done", "flashattention")
    assert (result.exit_code, result.stderr) == (130, INTERRUPTED)
    assert calls == [1]
    assert catalogue_file.read_text() == before + "# saved by an editor\n"


def test_a_second_ctrl_c_stops_the_command_at_once(
    run: Run, catalogue_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write that hangs must still be stoppable: the second Ctrl-C is not held, so the journal is
    never reached, and the line says the change may have been made."""
    import signal

    from papers.store import journal
    from papers.store import load as storage

    written = storage.write_atomically
    journaled = len(journal.entries(catalogue_file))
    after_second: list[str] = []

    def interrupted_twice(*args: Any, **kwargs: Any) -> None:
        written(*args, **kwargs)
        signal.raise_signal(signal.SIGINT)
        signal.raise_signal(signal.SIGINT)
        after_second.append("reached")

    monkeypatch.setattr(storage, "write_atomically", interrupted_twice)
    result = run("done", "flashattention")
    assert result.exit_code == 130
    assert "interrupted after the change was made" in result.stderr
    assert after_second == []
    assert len(journal.entries(catalogue_file)) == journaled
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_ctrl_c_while_rendering_or_parsing_is_one_line_and_exit_130(
    run: Run, catalogue_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.core import TyperCommand

    from papers import render

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(render, "render_list_tsv", interrupted)
        result = run("list")
        assert (result.exit_code, result.stderr) == (130, INTERRUPTED)
    with monkeypatch.context() as patch:
        patch.setattr(TyperCommand, "parse_args", interrupted)
        result = run("list")
        assert (result.exit_code, result.stderr) == (130, INTERRUPTED)


@pytest.mark.parametrize(
    ("raised", "code", "stderr"),
    [
        (typer.BadParameter.__mro__[2]("a file option failed"), 1, "Error: a file option failed.\n"),
        (typer.Abort(), 1, "Error: aborted. Nothing was changed.\n"),
    ],
    ids=["click error", "abort"],
)
def test_other_click_failures_are_one_line_too(
    run: Run, catalogue_file: Path, monkeypatch: pytest.MonkeyPatch, raised: Exception, code: int, stderr: str
) -> None:
    from typer.core import TyperCommand

    def failing(*args: object, **kwargs: object) -> None:
        raise raised

    monkeypatch.setattr(TyperCommand, "parse_args", failing)
    result = run("list")
    assert (result.exit_code, result.stderr) == (code, stderr)


def test_ctrl_c_in_a_real_process_is_one_line_and_exit_130(catalogue_file: Path, tmp_path: Path) -> None:
    """A real SIGINT, while `papers import` waits on a FIFO: opening the FIFO's other end returns
    exactly when papers has it open, so no sleep decides when to interrupt."""
    import signal

    fifo = tmp_path / "list.md"
    os.mkfifo(fifo)
    before = catalogue_file.read_bytes()
    env = {**os.environ, "PAPERS_FILE": str(catalogue_file), "PYTHONPATH": str(REPO / "src")}
    process = subprocess.Popen(
        [sys.executable, "-m", "papers", "import", str(fifo)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        # A shell's background job ignores SIGINT, and a child inherits that: undo it.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    writer = os.open(fifo, os.O_WRONLY)  # returns once papers has opened the list
    try:
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=60)
    finally:
        os.close(writer)
    assert (process.returncode, stderr.decode(), stdout) == (130, INTERRUPTED, b"")
    assert catalogue_file.read_bytes() == before


def test_path_without_a_catalogue_still_names_the_cache_and_exits_1(run: Run, monkeypatch, isolated) -> None:
    monkeypatch.delenv("PAPERS_FILE")
    result = run("path")
    assert result.exit_code == 1
    assert result.stdout == f"catalogue\t(none found)\ncache\t{isolated / 'cache' / 'papers'}\n"
    assert result.stderr.startswith("no papers.yaml in ")


def test_import_refuses_what_is_not_a_text_list_and_changes_nothing(
    run: Run, catalogue_file: Path, tmp_path: Path
) -> None:
    before = catalogue_file.read_bytes()
    binary = tmp_path / "photo.md"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR")
    cases = [
        (str(binary), 1, f"Error: {binary} is not text (it holds NUL bytes). Give a markdown checklist.\n"),
        ("/dev/zero", 1, "Error: /dev/zero is not text (it holds NUL bytes). Give a markdown checklist.\n"),
        (
            "papers.yaml",
            2,
            "Error: papers.yaml is the catalogue itself. Import a markdown checklist, such as one "
            "`papers export` wrote.\n",
        ),
    ]
    for source, code, stderr in cases:  # what the file holds is 1, naming the catalogue itself 2
        result = run("import", source)
        assert (result.exit_code, result.stderr) == (code, stderr), source
    assert catalogue_file.read_bytes() == before


def test_import_reads_a_bounded_amount(
    run: Run, catalogue_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from papers.actions import transfer

    monkeypatch.setattr(transfer, "MAX_LIST_BYTES", 3 * 1024 * 1024)
    big = tmp_path / "big.md"
    big.write_bytes(b"## A\n" + b"- [ ] x\n" * (400 * 1024))
    result = run("import", str(big))
    assert result.exit_code == 1
    assert (
        result.stderr
        == f"Error: {big} is larger than 3 MB: too big for a reading list. Give a markdown checklist.\n"
    )
    result = run("import", "-", input="\0")
    assert (
        result.stderr
        == "Error: standard input is not text (it holds NUL bytes). Give a markdown checklist.\n"
    )


def test_the_core_names_no_option_and_the_command_line_adds_its_own(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from papers.errors import CatalogueNotFoundError
    from papers.store.load import load_catalogue
    from papers.store.paths import find_catalogue

    nope = tmp_path / "nope.yaml"
    monkeypatch.delenv("PAPERS_FILE")
    monkeypatch.chdir(tmp_path)
    for attempt in (lambda: find_catalogue(str(nope)), find_catalogue, lambda: load_catalogue(nope)):
        with pytest.raises(CatalogueNotFoundError) as caught:
            attempt()
        assert "--" not in str(caught.value)
    searched = run("list")
    assert searched.exit_code == 1
    assert searched.stderr.startswith(f"Error: no papers.yaml in {tmp_path} or any parent folder.")
    assert searched.stderr.rstrip().endswith("--new-section`, or pass --file PATH.")


def test_a_missing_link_and_an_editor_that_will_not_start_name_no_option_in_the_core(
    run: Run, catalogue_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from papers import actions, notes
    from papers.errors import EditorNotStartedError, NoSuchLinkError

    with pytest.raises(NoSuchLinkError) as missing:
        actions.open_target(catalogue_file, "lstm", "link", 2)
    assert str(missing.value) == "lstm has 1 link: there is no link 2. Ask for one of 1 to 1"
    assert run("open", "lstm", "--link", "2").stderr == (
        "Error: lstm has 1 link: there is no link 2. Give --link 1 to 1.\n"
    )
    with pytest.raises(EditorNotStartedError) as editor:
        notes.open_in_editor(["no-such-editor-anywhere"], tmp_path / "notes" / "x.md")
    assert "--" not in str(editor.value) and str(editor.value).startswith(
        "could not start the editor 'no-such-editor-anywhere': "
    )
    monkeypatch.setenv("VISUAL", "no-such-editor-anywhere")
    result = run("note", "bert", "--edit")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == (
        "Error: could not start the editor 'no-such-editor-anywhere': No such file or directory. "
        "Fix $VISUAL or $EDITOR, or pass --no-edit; the note is notes/bert.md."
    )


def test_an_unreadable_editor_command_names_no_option_in_the_core(monkeypatch: pytest.MonkeyPatch) -> None:
    from papers import notes
    from papers.errors import EditorCommandError

    monkeypatch.setenv("VISUAL", "'unclosed")
    with pytest.raises(EditorCommandError) as caught:
        notes.editor_command()
    assert str(caught.value) == "$VISUAL cannot be read as a command (No closing quotation). Fix it"


def test_a_note_is_wrapped_to_the_terminal_at_spaces_and_left_whole_when_piped(
    run: Run, catalogue_file: Path
) -> None:
    said = "done gqa: GQA: Training Generalized Multi-Query Transformer Models from Multi-Head Checkpoints (todo -> done)"
    terminal = run("done", "gqa", env={"FORCE_COLOR": "1", "NO_COLOR": "1", "COLUMNS": "40"})
    assert terminal.stderr.splitlines() == [
        "done gqa: GQA: Training Generalized",
        "Multi-Query Transformer Models from",
        "Multi-Head Checkpoints (todo -> done)",
    ]
    assert " ".join(terminal.stderr.split()) == said  # nothing lost, nothing added
    piped = run("undo", "gqa")
    assert (
        piped.stderr == said.replace("done gqa", "undone gqa").replace("todo -> done", "done -> todo") + "\n"
    )


def test_wrapped_keeps_each_lines_indent_short_lines_and_long_words() -> None:
    from papers.text import wrapped

    text = "short\n  an indented line that is too long\n" + "x" * 30
    assert wrapped(text, 20) == "short\n  an indented line\n  that is too long\n" + "x" * 30
