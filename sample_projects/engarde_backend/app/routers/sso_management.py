"""SSO and MFA settings for the current user / tenant."""
from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel
from sqlalchemy.orm import Session

from app.core.security import get_current_user
from app.database import get_db
from app.models import User
from app.services.sso.mfa_service import MFAService
from app.services.sso.providers import registry

router = APIRouter(prefix="/sso", tags=["sso"])

mfa = MFAService()

# Pending MFA secrets awaiting confirmation (user_id -> secret)
_pending_secrets: dict[str, str] = {}


class MFAConfirm(BaseModel):
    code: str


@router.get("/discover")
def discover_sso(email: str):
    config = registry.for_email(email)
    return {"sso": config is not None, "provider": config.display_name if config else None}


@router.post("/mfa/enroll")
def enroll_mfa(current_user: User = Depends(get_current_user)):
    secret = mfa.generate_secret()
    _pending_secrets[current_user.id] = secret
    return {"otpauth_uri": mfa.provisioning_uri(secret, current_user.email)}


@router.post("/mfa/confirm")
def confirm_mfa(payload: MFAConfirm, db: Session = Depends(get_db), current_user: User = Depends(get_current_user)):
    secret = _pending_secrets.get(current_user.id)
    if not secret or not mfa.verify(secret, payload.code):
        raise HTTPException(status_code=400, detail="Invalid verification code")
    _pending_secrets.pop(current_user.id, None)
    return {"enabled": True, "recovery_codes": mfa.recovery_codes()}
