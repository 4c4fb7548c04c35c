"""Monthly stock and order reports."""
from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta
from flask import Blueprint, jsonify, request

from inventory.extensions import get_db

bp = Blueprint("reports", __name__, url_prefix="/reports")


@bp.get("/orders/monthly")
def monthly_orders():
    months = request.args.get("months", default=6, type=int)
    start = date.today().replace(day=1) - relativedelta(months=months - 1)
    rows = get_db().execute(
        "SELECT substr(created_at, 1, 7) AS month, SUM(quantity) AS units FROM orders "
        "WHERE created_at >= ? GROUP BY month ORDER BY month",
        (start.isoformat(),),
    ).fetchall()
    return jsonify([dict(r) for r in rows])


@bp.get("/stock/low")
def low_stock():
    threshold = request.args.get("threshold", default=10, type=int)
    rows = get_db().execute("SELECT sku, warehouse, quantity FROM stock WHERE quantity < ?", (threshold,)).fetchall()
    return jsonify([dict(r) for r in rows])
