"""papers.yaml is read strictly and written surgically: nothing the user wrote is ever lost."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import SHIPPED, Run, at_once, inserted_lines
from papers.store.parse import Parsed, parse_catalogue

COMMENTED = """\
# My reading list. Comments like this one must survive every command.
title: 'Reading, 2026'

sections:
  # The section I care about most
  - name: Attention
    items:
      - key: flash          # the fast one
        title: "FlashAttention: Fast and Memory-Efficient Exact Attention with IO-Awareness"
        arxiv: '2205.14135'   # single-quoted on purpose
        links: [https://github.com/Dao-AILab/flash-attention]

      - title: Attention Is All You Need   # title before key: my order, keep it
        key: transformer
        remark: |
          Read this first.
          Then the annotated version.
        children:
        - key: bert
          title: BERT
  - name: Vision
    items: []
"""


def test_done_then_undo_leaves_a_commented_file_byte_identical(
    run: Run, write_catalogue: Callable[[str], Path]
) -> None:
    path = write_catalogue(COMMENTED)
    for key in ("flash", "transformer", "bert"):
        assert run("done", key).exit_code == 0
        assert run("undo", key).exit_code == 0
        assert path.read_text() == COMMENTED


def test_done_then_undo_keeps_the_shipped_catalogue_byte_identical(run: Run, catalogue_file: Path) -> None:
    """The shipped file spells out `status: todo`; undo follows that convention."""
    before = catalogue_file.read_bytes()
    assert run("done", "bert", "gqa", "lstm").exit_code == 0
    assert run("undo", "bert", "gqa", "lstm").exit_code == 0
    assert catalogue_file.read_bytes() == before


def test_done_changes_only_the_lines_of_that_item(run: Run, write_catalogue: Callable[[str], Path]) -> None:
    path = write_catalogue(COMMENTED)
    run("done", "flash")
    before, after = COMMENTED.splitlines(), path.read_text().splitlines()
    added = [line for line in after if line not in before]
    assert [line.strip() for line in added] == ["status: done", f"done_on: {_today()}"]
    assert [line for line in after if line not in added] == before
    # The new lines sit inside the item, indented like its other fields, right after its title.
    index = after.index("        status: done")
    assert after[index - 1].startswith('        title: "FlashAttention')


def test_an_existing_status_line_is_edited_in_place_keeping_its_comment(
    run: Run, write_catalogue: Callable[[str], Path]
) -> None:
    text = COMMENTED.replace("key: transformer\n", "key: transformer\n        status: todo   # not yet\n")
    path = write_catalogue(text)
    run("done", "transformer")
    assert "        status: done   # not yet\n" in path.read_text()
    run("undo", "transformer")
    assert path.read_text() == text


def test_an_item_in_a_list_level_with_its_key_is_edited_correctly(
    run: Run, write_catalogue: Callable[[str], Path]
) -> None:
    path = write_catalogue(COMMENTED)
    run("start", "bert")
    assert "        - key: bert\n          title: BERT\n          status: reading\n" in path.read_text()
    assert json.loads(run("show", "bert", "--json").stdout)["status"] == "reading"


def test_edits_keep_windows_line_endings(run: Run, write_catalogue: Callable[[str], Path]) -> None:
    crlf = COMMENTED.replace("\n", "\r\n")
    path = write_catalogue("")
    path.write_bytes(crlf.encode())
    run("done", "flash")
    assert b"        status: done\r\n" in path.read_bytes()
    run("undo", "flash")
    run("done", "flash")
    run("undo", "flash")
    assert b"\n" not in path.read_bytes().replace(b"\r\n", b"")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sections:\n  - name: A\n    items:\n      - key: a\n        title: [unclosed\n", "papers.yaml:6: "),
        (
            "sections:\n  - name: A\n    items:\n      - key: a\n        title: One\n        title: Two\n",
            "papers.yaml:6: duplicate key 'title' (first at line 5). Keep only one of them.",
        ),
        (
            "sections:\n  - name: A\n    items:\n      - key: a\n        title: One\n        status: finished\n",
            "papers.yaml:6: unknown status 'finished'. Use todo, reading or done.",
        ),
        (
            "sections:\n  - name: A\n    items:\n      - key: a\n        status: done\n",
            "papers.yaml:4: an item has no title. Add `title: ...`.",
        ),
        (
            "sections:\n  - name: A\n    items:\n      - key: a\n        title: One\n      - key: a\n        title: Two\n",
            "papers.yaml:6: duplicate key 'a' (first at line 4). Give one a new key.",
        ),
        (
            "sections:\n  - name: A\n    items:\n      - key: Not A Slug\n        title: One\n",
            "papers.yaml:4: key 'Not A Slug' is not a valid key. Use lowercase letters, digits and hyphens.",
        ),
        (
            "sections:\n  - name: A\n    items:\n      - key: a\n        title: !!python/object/apply:os.system [echo hacked]\n",
            "papers.yaml:5: unsupported tag '!!python/object/apply:os.system'. papers reads plain YAML only: remove the tag.",
        ),
        (
            "sections:\n  - name: A\n  - name: a\n",
            "papers.yaml:3: duplicate section 'a' (first at line 2). Merge the two.",
        ),
        ("title: no sections\n", "papers.yaml:1: no `sections:` list. Add one (see docs/schema.md)."),
        ("", "papers.yaml: the file is empty. Start it with a `sections:` list (see docs/schema.md)."),
        (
            "sections:\n  - name: A\n    items:\n      - key: a\n        title: One\n        done_on: yesterday\n",
            "papers.yaml:6: done_on 'yesterday' is not a date. Write it as YYYY-MM-DD.",
        ),
        (
            "- just\n- a list\n",
            "papers.yaml:1: the file should be a mapping of `field: value` lines. Fix its layout.",
        ),
        (
            "sections:\n  - name: A\n    items:\n      - key: a\n        title: One\n        links: &l [https://x.org]\n"
            "      - key: b\n        title: Two\n        links: *l\n",
            "papers.yaml:6: YAML anchors and aliases are not supported. Write the values out.",
        ),
        (
            "sections:\n  - name: A\n    items:\n      - key: a\n        title: One\n        year: nineteen\n",
            "papers.yaml:6: year 'nineteen' is not a number. Write it like 2017.",
        ),
        (
            "sections:\n  - name: A\n    items:\n      - key: a\n        title: One\n        year: "
            + "9" * 5000
            + "\n",
            "papers.yaml:6: year '999999999999...' is not a year. Write it like 2017.",
        ),
        (
            "sections:\n  - name: A\n    items:\n      - key: a\n        title: One\n        year: \u00b2\n",
            "papers.yaml:6: year '\u00b2' is not a number. Write it like 2017.",
        ),
        (
            "sections:\n  - name: A\n    items:\n      - key: a\n        title: One\n        group: maybe\n",
            "papers.yaml:6: group 'maybe' is not true or false. Write true or false.",
        ),
        (
            "sections:\n  - name: A\n    items:\n      - key: a\n        title: ''\n",
            "papers.yaml:5: title is empty. Give it a value.",
        ),
        (
            "sections:\n  - name: A\n    items:\n      - key: a\n        title: [One, Two]\n",
            "papers.yaml:5: title should be a single value. Write it on one line.",
        ),
        (
            "sections:\n  - name: A\n    items: just text\n",
            "papers.yaml:3: items should be a list (lines starting with '- '). Fix its layout.",
        ),
    ],
)
def test_invalid_catalogues_get_one_line_naming_file_and_line(
    run: Run, write_catalogue: Callable[[str], Path], text: str, message: str
) -> None:
    path = write_catalogue(text)
    for args in (("list",), ("done", "a")):
        result = run(*args)
        assert result.exit_code == 1
        assert result.stderr.startswith("Error: " + message)
        assert result.stderr.count("\n") == 1
        assert "Traceback" not in result.stderr
        assert path.read_text() == text


def test_a_catalogue_that_is_not_utf8_is_named(run: Run, write_catalogue: Callable[[str], Path]) -> None:
    path = write_catalogue("")
    path.write_bytes(b"sections:\n  - name: \xff\xfe\n")
    result = run("list")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: papers.yaml")
    assert result.stderr.count("\n") == 1


def test_a_utf16_catalogue_is_refused_with_one_line(run: Run, write_catalogue: Callable[[str], Path]) -> None:
    text = "sections:\n  - name: A\n    items:\n      - key: a\n        title: One\n"
    path = write_catalogue("")
    path.write_bytes(text.encode("utf-16"))  # with its byte-order mark, as Windows editors save it
    for args in (("list",), ("done", "a")):
        result = run(*args)
        assert result.exit_code == 1
        assert (
            result.stderr == "Error: papers.yaml:1: the file is UTF-16 text, not UTF-8. Save it as UTF-8.\n"
        )
    assert path.read_bytes() == text.encode("utf-16")


def test_a_python_tag_is_never_executed(
    run: Run, write_catalogue: Callable[[str], Path], tmp_path: Path
) -> None:
    marker = tmp_path / "pwned"
    write_catalogue(
        "sections:\n  - name: A\n    items:\n      - key: a\n"
        f"        title: !!python/object/apply:os.system ['touch {marker}']\n"
    )
    assert run("list").exit_code == 1
    assert not marker.exists()


def test_a_flow_style_item_is_read_but_not_edited(run: Run, write_catalogue: Callable[[str], Path]) -> None:
    text = "sections:\n  - name: A\n    items:\n      - {key: a, title: One}\n"
    path = write_catalogue(text)
    assert json.loads(run("list", "--json").stdout)[0]["title"] == "One"
    result = run("done", "a")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: papers.yaml:4: 'a' is written in flow style")
    assert path.read_text() == text


def test_a_failed_rename_leaves_the_old_file_and_no_temp_file(
    run: Run, catalogue_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = catalogue_file.read_bytes()

    def interrupted(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", interrupted)
    result = run("done", "bert")
    assert result.exit_code == 1
    assert (
        result.stderr == "Error: could not write papers.yaml: No space left on device. Nothing was changed.\n"
    )
    assert catalogue_file.read_bytes() == before
    assert sorted(p.name for p in catalogue_file.parent.iterdir() if p.name.startswith(".papers.yaml")) == [
        ".papers.yaml.lock"
    ]


def test_a_process_killed_after_writing_the_temp_file_leaves_the_old_file(catalogue_file: Path) -> None:
    """The write is interrupted for real: the process dies between the temp file and the rename."""
    before = catalogue_file.read_bytes()
    code = (
        "import os, sys\n"
        "from papers.cli import main\n"
        "def die(src, dst):\n"
        "    assert open(src, 'rb').read() != open(dst, 'rb').read()\n"
        "    os._exit(9)\n"
        "os.replace = die\n"
        "sys.argv = ['papers', 'done', 'bert']\n"
        "main()\n"
    )
    env = {**os.environ, "PAPERS_FILE": str(catalogue_file)}
    result = subprocess.run([sys.executable, "-c", code], env=env, check=False)
    assert result.returncode == 9
    assert catalogue_file.read_bytes() == before


def test_ten_processes_at_once_tick_ten_papers(catalogue_file: Path) -> None:
    keys = [
        "bert",
        "t5",
        "roberta",
        "reformer",
        "flashattention",
        "longformer",
        "vit",
        "palm",
        "gqa",
        "whisper",
    ]
    items = at_once(*(["done", key] for key in keys))
    assert {items[key]["status"] for key in keys} == {"done"}


def test_an_unchanged_file_is_parsed_once(
    run: Run, catalogue_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from papers.store import load as storage

    assert run("list").exit_code == 0
    calls = []
    original = storage.parse

    def counting(data: bytes | str, label: str = "papers.yaml") -> Parsed:
        if label == "papers.yaml":  # the catalogue itself, not the check of one edited item
            calls.append(1)
        return original(data, label)

    monkeypatch.setattr(storage, "parse", counting)
    run("list")
    run("done", "bert")  # edits the file and refreshes the cache without parsing again
    run("list")
    assert calls == []
    catalogue_file.write_text(
        catalogue_file.read_text().replace("title: Attention Is All You Need", "title: AIAYN")
    )
    assert json.loads(run("show", "transformer", "--json").stdout)["title"] == "AIAYN"
    assert calls == []  # a hand edit inside one item re-reads only that item (store.reparse)
    catalogue_file.write_text(catalogue_file.read_text().replace("title:", "title :", 1))
    run("list")  # the list's own title line is not inside an item: the whole file is parsed
    assert calls == [1]


def test_the_cache_after_an_edit_agrees_with_a_fresh_parse(run: Run, catalogue_file: Path) -> None:
    from papers.store import load as storage

    run("done", "bert", "gqa")
    run("start", "mamba")
    run("undo", "transformer")
    cached = storage.load_catalogue(catalogue_file)
    fresh = parse_catalogue(catalogue_file.read_bytes(), "papers.yaml")
    assert cached.items == fresh.items
    assert cached.sections == fresh.sections


def test_a_cache_chunk_damaged_so_it_still_unmarshals_is_a_miss(run: Run, catalogue_file: Path) -> None:
    """A flipped byte inside a title keeps the chunk valid marshal: its CRC-32 tells it, and the
    listing shows the file's title, not the damaged one."""
    from papers.store import load as storage

    assert run("list").exit_code == 0
    folder = storage._chunk_folder(catalogue_file)
    (damaged,) = [chunk for chunk in folder.iterdir() if b"Attention Is All You Need" in chunk.read_bytes()]
    damaged.write_bytes(damaged.read_bytes().replace(b"Attention Is All", b"Attention Is Zll"))
    storage._recent = None  # this process's remembered entry would hide the damaged file
    assert storage.load_catalogue(catalogue_file)["transformer"].title == "Attention Is All You Need"
    assert "Zll" not in run("list").stdout


@pytest.mark.parametrize(
    ("true", "damaged", "command"),
    [
        (b"Reading, 2026", b"Reading, 2027", ("export",)),  # the catalogue's title
        (b"Vision", b"Visiom", ("progress", "--json")),  # a section's name
    ],
)
def test_a_cache_entry_damaged_so_it_still_unmarshals_is_a_miss(
    run: Run, write_catalogue: Callable[[str], Path], true: bytes, damaged: bytes, command: tuple[str, ...]
) -> None:
    """The entry itself (title, sections, todo memory, outline) is checked by its CRC-32 as a chunk
    is: a changed digit still unmarshals, and would be served as the catalogue."""
    import marshal

    from papers.store import load as storage

    path = write_catalogue(COMMENTED)
    assert run("list").exit_code == 0
    cache = storage._cache_file(path)
    blob = cache.read_bytes()
    assert blob.count(true) == 1
    bad = blob.replace(true, damaged)
    assert damaged.decode() in repr(marshal.loads(bad))  # still a valid entry, but for its CRC-32
    cache.write_bytes(bad)
    storage._recent = None  # this process's remembered entry would hide the damaged file
    assert storage._read_cache(path) is None
    result = run(*command)
    assert result.exit_code == 0
    assert true.decode() in result.stdout
    assert damaged.decode() not in result.stdout
    assert cache.read_bytes() == blob  # the miss parsed papers.yaml and wrote the entry again


@pytest.mark.parametrize(
    "cut",
    [
        lambda blob: blob[:-4],  # the payload whole, its CRC-32 lost: it unmarshals
        lambda blob: blob[:-1],
        lambda blob: blob[: len(blob) // 2],
        lambda blob: b"\0\0\0",  # shorter than a CRC-32
        lambda blob: b"",
    ],
    ids=["no-crc", "last-byte", "half", "three-bytes", "empty"],
)
def test_a_truncated_cache_entry_is_a_miss(
    run: Run, write_catalogue: Callable[[str], Path], cut: Callable[[bytes], bytes]
) -> None:
    from papers.store import load as storage

    path = write_catalogue(COMMENTED)
    assert run("list").exit_code == 0
    cache = storage._cache_file(path)
    blob = cache.read_bytes()
    cache.write_bytes(cut(blob))
    storage._recent = None
    assert storage._read_cache(path) is None
    result = run("export")
    assert (result.exit_code, result.stdout.splitlines()[0]) == (0, "# Reading, 2026")
    assert cache.read_bytes() == blob


def test_a_text_kept_beside_the_cache_entry_is_used_only_if_it_is_the_entry_s(
    run: Run, write_catalogue: Callable[[str], Path]
) -> None:
    """A hand edit is re-read from the text the entry was parsed from (store.reparse), and the items
    outside the lines that differ are taken from the entry. A kept text that is not the entry's
    (here, damaged into holding one of the two edits already) is refused by its digest, and the
    file is parsed whole: else the edit it holds would be taken for unchanged, and lost."""
    from papers.store import load as storage

    path = write_catalogue(COMMENTED)
    assert run("list").exit_code == 0
    bert = path.read_text().replace("title: BERT", "title: BERT, by hand")
    storage._text_file(path).write_text(bert)
    edited = bert.replace("key: flash ", "key: flash2")
    path.write_text(edited)
    storage._recent = None
    shown = json.loads(run("list", "--json").stdout)
    assert {item["key"]: item["title"] for item in shown}["bert"] == "BERT, by hand"
    assert "flash2" in {item["key"] for item in shown}
    assert storage._text_file(path).read_text() == edited  # written again from the parse


def _today() -> str:
    import datetime as dt

    return dt.date.today().isoformat()


# --- structural edits used by `papers import` ------------------------------------------------------


def test_an_item_with_nested_children_is_inserted_and_can_be_extended(
    write_catalogue: Callable[[str], Path],
) -> None:
    from papers.model.catalogue import NewItem
    from papers.store import load as storage

    path = write_catalogue(COMMENTED)
    tree = {
        "key": "gpt",
        "title": "GPT: a title with: colons",
        "status": "done",
        "arxiv": "2005.14165",
        "children": [
            {
                "key": "gpt2",
                "title": "GPT-2",
                "status": "todo",
                "children": [{"key": "gpt3", "title": "GPT-3"}],
            }
        ],
    }
    with storage.editing(path) as editor:
        editor.add_item(NewItem("Attention", "transformer", tree))
        # The nested items are known to the editor at once: more can go under them in the same edit.
        editor.add_item(NewItem("Attention", "gpt2", {"key": "gpt4", "title": "GPT-4", "status": "todo"}))
        editor.add_item(NewItem("Attention", None, {"key": "last", "title": "Last", "status": "todo"}))
    after = path.read_text()
    assert inserted_lines(COMMENTED, after)
    cat = storage.load_catalogue(path)
    assert cat["transformer"].children == ("bert", "gpt")
    assert cat["gpt"].children == ("gpt2",)
    assert cat["gpt2"].children == ("gpt3", "gpt4")
    assert (cat["gpt3"].depth, cat["gpt3"].parent, cat["gpt3"].status) == (3, "gpt2", "todo")
    assert cat["gpt"].title == "GPT: a title with: colons"
    assert cat["gpt"].arxiv == "2005.14165"
    assert cat.sections[0].keys[-1] == "last"
    assert (
        '        - key: gpt\n          title: "GPT: a title with: colons"\n          status: done\n' in after
    )


def test_title_and_notes_are_added_without_touching_other_lines(
    write_catalogue: Callable[[str], Path],
) -> None:
    from papers.store import load as storage

    text = "# mine\n\nsections:   # here\n  - name: A\n    items: []\n  - name: B\n    notes:\n    - old\n    items: []\n"
    path = write_catalogue(text)
    with storage.editing(path) as editor:
        editor.set_title("My list: 2026")
        editor.add_notes(["first note", "second"])
        editor.add_notes(["a remark"], section="A")
        editor.add_notes(["new"], section="B")
    after = path.read_text()
    assert inserted_lines(text, after)
    assert after == (
        '# mine\n\ntitle: "My list: 2026"\nnotes:\n  - first note\n  - second\nsections:   # here\n'
        "  - name: A\n    notes:\n      - a remark\n    items: []\n"
        "  - name: B\n    notes:\n    - old\n    - new\n    items: []\n"
    )
    cat = storage.load_catalogue(path)
    assert (cat.title, cat.notes) == ("My list: 2026", ("first note", "second"))
    assert [s.notes for s in cat.sections] == [("a remark",), ("old", "new")]
    with storage.editing(path) as editor:
        editor.add_notes(["third"])
    assert storage.load_catalogue(path).notes == ("first note", "second", "third")


def test_empty_note_lists_and_titles_are_filled_in_place(write_catalogue: Callable[[str], Path]) -> None:
    from papers.store import load as storage

    path = write_catalogue(
        "title:\nnotes: []\nsections:\n  - name: A\n    notes: [one, two]\n    items: []\n"
    )
    with storage.editing(path) as editor:
        editor.set_title("T")
        editor.add_notes(["x"])
    assert path.read_text().startswith("title: T\nnotes:\n  - x\nsections:\n")
    before = path.read_bytes()
    with (
        pytest.raises(storage.CatalogueError, match=r"papers.yaml:6: `notes` is written on one line"),
        storage.editing(path) as editor,
    ):
        editor.add_notes(["three"], section="A")
    assert path.read_bytes() == before


def test_a_new_catalogue_is_written_in_the_shipped_layout(tmp_path: Path) -> None:
    from papers.store.yamledit.emit import render_catalogue

    data = {
        "title": "Reading",
        "notes": ["a note"],
        "sections": [
            {"name": "One", "notes": ["(TODO: more)"], "items": [
                {"key": "t", "title": "Attention Is All You Need", "status": "done", "arxiv": "1706.03762",
                 "year": 2017, "links": ["https://x.org/a"], "listed_as": "Transformer (2017)",
                 "children": [{"key": "bert", "title": "BERT"}]},
            ]},
            {"name": "Two: empty", "items": []},
        ],
    }  # fmt: skip
    text = render_catalogue(data)
    assert text.split("\n", 4)[4] == (
        "title: Reading\n"
        "notes:\n"
        "  - a note\n"
        "\n"
        "sections:\n"
        "  - name: One\n"
        "    notes:\n"
        '      - "(TODO: more)"\n'
        "    items:\n"
        "      - key: t\n"
        "        title: Attention Is All You Need\n"
        "        status: done\n"
        '        arxiv: "1706.03762"\n'
        "        year: 2017\n"
        "        links:\n"
        "          - https://x.org/a\n"
        "        listed_as: Transformer (2017)\n"
        "        children:\n"
        "          - key: bert\n"
        "            title: BERT\n"
        "            status: todo\n"
        "\n"
        '  - name: "Two: empty"\n'
        "    items: []\n"
    )
    assert text.startswith("# papers.yaml")
    cat = parse_catalogue(text)
    assert [s.name for s in cat.sections] == ["One", "Two: empty"]
    assert cat["bert"].parent == "t"
    assert render_catalogue({"sections": []}).endswith("\nsections: []\n")


def test_a_dry_run_edits_in_memory_only(catalogue_file: Path) -> None:
    from papers.model.catalogue import NewItem
    from papers.store import load as storage

    before = catalogue_file.read_bytes()
    with storage.editing(catalogue_file, dry_run=True) as editor:
        editor.add_item(NewItem("Models", None, {"key": "new", "title": "New", "status": "todo"}))
    assert editor.catalogue["new"].section == "Models"
    assert catalogue_file.read_bytes() == before
    assert not (catalogue_file.parent / ".papers.yaml.lock").exists()


def _papers_imports(module: Path) -> set[str]:
    """Every papers module that `module` imports, at the top or inside a function."""
    import ast

    found: set[str] = set()
    for node in ast.walk(ast.parse(module.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("papers"):
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("papers"))
    return found


def test_the_parser_depends_only_on_the_model_and_the_errors() -> None:
    store = Path(__file__).resolve().parents[1] / "src" / "papers" / "store"
    parser = _papers_imports(store / "parse.py")
    assert parser and all(name == "papers.errors" or name.startswith("papers.model") for name in parser)
    for module in (store / "yamledit").glob("*.py"):
        assert "papers.store.load" not in _papers_imports(module), module.name


@pytest.mark.parametrize(
    "value",
    [
        "~",
        "null",
        "Null",
        "NULL",
        "",
        "nULL",
        "yes",
        "No",
        "2017",
        "0x1F",
        "1e3",
        ".inf",
        "2020-01-02",
        "'~'",
    ],
)
def test_the_parsers_quick_resolver_reads_what_pyyamls_own_reads(
    value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """store.parse gives plain scalars only the tags the builder tells apart (null, text, refused):
    every catalogue must read as it does with PyYAML's resolver, the shipped one included."""
    import yaml

    from papers.errors import CatalogueError
    from papers.store import parse as parsing

    item = f"  - key: a\n    title: T\n    note: {value}\n    remark: {value}\n    year: {value}\n"
    texts = [SHIPPED.read_text(), f"sections:\n- name: A\n  items:\n{item}"]
    outcomes = []
    for loader in (parsing._loader, lambda _: yaml.CSafeLoader):
        monkeypatch.setattr(parsing, "_loader", loader)
        for text in texts:
            try:
                outcomes.append(parsing.parse(text))
            except CatalogueError as err:
                outcomes.append(str(err))
    assert outcomes[:2] == outcomes[2:]


def test_a_catalogue_read_twice_in_one_process_is_decoded_once_while_its_cache_holds(
    catalogue_file: Path,
) -> None:
    from papers.store import load

    load.load_catalogue(catalogue_file)  # fills the parse cache
    first = load.load_catalogue(catalogue_file)
    assert load.load_catalogue(catalogue_file) is first  # remembered: the same bytes, the same cache
    cache = load._cache_file(catalogue_file)
    cache.write_bytes(cache.read_bytes())  # another process rewrote the cache entry
    again = load.load_catalogue(catalogue_file)
    assert again is not first and again == first
    with catalogue_file.open("a", encoding="utf-8") as handle:
        handle.write("# a hand edit\n")
    assert load.load_catalogue(catalogue_file) is not again  # other bytes: never the remembered entry


def test_edits_of_the_same_bytes_in_one_process_split_the_text_once(
    catalogue_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """store.load keeps the last text an edit read or wrote (its lines, digest and text): `papers
    edit` reads an item, then writes it, and a Python caller edits again and again. What an edit
    did to its copy of the lines, written or not, must never reach the next edit."""
    from papers.store import load
    from papers.store.yamledit import buffer as buffer_module

    monkeypatch.setattr(load, "_last_text", None)
    splits: list[int] = []
    real = buffer_module.Buffer.__init__

    def counting(self: buffer_module.Buffer, text: str = "") -> None:
        if text:
            splits.append(len(text))
        real(self, text)

    monkeypatch.setattr(buffer_module.Buffer, "__init__", counting)
    before = catalogue_file.read_text()
    load.edit(catalogue_file, lambda editor: None)  # reads only

    def tick_then_fail(editor: Any) -> None:
        editor.set_fields("bert", {"status": "done"})
        raise RuntimeError("refused")

    with pytest.raises(RuntimeError):
        load.edit(catalogue_file, tick_then_fail)
    load.edit(catalogue_file, lambda editor: editor.set_fields("bert", {"remark": "kept"}))
    assert len(splits) == 1  # the same bytes: split once
    after = load.load_catalogue(catalogue_file)["bert"]
    assert (after.status, after.remark) == (parse_catalogue(before)["bert"].status, "kept")
    load.edit(
        catalogue_file, lambda editor: editor.set_fields("bert", {"remark": None})
    )  # the bytes it wrote
    assert len(splits) == 1
    assert catalogue_file.read_text() == before
    catalogue_file.write_text(before + "# by hand\n")
    load.edit(catalogue_file, lambda editor: editor.set_fields("bert", {"remark": "again"}))
    assert len(splits) == 2  # other bytes: read anew
    assert catalogue_file.read_text().endswith("# by hand\n")
    assert load.load_catalogue(catalogue_file)["bert"].remark == "again"


def test_reading_then_editing_the_same_bytes_hashes_them_once(
    catalogue_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`rename` reads the catalogue, then edits it: the digest of the bytes read is taken once
    (store.load._digest_of compares bytes instead), and that of the bytes written once."""
    from papers.store import load

    monkeypatch.setattr(load, "_last_text", None)
    monkeypatch.setattr(load, "_last_digest", None)
    hashed: list[int] = []
    real = load.blake2b

    def counting(data: bytes, **options: Any) -> Any:
        if options.get("digest_size") == 20:  # a state's digest, not a file name's
            hashed.append(len(data))
        return real(data, **options)

    monkeypatch.setattr(load, "blake2b", counting)
    before = catalogue_file.stat().st_size
    load.load_catalogue(catalogue_file)
    load.edit(catalogue_file, lambda editor: editor.set_fields("bert", {"remark": "read twice"}))
    assert hashed == [before, catalogue_file.stat().st_size]
    assert load.load_catalogue(catalogue_file)["bert"].remark == "read twice"


def _catalogue_of(n: int) -> str:
    items = "".join(
        f"      - key: p{i}\n        title: Paper {i}\n"
        + (f"        children:\n          - key: c{i}\n            title: Child {i}\n" if i % 3 == 0 else "")
        for i in range(n)
    )
    return f"sections:\n  - name: A\n    items:\n{items}  - name: B\n    items:\n      - key: b\n        title: B\n"


def _garbage_left_by(n: int, tmp_path: Path) -> int:
    """How many objects became garbage cycles during an import of n new papers into n, then a move,
    a rename and a removal: with the collector paused for each edit, a cycle lives to the end."""
    import gc

    from papers.actions import reshape, transfer

    catalogue_file = tmp_path / f"cycles-{n}.yaml"
    catalogue_file.write_text(_catalogue_of(n))
    checklist = "# New\n\n## A\n\n" + "".join(f"- [ ] A new paper {i}\n" for i in range(n))
    gc.collect()
    gc.disable()
    try:
        transfer.import_list(catalogue_file, checklist)
        reshape.move(catalogue_file, ["p3"], section="B")
        reshape.rename(catalogue_file, "p6", "renamed")
        reshape.remove(catalogue_file, ["p9"], children="with")
        return gc.collect()
    finally:
        gc.enable()


def test_edits_leave_no_garbage_cycles_that_grow_with_the_catalogue(tmp_path: Path) -> None:
    """store.load.editing pauses the collector for the whole edit, on the word that the edit makes no
    garbage cycles: a closure that called itself for each new item (yamledit.emit) once kept 500,000
    objects alive through an import of 50,000 items (90 MiB of its 357 MiB peak), and one in
    model.reshape the whole tree of a move. Ten times the papers may not leave more cycles."""
    _garbage_left_by(10, tmp_path)  # first imports and caches, once
    small = _garbage_left_by(10, tmp_path)
    large = _garbage_left_by(100, tmp_path)
    assert large <= small + 20, (small, large)
