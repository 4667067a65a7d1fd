"""What reaches the terminal: control characters shown and never obeyed, views that fit the width,
no escape codes under NO_COLOR, and note previews that read only a bounded regular file in notes/."""

from __future__ import annotations

import io
import json
import os
import re
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import Run
from papers import render, render_show
from papers.model.catalogue import Catalogue, Item, Section, Tally
from papers.notes import PREVIEW_BYTES, note_preview
from papers.text import cell_width, clip, json_safe, one_line, printable
from strategies import TEXT

RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
SGR = re.compile("\x1b\\[[0-9;]*m")


def raw_controls(text: str, *, colour: bool = False) -> list[str]:
    """Control characters that would reach the terminal (our own SGR colour codes allowed if ``colour``)."""
    return RAW_CONTROL.findall(SGR.sub("", text) if colour else text)


# --- escaping ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("\x1b]0;pwned\x07", "\\x1b]0;pwned\\x07"),  # set the window title
        ("\x1b[2J\x1b[H", "\\x1b[2J\\x1b[H"),  # clear the screen
        ("a\rb", "a\\x0db"),  # a carriage return overwrites the line
        ("\x9b31m", "\\x9b31m"),  # C1 CSI, one character
        ("del\x7f", "del\\x7f"),
        ("\x85next", "\\x85next"),
        ("abc\u202edef", "abc\\u202edef"),  # a bidi override reorders what follows
        ("\x00", "\\x00"),
        ("tab\there", "tab\\x09here"),
        ("Schrödinger 注意力 ✎ [x] :fire:", "Schrödinger 注意力 ✎ [x] :fire:"),
    ],
)
def test_printable_shows_control_characters_and_keeps_the_rest(text: str, shown: str) -> None:
    assert printable(text) == shown


def test_printable_can_keep_tabs_and_newlines_for_laid_out_values() -> None:
    assert printable("one\n\x1btwo\tthree", keep_layout=True) == "one\n\\x1btwo\tthree"
    assert one_line("  a\n\tb \x1b ") == "a b \\x1b"


def test_json_keeps_the_data_and_escapes_what_json_dumps_leaves_raw() -> None:
    data = {"title": "a\x1b[2J b\x9b c\x7f d\u202e e\x85 ü"}
    text = render.to_json(data)
    assert raw_controls(text) == []
    assert json.loads(text) == data
    assert json_safe('{"a": 1}') == '{"a": 1}'


def test_cell_width_and_clip_count_terminal_cells() -> None:
    assert cell_width("注意力") == 6
    assert cell_width("e\u0301") == 1  # a combining accent takes no cell
    assert clip("注意力机制", 5) == "注意…"
    assert cell_width(clip("注意力机制", 5)) <= 5
    assert clip("abcdef", 4) == "abc…"
    assert clip("abc", 3) == "abc"
    assert clip("abc", 0) == ""


HOSTILE = r"Attention\e]0;pwned\a Is\e[2J All\x9b31m You\r Need\u202e [bold]x[/bold] :fire:"


@pytest.fixture
def hostile(write_catalogue: Callable[[str], Path]) -> Path:
    """A hand-written catalogue whose title and section carry ESC, BEL, CR, C1 and bidi characters."""
    return write_catalogue(
        "sections:\n"
        '  - name: "Evil\\e[31m section"\n'
        "    items:\n"
        "      - key: evil\n"
        f'        title: "{HOSTILE}"\n'
        '        arxiv: "1706.03762"\n'
        "      - key: plain\n"
        "        title: A plain paper\n"
    )


@pytest.mark.parametrize(
    ("argv", "env", "colour"),
    [
        (["list"], {}, False),
        (["list"], {"FORCE_COLOR": "1", "COLUMNS": "100"}, True),
        (["list"], {"FORCE_COLOR": "1", "NO_COLOR": "1", "COLUMNS": "60"}, False),
        (["list", "--json"], {}, False),
        (["show", "evil"], {}, False),
        (["show", "evil"], {"FORCE_COLOR": "1", "COLUMNS": "100"}, True),
        (["show", "evil", "--json"], {}, False),
        (["progress"], {}, False),
        (["progress"], {"FORCE_COLOR": "1", "COLUMNS": "80"}, True),
        (["progress", "--json"], {}, False),
        (["done", "evil"], {}, False),
        (["done", "nothing\x1b]0;x\x07"], {}, False),  # an error quoting the query
        (["export", "--format", "json"], {}, False),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) else None,
)
def test_nothing_from_the_file_reaches_the_terminal_raw(
    run: Run, hostile: Path, argv: list[str], env: dict[str, str], colour: bool
) -> None:
    result = run(*argv, env=env)
    assert raw_controls(result.stdout, colour=colour) == []
    assert raw_controls(result.stderr) == []
    assert re.search(r"\\(x1b|u001b)", result.stdout + result.stderr)  # shown, not dropped


