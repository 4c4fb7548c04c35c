"""Marketplace sync monitoring, exported as Prometheus metrics."""
from __future__ import annotations

import time
from typing import Dict

from fastapi import APIRouter, Depends
from fastapi.responses import PlainTextResponse
from prometheus_client import Counter, Histogram
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from app.core.security import require_admin
from app.models import User
from app.services.marketplace_service import EXTERNAL_MARKETPLACES

router = APIRouter(prefix="/marketplace/monitoring", tags=["marketplace", "monitoring"])

SYNC_TOTAL = Counter(
    "engarde_marketplace_sync_total",
    "Marketplace synchronisation runs",
    ["marketplace", "status"],
)
SYNC_DURATION = Histogram(
    "engarde_marketplace_sync_seconds",
    "Duration of marketplace synchronisation runs",
    ["marketplace"],
)

_last_sync: Dict[str, float] = {}


@router.post("/{marketplace}/sync")
def record_sync(marketplace: str, ok: bool = True, admin: User = Depends(require_admin)):
    started = time.perf_counter()
    with SYNC_DURATION.labels(marketplace=marketplace).time():
        _last_sync[marketplace] = time.time()
    SYNC_TOTAL.labels(marketplace=marketplace, status="ok" if ok else "error").inc()
    return {"marketplace": marketplace, "duration_s": time.perf_counter() - started}


@router.get("/status")
def sync_status(admin: User = Depends(require_admin)):
    return {name: {"last_sync": _last_sync.get(name)} for name in EXTERNAL_MARKETPLACES}


@router.get("/metrics", response_class=PlainTextResponse)
def metrics():
    return PlainTextResponse(generate_latest(), media_type=CONTENT_TYPE_LATEST)
