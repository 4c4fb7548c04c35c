from __future__ import annotations

from flask import Blueprint, abort, jsonify, request

from inventory.extensions import get_db

bp = Blueprint("suppliers", __name__, url_prefix="/suppliers")


@bp.get("/")
def list_suppliers():
    return jsonify([dict(r) for r in get_db().execute("SELECT * FROM suppliers ORDER BY name")])


@bp.post("/")
def add_supplier():
    data = request.get_json(force=True)
    if "@" not in data.get("email", "@"):
        abort(400, description="invalid email")
    db = get_db()
    cur = db.execute("INSERT INTO suppliers (name, email) VALUES (?, ?)", (data["name"], data.get("email")))
    db.commit()
    return jsonify(id=cur.lastrowid), 201