def test_a_hostile_title_is_shown_escaped_in_the_listing_and_the_message(run: Run, hostile: Path) -> None:
    line = next(line for line in run("list").stdout.splitlines() if "\tevil\t" in line)
    assert line.split("\t")[2] == (
        r"Attention\x1b]0;pwned\x07 Is\x1b[2J All\x9b31m You Need\u202e [bold]x[/bold] :fire:"
    )
    result = run("done", "evil")
    assert result.stderr.startswith(r"done evil: Attention\x1b]0;pwned\x07 Is")
    assert run("done", "nothing\x1b[2J").stderr.startswith("Error: no paper matches 'nothing\\x1b[2J'.")


_FIELD = TEXT | st.sampled_from(["", " ", "a  b", " a", "a ", "a\tb", "a\nb", "a\x85b", "a\u3000b", "\x1f"])


@given(
    st.lists(st.tuples(_FIELD, _FIELD, _FIELD, _FIELD | st.none(), _FIELD, _FIELD | st.none()), max_size=4)
)
def test_the_tsv_listing_is_each_field_as_one_line_whatever_it_holds(
    rows: list[tuple[str, str, str, str | None, str, str | None]],
) -> None:
    items = [
        SimpleNamespace(status=a, key=b, title=c, arxiv=d, section=e, note=f) for a, b, c, d, e, f in rows
    ]
    lines = [
        "\t".join(" ".join(field.split()) for field in (a, b, c, d or "", e, f or ""))
        for a, b, c, d, e, f in rows
    ]
    expected = printable("\n".join(lines), keep_layout=True) + ("\n" if lines else "")
    assert render.render_list_tsv(items) == expected  # type: ignore[arg-type]


def test_the_tsv_listing_knows_every_character_a_split_splits_on() -> None:
    import sys

    splits = {chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()}
    assert set(render._OTHER_WHITESPACE) == splits - {" ", "\t", "\n"}
    assert set(render._OTHER_WHITESPACE_ASCII) == {c for c in splits if c.isascii()} - {" ", "\t", "\n"}


def test_rich_prints_brackets_and_emoji_codes_literally(run: Run, hostile: Path) -> None:
    result = run("show", "evil", env={"FORCE_COLOR": "1", "NO_COLOR": "1", "COLUMNS": "200"})
    assert r"[bold]x[/bold] :fire:" in result.stdout
    assert "Evil\\x1b[31m section" in result.stdout


def test_the_fetch_table_and_tsv_escape_what_the_server_sent() -> None:
    meta = SimpleNamespace(
        arxiv_id="1706.03762", version=1, year=2017, authors=["A\x1b[2J", "B"], title="T\x9b [x] :fire:\x07"
    )
    rows = [(meta, ["evil"], True)]
    assert render.fetched_tsv(rows) == "1706.03762\t2017\tA\\x1b[2J, B\tT\\x9b [x] :fire:\\x07\tevil\n"
    out = io.StringIO()
    render.console(out).print(render.fetched_table(rows))
    assert raw_controls(out.getvalue()) == []
    assert "T\\x9b [x] :fire:\\x07" in out.getvalue()
    assert "evil (cached)" in out.getvalue()


# --- NO_COLOR -----------------------------------------------------------------------------------------


def forced_terminal(monkeypatch: pytest.MonkeyPatch, **env: str) -> io.StringIO:
    monkeypatch.setenv("FORCE_COLOR", "1")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return io.StringIO()


