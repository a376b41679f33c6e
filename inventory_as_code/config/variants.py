"""Variant keys, the variants a product has, and SKU templates.

A variant is written as its choices in option order joined by ``/``: with
options ``Size: [S, M]`` and ``Color: [Black, White]`` the keys are ``S/Black``,
``M/White`` and so on; spaces around ``/`` are ignored. Choice names may
contain ``/`` themselves (``Size: [S/M, L/XL]``): a key is read against the
product's actual choices, so ``S/M/Black`` is unambiguous. Only if two
readings are possible (options ``A: [x, x/y]`` and ``B: [y/z, z]`` make
``x/y/z`` ambiguous) is the key rejected, and renaming a choice fixes it.

By default a product has every combination of its choices (what an operator
means almost always); ``exclude`` removes some, ``combinations: listed`` keeps
only the keys written under ``variants``. The count is computed before any
expansion, so ``options`` crafted to have 10^18 combinations costs nothing.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from inventory_as_code.config.problems import did_you_mean, listing

MAX_VARIANTS = 1000  # Wix: variantsInfo.variants holds 1..1000 variants
MAX_SKU = 40
# The SDK type allows 1,000 choices per option, but live Wix answers
# CHOICES_LIMIT_EXCEEDED well below that (messages seen with 100 and 200):
# 100 is the safe maximum (shared/wix-api Corrections 8).
MAX_CHOICES = 100

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


@dataclass(frozen=True, slots=True)
class OptionSpec:
    """An option as the key parser needs it."""

    name: str
    choices: tuple[str, ...]


class VariantKeyError(ValueError):
    """A variant key that does not name a combination of the product's choices."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


def _tokens(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split("/"))


def parse_variant_key(text: str, options: Sequence[OptionSpec]) -> tuple[str, ...]:
    """Read ``S/Black`` into ``("S", "Black")`` against the product's options."""
    if not options:
        raise VariantKeyError(
            f'variant "{text}" given, but the product has no options.',
            "a product without options has one variant: put sku, price and stock on the product.",
        )
    parts = _tokens(text)
    if len(parts) == len(options) and all(
        part in option.choices for part, option in zip(parts, options, strict=True)
    ):
        return parts
    readings = list(itertools.islice(_readings(parts, options, 0), 2))
    if len(readings) == 1:
        return readings[0]
    if readings:
        shown = " or ".join(" + ".join(reading) for reading in readings)
        raise VariantKeyError(
            f'variant key "{text}" can be read in more than one way ({shown}).',
            'rename a choice so that fewer choice names contain "/".',
        )
    raise _explain(text, parts, options)


def _readings(
    tokens: tuple[str, ...], options: Sequence[OptionSpec], start: int
) -> Iterator[tuple[str, ...]]:
    """Every way to read ``tokens[start:]`` as one choice per remaining option."""
    if not options:
        if start == len(tokens):
            yield ()
        return
    for choice in options[0].choices:
        width = len(_tokens(choice))
        if tuple(tokens[start : start + width]) == _tokens(choice):
            for rest in _readings(tokens, options[1:], start + width):
                yield (choice, *rest)


def _explain(text: str, parts: tuple[str, ...], options: Sequence[OptionSpec]) -> VariantKeyError:
    names = [option.name for option in options]
    example = "/".join(option.choices[0] for option in options)
    slashes = any("/" in choice for option in options for choice in option.choices)
    if len(parts) != len(options) and not slashes:
        return VariantKeyError(
            f'variant key "{text}" has {len(parts)} part(s) but the product has '
            f"{len(options)} option(s) ({', '.join(names)}).",
            f'write one choice per option in option order, joined by "/", e.g. {example}.',
        )
    if len(parts) == len(options):
        for part, option in zip(parts, options, strict=True):
            if part in option.choices:
                continue
            elsewhere = [o.name for o in options if part in o.choices]
            if elsewhere:
                return VariantKeyError(
                    f'"{part}" is a choice of {elsewhere[0]}, not of {option.name}; '
                    f"choices must be in option order ({', '.join(names)}).",
                    f"reorder the key, e.g. {example}.",
                )
            return VariantKeyError(
                f'unknown choice "{part}" for option {option.name}'
                f"{did_you_mean(part, option.choices, inline=True)}; "
                f"choices are {listing(option.choices)}.",
                f"add {part} to options.{option.name} or correct the variant key.",
            )
    return VariantKeyError(
        f'variant key "{text}" does not match the options ({", ".join(names)}).',
        f'write one choice per option in option order, joined by "/", e.g. {example}.',
    )


def combination_count(options: Sequence[OptionSpec]) -> int:
    return math.prod(len(option.choices) for option in options)


def all_combinations(options: Sequence[OptionSpec]) -> Iterator[tuple[str, ...]]:
    """Every combination in option order (the order variants are listed in the model)."""
    return itertools.product(*(option.choices for option in options))


def order_key(options: Sequence[OptionSpec]) -> dict[tuple[str, ...], int] | None:
    """Position of each combination, for sorting listed variants; None when too many."""
    if combination_count(options) > MAX_VARIANTS * 10:
        return None
    return {combo: i for i, combo in enumerate(all_combinations(options))}


class SkuTemplate:
    """A product-level ``sku`` such as ``TEE-{Size}-{Color}``, filled per variant."""

    def __init__(self, text: str, options: Sequence[OptionSpec]) -> None:
        self.text = text
        names = [option.name for option in options]
        self.slots = [
            (m.group(0), names.index(m.group(1)))
            for m in _PLACEHOLDER.finditer(text)
            if m.group(1) in names
        ]
        self.unknown = [m.group(1) for m in _PLACEHOLDER.finditer(text) if m.group(1) not in names]
        self.names = names

    def problems(self, variant_count: int) -> list[tuple[str, str]]:
        """(message, hint) for every mistake in the template itself."""
        out: list[tuple[str, str]] = []
        for name in self.unknown:
            if self.names:
                out.append(
                    (
                        f'unknown placeholder "{{{name}}}"'
                        f"{did_you_mean(name, self.names, inline=True)}; "
                        f"the options are {', '.join(self.names)}.",
                        "use {Option} with an option name of this product.",
                    )
                )
            else:
                out.append(
                    (
                        f'placeholder "{{{name}}}" in a product without options.',
                        "write the SKU out in full.",
                    )
                )
        if not self.unknown and not self.slots and variant_count > 1:
            out.append(
                (
                    f"every one of the {variant_count} variants would get the same SKU.",
                    "add placeholders such as {" + self.names[0] + "} to the sku, "
                    "or give each variant its own sku.",
                )
            )
        return out

    def fill(self, key: tuple[str, ...]) -> str:
        text = self.text
        for placeholder, index in self.slots:
            text = text.replace(placeholder, key[index])
        return text
