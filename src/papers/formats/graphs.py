"""The citation graph as text: Graphviz dot, Mermaid, JSON, and an indented tree (what builds on what).

Plain data in (nodes as (key, title, status), edges as (citing, cited)), text out; no decisions.
Titles are escaped for each language, and control characters never reach the text.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from papers.model.paper import strip_controls

Node = tuple[str, str, str]  # key, title, status
Edge = tuple[str, str]  # citing -> cited


def _short(title: str, width: int = 48) -> str:
    text = " ".join(strip_controls(title).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def to_dot(nodes: Sequence[Node], edges: Sequence[Edge]) -> str:
    """A ``digraph``: paste into Graphviz (``dot -Tsvg``). Done papers are filled."""

    def quoted(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    lines = ["digraph papers {", "  rankdir=BT;", '  node [shape=box, style="rounded"];']
    for key, title, status in nodes:
        style = ', style="rounded,filled", fillcolor="#d8f0d8"' if status == "done" else ""
        label = quoted(key + "\0" + _short(title)).replace("\0", "\\n")  # dot's line break
        lines.append(f"  {quoted(key)} [label={label}{style}];")
    lines += [f"  {quoted(citing)} -> {quoted(cited)};" for citing, cited in edges]
    return "\n".join([*lines, "}"]) + "\n"


def to_mermaid(nodes: Sequence[Node], edges: Sequence[Edge]) -> str:
    """A Mermaid flowchart: paste into a ```mermaid block on GitHub. Ids are n0, n1, ... (keys may hold `-`)."""
    ids = {key: f"n{i}" for i, (key, _, _) in enumerate(nodes)}

    def label(text: str) -> str:
        return "#quot;".join(text.replace("#", "#35;").split('"'))

    lines = ["graph BT"]
    for key, title, status in nodes:
        done = ":::done" if status == "done" else ""
        lines.append(f'  {ids[key]}["{label(key)}: {label(_short(title, 40))}"]{done}')
    lines += [f"  {ids[citing]} --> {ids[cited]}" for citing, cited in edges]
    lines.append("  classDef done fill:#d8f0d8")
    return "\n".join(lines) + "\n"


def to_json(nodes: Sequence[Node], edges: Sequence[Edge]) -> str:
    return json.dumps(
        {
            "nodes": [{"key": k, "title": t, "status": s} for k, t, s in nodes],
            "edges": [{"from": a, "to": b} for a, b in edges],
        },
        indent=2,
        ensure_ascii=False,
    )


def tree_lines(roots: Sequence[str], children: dict[str, list[str]], titles: dict[str, str]) -> list[str]:
    """Each root, then what builds on it, indented; a paper already shown is named again, not expanded."""
    lines: list[str] = []
    shown: set[str] = set()
    stack = [(root, 0) for root in reversed(roots)]
    while stack:  # depth first, without recursion (a chain of 10,000 papers is fine)
        key, depth = stack.pop()
        again = key in shown
        mark = " (see above)" if again and children.get(key) else ""
        lines.append(f"{'  ' * depth}{key}  {_short(titles.get(key, ''), 60)}{mark}")
        if not again:
            shown.add(key)
            stack.extend((child, depth + 1) for child in reversed(children.get(key, [])))
    return lines
