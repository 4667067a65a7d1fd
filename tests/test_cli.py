"""The command line as a whole: finding the catalogue, help, errors, exit codes, completion."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, Run


def test_help_lists_every_command(run: Run) -> None:
    result = run("--help")
    assert result.exit_code == 0
    for name in ("list", "done", "undo", "start", "progress", "show", "add", "path"):
        assert name in result.stdout


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


def test_completion_can_be_installed(run: Run) -> None:
    result = run("--help")
    assert "--install-completion" in result.stdout


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
        ["add", "A new paper", "--section", "Models"],
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


def test_path_without_a_catalogue_still_names_the_cache_and_exits_1(run: Run, monkeypatch, isolated) -> None:
    monkeypatch.delenv("PAPERS_FILE")
    result = run("path")
    assert result.exit_code == 1
    assert result.stdout == f"catalogue\t(none found)\ncache\t{isolated / 'cache' / 'papers'}\n"
    assert result.stderr.startswith("no papers.yaml in ")
