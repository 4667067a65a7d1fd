"""BibTeX for arXiv preprints, in the convention arXiv and BibTeX styles understand.

Follows arXiv's own export (``https://arxiv.org/bibtex/<id>``: ``@misc`` with
``eprint``/``archivePrefix``/``primaryClass``, which styles print as ``arXiv:<id> [<class>]``,
see https://info.arxiv.org/help/hypertex/bibstyles/index.html) with three deliberate
differences: ``year`` is the year of v1, as one cites a preprint, not of the latest
version; ``doi`` is the bare DOI, as BibTeX styles expect, not a URL; and text is
LaTeX-escaped and the title brace-protected so that BibTeX neither chokes on ``&`` or ``%``
nor lower-cases acronyms. Cite keys follow the classic ``brown2020language`` shape.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Set

from papers.formats.shapes import CatalogueDict
from papers.formats.types import Exported, ExportSource
from papers.model.paper import PaperMeta, ScholarMeta

Meta = PaperMeta | ScholarMeta
# Venues that are proceedings (Semantic Scholar's `venue` is free text: "NeurIPS", "Neural Computation").
_PROCEEDINGS = re.compile(
    r"\b(conference|proceedings|workshop|symposium|meeting|neurips|nips|icml|iclr|cvpr|iccv|eccv|acl|emnlp|"
    r"naacl|aaai|ijcai|interspeech|icassp|kdd|sigir|colt|aistats|uai)\b",
    re.IGNORECASE,
)

_STOPWORDS = frozenset(
    {"a", "an", "and", "are", "as", "at", "by", "for", "from", "in", "is", "of", "on", "or", "the", "to",
     "via", "with", "towards", "toward", "do", "does", "we", "what", "how", "why", "when", "can"}
)  # fmt: skip
_LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_SPECIAL = re.compile("|".join(re.escape(c) for c in _LATEX_SPECIALS))
_JOINERS = re.compile(r"[-'’]")
_WORD = re.compile(r"[a-z0-9]+")


def escape_latex(text: str) -> str:
    """Escape the ten characters LaTeX treats specially; everything else (UTF-8 included) stays."""
    return _SPECIAL.sub(_latex_special, text)


def _latex_special(match: re.Match[str]) -> str:
    return _LATEX_SPECIALS[match[0]]


def cite_key_base(meta: Meta) -> str:
    """``surname + v1 year + first significant title word``, lowercase ASCII: ``vaswani2017attention``."""
    authors = meta.authors
    surname = _surname(authors[0]) if authors else ""
    year = meta.year  # a property that parses: read once
    return f"{surname or 'anon'}{'' if year is None else year}{_first_word(meta.title)}"


def _first_word(title: str) -> str:
    """The key's part for a title: its first word that is not a stopword (else its first word)."""
    words = _ascii_words(title)
    for word in words:  # a loop, not next() over a generator: one call less for each of 40,000 keys
        if word not in _STOPWORDS:
            return word
    return words[0] if words else ""


def cite_keys(entries: Iterable[Meta]) -> list[str]:
    """One key per entry, in order; a repeated key gets ``a``, ``b``, ... (the first keeps the bare key)."""
    keys: list[str] = []
    taken: set[str] = set()
    bases = [cite_key_base(meta) for meta in entries]
    all_bases = set(bases)
    # Where the search for a free suffix of each base goes on: a suffix refused once (taken, or
    # another entry's base) stays refused, so 4,000 entries with one base cost 4,000 tries, not 8
    # million (it was quadratic, and a list scan inside: 2.8 s, then 30 s at 8,100 clashes).
    next_suffix: dict[str, int] = {}
    for base in bases:
        key = base
        suffix = next_suffix.get(base, 0)
        while key in taken or (key != base and key in all_bases):
            key = base + _letters(suffix)
            suffix += 1
        next_suffix[base] = suffix
        keys.append(key)
        taken.add(key)
    return keys


