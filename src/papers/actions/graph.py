"""The citation graph among the catalogue's own papers, and `papers next`: what to read, and why.

An edge A -> B when A cites B and both are in the catalogue, matched by arXiv id or DOI from the
references `papers fetch --source s2` cached (never the network). A paper listed twice is one
node: its first item in list order. Deterministic for a given catalogue and cache.

`next` ranks (the README has a worked example):
1. papers being read (`reading`), in list order;
2. unread papers whose in-list prerequisites (the papers they cite) are all done, by how much of
   the list builds on them (papers citing them, transitively; most first), then priority (high
   first), then section and list order;
3. unread papers with unread prerequisites, the same way, each saying which to read first.
With no citation data at all it is list order, and says how to get better advice.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from papers.model.catalogue import Catalogue, Item


@dataclass
class Graph:
    nodes: list[str]  # canonical keys, in list order
    cites: dict[str, list[str]]  # key -> the in-list papers it cites (list order)
    cited_by: dict[str, list[str]]
    canonical: dict[str, str]  # every item key holding a paper -> its node
    has_data: bool  # whether any item's references are cached
    counts: dict[str, int] | None = None  # influence(), once computed (kept in the graph cache)

    def builds_on(self, key: str) -> list[str]:
        """Every node that cites ``key``, directly or through others (list order)."""
        seen: set[str] = set()
        pending = [key]
        while pending:
            for citer in self.cited_by.get(pending.pop(), ()):
                if citer not in seen and citer != key:
                    seen.add(citer)
                    pending.append(citer)
        return [node for node in self.nodes if node in seen]

    def influence(self) -> dict[str, int]:
        """How many nodes build on each node (transitively): the papers citing it through any path.

        Papers that cite each other round a cycle all build on one another, so the nodes are taken
        a strongly connected component at a time (Tarjan's algorithm over "is cited by", without
        recursion), each after every component that builds on it; a component's reach is a bit set
        (bit i: the i-th node in list order) joined from those before it. Bits are made when used:
        a table of them, one int of up to n bits per node, would be 150 MB at 50,000 nodes.
        """
        if self.counts is not None:
            return self.counts
        place = {node: i for i, node in enumerate(self.nodes)}
        order: dict[str, int] = {}  # when each node was first reached
        low: dict[str, int] = {}
        component_of: dict[str, int] = {}
        reach: list[int] = []  # per component: the nodes building on it, its own left out
        own: list[int] = []
        counts: dict[str, int] = {}
        pending: list[str] = []  # Tarjan's stack: reached, component not yet known
        for root in self.nodes:
            if root in order:
                continue
            order[root] = low[root] = len(order)
            pending.append(root)
            walk: list[tuple[str, int]] = [(root, 0)]
            while walk:
                node, index = walk[-1]
                citers = self.cited_by.get(node, ())
                if index < len(citers):
                    walk[-1] = (node, index + 1)
                    citer = citers[index]
                    if citer not in order:
                        order[citer] = low[citer] = len(order)
                        pending.append(citer)
                        walk.append((citer, 0))
                    elif citer not in component_of:
                        low[node] = min(low[node], order[citer])
                    continue
                walk.pop()
                if walk:
                    above = walk[-1][0]
                    low[above] = min(low[above], low[node])
                if low[node] != order[node]:
                    continue
                component = len(reach)
                found: list[str] = []
                while True:
                    member = pending.pop()
                    component_of[member] = component
                    found.append(member)
                    if member == node:
                        break
                total = 0
                for member in found:
                    for citer in self.cited_by.get(member, ()):
                        other = component_of[citer]
                        if other != component:
                            total |= reach[other] | (own[other] or 1 << place[citer])
                reach.append(total)
                # a component's own bits, kept only for a cycle (a single paper's is one shift)
                own.append(sum(1 << place[member] for member in found) if len(found) > 1 else 0)
                for member in found:
                    counts[member] = total.bit_count() + len(found) - 1
        self.counts = {node: counts[node] for node in self.nodes}
        return self.counts


def paper_id(item: Item) -> str | None:
    """The id an item is matched by: ``arxiv:ID`` or ``doi:DOI`` (as references are cached)."""
    from papers.actions.fetch import item_arxiv_id
    from papers.sources.base import item_doi

    arxiv_id = item_arxiv_id(item)
    if arxiv_id is not None:
        return f"arxiv:{arxiv_id.id}"
    doi = item_doi(item)
    return f"doi:{doi.doi}" if doi is not None else None


def build_graph(catalogue: Catalogue, references: dict[str, tuple[str, ...]] | None = None) -> Graph:
    """The graph among the catalogue's papers; ``references``: id -> cited ids (default: the cache)."""
    if references is None:
        from papers.sources.cache import ScholarCache

        references = ScholarCache().references()
    node_of: dict[str, str] = {}  # paper id -> node
    canonical: dict[str, str] = {}
    nodes: list[str] = []
    for item in catalogue.items:
        if item.group:
            continue
        pid = paper_id(item)
        if pid is None:
            continue
        node = node_of.setdefault(pid, item.key)
        canonical[item.key] = node
        if node == item.key:
            nodes.append(node)
    cites: dict[str, list[str]] = {}
    cited_by: dict[str, list[str]] = {}
    has_data = False
    for pid, node in node_of.items():
        refs = references.get(pid)
        if refs is None:
            continue
        has_data = True
        targets = dict.fromkeys(node_of[r] for r in refs if r in node_of and node_of[r] != node)
        cites[node] = list(targets)
        for target in targets:
            cited_by.setdefault(target, []).append(node)
    order = {node: i for i, node in enumerate(nodes)}
    for lists in (cites, cited_by):
        for keys in lists.values():
            keys.sort(key=order.__getitem__)
    return Graph(nodes, cites, cited_by, canonical, has_data)


