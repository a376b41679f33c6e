"""The SKU template the new SKUs of a product's variants follow, if they follow one.

``export`` finds a template from a whole live product, replacing each choice
once; pull has only the variants that changed, and a choice may occur more
than once in a SKU (``S`` in ``SHIRT-S``), so every placement is tried.
"""

from __future__ import annotations

import itertools
import re

MAX_TRIES = 1000  # placements tried before giving up: a per-variant sku is still right


def sku_template(names: list[str], skus: list[tuple[tuple[str, ...], str]]) -> str | None:
    """A template (``SHIRT-{Size}``) that every (variant key, SKU) pair follows, or None.

    Each option's choice may occur more than once in a SKU (``S`` in ``SHIRT-S``):
    every way of placing the placeholders in the first SKU is tried, at most
    :data:`MAX_TRIES`, and the first that gives every SKU is the template.
    """
    if len(skus) < 2:
        return None
    key, sku = skus[0]
    spots = [[m.start() for m in re.finditer(re.escape(choice), sku)] for choice in key]
    for tries, starts in enumerate(itertools.product(*spots)):
        if tries >= MAX_TRIES:
            return None
        spans = sorted(zip(starts, key, names, strict=True))
        if any(a[0] + len(a[1]) > b[0] for a, b in itertools.pairwise(spans)):
            continue
        template = sku
        for start, choice, name in reversed(spans):
            template = template[:start] + "{" + name + "}" + template[start + len(choice) :]
        if all(_filled(template, names, k) == s for k, s in skus):
            return template
    return None


def _filled(template: str, names: list[str], key: tuple[str, ...]) -> str:
    for name, choice in zip(names, key, strict=True):
        template = template.replace("{" + name + "}", choice)
    return template
