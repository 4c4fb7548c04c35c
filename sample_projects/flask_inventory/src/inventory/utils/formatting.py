"""Display formatting for quantities and money."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£"}


def format_currency(amount: float | Decimal, currency: str = "EUR") -> str:
    value = Decimal(str(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{CURRENCY_SYMBOLS.get(currency, currency + ' ')}{value:,}"


def format_quantity(quantity: int, unit: str = "pcs") -> str:
    return f"{quantity:,} {unit}"
