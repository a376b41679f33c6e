"""A product's options from YAML: text choices, or colour swatches with their colours.

Choices are unique the way Wix compares them (without regard to case, see
:func:`~inventory_as_code.model.name_identity`) and at most
:data:`~inventory_as_code.config.variants.MAX_CHOICES` per option.
"""

from __future__ import annotations

from typing import Any

from inventory_as_code.config.context import Context, DocView
from inventory_as_code.config.problems import PathPart
from inventory_as_code.config.variants import MAX_CHOICES, OptionSpec
from inventory_as_code.model import FrozenMap, Origin, name_identity, normalize_color

Path = tuple[PathPart, ...]


def read_options(
    ctx: Context, view: DocView, data: dict[str, Any], path: Path, *, max_options: int | None = 6
) -> list[OptionSpec] | None:
    """The options of ``data`` (a product, or the store-level block); None when invalid.

    ``max_options``: Wix's 6 per product; the store-level block has no limit.
    """
    raw = data.get("options")
    if raw is None:
        return []
    if not isinstance(raw, dict) or (max_options is not None and len(raw) > max_options):
        return None
    specs: list[OptionSpec] = []
    for name, value in raw.items():
        # A swatch option lists its choices as the keys of its colour mapping.
        swatches = value.get("swatches") if isinstance(value, dict) else None
        choices = list(swatches) if isinstance(swatches, dict) else value
        if not isinstance(choices, list) or not 1 <= len(choices) <= MAX_CHOICES:
            return None
        if not 1 <= len(name) <= 50:
            return None
        names: list[str] = []
        seen: dict[str, str] = {}
        for index in range(len(choices)):
            text = str(choices[index]) if isinstance(swatches, dict) else view.text(choices, index)
            if text is None or not 1 <= len(text) <= 50:
                return None
            if text != text.strip():
                where, choice_path = _choice_place(view, path, name, choices, swatches, index)
                ctx.report(
                    where,
                    choice_path,
                    f'choice "{text}" starts or ends with spaces.',
                    "remove the spaces (or quote the intended text exactly).",
                )
                return None
            first = seen.get(name_identity(text))
            if first is not None:
                where, choice_path = _choice_place(view, path, name, choices, swatches, index)
                same = (
                    "listed twice"
                    if first == text
                    else f'the same choice as "{first}" to Wix, which compares choice '
                    "names without regard to case,"
                )
                ctx.report(
                    where,
                    choice_path,
                    f'choice "{text}" is {same} in option {name}.',
                    "remove one of them; to rename a choice, see moved: in docs/format.md."
                    if first != text
                    else "remove the second one.",
                )
                continue
            seen[name_identity(text)] = text
            names.append(text)
        specs.append(OptionSpec(name, tuple(names)))
    return specs


def _choice_place(
    view: DocView, path: Path, name: str, choices: list[Any], swatches: Any, index: int
) -> tuple[Origin, Path]:
    """Where choice ``index`` is written, and its path: built only to report a problem."""
    if isinstance(swatches, dict):
        choice = choices[index]
        return view.key_at(swatches, choice), (*path, "options", name, "swatches", choice)
    return view.at(choices, index), (*path, "options", name, index)


def read_swatches(
    ctx: Context, view: DocView, value: Any, path: Path, option: str
) -> FrozenMap[str, str] | None:
    """The colours of a swatch option (choice -> canonical code), None for a text option."""
    swatches = value.get("swatches") if isinstance(value, dict) else None
    if not isinstance(swatches, dict):
        return None
    colors: dict[str, str] = {}
    for choice, code in swatches.items():
        try:
            colors[str(choice)] = normalize_color(str(code))
        except ValueError as exc:
            ctx.report(
                view.at(swatches, choice),
                (*path, "options", option, "swatches", choice),
                f"{exc}.",
                'write a hex colour code in quotes, like "#1E5AA8" (or "#fff").',
            )
            return None
    return FrozenMap(colors)
