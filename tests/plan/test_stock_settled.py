"""The stock planner's shortcut for settled items plans what the full rules plan.

``plan_product`` skips an existing item when ``_settled`` says the rules would
find nothing to change; checked here against ``_plan_item`` for every
combination of tracking, counts, flags, policies and preorder settings (a
skipped item that the rules would change, or count as drift, is a lost change).
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from inventory_as_code.live import LiveStore
from inventory_as_code.live.model import LiveInventoryItem, LivePreorder
from inventory_as_code.model import DesiredState, Policy, Preorder, StockEntry, Tracking
from inventory_as_code.plan.stock import StockPlanner, _ItemRef, _settled

COUNTS = st.none() | st.integers(0, 3)
FLAGS = st.none() | st.booleans()
ENTRIES = st.builds(
    StockEntry,
    tracking=st.none() | st.sampled_from(Tracking),
    quantity=COUNTS,
    in_stock=FLAGS,
    policy=st.sampled_from(Policy),
    preorder=st.none() | st.builds(Preorder, enabled=FLAGS, limit=st.none() | st.just(5)),
)
ITEMS = st.builds(
    LiveInventoryItem,
    id=st.just("item"),
    revision=st.just("1"),
    product_id=st.just("p"),
    variant_id=st.just("v"),
    location_id=st.just("l"),
    tracking=st.sampled_from(["quantity", "in_stock"]),
    quantity=COUNTS,
    in_stock=FLAGS,
    preorder=st.builds(LivePreorder, st.booleans(), st.none(), st.none() | st.just(5), st.just(0)),
)
REF = _ItemRef("tee", ("S",), "Main", "set", "p", "v", "l")


@given(ENTRIES, ITEMS)
def test_a_skipped_item_is_one_the_rules_leave_alone(
    entry: StockEntry, item: LiveInventoryItem
) -> None:
    planner = StockPlanner(DesiredState(), LiveStore((), (), {}, {}), {})
    change = planner._plan_item(REF, entry, item)
    if _settled(entry, item):
        assert change is None
        assert planner.initial_drift == 0


def test_a_count_that_differs_is_not_settled() -> None:
    item = LiveInventoryItem(
        "i", "1", "p", "v", "l", "quantity", 3, None, LivePreorder(False, None, None, 0)
    )
    assert not _settled(StockEntry(Tracking.QUANTITY, 4, policy=Policy.INITIAL), item)
    assert _settled(StockEntry(Tracking.QUANTITY, 3), item)
