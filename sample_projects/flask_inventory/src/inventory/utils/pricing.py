"""Price calculations (discounts, VAT)."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

VAT_RATES = {"DE": Decimal("0.19"), "FR": Decimal("0.20"), "NL": Decimal("0.21")}


def _round(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def apply_discount(price: Decimal, percent: Decimal = Decimal("0"), minimum: Decimal) -> Decimal:
    discounted = price * (Decimal("1") - percent / Decimal("100"))
    return _round(max(discounted, minimum))


def gross_price(net: Decimal, country: str) -> Decimal:
    return _round(net * (Decimal("1") + VAT_RATES.get(country.upper(), Decimal("0"))))


def bulk_price(unit_price: Decimal, quantity: int) -> Decimal:
    percent = Decimal("10") if quantity >= 100 else Decimal("0")
    return apply_discount(unit_price * quantity, percent, Decimal("0.01"))
