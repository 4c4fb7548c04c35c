"""Price quotes (bulk discounts, VAT)."""
from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, abort, current_app, jsonify, request

from inventory.extensions import get_db
from inventory.utils.formatting import format_currency
from inventory.utils.pricing import bulk_price, gross_price

bp = Blueprint("pricing", __name__, url_prefix="/pricing")


@bp.get("/<sku>/quote")
def quote(sku: str):
    row = get_db().execute("SELECT unit_price FROM products WHERE sku = ?", (sku,)).fetchone()
    if row is None:
        abort(404)
    quantity = request.args.get("quantity", default=1, type=int)
    net = bulk_price(Decimal(str(row["unit_price"])), quantity)
    currency = current_app.config["DEFAULT_CURRENCY"]
    gross = gross_price(net, request.args.get("country", "DE"))
    return jsonify(sku=sku, quantity=quantity, net=format_currency(net, currency), gross=format_currency(gross, currency))
