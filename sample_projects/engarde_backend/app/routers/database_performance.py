"""Database health and slow query inspection for operators."""
from __future__ import annotations

import time

from fastapi import APIRouter, Depends
from sqlalchemy import inspect, text
from sqlalchemy.orm import Session

from app.auth import get_current_user
from app.database import Base, get_db, get_engine
from app.models import User

router = APIRouter(prefix="/database-performance", tags=["ops"])


@router.get("/ping")
def db_ping(db: Session = Depends(get_db), current_user: User = Depends(get_current_user)):
    started = time.perf_counter()
    db.execute(text("SELECT 1"))
    return {"latency_ms": round((time.perf_counter() - started) * 1000, 2)}


@router.get("/tables")
def db_tables(current_user: User = Depends(get_current_user)):
    existing = set(inspect(get_engine()).get_table_names())
    declared = set(Base.metadata.tables)
    return {"declared": len(declared), "existing": len(existing), "missing": sorted(declared - existing)}


@router.get("/pool")
def pool_status(current_user: User = Depends(get_current_user)):
    return {"pool": get_engine().pool.status()}
