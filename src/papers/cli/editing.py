"""Editing one paper as YAML in the user's editor: edit (the command and its help; what it does is
cli/edit_session.py's)."""

from __future__ import annotations

from papers.cli import edit_session
from papers.cli.app import QueryArg, command


@command("edit")
def edit(query: QueryArg) -> None:
    """Edit a paper's fields as YAML in your editor ($VISUAL, else $EDITOR, else vi).

    The file holds the item's own lines: its fields and the comments between them, not its
    children, which stay as they are. What you save is checked like papers.yaml itself: invalid
    YAML, a field papers cannot read, a changed key (see papers rename) or children: is shown, and
    once you answer yes the editor opens again with the error at the top; no (or no answer, as
    from a script) gives up and names the file your text is kept in. Saving the file empty gives
    up too. Nothing is written until the text is valid, then only the item's lines change; papers revert
    takes an edit back.

    Example: EDITOR=nano papers edit flashattention
    """
    edit_session.edit(query)
