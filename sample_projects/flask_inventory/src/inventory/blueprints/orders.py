from __future__ import annotations

from datetime import datetime, timezone

from flask import Blueprint, abort, jsonify, request

from inventory.extensions import get_db

bp = Blueprint("orders", __name__, url_prefix="/orders")


@bp.post("/")
def place_order():
    data = request.get_json(force=True)
    quantity = int(data.get("quantity", 1))
    if quantity <= 0:
        abort(400, description="quantity must be positive")
    db = get_db()
    cur = db.execute(
        "INSERT INTO orders (sku, quantity, created_at) VALUES (?, ?, ?)",
        (data["sku"], quantity, datetime.now(timezone.utc).isoformat()),
    )
    db.commit()
    return jsonify(id=cur.lastrowid), 201


@bp.get("/")
def list_orders():
    return jsonify([dict(r) for r in get_db().execute("SELECT * FROM orders ORDER BY id DESC LIMIT 100")])
