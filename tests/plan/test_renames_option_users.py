"""A product renamed by ``moved:`` keeps its YAML name in an option's users, however read."""

from __future__ import annotations

from inventory_as_code.live.model import LiveStore
from inventory_as_code.model import DesiredState, Move, MoveKind
from inventory_as_code.plan.renames import apply_moves


def test_a_product_read_only_as_an_options_user_is_named_as_the_yaml_names_it() -> None:
    # A plan narrowed to another product reads the users of a shared option apart from
    # the products (live.option_users, by live slug). The whole plan names a renamed
    # product by its new slug; the narrowed one listed the old one (found by the
    # targeted-plan property test: the option change differed in keys["products"]).
    live = LiveStore((), (), {}, {}, option_users={"size-id": {"ebook": "p1", "tee": "p2"}})
    desired = DesiredState(moves=(Move(MoveKind.PRODUCT, "tee", "tshirt"),))
    renamed = apply_moves(desired, live).live
    assert renamed.users_of("size-id") == {"ebook": "p1", "tshirt": "p2"}
