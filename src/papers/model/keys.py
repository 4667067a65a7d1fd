"""Short item keys a person types: ``flashattention``, ``bert``, ``gqa``.

A key is a slug: lowercase ASCII letters and digits in runs joined by single hyphens.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container

KEY_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "by",
        "for",
        "from",
        "in",
        "is",
        "of",
        "on",
        "or",
        "the",
        "to",
        "via",
        "with",
    ]
)
_MAX_WORDS = 4


def is_valid_key(text: str) -> bool:
    return KEY_PATTERN.fullmatch(text) is not None


def slugify(title: str, max_words: int = _MAX_WORDS) -> str:
    """A readable slug from a title: its first few significant words.

    >>> slugify("Attention Is All You Need")
    'attention-all-you-need'
    """
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    significant = [w for w in words if w not in _STOPWORDS] or words
    return "-".join(significant[:max_words]) or "item"


def unique_key(title: str, taken: Container[str]) -> str:
    """``slugify(title)``, with ``-2``, ``-3``, ... appended until it is not in ``taken``."""
    base = slugify(title)
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"
