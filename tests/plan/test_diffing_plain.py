"""Changed fields of plain values are found without deepdiff, exactly as deepdiff finds them.

``field_changes`` compares dicts of plain leaves itself and leaves everything
else to deepdiff; on any pair of values where it decides alone, the changed
paths must be deepdiff's (type changes such as 1 against True, or an enum
against its text, included).
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from inventory_as_code.model import Policy, Tracking
from inventory_as_code.plan.diffing import _deepdiff_paths, _plain_paths, field_changes
from inventory_as_code.plan.model import FieldChange

LEAVES = (
    st.none()
    | st.booleans()
    | st.integers(-2, 2)
    | st.sampled_from(["", "a", "quantity", "in_stock", "set"])
    | st.sampled_from(Tracking)
    | st.sampled_from(Policy)
    | st.sampled_from([1.0, 0.5])
    | st.lists(st.integers(0, 2), max_size=2)
)
KEYS = st.sampled_from(["quantity", "in_stock", "preorder", "limit", "a_b", "x"])
VALUES = st.recursive(LEAVES, lambda inner: st.dictionaries(KEYS, inner, max_size=3), max_leaves=8)
DICTS = st.dictionaries(KEYS, VALUES, max_size=4)


@settings(max_examples=400)
@given(DICTS, DICTS)
def test_plain_values_differ_where_deepdiff_says(
    before: dict[str, Any], after: dict[str, Any]
) -> None:
    plain = _plain_paths(before, after, "")
    if plain is not None:
        assert plain == _deepdiff_paths(before, after)


@given(DICTS)
def test_a_value_against_itself_changes_nothing(value: dict[str, Any]) -> None:
    assert _plain_paths(value, value, "") in (set(), None)


def test_stock_update_fields() -> None:
    before = {"quantity": 3, "preorder": {"enabled": False, "limit": None}}
    after = {"quantity": 4, "preorder": {"enabled": True}, "in_stock": None}
    assert field_changes(before, after) == (
        FieldChange("in_stock", None, None),
        FieldChange("preorder.enabled", False, True),
        FieldChange("preorder.limit", None, None),
        FieldChange("quantity", 3, 4),
    )
    assert _plain_paths({"t": Tracking.QUANTITY}, {"t": "quantity"}, "") == {"t"}
    assert _plain_paths({"q": 1}, {"q": 1.0}, "") is None  # deepdiff decides
