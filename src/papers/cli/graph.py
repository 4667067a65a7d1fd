"""How the papers relate: resolve (ids for items that have none), graph (who cites whom), next."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from papers import render
from papers.cli.app import JsonOpt, SectionOpt, catalogue_path, command, complete_key, error, note
from papers.errors import PapersError, UsageError
from papers.store import load as storage
from papers.text import clip, printable


@command("resolve")
def resolve(
    queries: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[QUERY]...",
            help="Items to look up (keys or parts of titles), as in `papers done`.",
            autocompletion=complete_key,
            show_default=False,
        ),
    ] = None,
    every: Annotated[bool, typer.Option("--all", help="Every item with neither arXiv id nor DOI.")] = False,
    yes: Annotated[
        bool,
        typer.Option("--yes", "-y", help="Write every match of similarity 0.90 or more, without asking."),
    ] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", "-n", help="Only show the candidates.")] = False,
    json_: JsonOpt = False,
) -> None:
    """Find the arXiv id or DOI of items that have neither, by their title.

    Each title is asked of Semantic Scholar (its best title match) and of arXiv (a title
    search, every word required), and each candidate is shown with its similarity to your
    title (0 to 1, after dropping case and punctuation). Only a match of 0.90 or more can be
    written, as `arxiv:` (if the paper is on arXiv) or `doi:`: in a terminal papers asks
    first; `--yes` writes them without asking; `--dry-run` writes nothing. A topic that is
    not a paper ("Recurrent neural networks") finds nothing, and says so. Then `papers fetch`
    fills in authors, year and the rest.

    Example: papers resolve alexnet lenet --dry-run
    """
    from papers.actions import fetch as fetching
    from papers.actions import resolve as resolving

    if not queries and not every:
        raise UsageError("give at least one query, or --all. See papers resolve --help")
    if yes and dry_run:
        raise UsageError("--yes and --dry-run exclude each other. Use one of them")
    path = catalogue_path()
    items = resolving.unresolved(storage.load_catalogue(path), queries or [], every=every)
    if not items:
        note("nothing to resolve: every item named has an arXiv id or a DOI")
        return
    with fetching.default_transport(note) as transport:
        found = resolving.look_up(items, transport)
    for one in found:
        for err in one.errors:
            error(f"{one.item.key}: {err}")
    accepted = _choose(found, yes=yes, dry_run=dry_run or json_, show=not json_)
    if json_:
        payload = [
            {"key": r.item.key, "title": r.item.title, "candidates": [c.to_json() for c in r.candidates]}
            for r in found
        ]
        sys.stdout.write(render.to_json(payload) + "\n")
    written = resolving.write(path, accepted)
    for key in written:
        fields = accepted[key].fields
        note(f"updated {key}: {', '.join(f'{k} {v}' for k, v in fields.items())}")
    if written:
        note(f"now run: papers fetch {' '.join(written)}")
    if any(one.errors for one in found):
        raise typer.Exit(max(err.exit_code for one in found for err in one.errors))


def _choose(found: list[Any], *, yes: bool, dry_run: bool, show: bool) -> dict[str, Any]:
    """Show every item's candidates; return the ones to write (asked for in a terminal)."""
    accepted: dict[str, Any] = {}
    asking = not (yes or dry_run) and render.is_terminal(sys.stdin) and render.is_terminal(sys.stderr)
    for one in found:
        if show:
            _show(one)
        best = one.best
        if best is None or dry_run:
            continue
        if yes or (asking and typer.confirm(f"  write {_what(best)} to {one.item.key}?", err=True)):
            accepted[one.item.key] = best
    if not (yes or dry_run or asking) and any(one.best for one in found):
        note(
            "nothing written: run in a terminal to be asked, or add --yes to accept the matches of 0.90 or more"
        )
    return accepted


def _what(candidate: Any) -> str:
    return f"arxiv: {candidate.arxiv}" if candidate.arxiv else f"doi: {candidate.doi}"


def _show(one: Any) -> None:
    from papers.text import printable

    title = printable(one.item.title)
    if not one.candidates:
        _out(f"{one.item.key}: no paper found for {title!r}")
        return
    _out(f"{one.item.key}: {title}")
    for candidate in one.candidates:
        verdict = "match" if candidate.confident else "too different: not written"
        ident = (
            (f"arXiv:{candidate.arxiv}" if candidate.arxiv else f"DOI:{candidate.doi}")
            if (candidate.arxiv or candidate.doi)
            else "no id"
        )
        year = f" ({candidate.year})" if candidate.year else ""
        _out(
            f"  {candidate.similarity:.2f}  {ident}  {printable(candidate.title)}{year}  [{candidate.source}; {verdict}]"
        )


