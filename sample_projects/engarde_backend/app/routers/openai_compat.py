"""OpenAI-compatible chat completions endpoint (proxies to the configured provider)."""
from __future__ import annotations

import time
import uuid

from fastapi import APIRouter, Depends, HTTPException

from app.core.ai_config import DEFAULT_MODELS
from app.core.security import get_current_user
from app.models import User
from app.schemas.ai import ChatCompletionRequest
from app.services.ai_client import AIClientError, chat_completion

router = APIRouter(prefix="/v1", tags=["ai", "openai-compat"])


@router.get("/models")
def list_models() -> dict:
    return {
        "object": "list",
        "data": [{"id": cfg.model, "object": "model", "owned_by": cfg.provider.value} for cfg in DEFAULT_MODELS.values()],
    }


@router.post("/chat/completions")
def chat_completions(payload: ChatCompletionRequest, current_user: User = Depends(get_current_user)):
    if payload.stream:
        raise HTTPException(status_code=400, detail="Streaming is not supported on this endpoint")
    try:
        upstream = chat_completion([m.model_dump() for m in payload.messages], payload.model, temperature=payload.temperature)
    except AIClientError as exc:
        raise HTTPException(status_code=503, detail=str(exc)) from exc
    upstream.setdefault("id", f"chatcmpl-{uuid.uuid4().hex[:24]}")
    upstream.setdefault("created", int(time.time()))
    return upstream
