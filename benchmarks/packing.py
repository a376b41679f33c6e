"""How close the products packer (``apply/packing.py``) gets to the lower bound, and its cost.

A products call carries at most 100 products, 1,000 variants and 100 options.
For random catalogues (seeded, so the figures repeat) it counts how often
``pack`` uses exactly ``fewest_calls`` calls; where it uses more on a small
catalogue, an exhaustive search says whether the bound was reachable at all.
Then it times ``pack`` on 20,000 products of several mixes (CPU seconds).

    python benchmarks/packing.py --catalogues 2000
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable, Sequence

from inventory_as_code.apply.packing import fewest_calls, pack

TOTALS = (100, 1000, 100)
Size = tuple[int, int, int]


def catalogue_mix(rng: random.Random) -> list[Size]:
    """0 to 6 options (Wix's most per product) of 1-6 choices; variants = the product."""
    products = []
    for _ in range(rng.randint(1, 400)):
        options = rng.randint(0, 6)
        variants = 1
        for _ in range(options):
            variants *= rng.randint(1, 6)
        products.append((1, min(variants, 1000), options))
    return products


def large_mix(rng: random.Random) -> list[Size]:
    """Up to 3 options of up to 12 choices: products of hundreds of variants."""
    products = []
    for _ in range(rng.randint(1, 400)):
        options = rng.choice([0, 1, 2, 2, 3])
        variants = 1
        for _ in range(options):
            variants *= rng.randint(1, 12)
        products.append((1, min(variants, 1000), options))
    return products


def reachable(sizes: Sequence[Size], calls: int) -> bool:
    """Exhaustive: can ``sizes`` go into ``calls`` calls? (small catalogues only)"""
    order = sorted(sizes, key=lambda s: (-s[1], -s[2]))
    loads = [[0, 0, 0] for _ in range(calls)]

    def place(index: int) -> bool:
        if index == len(order):
            return True
        tried: set[tuple[int, ...]] = set()
        for load in loads:
            if tuple(load) in tried:
                continue
            tried.add(tuple(load))
            size = order[index]
            if all(a + b <= c for a, b, c in zip(load, size, TOTALS, strict=True)):
                for d in range(3):
                    load[d] += size[d]
                if place(index + 1):
                    return True
                for d in range(3):
                    load[d] -= size[d]
        return False

    return place(0)


def quality(name: str, mix: Callable[[random.Random], list[Size]], count: int) -> None:
    rng = random.Random(20250512)
    at_bound = over = unreachable = unknown = 0
    for _ in range(count):
        sizes = mix(rng)
        bound = fewest_calls(sizes, TOTALS)
        calls = len(pack(sizes, TOTALS))
        if calls == bound:
            at_bound += 1
            continue
        over += 1
        if len(sizes) <= 40:
            unreachable += not reachable(sizes, calls - 1)
        else:
            unknown += 1
    print(
        f"{name}: {count} catalogues, {at_bound} at the bound, {over} above it "
        f"({unreachable} of them small enough to prove the bound out of reach, "
        f"{unknown} too large to search)"
    )


def cost() -> None:
    rng = random.Random(7)
    mixes = {
        "20,000 x (5 variants, 1 option)": [(1, 5, 1)] * 20000,
        "20,000 x (4-12 variants, 1-3 options)": [
            (1, rng.choice([4, 6, 9, 12]), rng.choice([1, 2, 2, 3])) for _ in range(20000)
        ],
        "20,000 x (1-300 variants, 0-6 options)": [
            (1, rng.randint(1, 300), rng.randint(0, 6)) for _ in range(20000)
        ],
    }
    for name, sizes in mixes.items():
        started = time.process_time()
        calls = len(pack(sizes, TOTALS))
        spent = time.process_time() - started
        print(f"{name}: {calls} calls, bound {fewest_calls(sizes, TOTALS)}, {spent:.2f} s CPU")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--catalogues", type=int, default=2000)
    args = parser.parse_args()
    quality("catalogue mix", catalogue_mix, args.catalogues)
    quality("large mix", large_mix, args.catalogues)
    cost()


if __name__ == "__main__":
    main()
