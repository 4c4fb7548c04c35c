"""Minimal HTTP client for OpenAI-compatible and Gemini APIs (stdlib only)."""
from __future__ import annotations

import json
import urllib.request
from typing import Any, Dict, List, Optional

from app.core.ai_config import get_gemini_config, resolve_model
from app.core.config import settings


class AIClientError(Exception):
    pass


def _post_json(url: str, payload: Dict[str, Any], headers: Dict[str, str], timeout: float = 60.0) -> Dict[str, Any]:
    request = urllib.request.Request(
        url, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json", **headers}
    )
    with urllib.request.urlopen(request, timeout=timeout) as resp:  # noqa: S310
        return json.loads(resp.read())


def chat_completion(messages: List[Dict[str, str]], model: Optional[str] = None, **params: Any) -> Dict[str, Any]:
    if not settings.OPENAI_API_KEY:
        raise AIClientError("OPENAI_API_KEY is not configured")
    config = resolve_model("chat", model)
    return _post_json(
        "https://api.openai.com/v1/chat/completions",
        {"model": config.model, "messages": messages, **params},
        {"Authorization": f"Bearer {settings.OPENAI_API_KEY}"},
    )


def gemini_generate(prompt: str, model: Optional[str] = None, safety: Optional[List[dict]] = None) -> Dict[str, Any]:
    config = get_gemini_config()
    if not config.api_key:
        raise AIClientError("GEMINI_API_KEY is not configured")
    body: Dict[str, Any] = {"contents": [{"parts": [{"text": prompt}]}]}
    if safety:
        body["safetySettings"] = safety
    url = f"{config.api_base}/models/{model or config.default_model}:generateContent?key={config.api_key}"
    return _post_json(url, body, {}, timeout=config.timeout_seconds)
