from __future__ import annotations

from flask import Blueprint, jsonify

from .. import __version__

bp = Blueprint("health", __name__, url_prefix="/health")


@bp.get("/")
def health():
    return jsonify(status="ok", version=__version__)
