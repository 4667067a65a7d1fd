"""`papers rm`, `mv` and `rename`, through the command line: what moves, what stays, what is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import SHIPPED, Run, at_once, listed

LAYERED = """\
# my list
sections:
  - name: A
    items:
      # about a
      - key: a
        title: A
        children:
          - key: a-child
            title: Under A
        # a's last word
      - key: b
        title: B   # mine
  - name: B
    items:
      - key: c
        title: C
"""


def order(run: Run) -> list[tuple[str, str, str | None]]:
    return [(key, item["section"], item["parent"]) for key, item in listed(run).items()]


# --- rm --------------------------------------------------------------------------------------------


def test_rm_removes_exactly_the_item_lines(run: Run, catalogue_file: Path) -> None:
    before = catalogue_file.read_text()
    result = run("rm", "rope")
    assert (result.exit_code, result.stderr) == (
        0,
        "removed rope: RoFormer: Enhanced Transformer with Rotary Position Embedding\n",
    )
    block = before[before.index("      - key: rope") : before.index("\n\n  - name: Normalization") + 1]
    assert catalogue_file.read_text() == before.replace(block, "")
    assert "rope" not in listed(run)


def test_rm_several_and_the_last_of_a_section_leaves_an_empty_list(run: Run, catalogue_file: Path) -> None:
    assert run("rm", "rope", "rl").exit_code == 0
    text = catalogue_file.read_text()
    assert "  - name: Reinforcement learning\n    items: []\n\n  - name: Normalization" in text


def test_rm_refuses_an_item_with_children_and_changes_nothing(run: Run, catalogue_file: Path) -> None:
    before = catalogue_file.read_bytes()
    result = run("rm", "optimizers")
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: 'optimizers' has 3 children (sgd, adamw, schedule-free): nothing was removed. "
        "Add --with-children to remove them too, or --keep-children to keep them in its place.\n",
    )
    assert catalogue_file.read_bytes() == before


def test_rm_with_children_removes_them_too(run: Run, catalogue_file: Path) -> None:
    result = run("rm", "optimizers", "--with-children")
    assert result.exit_code == 0
    assert result.stderr == (
        "removed optimizers: SGD, AdamW and Schedule-Free\nremoved with it: sgd, adamw, schedule-free\n"
    )
    keys = listed(run)
    assert not {"optimizers", "sgd", "adamw", "schedule-free"} & set(keys)


def test_rm_keep_children_lifts_them_into_its_place(run: Run, catalogue_file: Path) -> None:
    result = run("rm", "optimizers", "--keep-children")
    assert result.exit_code == 0
    assert result.stderr.endswith("kept in its place: sgd, adamw, schedule-free\n")
    assert order(run)[:4] == [
        ("sgd", "Optimization algorithm", None),
        ("adamw", "Optimization algorithm", None),
        ("schedule-free", "Optimization algorithm", None),
        ("hessian", "Optimization algorithm", None),
    ]
    assert (
        "      - key: sgd\n        title: A Stochastic Approximation Method\n" in catalogue_file.read_text()
    )


def test_rm_with_and_keep_children_exclude_each_other(run: Run, catalogue_file: Path) -> None:
    result = run("rm", "optimizers", "--with-children", "--keep-children")
    assert result.exit_code == 2
    assert (
        result.stderr == "Error: --with-children and --keep-children exclude each other. Use one of them.\n"
    )


def test_rm_dry_run_says_what_would_go_and_writes_nothing(run: Run, catalogue_file: Path) -> None:
    before = catalogue_file.read_bytes()
    result = run("rm", "transformer", "--keep-children", "--dry-run")
    assert result.exit_code == 0
    assert result.stderr.startswith(
        "would remove transformer: Attention Is All You Need\nwould keep in its place: attention, gpt1,"
    )
    assert catalogue_file.read_bytes() == before


def test_rm_resolves_every_query_first(run: Run, catalogue_file: Path) -> None:
    before = catalogue_file.read_bytes()
    result = run("rm", "rope", "no-such-paper-at-all")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: no paper matches 'no-such-paper-at-all'.")
    assert catalogue_file.read_bytes() == before


def test_rm_keeps_the_note_and_says_where_it_is(run: Run, catalogue_file: Path) -> None:
    assert run("note", "rope", "--no-edit").exit_code == 0
    result = run("rm", "rope")
    assert result.stderr.endswith("the note notes/rope.md stays\n")
    assert (catalogue_file.parent / "notes" / "rope.md").is_file()


def test_rm_takes_the_comments_attached_to_the_item(run: Run, write_catalogue: object) -> None:
    path = write_catalogue(LAYERED)  # type: ignore[operator]
    assert run("rm", "a", "--with-children").exit_code == 0
    assert path.read_text() == LAYERED.replace(
        "      # about a\n      - key: a\n        title: A\n        children:\n"
        "          - key: a-child\n            title: Under A\n        # a's last word\n",
        "",
    )


# --- mv --------------------------------------------------------------------------------------------


def test_mv_rope_to_normalization_and_back_gives_the_same_bytes(run: Run, catalogue_file: Path) -> None:
    before = catalogue_file.read_bytes()
    result = run("mv", "rope", "--section", "normalization")
    assert (result.exit_code, result.stderr) == (
        0,
        "moved rope: RoFormer: Enhanced Transformer with Rotary Position Embedding (to Normalization and Regularization)\n",
    )
    assert listed(run)["rope"]["section"] == "Normalization and Regularization"
    assert run("mv", "rope", "--section", "Reinforcement").exit_code == 0
    assert catalogue_file.read_bytes() == before


def test_mv_under_a_parent_before_and_after(run: Run, catalogue_file: Path) -> None:
    assert run("mv", "flashattention", "--parent", "transformer", "--before", "attention").exit_code == 0
    assert listed(run)["transformer"]["children"][:2] == ["flashattention", "attention"]
    assert run("mv", "flashattention", "--after", "gqa").exit_code == 0
    children = listed(run)["transformer"]["children"]
    assert children[children.index("gqa") + 1] == "flashattention"


def test_mv_to_the_top_level_and_under_an_item_reindents_the_block(run: Run, catalogue_file: Path) -> None:
    before = catalogue_file.read_bytes()
    assert run("mv", "gpt1", "--top").exit_code == 0
    tops = [key for key, _, parent in order(run) if parent is None]
    assert tops[tops.index("transformer") + 1] == "gpt1"
    assert "\n      - key: gpt1\n        title: Improving" in catalogue_file.read_text()
    assert run("mv", "gpt1", "--parent", "transformer", "--after", "attention").exit_code == 0
    assert catalogue_file.read_bytes() == before


def test_mv_with_children_and_into_a_new_section(run: Run, catalogue_file: Path) -> None:
    result = run("mv", "optimizers", "--section", "Optimizers", "--new-section")
    assert result.exit_code == 0
    assert result.stderr.startswith("created section Optimizers\nmoved optimizers:")
    items = listed(run)
    assert [items[k]["section"] for k in ("optimizers", "sgd", "adamw")] == ["Optimizers"] * 3
    assert catalogue_file.read_text().endswith(
        "\n\n  - name: Optimizers\n    items:\n      - key: optimizers\n"
        + SHIPPED.read_text().split("      - key: optimizers\n")[1].split("      - key: hessian\n")[0]
    )


def test_mv_an_unknown_section_is_refused_without_new_section(run: Run, catalogue_file: Path) -> None:
    before = catalogue_file.read_bytes()
    result = run("mv", "rope", "--section", "Robotics")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "Error: no section starts with 'Robotics'. Sections: Optimization algorithm,"
    )
    assert catalogue_file.read_bytes() == before


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["rope"], 2, "say where to: --section S, --parent KEY, --top, --before KEY or --after KEY"),
        (
            ["rope", "--top", "--section", "vision"],
            2,
            "--section, --parent and --top exclude each other. Use one of them",
        ),
        (
            ["rope", "--before", "rl", "--after", "rl"],
            2,
            "--before and --after exclude each other. Use one of them",
        ),
        (
            ["transformer", "--parent", "bert"],
            2,
            "'bert' is under 'transformer': an item cannot go under itself",
        ),
        (
            ["rope", "--parent", "nope"],
            1,
            "no item has the key 'nope'. Give an existing item's key as the parent",
        ),
        (
            ["rope", "--section", "vision", "--before", "rl"],
            2,
            "'rl' is not at the top level of 'Vision'. Give an item of the list the items go to",
        ),
        (
            ["rope", "--before", "rope"],
            2,
            "'rope' is one of the items that move. Give another item as the position",
        ),
        (
            ["transformer", "bert", "--section", "vision"],
            2,
            "'bert' is under 'transformer', which moves with its children. Name only 'transformer'",
        ),
    ],
)
def test_mv_refusals_change_nothing(
    run: Run, catalogue_file: Path, args: list[str], code: int, message: str
) -> None:
    before = catalogue_file.read_bytes()
    result = run("mv", *args)
    assert (result.exit_code, result.stderr) == (code, f"Error: {message}.\n")
    assert catalogue_file.read_bytes() == before


def test_mv_several_keeps_their_order_and_comments(run: Run, write_catalogue: object) -> None:
    path = write_catalogue(LAYERED)  # type: ignore[operator]
    assert run("mv", "b", "a", "--section", "B", "--before", "c").exit_code == 0
    assert order(run) == [("b", "B", None), ("a", "B", None), ("a-child", "B", "a"), ("c", "B", None)]
    text = path.read_text()
    assert "    items: []\n" in text
    assert (
        text.index("# about a")
        < text.index("- key: a\n")
        < text.index("# a's last word")
        < text.index("key: c")
    )
    assert run("mv", "a", "b", "--section", "A").exit_code == 0
    assert order(run) == [("a", "A", None), ("a-child", "A", "a"), ("b", "A", None), ("c", "B", None)]
    assert sorted(path.read_text().splitlines()) == sorted(LAYERED.splitlines())  # no line lost or added


def test_mv_several_after_the_last_item_of_the_file(run: Run, write_catalogue: object) -> None:
    """The first goes after the file's last item, the next is cut from just above where it went:
    the pasted item is then the last one, and the cut renumbers it (it was left where it had been,
    so the second move read the wrong lines: a traceback, or a refusal of a good layout)."""
    write_catalogue(  # type: ignore[operator]
        "sections:\n  - name: A\n    items:\n      - key: a\n        title: A\n"
        "      - key: b\n        title: B\n        children:\n          - key: c\n            title: C\n"
    )
    result = run("mv", "a", "c", "--top")
    assert (result.exit_code, result.stderr) == (0, "moved a: A (to A)\nmoved c: C (to A)\n")
    assert order(run) == [("b", "A", None), ("a", "A", None), ("c", "A", None)]


def test_mv_several_into_the_last_section_after_a_move_under_its_last_item(
    run: Run, catalogue_file: Path
) -> None:
    assert run("mv", "bert", "--parent", "lm-without-tokens").exit_code == 0
    result = run("mv", "gpt1", "bert", "--section", "new")  # the last section, New (saw somewhere in twitter)
    assert result.exit_code == 0, result.stderr
    assert [key for key, section, _ in order(run) if section.startswith("New")][-2:] == ["gpt1", "bert"]


def test_mv_to_where_it_is_changes_nothing(run: Run, catalogue_file: Path) -> None:
    before = catalogue_file.stat().st_mtime_ns, catalogue_file.read_bytes()
    assert run("mv", "rope", "--section", "reinforcement").exit_code == 0
    assert (catalogue_file.stat().st_mtime_ns, catalogue_file.read_bytes()) == before


def test_mv_refuses_a_layout_it_cannot_cut(run: Run, write_catalogue: object) -> None:
    path = write_catalogue(
        "sections:\n  - name: A\n    items:\n      - {key: a, title: A}\n  - name: B\n    items: []\n"
    )  # type: ignore[operator]
    before = path.read_bytes()
    result = run("mv", "a", "--section", "B")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: papers.yaml:4: papers cannot move 'a' in this layout")
    assert path.read_bytes() == before


def test_ten_processes_moving_different_items_keep_every_move(catalogue_file: Path) -> None:
    keys = [
        "bert",
        "t5",
        "roberta",
        "reformer",
        "flashattention",
        "longformer",
        "vit",
        "palm",
        "gqa",
        "whisper",
    ]
    items = at_once(*(["mv", key, "--section", "Some research papers"] for key in keys))
    assert {items[key]["section"] for key in keys} == {"Some research papers"}
    assert len(items) == len(listed_keys(SHIPPED))


def listed_keys(path: Path) -> list[str]:
    from papers.store.parse import parse_catalogue

    return [item.key for item in parse_catalogue(path.read_bytes()).items]


# --- rename ----------------------------------------------------------------------------------------


def test_rename_changes_the_key_and_moves_the_note(run: Run, catalogue_file: Path) -> None:
    assert run("note", "gpt1", "--no-edit").exit_code == 0
    before = catalogue_file.read_text()
    result = run("rename", "gpt1", "gpt")
    assert (result.exit_code, result.stderr) == (
        0,
        "renamed gpt1 to gpt: Improving Language Understanding by Generative Pre-Training\n"
        "moved its note to notes/gpt.md\n",
    )
    notes = catalogue_file.parent / "notes"
    assert (notes / "gpt.md").is_file() and not (notes / "gpt1.md").exists()
    assert listed(run)["gpt"]["note"] == "notes/gpt.md"
    assert catalogue_file.read_text() == before.replace("key: gpt1\n", "key: gpt\n").replace(
        "note: notes/gpt1.md\n", "note: notes/gpt.md\n"
    )


@pytest.mark.parametrize(
    ("new", "message"),
    [
        (
            "bert",
            "the key 'bert' is taken by 'BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding'. Choose another key",
        ),
        (
            "Not A Key",
            "'Not A Key' is not a valid key. Use lowercase letters, digits and single hyphens, like 'flash-attention-2'",
        ),
    ],
)
def test_rename_refuses_a_taken_or_invalid_key(
    run: Run, catalogue_file: Path, new: str, message: str
) -> None:
    before = catalogue_file.read_bytes()
    result = run("rename", "gpt1", new)
    assert (result.exit_code, result.stderr) == (2, f"Error: {message}.\n")
    assert catalogue_file.read_bytes() == before


def test_rename_refuses_when_the_new_note_exists(run: Run, catalogue_file: Path) -> None:
    assert run("note", "gpt1", "--no-edit").exit_code == 0
    (catalogue_file.parent / "notes" / "gpt.md").write_text("someone else's\n")
    before = catalogue_file.read_bytes()
    result = run("rename", "gpt1", "gpt")
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: notes/gpt.md exists already: nothing was changed. Move it away first.\n",
    )
    assert catalogue_file.read_bytes() == before
    assert (catalogue_file.parent / "notes" / "gpt.md").read_text() == "someone else's\n"


# --- what is read back -----------------------------------------------------------------------------


def parsed_texts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts each read-back of a structural edit parses (store/yamledit/structure.py)."""
    from papers.store.yamledit import structure

    texts: list[str] = []
    real = structure.parse

    def recording(text: str, label: str) -> object:
        texts.append(text)
        return real(text, label)

    monkeypatch.setattr(structure, "parse", recording)
    return texts