def test_no_color_means_no_escape_codes_in_progress_and_show(monkeypatch: pytest.MonkeyPatch) -> None:
    out = forced_terminal(monkeypatch, NO_COLOR="1")
    rows = [Tally("Optimization", 1, 2)]
    render.console(out).print(render.progress_table(rows, Tally("Total", 1, 2), width=80))
    render.console(out).print(
        render_show.details_table([("key", "flashattention"), ("title", "FlashAttention")])
    )
    assert "█" in out.getvalue() and "flashattention" in out.getvalue()
    assert "\x1b" not in out.getvalue()


def test_without_no_color_a_terminal_gets_styles(monkeypatch: pytest.MonkeyPatch) -> None:
    out = forced_terminal(monkeypatch)
    render.console(out).print(render_show.details_table([("key", "flashattention")]))
    assert "\x1b[1;36m" in out.getvalue()  # the bold cyan label


class _Stream(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.mark.parametrize(
    ("json_", "tty", "env", "chosen"),
    [
        (False, True, {}, "terminal colour"),
        (False, False, {}, "tsv"),
        (True, True, {}, "json"),
        (True, False, {}, "json"),
        (False, True, {"NO_COLOR": "1"}, "terminal"),
        (False, True, {"TERM": "dumb"}, "terminal"),
        (False, False, {"FORCE_COLOR": "1"}, "terminal colour"),
        (False, False, {"FORCE_COLOR": "1", "NO_COLOR": "1"}, "terminal"),
        (True, False, {"FORCE_COLOR": "1"}, "json"),
    ],
)
def test_one_rule_chooses_the_output_format(
    monkeypatch: pytest.MonkeyPatch, json_: bool, tty: bool, env: dict[str, str], chosen: str
) -> None:
    for name in ("FORCE_COLOR", "NO_COLOR", "TERM"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    fmt = render.choose_format(json_, _Stream(tty))
    shown = [name for name in ("json", "terminal", "colour", "tsv") if getattr(fmt, name)]
    assert " ".join(shown) == chosen


@pytest.mark.parametrize("argv", [["progress"], ["show", "plain"], ["list"]])
def test_no_color_from_the_command_line(run: Run, hostile: Path, argv: list[str]) -> None:
    result = run(*argv, env={"FORCE_COLOR": "1", "NO_COLOR": "1", "COLUMNS": "100"})
    assert result.exit_code == 0
    assert "\x1b" not in result.stdout


# --- the terminal view at every width ----------------------------------------------------------------


def item(key: str, title: str, *, parent: str | None = None, depth: int = 0, **fields: object) -> Item:
    return Item(key=key, title=title, section="Papers", parent=parent, depth=depth, **fields)  # type: ignore[arg-type]


def catalogue_of(*items: Item) -> Catalogue:
    return Catalogue(None, (), (Section("Papers", (), tuple(i.key for i in items)),), tuple(items))


LONG = "FlashAttention: Fast and Memory-Efficient Exact Attention with IO-Awareness"  # 75 characters
CAT = catalogue_of(
    item("transformer", "Attention Is All You Need", arxiv="1706.03762", children=("flashattention",)),
    item("flashattention", LONG, parent="transformer", depth=1, arxiv="2205.14135", note="notes/f.md"),
    item("rethinking-generalization", "Understanding deep learning requires rethinking generalization"),
    item("hessian", "Hessian matrix and second-order optimization (BFGS, L-BFGS)"),
)


def view(width: int, catalogue: Catalogue = CAT) -> list[str]:
    return render.render_list_terminal(catalogue, catalogue.items, colour=False, width=width).splitlines()


def row(lines: list[str], key: str) -> str:
    return next(line for line in lines if f" {key} " in line)


@pytest.mark.parametrize("width", [40, 60, 80, 100, 150])
def test_no_row_is_wider_than_the_terminal(width: int) -> None:
    assert max(cell_width(line) for line in view(width)) <= width


def test_the_note_marker_does_not_push_the_arxiv_id_past_the_width() -> None:
    lines = view(100)
    flash = row(lines, "flashattention")
    assert flash.endswith("✎  2205.14135")
    assert len(flash) == 100
    assert flash.index("2205.14135") == row(lines, "transformer").index("1706.03762")


def test_at_60_columns_the_title_gets_the_room_and_the_arxiv_id_goes() -> None:
    lines = view(60)
    assert "1706.03762" not in "\n".join(lines)
    # The key column is capped (16 cells): a longer key pushes only its own row's title.
    assert row(lines, "transformer").index("Attention") == 2 + 2 + 16 + 2
    assert row(lines, "hessian").endswith("  Hessian matrix and second-order optim…")  # 38 cells
    assert len(row(lines, "hessian")) == 60
    assert row(lines, "rethinking-generalization").startswith("  · rethinking-generalization  Understanding")
    assert len(row(lines, "rethinking-generalization")) == 60


def test_at_100_columns_titles_get_62_cells_beside_the_arxiv_id() -> None:
    lines = view(100)  # 4 for the mark, 20 for the capped key column, 12 for the id: 62 left
    assert f"  {LONG[:59]}… ✎  2205.14135" in row(lines, "flashattention")
    assert row(lines, "hessian").endswith("  Hessian matrix and second-order optimization (BFGS, L-BFGS)")


def test_at_150_columns_nothing_is_cut_and_ids_follow_the_longest_title() -> None:
    lines = view(150)
    assert f"{LONG} ✎  2205.14135" in row(lines, "flashattention")
    assert not any("…" in line for line in lines)
    # The longest title (and its mark) is followed directly by its id: no empty run to the far right.
    assert row(lines, "transformer").index("1706.03762") == row(lines, "flashattention").index("2205.14135")


def test_the_list_ends_with_a_legend_of_the_marks(run: Run, hostile: Path) -> None:
    assert view(80)[-2:] == ["", "✓ done  ▸ reading  · todo  ✎ has a note"]
    terminal = run("list", env={"FORCE_COLOR": "1", "NO_COLOR": "1", "COLUMNS": "80"}).stdout
    assert terminal.endswith("\n\n✓ done  ▸ reading  · todo  ✎ has a note\n")
    assert "has a note" not in run("list").stdout  # piped: data only
    assert "✓ done, ▸ reading, · todo, ✎ has a note" in run("list", "--help").stdout


def test_deep_nesting_is_indented_at_most_eight_levels_without_recursion() -> None:
    depth = 5000  # far past the recursion limit
    chain = [
        item(f"p{i}", f"Paper {i}", parent=f"p{i - 1}" if i else None, depth=i, children=(f"p{i + 1}",))
        for i in range(depth)
    ]
    catalogue = catalogue_of(*chain)
    lines = view(80, catalogue)
    assert row(lines, "p0").startswith("  · p0 ")
    assert row(lines, "p3").startswith("        · p3 ")
    assert row(lines, "p4999").startswith("  " + "  " * render.MAX_INDENT + "· p4999 ")
    assert max(map(cell_width, lines)) <= 80
    shown = [catalogue["p10"], catalogue["p4999"]]  # a filtered list indents under shown ancestors only
    assert (
        render.render_list_terminal(catalogue, shown, colour=False, width=80)
        .splitlines()[2]
        .startswith("    · p4999")
    )


@pytest.mark.parametrize(("width", "bar"), [(40, 10), (60, 14), (80, 30), (150, 30)])
def test_the_progress_bar_shrinks_with_the_width(width: int, bar: int, monkeypatch) -> None:
    rows = [Tally("Normalization and Regularization", 1, 2), Tally("New (saw somewhere in twitter)", 0, 23)]
    total = Tally("Total", 1, 25)
    assert render.bar_width(rows, total, width) == bar
    out = forced_terminal(monkeypatch, NO_COLOR="1")
    console = render.console(out)
    console.width = width
    console.print(render.progress_table(rows, total, width=width))
    lines = out.getvalue().splitlines()
    if width >= 60:  # every section on one line, as wide as the terminal at most
        assert len(lines) == 2 + len(rows) + 1
        assert max(len(line.rstrip()) for line in lines) <= width
    assert "█" * round(bar / 2) + "░" * (bar - round(bar / 2)) in out.getvalue()


# --- note previews -----------------------------------------------------------------------------------


@pytest.fixture
def memory_cap() -> Iterator[None]:
    """At most 512 MiB more address space while the test runs: reading /dev/zero fails fast, not by OOM."""
    import resource

    status_file = Path("/proc/self/status")
    if not status_file.exists():  # not Linux: no cheap way to read the address space in use
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    status = status_file.read_text()
    in_use = int(re.search(r"VmSize:\s+(\d+) kB", status).group(1)) * 1024  # type: ignore[union-attr]
    resource.setrlimit(resource.RLIMIT_AS, (in_use + 512 * 1024**2, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "bert.md").write_text("\n# BERT\n\nnotes \x1b[2J here\n" + "x" * 300 + "\n")
    (tmp_path / "secret.txt").write_text("root:hash:secret\n")
    return tmp_path


def preview(folder: Path, note: str):  # type: ignore[no-untyped-def]
    return note_preview(folder / "papers.yaml", note)


def test_a_note_in_notes_shows_its_first_non_blank_lines(folder: Path) -> None:
    shown = preview(folder, "notes/bert.md")
    assert shown.problem is None
    assert shown.lines == ("# BERT", "notes \x1b[2J here", "x" * 120)
    text = render_show.details_text(
        render_show.item_details(CAT, CAT["hessian"]._replace(note="notes/bert.md"), None, shown)
    )
    assert "│ notes \\x1b[2J here" in text


@pytest.mark.posix
@pytest.mark.parametrize(
    ("note", "problem"),
    [
        ("secret.txt", "outside notes/: not shown"),
        ("/etc/passwd", "outside notes/: not shown"),
        ("/dev/zero", "outside notes/: not shown"),
        ("notes/../secret.txt", "outside notes/: not shown"),
        ("notes/link.md", "outside notes/: not shown"),  # a symlink in notes/ that leads out
        ("notes/zero.md", "outside notes/: not shown"),  # a symlink to /dev/zero
        ("notes/folder.md", "not a regular file: not shown"),
        ("notes/nothing.md", "missing"),
        ("notes/loop.md", "unreadable"),
    ],
)
def test_a_note_that_is_not_a_regular_file_inside_notes_is_not_read(
    folder: Path, note: str, problem: str, memory_cap: None
) -> None:
    (folder / "notes" / "link.md").symlink_to(folder / "secret.txt")
    (folder / "notes" / "zero.md").symlink_to("/dev/zero")
    (folder / "notes" / "folder.md").mkdir()
    (folder / "notes" / "loop.md").symlink_to(folder / "notes" / "loop.md")
    assert preview(folder, note).problem == problem
    assert preview(folder, note).lines == ()


@pytest.mark.posix
def test_a_symlink_within_notes_is_followed(folder: Path) -> None:
    (folder / "notes" / "alias.md").symlink_to(folder / "notes" / "bert.md")
    assert preview(folder, "notes/alias.md").lines[0] == "# BERT"


@pytest.mark.posix
def test_a_fifo_in_notes_is_refused_without_blocking(folder: Path) -> None:
    os.mkfifo(folder / "notes" / "fifo.md")
    found = []
    reader = threading.Thread(target=lambda: found.append(preview(folder, "notes/fifo.md")), daemon=True)
    reader.start()
    reader.join(timeout=10)  # a bound for a failing run, not a wait: it returns at once
    assert not reader.is_alive(), "note_preview blocked on a FIFO"
    assert found[0].problem == "not a regular file: not shown"


def test_a_huge_note_is_read_only_as_far_as_the_preview_needs(folder: Path, memory_cap: None) -> None:
    import tracemalloc

    huge = folder / "notes" / "huge.md"
    with open(huge, "wb") as handle:
        handle.write(b"# Huge\n" + b"y" * (PREVIEW_BYTES - 10) + b"\ncut mid-line")
        handle.truncate(64 * 1024**2)  # sparse: 64 MiB of NULs with no newline after the text
    tracemalloc.start()
    try:
        shown = preview(folder, "notes/huge.md")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert shown.lines == ("# Huge", "y" * 120)
    assert peak < 1024**2  # like /dev/zero: a line that never ends is not read to its end


@pytest.mark.posix
def test_show_names_the_reason_a_note_is_not_shown(
    run: Run, write_catalogue: Callable[[str], Path], isolated: Path, memory_cap: None
) -> None:
    (isolated / "secret.txt").write_text("root:hash:secret\n")
    write_catalogue(
        "sections:\n  - name: S\n    items:\n"
        "      - key: a\n        title: A\n        note: secret.txt\n"
        "      - key: b\n        title: B\n        note: /dev/zero\n"
        "      - key: c\n        title: C\n        note: notes/c.md\n"
    )
    result = run("show", "a")
    assert "note     secret.txt (outside notes/: not shown)\n" in result.stdout
    assert "secret" not in result.stdout.replace("secret.txt", "")
    assert "note     /dev/zero (outside notes/: not shown)\n" in run("show", "b").stdout
    assert "note     notes/c.md (missing)\n" in run("show", "c").stdout


def test_a_markdown_export_to_standard_output_shows_control_characters(run: Run, hostile: Path) -> None:
    result = run("export", "--format", "markdown")
    assert result.exit_code == 0
    assert raw_controls(result.stdout) == []
    assert "- [ ] Attention\\x1b]0;pwned\\x07 Is\\x1b[2J" in result.stdout


_json_leaves = st.none() | st.booleans() | st.integers() | st.text() | st.floats(allow_nan=False)
_json_values = st.recursive(
    _json_leaves,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5) | st.integers(), inner, max_size=4)
    ),
    max_leaves=30,
)


