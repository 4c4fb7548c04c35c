from __future__ import annotations

import os

from fastapi import APIRouter, Depends, HTTPException, Request

from app.core.security import get_current_user
from app.models import User
from app.services.integration_hub import IntegrationHub, get_integration_hub

router = APIRouter(prefix="/shopify", tags=["integrations", "payments"])


@router.get("/install")
def shopify_install(shop: str, current_user: User = Depends(get_current_user), hub: IntegrationHub = Depends(get_integration_hub)):
    if not shop.endswith(".myshopify.com"):
        raise HTTPException(status_code=400, detail="Invalid shop domain")
    return {"authorize_url": hub.connect_url(current_user.id, "shopify", shop=shop)}


@router.get("/callback")
def shopify_callback(request: Request, hub: IntegrationHub = Depends(get_integration_hub)):
    from app.services.oauth_manager import verify_shopify_hmac

    params = dict(request.query_params)
    if not verify_shopify_hmac(params, os.getenv("SHOPIFY_API_SECRET", "")):
        raise HTTPException(status_code=400, detail="HMAC validation failed")
    token = hub.manager.exchange_code(params["state"], params["code"], shop=params.get("shop"))
    return {"connected": True, "scope": token.scope}
