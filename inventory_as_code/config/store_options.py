"""The store's options: declared once in ``options:``, or written inline by products.

Wix keeps one option per name (a customization, shared by every product
that uses it) and compares option and choice names without regard to case.
So every definition of an option in the project is one definition:

* the store-level block declares an option with all its choices (and their
  colours for a swatch option); a product using it only picks choices, and a
  choice the block does not declare is a problem;
* an option written inline by products collects the choices of all of them;
* two spellings of one name ("Color" / "color", "Whole bean" / "Whole Bean")
  and two colours for one choice are problems, each with both places.

A plain list names choices without colours: a text option when new, or a
live swatch option whose colours stay as they are; ``swatches:`` gives the
colours. One product's list and another's swatches are therefore not in
conflict: the option shows swatches, and the list picks some of its choices.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from inventory_as_code.config.context import Context, DocView
from inventory_as_code.config.options import read_options, read_swatches
from inventory_as_code.config.problems import PathPart, listing
from inventory_as_code.config.variants import MAX_CHOICES, OptionSpec
from inventory_as_code.model import FrozenMap, Origin, StoreOption, name_identity

Path = tuple[PathPart, ...]


@dataclass
class _Option:
    name: str
    origin: Origin
    declared: bool
    choices: dict[str, str] = field(default_factory=dict)  # identity -> name as written
    choice_origins: dict[str, Origin] = field(default_factory=dict)
    colors: dict[str, tuple[str, Origin]] = field(default_factory=dict)  # identity -> (code, where)
    swatch: bool = False
    users: list[str] = field(default_factory=list)


class StoreOptions:
    """Collects every definition of the store's options and reports the conflicts."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.options: dict[str, _Option] = {}  # by identity, in order of definition

    # --- the store-level block -------------------------------------------------------------

    def declare(self, view: DocView, block: Any) -> None:
        if not isinstance(block, dict):
            return  # the schema reported it
        specs = read_options(self.ctx, view, {"options": block}, (), max_options=None)
        for spec in specs or []:
            where = view.key_at(block, spec.name)
            path: Path = ("options", spec.name)
            colors = read_swatches(self.ctx, view, block[spec.name], (), spec.name)
            first = self.options.get(name_identity(spec.name))
            if first is not None:
                self.ctx.report(
                    where,
                    path,
                    f'option "{spec.name}" is option "{first.name}" to Wix (it compares option '
                    f"names without regard to case), already declared at {first.origin}.",
                    "declare each option once.",
                )
                continue
            option = _Option(spec.name, where, True)
            self.options[name_identity(spec.name)] = option
            self._add_choices(option, view, block[spec.name], spec, colors, path, pick=False)

    # --- products --------------------------------------------------------------------------

    def add_product(
        self,
        view: DocView,
        slug: str,
        raw_options: dict[str, Any],
        specs: list[OptionSpec],
        colors: dict[str, FrozenMap[str, str] | None],
    ) -> None:
        """A product's inline options: picks of declared options, or definitions of others."""
        for spec in specs:
            path: Path = ("products", slug, "options", spec.name)
            where = view.key_at(raw_options, spec.name)
            option = self.options.get(name_identity(spec.name))
            if option is None:
                option = _Option(spec.name, where, False)
                self.options[name_identity(spec.name)] = option
            elif option.name != spec.name:
                self.ctx.report(
                    where,
                    path,
                    f'option "{spec.name}" is option "{option.name}" to Wix (it compares option '
                    f"names without regard to case), written so at {option.origin}.",
                    f'write it "{option.name}" here too (an option is shared by every product '
                    "that uses it); to rename it, see moved: in docs/format.md.",
                )
                continue
            option.users.append(slug)
            self._add_choices(
                option,
                view,
                raw_options[spec.name],
                spec,
                colors[spec.name],
                path,
                pick=option.declared,
            )

    def _add_choices(
        self,
        option: _Option,
        view: DocView,
        raw: Any,
        spec: OptionSpec,
        colors: FrozenMap[str, str] | None,
        path: Path,
        *,
        pick: bool,
    ) -> None:
        """Add a definition's choices; ``pick``: a product picking a declared option's."""
        swatches = raw.get("swatches") if isinstance(raw, dict) else None
        for index, choice in enumerate(spec.choices):
            key = name_identity(choice)
            known = option.choices.get(key)
            if known is None and pick:
                where, choice_path = _choice_place(view, raw, swatches, index, choice, path)
                self.ctx.report(
                    where,
                    choice_path,
                    f'"{choice}" is not a choice of option {option.name}, which {option.origin} '
                    f"declares with {listing(list(option.choices.values()), 6)}.",
                    f"add {choice} to the option in the options: block, or pick one of its "
                    "choices.",
                )
                continue
            if known is not None and known != choice:
                where, choice_path = _choice_place(view, raw, swatches, index, choice, path)
                self.ctx.report(
                    where,
                    choice_path,
                    f'choice "{choice}" of option {option.name} is "{known}" to Wix (it compares '
                    f"choice names without regard to case), written so at "
                    f"{option.choice_origins[key]}.",
                    "write it the same way in both places (an option and its choices are shared "
                    "by every product that uses them); to rename a live choice, see moved: in "
                    "docs/format.md.",
                )
                continue
            if known is None:
                option.choices[key] = choice
                option.choice_origins[key] = _choice_place(
                    view, raw, swatches, index, choice, path
                )[0]
            if colors is None or choice not in colors:
                continue
            option.swatch = True
            code = colors[choice]
            where = view.at(swatches, choice)
            first = option.colors.get(key)
            if first is None:
                option.colors[key] = (code, where)
            elif first[0] != code:
                self.ctx.report(
                    where,
                    (*path, "swatches", choice),
                    f'choice "{choice}" of option {option.name} is {code} here and {first[0]} at '
                    f"{first[1]}; its colour is shared by every product that uses the option.",
                    "give the choice one colour (declaring the option once in the store-level "
                    "options: block says it in one place).",
                )
        if colors is not None:
            option.swatch = True

    # --- the result ------------------------------------------------------------------------

    def build(self) -> FrozenMap[str, StoreOption]:
        out: dict[str, StoreOption] = {}
        for option in self.options.values():
            if len(option.choices) > MAX_CHOICES:
                self.ctx.report(
                    option.origin,
                    ("options", option.name),
                    f"option {option.name} has {len(option.choices)} choices across the "
                    f"products that use it; Wix accepts at most {MAX_CHOICES} per option.",
                    "use fewer choices, or split the option in two (e.g. by range).",
                )
            origins = {"name": option.origin}
            origins.update(
                {f"choice:{option.choices[k]}": o for k, o in option.choice_origins.items()}
            )
            origins.update(
                {f"swatch:{option.choices[k]}": o for k, (_, o) in option.colors.items()}
            )
            out[option.name] = StoreOption(
                name=option.name,
                choices=tuple(option.choices.values()),
                swatches=FrozenMap(
                    {option.choices[k]: code for k, (code, _) in option.colors.items()}
                )
                if option.swatch
                else None,
                declared=option.declared,
                users=tuple(option.users),
                origins=FrozenMap(origins),
            )
        return FrozenMap(out)


def _choice_place(
    view: DocView, raw: Any, swatches: Any, index: int, choice: str, path: Path
) -> tuple[Origin, Path]:
    if isinstance(swatches, dict):
        return view.key_at(swatches, choice), (*path, "swatches", choice)
    return view.at(raw, index), (*path, index)
