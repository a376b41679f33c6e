"""What the plan renderers share: values as text, and the one door names pass through.

Names in a plan come from the YAML and from Wix, so they are untrusted: every
name, address, value, file name and message goes through :func:`shown` on its
way into text or Markdown output. Markdown adds its own escaping on top (see
:mod:`.render_markdown`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, TypeGuard

from inventory_as_code._terminal import safe_text
from inventory_as_code.model import Origin, variant_label
from inventory_as_code.plan.model import Action, Change, FieldChange, GuardRail

SYMBOLS = {
    Action.CREATE: ("+", "green"),
    Action.UPDATE: ("~", "yellow"),
    Action.SWITCH_TRACKING: ("-/+", "bold magenta"),
    Action.DELETE: ("-", "red"),
}
DISCARDED = "the old count or flag is discarded"
SWITCH_WARNING = f"tracking method changes: {DISCARDED}"
MAX_ORIGINS = 2  # per line in summaries; the rest are counted ("+3 more")


def shown(text: str) -> str:
    """The one door for names, addresses, values and messages into plan output.

    Names come from YAML files of a pull request and from the live store: an
    escape sequence or a bidi override in them is shown, never run.
    """
    return safe_text(text)


def format_value(value: Any) -> str:
    if value is None:
        return "(unset)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{shown(value)}"'
    if isinstance(value, list | tuple):
        return "[" + ", ".join(format_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return (
            "{" + ", ".join(f"{shown(str(k))}: {format_value(v)}" for k, v in value.items()) + "}"
        )
    return shown(str(value))


def is_count(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def quantity_of(values: Mapping[str, Any] | None) -> int | None:
    """The stock count in a change's ``before`` or ``after``, if it has one."""
    quantity = (values or {}).get("quantity")
    return quantity if is_count(quantity) else None


def in_stock_of(values: Mapping[str, Any] | None) -> bool | None:
    flag = (values or {}).get("in_stock")
    return flag if isinstance(flag, bool) else None


def money(value: Any) -> Decimal | None:
    """A price as a number (prices are canonical decimal strings), else None."""
    if not isinstance(value, str):
        return None
    try:
        amount = Decimal(value)
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None


def signed(delta: int | Decimal) -> str:
    return f"{delta:+,}" if isinstance(delta, int) else f"{'+' if delta >= 0 else ''}{delta:,}"


def format_field_change(change: FieldChange) -> str:
    before, after = change.before, change.after
    text = f"{format_value(before)} -> {format_value(after)}"
    if is_count(before) and is_count(after):
        text += f" ({after - before:+d})"
    return text


def format_origins(origins: Iterable[Origin], limit: int = MAX_ORIGINS) -> str:
    """``file:line:col, file:line:col +3 more``; empty when nothing is known."""
    unique = sorted(set(origins))
    if not unique:
        return ""
    text = ", ".join(shown(str(o)) for o in unique[:limit])
    if len(unique) > limit:
        text += f" +{len(unique) - limit} more"
    return text


def policy_text(change: Change) -> str:
    """How a quantity line is applied: the reviewer must tell a `set` from a top-up."""
    policy = change.keys.get("policy")
    if not policy:
        return ""
    if policy == "at_least":
        return "policy: at_least (top-up)" if change.action is Action.UPDATE else "policy: at_least"
    return f"policy: {shown(str(policy))}"


def slug_of(change: Change) -> str:
    return str(change.keys.get("slug", change.address))


def label_of(change: Change) -> str:
    """The variant's label (``S/Black``, ``(default)``) as shown."""
    return shown(variant_label(tuple(change.keys.get("variant", ()))))


def location_of(change: Change) -> str:
    return shown(str(change.keys.get("location", "")))


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    return f"{count:,} {noun if count == 1 else nouns or noun + 's'}"


def facts(values: Mapping[str, Any] | None) -> str:
    """``name: "Mug", variants: 1``: an object's values on one line."""
    return ", ".join(f"{shown(str(k))}: {format_value(v)}" for k, v in (values or {}).items())


def github_length(text: str) -> int:
    """Length as GitHub counts a comment: UTF-16 code units (a JavaScript string's length)."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def rail_label(rail: GuardRail) -> str:
    """``DELETE_SHARE (products)``: the code an acceptance names, and its kind."""
    return f"{rail.code} ({rail.kind})" if rail.kind else rail.code


def rail_status(rail: GuardRail) -> str:
    """Whether review accepted the rail, and how to accept it when not."""
    if rail.accepted is not None:
        return (
            f"accepted by {rail.accepted.entry} (up to {rail.accepted.max}): {rail.accepted.reason}"
        )
    kind = f', kind = "{rail.kind}"' if rail.kind else ""
    return (
        f'not accepted: to accept it, add [[guard_rails.accept]] rail = "{rail.code}"{kind}, '
        f'max = {rail.count}, reason = "..." to inventory-as-code.toml'
    )
