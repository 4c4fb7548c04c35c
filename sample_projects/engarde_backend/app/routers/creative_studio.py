"""Creative studio: copy variations from a brief (no container execution)."""
from __future__ import annotations

from typing import TYPE_CHECKING, List

from fastapi import APIRouter, Depends, HTTPException

from app.core.security import get_current_user
from app.schemas.ai import CreativeBrief

if TYPE_CHECKING:
    from app.models import User

router = APIRouter(prefix="/creative-studio", tags=["creative"])

TONES = ("playful", "premium", "urgent", "informative")


def draft_variations(brief: CreativeBrief, author: "User") -> List[str]:
    tone = brief.tone or TONES[0]
    signature = author.full_name or author.email
    return [f"[{brief.channel}/{tone} #{i + 1}] {brief.objective} (drafted for {signature})" for i in range(brief.variants)]


@router.get("/tones")
def list_tones() -> dict:
    return {"tones": list(TONES)}


@router.post("/variations")
def create_variations(brief: CreativeBrief, current_user=Depends(get_current_user)):
    if brief.tone and brief.tone not in TONES:
        raise HTTPException(status_code=422, detail=f"Unknown tone {brief.tone}")
    return {"variations": draft_variations(brief, current_user)}
