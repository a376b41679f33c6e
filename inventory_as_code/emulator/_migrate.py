"""Database migration 2 -> 3: per-product options become shared customizations.

Until schema 2 the emulator gave every product its own option (a wrong reading
of Wix, see :mod:`._customizations`). A local store kept in
``.inventory-as-code/local.db`` is carried over as Wix would hold it: per
site, the options of one name (compared without regard to case) and one
render type become one customization, with one choice per choice name; the
products, their variants and the read-only variants view are rewritten to the
shared ids. Two options of one name with different render types stay two
customizations (no Wix store can hold that; the emulator then finds the older
one by name).
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from inventory_as_code.emulator._util import dumps
from inventory_as_code.emulator._variants import project_docs

JsonDict = dict[str, Any]


def _columns(conn: sqlite3.Connection) -> set[str]:
    return {row[1] for row in conn.execute("PRAGMA table_info(customizations)")}


def shared_options(conn: sqlite3.Connection) -> None:
    for column in ("name_key", "type", "created"):
        if column not in _columns(conn):
            conn.execute(f"ALTER TABLE customizations ADD COLUMN {column} TEXT NOT NULL DEFAULT ''")
    conn.execute("DELETE FROM customizations")
    shared: dict[tuple[str, str, str], JsonDict] = {}  # (site, name key, render) -> customization
    rows = conn.execute("SELECT seq, site_id, id, doc FROM products ORDER BY seq").fetchall()
    for row in rows:
        product = json.loads(row["doc"])
        site = row["site_id"]
        option_ids: dict[str, str] = {}
        choice_ids: dict[str, str] = {}
        for option in product.get("options") or []:
            render = option.get("optionRenderType", "TEXT_CHOICES")
            key = (site, str(option["name"]).lower(), render)
            custom = shared.get(key)
            if custom is None:
                custom = shared[key] = _customization(option, product)
            option_ids[option["id"]] = custom["id"]
            by_name = {c["name"].lower(): c for c in custom["choicesSettings"]["choices"]}
            for choice in option["choicesSettings"]["choices"]:
                known = by_name.get(str(choice["name"]).lower())
                if known is None:
                    known = {k: v for k, v in choice.items() if k not in _PRODUCT_SIDE}
                    known["id"] = known.pop("choiceId")
                    custom["choicesSettings"]["choices"].append(known)
                    by_name[known["name"].lower()] = known
                choice_ids[choice["choiceId"]] = known["id"]
                choice["choiceId"] = known["id"]
                choice["name"], choice["key"] = known["name"], known["key"]
                if "colorCode" in known:
                    choice["colorCode"] = known["colorCode"]
            option["id"], option["name"] = custom["id"], custom["name"]
        if not option_ids:
            continue
        for variant in (product.get("variantsInfo") or {}).get("variants") or []:
            for choice in variant.get("choices") or []:
                ids = choice["optionChoiceIds"]
                ids["optionId"] = option_ids.get(ids["optionId"], ids["optionId"])
                ids["choiceId"] = choice_ids.get(ids["choiceId"], ids["choiceId"])
        conn.execute("UPDATE products SET doc = ? WHERE seq = ?", (dumps(product), row["seq"]))
        conn.execute(
            "DELETE FROM ro_variants WHERE site_id = ? AND product_id = ?", (site, product["id"])
        )
        conn.executemany(
            "INSERT INTO ro_variants (seq, site_id, product_id, variant_id, doc)"
            " VALUES (?,?,?,?,?)",
            [
                (row["seq"] * 1000 + i, site, product["id"], d["variantId"], dumps(d))
                for i, d in enumerate(project_docs(product))
            ],
        )
    conn.execute("DELETE FROM ro_pending")
    for (site, name_key, _render), custom in shared.items():
        conn.execute(
            "INSERT INTO customizations (site_id, id, name_key, type, created, doc)"
            " VALUES (?,?,?,?,?,?)",
            (site, custom["id"], name_key, "PRODUCT_OPTION", custom["createdDate"], dumps(custom)),
        )


_PRODUCT_SIDE = ("linkedMedia", "media", "displayImage", "inStock", "visible")


def _customization(option: JsonDict, product: JsonDict) -> JsonDict:
    return {
        "id": option["id"],
        "revision": "1",
        "createdDate": product["createdDate"],
        "updatedDate": product["createdDate"],
        "key": str(option["name"]).lower(),
        "name": option["name"],
        "customizationType": "PRODUCT_OPTION",
        "customizationRenderType": option.get("optionRenderType", "TEXT_CHOICES"),
        "choicesSettings": {"choices": []},
    }
