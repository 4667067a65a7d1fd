"""Per-paper note files: ``notes/<key>.md``, started from a template and never overwritten."""

from __future__ import annotations

import hashlib
import os
import re
import shlex
import stat
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from papers.errors import EditorCommandError, EditorNotStartedError, NoteError
from papers.model.catalogue import Item
from papers.model.keys import is_valid_key
from papers.store.fileio import create_bytes
from papers.store.paths import display_path

_UNSAFE = re.compile(r"[^a-z0-9._-]+")
_MAX_STEM = 80


def note_path(notes_dir: Path, key: str) -> Path:
    """Where the note for ``key`` lives: always a file directly inside ``notes_dir``, never a symlink.

    A valid key of reasonable length is its own file name. Anything else (``../x``, ``a/b``, NUL) is
    reduced to safe characters plus a short hash of the original, so two odd keys never share a note.
    """
    path = _note_file(notes_dir, key)
    # A symlink planted in notes_dir must not lead the write elsewhere (nor anywhere: it is refused).
    if path.is_symlink():
        # Not display_path(path), which would show the link's target.
        raise NoteError(
            f"{display_path(path.parent)}/{path.name} is a symbolic link, which papers will not follow: nothing was "
            "changed. Put the note itself there, or name the note's file in the item's note: field"
        )
    # Belt and braces: whatever the key, the note stays inside notes_dir.
    if not path.resolve().is_relative_to(notes_dir.resolve()):
        raise NoteError(
            f"the note would escape {display_path(notes_dir)}: nothing was changed. Rename the item's key"
        )
    return path


def _note_file(notes_dir: Path, key: str) -> Path:
    # File names stop at 255 bytes on common file systems, so a very long key is shortened and hashed too.
    if is_valid_key(key) and len(key) <= _MAX_STEM:
        stem = key
    else:
        ascii_text = unicodedata.normalize("NFKD", key).encode("ascii", "ignore").decode().lower()
        # Leading dots would make hidden files or "..": strip them along with separators at the ends.
        readable = _UNSAFE.sub("-", ascii_text).strip(".-_")[:_MAX_STEM] or "note"
        digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:8]
        stem = f"{readable}-{digest}"
    return notes_dir / f"{stem}.md"


def render_note(item: dict[str, Any], meta: dict[str, Any] | None = None) -> str:
    """A markdown note to start from, filled from the item and, when fetched, arXiv's metadata."""
    meta = meta or {}
    title = " ".join(str(meta.get("title") or item.get("title") or item.get("key") or "Untitled").split())
    authors = meta.get("authors") or item.get("authors") or []
    year = meta.get("year") or item.get("year")
    arxiv_id = meta.get("arxiv_id") or item.get("arxiv")
    abs_url = meta.get("abs_url") or (f"https://arxiv.org/abs/{arxiv_id}" if arxiv_id else None)
    pdf_url = meta.get("pdf_url") or (f"https://arxiv.org/pdf/{arxiv_id}" if arxiv_id else None)
    abstract = " ".join(str(meta.get("abstract") or "").split())

    lines = [f"# {title}", ""]
    facts: list[str] = []
    if authors:
        facts.append(f"- Authors: {', '.join(str(author) for author in authors)}")
    if year:
        facts.append(f"- Year: {year}")
    if abs_url:
        facts.append(f"- arXiv: [{arxiv_id or abs_url}]({abs_url})")
    if pdf_url:
        facts.append(f"- PDF: <{pdf_url}>")
    if item.get("url"):
        facts.append(f"- Link: <{item['url']}>")
    if facts:
        lines += [*facts, ""]
    if abstract:
        lines += ["## Abstract", "", abstract, ""]
    lines += ["## Summary", "", "", "## Key ideas", "", "", "## Questions", ""]
    return "\n".join(lines)


