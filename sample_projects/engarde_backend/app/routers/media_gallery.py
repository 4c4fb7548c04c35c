from __future__ import annotations

from typing import List, Optional

from fastapi import APIRouter, Depends, HTTPException, Query
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.security import get_current_user
from app.database import get_db
from app.models import MediaAsset, User
from app.services.storage import public_url

router = APIRouter(prefix="/media", tags=["media"])


@router.get("/")
def gallery(
    brand_id: str,
    tag: Optional[str] = Query(None),
    db: Session = Depends(get_db),
    current_user: User = Depends(get_current_user),
) -> List[dict]:
    rows = db.execute(select(MediaAsset).where(MediaAsset.brand_id == brand_id).order_by(MediaAsset.created_at.desc())).scalars()
    return [
        {"id": a.id, "filename": a.filename, "url": public_url(a.storage_key), "tags": a.tags}
        for a in rows
        if tag is None or tag in a.tags
    ]


@router.delete("/{asset_id}", status_code=204)
def delete_asset(asset_id: str, db: Session = Depends(get_db), current_user: User = Depends(get_current_user)):
    asset = db.get(MediaAsset, asset_id)
    if asset is None:
        raise HTTPException(status_code=404, detail="Asset not found")
    db.delete(asset)
    db.commit()
