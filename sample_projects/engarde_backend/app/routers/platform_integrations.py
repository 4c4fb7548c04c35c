"""Advertising platform connections (Google, Meta, LinkedIn, X)."""
from __future__ import annotations

from typing import Optional

from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import RedirectResponse

from app.core.security import get_current_user
from app.models import User
from app.services.oauth_manager import (
    PLATFORM_PROVIDERS,
    OAuthManager,
    UnknownProviderError,
    connected_providers,
    get_oauth_manager,
)

router = APIRouter(prefix="/platform-integrations", tags=["integrations"])


@router.get("/")
def list_platforms(current_user: User = Depends(get_current_user), manager: OAuthManager = Depends(get_oauth_manager)):
    connected = set(connected_providers(current_user.id, manager))
    return [{"platform": name, "connected": name in connected} for name in PLATFORM_PROVIDERS]


@router.get("/{platform}/connect")
def connect_platform(
    platform: str,
    shop: Optional[str] = None,
    current_user: User = Depends(get_current_user),
    manager: OAuthManager = Depends(get_oauth_manager),
):
    try:
        url = manager.authorization_url(platform, current_user.id, shop=shop)
    except UnknownProviderError as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from exc
    return RedirectResponse(url)


@router.delete("/{platform}")
def disconnect_platform(platform: str, current_user: User = Depends(get_current_user), manager: OAuthManager = Depends(get_oauth_manager)):
    manager.revoke(current_user.id, platform)
    return {"platform": platform, "connected": False}
