"""The smaller holes of issue 18 (section 4), each through the real command.

Every case here passed unnoticed on a7233e5: a deletion rail that counted
from 10 *deletions* (9 of 12 products went through), a location archived
for good without review, a stale `set` count explained as "another field",
a choice renamed without ``moved:`` deleting stock without a word, a saved
plan relabelled to another site applied there, and an edited incremental
snapshot shaping the plan.
"""

from __future__ import annotations

from pathlib import Path

from tests.e2e.cli import run_cli, write_project

STORE = (
    "locations:\n"
    "  Shop floor: {default: true, stock: {tracking: quantity}}\n"
    "  Depot: {}\n"
    "defaults: {stock: {policy: set}}\n"
)


def mugs(kept: range) -> str:
    return "products:\n" + "".join(
        f'  mug-{n}:\n    name: Mug {n}\n    price: "10.00"\n    sku: MUG-{n}\n'
        "    stock: {Shop floor: 5}\n"
        for n in kept
    )


def test_deleting_9_of_12_products_and_archiving_a_location_need_acceptances(
    tmp_path: Path,
) -> None:
    shop = write_project(tmp_path / "shop", {"store.yaml": STORE, "mugs.yaml": mugs(range(12))})
    assert run_cli("apply", shop, "--auto-approve").code == 0
    # Under prune, the YAML keeps 3 of the 12 mugs and no longer lists the depot.
    (shop / "store.yaml").write_text(
        STORE.replace("  Depot: {}\n", "") + "prune: {products: true, locations: true}\n"
    )
    (shop / "mugs.yaml").write_text(mugs(range(3)))

    tripped = run_cli("plan", shop, "--detailed-exitcode")
    assert tripped.code == 4, tripped
    assert "DELETE_SHARE (products): 9 of 12 live products (75%) would be deleted" in tripped.out
    assert (
        "LOCATION_ARCHIVE: 1 location(s) would be archived: Wix cannot delete a location, and "
        "an archive is permanent (it cannot be undone)." in tripped.out
    )

    accept_products = (
        '[[guard_rails.accept]]\nrail = "DELETE_SHARE"\nkind = "products"\nmax = 9\n'
        'reason = "closing the mug range"\n'
    )
    (shop / "inventory-as-code.toml").write_text(accept_products)
    refused = run_cli("apply", shop, "--auto-approve")
    assert refused.code == 4, refused
    assert "the plan trips guard rails that no acceptance covers: LOCATION_ARCHIVE." in refused.err

    (shop / "inventory-as-code.toml").write_text(
        accept_products
        + '\n[[guard_rails.accept]]\nrail = "LOCATION_ARCHIVE"\nmax = 1\nreason = "depot closed"\n'
    )
    accepted = run_cli("plan", shop, "--detailed-exitcode")
    assert accepted.code == 2, accepted
    assert "accepted" in accepted.out and "depot closed" in accepted.out
