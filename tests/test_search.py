"""`papers search`: ranked full-text search over titles, authors, abstracts, notes and remarks."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import Run
from papers.actions import search as searching
from papers.model.paper import PaperMeta
from papers.search import index as search_index
from papers.search.index import Index
from papers.sources.cache import MetadataCache
from papers.store import load as storage


def record(arxiv_id: str, title: str, abstract: str, authors: tuple[str, ...] = ("A. Author",)) -> PaperMeta:
    published = "2020-01-01T00:00:00Z"
    return PaperMeta(
        arxiv_id=arxiv_id, version=1, title=title, authors=authors, abstract=abstract,
        published=published, updated=published, primary_category="cs.CL", categories=("cs.CL",),
        doi=None, journal_ref=None, comment=None,
        pdf_url=f"https://arxiv.org/pdf/{arxiv_id}v1", abs_url=f"https://arxiv.org/abs/{arxiv_id}v1",
    )  # fmt: skip


def found(run: Run, *args: str) -> list[dict[str, Any]]:
    result = run("search", *args, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def keys(run: Run, *args: str) -> list[str]:
    return [hit["key"] for hit in found(run, *args)]


def test_a_title_match_ranks_above_an_abstract_match(run: Run, catalogue_file: Path) -> None:
    # gqa's abstract speaks of FlashAttention; flashattention holds the word in its title.
    MetadataCache().put(record("2305.13245", "GQA", "We compare with flashattention kernels at length."))
    hits = found(run, "flashattention")
    assert [hit["key"] for hit in hits] == ["flashattention", "gqa"]
    assert hits[0]["matched"] == ["title", "listed_as"] and hits[0]["field"] is None
    assert hits[1] == hits[1] | {"matched": ["abstract"], "field": "abstract"}
    assert hits[1]["snippet"] == "We compare with flashattention kernels at length."
    assert hits[0]["score"] < hits[1]["score"]


def test_authors_from_the_metadata_cache_are_searched(run: Run, catalogue_file: Path) -> None:
    MetadataCache().put(record("2205.14135", "FlashAttention", "Fast attention.", ("Tri Dao", "Dan Fu")))
    assert keys(run, "dao", "--field", "authors") == ["flashattention"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("recurrent", ["generating-sequences", "pixelrnn", "rnn", "rtrbm", "ssm"]),
        ("Recurrent NEURAL", ["generating-sequences", "pixelrnn", "rnn"]),  # every word, any case
        ("memory short", ["lstm"]),  # in any order
        ('"short-term memory"', ["lstm"]),  # a phrase
        ('"memory short-term"', []),  # the words, but not in that order
        ("gradient-based OR imagenet", ["alexnet", "lenet"]),
        ("deep convolutional -imagenet", ["vgg"]),
        ("transformer* -attention", None),  # checked below: prefix and negation
    ],
)
def test_query_syntax(run: Run, catalogue_file: Path, query: str, expected: list[str] | None) -> None:
    result = sorted(keys(run, query))
    if expected is not None:
        assert result == expected
    else:
        titles = {hit["key"]: hit["title"].casefold() for hit in found(run, query, "-n", "100")}
        assert "transformer-xl" in titles and "t5" in titles  # "Transformer-XL", "...Transformer"
        assert all("attention" not in title for title in titles.values())
        assert "transformer" not in titles  # "Attention Is All You Need" is excluded


def test_prefix_matches_word_starts_only(run: Run, catalogue_file: Path) -> None:
    assert keys(run, "recur*") == keys(run, "recurrent")
    assert keys(run, "recurrent")[0] == "rnn"  # the title's word outranks the others
    assert keys(run, "ecurrent*") == []


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("OR attention", "OR needs a word on each side, as in 'cnn OR convolution'. Fix the search."),
        ("attention OR", "OR needs a word on each side, as in 'cnn OR convolution'. Fix the search."),
        ("a OR OR b", "OR needs a word on each side, as in 'cnn OR convolution'. Fix the search."),
        ("a OR -b", "OR cannot join an excluded word. Put the -word on its own."),
        ('"open phrase', 'a phrase in the search has no closing ". Close it, as in "a phrase".'),
        ("- -", "'-' in the search has no letters or digits to look for. Leave it out."),
        ('say"what', '\'say"what\' holds a stray ". Put a phrase in quotes, as in "a phrase".'),
        ("at*ten", "'at*ten': a * may only end a word, as in atten*. Move it to the end."),
        ("  ", "the search has no word to look for. Give at least one word."),
        ("x -attention", None),
    ],
)
def test_a_malformed_query_is_one_line_and_exit_2(
    run: Run, catalogue_file: Path, query: str, message: str | None
) -> None:
    result = run("search", "--", query)
    if message is None:
        assert result.exit_code == 0, result.stderr
        return
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"Error: {message}\n"


def test_only_excluded_words_is_refused(run: Run, catalogue_file: Path) -> None:
    result = run("search", "--", "-attention")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: the search has no word to look for (only excluded ones). Give at least one word.\n"
    )


def test_fts_operators_in_the_text_are_only_words(run: Run, catalogue_file: Path) -> None:
    for text in ("NEAR(a b)", "title:attention", "^attention", "gpt-3", "AND", "NOT"):
        assert run("search", "--", text).exit_code == 0, text


def test_filters_section_status_field_and_limit(run: Run, catalogue_file: Path) -> None:
    everything = keys(run, "attention", "-n", "100")
    assert {"transformer", "flashattention"} <= set(everything)
    assert "transformer" not in keys(run, "attention", "--todo", "-n", "100")
    assert set(keys(run, "attention", "--done", "-n", "100")) == {"attention", "transformer"}
    assert keys(run, "attention", "--section", "vision", "-n", "100") == ["infini-attention-2"]
    assert keys(run, "attention", "-n", "2") == everything[:2]
    # The remark says "see also infini-attention...": only the remark field finds it by that.
    assert set(keys(run, "twice", "--field", "remark")) == {"infini-attention", "infini-attention-2"}
    assert keys(run, "twice", "--field", "title") == []
    assert keys(run, "twice", "--field", "notes") == []


def test_refusals(run: Run, catalogue_file: Path) -> None:
    result = run("search", "attention", "--field", "body")
    assert (result.exit_code, result.stderr) == (
        2,
        "Error: unknown field 'body'. Use one of: title, authors, abstract, notes, remark.\n",
    )
    result = run("search", "attention", "--todo", "--done")
    assert (result.exit_code, result.stderr) == (
        2,
        "Error: --todo and --done exclude each other. Use one of them.\n",
    )
    result = run("search", "attention", "--section", "robotics")
    assert result.exit_code == 1 and result.stderr.startswith("Error: no section starts with 'robotics'.")
    result = run("search", "attention", "-n", "0")
    assert result.exit_code == 2


def test_nothing_found_is_a_note_and_exit_0(run: Run, catalogue_file: Path) -> None:
    result = run("search", "zyzzyva")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "no paper matches the search\n")
    assert found(run, "zyzzyva") == []


def test_piped_output_is_plain_tsv(run: Run, catalogue_file: Path) -> None:
    (catalogue_file.parent / "notes").mkdir()
    (catalogue_file.parent / "notes" / "rnn.md").write_text("# RNN\n\nThe vanishing gradient,\tagain.\n")
    result = run("search", "vanishing")
    assert (
        result.stdout == "rnn\ttodo\tRecurrent neural networks\tnotes\t# RNN The vanishing gradient, again.\n"
    )


def test_terminal_output_marks_the_matched_words(run: Run, catalogue_file: Path) -> None:
    (catalogue_file.parent / "notes").mkdir()
    (catalogue_file.parent / "notes" / "rnn.md").write_text("Networks that loop: \x1b[31mred\n")
    plain = run("search", "networks", "loop", env={"FORCE_COLOR": "1", "NO_COLOR": "1", "COLUMNS": "80"})
    assert plain.stdout == (
        "· rnn  Recurrent neural *networks*\n     notes: *Networks* that *loop*: \\x1b[31mred\n"
    )
    coloured = run("search", "networks", "loop", env={"FORCE_COLOR": "1", "COLUMNS": "80"})
    assert "Recurrent neural \x1b[1;33mnetworks\x1b[0m" in coloured.stdout
    narrow = run("search", "networks", env={"FORCE_COLOR": "1", "NO_COLOR": "1", "COLUMNS": "40"})
    assert all(len(line) <= 40 for line in narrow.stdout.splitlines()), narrow.stdout
    assert "· rnn         Recurrent neural *networ…*\n" in narrow.stdout


def test_a_note_edited_outside_papers_is_found_after_the_edit(run: Run, catalogue_file: Path) -> None:
    note = catalogue_file.parent / "notes" / "lstm.md"
    note.parent.mkdir()
    note.write_text("forget gates\n")
    assert keys(run, "gates") == ["lstm"]
    note.write_text("peephole connections, a longer note now\n")
    assert keys(run, "gates") == []
    assert keys(run, "peephole") == ["lstm"]
    note.unlink()
    assert keys(run, "peephole") == []


def test_a_recorded_note_outside_notes_is_not_read(run: Run, write_catalogue: Any, tmp_path: Path) -> None:
    (tmp_path / "secret.md").write_text("password hunter2\n")
    write_catalogue(
        "sections:\n  - name: A\n    items:\n      - key: a\n        title: Paper A\n        note: secret.md\n"
    )
    assert keys(run, "hunter2") == []
    assert keys(run, "paper") == ["a"]


def test_an_item_removed_or_changed_is_gone_from_results(run: Run, catalogue_file: Path) -> None:
    assert keys(run, "gradient-based") == ["lenet"]
    text = catalogue_file.read_text()
    start = text.index("      - key: lenet")
    end = text.index("      - key:", start + 1)
    catalogue_file.write_text(text[:start] + text[end:])
    assert keys(run, "gradient-based") == []
    catalogue_file.write_text(text.replace("Recurrent neural networks", "Loops of neurons"))
    assert "rnn" not in keys(run, "recurrent")
    assert keys(run, "loops") == ["rnn"] and keys(run, "gradient-based") == ["lenet"]


def test_a_search_after_ticking_one_paper_reindexes_only_it(run: Run, catalogue_file: Path) -> None:
    cat = storage.load_catalogue(catalogue_file)
    index = Index(searching.index_path(catalogue_file), warn=pytest.fail)
    try:
        first = searching.sync(index, cat, catalogue_file)
        assert first == (len(cat.items), 0, True)
        assert searching.sync(index, cat, catalogue_file) == (0, 0, False)
        assert run("done", "bert").exit_code == 0
        again = searching.sync(index, storage.load_catalogue(catalogue_file), catalogue_file)
        assert again == (1, 0, False)
    finally:
        index.close()
    assert "bert" in keys(run, "bert", "--done")


def test_the_index_is_under_the_cache_folder_never_beside_the_catalogue(
    run: Run, catalogue_file: Path, tmp_path: Path
) -> None:
    before = set(catalogue_file.parent.iterdir())
    assert run("search", "attention").exit_code == 0
    assert set(catalogue_file.parent.iterdir()) - before == {tmp_path / "cache"}  # $XDG_CACHE_HOME
    databases = list((tmp_path / "cache" / "papers" / "search").glob("*.sqlite"))
    assert databases == [searching.index_path(catalogue_file)]
    with sqlite3.connect(databases[0]) as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)


@pytest.mark.parametrize("damage", [b"this is not a database" * 100, b""])
def test_a_damaged_index_is_rebuilt_with_a_warning(run: Run, catalogue_file: Path, damage: bytes) -> None:
    assert run("search", "attention").exit_code == 0
    path = searching.index_path(catalogue_file)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.write_bytes(damage)
    result = run("search", "recurrent")
    assert result.exit_code == 0
    assert result.stdout.startswith("rnn\t")
    if damage:
        assert result.stderr.startswith(f"warning: the search index {path} was unreadable (")
        assert result.stderr.endswith("): rebuilding it\n") and result.stderr.count("\n") == 1
    assert run("search", "recurrent").stderr == ""


def test_an_index_of_another_format_is_rebuilt(run: Run, catalogue_file: Path) -> None:
    assert run("search", "attention").exit_code == 0
    with sqlite3.connect(searching.index_path(catalogue_file)) as db:
        db.execute("UPDATE meta SET value = '0' WHERE name = 'format'")
    result = run("search", "recurrent")
    assert result.exit_code == 0 and "rebuilding it" in result.stderr


def test_a_table_damaged_after_opening_is_rebuilt(catalogue_file: Path) -> None:
    warnings: list[str] = []
    index = Index(searching.index_path(catalogue_file), warn=warnings.append)
    index.connection.execute("DROP TABLE signatures")
    cat = storage.load_catalogue(catalogue_file)
    try:
        assert searching.sync(index, cat, catalogue_file).rebuilt
    finally:
        index.close()
    assert len(warnings) == 1 and "was damaged (no such table: signatures)" in warnings[0]


@pytest.mark.parametrize("blocker", ["the search folder is a file", "the index is a folder"])
def test_a_cache_folder_that_cannot_hold_the_index_costs_speed_not_the_search(
    run: Run, catalogue_file: Path, blocker: str
) -> None:
    # As a read-only or full cache folder would (tests run as root, which write permissions do not stop).
    path = searching.index_path(catalogue_file)
    path.parent.parent.mkdir(parents=True)
    if blocker == "the index is a folder":
        path.mkdir(parents=True)  # sqlite: unable to open database file (CANTOPEN)
    else:
        path.parent.write_text("not a folder")
    for _ in range(2):  # each search builds its index in memory, and leaves the cache as it was
        result = run("search", "recurrent")
        assert (result.exit_code, result.stderr) == (0, "")
        assert result.stdout.startswith("rnn\t")
    assert path.is_dir() if blocker == "the index is a folder" else path.parent.is_file()


def _sqlite_error(code: int, text: str) -> sqlite3.OperationalError:
    err = sqlite3.OperationalError(text)
    err.sqlite_errorcode = code  # type: ignore[attr-defined]  # as sqlite3 sets it
    return err


def test_an_index_that_cannot_be_written_is_kept_and_searched_in_memory(
    catalogue_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cat = storage.load_catalogue(catalogue_file)
    path = searching.index_path(catalogue_file)
    real_sync = Index._sync

    def read_only(index: Index, *args: Any) -> Any:  # a folder made read-only since the index was
        if index._where != ":memory:":
            raise _sqlite_error(1544, "attempt to write a readonly database")  # READONLY_DIRECTORY
        return real_sync(index, *args)

    warnings: list[str] = []
    index = Index(path, warn=warnings.append)
    monkeypatch.setattr(Index, "_sync", read_only)
    try:
        synced = searching.sync(index, cat, catalogue_file)
        assert synced.indexed == len(cat.items) and synced.rebuilt
        assert [hit.key for hit in index.search("recurrent")][:1] == ["rnn"]
    finally:
        index.close()
    assert warnings == [] and path.exists()  # not damage: not deleted


@pytest.mark.parametrize("failure", ["delete", "create", "damaged again"])
def test_a_damaged_index_that_cannot_be_replaced_is_searched_in_memory(
    catalogue_file: Path, monkeypatch: pytest.MonkeyPatch, failure: str
) -> None:
    path = searching.index_path(catalogue_file)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"this is not a database" * 100)
    real_opened = Index._opened

    def refusing(index: Index) -> sqlite3.Connection:
        if index._where == ":memory:" or not warnings:  # the first open finds the damage
            return real_opened(index)
        if failure == "create":  # a full disk
            raise _sqlite_error(13, "database or disk is full")
        raise _sqlite_error(26, "file is not a database")

    def undeletable(index: Index) -> None:
        raise PermissionError(13, "Permission denied")

    warnings: list[str] = []
    monkeypatch.setattr(Index, "_opened", refusing)
    if failure == "delete":
        monkeypatch.setattr(Index, "_delete", undeletable)
    if failure == "damaged again":
        with pytest.raises(sqlite3.DatabaseError, match="not a database"):
            searching.search(catalogue_file, "recurrent", warn=warnings.append)
        return
    found = searching.search(catalogue_file, "recurrent", warn=warnings.append).found
    assert found[0].item.key == "rnn"
    assert len(warnings) == 1 and "was unreadable (file is not a database): rebuilding it" in warnings[0]


def test_without_fts5_the_error_says_so(
    run: Run, catalogue_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_index, "_FTS", "fts0")  # a module this SQLite lacks, as one without FTS5
    result = run("search", "attention")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: this Python's SQLite ({sqlite3.sqlite_version}) has no FTS5 full-text search, which papers "
        "search needs. Use a Python whose sqlite3 module has FTS5 (python.org and most distributions build it in).\n"
    )


SEARCHER = """
import json, sys
from papers.actions import search
for _ in range(4):
    hits = search.search(sys.argv[1], "attention", limit=100)
    assert {"transformer", "flashattention"} <= {f.item.key for f in hits.found}, hits
