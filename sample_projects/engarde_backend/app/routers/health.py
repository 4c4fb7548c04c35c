from __future__ import annotations

import platform
import time

from fastapi import APIRouter
from sqlalchemy import text

from app import __version__
from app.database import get_engine

router = APIRouter(tags=["health"])

_STARTED = time.time()


@router.get("/health")
def health() -> dict:
    return {"status": "ok", "version": __version__, "uptime_s": round(time.time() - _STARTED, 1)}


@router.get("/health/db")
def health_db() -> dict:
    try:
        with get_engine().connect() as conn:
            conn.execute(text("SELECT 1"))
        return {"database": "ok"}
    except Exception as exc:  # pragma: no cover - depends on the database
        return {"database": "error", "detail": str(exc)}


@router.get("/health/runtime")
def health_runtime() -> dict:
    return {"python": platform.python_version(), "implementation": platform.python_implementation()}
