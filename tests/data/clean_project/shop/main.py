import importlib
import logging

from fastapi import FastAPI

ROUTERS = ("products", "orders")
app = FastAPI()

for name in ROUTERS:
    try:
        module = importlib.import_module(f"shop.routers.{name}")
    except Exception:
        logging.exception("router %s failed", name)
    else:
        app.include_router(module.router)
