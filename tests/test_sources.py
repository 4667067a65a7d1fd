"""The registry of metadata sources (sources/registry.py): `--source` is checked against it in one
place, and `papers fetch` asks whatever it lists, so a third source is a module and a line there."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from conftest import Run, listed
from papers.actions import fetch as fetching
from papers.model.catalogue import Catalogue, Item
from papers.model.paper import ScholarMeta
from papers.sources import registry
from papers.sources.base import Batch, Doi, FetchResult, Found, PaperId, Progress, item_doi
from papers.sources.registry import UnknownSourceError
from papers.store import load as storage


def test_plan_fetch_refuses_a_source_the_registry_does_not_have(catalogue_file: Path) -> None:
    catalogue = storage.load_catalogue(catalogue_file)
    with pytest.raises(UnknownSourceError) as refused:
        fetching.plan_fetch(catalogue, [], fetch_all=True, refresh=False, source="crossref")
    assert refused.value.exit_code == 2
    assert (refused.value.name, refused.value.choices) == ("crossref", ("arxiv", "s2", "all"))
    assert str(refused.value) == "there is no source called 'crossref': use arxiv, s2 or all"
    assert "--" not in str(refused.value)  # the core names no option; the CLI words its own


def test_a_bogus_source_is_a_usage_error_before_any_request(run: Run, catalogue_file: Path) -> None:
    before = catalogue_file.read_bytes()
    result = run("fetch", "lstm", "--source", "bogus")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "Error: --source is arxiv, s2 or all, not 'bogus'.\n"
    assert catalogue_file.read_bytes() == before


class Shelf:
    """A third source, as a new module under sources/ would write it: papers whose DOI is 10.5555/..."""

    name = "shelf"
    label = "Shelf"
    namespace = "shelf"
    reads: tuple[str, ...] = ("`doi: DOI`",)
    versioned = False

    def __init__(self) -> None:
        self.asked: list[list[PaperId]] = []

    def paper_id(self, item: Item) -> PaperId | None:
        doi = item_doi(item)
        return doi if doi is not None and doi.doi.startswith("10.5555/") else None

    def handles(self, paper_id: PaperId) -> bool:
        return isinstance(paper_id, Doi)

    def select(
        self, candidates: Sequence[tuple[Item, PaperId]], directory: Path, *, refresh: bool, chosen: bool
    ) -> list[PaperId]:
        return [paper_id for _, paper_id in candidates]

    def from_cache(self, ids: Sequence[PaperId], directory: Path, *, refresh: bool) -> Batch[ScholarMeta]:
        return Batch(wanted=list(ids))

    def connect(self, transport: Any) -> Shelf:
        return self

    def budget_for(self, count: int) -> float:
        return 1.0 * count

    def fetch(self, ids: Sequence[PaperId], progress: Progress | None = None) -> FetchResult[ScholarMeta]:
        self.asked.append(list(ids))
        found: dict[PaperId, ScholarMeta] = {
            i: ScholarMeta(asked=f"SHELF:{i}", paper_id="1", title="Shelved", year=1999, venue="The Shelf")
            for i in ids
        }
        return FetchResult(found=found, source=self.label)

    def store(self, batch: Batch[ScholarMeta], result: FetchResult[ScholarMeta], directory: Path) -> None:
        batch.found.update({i: Found(meta, False) for i, meta in result.found.items()})

    def changes(self, catalogue: Catalogue, found: Sequence[Found[ScholarMeta]]) -> dict[str, dict[str, Any]]:
        changes = {}
        for record in found:
            for item in catalogue.items:
                if f"SHELF:{self.paper_id(item)}" == record.meta.asked:
                    record.keys.append(item.key)
                    changes[item.key] = {"venue": record.meta.venue}
        return changes

    def new_item(self, meta: ScholarMeta) -> None:
        return None

    def since_read(self, item: Item, meta: ScholarMeta) -> None:
        return None


SHELVED = """sections:
  - name: S
    items:
      - key: shelved
        title: Shelved
        doi: 10.5555/shelved
      - key: elsewhere
        title: Elsewhere
        doi: 10.1000/elsewhere
"""


def test_a_third_source_is_one_line_in_the_registry(
    run: Run, write_catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    shelf = Shelf()
    monkeypatch.setattr(registry, "SOURCES", (*registry.SOURCES, shelf))
    write_catalogue(SHELVED)
    refused = run("fetch", "--all", "--source", "crossref")
    assert refused.stderr == "Error: --source is arxiv, s2, shelf or all, not 'crossref'.\n"
    result = run("fetch", "--all", "--source", "shelf")
    assert result.exit_code == 0, result.stderr
    assert shelf.asked == [[Doi("10.5555/shelved")]]  # only what it applies to, one batch
    assert result.stderr == "updated shelved: venue\n"
    assert result.stdout == "SHELF:10.5555/shelved\t1999\t\tShelved\tshelved\n"
    items = listed(run)
    assert (items["shelved"]["venue"], items["elsewhere"]["venue"]) == ("The Shelf", None)