def test_a_move_reads_back_only_the_items_around_each_change(
    catalogue_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from papers import actions

    before = catalogue_file.read_bytes()
    texts = parsed_texts(monkeypatch)
    # Tokenization's 31 lines and Vision's 142: read back, gpt2's neighbour fim, and Vision's last item and gpt2.
    actions.move(catalogue_file, ["gpt2"], section="Vision")
    sizes = [text.count("\n") for text in texts]
    assert len(sizes) == 2 and sum(sizes) < 40, sizes
    actions.move(catalogue_file, ["gpt2"], section="Tokenization", before="fim")
    assert catalogue_file.read_bytes() == before


def test_a_window_that_proves_nothing_falls_back_to_the_whole_section(
    write_catalogue: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from papers import actions

    text = (
        "sections:\n  - name: A\n    items:\n      -\n        key: a\n        title: A\n      - key: b\n"
        "        title: B\n      - key: c\n        title: C\n  - name: B\n    items:\n      - key: d\n"
        "        title: D\n"
    )
    path = write_catalogue(text)  # type: ignore[operator]
    texts = parsed_texts(monkeypatch)
    actions.move(path, ["b"], section="B")  # b's neighbour a has its `- ` on a line of its own
    # All of section A (after the cut), and only the window of d and b in section B.
    assert sorted(texts) == [
        "sections:\n  - name: A\n    items:\n      -\n        key: a\n        title: A\n      - key: c\n"
        "        title: C\n",
        "sections:\n- name: check\n  items:\n  - key: d\n    title: D\n  - key: b\n    title: B\n",
    ]
    assert [item.key for item in parse_catalogue_of(path)] == ["a", "c", "d", "b"]  # type: ignore[attr-defined]


def parse_catalogue_of(path: Path) -> list[object]:
    from papers.store.parse import parse_catalogue

    return list(parse_catalogue(path.read_bytes()).items)


def test_a_tree_reads_each_key_from_its_catalogue_until_the_key_is_changed() -> None:
    """model.reshape.Tree makes its maps on first use of each key (_Derived): what it gives, holds
    and forgets must be what maps built whole up front would."""
    from papers.model.reshape import Tree
    from papers.store.parse import parse

    text = (
        "sections:\n- name: A\n  items:\n  - key: a\n    title: A\n    children:\n"
        "      - key: a-child\n        title: Child\n  - key: b\n    title: B\n"
        "- name: Z\n  items:\n  - key: z\n    title: Z\n"
    )
    tree = Tree(parse(text).catalogue)
    assert (tree.parent["a-child"], tree.section_of["z"], tree.kids["a"]) == ("a", "Z", ["a-child"])
    assert tree.tops["A"] == ["a", "b"] and "b" in tree.items and "nope" not in tree.items
    with pytest.raises(KeyError):
        tree.items["nope"]
    tree.rename("b", "b2", None)
    assert "b" not in tree.items and "b" not in tree.parent and tree.items["b2"].key == "b2"
    with pytest.raises(KeyError):
        tree.kids["b"]
    with pytest.raises(KeyError):
        del tree.section_of["b"]
    assert tree.tops["A"] == ["a", "b2"]
    assert [key for key, _ in tree.parent.entries()] == ["a", "a-child", "z", "b2"]  # dict order
    tree.parent["b"] = None  # a key set again is there again
    assert "b" in tree.parent and tree.parent.pop("b") is None and "b" not in tree.parent
    catalogue = tree.catalogue()
    assert [item.key for item in catalogue.items] == ["a", "a-child", "b2", "z"]
    assert catalogue["a-child"].parent == "a" and catalogue["b2"].section == "A"


def walked(tree: object) -> list[tuple[str, str, str | None, int, tuple[str, ...]]]:
    """Every item of the tree as a walk of its lists gives it: key, section, parent, depth, children."""
    out: list[tuple[str, str, str | None, int, tuple[str, ...]]] = []

    def visit(key: str, section: str, parent: str | None, depth: int) -> None:
        out.append((key, section, parent, depth, tuple(tree.kids[key])))  # type: ignore[attr-defined]
        for child in tree.kids[key]:  # type: ignore[attr-defined]
            visit(child, section, key, depth + 1)

    for section in tree.sections:  # type: ignore[attr-defined]
        for top in tree.tops[section]:  # type: ignore[attr-defined]
            visit(top, section, None, 0)
    return out


@settings(max_examples=60, deadline=None)
@given(
    steps=st.lists(st.tuples(st.sampled_from(["move", "rename", "drop"]), st.integers(0, 10**6)), max_size=6)
)
def test_a_trees_catalogue_is_its_lists_walked_whatever_was_changed(steps: list[tuple[str, int]]) -> None:
    """Tree.catalogue takes an untouched item's subtree as it was: it must be what walking every
    list again gives, after any moves, renames and removals, in every section or only the changed."""
    from papers.model.reshape import Tree
    from papers.store.parse import parse_catalogue

    tree = Tree(parse_catalogue(SHIPPED.read_bytes()))
    touched: set[str] = set()
    for number, (step, pick) in enumerate(steps):
        keys = [key for key, *_ in walked(tree)]
        key = keys[pick % len(keys)]
        touched.add(tree.section_of[key])
        if step == "move":
            target = tree.sections[pick % len(tree.sections)]
            tree.detach(key)
            tree.attach(key, target, None, pick % (len(tree.tops[target]) + 1))
            touched.add(target)
        elif step == "rename":
            tree.rename(key, f"renamed-{number}", None)
        else:
            tree.detach(key)
            tree.drop(key)
    for changed in (None, touched):
        catalogue = tree.catalogue(changed)
        rows = [(i.key, i.section, i.parent, i.depth, i.children) for i in catalogue.items]
        assert rows == walked(tree)
        assert [key for s in catalogue.sections for key in s.keys] == [row[0] for row in rows]
        assert list(catalogue.keys) == [row[0] for row in rows]  # indexed in file order
        assert all(catalogue[item.key] is item for item in catalogue.items)
