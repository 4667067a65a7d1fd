"""How the papers relate: resolve (ids for items that have none)."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from papers import render
from papers.cli.app import JsonOpt, catalogue_path, command, complete_key, error, note
from papers.errors import UsageError
from papers.store import load as storage


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
