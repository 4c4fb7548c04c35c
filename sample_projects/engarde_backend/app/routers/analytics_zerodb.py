from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Query

from app.core.security import get_current_user
from app.models import User
from app.services.zerodb_client import ZeroDBClient, get_zerodb

router = APIRouter(prefix="/analytics-zerodb", tags=["analytics", "zerodb"])


@router.get("/events")
def zerodb_events(
    brand_id: str,
    event: str = Query("page_view"),
    limit: int = Query(100, le=1000),
    client: ZeroDBClient = Depends(get_zerodb),
    current_user: User = Depends(get_current_user),
):
    try:
        return client.query("analytics_events", {"brand_id": brand_id, "event": event}, limit=limit)
    except OSError as exc:
        raise HTTPException(status_code=502, detail=str(exc)) from exc
