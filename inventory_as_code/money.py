"""One canonical text for money, used on both sides of every diff.

Wix sends amounts as decimal strings ("24.00", "24.5" or "24.125" are all
possible) and YAML authors write 24, 24.5 or "24.50". Both sides go through
:func:`normalize_money`, which keeps the exact decimal value and writes it
with at least two decimals and no trailing zeros beyond them: 24 -> "24.00",
"24.5" -> "24.50", "24.125" -> "24.125", "24.100" -> "24.10".
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation


class MoneyFormatError(ValueError):
    pass


def normalize_money(value: str | int | float | Decimal) -> str:
    if isinstance(value, bool):
        raise MoneyFormatError(f"{value!r} is not an amount")
    try:
        # str() of a float is its shortest repr (19.99 -> "19.99"), never 19.989999...
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise MoneyFormatError(f"{value!r} is not a decimal amount") from None
    if not amount.is_finite():
        raise MoneyFormatError(f"{value!r} is not a finite amount")
    if amount == 0:
        amount = Decimal(0)  # "-0.00" is not a price anyone means
    whole, _, fraction = format(amount.normalize(), "f").partition(".")
    return f"{whole}.{fraction.rstrip('0').ljust(2, '0')}"
