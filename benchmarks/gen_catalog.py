"""Generate a large, realistic inventory-as-code project for benchmarks.

Writes ``locations.yaml`` (the first location is the default) and the products
split over ``--files`` files in ``catalog/<product line>/``, the way a catalog
exported from a spreadsheet or an ERP would look: one line per variant with an
explicit SKU and the quantity at each location, so a stock change is a
one-line diff.

    python benchmarks/gen_catalog.py --products 10000 --variants 5 --locations 3 \
        --files 20 --out /tmp/catalog
    python -m inventory_as_code validate /tmp/catalog
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

SIZES = ["XS", "S", "M", "L", "XL", "XXL", "3XL", "4XL", "5XL", "6XL"]
LINES = ["tees", "hoodies", "caps", "socks", "bags", "mugs", "posters", "shoes"]
CITIES = ["Berlin", "Paris", "Madrid", "Vienna", "Prague", "Warsaw", "Lisbon", "Rome"]
SCHEMA = "yaml-language-server: $schema={}"


def location_names(count: int) -> list[str]:
    names = ["Main warehouse"]
    names += [
        f"Store {CITIES[i % len(CITIES)]}{'' if i < len(CITIES) else f' {i}'}"
        for i in range(count - 1)
    ]
    return names[:count]


def choices(count: int) -> list[str]:
    return SIZES[:count] if count <= len(SIZES) else [f"Size {i + 1}" for i in range(count)]


def product_lines(index: int, variants: int, locations: list[str], rng: random.Random) -> list[str]:
    line = LINES[index % len(LINES)]
    slug = f"{line[:-1]}-{index:05d}"
    code = f"{line[:3].upper()}{index:05d}"
    price = f"{rng.randint(5, 120)}.{rng.choice(['00', '50', '90', '99'])}"
    out = [
        f"  {slug}:",
        f"    name: {line[:-1].capitalize()} model {index:05d}",
        "    type: physical",
        f'    price: "{price}"',
    ]
    if variants <= 1:
        stock = ", ".join(f"{loc}: {rng.randint(0, 60)}" for loc in locations)
        out += [f"    sku: {code}", f"    stock: {{{stock}}}"]
        return out
    sizes = choices(variants)
    out.append(f"    options: {{Size: [{', '.join(sizes)}]}}")
    out.append("    variants:")
    for size in sizes:
        stock = ", ".join(f"{loc}: {rng.randint(0, 60)}" for loc in locations)
        extra = f', price: "{int(float(price)) + 2}.00"' if size in ("XXL", "3XL") else ""
        out.append(f"      {size}: {{sku: {code}-{size}{extra}, stock: {{{stock}}}}}")
    return out


def generate(
    out: Path, products: int, variants: int, locations: int, files: int, seed: int
) -> None:
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    names = location_names(locations)
    loc_lines = [f"# {SCHEMA.format('schema.json')}", "locations:"]
    for i, name in enumerate(names):
        loc_lines.append(f"  {name}:")
        if i == 0:
            loc_lines += ["    default: true", "    stock: {tracking: quantity, policy: set}"]
        else:
            loc_lines += [
                f"    time_zone: Europe/{CITIES[(i - 1) % len(CITIES)]}",
                "    stock: {policy: at_least}",
            ]
    (out / "locations.yaml").write_text("\n".join(loc_lines) + "\n", encoding="utf-8")
    per_file = -(-products // max(files, 1))
    for f in range(max(files, 1)):
        start, stop = f * per_file, min((f + 1) * per_file, products)
        if start >= stop:
            break
        folder = out / "catalog" / LINES[f % len(LINES)]
        folder.mkdir(parents=True, exist_ok=True)
        lines = [f"# {SCHEMA.format('../../schema.json')}", "products:"]
        for index in range(start, stop):
            lines += product_lines(index, variants, names, rng)
        (folder / f"part-{f:03d}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument(
        "--variants", type=int, default=5, help="variants per product (one Size option)"
    )
    parser.add_argument("--locations", type=int, default=3)
    parser.add_argument("--files", type=int, default=20, help="number of product files")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    generate(args.out, args.products, args.variants, args.locations, args.files, args.seed)


if __name__ == "__main__":
    main()
