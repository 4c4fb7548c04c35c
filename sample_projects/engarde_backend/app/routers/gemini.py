"""Google Gemini content generation."""
from __future__ import annotations

from typing import Optional

from fastapi import APIRouter, Depends, HTTPException

from app.core.ai_config import GeminiConfig, SafetySettings, get_gemini_config
from app.core.security import get_current_user
from app.models import User
from app.schemas.ai import GenerateContentRequest
from app.services.ai_client import AIClientError, gemini_generate

router = APIRouter(prefix="/gemini", tags=["ai"])

DEFAULT_SAFETY = SafetySettings()


@router.get("/config")
def gemini_config(config: GeminiConfig = Depends(get_gemini_config)):
    return {"model": config.default_model, "configured": bool(config.api_key)}


@router.post("/generate")
def generate(payload: GenerateContentRequest, current_user: User = Depends(get_current_user)):
    safety: Optional[SafetySettings] = payload.safety or DEFAULT_SAFETY
    try:
        return gemini_generate(payload.prompt, payload.model, safety.to_api())
    except AIClientError as exc:
        raise HTTPException(status_code=503, detail=str(exc)) from exc
