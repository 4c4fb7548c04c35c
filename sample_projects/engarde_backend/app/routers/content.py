from __future__ import annotations

from typing import List, Optional

from fastapi import APIRouter, Depends, HTTPException, Query
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.security import get_current_user
from app.database import get_db
from app.models import Content, User
from app.schemas.content import ContentCreate, ContentResponse

router = APIRouter(prefix="/content", tags=["content"])


@router.get("/", response_model=List[ContentResponse])
def list_content(
    brand_id: str,
    campaign_id: Optional[str] = Query(None),
    db: Session = Depends(get_db),
    current_user: User = Depends(get_current_user),
):
    stmt = select(Content).where(Content.brand_id == brand_id)
    if campaign_id:
        stmt = stmt.where(Content.campaign_id == campaign_id)
    return list(db.execute(stmt.order_by(Content.created_at.desc())).scalars())


@router.post("/", response_model=ContentResponse, status_code=201)
def create_content(payload: ContentCreate, db: Session = Depends(get_db), current_user: User = Depends(get_current_user)):
    item = Content(**payload.model_dump())
    db.add(item)
    db.commit()
    db.refresh(item)
    return item


@router.post("/{content_id}/publish", response_model=ContentResponse)
def publish_content(content_id: str, db: Session = Depends(get_db), current_user: User = Depends(get_current_user)):
    item = db.get(Content, content_id)
    if item is None:
        raise HTTPException(status_code=404, detail="Content not found")
    item.status = "published"
    db.commit()
    return item
