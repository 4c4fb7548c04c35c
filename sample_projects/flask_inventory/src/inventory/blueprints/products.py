from __future__ import annotations

from flask import Blueprint, abort, jsonify, request

from inventory.extensions import get_db
from inventory.helpers import format_sku, slugify

bp = Blueprint("products", __name__, url_prefix="/products")


@bp.get("/")
def list_products():
    rows = get_db().execute("SELECT sku, name, category, unit_price FROM products ORDER BY sku").fetchall()
    return jsonify([dict(r) for r in rows])


@bp.post("/")
def create_product():
    data = request.get_json(force=True)
    sku = format_sku(data["category"], int(data["number"]), data.get("variant", ""))
    db = get_db()
    db.execute(
        "INSERT INTO products (sku, name, category, unit_price) VALUES (?, ?, ?, ?)",
        (sku, data["name"], slugify(data["category"]), float(data.get("unit_price", 0))),
    )
    db.commit()
    return jsonify(sku=sku), 201


@bp.get("/<sku>")
def get_product(sku: str):
    row = get_db().execute("SELECT * FROM products WHERE sku = ?", (sku,)).fetchone()
    if row is None:
        abort(404)
    return jsonify(dict(row))
