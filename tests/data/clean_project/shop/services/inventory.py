from decimal import Decimal


def unit_cost(product) -> Decimal:
    from shop.services.pricing import price  # a cycle that is fine: inside a function

    return Decimal("1.00")
