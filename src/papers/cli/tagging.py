"""Tags and priorities: tag, tags, prioritize (what tag and prioritize do is cli/edits.py's)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from papers import actions, render
from papers.cli import edits
from papers.cli.app import JsonOpt, catalogue_path, command, complete_key, note
from papers.text import cell_width, printable


@command("tag", short_file=False, context_settings={"ignore_unknown_options": True})
def tag(
    words: Annotated[
        list[str],
        typer.Argument(
            metavar="QUERY... +TAG -TAG",
            help="Queries (keys, arXiv ids or parts of titles), then +TAG to add and -TAG to remove.",
            autocompletion=complete_key,
            show_default=False,
        ),
    ],
) -> None:
    """Add (+TAG) and remove (-TAG) tags on papers, across sections.

    A tag is one word (no spaces, commas or semicolons), written in lowercase. Every query
    is resolved before anything changes. After the command, the catalogue is given as
    --file only (-fast removes the tag fast); a tag named like an option goes after `--`.

    Example: papers tag flashattention gqa +attention -later
    """
    edits.tag(words)


@command("tags")
def tags(json_: JsonOpt = False) -> None:
    """List every tag with how many papers carry it and how many of them are done.

    Most used first. Piped: tag, count, done, tab-separated.

    Example: papers tags
    """
    path = catalogue_path()
    rows = actions.tag_counts(path)
    out, fmt = sys.stdout, render.choose_format(json_)
    if fmt.json:
        out.write(render.to_json([row._asdict() for row in rows]) + "\n")
    elif not rows:
        note("no paper has a tag yet: add one with papers tag QUERY +TAG")
    elif fmt.terminal:
        names = [printable(row.tag) for row in rows]
        width = max(cell_width(name) for name in [*names, "tag"])
        digits = max(len(str(row.count)) for row in rows)
        out.write(f"{'tag':<{width}}  {'papers':>{max(digits, 6)}}  done\n")
        for name, row in zip(names, rows, strict=True):
            pad = " " * (width - cell_width(name))
            out.write(f"{name}{pad}  {row.count:>{max(digits, 6)}}  {row.done}\n")
    else:
        out.write("".join(f"{printable(row.tag)}\t{row.count}\t{row.done}\n" for row in rows))


@command("prioritize")
def prioritize(
    words: Annotated[
        list[str],
        typer.Argument(
            metavar="QUERY... high|normal|low",
            help="Queries (keys, arXiv ids or parts of titles), then the priority.",
            autocompletion=complete_key,
            show_default=False,
        ),
    ],
) -> None:
    """Give papers a priority: high, normal (the default) or low.

    `papers list --todo --sort priority` then shows each section's high-priority papers
    first and its low-priority ones last.

    Example: papers prioritize flashattention gqa high
    """
    edits.prioritize(words)
