from __future__ import annotations

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from app.core.security import get_current_user
from app.models import User
from app.services.marketplace_service import EXTERNAL_MARKETPLACES

router = APIRouter(prefix="/external-marketplace", tags=["marketplace"])


class ExternalListingImport(BaseModel):
    marketplace: str
    external_id: str
    vendor_id: str


@router.get("/supported")
def supported_marketplaces() -> dict:
    return {"marketplaces": sorted(EXTERNAL_MARKETPLACES)}


@router.post("/import")
def import_listing(payload: ExternalListingImport, current_user: User = Depends(get_current_user)):
    if payload.marketplace not in EXTERNAL_MARKETPLACES:
        return {"accepted": False, "reason": "unsupported marketplace"}
    return {"accepted": True, "job": f"import:{payload.marketplace}:{payload.external_id}"}
