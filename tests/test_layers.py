"""The import rules of README's Development section, checked on the source itself.

Imports point down: cli -> actions -> (store, sources, formats, search, notes) -> model -> errors.
Every import counts, at the top of a module, inside a function or under TYPE_CHECKING: a lazy import
upwards is still a dependency upwards.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "papers"

# What each part of the package may import besides itself (and the package root's __version__).
# A part is a subpackage (papers.model) or a top-level module (papers.text).
_BOTTOM = {"errors", "text", "json_text"}
_MIDDLE = {"store", "sources", "formats", "search", "notes"}
ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "text": set(),
    "json_text": {"text"},
    "model": {"errors"},
    "store": {"model", *_BOTTOM},
    "formats": {"model", *_BOTTOM},
    "search": {"model", *_BOTTOM},
    "sources": {"model", *_BOTTOM},  # and store's file primitives: SIDEWAYS below
    "notes": {"model", "store", *_BOTTOM},
    "render": {"model", *_BOTTOM},
    "render_show": {"render", "model", "notes", *_BOTTOM},
    "render_find": {"render", "model", *_BOTTOM},
    "render_calendar": {"model", *_BOTTOM},
    "actions": {"model", *_MIDDLE, *_BOTTOM},
    "cli": {
        "actions",
        "render",
        "render_find",
        "render_show",
        "render_calendar",
        "model",
        *_MIDDLE,
        *_BOTTOM,
    },
    "__main__": {"cli"},
    "papers": {"model", "store"},  # the small public API names a few things, imported when first used
}
# The one sideways step in the middle: the metadata caches and PDF downloads write files through
# the store's atomic writes and find the cache folder where the store does.
SIDEWAYS = {"sources": {"papers.store.fileio", "papers.store.paths"}}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_module(name: str) -> bool:
    path = SRC.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def papers_imports(path: Path) -> set[str]:
    """The papers modules `path` imports, anywhere in it; `from papers.x import y` names papers.x.y
    when y is a module, else papers.x."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}: relative import"
            base = node.module or ""
            if base == "papers" or base.startswith("papers."):
                for alias in node.names:
                    sub = f"{base}.{alias.name}"
                    found.add(sub if _is_module(sub) else base)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name == "papers" or a.name.startswith("papers."))
    return found


def _part(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "papers"


def import_graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    return {_module_name(path): papers_imports(path) for path in sorted(package.rglob("*.py"))}


def layer_violations(graph: dict[str, set[str]]) -> list[str]:
    bad = []
    for module, imported in sorted(graph.items()):
        part = _part(module)
        allowed = ALLOWED.get(part)
        if allowed is None:
            bad.append(f"{module}: a part the rules do not name ({part})")
            continue
        for target in sorted(imported):
            other = _part(target)
            if other == part or target == "papers":  # the package root: papers.__version__
                continue
            if other not in allowed and target not in SIDEWAYS.get(part, set()):
                bad.append(f"{module} -> {target}")
    return bad


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected sets of more than one module (Tarjan), each a cycle of imports."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in graph.get(node, ()):
            if target not in graph or target == node:
                continue
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_imports_point_down() -> None:
    graph = import_graph()
    assert len(graph) > 80
    assert layer_violations(graph) == []


def test_the_model_imports_only_the_model_and_the_errors() -> None:
    for module, imported in import_graph().items():
        if module.startswith("papers.model"):
            assert all(name == "papers.errors" or name.startswith("papers.model") for name in imported), (
                module
            )


def test_no_import_cycles() -> None:
    assert cycles(import_graph()) == []


@pytest.mark.parametrize(
    ("module", "imports", "wrong"),
    [
        (
            "papers.model.query",
            {"papers.sources.arxiv.ids"},
            "papers.model.query -> papers.sources.arxiv.ids",
        ),
        (
            "papers.formats.markdown",
            {"papers.sources.base"},
            "papers.formats.markdown -> papers.sources.base",
        ),
        ("papers.store.load", {"papers.actions.mark"}, "papers.store.load -> papers.actions.mark"),
        ("papers.sources.web", {"papers.store.load"}, "papers.sources.web -> papers.store.load"),
        ("papers.sources.cache", {"papers.store.fileio", "papers.model.paper", "papers"}, None),
        ("papers.actions.mark", {"papers.cli.app"}, "papers.actions.mark -> papers.cli.app"),
        ("papers.errors", {"papers.text"}, "papers.errors -> papers.text"),
    ],
)
def test_the_rule_sees_an_upward_or_sideways_import(
    module: str, imports: set[str], wrong: str | None
) -> None:
    assert layer_violations({module: imports}) == ([wrong] if wrong else [])


def test_the_scan_sees_lazy_imports_and_from_imports_of_modules(tmp_path: Path) -> None:
    source = tmp_path / "m.py"
    source.write_text(
        "from papers import errors, __version__\n"
        "def f():\n    from papers.actions import fetch\n    import papers.cli.app\n"
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from papers.store.load import editing\n"
    )
    assert papers_imports(source) == {
        "papers.errors",
        "papers",
        "papers.actions.fetch",
        "papers.cli.app",
        "papers.store.load",
    }


def test_a_cycle_is_found() -> None:
    graph = {
        "papers.a": {"papers.b"},
        "papers.b": {"papers.c"},
        "papers.c": {"papers.a"},
        "papers.d": {"papers.a"},
    }
    assert cycles(graph) == [["papers.a", "papers.b", "papers.c"]]


# Where each library papers depends on may be imported (README: typer only in cli/, PyYAML only in
# store/, httpx only in sources/http.py, rich only in the renderers and cli/).
LIBRARIES = {
    "typer": ("papers.cli",),
    "yaml": ("papers.store",),
    "httpx": ("papers.sources.http",),
    "rich": (
        "papers.render",
        "papers.render_show",
        "papers.render_find",
        "papers.render_calendar",
        "papers.cli",
    ),
    "arxiv": ("papers.sources.arxiv",),
    "markdown_it": ("papers.formats",),
    "bibtexparser": ("papers.formats",),
    "rapidfuzz": ("papers.model",),
}


def library_imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    return found - set(sys.stdlib_module_names) - {"papers"}


def _inside(module: str, homes: tuple[str, ...]) -> bool:
    return any(module == home or module.startswith(home + ".") for home in homes)


def test_each_library_is_imported_only_where_the_rules_say() -> None:
    misplaced = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = _module_name(path)
        for library in sorted(library_imports(path)):
            homes = LIBRARIES.get(library)
            if homes is None or not _inside(module, homes):
                misplaced.append(f"{module} imports {library}")
    assert misplaced == []
    assert not _inside("papers.render_fetch", ("papers.render",)) and _inside(
        "papers.cli.app", ("papers.cli",)
    )
