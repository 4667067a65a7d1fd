"""What `done`, `undo`, `start`, `add`, `rm`, `mv`, `rename`, `tag` and `prioritize` do once their
arguments are read: call the use case, then say what happened, one line per paper on stderr.

Here, without typer, because two readers of the arguments run them: the typer commands
(cli/reading.py, cli/adding.py, cli/reshape.py, cli/tagging.py, which declare the options and the
help) and the quick path (cli/quick.py, whose table is cli/quick_changes.py), which reads the
common calls itself so that a one-item change does not pay for importing typer and click (a third
of the floor) at every catalogue size. `edit`'s body is cli/edit_session.py.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from papers import actions
from papers.cli.reporting import first_keys, note
from papers.cli.session import catalogue_path
from papers.errors import DuplicatePaperError, HasChildrenError, PapersError, SectionNotFoundError, UsageError
from papers.store.paths import display_path

if TYPE_CHECKING:
    import datetime as dt

    from papers.actions.tagging import Retagged


def change_status(queries: list[str], status: str, verb: str, on: dt.date | None = None) -> None:
    """done (status "done"), undo ("todo") and start ("reading")."""
    result = actions.mark(catalogue_path(), queries, status, on=on)
    for marked in result.changed:
        note(f"{verb} {marked.item.key}: {marked.item.title} ({marked.change.summary})")
    for item in result.unchanged:
        note(f"{item.key} is already {status}: nothing to do")


def remove(queries: list[str], *, with_children: bool, keep_children: bool, dry_run: bool) -> None:
    if with_children and keep_children:
        raise UsageError("--with-children and --keep-children exclude each other. Use one of them")
    children = "with" if with_children else "keep" if keep_children else "refuse"
    try:
        removed = actions.remove(catalogue_path(), queries, children=children, dry_run=dry_run)
    except HasChildrenError as err:
        shown = first_keys(err.children)
        count = f"{len(err.children)} {'child' if len(err.children) == 1 else 'children'}"
        raise PapersError(
            f"'{err.key}' has {count} ({shown}): nothing was removed. "
            "Add --with-children to remove them too, or --keep-children to keep them in its place"
        ) from None
    verb = "would remove" if dry_run else "removed"
    named = {item.key for item in removed.items}
    for item in removed.items:
        note(f"{verb} {item.key}: {item.title}")
    others = [key for key in removed.gone if key not in named]
    if others:
        note(f"{verb} with it: {', '.join(others)}")
    if removed.lifted:
        note(f"{'would keep' if dry_run else 'kept'} in its place: {', '.join(removed.lifted)}")
    for path in removed.notes:
        note(f"the note {display_path(path)} stays")


def move(
    queries: list[str],
    *,
    section: str | None,
    parent: str | None,
    top: bool,
    before: str | None,
    after: str | None,
    new_section: bool,
) -> None:
    if sum((section is not None, parent is not None, top)) > 1:
        raise UsageError("--section, --parent and --top exclude each other. Use one of them")
    if before is not None and after is not None:
        raise UsageError("--before and --after exclude each other. Use one of them")
    if section is None and parent is None and not top and before is None and after is None:
        raise UsageError("say where to: --section S, --parent KEY, --top, --before KEY or --after KEY")
    moved = actions.move(
        catalogue_path(),
        queries,
        section=section,
        parent=parent,
        top=top,
        before=before,
        after=after,
        new_section=new_section,
    )
    if moved.new_section:
        note(f"created section {moved.section}")
    where = f"under {moved.parent}" if moved.parent else f"to {moved.section}"
    for item in moved.items:
        note(f"moved {item.key}: {item.title} ({where})")


def rename(query: str, new: str) -> None:
    renamed = actions.rename(catalogue_path(), query, new)
    note(f"renamed {renamed.old} to {renamed.item.key}: {renamed.item.title}")
    if renamed.note is not None:
        note(f"moved its note to {display_path(renamed.note)}")


def add(
    title: str,
    *,
    section: str | None,
    arxiv: str | None,
    url: str | None,
    parent: str | None,
    key: str | None,
    new_section: bool,
    duplicate: bool,
    priority: str | None,
) -> None:
    from papers.actions.add import add_paper, paper_id_in

    if section is None and parent is None:
        raise UsageError("add needs --section (or --parent) to know where the new paper goes")
    path = catalogue_path(must_exist=not new_section)
    try:
        added = add_paper(
            path, title, section=section, arxiv=arxiv, url=url, parent=parent, key=key,
            new_section=new_section, duplicate=duplicate, priority=priority, notify=note,
        )  # fmt: skip
    except DuplicatePaperError as err:
        raise DuplicatePaperError(f"{err}. Add --duplicate to add it anyway", err.existing) from None
    except SectionNotFoundError as err:
        if paper_id_in(title) is not None:  # a paper fetched by its id goes into an existing section
            raise
        raise SectionNotFoundError(
            f"no section is called '{err.name}'. Add --new-section to create it, or use one of: "
            + ", ".join(err.sections),
            err.name,
            err.sections,
        ) from None
    under = f", under {added.parent}" if added.parent else ""
    note(f"added {added.key}: {added.title} (in {added.section}{under})")
    sys.stdout.write(added.key + "\n")


def tag(words: list[str]) -> None:
    add = [word[1:] for word in words if word.startswith("+")]
    remove = [word[1:] for word in words if word.startswith("-")]
    queries = [word for word in words if not word.startswith(("+", "-"))]
    if not add and not remove:
        raise UsageError(
            "tag needs at least one +TAG to add or -TAG to remove, as in: papers tag rope +position"
        )
    if not queries:
        raise UsageError(
            "tag needs at least one paper (a key, an arXiv id or part of a title) before its tags"
        )
    if both := sorted({t.lower() for t in add} & {t.lower() for t in remove}):
        raise UsageError(f"'{both[0]}' is both added and removed. Give it once")
    _report(actions.tag(catalogue_path(), queries, add, remove), "tagged", "already has these tags")


def prioritize(words: list[str]) -> None:
    from papers.model.schema import PRIORITIES

    *queries, priority = words
    if priority not in PRIORITIES:
        raise UsageError(
            f"prioritize ends with the priority, one of {', '.join(PRIORITIES)}, as in: papers prioritize rope high"
        )
    if not queries:
        raise UsageError("prioritize needs at least one paper (a key, an arXiv id or part of a title)")
    _report(actions.prioritize(catalogue_path(), queries, priority), "prioritized", f"is already {priority}")


def _report(done: Retagged, verb: str, already: str) -> None:
    for item, change in done.changed:
        note(f"{verb} {item.key}: {change.summary}")
    for item in done.unchanged:
        note(f"{item.key} {already}: nothing to do")
