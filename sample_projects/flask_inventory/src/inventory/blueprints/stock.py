"""Stock levels per warehouse."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from inventory.extensions import get_db
from inventory.utils.formatting import format_quantity, format_sku

bp = Blueprint("stock", __name__, url_prefix="/stock")


@bp.get("/<warehouse>")
def stock_levels(warehouse: str):
    rows = get_db().execute("SELECT sku, quantity FROM stock WHERE warehouse = ? ORDER BY sku", (warehouse,)).fetchall()
    threshold = int(current_app.config["LOW_STOCK_THRESHOLD"])
    return jsonify(
        [
            {"sku": r["sku"], "quantity": format_quantity(r["quantity"]), "low": r["quantity"] < threshold}
            for r in rows
        ]
    )


@bp.post("/<warehouse>/adjust")
def adjust_stock(warehouse: str):
    data = request.get_json(force=True)
    sku = data.get("sku") or format_sku(data["category"], int(data["number"]))
    db = get_db()
    db.execute(
        "INSERT INTO stock (sku, warehouse, quantity) VALUES (?, ?, ?) "
        "ON CONFLICT (sku, warehouse) DO UPDATE SET quantity = quantity + excluded.quantity",
        (sku, warehouse, int(data["delta"])),
    )
    db.commit()
    return jsonify(sku=sku, warehouse=warehouse)
