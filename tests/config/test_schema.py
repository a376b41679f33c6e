"""The published JSON Schema: valid, used by the examples, and mirrored by the fast checker."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from inventory_as_code.config import load_schema
from inventory_as_code.config.compiled import SchemaCompiler

ROOT = Path(__file__).parents[2]
SCHEMA = load_schema()
VALIDATOR = Draft202012Validator(SCHEMA)
FAST = SchemaCompiler(SCHEMA).compile(SCHEMA)


def test_schema_is_valid_draft_2020_12() -> None:
    Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_top_level_schemas_link_points_at_the_packaged_file() -> None:
    published = json.loads((ROOT / "schemas" / "desired-state.schema.json").read_text())
    assert published == SCHEMA


def test_examples_are_valid_for_an_editor_using_only_the_schema() -> None:
    for path in sorted((ROOT / "examples").rglob("*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        errors = list(VALIDATOR.iter_errors(data))
        assert not errors, (path, [e.message for e in errors])


# Values shaped like the format: known keys, plausible and implausible scalars.
KEYS = st.sampled_from(
    [
        "locations",
        "products",
        "defaults",
        "prune",
        "stock",
        "default",
        "name",
        "type",
        "options",
        "variants",
        "exclude",
        "combinations",
        "sku",
        "price",
        "compare_at_price",
        "visible",
        "quantity",
        "in_stock",
        "tracking",
        "policy",
        "preorder",
        "enabled",
        "limit",
        "message",
        "managed",
        "address",
        "country",
        "time_zone",
        "W",
        "S/Black",
        "tee",
        "Bad Slug",
    ]
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(
        [
            "quantity",
            "in_stock",
            "set",
            "initial",
            "at_least",
            "all",
            "listed",
            "physical",
            "digital",
            "24.90",
            "$5",
            "",
            "DE",
            "x" * 300,
            "S",
            "Black",
        ]
    ),
)
VALUES: st.SearchStrategy[Any] = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(KEYS, inner, max_size=5)),
    max_leaves=25,
)
DOCUMENTS = st.dictionaries(KEYS, VALUES, max_size=4)


@settings(max_examples=300, deadline=None)
@given(DOCUMENTS)
def test_fast_checker_agrees_with_jsonschema(document: dict[str, Any]) -> None:
    assert FAST(document) == VALIDATOR.is_valid(document)


@settings(max_examples=200, deadline=None)
@given(
    st.fixed_dictionaries(
        {"products": st.dictionaries(st.sampled_from(["tee", "mug", "x-1"]), VALUES, max_size=3)}
    )
)
def test_fast_checker_agrees_on_products(document: dict[str, Any]) -> None:
    assert FAST(document) == VALIDATOR.is_valid(document)
