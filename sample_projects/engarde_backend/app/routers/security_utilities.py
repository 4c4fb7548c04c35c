"""Utility endpoints used by the editor (sanitise before save)."""
from __future__ import annotations

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from app.core.security import get_current_user
from app.models import User
from app.services import sanitizer

router = APIRouter(prefix="/security/utils", tags=["security"])


class SanitizeRequest(BaseModel):
    text: str
    allow_markup: bool = False


@router.post("/sanitize")
def sanitize(payload: SanitizeRequest, current_user: User = Depends(get_current_user)):
    cleaned = sanitizer.sanitize_html(payload.text) if payload.allow_markup else sanitizer.sanitize_text(payload.text)
    return {"text": cleaned, "changed": cleaned != payload.text}
