"""The citation graph among the catalogue's items, `papers graph`, `papers show`'s relations and `papers next`."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import Run
from papers.actions.graph import Graph, build_graph
from papers.sources.cache import ScholarCache
from papers.sources.semanticscholar import record
from papers.store import load as storage
from s2_server import paper, shipped_papers

# a <- b <- c <- d, and d also cites x; b is listed twice (b2); a is done.
CATALOGUE = """\
sections:
  - name: Basics
    items:
      - key: a
        title: Attention
        arxiv: "1706.03762"
        status: done
      - key: x
        title: Xavier init
        doi: 10.5555/x
  - name: Later
    items:
      - key: b
        title: Bert
        arxiv: "1810.04805"
      - key: c
        title: Clip
        arxiv: "2103.00020"
      - key: d
        title: Diffusion
        arxiv: "2112.10752"
      - key: b2
        title: Bert again
        url: https://arxiv.org/abs/1810.04805
      - key: loose
        title: A topic with no id
"""
CITES = {
    "ARXIV:1706.03762": ("DOI:10.5555/x",),
    "ARXIV:1810.04805": ("ARXIV:1706.03762", "ARXIV:9999.99999"),  # a paper not in the list: no edge
    "ARXIV:2103.00020": ("ARXIV:1810.04805",),
    "ARXIV:2112.10752": ("ARXIV:2103.00020", "DOI:10.5555/X", "ARXIV:2112.10752"),  # DOI case, itself
    "DOI:10.5555/x": (),
}


def cache_references(cites: dict[str, tuple[str, ...]]) -> None:
    cache = ScholarCache()
    for asked, cited in cites.items():
        kind, _, value = asked.partition(":")
        ids = {"arxiv": value} if kind == "ARXIV" else {"doi": value}
        cache.put(record(asked, paper(f"Paper {value}", cites=cited, **ids)))  # type: ignore[arg-type]


@pytest.fixture
def cited(write_catalogue: Callable[[str], Path]) -> Path:
    path = write_catalogue(CATALOGUE)
    cache_references(CITES)
    return path


def test_edges_join_items_by_arxiv_id_or_doi_and_a_paper_listed_twice_is_one_node(cited: Path) -> None:
    graph = build_graph(storage.load_catalogue(cited))
    assert graph.nodes == ["a", "x", "b", "c", "d"]
    assert graph.canonical["b2"] == "b"
    assert graph.cites == {"a": ["x"], "b": ["a"], "c": ["b"], "d": ["x", "c"], "x": []}
    assert graph.cited_by == {"x": ["a", "d"], "a": ["b"], "b": ["c"], "c": ["d"]}
    assert graph.builds_on("a") == ["b", "c", "d"]
    assert graph.influence() == {"a": 3, "x": 4, "b": 2, "c": 1, "d": 0}


def test_a_citation_cycle_ends(write_catalogue: Callable[[str], Path]) -> None:
    path = write_catalogue(CATALOGUE)
    cache_references({"ARXIV:1810.04805": ("ARXIV:2103.00020",), "ARXIV:2103.00020": ("ARXIV:1810.04805",)})
    graph = build_graph(storage.load_catalogue(path))
    assert graph.builds_on("b") == ["c"]
    assert set(graph.influence()) == {"a", "x", "b", "c", "d"}


def test_next_reads_what_is_being_read_then_ready_papers_by_what_builds_on_them(
    run: Run, cited: Path
) -> None:
    assert run("start", "d").exit_code == 0
    result = run("next")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout == (
        "d      Diffusion\n"
        "       - you are reading it\n"
        "x      Xavier init\n"
        "       - 4 papers in your list build on it; cites nothing in your list\n"
        "b      Bert\n"
        "       - 2 papers in your list build on it; what it cites is done (a)\n"
        "loose  A topic with no id\n"
        "       - nothing in your list builds on it; cites nothing in your list\n"
        "c      Clip\n"
        "       - read b first\n"
    )


def test_next_is_deterministic_limited_and_filtered(run: Run, cited: Path) -> None:
    first = run("next", "-n", "2", "--json")
    assert first.stdout == run("next", "-n", "2", "--json").stdout
    advice = json.loads(first.stdout)
    assert [a["key"] for a in advice] == ["x", "b"]
    assert advice[1] | {"title": ""} == {
        "key": "b", "title": "", "section": "Later", "status": "todo",
        "reason": "2 papers in your list build on it; what it cites is done (a)", "builds_on_it": 2, "read_first": [],
    }  # fmt: skip
    later = json.loads(run("next", "--section", "later", "--json").stdout)
    assert [a["key"] for a in later] == ["b", "loose", "c", "d"]  # ready first, then those waiting
    assert next(a for a in later if a["key"] == "d")["read_first"] == ["x", "c"]


def test_next_without_citations_is_list_order_and_says_how_to_do_better(
    run: Run, write_catalogue: Callable[[str], Path]
) -> None:
    write_catalogue(CATALOGUE)
    result = run("next", "-n", "2")
    assert result.exit_code == 0
    assert result.stdout == "x  Xavier init\n   - next in list order\nb  Bert\n   - next in list order\n"
    assert result.stderr == (
        "no citation data yet: papers fetch --all --source s2 caches every paper's references, "
        "for advice from citations; until then, list order\n"
    )


def test_show_names_what_it_cites_and_what_cites_it_in_the_list(run: Run, cited: Path) -> None:
    text = run("show", "b").stdout
    assert "cites in your list     a\n" in text
    assert "cited by in your list  c\n" in text
    shown = json.loads(run("show", "b2", "--json").stdout)
    assert (shown["cites_in_list"], shown["cited_by_in_list"]) == (["a"], ["c"])
    assert json.loads(run("show", "loose", "--json").stdout)["cites_in_list"] == []


def test_graph_of_one_paper_is_what_builds_on_it(run: Run, cited: Path) -> None:
    assert run("graph", "a").stdout == "a  Attention\n  b  Bert\n    c  Clip\n      d  Diffusion\n"
    assert run("graph").stdout == (
        "x  Xavier init\n  a  Attention\n    b  Bert\n      c  Clip\n        d  Diffusion\n  d  Diffusion\n"
    )


def test_graph_formats(run: Run, cited: Path) -> None:
    dot = run("graph", "--format", "dot", "--section", "later").stdout
    assert dot == (
        'digraph papers {\n  rankdir=BT;\n  node [shape=box, style="rounded"];\n'
        '  "b" [label="b\\nBert"];\n  "c" [label="c\\nClip"];\n  "d" [label="d\\nDiffusion"];\n'
        '  "c" -> "b";\n  "d" -> "c";\n}\n'
    )
    mermaid = run("graph", "b", "--format", "mermaid").stdout
    assert mermaid == (
        'graph BT\n  n0["b: Bert"]\n  n1["c: Clip"]\n  n2["d: Diffusion"]\n'
        "  n1 --> n0\n  n2 --> n1\n  classDef done fill:#d8f0d8\n"
    )
    data = json.loads(run("graph", "--format", "json").stdout)
    assert {(e["from"], e["to"]) for e in data["edges"]} == {
        ("a", "x"), ("b", "a"), ("c", "b"), ("d", "x"), ("d", "c")
    }  # fmt: skip
    assert data["nodes"][0] == {"key": "a", "title": "Attention", "status": "done"}


def test_graph_errors(run: Run, cited: Path) -> None:
    bad = run("graph", "--format", "png")
    assert (bad.exit_code, bad.stderr) == (2, "Error: --format is tree, dot, mermaid or json, not 'png'.\n")
    loose = run("graph", "loose")
    assert loose.exit_code == 1
    assert (
        loose.stderr
        == "Error: loose has no arXiv id or DOI, so it is in no citation graph. Try papers resolve.\n"
    )


def test_svg_needs_graphviz_and_says_how_to_get_it(
    run: Run, cited: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    result = run("graph", "--svg", str(tmp_path / "g.svg"))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: Graphviz's dot is not installed, so papers cannot draw the SVG.")
    assert not (tmp_path / "g.svg").exists()


@pytest.mark.posix
def test_svg_is_drawn_by_dot(run: Run, cited: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "dot"
    fake.write_text('#!/bin/sh\ntest "$1" = -Tsvg || exit 2\ngrep -c -- "->" | sed "s/.*/<svg>&<\\/svg>/"\n')
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    result = run("graph", "--svg", "g.svg")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "g.svg").read_text() == "<svg>5</svg>\n"  # the five edges went to dot


def test_the_shipped_list_with_recorded_shape_citations(run: Run, catalogue_file: Path) -> None:
    cache = ScholarCache()
    for asked, data in shipped_papers().items():
        cache.put(record(asked, data))
    advice = json.loads(run("next", "-n", "3", "--json").stdout)
    assert [a["key"] for a in advice] == ["zfnet", "r-cnn", "lstm"]
    assert run("next", "-n", "3", "--json").stdout == json.dumps(advice, indent=2) + "\n"
    layernorm = json.loads(run("show", "layernorm", "--json").stdout)
    assert layernorm["cited_by_in_list"] == ["transformer", "t5", "rmsnorm"]
    waiting = json.loads(run("next", "-n", "100", "--json").stdout)
    mamba = next(a for a in waiting if a["key"] == "mamba")
    assert mamba["reason"].startswith("read ") and "s4" in mamba["read_first"]


def test_the_graph_cache_follows_the_catalogue_and_the_records(run: Run, cited: Path) -> None:
    def reasons() -> dict[str, str]:
        return {a["key"]: a["reason"] for a in json.loads(run("next", "--json").stdout)}

    assert reasons()["c"] == "read b first"
    assert run("done", "b").exit_code == 0
    assert reasons()["c"] == "1 paper in your list builds on it; what it cites is done (b)"
    cache_references({"ARXIV:2103.00020": ()})  # c's record, fetched again, cites nothing now
    assert reasons()["c"] == "1 paper in your list builds on it; cites nothing in your list"


def test_the_graph_without_references_is_kept_until_references_are_fetched(
    run: Run, write_catalogue: Callable[[str], Path]
) -> None:
    from papers.store.paths import cache_dir

    write_catalogue(CATALOGUE)
    assert not (cache_dir() / "s2").exists()
    first = json.loads(run("next", "--json").stdout)
    assert {a["reason"] for a in first} == {"next in list order"}
    assert len(list((cache_dir() / "graph").glob("*.marshal"))) == 1  # kept, though it has no edges
    assert json.loads(run("next", "--json").stdout) == first  # read back from the cache
    cache_references(CITES)  # the records' folder appears: the kept graph is stale
    assert json.loads(run("next", "--json").stdout)[0]["reason"] != "next in list order"


def test_the_kept_graph_is_stale_after_an_edit_that_keeps_the_size_and_mtime(
    run: Run, write_catalogue: Callable[[str], Path]
) -> None:
    """Two items of one arXiv id are one paper; giving the second its own id, in the same number of
    bytes and with the old mtime put back (as cp -p or rsync -t leave it), makes it a paper again."""
    path = write_catalogue(
        "sections:\n  - name: S\n    items:\n"
        '      - key: first\n        title: First\n        arxiv: "2101.00001"\n'
        '      - key: second\n        title: Second\n        arxiv: "2101.00001"\n'
    )
    assert [a["key"] for a in json.loads(run("next", "--json").stdout)] == ["first"]
    before = os.stat(path)
    text = path.read_text()
    path.write_text(text[: text.rindex("00001")] + "00002" + text[text.rindex("00001") + 5 :])
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert os.stat(path).st_size == before.st_size
    assert [a["key"] for a in json.loads(run("next", "--json").stdout)] == ["first", "second"]


def test_priority_breaks_a_tie_and_tags_filter(run: Run, write_catalogue: Callable[[str], Path]) -> None:
    write_catalogue(
        "sections:\n  - name: S\n    items:\n"
        '      - key: p\n        title: P\n        arxiv: "2001.00001"\n        tags: [vision]\n'
        '      - key: q\n        title: Q\n        arxiv: "2001.00002"\n        priority: high\n'
    )
    cache_references({"ARXIV:2001.00001": (), "ARXIV:2001.00002": ()})
    assert [a["key"] for a in json.loads(run("next", "--json").stdout)] == ["q", "p"]
    assert [a["key"] for a in json.loads(run("next", "--tag", "Vision", "--json").stdout)] == ["p"]


def test_next_in_a_terminal_cuts_a_long_title_to_the_line_and_piped_keeps_it_whole(
    run: Run, write_catalogue: Callable[[str], Path]
) -> None:
    long_title = "A very long title about attention " * 4
    write_catalogue(CATALOGUE.replace("Xavier init", long_title.strip()))
    whole = run("next", "-n", "1").stdout.splitlines()[0]
    assert whole == "x  " + long_title.strip()
    cut = run("next", "-n", "1", env={"FORCE_COLOR": "1", "NO_COLOR": "1", "COLUMNS": "60"}).stdout
    first, reason = cut.splitlines()
    assert first == "x  " + long_title.strip()[:56] + "…"
    assert len(first) == 60
    assert reason == "   - next in list order"


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 30).flatmap(lambda n: st.sets(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)))))
def test_influence_counts_every_paper_that_builds_on_each_one_through_any_path(
    edges: set[tuple[int, int]],
) -> None:
    """influence() against a plain search from each node over "is cited by" (cycles included)."""
    nodes = [f"p{i}" for i in range(max((max(e) for e in edges), default=0) + 1)]
    cites: dict[str, list[str]] = {}
    cited_by: dict[str, list[str]] = {}
    for a, b in sorted(edges):
        if a != b:
            cites.setdefault(nodes[a], []).append(nodes[b])
            cited_by.setdefault(nodes[b], []).append(nodes[a])
    graph = Graph(nodes, cites, cited_by, {n: n for n in nodes}, bool(edges))
    assert graph.influence() == {node: len(graph.builds_on(node)) for node in nodes}
