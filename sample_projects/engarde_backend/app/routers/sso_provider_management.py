"""Tenant administrators manage their SSO identity providers."""
from __future__ import annotations

from typing import List, Optional

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from app.core.security import require_admin
from app.database import get_db
from app.models import User
from app.services.auth_service import AuthService
from app.services.sso.providers import SSOProviderConfig, registry

router = APIRouter(prefix="/sso/providers", tags=["sso"])


class ProviderCreate(BaseModel):
    kind: str = Field(pattern="^(saml|oidc)$")
    display_name: str
    metadata_url: Optional[str] = None
    client_id: Optional[str] = None
    domains: List[str] = Field(default_factory=list)


@router.get("/")
def list_providers(admin: User = Depends(require_admin)):
    return [p.__dict__ for p in registry.for_tenant(admin.tenant_id or "default")]


@router.post("/", status_code=201)
def add_provider(payload: ProviderCreate, admin: User = Depends(require_admin)):
    config = SSOProviderConfig(tenant_id=admin.tenant_id or "default", **payload.model_dump())
    registry.register(config)
    return config.__dict__


@router.post("/test-login")
def test_provider_login(email: str, db: Session = Depends(get_db), admin: User = Depends(require_admin)):
    config = registry.for_email(email)
    if config is None:
        raise HTTPException(status_code=404, detail="No provider for this domain")
    user = AuthService(db).provision_sso_user(email, None, config.kind)
    return {"user_id": user.id, "provider": config.display_name}