print("ok")
"""
WRITER = """
import sys
from papers import actions
for _ in range(4):
    actions.mark(sys.argv[1], ["flashattention", "bert"], "done")
    actions.mark(sys.argv[1], ["flashattention", "bert"], "todo")
print("ok")
"""


def test_concurrent_searches_and_writes_keep_the_index_whole(catalogue_file: Path) -> None:
    env = {**os.environ}
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(catalogue_file)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for code in (SEARCHER, SEARCHER, SEARCHER, WRITER)
    ]
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert (process.returncode, out, err) == (0, "ok\n", "")
    with sqlite3.connect(searching.index_path(catalogue_file)) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        (count,) = db.execute("SELECT count(*) FROM signatures").fetchone()
        (docs,) = db.execute("SELECT count(*) FROM docs").fetchone()
    assert count == docs == len(storage.load_catalogue(catalogue_file).items)


@pytest.mark.parametrize("limit", ["0", "10001", "99999999999999999999"])
def test_a_limit_out_of_range_is_a_usage_error_not_a_traceback(
    run: Run, catalogue_file: Path, limit: str
) -> None:
    result = run("search", "attention", "-n", limit)
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: Invalid value for '--limit' / '-n'")
    assert len(result.stderr.splitlines()) == 1


# --- keeping the index in step cheaply ------------------------------------------------------------


class Builds:
    """Counts what a search computes: the documents it (re)builds and the signatures it takes."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.documents: list[str] = []
        self.signatures = 0
        build, sign = searching._Sources.document, searching._signature

        def document(sources: Any, key: str) -> Any:
            self.documents.append(key)
            return build(sources, key)

        def signature(*args: Any) -> bytes:
            self.signatures += 1
            return sign(*args)

        monkeypatch.setattr(searching._Sources, "document", document)
        monkeypatch.setattr(searching, "_signature", signature)

    def take(self) -> tuple[list[str], int]:
        taken = (sorted(self.documents), self.signatures)
        self.documents, self.signatures = [], 0
        return taken


