"""Planning the store's options: one change per shared option, naming every product it touches.

An option is a Wix customization shared by every product that uses it
(shared/wix-api Corrections 13), so a rename, a new choice, a choice rename
or a new colour is one change on the option (``option["Color"]``), made
through the Customizations API, never a field of one product's change. The
change lists the products that use the option live, managed or not: a rename
or recolour reaches all of them.

Matching: a YAML option is the live option of the same name as Wix compares
names (without regard to case), or the one ``moved:`` renames to it. Choices
likewise. Refused (the plan would fail or not settle): a case-only difference
without ``moved:`` (Wix sees one name; say which spelling wins), two live
options of one name, a rename onto a name another live option has, more
than 100 choices in an option (live ones included: Corrections 8), a new
choice of a swatch option without a colour. A render type that differs from
the live one is unresolved: Wix cannot change it (``customizationRenderType``
is immutable).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from inventory_as_code.config.variants import MAX_CHOICES
from inventory_as_code.live.model import LiveCustomization, LiveStore
from inventory_as_code.model import (
    DesiredState,
    Move,
    MoveKind,
    Origin,
    StoreOption,
    name_identity,
)
from inventory_as_code.plan.addresses import option_address
from inventory_as_code.plan.feasibility import Refusal
from inventory_as_code.plan.model import Action, Change, FieldChange, Kind, Observed, Unresolved
from inventory_as_code.plan.option_catalog import from_products, store_options
from inventory_as_code.plan.option_edits import OptionEdit

SWATCHES, TEXT = "swatches", "text"


@dataclass(frozen=True, slots=True)
class _Live:
    """The live option a YAML option is, and the name it had if ``moved:`` renames it."""

    option: LiveCustomization
    renamed_from: str | None


class OptionPlanner:
    def __init__(self, desired: DesiredState, live: LiveStore) -> None:
        self.desired = desired
        self.live = live
        self.options = store_options(desired)
        self.changes: list[Change] = []
        self.unresolved: list[Unresolved] = []
        self.refusals: list[Refusal] = []
        self.edits: dict[str, OptionEdit] = {}
        self._by_key: dict[str, list[LiveCustomization]] = {}
        for option in live.options or from_products(live):
            self._by_key.setdefault(name_identity(option.name), []).append(option)
        self._moves: dict[str, Move] = {}
        self._choice_moves: dict[str, dict[str, Move]] = {}
        for move in desired.moves:
            if move.kind is MoveKind.OPTION:
                self._moves.setdefault(name_identity(move.new), move)
            elif move.kind is MoveKind.CHOICE and move.option is not None:
                by_new = self._choice_moves.setdefault(name_identity(move.option), {})
                by_new.setdefault(name_identity(move.new), move)

    def run(self) -> OptionPlanner:
        for option in self.options.values():
            found = self._match(option)
            if found is None:
                self._create(option)
            else:
                self._update(option, found)
        return self

    def changed_ids(self) -> list[str]:
        """Live options this plan changes (their users must be read to be listed)."""
        return sorted(str(c.keys["option_id"]) for c in self.changes if "option_id" in c.keys)

    # --- matching ----------------------------------------------------------------------------

    def _refuse(self, option: StoreOption, message: str, fix: str, *cause: Origin) -> None:
        # The cause (a moved: entry) first: the refusal is shown at its first origin.
        origins = tuple(o for o in (*cause, option.origins.get("name")) if o is not None)
        self.refusals.append(Refusal(option_address(option.name), message, fix, origins))

    def _match(self, option: StoreOption) -> _Live | None:
        move = self._moves.get(name_identity(option.name))
        if move is not None:
            olds = self._by_key.get(name_identity(move.old), [])
            news = self._by_key.get(name_identity(option.name), [])
            if olds and news and olds != news:
                self._refuse(
                    option,
                    f'cannot rename: both "{move.old}" and "{option.name}" exist in the live '
                    "store.",
                    "delete one of them in Wix (or merge them by hand), or remove this moved "
                    "entry.",
                    *(() if move.origin is None else (move.origin,)),
                )
                return None
            if olds:
                return _Live(olds[0], olds[0].name if olds[0].name != option.name else None)
        found = self._by_key.get(name_identity(option.name), [])
        if len(found) > 1:
            self._refuse(
                option,
                f"the live store has {len(found)} options named {option.name} (Wix assigns an "
                "option to a product by its name, so which one a product gets is not known).",
                "merge them in the Wix dashboard (move their products to one of them, delete "
                "the other), then plan again.",
            )
            return None
        if not found:
            return None
        live = found[0]
        if live.name != option.name:
            self._refuse(
                option,
                f'the YAML writes "{option.name}", the store has "{live.name}": one option to '
                "Wix, which compares names without regard to case.",
                f"to rename the live option, add to the YAML: moved: [{{option: {{from: "
                f"{live.name}, to: {option.name}}}}}]",
            )
        return _Live(live, None)

    # --- a new option ------------------------------------------------------------------------

    def _create(self, option: StoreOption) -> None:
        swatch = option.swatches is not None
        colors = dict(option.swatches or {})
        missing = [c for c in option.choices if swatch and c not in colors]
        if missing:
            self._refuse(
                option,
                f"the new option {option.name} shows colour swatches, and its choice(s) "
                f"{', '.join(missing)} need a colour.",
                f"give every choice a colour: {option.name}: {{swatches: {{{missing[0]}: "
                '"#RRGGBB", ...}} (declaring the option once in the options: block says it '
                "in one place).",
            )
        after: dict[str, object] = {
            "name": option.name,
            "render_type": SWATCHES if swatch else TEXT,
            "choices": list(option.choices),
        }
        if swatch:
            after["swatches"] = {c: colors.get(c) for c in option.choices}
        self.changes.append(
            Change(
                kind=Kind.OPTION,
                action=Action.CREATE,
                address=option_address(option.name),
                before=None,
                after=after,
                reason=_origins(option, ["name"]),
                keys={"option": option.name, "users": list(option.users)},
            )
        )

    # --- a live option -----------------------------------------------------------------------

    def _update(self, option: StoreOption, found: _Live) -> None:
        live = found.option
        address = option_address(option.name)
        index = {name_identity(c): i for i, c in enumerate(live.choices)}
        moves = self._choice_moves.get(name_identity(option.name), {})
        renames: dict[str, str] = {}  # choice id -> new name
        added: list[str] = []
        picked: dict[str, int] = {}  # YAML choice -> index of the live choice
        for choice in option.choices:
            move = moves.get(name_identity(choice))
            at = index.get(name_identity(move.old)) if move is not None else None
            if at is not None and move is not None:
                same = index.get(name_identity(choice))
                if same is not None and same != at:
                    self._refuse(
                        option,
                        f'cannot rename choice "{move.old}": both it and "{choice}" exist in the '
                        "live option.",
                        "remove one of them in Wix (no product may use it), or remove this "
                        "moved entry.",
                        *(() if move.origin is None else (move.origin,)),
                    )
                    continue
            else:
                at = index.get(name_identity(choice))
            if at is None:
                added.append(choice)
                continue
            picked[choice] = at
            if live.choices[at] == choice:
                continue
            if move is None or name_identity(move.old) != name_identity(live.choices[at]):
                self._refuse(
                    option,
                    f'the YAML writes choice "{choice}", the store has "{live.choices[at]}": one '
                    "choice to Wix, which compares names without regard to case.",
                    f"to rename the live choice, add to the YAML: moved: [{{choice: {{option: "
                    f"{option.name}, from: {live.choices[at]}, to: {choice}}}}}]",
                    *_choice_origin(option, choice),
                )
                continue
            renames[live.choice_ids[at]] = choice
        colors = self._colors(option, live, picked, added)
        total = len(live.choices) + len(added)
        if total > MAX_CHOICES:
            self._refuse(
                option,
                f"would have {total} choices: {len(live.choices)} live (Wix keeps a choice in "
                f"its option, used or not, until it is removed) and {len(added)} new; Wix "
                f"accepts at most {MAX_CHOICES} per option.",
                "add fewer choices, or first remove the choices no product uses from the "
                "option in Wix.",
            )
        edit = OptionEdit(live.id, option.name if found.renamed_from else None, renames, colors)
        before_names = list(live.choices)
        after_names = [
            renames.get(i, c) for c, i in zip(live.choices, live.choice_ids, strict=False)
        ]
        before: dict[str, object] = {
            "name": live.name,
            "render_type": SWATCHES if live.is_swatch else TEXT,
            "choices": before_names,
        }
        after: dict[str, object] = {**before, "name": option.name, "choices": after_names + added}
        fields: list[FieldChange] = []
        if found.renamed_from:
            fields.append(FieldChange("name", live.name, option.name))
        for choice_id, new in renames.items():
            old = live.choices[live.choice_ids.index(choice_id)]
            fields.append(FieldChange(f"choice[{old}]", old, new))
        if added:
            fields.append(FieldChange("choices", after_names, after_names + added))
        if live.is_swatch:
            old_colors = dict(zip(live.choices, live.choice_colors, strict=False))
            new_colors = {
                renames.get(i, c): colors.get(i, color)
                for c, i, color in zip(
                    live.choices, live.choice_ids, live.choice_colors, strict=False
                )
            }
            for choice_id, color in colors.items():
                at = live.choice_ids.index(choice_id)
                name = renames.get(choice_id, live.choices[at])
                fields.append(FieldChange(f"swatches.{name}", live.choice_colors[at], color))
            wanted: Mapping[str, str] = option.swatches or {}
            new_colors.update({c: wanted.get(c) for c in added})
            before["swatches"], after["swatches"] = old_colors, new_colors
        elif option.swatches is not None:
            self.unresolved.append(
                Unresolved(
                    address,
                    "render_type",
                    TEXT,
                    SWATCHES,
                    "Wix cannot change an option's render type once it exists (text choices or "
                    "colour swatches). Write the option as a list, or give it another name (a new "
                    "option) and move the products to it.",
                )
            )
        if not fields:
            return
        if edit:
            self.edits[live.id] = edit
        users = self.live.users_of(live.id)
        self.changes.append(
            Change(
                kind=Kind.OPTION,
                action=Action.UPDATE,
                address=address,
                before=before,
                after=after,
                fields=tuple(fields),
                observed=Observed(live.id, live.revision),
                reason=self._reason(option, renames, added, colors, live),
                keys={
                    "option": option.name,
                    "option_id": live.id,
                    "products": users,
                    "unmanaged": self._unmanaged(users, edit, option),
                    "edits": edit.to_dict(),
                    "added": added,
                },
            )
        )

    def _colors(
        self,
        option: StoreOption,
        live: LiveCustomization,
        picked: Mapping[str, int],
        added: list[str],
    ) -> dict[str, str]:
        """New colours of live choices, by id (refused: a new swatch choice without one)."""
        if not live.is_swatch:
            return {}
        wanted: Mapping[str, str] = option.swatches or {}
        missing = [c for c in added if c not in wanted]
        if missing:
            self._refuse(
                option,
                f"option {option.name} shows colour swatches in Wix, and the new choice(s) "
                f"{', '.join(missing)} need a colour.",
                f"write the option as {option.name}: {{swatches: {{{missing[0]}: "
                '"#RRGGBB", ...}} with a colour for every new choice (see docs/format.md).',
            )
        out = {}
        for choice, at in picked.items():
            color = wanted.get(choice)
            if color is not None and color != live.choice_colors[at]:
                out[live.choice_ids[at]] = color
        return out

    def _unmanaged(
        self, users: Mapping[str, str], edit: OptionEdit, option: StoreOption
    ) -> list[str]:
        """Products the YAML does not manage whose data this change alters."""
        if not edit:
            return []  # new choices alone change no product
        touched = set(edit.choice_names) | set(edit.choice_colors)
        # The option's YAML users count as managed also when a narrowed read (a
        # target) left them out of the plan's products.
        managed = set(self.desired.products) | set(option.users)
        out = []
        for slug in users:
            if slug in managed:
                continue
            product = self.live.products.get(slug)
            if edit.name or product is None:
                out.append(slug)  # a product read by id only: assume it uses the choice
                continue
            if any(set(o.choice_ids) & touched for o in product.options if o.id == edit.option_id):
                out.append(slug)
        return sorted(out)

    def _reason(
        self,
        option: StoreOption,
        renames: Mapping[str, str],
        added: list[str],
        colors: Mapping[str, str],
        live: LiveCustomization,
    ) -> tuple[Origin, ...]:
        names = ["name"] + [f"choice:{c}" for c in [*renames.values(), *added]]
        for choice_id in colors:
            names.append(
                f"swatch:{renames.get(choice_id, live.choices[live.choice_ids.index(choice_id)])}"
            )
        found = set(_origins(option, names))
        found |= {
            m.origin
            for m in self.desired.moves
            if m.origin is not None and _moves_option(m, option)
        }
        return tuple(sorted(found))


def _moves_option(move: Move, option: StoreOption) -> bool:
    if move.kind is MoveKind.OPTION:
        return name_identity(move.new) == name_identity(option.name)
    return move.kind is MoveKind.CHOICE and name_identity(move.option or "") == name_identity(
        option.name
    )


def _origins(option: StoreOption, names: list[str]) -> tuple[Origin, ...]:
    return tuple(sorted({option.origins[n] for n in names if n in option.origins}))


def _choice_origin(option: StoreOption, choice: str) -> tuple[Origin, ...]:
    origin = option.origins.get(f"choice:{choice}")
    return () if origin is None else (origin,)