def _out(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


NO_GRAPH = "no citation data yet: papers fetch --all --source s2 caches every paper's references"


@command("graph")
def graph(
    query: Annotated[
        str | None,
        typer.Argument(
            metavar="[QUERY]",
            help="Only what builds on this paper (cites it, transitively).",
            autocompletion=complete_key,
            show_default=False,
        ),
    ] = None,
    section: SectionOpt = None,
    format_: Annotated[
        str, typer.Option("--format", "-t", help="tree, dot (Graphviz), mermaid (GitHub) or json.")
    ] = "tree",
    svg: Annotated[
        Path | None,
        typer.Option("--svg", help="Draw it with Graphviz's dot into this SVG file.", dir_okay=False),
    ] = None,
) -> None:
    """The citation graph among your papers: an edge A -> B when A cites B and both are listed.

    From the references `papers fetch --source s2` cached (never the network); a paper
    listed twice is one node. The tree starts from each foundation (a paper that cites
    nothing in your list) and shows under each paper what builds on it (cites it); with
    QUERY, only that paper and what cites it, transitively. dot pastes into Graphviz,
    mermaid into a mermaid block on GitHub; --svg draws it with Graphviz's dot, if installed.

    Example: papers graph transformer --format mermaid
    """
    from papers.actions import graph as graphs
    from papers.formats import graphs as text
    from papers.model.catalogue import find_section
    from papers.model.query import find_paper

    if format_ not in ("tree", "dot", "mermaid", "json"):
        raise UsageError(f"--format is tree, dot, mermaid or json, not {format_!r}")
    path = catalogue_path()
    catalogue = storage.load_catalogue(path)
    built = graphs.cached_graph(path, catalogue)
    if not built.has_data:
        note(NO_GRAPH)
    keep = set(built.nodes)
    roots: list[str] | None = None
    if query is not None:
        node = built.canonical.get(find_paper(catalogue, query)[0].key)
        if node is None:
            raise PapersError(
                f"{query} has no arXiv id or DOI, so it is in no citation graph. Try papers resolve"
            )
        keep, roots = {node, *built.builds_on(node)}, [node]
    if section is not None:
        name = find_section(catalogue, section).name
        keep = {key for key in keep if catalogue[key].section == name}
    nodes = [(k, catalogue[k].title, catalogue[k].status) for k in built.nodes if k in keep]
    edges = [(a, b) for a in built.nodes if a in keep for b in built.cites.get(a, []) if b in keep]
    if svg is not None:
        _draw(text.to_dot(nodes, edges), svg)
        return
    if format_ != "tree":
        made = {"dot": text.to_dot, "mermaid": text.to_mermaid, "json": text.to_json}[format_](nodes, edges)
        sys.stdout.write(made if made.endswith("\n") else made + "\n")
        return
    children = {b: [a for a in built.cited_by.get(b, []) if a in keep] for b in keep}
    if roots is None:
        roots = [
            k for k, _, _ in nodes if children.get(k) and not any(c in keep for c in built.cites.get(k, []))
        ]
    lines = text.tree_lines(roots, children, {k: t for k, t, _ in nodes})
    sys.stdout.write("".join(f"{printable(line)}\n" for line in lines))


def _draw(dot_text: str, target: Path) -> None:
    import shutil
    import subprocess

    from papers.actions import write_export

    dot = shutil.which("dot")
    if dot is None:
        raise PapersError(
            "Graphviz's dot is not installed, so papers cannot draw the SVG. Install graphviz "
            "(apt install graphviz, brew install graphviz), or use --format dot and paste it into a Graphviz viewer"
        )
    done = subprocess.run(
        [dot, "-Tsvg"], input=dot_text.encode(), capture_output=True, timeout=60, check=False
    )
    if done.returncode != 0:
        raise PapersError(f"Graphviz's dot failed: {printable(done.stderr.decode(errors='replace'))[:200]}")
    write_export(catalogue_path(), target, done.stdout.decode("utf-8", errors="replace"))
    note(f"wrote {target}")


@command("next")
def next_command(
    count: Annotated[int, typer.Option("-n", min=1, help="How many papers to advise.")] = 5,
    section: SectionOpt = None,
    tag: Annotated[
        list[str] | None,
        typer.Option(
            "--tag", help="Only papers with this tag (repeat it: all must match).", show_default=False
        ),
    ] = None,
    json_: JsonOpt = False,
) -> None:
    """The papers to read next, each with its reason.

    First what you are reading; then unread papers whose prerequisites in your list (the papers
    they cite) are done, those most of your list builds on first (papers citing them,
    transitively), then by priority, section and list order; then the rest, each naming what to read
    first. Citations come from `papers fetch --source s2` (the cache, never the network);
    without them the advice is list order. The same catalogue and cache give the same advice.

    Example: papers next -n 3 --section "language models"
    """
    from papers.actions import graph as graphs
    from papers.model.catalogue import find_section

    path = catalogue_path()
    catalogue = storage.load_catalogue(path)
    from papers.model.tags import with_tags

    chosen = None
    if section is not None:
        name = find_section(catalogue, section).name
        chosen = [item for item in catalogue.items if item.section == name]
    if tag:
        chosen = with_tags(catalogue.items if chosen is None else chosen, tag)
    advice = graphs.next_papers(catalogue, graphs.cached_graph(path, catalogue), limit=count, chosen=chosen)
    if not advice.has_data:
        note(NO_GRAPH + ", for advice from citations; until then, list order")
    if json_:
        sys.stdout.write(render.to_json([a.to_json() for a in advice.advice]) + "\n")
        return
    width = max((len(a.item.key) for a in advice.advice), default=0)
    # In a terminal a title is cut to the line ("…"), as in papers list, instead of the terminal
    # wrapping it mid-word under the key column; piped, it is whole.
    room = shutil.get_terminal_size((100, 24)).columns - width - 2 if render.is_terminal(sys.stdout) else 0
    for one in advice.advice:
        title = printable(one.item.title)
        if room:
            title = clip(title, max(room, 8))
        sys.stdout.write(f"{one.item.key.ljust(width)}  {title}\n{' ' * width}  - {one.reason}\n")
