"""A choice renamed without ``moved:``: the plan names the entry that would rename it.

The planner cannot tell a rename from a replacement (both drop a choice and
add one), so it plans the replacement and says what a rename would keep. The
end-to-end case, through the command, is in tests/e2e/test_smaller_holes.py.
"""

from __future__ import annotations

from pathlib import Path

from inventory_as_code.plan.planner import build_plan
from tests.plan.helpers import DEFAULT, desired_from, live_from, product

LOCATIONS = f"locations:\n  {DEFAULT}: {{default: true}}\n"


def tees(*colors: str) -> dict[str, object]:
    return product(
        "tee",
        options={"Color": list(colors)},
        variants={c: {"sku": f"TEE-{c}", "stock": {DEFAULT: 4}} for c in colors},
    )


def yaml(colors: str, prune: str = "") -> dict[str, str]:
    return {
        "store.yaml": LOCATIONS + prune,
        "tee.yaml": f"products:\n  tee:\n    name: Tee\n    options: {{Color: [{colors}]}}\n"
        '    sku: TEE-{Color}\n    price: "10.00"\n',
    }


def hints(tmp_path: Path, colors: str, live: list[str], prune: str = "") -> list[str]:
    plan = build_plan(
        desired_from(tmp_path, yaml(colors, prune)), live_from({"products": [tees(*live)]})
    )
    return [n.message for n in plan.notes if n.code == "POSSIBLE_RENAME"]


def test_without_prune_the_old_variants_stay_and_the_hint_says_so(tmp_path: Path) -> None:
    (hint,) = hints(tmp_path, "Black, Pine", ["Black", "Forest Green"])
    assert "moved: [{choice: {option: Color, from: Forest Green, to: Pine}}]" in hint
    assert "keeping the 1 variant(s) and their stock (1 item(s), 4 unit(s))" in hint
    assert "they stay beside the new variants (unresolved" in hint


def test_several_renames_are_paired_in_order_and_odd_names_quoted(tmp_path: Path) -> None:
    (hint,) = hints(
        tmp_path,
        'Black, "Red: dark", Blue',
        ["Black", "Crimson", "Navy"],
        "prune: {variants: true}\n",
    )
    assert (
        'moved: [{choice: {option: Color, from: Crimson, to: "Red: dark"}}, '
        "{choice: {option: Color, from: Navy, to: Blue}}]"
    ) in hint
    assert "check each pair" in hint and "deleted with their stock" in hint


def test_a_choice_only_removed_or_only_added_gets_no_hint(tmp_path: Path) -> None:
    assert hints(tmp_path / "a", "Black", ["Black", "Navy"], "prune: {variants: true}\n") == []
    assert hints(tmp_path / "b", "Black, Navy, Pine", ["Black", "Navy"]) == []
