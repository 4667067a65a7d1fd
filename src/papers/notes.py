"""Per-paper note files: ``notes/<key>.md``, started from a template and never overwritten."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path
from typing import Any

from papers.keys import is_valid_key

_UNSAFE = re.compile(r"[^a-z0-9._-]+")
_MAX_STEM = 80


def note_path(notes_dir: Path, key: str) -> Path:
    """Where the note for ``key`` lives: always a file directly inside ``notes_dir``.

    A valid key of reasonable length is its own file name. Anything else (``../x``, ``a/b``, NUL) is
    reduced to safe characters plus a short hash of the original, so two odd keys never share a note.
    """
    # File names stop at 255 bytes on common file systems, so a very long key is shortened and hashed too.
    if is_valid_key(key) and len(key) <= _MAX_STEM:
        stem = key
    else:
        ascii_text = unicodedata.normalize("NFKD", key).encode("ascii", "ignore").decode().lower()
        # Leading dots would make hidden files or "..": strip them along with separators at the ends.
        readable = _UNSAFE.sub("-", ascii_text).strip(".-_")[:_MAX_STEM] or "note"
        digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:8]
        stem = f"{readable}-{digest}"
    path = notes_dir / f"{stem}.md"
    # Belt and braces: a symlink planted in notes_dir must not lead the write elsewhere either.
    if not path.resolve().is_relative_to(notes_dir.resolve()):
        raise ValueError(f"note for {key!r} would escape {notes_dir}")
    return path


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
    """Write a new note; False, touching nothing, if one is already there (a note is the user's own)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # "x" makes the existence check and the creation one step: no window for a race to overwrite.
        with open(path, "x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except FileExistsError:
        return False
    return True
