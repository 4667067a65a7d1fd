"""What `papers edit` does once its argument is read: the item's text in the user's editor until it is
valid, unchanged or given up on, then written back.

Without typer (cli/editing.py declares the command and its help), so that the quick path
(cli/quick.py) runs it as the typer command does; typer is imported only to ask whether to open
the editor again after an invalid edit, when the user is there to answer.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from papers import actions
from papers.cli.reporting import first_keys, note
from papers.cli.session import catalogue_path
from papers.errors import InvalidEditError, PapersError
from papers.store.paths import display_path
from papers.text import one_line

if TYPE_CHECKING:
    from papers.actions.editing import Edited, Opened

_FALLBACKS = ("vi", "nano")


class _KeptError(PapersError):
    """Nothing was written, and the file with the user's text is kept (the message names it)."""


def edit(query: str) -> None:
    """The body of `papers edit QUERY` (its help is cli/editing.py's)."""
    import tempfile

    path = catalogue_path()
    opened = actions.item_text(path, query)
    words, source = _editor()
    handle, name = tempfile.mkstemp(prefix=f"papers-edit-{opened.key}-", suffix=".yaml")
    os.close(handle)
    file = Path(name)
    try:
        edited = _session(path, opened, file, words, source)
    except _KeptError:
        raise
    except KeyboardInterrupt:
        if _holds_an_edit(file, opened):
            note(f"your text is kept in {file}")
        else:
            _remove(file)
        raise
    except BaseException:
        _remove(file)
        raise
    _remove(file)
    if not edited.written:
        note(f"{opened.key}: unchanged, nothing was written")
        return
    note(f"edited {opened.key}: {edited.item.title} ({_what_changed(edited)})")


def _holds_an_edit(file: Path, opened: Opened) -> bool:
    """Whether the file holds a text of the user's (not papers' own, not empty)."""
    try:
        text = file.read_text(encoding="utf-8", errors="replace")
    except OSError:  # pragma: no cover - the file was removed under papers
        return False
    return not actions.is_blank(text) and actions.normalised(text) != opened.text


def _remove(file: Path) -> None:
    with contextlib.suppress(OSError):
        file.unlink()


def _session(path: Path, opened: Opened, file: Path, words: list[str], source: str) -> Edited:
    """Open the item's text until it is valid, unchanged or given up on (_KeptError when the
    user's text is left in `file`)."""
    body, problem = opened.text, None
    while True:
        head = _header(path, opened, problem)
        file.write_bytes((head + body).encode("utf-8"))
        _run(words, source, file)
        data = _read_back(file, opened.key)
        try:
            returned = data.decode("utf-8").removeprefix("\ufeff")  # a BOM is no part of the text
        except UnicodeDecodeError:
            returned = data.decode("utf-8", errors="replace")
            problem = InvalidEditError("the file is not UTF-8 text. Save it as UTF-8")
        else:
            if actions.is_blank(returned):
                raise PapersError(f"the file was saved empty: {opened.key} was not changed")
            try:
                return actions.replace_item_text(path, opened, returned)
            except InvalidEditError as err:
                problem = err
            except PapersError as err:  # refused or not written: the user's text is kept
                raise _KeptError(
                    f"{str(err).rstrip('.')}. Your text is kept in {file}: "
                    f"paste it into `papers edit {opened.key}`"
                ) from None
        lines = returned.replace("\r\n", "\n").split("\n")
        dropped = next(
            (i for i, line in enumerate(lines) if line.strip() and not line.lstrip().startswith("#")), 0
        )
        shown = f"line {problem.line + dropped}: {problem.problem}" if problem.line else problem.problem
        note(f"the edit of {opened.key} is not valid: {shown}")
        if not _again():
            raise _KeptError(f"{opened.key} was not changed. Your text is kept in {file}")
        body = "\n".join(lines[dropped:]).rstrip("\n") + "\n"


