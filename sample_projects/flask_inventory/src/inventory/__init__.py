"""Inventory service: products, warehouses, stock levels and reports."""
from __future__ import annotations

from typing import Any, Mapping, Optional

from flask import Flask

__version__ = "1.4.0"


def create_app(config: Optional[Mapping[str, Any]] = None) -> Flask:
    app = Flask(__name__)

    from .config import load_config

    app.config.update(load_config())
    if config:
        app.config.update(config)

    from . import extensions

    extensions.init_app(app)

    # Blueprints are imported here (not at module level) so that
    # ``import inventory`` stays cheap.
    from .blueprints.health import bp as health_bp
    from .blueprints.orders import bp as orders_bp
    from .blueprints.pricing import bp as pricing_bp
    from .blueprints.products import bp as products_bp
    from .blueprints.reports import bp as reports_bp
    from .blueprints.stock import bp as stock_bp
    from .blueprints.suppliers import bp as suppliers_bp
    from .blueprints.warehouses import bp as warehouses_bp

    for blueprint in (
        health_bp,
        products_bp,
        warehouses_bp,
        suppliers_bp,
        orders_bp,
        stock_bp,
        pricing_bp,
        reports_bp,
    ):
        app.register_blueprint(blueprint)
    return app
