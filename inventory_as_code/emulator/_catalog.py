"""Product rows and the variant index shared by products, inventory and variants.

The stored product document holds only what callers wrote plus generated ids,
revision and dates. Everything derived (inventory aggregate, price ranges,
choice stock flags, option-choice names) is computed when it is rendered, so
it can never go stale (see ``_product_render``).
"""

from __future__ import annotations

import json
from typing import Any

from inventory_as_code.emulator._context import Ctx
from inventory_as_code.emulator._util import JsonDict, dumps


def load_product(ctx: Ctx, product_id: str) -> JsonDict | None:
    key = f"product:{product_id}"
    if key not in ctx.cache:
        row = ctx.conn.execute(
            "SELECT seq, doc FROM products WHERE site_id = ? AND id = ?", (ctx.site_id, product_id)
        ).fetchone()
        ctx.cache[key] = None if row is None else (row["seq"], json.loads(row["doc"]))
    entry = ctx.cache[key]
    return None if entry is None else entry[1]


def product_seq(ctx: Ctx, product_id: str) -> int:
    load_product(ctx, product_id)
    return int(ctx.cache[f"product:{product_id}"][0])


def save_product(ctx: Ctx, doc: JsonDict, *, insert: bool) -> int:
    """Write the product row and its variant index rows; returns the row's seq."""
    pid = doc["id"]
    if insert:
        cur = ctx.conn.execute(
            "INSERT INTO products (site_id, id, slug, handle, name, created, updated, doc)"
            " VALUES (?,?,?,?,?,?,?,?)",
            (
                ctx.site_id,
                pid,
                doc["slug"],
                doc["handle"],
                doc["name"],
                doc["createdDate"],
                doc["updatedDate"],
                dumps(doc),
            ),
        )
        seq = int(cur.lastrowid or 0)
    else:
        seq = product_seq(ctx, pid)
        ctx.conn.execute(
            "UPDATE products SET slug = ?, name = ?, updated = ?, doc = ?"
            " WHERE site_id = ? AND id = ?",
            (doc["slug"], doc["name"], doc["updatedDate"], dumps(doc), ctx.site_id, pid),
        )
        ctx.conn.execute(
            "DELETE FROM variants WHERE site_id = ? AND product_id = ?", (ctx.site_id, pid)
        )
    ctx.conn.executemany(
        "INSERT INTO variants (site_id, variant_id, product_id, sku, barcode) VALUES (?,?,?,?,?)",
        [(ctx.site_id, v["id"], pid, v.get("sku"), v.get("barcode")) for v in variants_of(doc)],
    )
    ctx.cache[f"product:{pid}"] = (seq, doc)
    return seq


def delete_product_row(ctx: Ctx, product_id: str) -> None:
    ctx.conn.execute("DELETE FROM products WHERE site_id = ? AND id = ?", (ctx.site_id, product_id))
    ctx.conn.execute(
        "DELETE FROM variants WHERE site_id = ? AND product_id = ?", (ctx.site_id, product_id)
    )
    ctx.cache[f"product:{product_id}"] = None


def variants_of(product: JsonDict) -> list[JsonDict]:
    return list((product.get("variantsInfo") or {}).get("variants") or [])


def find_variant(product: JsonDict, variant_id: str) -> JsonDict | None:
    for variant in variants_of(product):
        if variant["id"] == variant_id:
            return variant
    return None


def product_of_variant(ctx: Ctx, variant_id: str) -> str | None:
    row = ctx.conn.execute(
        "SELECT product_id FROM variants WHERE site_id = ? AND variant_id = ?",
        (ctx.site_id, variant_id),
    ).fetchone()
    return None if row is None else str(row[0])


def choice_names(product: JsonDict, variant: JsonDict) -> list[JsonDict]:
    """``optionChoiceNames`` for each of a variant's choices, in option order."""
    options = {o["id"]: o for o in product.get("options") or []}
    out = []
    for choice in variant.get("choices") or []:
        ids = choice["optionChoiceIds"]
        option = options.get(ids["optionId"], {})
        name = next(
            (c.get("name") for c in _choices(option) if c["choiceId"] == ids["choiceId"]), None
        )
        out.append(
            {
                "optionName": option.get("name"),
                "choiceName": name,
                "renderType": option.get("optionRenderType"),
            }
        )
    return out


def _choices(option: JsonDict) -> list[JsonDict]:
    return list((option.get("choicesSettings") or {}).get("choices") or [])


def variant_name(product: JsonDict, variant: JsonDict) -> str | None:
    # unconfirmed in the Wix docs: how variantName is composed; the emulator
    # joins the choice names with " / " and omits it for the default variant.
    names = [str(c["choiceName"]) for c in choice_names(product, variant) if c["choiceName"]]
    return " / ".join(names) or None


def categories_of(product: JsonDict) -> list[Any]:
    # The emulator does not model categories; the main category (if set) is the
    # only direct category it knows of.
    main = product.get("mainCategoryId")
    return [main] if main else []