_MAX_TEXT = 20 * 1024 * 1024
"""The most `papers edit` reads back from the editor's file (as an imported list): one paper's fields
are a few hundred bytes, and an editor's runaway output must not be read into memory whole."""


def _read_back(file: Path, key: str) -> bytes:
    """What the editor left in `file`: one line and nothing changed if it removed the file (or put
    something unreadable there), or left more than _MAX_TEXT (the file then kept, and named)."""
    try:
        with file.open("rb") as handle:
            data = handle.read(_MAX_TEXT + 1)
    except FileNotFoundError:
        raise PapersError(f"the editor removed {file}: {key} was not changed") from None
    except OSError as err:
        raise PapersError(
            f"cannot read {file} after the editor: {err.strerror}. {key} was not changed"
        ) from None
    if len(data) > _MAX_TEXT:
        raise _KeptError(
            f"the file is larger than {_MAX_TEXT // (1024 * 1024)} MB: not one paper's fields. "
            f"{key} was not changed. Your text is kept in {file}"
        )
    return data


def _header(path: Path, opened: Opened, problem: InvalidEditError | None) -> str:
    children = opened.item.children
    lines = [
        f"# papers edit {opened.key} ({one_line(display_path(path))}): save and quit to apply, "
        "or save the file empty to give up."
    ]
    if children:
        shown = first_keys(children)
        lines.append(f"# Its children ({shown}) are not here and stay as they are.")
    lines.append("# Comment lines above the first field are papers' own and are dropped.")
    if problem is not None:
        where = f"line {problem.line + len(lines) + 1}: " if problem.line else ""
        lines.insert(0, f"# error: {where}{one_line(problem.problem)}")
    return "".join(line + "\n" for line in lines)


def _again() -> bool:
    """Whether to open the editor again: asked on stderr; no answer (end of input) is no."""
    import typer  # asked only after an invalid edit: the user is there, the import costs nothing then

    try:
        return typer.confirm("Edit it again?", default=True, err=True)
    except typer.Abort:
        sys.stderr.write("\n")  # the next line starts on its own
        return False


def _editor() -> tuple[list[str], str]:
    import shlex

    """The editor's command words ($VISUAL, else $EDITOR, split as a shell would; else vi or nano
    if installed) and where they came from."""
    for name in ("VISUAL", "EDITOR"):
        value = os.environ.get(name, "").strip()
        if value:
            try:
                return shlex.split(value), f"${name}"
            except ValueError as err:
                raise PapersError(f"${name} cannot be read as a command ({err}). Fix it") from None
    for fallback in _FALLBACKS:
        found = shutil.which(fallback)
        if found:
            return [found], fallback
    raise PapersError("no editor to open: set $VISUAL or $EDITOR (for example `export EDITOR=nano`)")


def _run(words: list[str], source: str, file: Path) -> None:
    import subprocess

    try:
        process = subprocess.Popen([*words, str(file)])
    except OSError as err:
        raise PapersError(
            f"cannot run the editor '{words[0]}' (from {source}): {err.strerror}. "
            "Set $VISUAL or $EDITOR to an editor that is installed"
        ) from None
    with _interrupts_ignored():  # like git: a Ctrl-C in the editor is the editor's
        code = process.wait()
    if code < 0:
        raise PapersError(f"the editor was stopped by signal {-code}: nothing was changed")
    if code:
        raise PapersError(f"the editor exited with status {code}: nothing was changed")


@contextlib.contextmanager
def _interrupts_ignored() -> Iterator[None]:
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():  # pragma: no cover - tests run in main
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _what_changed(edited: Edited) -> str:
    if not edited.changed:
        return "comments or layout only"
    parts: dict[str, list[str]] = {}
    for name in edited.changed:
        was, now = getattr(edited.before, name), getattr(edited.item, name)
        verb = "added" if was in (None, ()) else "removed" if now in (None, ()) else "changed"
        parts.setdefault(verb, []).append(name)
    return "; ".join(f"{verb} {', '.join(names)}" for verb, names in parts.items())
