from __future__ import annotations

from urllib.error import URLError

from fastapi import APIRouter, Depends, HTTPException, Request

from app.core.security import get_current_user
from app.models import User
from app.services.marketplace_service import EXTERNAL_MARKETPLACES, proxy_get

router = APIRouter(prefix="/marketplace/proxy", tags=["marketplace"])


@router.get("/{marketplace}/{path:path}")
def proxy(marketplace: str, path: str, request: Request, current_user: User = Depends(get_current_user)):
    if marketplace not in EXTERNAL_MARKETPLACES:
        raise HTTPException(status_code=404, detail="Unknown marketplace")
    try:
        return proxy_get(marketplace, path, dict(request.query_params))
    except URLError as exc:
        raise HTTPException(status_code=502, detail=str(exc.reason)) from exc
