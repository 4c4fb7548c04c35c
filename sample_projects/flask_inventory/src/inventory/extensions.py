"""SQLite connection handling (stdlib sqlite3, one connection per request)."""
from __future__ import annotations

import sqlite3

from flask import Flask, current_app, g

SCHEMA = """
CREATE TABLE IF NOT EXISTS products (sku TEXT PRIMARY KEY, name TEXT NOT NULL, category TEXT, unit_price REAL);
CREATE TABLE IF NOT EXISTS warehouses (code TEXT PRIMARY KEY, name TEXT NOT NULL, city TEXT);
CREATE TABLE IF NOT EXISTS suppliers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT);
CREATE TABLE IF NOT EXISTS stock (sku TEXT, warehouse TEXT, quantity INTEGER, PRIMARY KEY (sku, warehouse));
CREATE TABLE IF NOT EXISTS orders (id INTEGER PRIMARY KEY, sku TEXT, quantity INTEGER, created_at TEXT);
"""


def get_db() -> sqlite3.Connection:
    if "db" not in g:
        g.db = sqlite3.connect(current_app.config["DATABASE_PATH"])
        g.db.row_factory = sqlite3.Row
        g.db.executescript(SCHEMA)
    return g.db


def close_db(_exc: BaseException | None = None) -> None:
    db = g.pop("db", None)
    if db is not None:
        db.close()


def init_app(app: Flask) -> None:
    app.teardown_appcontext(close_db)
