"""Production POS data API: orders and sales pulled from connected POS systems."""
from __future__ import annotations

import json
import urllib.request
from datetime import date
from typing import Optional

from fastapi import APIRouter, Depends, HTTPException, Query

from app.core.security import get_current_user
from app.models import User
from app.services.integration_hub import IntegrationHub, get_integration_hub
from app.services.oauth_manager import TokenExpiredError

router = APIRouter(prefix="/pos/v2", tags=["pos"])

ORDER_ENDPOINTS = {
    "square": "https://connect.squareup.com/v2/orders/search",
    "clover": "https://api.clover.com/v3/merchants/current/orders",
}


@router.get("/{system}/orders")
def pos_orders(
    system: str,
    since: Optional[date] = Query(None),
    current_user: User = Depends(get_current_user),
    hub: IntegrationHub = Depends(get_integration_hub),
):
    if system not in ORDER_ENDPOINTS:
        raise HTTPException(status_code=404, detail="Unsupported POS system")
    try:
        headers = hub.auth_headers(current_user.id, system)
    except TokenExpiredError as exc:
        raise HTTPException(status_code=401, detail=str(exc)) from exc
    url = ORDER_ENDPOINTS[system] + (f"?since={since.isoformat()}" if since else "")
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=15) as resp:  # noqa: S310
        return json.loads(resp.read())
