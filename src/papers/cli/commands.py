"""Every command of `papers`, in the order `papers --help` lists them: its name, the module of
`papers.cli` that defines it, and the one-line summary `papers --help` shows beside it.

This table is the one place a command is listed. A command's module is imported only when the
command runs (or its own --help, or shell completion, asks for it): a call pays for one command,
not for thirty (cli/app.py's PapersGroup). The summary is the first sentence of the command's
docstring, which click would show; tests/test_cli.py checks both columns against the commands
themselves, so a summary cannot drift from its docstring, nor a command be missing here.

A new command: `@command("name")` on its function in a module here, and one row below. A group
of commands (`papers section add`): a typer app whose commands are `@command("add", group=it)`,
made the command `section` by `sub_app("section", it)` in its module, and one row below.
"""

from __future__ import annotations

COMMANDS: dict[str, tuple[str, str]] = {
    "list": ("reading", "List the catalogue by section: status, key, title, the day it was done, arXiv id."),
    "done": ("reading", "Tick papers off: mark them done, recording today's date (or --on DATE)."),
    "undo": ("reading", "Mark papers as not done (todo) again and forget the dates (done and started)."),
    "start": ("reading", "Mark papers as being read (status `reading`), recording today as the day started."),
    "progress": ("reading", "Done/total per section with a bar, and a total."),
    "show": ("reading", "Everything known about one paper."),
    "search": ("finding", "Search titles, authors, abstracts, notes and remarks; the best matches first."),
    "log": ("finding", "What was started and finished, by day, newest first."),
    "stats": (
        "finding",
        "Papers done per week and month, streaks, pace, time to read, and when the rest is done.",
    ),
    "add": ("adding", "Add a paper to the catalogue with a fresh, unique key."),
    "rm": ("reshape", "Remove papers from the catalogue."),
    "mv": (
        "reshape",
        "Move papers, with their children and comments, to another section, under another item, or to "
        "the top level of their section; --before or --after an item puts them there.",
    ),
    "rename": ("reshape", "Give a paper another key."),
    "edit": ("editing", "Edit a paper's fields as YAML in your editor ($VISUAL, else $EDITOR, else vi)."),
    "section": ("sections", "Add, move, rename and remove sections."),
    "fetch": (
        "metadata",
        "Fetch arXiv metadata: canonical title, authors, year, dates, category, DOI, abstract.",
    ),
    "pdf": ("metadata", "Download a paper's PDF into the cache (once) and print its path."),
    "resolve": ("graph", "Find the arXiv id or DOI of items that have neither, by their title."),
    "graph": (
        "graph",
        "The citation graph among your papers: an edge A -> B when A cites B and both are listed.",
    ),
    "next": ("graph", "The papers to read next, each with its reason."),
    "note": ("notes", "Start a markdown note on a paper (notes/KEY.md beside the catalogue) and open it."),
    "import": ("transfer", "Merge a markdown list into the catalogue (created if it does not exist yet)."),
    "export": ("transfer", "Print the catalogue as a markdown checklist (the default), JSON or BibTeX."),
    "tag": ("tagging", "Add (+TAG) and remove (-TAG) tags on papers, across sections."),
    "tags": ("tagging", "List every tag with how many papers carry it and how many of them are done."),
    "prioritize": ("tagging", "Give papers a priority: high, normal (the default) or low."),
    "open": (
        "opening",
        "Open a paper's page in the browser: its arXiv abstract page, else its DOI, else its first link.",
    ),
    "history": ("changes", "List the changes papers made to the catalogue, newest first."),
    "revert": ("changes", "Restore the catalogue to its state before change N (and every later change)."),
    "path": ("paths", "Print the catalogue in use and the cache folder."),
}
