"""Wix error codes apply reasons about (several are unconfirmed in the Wix docs)."""

from __future__ import annotations

# Creates refused because the object exists (unique slug; unique variant+location; one
# option of a name: the emulator's code, unconfirmed for Wix, which declares none), or
# because another product holds one of its SKUs (Wix's scope for SKUs is unconfirmed,
# probably the store): each means someone created it first, since the plan.
ALREADY_EXISTS = frozenset(
    {
        "ITEM_ALREADY_EXISTS",
        "DUPLICATE_SLUG_ERROR",
        "SKU_ALREADY_EXIST_ERROR",
        "CUSTOMIZATION_NAME_ALREADY_EXISTS",
    }
)
SKU_TAKEN = "SKU_ALREADY_EXIST_ERROR"
# Add Customization Choices: a choice of that name is in the option already.
CHOICE_EXISTS = "DUPLICATE_CHOICE_NAME"


def is_revision_conflict(code: str, description: str = "") -> bool:
    # The Wix code for a stale revision is unconfirmed; the emulator uses
    # REVISION_MISMATCH and Wix's message speaks of the revision.
    text = f"{code} {description}".upper()
    return "REVISION" in text or "ALREADY CHANGED" in text