_GRAPH_FORMAT = 1


def cached_graph(
    path: Path, catalogue: Catalogue, references: dict[str, tuple[str, ...]] | None = None
) -> Graph:
    """The graph and its influence counts, kept in the cache and rebuilt only when the catalogue file
    (its `store.fileio.identity` and ctime) or the Semantic Scholar records changed (their folder's
    mtime; the folder appearing too): a warm `papers next` reads one file, with or without references."""
    import hashlib
    import marshal
    import os

    from papers.store.fileio import atomic_write_bytes, identity
    from papers.store.paths import cache_dir

    try:
        info = os.stat(path)
    except OSError:
        return build_graph(catalogue, references)
    try:
        records: int | None = os.stat(cache_dir() / "s2").st_mtime_ns
    except OSError:
        # No references fetched yet, the usual case: the graph without edges is kept too (building it
        # parses every item's ids), until the folder appears.
        records = None
    # The file's identity as a write checks it, and its ctime: an edit that keeps size and mtime
    # (cp -p, rsync -t, touch -r) changes that
    stamp: tuple[object, ...] = (_GRAPH_FORMAT, *identity(info), info.st_ctime_ns, records)
    name = hashlib.blake2b(str(path.resolve()).encode(), digest_size=12).hexdigest()
    store = cache_dir() / "graph" / f"{name}.marshal"
    try:
        saved, fields = marshal.loads(store.read_bytes())
        if saved == stamp:
            return Graph(*fields)
    except (OSError, ValueError, EOFError, TypeError):
        pass
    graph = build_graph(catalogue, references)
    if graph.has_data:  # without references `next` is list order and never asks
        graph.influence()
    payload: Any = (
        stamp,
        (graph.nodes, graph.cites, graph.cited_by, graph.canonical, graph.has_data, graph.counts),
    )
    with contextlib.suppress(OSError):
        store.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(store, marshal.dumps(payload))
    return graph


@dataclass(frozen=True)
class Advice:
    item: Item
    reason: str
    influence: int = 0
    waiting_for: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        return {
            "key": self.item.key, "title": self.item.title, "section": self.item.section,
            "status": self.item.status, "reason": self.reason, "builds_on_it": self.influence,
            "read_first": list(self.waiting_for),
        }  # fmt: skip


@dataclass
class Reading:
    advice: list[Advice] = field(default_factory=list)
    has_data: bool = True


def next_papers(
    catalogue: Catalogue, graph: Graph, *, limit: int, chosen: Iterable[Item] | None = None
) -> Reading:
    """The papers to read next, each with its reason (see the module docstring for the ranking)."""
    from papers.model.tags import PRIORITY_RANK

    pool = [i for i in (catalogue.items if chosen is None else chosen) if not i.group and i.status != "done"]
    reading = [Advice(i, "you are reading it") for i in pool if i.status == "reading"]
    todo = [i for i in pool if i.status == "todo" and graph.canonical.get(i.key, i.key) == i.key]
    if not graph.has_data:
        return Reading((reading + [Advice(i, "next in list order") for i in todo])[:limit], has_data=False)
    influence = graph.influence()
    done = {graph.canonical.get(i.key, i.key) for i in catalogue.items if i.status == "done"}
    section_rank = {section.name: n for n, section in enumerate(catalogue.sections)}
    position = {item.key: n for n, item in enumerate(catalogue.items)}
    ready: list[tuple[tuple[int, ...], Advice]] = []
    waiting: list[tuple[tuple[int, ...], Advice]] = []
    for item in todo:
        built = influence.get(item.key, 0)
        unread = tuple(key for key in graph.cites.get(item.key, ()) if key not in done)
        rank = (
            -built,
            PRIORITY_RANK.get(item.priority, 1),
            section_rank.get(item.section, 0),
            position[item.key],
        )
        if unread:
            waiting.append((rank, Advice(item, f"read {_names(unread)} first", built, unread)))
        else:
            cited = graph.cites.get(item.key, ())
            basis = f"what it cites is done ({_names(cited)})" if cited else "cites nothing in your list"
            ready.append((rank, Advice(item, f"{_builds(built)}; {basis}", built)))
    ranked = [a for _, a in sorted(ready, key=lambda r: r[0])] + [
        a for _, a in sorted(waiting, key=lambda r: r[0])
    ]
    return Reading((reading + ranked)[:limit])


def _builds(count: int) -> str:
    if count == 0:
        return "nothing in your list builds on it"
    return f"{count} paper{'s' if count != 1 else ''} in your list build{'s' if count == 1 else ''} on it"


def _names(keys: Sequence[str], most: int = 3) -> str:
    shown = ", ".join(keys[:most])
    return shown + (f" and {len(keys) - most} more" if len(keys) > most else "")


def neighbours(catalogue: Catalogue, key: str, path: Path | None = None) -> tuple[list[str], list[str]]:
    """What an item's paper cites in the list, and what in the list cites it (empty without data).

    Without any cached references there are no edges: nothing to build (building the graph parses
    every item's ids, most of `papers show`'s time at 50,000 items)."""
    from papers.sources.cache import ScholarCache

    references = ScholarCache().references()
    if not references:
        return [], []
    built = build_graph(catalogue, references) if path is None else cached_graph(path, catalogue, references)
    node = built.canonical.get(key)
    if node is None:
        return [], []
    return list(built.cites.get(node, [])), list(built.cited_by.get(node, []))