def export(source: ExportSource) -> Exported:
    """An entry for every chosen paper whose metadata was fetched (each paper once, in catalogue
    order): ``@misc`` for arXiv's records, ``@article`` or ``@inproceedings`` for Semantic Scholar's;
    the chosen papers whose record is not fetched yet are left out and named."""
    records: dict[str, Meta] = {}
    unfetched: list[str] = []
    for item in source.items:
        record = source.record(item)
        if record is None or record.paper_id in records:
            continue
        if record.meta is None:
            unfetched.append(item.key)
        else:
            records[record.paper_id] = record.meta
    return Exported(to_bibtex(records.values()), tuple(unfetched))


def to_bibtex(entries: Iterable[Meta]) -> str:
    """A ``.bib`` text with one entry per paper, separated by blank lines."""
    papers = list(entries)
    return "\n".join(
        _entry(key, meta) if isinstance(meta, PaperMeta) else _published(key, meta)
        for key, meta in zip(cite_keys(papers), papers, strict=True)
    )


def _published(key: str, meta: ScholarMeta) -> str:
    """A paper not on arXiv: ``@inproceedings`` when its venue is a conference, else ``@article``."""
    proceedings = bool(meta.venue) and _PROCEEDINGS.search(meta.venue) is not None
    fields = [
        ("title", "{" + escape_latex(meta.title) + "}"),
        ("author", " and ".join(escape_latex(name) for name in meta.authors)),
        ("booktitle" if proceedings else "journal", escape_latex(meta.venue)),
        ("year", "" if meta.year is None else str(meta.year)),
        ("doi", _balanced(meta.doi or "")),
        ("url", f"https://doi.org/{_balanced(meta.doi)}" if meta.doi else ""),
    ]
    body = "".join(f"  {name} = {{{value}}},\n" for name, value in fields if value)
    return f"@{'inproceedings' if proceedings else 'article'}{{{key},\n{body}}}\n"


def _entry(key: str, meta: PaperMeta) -> str:
    # One f-string per entry, not a field list joined (40,000 entries in an export of 50,000 items);
    # a field with no value is left out, as in `_published`: only author and primaryClass can be empty.
    # Escaped once, joined: " and " holds nothing to escape, so the text is the same as escaping each name.
    authors = escape_latex(" and ".join(meta.authors))
    category = meta.primary_category
    return (
        f"@misc{{{key},\n  title = {{{{{escape_latex(meta.title)}}}}},\n"
        + (f"  author = {{{authors}}},\n" if authors else "")
        + f"  year = {{{meta.year}}},\n  eprint = {{{meta.arxiv_id}}},\n  archivePrefix = {{arXiv}},\n"
        + (f"  primaryClass = {{{category}}},\n" if category else "")
        # doi and url are read verbatim by styles (\doi, \url): escaping would corrupt them.
        + (f"  doi = {{{_balanced(meta.doi)}}},\n" if meta.doi and _balanced(meta.doi) else "")
        + f"  url = {{https://arxiv.org/abs/{meta.arxiv_id}}},\n}}\n"
    )


@functools.lru_cache(maxsize=4096)
def _surname(author: str) -> str:
    """The key's part for a first author: the last name, folded (authors repeat across entries)."""
    return "".join(_ascii_words(author.split()[-1]))


def _ascii_words(text: str) -> list[str]:
    if text.isascii():  # already its own NFKD form: only the folding to lower case is left
        folded = text.lower()
    else:
        folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    # Hyphens and apostrophes join a word ("Few-Shot" -> "fewshot", "O'Banion" -> "obanion").
    return _WORD.findall(_JOINERS.sub("", folded))


@functools.cache  # the same suffixes again for each base that clashes
def _letters(n: int) -> str:
    """0 -> a, 25 -> z, 26 -> aa: enough suffixes for any number of clashes."""
    out = ""
    n += 1
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(ord("a") + rem) + out
    return out


def _balanced(value: str) -> str:
    return value.replace("{", "").replace("}", "")


def parse(
    text: str,
    taken_keys: Set[str] = frozenset(),
    *,
    label: str = "the list",
    only_checkboxes: bool = False,
    into: str | None = None,
) -> CatalogueDict:
    """The importer the registry finds: a .bib file read by ``formats.bibtex_read`` (imported only here)."""
    from papers.formats.bibtex_read import parse as read

    return read(text, taken_keys, label=label, into=into)
