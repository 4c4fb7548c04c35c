"""Security policies: content sanitisation rules and blocked terms."""
from __future__ import annotations

from typing import List

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from app.core.security import require_admin
from app.models import User
from app.services.sanitizer import ALLOWED_TAGS, sanitize_html, sanitize_many

router = APIRouter(prefix="/security/management", tags=["security"])

_blocked_terms: List[str] = []


class BlockedTerms(BaseModel):
    terms: List[str] = Field(default_factory=list)


@router.get("/sanitizer-policy")
def sanitizer_policy(admin: User = Depends(require_admin)):
    return {"allowed_tags": sorted(ALLOWED_TAGS)}


@router.put("/blocked-terms")
def set_blocked_terms(payload: BlockedTerms, admin: User = Depends(require_admin)):
    _blocked_terms[:] = sanitize_many(payload.terms)
    return {"blocked_terms": _blocked_terms}


@router.post("/preview")
def preview_sanitized(html: str, admin: User = Depends(require_admin)):
    return {"sanitized": sanitize_html(html)}
