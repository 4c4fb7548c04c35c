"""Raw binary uploads (body streamed to storage; filename passed as a query parameter)."""
from __future__ import annotations

import io

from fastapi import APIRouter, Depends, HTTPException, Request
from sqlalchemy.orm import Session

from app.core.security import get_current_user
from app.database import get_db
from app.models import MediaAsset, User
from app.services.storage import StorageError, guess_mime, public_url, store_file

router = APIRouter(prefix="/uploads", tags=["uploads"])


@router.put("/{brand_id}")
async def upload(brand_id: str, filename: str, request: Request, db: Session = Depends(get_db), current_user: User = Depends(get_current_user)):
    body = await request.body()
    try:
        key, size, _sha256 = store_file(io.BytesIO(body), filename, brand_id)
    except StorageError as exc:
        raise HTTPException(status_code=413, detail=str(exc)) from exc
    asset = MediaAsset(brand_id=brand_id, filename=filename, mime_type=guess_mime(filename), size_bytes=size, storage_key=key)
    db.add(asset)
    db.commit()
    return {"id": asset.id, "url": public_url(key), "size": size}
