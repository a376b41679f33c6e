"""Structural validation of each file against the published JSON Schema.

The schema (``schemas/desired-state.schema.json``, draft 2020-12) is the single
description of the file structure: editors use it for completion and checks,
and the loader runs it on every file before the semantic rules. Each file is a
self-contained partial document, so the schema applies per file; rules that
need the whole project (unique SKUs, known locations, ...) live in
:mod:`inventory_as_code.config.rules`.

jsonschema's own messages are written for schema authors ("'prce' was
unexpected"), so every error is translated here into a message for a store
operator, with a fix. Two private keywords in the schema help: ``x-name`` names
what a pattern describes ("a valid slug") and ``x-hint`` says how to fix it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError  # type: ignore[import-untyped]

from inventory_as_code.config.compiled import Check, SchemaCompiler
from inventory_as_code.config.document import Document
from inventory_as_code.config.problems import (
    PathPart,
    ProblemCollector,
    did_you_mean,
    format_path,
    quote,
    suggest,
)

SCHEMA_FILE = "desired-state.schema.json"

_TYPE_WORDS = {
    "integer": "a whole number",
    "number": "a number",
    "string": "text",
    "boolean": "true or false",
    "object": "a mapping (key: value)",
    "array": "a list",
    "null": "nothing",
}


@cache
def load_schema() -> dict[str, Any]:
    """The desired-state JSON Schema shipped with the package."""
    text = resources.files("inventory_as_code").joinpath("schemas", SCHEMA_FILE).read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def checked_schema() -> dict[str, Any]:
    """The schema the loader checks files with: the published one without ``$patch``.

    The published schema lets editors accept ``$patch`` (a site's overlay); the
    loader takes it out of an overlay's files before their check
    (:mod:`.overlay`), so in the catalogue's own files it is an unknown key.
    """

    def without(node: Any) -> Any:
        if isinstance(node, dict):
            return {
                key: (
                    {k: without(v) for k, v in value.items() if k != "$patch"}
                    if key == "properties" and isinstance(value, dict)
                    else without(value)
                )
                for key, value in node.items()
            }
        if isinstance(node, list):
            return [without(item) for item in node]
        return node

    schema: dict[str, Any] = without(load_schema())
    return schema


@cache
def _checks() -> tuple[Check, Check]:
    schema = checked_schema()
    compiler = SchemaCompiler(schema)
    return compiler.compile(schema), compiler.compile_ref("#/$defs/product")


@cache
def _explainers() -> tuple[Any, Any]:
    """jsonschema validators, imported only when a document fails (they cost an import)."""
    from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

    schema = checked_schema()
    product_schema = {"$ref": "#/$defs/product", "$defs": schema["$defs"]}
    return Draft202012Validator(schema), Draft202012Validator(product_schema)


def check_document(doc: Document, problems: ProblemCollector) -> set[tuple[PathPart, ...]]:
    """Report every schema violation in ``doc``; return the paths that had one.

    The compiled check answers for the whole file first (the common, valid
    case costs little); when it fails, jsonschema produces the errors of the
    top level and of each failing product only.
    """
    document_ok, product_ok = _checks()
    if document_ok(doc.data):
        return set()
    top_validator, product_validator = _explainers()
    bad: set[tuple[PathPart, ...]] = set()
    products = doc.data.get("products")
    top = doc.data
    if isinstance(products, dict):
        # Products are checked one by one below; stand-ins keep their keys (slugs) checked here.
        top = {**doc.data, "products": {slug: {} for slug in products}}
    where = _where_in(doc)
    for error in top_validator.iter_errors(top):
        bad.add(tuple(error.absolute_path))
        _report(error, tuple(error.absolute_path), where, problems)
    if isinstance(products, dict):
        for slug, product in products.items():
            if product_ok(product):
                continue
            for error in product_validator.iter_errors(product):
                path = ("products", slug, *error.absolute_path)
                bad.add(path)
                _report(error, path, where, problems)
    return bad


# Where the value (or, with key=True, the key) at a path of a document was written.
Where = Callable[[Sequence[PathPart], bool], tuple[str, int, int]]


def _where_in(doc: Document) -> Where:
    def where(path: Sequence[PathPart], key: bool) -> tuple[str, int, int]:
        return (doc.file, *doc.locate(path, key=key))

    return where


def check_merged(
    section: str, slug: str | None, value: Any, where: Where, problems: ProblemCollector
) -> None:
    """The schema on one block (``slug`` None) or product merged from several files."""
    document_ok, product_ok = _checks()
    if slug is not None:
        if product_ok(value):
            return
        _, product_validator = _explainers()
        for error in product_validator.iter_errors(value):
            _report(error, (section, slug, *error.absolute_path), where, problems)
        return
    if document_ok({section: value}):
        return
    top_validator, _ = _explainers()
    for error in top_validator.iter_errors({section: value}):
        _report(error, tuple(error.absolute_path), where, problems)


def _report(
    error: ValidationError, path: tuple[PathPart, ...], where: Where, problems: ProblemCollector
) -> None:
    keyword = error.validator
    schema: Mapping[str, Any] = error.schema if isinstance(error.schema, Mapping) else {}
    instance = error.instance
    if keyword == "additionalProperties" and isinstance(instance, dict):
        allowed = list(schema.get("properties", {}))
        for key in instance:
            if key not in allowed:
                _unknown_key(str(key), allowed, path, where, problems)
        return
    if "propertyNames" in error.relative_schema_path:
        # jsonschema reports a bad key with the parent's path and the key as instance.
        key_path = (*path, str(instance))
        file, line, column = where(key_path, True)
        message, hint = _describe(keyword, instance, schema, error.validator_value)
        problems.add(file, line, column, format_path(key_path), message, hint)
        return
    file, line, column = where(path, False)
    message, hint = _describe(keyword, instance, schema, error.validator_value)
    problems.add(file, line, column, format_path(path), message, hint)


def _unknown_key(
    key: str,
    allowed: Sequence[str],
    path: tuple[PathPart, ...],
    where: Where,
    problems: ProblemCollector,
) -> None:
    key_path = (*path, key)
    file, line, column = where(key_path, True)
    if key == "managed" and path[-2:] == ("defaults", "stock"):
        message = 'unknown key "managed": store-wide defaults never manage stock by themselves.'
        hint = "put managed: on a location's stock, a product's or a variant's stock instead."
    elif key == "$patch":
        message = (
            'unknown key "$patch": $patch is written in a site\'s overlay, and this file is '
            "part of the base catalogue."
        )
        hint = (
            "move the entry into the site's overlay folder ([sites.NAME] overlay in "
            "inventory-as-code.toml), or remove $patch."
        )
    else:
        message = f'unknown key "{key}"{did_you_mean(key, allowed)}'
        match = suggest(key, allowed)
        hint = (
            f'rename it to "{match}".'
            if match
            else f"remove it; the keys allowed here are {', '.join(allowed)}."
        )
    problems.add(file, line, column, format_path(key_path), message, hint)


def _describe(
    keyword: str, instance: Any, schema: Mapping[str, Any], expected: Any
) -> tuple[str, str]:
    """(message, hint) for one schema error."""
    hint = str(schema.get("x-hint", ""))
    if keyword == "type":
        return _type_message(instance, expected)
    if keyword == "enum":
        choices = [str(c) for c in expected]
        text = str(instance) if isinstance(instance, str) else quote(instance)
        message = f"{quote(instance)} is not allowed here{did_you_mean(text, choices)}"
        return message, f"use one of: {', '.join(choices)}."
    if keyword == "pattern":
        what = str(schema.get("x-name", "in the expected format"))
        return f"{quote(instance)} is not {what}.", hint
    if keyword in ("minimum", "maximum"):
        low, high = schema.get("minimum"), schema.get("maximum")
        side = "below the minimum" if keyword == "minimum" else "above the maximum"
        return (
            f"{quote(instance)} is {side} {expected}.",
            hint or f"use a value from {low} to {high}.",
        )
    if keyword == "minLength":
        return "must not be empty.", "write a value or remove the key."
    if keyword == "maxLength":
        return (
            f"the text is {len(instance)} characters long; at most {expected} are allowed.",
            hint or "shorten it.",
        )
    if keyword in ("minItems", "minProperties"):
        return "the list is empty.", hint or "list at least one entry."
    if keyword == "required":
        missing = [key for key in expected if not (isinstance(instance, dict) and key in instance)]
        return (
            f"{', '.join(missing)} missing here.",
            hint or f"add {' and '.join(missing)}.",
        )
    if keyword in ("maxItems", "maxProperties"):
        count = len(instance)
        if keyword == "maxProperties" and expected == 1:
            return (
                f"has {count} entries ({', '.join(map(str, instance))}); one is allowed here.",
                hint or "split it into one entry each.",
            )
        if keyword == "maxProperties" and expected == 6:
            return (
                f"has {count} options; Wix allows at most 6 per product.",
                "combine options, or split the product.",
            )
        if expected == 100:
            return (
                f"has {count} choices; Wix accepts at most 100 choices per option.",
                "split the option, or move some choices to another product.",
            )
        return f"has {count} entries; Wix allows at most {expected}.", "split or shorten it."
    return f"invalid value {quote(instance)} ({keyword}).", hint  # pragma: no cover - safety net


def _type_message(instance: Any, expected: Any) -> tuple[str, str]:
    wanted = [expected] if isinstance(expected, str) else list(expected)
    words = [_TYPE_WORDS.get(w, w) for w in wanted if not (w == "number" and "integer" in wanted)]
    expected_text = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]
    got = _kind(instance)
    message = f"expected {expected_text}, got {got}."
    if instance is None:
        return message, "write a value after the colon, or remove the key."
    if "string" in wanted and isinstance(instance, bool):
        return (
            message,
            "YAML reads yes/no/on/off/true/false as true or false; put the text in quotes.",
        )
    if wanted == ["integer"] and isinstance(instance, float):
        return message, "write a whole number, without decimals."
    if "string" in wanted and isinstance(instance, (dict, list)):
        return message, 'if the text contains ": " or starts with [ or {, put it in quotes.'
    return message, f"write {expected_text} here."


def _kind(instance: Any) -> str:
    if instance is None:
        return "nothing"
    if isinstance(instance, bool):
        return f"{str(instance).lower()}"
    if isinstance(instance, (int, float)):
        return f"the number {quote(instance)}"
    if isinstance(instance, str):
        return f"the text {quote(instance)}"
    if isinstance(instance, dict):
        return "a mapping"
    return "a list"
