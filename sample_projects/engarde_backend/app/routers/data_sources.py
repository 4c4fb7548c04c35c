from __future__ import annotations

from typing import Any, Dict

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.security import get_current_user
from app.database import get_db
from app.models import DataSource, User

router = APIRouter(prefix="/data-sources", tags=["data-sources"])

SUPPORTED_KINDS = ("google_analytics", "bigquery", "snowflake", "csv", "zerodb")


class DataSourceCreate(BaseModel):
    brand_id: str
    kind: str
    display_name: str
    connection: Dict[str, Any] = Field(default_factory=dict)


@router.get("/")
def list_sources(brand_id: str, db: Session = Depends(get_db), current_user: User = Depends(get_current_user)):
    rows = db.execute(select(DataSource).where(DataSource.brand_id == brand_id)).scalars()
    return [{"id": s.id, "kind": s.kind, "name": s.display_name, "last_synced_at": s.last_synced_at} for s in rows]


@router.post("/", status_code=201)
def add_source(payload: DataSourceCreate, db: Session = Depends(get_db), current_user: User = Depends(get_current_user)):
    if payload.kind not in SUPPORTED_KINDS:
        raise HTTPException(status_code=422, detail=f"Unsupported kind {payload.kind}")
    source = DataSource(**payload.model_dump())
    db.add(source)
    db.commit()
    return {"id": source.id}
