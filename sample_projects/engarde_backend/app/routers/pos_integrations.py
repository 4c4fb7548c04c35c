"""Point-of-sale integrations (Square, Clover, Lightspeed, Toast)."""
from __future__ import annotations

from fastapi import APIRouter, Depends

from app.core.security import get_current_user
from app.models import User
from app.services.integration_hub import IntegrationHub, get_integration_hub

router = APIRouter(prefix="/pos", tags=["integrations", "pos"])

POS_SYSTEMS = ("square", "clover", "lightspeed", "toast")


@router.get("/status")
def pos_status(current_user: User = Depends(get_current_user), hub: IntegrationHub = Depends(get_integration_hub)):
    return [s.__dict__ for s in hub.status(current_user.id) if s.provider in POS_SYSTEMS]


@router.get("/{system}/connect")
def pos_connect(system: str, current_user: User = Depends(get_current_user), hub: IntegrationHub = Depends(get_integration_hub)):
    return {"authorize_url": hub.connect_url(current_user.id, system)}
