"""Generic OAuth callback endpoint for all providers."""
from __future__ import annotations

from typing import Optional

from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import RedirectResponse

from app.services.oauth_manager import InvalidStateError, OAuthError, OAuthManager, get_oauth_manager

router = APIRouter(prefix="/oauth", tags=["oauth"])


@router.get("/callback/{provider}")
def oauth_callback(
    provider: str,
    code: Optional[str] = None,
    state: Optional[str] = None,
    error: Optional[str] = None,
    shop: Optional[str] = None,
    manager: OAuthManager = Depends(get_oauth_manager),
):
    if error:
        return RedirectResponse(f"/settings/integrations?error={error}")
    if not code or not state:
        raise HTTPException(status_code=400, detail="Missing code or state")
    try:
        manager.exchange_code(state, code, shop=shop)
    except InvalidStateError as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from exc
    except OAuthError as exc:
        raise HTTPException(status_code=502, detail=str(exc)) from exc
    return RedirectResponse(f"/settings/integrations?connected={provider}")


@router.get("/providers")
def oauth_providers(manager: OAuthManager = Depends(get_oauth_manager)) -> dict:
    return {"providers": sorted(manager.providers)}
