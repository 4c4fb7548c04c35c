from __future__ import annotations

from flask import Blueprint, jsonify, request

from ..extensions import get_db

bp = Blueprint("warehouses", __name__, url_prefix="/warehouses")


@bp.get("/")
def list_warehouses():
    return jsonify([dict(r) for r in get_db().execute("SELECT * FROM warehouses ORDER BY code")])


@bp.post("/")
def add_warehouse():
    data = request.get_json(force=True)
    db = get_db()
    db.execute("INSERT INTO warehouses (code, name, city) VALUES (?, ?, ?)", (data["code"].upper(), data["name"], data.get("city")))
    db.commit()
    return jsonify(code=data["code"].upper()), 201