def rowids(catalogue_file: Path) -> dict[str, int]:
    """Each key's row in the index: a document rebuilt gets a new one."""
    with sqlite3.connect(searching.index_path(catalogue_file)) as db:
        return dict(db.execute("SELECT key, rowid FROM signatures"))


def age(folder: Path, seconds: int = 60) -> None:
    """Make a folder look untouched for a while (a folder changed just now is not trusted)."""
    stamp = os.stat(folder).st_mtime - seconds
    os.utime(folder, (stamp, stamp))


def test_a_search_after_one_done_rebuilds_that_document_alone(
    run: Run, catalogue_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    MetadataCache().put(record("1810.04805", "BERT", "Deep bidirectional transformers."))
    age(MetadataCache().directory)
    builds = Builds(monkeypatch)
    assert keys(run, "bidirectional") == ["bert"]
    papers = len(storage.load_catalogue(catalogue_file).items)
    assert builds.take() == (sorted(storage.load_catalogue(catalogue_file).keys), papers)
    before = rowids(catalogue_file)
    assert keys(run, "bidirectional") == ["bert"]
    assert builds.take() == ([], 0)  # nothing changed: not even a signature is computed
    assert run("done", "bert").exit_code == 0
    assert keys(run, "bidirectional", "--done") == ["bert"]
    assert builds.take() == (["bert"], papers)
    after = rowids(catalogue_file)
    assert after.keys() == before.keys() and after["bert"] != before["bert"]
    assert {k: v for k, v in after.items() if k != "bert"} == {k: v for k, v in before.items() if k != "bert"}
    assert keys(run, "bidirectional", "--done") == ["bert"]
    assert builds.take() == ([], 0)


def test_a_note_edited_in_place_is_rebuilt_alone(
    run: Run, catalogue_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    notes = catalogue_file.parent / "notes"
    notes.mkdir()
    (notes / "lstm.md").write_text("forget gates\n")
    (notes / "rnn.md").write_text("loops\n")
    builds = Builds(monkeypatch)
    assert keys(run, "gates") == ["lstm"]
    builds.take()
    with (notes / "lstm.md").open("a") as note:  # in place: the folder does not change
        note.write("and peepholes\n")
    assert keys(run, "peepholes") == ["lstm"]
    assert builds.take()[0] == ["lstm"]
    (notes / "vgg.md").write_text("zebrafish\n")  # a new note: its paper's document alone
    assert keys(run, "zebrafish") == ["vgg"]
    assert builds.take()[0] == ["vgg"]


@pytest.mark.parametrize("aged", [False, True], ids=["folder just written", "folder untouched for a while"])
def test_a_record_fetched_again_is_rebuilt_alone(
    run: Run, catalogue_file: Path, monkeypatch: pytest.MonkeyPatch, aged: bool
) -> None:
    cache = MetadataCache()
    cache.put(record("1810.04805", "BERT", "Deep bidirectional transformers."))
    cache.put(record("2305.13245", "GQA", "Grouped queries."))
    if aged:
        age(cache.directory)
    builds = Builds(monkeypatch)
    assert keys(run, "grouped") == ["gqa"]
    builds.take()
    cache.put(record("2305.13245", "GQA", "Grouped key-value heads."))  # as papers fetch --refresh writes it
    assert keys(run, "grouped") == ["gqa"] and keys(run, "heads") == ["gqa"]
    assert builds.take()[0] == ["gqa"]
    if aged:
        age(cache.directory)
    assert run("done", "lstm").exit_code == 0  # a catalogue change, the records as they were
    assert keys(run, "heads") == ["gqa"]
    assert builds.take()[0] == ["lstm"]


def test_a_folder_written_just_before_a_search_is_not_trusted(
    run: Run, catalogue_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A coarse clock: a record rewritten within the same tick leaves the folder's mtime as it was.
    cache = MetadataCache()
    cache.put(record("2305.13245", "GQA", "Grouped queries."))
    assert keys(run, "grouped") == ["gqa"]
    stamp = os.stat(cache.directory).st_mtime_ns
    cache.put(record("2305.13245", "GQA", "Grouped key-value heads, a longer abstract."))
    os.utime(cache.directory, ns=(stamp, stamp))
    assert keys(run, "heads") == ["gqa"]


def test_a_state_that_cannot_be_read_costs_only_the_signatures(
    run: Run, catalogue_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert keys(run, "gradient-based") == ["lenet"]
    with sqlite3.connect(searching.index_path(catalogue_file)) as db:
        db.execute("UPDATE meta SET value = ? WHERE name = 'state'", (b"\x00garbage",))
    builds = Builds(monkeypatch)
    result = run("search", "gradient-based")
    assert result.exit_code == 0 and result.stdout.startswith("lenet\t") and result.stderr == ""
    documents, signatures = builds.take()
    assert documents == [] and signatures == len(storage.load_catalogue(catalogue_file).items)
    assert keys(run, "gradient-based") == ["lenet"] and builds.take() == ([], 0)  # the state is saved again


def test_a_catalogue_that_changes_while_it_is_loaded_has_no_digest(catalogue_file: Path) -> None:
    before = searching._file_stamp(catalogue_file)
    assert searching._digest(catalogue_file, before) is not None
    catalogue_file.write_text(catalogue_file.read_text() + "\n")  # a new inode or size: another file
    assert searching._digest(catalogue_file, before) is None
    assert searching._digest(catalogue_file.parent / "gone.yaml", None) is None


def test_the_record_folder_is_the_metadata_caches(catalogue_file: Path) -> None:
    from papers.sources.cache import default_cache_dir

    cat = storage.load_catalogue(catalogue_file)
    assert searching._Sources(cat, catalogue_file).record_folder == default_cache_dir()


def test_equal_scores_are_ordered_by_key_even_across_the_limit(run: Run, write_catalogue: Any) -> None:
    items = "".join(f"      - key: {key}\n        title: Same words here\n" for key in ("d", "b", "c", "a"))
    write_catalogue(f"sections:\n  - name: A\n    items:\n{items}")
    assert keys(run, "same") == ["a", "b", "c", "d"]
    assert keys(run, "same", "-n", "1") == ["a"]  # d has the first row, a the last
    assert keys(run, "same", "-n", "3") == ["a", "b", "c"]


def test_a_warm_search_reads_no_record_and_needs_neither_yaml_nor_rich(catalogue_file: Path) -> None:
    code = (
        "import sys; sys.argv = ['papers', 'search', 'attention']\n"
        "from papers.cli import main\n"
        "try:\n    main()\nexcept SystemExit as exit:\n    assert not exit.code, exit.code\n"
        "sys.stderr.write(' '.join(sorted(sys.modules)))\n"
    )
    env = {**os.environ, "PAPERS_FILE": str(catalogue_file)}
    MetadataCache().put(record("2305.13245", "GQA", "Grouped queries."))
    age(MetadataCache().directory)

    def modules() -> set[str]:
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False
        )
        assert done.returncode == 0, done.stderr
        return set(done.stderr.split("\n")[-1].split())

    assert "papers.sources.cache" in modules()  # the first search reads every record
    assert modules() & {"yaml", "rich", "json", "papers.sources.cache", "papers.actions.fetch"} == set()


def test_a_warm_search_takes_no_write_lock(
    run: Run, catalogue_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert keys(run, "recurrent")[0] == "rnn"
    before = rowids(catalogue_file)
    monkeypatch.setattr(search_index, "_BUSY_MS", 200)
    writer = sqlite3.connect(searching.index_path(catalogue_file), isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")  # another process in the middle of a sync
        result = run("search", "recurrent")
        assert (result.exit_code, result.stderr) == (0, "")
        assert result.stdout.startswith("rnn\t")
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert rowids(catalogue_file) == before


def test_an_index_held_too_long_by_another_writer_is_an_error_not_damage(
    run: Run, catalogue_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert keys(run, "recurrent")[0] == "rnn"
    before = rowids(catalogue_file)
    assert run("done", "rnn").exit_code == 0  # the next search has a document to write
    monkeypatch.setattr(search_index, "_BUSY_MS", 200)
    path = searching.index_path(catalogue_file)
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("PRAGMA busy_timeout = 0")
    try:
        writer.execute("BEGIN IMMEDIATE")
        result = run("search", "recurrent")
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: the search index {path} was held by another papers command for 0.2 s. Try again when it is done.\n"
    )
    assert rowids(catalogue_file) == before  # kept, not deleted as damaged
    assert keys(run, "recurrent", "--done") == ["rnn"]
