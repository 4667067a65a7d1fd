"""The use cases: what each `papers` command does, as plain functions for scripts and notebooks.

Every function takes the catalogue's path first (`papers.find_catalogue()` finds it the way the
command line does), does its work under the same lock and checks as the command, and returns
what happened as plain data; the command line only renders it. Errors a user can cause are
`papers.errors.PapersError` subclasses with a one-line message::

    from papers import actions, find_catalogue

    path = find_catalogue()
    result = actions.mark(path, ["flashattention"], "done")   # like `papers done flashattention`
    todo = actions.list_items(path, todo=True).items          # like `papers list --todo`

`mark` (done, undo, start), `add_paper`, `start_note`, `import_file` / `import_list` / `import_url`, `export` /
`write_export`, `list_items`, `show`, `progress`, `tag` / `prioritize` / `tag_counts`, `item_text` /
`replace_item_text` (one item as YAML text, like `papers edit`), `list_changes` and `revert`,
`remove` / `move` / `rename` and `add_section` / `move_section` / `rename_section` /
`remove_section` are here; fetching metadata from every source (sources/registry.py) is in `papers.actions.fetch`,
finding the id of an item in `papers.actions.resolve`.

Each name is imported when first used, so a command pays only for the use case it runs.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from papers.actions.add import Added, add_paper
    from papers.actions.changes import Reverted, list_changes, revert
    from papers.actions.editing import (
        Edited,
        Opened,
        is_blank,
        item_text,
        normalised,
        replace_item_text,
    )
    from papers.actions.mark import Marked, MarkResult, mark
    from papers.actions.notes import NoteResult, start_note
    from papers.actions.opening import Target, open_target
    from papers.actions.queries import Details, Listing, Shown, list_items, progress, show
    from papers.actions.reshape import Moved, Removed, Renamed, move, remove, rename
    from papers.actions.sections import (
        SectionChange,
        add_section,
        move_section,
        remove_section,
        rename_section,
    )
    from papers.actions.tagging import Retagged, prioritize, tag, tag_counts
    from papers.actions.transfer import (
        MAX_LIST_BYTES,
        Exported,
        ExportFormat,
        ImportReport,
        export,
        import_file,
        import_list,
        import_url,
        is_url,
        read_list,
        write_export,
    )

_HOMES = {
    **dict.fromkeys(["Added", "add_paper"], "add"),
    **dict.fromkeys(["Reverted", "list_changes", "revert"], "changes"),
    **dict.fromkeys(
        ["Edited", "Opened", "is_blank", "item_text", "normalised", "replace_item_text"], "editing"
    ),
    **dict.fromkeys(["Retagged", "prioritize", "tag", "tag_counts"], "tagging"),
    **dict.fromkeys(["Target", "open_target"], "opening"),
    **dict.fromkeys(["Marked", "MarkResult", "mark"], "mark"),
    **dict.fromkeys(["NoteResult", "start_note"], "notes"),
    **dict.fromkeys(["Moved", "Removed", "Renamed", "move", "remove", "rename"], "reshape"),
    **dict.fromkeys(
        ["SectionChange", "add_section", "move_section", "remove_section", "rename_section"], "sections"
    ),
    **dict.fromkeys(["Details", "Listing", "Shown", "list_items", "progress", "show"], "queries"),
    **dict.fromkeys(
        [
            "MAX_LIST_BYTES",
            "ExportFormat",
            "Exported",
            "ImportReport",
            "export",
            "import_file",
            "import_list",
            "import_url",
            "is_url",
        ],
        "transfer",
    ),
    **dict.fromkeys(["read_list", "write_export"], "transfer"),
}
__all__ = [
    "MAX_LIST_BYTES",
    "Added",
    "Details",
    "Edited",
    "ExportFormat",
    "Exported",
    "ImportReport",
    "Listing",
    "MarkResult",
    "Marked",
    "Moved",
    "NoteResult",
    "Opened",
    "Removed",
    "Renamed",
    "Retagged",
    "Reverted",
    "SectionChange",
    "Shown",
    "Target",
    "add_paper",
    "add_section",
    "export",
    "import_file",
    "import_list",
    "import_url",
    "is_blank",
    "is_url",
    "item_text",
    "list_changes",
    "list_items",
    "mark",
    "move",
    "move_section",
    "normalised",
    "open_target",
    "prioritize",
    "progress",
    "read_list",
    "remove",
    "remove_section",
    "rename",
    "rename_section",
    "replace_item_text",
    "revert",
    "show",
    "start_note",
    "tag",
    "tag_counts",
    "write_export",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'papers.actions' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"papers.actions.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOMES})
