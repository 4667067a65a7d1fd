"""The README tells the truth: every `$ papers ...` example is run, and must print what the README shows.

Conventions (README.md, "Development", says the same for writers):

- Every ```console block in README.md and docs/*.md is run, in the document's order, in one sandbox per
  document that carries on from block to block, as a reader following the text would.
- A block is left alone only when the line above it is `<!-- not run: WHY -->` (the setup commands,
  which install; the benchmarks, whose figures belong to one machine). docs/cli.md is generated from
  `--help` and kept current by test_docs.py: its blocks are usage synopses (`$ papers list [OPTIONS]`).
- `<!-- run from an empty folder -->` above a block starts the sandbox afresh, with no papers.yaml.
- The sandbox is a clone at ~/papers of a user whose home is /home/me: it holds a copy of the frozen
  catalogue (tests/fixtures/catalogue/papers.yaml) as papers.yaml and the repository's examples/,
  the cache is the default ~/.cache/papers, and arXiv is the local stand-in (tests/arxiv_server.py),
  answering for the catalogue's ids with the titles and years the catalogue already holds; Semantic
  Scholar is tests/s2_server.py, answering from fixtures/semanticscholar/shipped.json (PAPERS_S2_URL).
- A command runs in-process (so coverage counts it) as in a 100-column terminal with NO_COLOR set: stdout
  and stderr say they are a terminal and are line-buffered, as Python makes them there. A command piped
  into `head -N` or `tail -N` gets a pipe for stdout instead (so TSV), and the harness applies the filter.
  A command may start with `EDITOR=...` or `VISUAL=...` (shell-quoted), set for that command only, as a
  shell does; nothing else of a shell is understood. Nothing reaches past 127.0.0.1, and the arXiv client gets the
  injected clock, so the 3 s spacing costs no time.
- What is compared is what the terminal shows at the end (carriage returns and erased lines applied, as
  for rich's transient progress bars; trailing spaces, which no one sees, dropped; the piped part exact),
  after two normalisations only: the sandbox's prefix is dropped from paths (so they read /home/me/...),
  and today's date reads as README_DATE (at README_TIME, when a time of day follows it). A line that is exactly `...` in the README stands for any number
  of lines. A line starting with `Error: ` must come with a non-zero exit code, and only then.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shlex
import shutil
import socket
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from arxiv_server import ArxivServer, Handler, new_entry
from conftest import REPO, SHIPPED
from http_server import FakeClock, serving
from papers.actions import fetch as fetching
from papers.cli import app, state
from papers.sources.http import Transport
from s2_server import Handler as S2Handler
from s2_server import S2Server, paper, shipped_papers

DOCUMENTS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
README_DATE = "2026-11-26"  # the day the README's examples are shown as run on
README_TIME = "14:03"  # and the time of day (of a change in `papers history`)
TODAY_AT = re.compile(rf"\b{README_DATE} \d\d:\d\d\b")
# PAPERS_README_DUMP=FILE writes what every example printed, to paste from when the README changes.
DUMP = Path(os.environ["PAPERS_README_DUMP"]) if os.environ.get("PAPERS_README_DUMP") else None
NOT_RUN = re.compile(r"^<!-- not run: .+ -->$")
# What a command may set for itself before `papers` (the editor `papers edit` runs).
ASSIGNMENT = re.compile(r"(EDITOR|VISUAL)=(.*)", re.DOTALL)
FRESH = "<!-- run from an empty folder -->"

# Examples known to be false today, each with the helper whose slice makes it true. xfail_strict is on:
# an entry whose example has become true fails until it is removed here.
EXPECTED_FAILURES: dict[str, str] = {}


@dataclass
class Example:
    document: Path
    line: int  # 1-based, of the `$ ` line
    command: str
    expected: str
    fresh: bool = False  # the first command of a block that starts from an empty folder

    @property
    def id(self) -> str:
        return f"{self.document.name}:{self.line}"


@dataclass
class Block:
    document: Path
    line: int
    lines: list[str]
    marker: str | None


def console_blocks(document: Path) -> Iterator[Block]:
    lines = document.read_text(encoding="utf-8").splitlines()
    index = 0
    while index < len(lines):
        if lines[index].strip() == "```console":
            end = lines.index("```", index + 1)
            above = lines[index - 1].strip() if index else ""
            yield Block(
                document, index + 1, lines[index + 1 : end], above if above.startswith("<!--") else None
            )
            index = end
        index += 1


def is_synopsis(block: Block) -> bool:
    return block.document.name == "cli.md" and all("[OPTIONS]" in line for line in block.lines)


def examples(document: Path) -> list[Example]:
    found: list[Example] = []
    for block in console_blocks(document):
        if (block.marker and NOT_RUN.match(block.marker)) or is_synopsis(block):
            continue
        assert block.marker in (None, FRESH), f"{document.name}:{block.line}: unknown marker {block.marker}"
        assert block.lines and block.lines[0].startswith("$ "), (
            f"{document.name}:{block.line}: a console block starts with a `$ ` command, or is marked "
            "`<!-- not run: WHY -->`"
        )
        fresh = block.marker == FRESH
        for offset, text in enumerate(block.lines):
            if text.startswith("$ "):
                assert _without_assignments(text[2:]).startswith("papers "), (
                    f"{document.name}:{block.line + offset + 1}: only `papers` commands are run; "
                    "mark the block `<!-- not run: WHY -->` if it is not meant to be"
                )
                found.append(Example(document, block.line + offset + 1, text[2:], "", fresh))
                fresh = False
            else:
                found[-1].expected += text + "\n"
    for example in found:  # a blank line before the next `$ ` only separates the two
        example.expected = example.expected.rstrip("\n") + "\n" if example.expected.strip() else ""
    return found


def _without_assignments(command: str) -> str:
    """The command after any `EDITOR=...` or `VISUAL=...` it starts with."""
    while match := re.match(r"(?:EDITOR|VISUAL)=(?:'[^']*'|\"[^\"]*\"|\S+) +", command):
        command = command[match.end() :]
    return command


ALL = [example for document in DOCUMENTS for example in examples(document)]


# --- the sandbox ------------------------------------------------------------------------------------------


# The real author lists (from the papers' arXiv pages) of the records whose authors an example shows.
# Every other record the stand-in sends is authored by "A. Author", which no example may show.
AUTHORS = {
    "1406.1078": [
        "Kyunghyun Cho",
        "Bart van Merrienboer",
        "Caglar Gulcehre",
        "Dzmitry Bahdanau",
        "Fethi Bougares",
        "Holger Schwenk",
        "Yoshua Bengio",
    ],
    "1409.3215": ["Ilya Sutskever", "Oriol Vinyals", "Quoc V. Le"],
}
# Papers of the shipped list with no id that Semantic Scholar's title match finds (their real DOIs).
RESOLVABLE = [
    ("ImageNet Classification with Deep Convolutional Neural Networks", "10.1145/3065386", 2012,
     ("A. Krizhevsky", "I. Sutskever", "Geoffrey E. Hinton"), "Communications of the ACM"),
    ("Gradient-Based Learning Applied to Document Recognition", "10.1109/5.726791", 1998,
     ("Yann LeCun", "L. Bottou", "Yoshua Bengio", "P. Haffner"), "Proceedings of the IEEE"),
]  # fmt: skip
PUBLISHED = {"1406.1078": "2014-06-03T17:47:08Z", "1409.3215": "2014-09-10T19:55:35Z"}
# Papers the stand-in answers at a later version: id -> (version, that version's date), as arXiv's
# entry gives them (the number in <id>, the date in <updated>; <published> stays v1's).
REVISED = {"1711.05101": (3, "2019-01-04T21:15:51Z")}


def stand_in_entries(catalogue: Path) -> dict[str, bytes]:
    """arXiv's answer for every id in the catalogue: the title and year it already holds (the shipped
    titles are arXiv's own), published in the id's month, the authors from AUTHORS."""
    entries: dict[str, bytes] = {}
    pending: list[dict[str, Any]] = [
        item for section in yaml.safe_load(catalogue.read_text())["sections"] for item in section["items"]
    ]
    while pending:
        item = pending.pop()
        pending.extend(item.get("children") or [])
        if "arxiv" in item and item["arxiv"] not in entries:
            year = item.get("year") or 2000 + int(item["arxiv"][:2])
            published = PUBLISHED.get(item["arxiv"], f"{year}-{item['arxiv'][2:4]}-15T12:00:00Z")
            authors = AUTHORS.get(item["arxiv"], ["A. Author"])
            entry = new_entry(item["arxiv"], item["title"], authors, published)
            if item["arxiv"] in REVISED:
                version, updated = REVISED[item["arxiv"]]
                entry = entry.replace(f"<updated>{published}<".encode(), f"<updated>{updated}<".encode())
                entry = entry.replace(f"{item['arxiv']}v1".encode(), f"{item['arxiv']}v{version}".encode())
            entries[item["arxiv"]] = entry
    return entries


@dataclass
class Sandbox:
    root: Path
    server: ArxivServer
    monkeypatch: pytest.MonkeyPatch
    s2: S2Server | None = None

    @property
    def home(self) -> Path:
        return self.root / "home" / "me"

    def reset(self, with_catalogue: bool) -> None:
        shutil.rmtree(self.root / "home", ignore_errors=True)
        clone = self.home / "papers"
        shutil.copytree(REPO / "examples", clone / "examples")
        if with_catalogue:
            shutil.copyfile(SHIPPED, clone / "papers.yaml")
        self.monkeypatch.chdir(clone)

    def run(self, command: str) -> str:
        words = shlex.split(command, comments=True)
        assignments = {}
        while (assigned := ASSIGNMENT.fullmatch(words[0])) is not None:
            assignments[assigned[1]] = assigned[2]
            words = words[1:]
        piped = words[words.index("|") + 1 :] if "|" in words else None
        argv = words[: words.index("|")] if piped else words
        assert argv[0] == "papers"
        assert piped is None or (len(piped) == 2 and piped[0] in ("head", "tail") and piped[1][1:].isdigit())
        env = {
            "HOME": str(self.home),
            "COLUMNS": "100",
            "NO_COLOR": "1",
            "PAPERS_ARXIV_URL": self.server.api,
            "PAPERS_S2_URL": self.s2.api if self.s2 else "http://127.0.0.1:9/graph/v1",
        }
        for name, value in env.items():
            self.monkeypatch.setenv(name, value)
        for name in (
            "XDG_CACHE_HOME", "PAPERS_FILE", "PAPERS_CACHE_DIR", "FORCE_COLOR", "VISUAL", "EDITOR",
            "SEMANTIC_SCHOLAR_API_KEY",
        ):  # fmt: skip
            self.monkeypatch.delenv(name, raising=False)
        for name, value in assignments.items():
            self.monkeypatch.setenv(name, value)
        code, screen, stdout = invoke(argv[1:], stdout_is_terminal=piped is None)
        if piped:
            lines = stdout.splitlines(keepends=True)
            n = int(piped[1][1:])
            screen += "".join(lines[:n] if piped[0] == "head" else lines[-n:])
        shown = screen.replace(str(self.root), "").replace(dt.date.today().isoformat(), README_DATE)
        shown = TODAY_AT.sub(f"{README_DATE} {README_TIME}", shown)
        erred = any(line.startswith("Error: ") for line in shown.splitlines())
        assert (code != 0) == erred, f"exit {code} for:\n{shown}"
        return shown


class _Stream(io.RawIOBase):
    """One end of a terminal, or a pipe: what is written goes to the screen (in order), or to `piped`."""

    def __init__(self, screen: list[bytes], terminal: bool) -> None:
        self.screen, self.terminal, self.piped = screen, terminal, io.BytesIO()

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return self.terminal

    def write(self, data: Any) -> int:
        (self.screen.append if self.terminal else self.piped.write)(bytes(data))
        return len(data)


def invoke(args: list[str], *, stdout_is_terminal: bool) -> tuple[int, str, str]:
    """Run `papers ARGS` in-process as in a terminal: stderr (and stdout, unless piped) are the terminal,
    line-buffered as Python makes them there, so what is printed appears in the order it was written.
    Returns the exit code, the final screen, and what went into the pipe."""
    screen: list[bytes] = []
    out_raw, err_raw = _Stream(screen, stdout_is_terminal), _Stream(screen, True)
    out = io.TextIOWrapper(out_raw, encoding="utf-8", line_buffering=True)  # type: ignore[arg-type]
    err = io.TextIOWrapper(err_raw, encoding="utf-8", line_buffering=True)  # type: ignore[arg-type]
    state.file = None
    state.debug = False
    saved = sys.stdin, sys.stdout, sys.stderr
    sys.stdin, sys.stdout, sys.stderr = io.StringIO(""), out, err
    try:
        app(args, prog_name="papers")
        code = 0
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 1
    finally:
        out.flush()
        err.flush()
        sys.stdin, sys.stdout, sys.stderr = saved
    written = b"".join(screen).decode("utf-8")
    return code, terminal_screen(written), out_raw.piped.getvalue().decode("utf-8")


_CONTROL = re.compile(r"\n|\r|\x1b\[(\d*)([AK])|\x1b\[\?25[lh]")


def terminal_screen(written: str) -> str:
    """What a terminal shows once the command is done: carriage returns, erased lines and cursor moves
    (rich's transient progress bars) applied, the cursor's show/hide dropped, trailing spaces (invisible)
    dropped. Any other escape sequence stays, visibly: NO_COLOR is set, so none should be there."""
    rows = [""]
    row = column = 0

    def put(text: str) -> None:
        nonlocal column
        line = rows[row].ljust(column)
        rows[row] = line[:column] + text + line[column + len(text) :]
        column += len(text)

    position = 0
    for match in _CONTROL.finditer(written):
        put(written[position : match.start()])
        position = match.end()
        if match[0] == "\n":
            row, column = row + 1, 0
            rows.extend([""] * (row + 1 - len(rows)))
        elif match[0] == "\r":
            column = 0
        elif match[2] == "A":
            row = max(0, row - int(match[1] or 1))
        elif match[2] == "K":
            rows[row] = "" if match[1] == "2" else rows[row][:column]
    put(written[position:])
    return "\n".join(line.rstrip() for line in rows)


LOOPBACK = {"127.0.0.1", "::1", "localhost"}


def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """An example that would reach past 127.0.0.1 fails at once instead (PAPERS_ARXIV_URL must be honoured)."""
    real_connect, real_getaddrinfo = socket.socket.connect, socket.getaddrinfo

    def connect(sock: socket.socket, address: Any) -> None:
        if isinstance(address, tuple) and address[0] not in LOOPBACK:
            raise OSError(f"the README's examples run offline: refused to connect to {address[0]}")
        real_connect(sock, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host not in LOOPBACK:
            raise socket.gaierror(f"the README's examples run offline: refused to look up {host}")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Every example run once, in document order: what each printed, by example id."""
    clock = FakeClock()
    entries = stand_in_entries(SHIPPED)
    pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    server = ArxivServer(url="", clock=clock, entries=entries)
    server.files = {
        f"/pdf/{arxiv_id}{version}": pdf for arxiv_id in [*entries, "1605.08386"] for version in ("", "v1")
    }
    # Semantic Scholar's stand-in: the shipped papers in the recorded shape, references as FIXTURE says.
    s2 = S2Server(url="", clock=clock, papers=shipped_papers())
    for arxiv_id, title, year in (
        ("1605.08386", "Heat-bath random walks with Markov bases", 2016),
        ("2310.06825", "Mistral 7B", 2023),
    ):  # added by earlier examples
        s2.papers[f"ARXIV:{arxiv_id}"] = paper(title, arxiv=arxiv_id, year=year)
    for title, doi, year, authors, venue in RESOLVABLE:  # what `papers resolve` finds by title
        found = paper(title, doi=doi, year=year, authors=authors, venue=venue)
        s2.matches[" ".join(title.lower().split())] = s2.papers[f"DOI:{doi}"] = found
    results: dict[str, str] = {}
    with serving(server, Handler), serving(s2, S2Handler), pytest.MonkeyPatch.context() as monkeypatch:
        offline(monkeypatch)
        # The injected clock, as in test_fetch.py: arXiv's 3 s spacing and retry waits pass without sleeping.
        monkeypatch.setattr(
            fetching,
            "default_transport",
            lambda notify=None: Transport(clock=clock, sleep=clock.sleep, notify=notify),
        )
        sandbox = Sandbox(tmp_path_factory.mktemp("readme"), server, monkeypatch, s2)
        for document in DOCUMENTS:
            runnable = examples(document)
            if runnable:
                sandbox.reset(with_catalogue=not runnable[0].fresh)
            for example in runnable:
                if example.fresh and example is not runnable[0]:
                    sandbox.reset(with_catalogue=False)
                try:
                    results[example.id] = sandbox.run(example.command)
                except Exception as err:  # reported by this example's test; the others still run
                    results[example.id] = f"{type(err).__name__}: {err}"
                if DUMP:
                    with DUMP.open("a", encoding="utf-8") as dump:
                        dump.write(f"=== {example.id} $ {example.command}\n{results[example.id]}")
        yield results


@pytest.mark.parametrize(
    "example",
    [
        pytest.param(e, id=e.id, marks=[pytest.mark.xfail(reason=EXPECTED_FAILURES[e.command])])
        if e.command in EXPECTED_FAILURES
        else pytest.param(e, id=e.id)
        for e in ALL
    ],
)
def test_example_prints_what_the_readme_shows(example: Example, ran: dict[str, str]) -> None:
    if "\n...\n" in f"\n{example.expected}":
        assert matches_with_elision(ran[example.id], example.expected), (
            f"$ {example.command}\n--- the README shows:\n{example.expected}--- it printed:\n{ran[example.id]}"
        )
    else:
        assert ran[example.id] == example.expected, f"$ {example.command}"


def matches_with_elision(actual: str, expected: str) -> bool:
    """A line that is exactly `...` in the README stands for any number of lines (none included)."""
    pattern = "".join(
        r"(?:.*\n)*?" if line == "..." else re.escape(line) + r"\n" for line in expected.splitlines()
    )
    return re.fullmatch(pattern, actual) is not None


def test_elision_matches_whole_lines_only() -> None:
    assert matches_with_elision("a\nb\nc\n", "a\n...\n")
    assert matches_with_elision("a\nc\n", "a\n...\nc\n")
    assert not matches_with_elision("a\nb\nc\n", "a\n...\nb\n")
    assert not matches_with_elision("ab\n", "a...\n")


def test_every_expected_failure_names_a_current_example_and_who_fixes_it() -> None:
    assert set(EXPECTED_FAILURES) <= {example.command for example in ALL}
    assert all(re.match(r"h\d-[a-z]+: ", reason) for reason in EXPECTED_FAILURES.values())


def test_the_development_section_names_every_module_as_it_is() -> None:
    """The layout drawn in README's "Development" is the package's: every module named, none that is gone."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    drawn = readme.split("## Development", 1)[1].split("```\nsrc/papers/\n", 1)[1].split("```", 1)[0]
    package = REPO / "src" / "papers"
    modules = {p.name for p in package.rglob("*.py") if p.name not in ("__init__.py", "__main__.py")}
    folders = {f"{p.name}/" for p in package.rglob("*") if p.is_dir() and (p / "__init__.py").is_file()}
    named = set(re.findall(r"[a-z_]+\.py", drawn.split("\ntests/", 1)[0]))
    assert modules - named == set(), "add these modules to README's Development layout"
    assert named - modules == set(), "these modules are gone: take them out of README's Development layout"
    assert {folder for folder in folders if folder not in drawn} == set()
