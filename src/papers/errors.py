"""Every error a user can cause, each carrying the exit code the CLI turns it into.

Messages follow one shape: "what happened. What to do." The CLI prints them as
``Error: <message>`` on stderr, one line, no traceback.
"""

from __future__ import annotations


class PapersError(Exception):
    """Base of all errors papers reports to a user (exit code 1: a domain error)."""

    exit_code = 1


class CatalogueError(PapersError):
    """papers.yaml is missing, unreadable or invalid."""


class CatalogueChangedError(CatalogueError):
    """Another program saved the catalogue while papers was editing it; nothing was written."""


class CatalogueNotFoundError(CatalogueError):
    """No catalogue at the path given (``how`` "given"), none found searching up from a folder
    ("searched"), or the file went away before it was read ("gone"). ``path`` is the path given or
    the folder searched. The message names no option: the command line adds its own flags."""

    def __init__(self, message: str, path: str, how: str) -> None:
        super().__init__(message)
        self.path = path
        self.how = how


class RevertRefusedError(CatalogueError):
    """A revert refused: the file was changed outside papers since the change to take back.
    ``happened`` says where, without what to do: the caller names its own way to force it
    (``force=True`` in Python, ``--force`` on the command line)."""

    def __init__(self, happened: str) -> None:
        super().__init__(f"{happened}. Check the file, or revert with force=True, which discards those edits")
        self.happened = happened


class OutputError(PapersError):
    """A file papers was asked to write (an export, a picture) could not be written."""


class PaperNotFoundError(PapersError):
    """A query matched no item."""


class SectionNotFoundError(PaperNotFoundError):
    """No section has the name, or starts with it (exit 1); `sections` names those there are."""

    def __init__(self, message: str, name: str, sections: tuple[str, ...]) -> None:
        super().__init__(message)
        self.name = name
        self.sections = sections


class UnlinkedUrlError(PaperNotFoundError):
    """A pasted web link that no item carries (exit 1). The message names no command: the command
    line adds how to add it."""

    def __init__(self, url: str) -> None:
        super().__init__(f"no item links to {url}")
        self.url = url


class AmbiguousQueryError(PapersError):
    """A query matched several items."""


class DuplicatePaperError(PapersError):
    """An item to add is already in the catalogue (exit code 1); `existing` is that item's key."""

    def __init__(self, message: str, existing: str) -> None:
        super().__init__(message)
        self.existing = existing


class UsageError(PapersError):
    """Input that is malformed before any work starts (exit code 2, like a bad option)."""

    exit_code = 2


class ChecklistError(PapersError):
    """A list given to `papers import` is not one it can read (exit code 1: like an invalid
    catalogue, it is the file's content that is wrong, not how papers was called)."""


class NoSuchLinkError(UsageError):
    """Item `key` has no link numbered `asked` (exit code 2): it has `count` links, from 1. The
    message names no option: the command line adds its own."""

    def __init__(self, key: str, count: int, asked: int | None) -> None:
        have = f"{count} link{'s' * (count != 1)}"
        self.problem = (
            f"{key} has {have}: there is no link {asked}" if count else f"{key} has no links to open"
        )
        super().__init__(f"{self.problem}. Ask for one of 1 to {count}" if count else self.problem)
        self.key = key
        self.count = count
        self.asked = asked


class InvalidArxivIdError(UsageError):
    """Text that is not an arXiv identifier in any form papers accepts."""


class FetchError(PapersError):
    """arXiv or the network is unavailable, or answered with something unreadable (exit code 3)."""

    exit_code = 3


class NotOnArxivError(PapersError):
    """arXiv answered, but has no paper with that id (exit code 1)."""


class ArxivRejectedError(PapersError):
    """arXiv answered with its error entry (usually HTTP 400): the request itself was wrong.

    Not a FetchError: retrying the same request cannot help, so it exits 1, not 3.
    ``arxiv_message`` is arXiv's own wording, e.g. "incorrect id format for abc".
    """

    def __init__(self, arxiv_message: str) -> None:
        super().__init__(f"arXiv refused the request: {arxiv_message}")
        self.arxiv_message = arxiv_message


class NoteError(PapersError):
    """A note could not be created or opened (exit code 1)."""


class EditorCommandError(NoteError):
    """$VISUAL or $EDITOR cannot be read as a command (an unclosed quote): `problem` says which
    and why. The message names no option: the command line adds its own."""

    def __init__(self, problem: str) -> None:
        super().__init__(f"{problem}. Fix it")
        self.problem = problem


class EditorNotStartedError(NoteError):
    """The editor could not be started on a note: `problem` says why, `note` is the note's path as
    shown. The message names no option: the command line adds its own."""

    def __init__(self, problem: str, note: str) -> None:
        super().__init__(f"{problem}. Fix $VISUAL or $EDITOR; the note is {note}")
        self.problem = problem
        self.note = note


class HasChildrenError(PapersError):
    """An item to remove has children, and nothing said what becomes of them (exit code 1)."""

    def __init__(self, key: str, children: tuple[str, ...]) -> None:
        shown = ", ".join(children[:5]) + (", ..." if len(children) > 5 else "")
        super().__init__(
            f"'{key}' has {len(children)} {'child' if len(children) == 1 else 'children'} ({shown}): "
            "nothing was removed. Remove them with it, or keep them in its place"
        )
        self.key = key
        self.children = children


class SectionNotEmptyError(PapersError):
    """A section to remove still holds items, and nothing said where they go (exit code 1)."""

    def __init__(self, name: str, keys: tuple[str, ...]) -> None:
        shown = ", ".join(keys[:5]) + (", ..." if len(keys) > 5 else "")
        count = f"{len(keys)} {'item' if len(keys) == 1 else 'items'}"
        super().__init__(
            f"section '{name}' holds {count} ({shown}): nothing was removed. Move them to another section first"
        )
        self.name = name
        self.keys = keys


class CacheError(PapersError):
    """papers' own cache folder could not be written (a full disk, a read-only folder): exit code 1."""


class InvalidEditError(PapersError):
    """An item's text, as `papers edit` gives it back, is not valid YAML or breaks a rule of the
    schema (exit code 1). ``line`` is the 1-based line of that text the problem is on (None: the
    text as a whole); ``problem`` says what is wrong and what to do, as the parser words it."""

    def __init__(self, problem: str, line: int | None = None) -> None:
        super().__init__(f"line {line}: {problem}" if line is not None else problem)
        self.problem = problem
        self.line = line


class EditConflictError(PapersError):
    """The item's own lines changed in the file while it was being edited: nothing was written."""