@given(_json_values)
def test_indented_json_is_json_dumps_with_indent_2_byte_for_byte(value: object) -> None:
    import json

    from papers.text import indented_json

    assert indented_json(value) == json.dumps(value, indent=2, ensure_ascii=False)


DATED = catalogue_of(
    item("transformer", "Attention Is All You Need", arxiv="1706.03762", status="done"),
    item(
        "gqa",
        "GQA: Training Generalized Multi-Query Transformer Models",
        arxiv="2305.13245",
        status="done",
        done_on="2026-11-26",
    ),
    item(
        "vgg",
        "Very Deep Convolutional Networks for Large-Scale Image Recognition",
        status="done",
        done_on="2026-11-20",
    ),
    item("hessian", "Hessian matrix and second-order optimization (BFGS, L-BFGS)", done_on=None),
)


@pytest.mark.parametrize("width", [40, 60, 80, 100, 150])
def test_the_done_day_column_never_makes_a_row_wider_than_the_terminal(width: int) -> None:
    assert max(cell_width(line) for line in view(width, DATED)) <= width


def test_a_done_day_follows_the_title_and_the_arxiv_id_comes_last() -> None:
    lines = view(100, DATED)
    gqa, vgg = row(lines, "gqa"), row(lines, "vgg")
    assert "  GQA: Training Generalized Multi-Query Transformer Models  " in gqa
    assert gqa.endswith("  2026-11-26  2305.13245") and len(gqa) == 100
    # The days share a column; an undated row keeps its id in the ids' column; no id: the row ends with its day.
    assert vgg.endswith("…  2026-11-20") and vgg.index("2026-11-20") == gqa.index("2026-11-26")
    assert row(lines, "transformer").index("1706.03762") == gqa.index("2305.13245")
    assert row(lines, "hessian").endswith("(BFGS, L-BFGS)")


def test_narrower_the_arxiv_id_goes_first_then_the_day() -> None:
    at_80 = "\n".join(view(80, DATED))
    assert "2026-11-26" in at_80 and "2305.13245" not in at_80
    at_60 = "\n".join(view(60, DATED))
    assert "2026-11-26" not in at_60 and "2305.13245" not in at_60


def test_the_day_of_a_paper_no_longer_done_is_not_shown() -> None:
    # A done_on left behind by a hand edit that set the status back to todo is not a done day.
    stale = catalogue_of(item("gqa", "GQA", status="todo", done_on="2026-11-26"))
    assert "2026-11-26" not in "\n".join(view(100, stale))


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


@given(st.text(alphabet=st.characters(max_codepoint=0x7F)) | st.text())
def test_the_fast_paths_of_printable_and_json_safe_escape_as_the_regex_does(text: str) -> None:
    assert printable(text, keep_layout=True) == RAW_CONTROL.sub(_escaped, text)
    json_raw = "[\x7f-\x9f\u202a-\u202e\u2066-\u2069]"
    assert json_safe(text) == re.sub(json_raw, lambda m: f"\\u{ord(m.group()):04x}", text)