def create_note(path: Path, text: str) -> bool:
    """Write a new note; False, touching nothing, if one is already there (a note is the user's own).

    The note appears whole or not at all (a full disk leaves no empty note), with the usual
    `0666 & ~umask`, and only where nothing is: not even a dangling symlink is written through.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        create_bytes(path, text.encode("utf-8"))
    except FileExistsError:
        return False
    return True


# --- starting and opening a note -------------------------------------------------------------------


@dataclass(frozen=True)
class StartedNote:
    """The note to open; ``created`` if it was written just now; ``record`` the `note:` value to
    store in the item when it does not hold it yet (a path relative to the catalogue's folder)."""

    path: Path
    created: bool
    record: str | None


def start_note(catalogue_file: Path, item: Item, meta: dict[str, Any] | None = None) -> StartedNote:
    """The item's note: the file its `note:` names if that exists, else ``notes/<key>.md``, created
    from the template (filled from ``meta`` too, when given) when missing. An existing note is never
    written to."""
    folder = catalogue_file.parent
    recorded = _recorded_note(folder, item.note)
    if recorded is not None:
        return StartedNote(recorded, created=False, record=None)
    path = note_path(folder / "notes", item.key)
    try:
        created = create_note(path, render_note(item.to_json(), meta))
    except OSError as err:
        raise NoteError(
            f"could not create {display_path(path)}: {err.strerror or err}. Check that the catalogue's folder is writable"
        ) from None
    relative = path.relative_to(folder).as_posix()
    return StartedNote(path, created, None if item.note == relative else relative)


def _recorded_note(folder: Path, note: str | None) -> Path | None:
    """The file the item's `note:` names, if it exists inside the catalogue's folder."""
    if not note:
        return None
    candidate = folder / note
    inside = candidate.resolve().is_relative_to(folder.resolve())
    return candidate if inside and candidate.is_file() else None


@dataclass(frozen=True)
class NotePreview:
    """The first lines of a note, or why there are none (``problem``: "missing", "outside notes/")."""

    lines: tuple[str, ...] = ()
    problem: str | None = None


# Enough for a few lines; a note is read no further, so a huge file or /dev/zero costs nothing.
PREVIEW_BYTES = 16 * 1024
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)  # a FIFO opens at once instead of waiting for a writer
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_NOFOLLOW", 0)  # the path is resolved already: a link swapped in since is refused
)


def note_preview(catalogue_file: Path, note: str, lines: int = 5) -> NotePreview:
    """The first non-blank lines of a recorded note, only if it is a regular file inside notes/.

    Never blocks and never reads more than PREVIEW_BYTES: a `note:` naming /etc/shadow, /dev/zero,
    a FIFO or a symlink out of notes/ gets a reason instead of its content.
    """
    folder = catalogue_file.parent
    try:
        real = (folder / note).resolve()
        inside = real.is_relative_to((folder / "notes").resolve())
    except (OSError, RuntimeError, ValueError):  # a symlink loop, a NUL in the name
        return NotePreview(problem="unreadable")
    if not inside:
        return NotePreview(problem="outside notes/: not shown")
    try:
        fd = os.open(real, _OPEN_FLAGS)
    except FileNotFoundError:
        return NotePreview(problem="missing")
    except OSError as err:
        return NotePreview(problem=f"unreadable: {err.strerror or err}")
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return NotePreview(problem="not a regular file: not shown")
        data = _read_at_most(fd, PREVIEW_BYTES)
    except OSError as err:
        return NotePreview(problem=f"unreadable: {err.strerror or err}")
    finally:
        os.close(fd)
    text = data.decode("utf-8", errors="replace").splitlines()
    if len(data) == PREVIEW_BYTES and len(text) > 1:
        text.pop()  # cut off mid-line (or mid-character) by the byte limit
    found = [line.rstrip()[:120] for line in text if line.strip()]
    return NotePreview(lines=tuple(found[:lines]))


def _read_at_most(fd: int, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while size < limit:
        chunk = os.read(fd, limit - size)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def editor_command() -> list[str] | None:
    """``$VISUAL``, else ``$EDITOR``, split like a shell would; None when neither is set."""
    for name in ("VISUAL", "EDITOR"):
        value = os.environ.get(name, "").strip()
        if value:
            try:
                return shlex.split(value)
            except ValueError as err:  # an unclosed quote: one line, not a traceback
                raise EditorCommandError(f"${name} cannot be read as a command ({err})") from None
    return None


def open_in_editor(command: list[str], path: Path) -> None:
    """Run the editor on the note and wait for it."""
    try:
        result = subprocess.run([*command, str(path)], check=False)
    except OSError as err:
        raise EditorNotStartedError(
            f"could not start the editor '{command[0]}': {err.strerror or err}", display_path(path)
        ) from None
    if result.returncode != 0:
        raise NoteError(
            f"the editor '{command[0]}' exited with status {result.returncode}. The note is {display_path(path)}"
        )
