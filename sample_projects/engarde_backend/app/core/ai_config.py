"""Provider configuration for the AI features (OpenAI-compatible and Gemini).

Safety settings for Gemini used to live here; they moved to the request
schemas (``app.schemas.ai``) when the per-request override was added.
"""
from __future__ import annotations

from enum import Enum
from typing import Dict, Optional

from pydantic import BaseModel

from app.core.config import settings


class AIProvider(str, Enum):
    OPENAI = "openai"
    GEMINI = "gemini"
    ANTHROPIC = "anthropic"


class ModelConfig(BaseModel):
    provider: AIProvider
    model: str
    max_output_tokens: int = 2048
    temperature: float = 0.7


class GeminiConfig(BaseModel):
    api_key: str = ""
    default_model: str = "gemini-1.5-pro"
    api_base: str = "https://generativelanguage.googleapis.com/v1beta"
    timeout_seconds: float = 60.0


DEFAULT_MODELS: Dict[str, ModelConfig] = {
    "chat": ModelConfig(provider=AIProvider.OPENAI, model="gpt-4o-mini"),
    "creative": ModelConfig(provider=AIProvider.OPENAI, model="gpt-4o", temperature=0.9),
    "analysis": ModelConfig(provider=AIProvider.GEMINI, model="gemini-1.5-pro", temperature=0.2),
}


def get_gemini_config() -> GeminiConfig:
    return GeminiConfig(api_key=settings.GEMINI_API_KEY)


def resolve_model(task: str, override: Optional[str] = None) -> ModelConfig:
    config = DEFAULT_MODELS.get(task, DEFAULT_MODELS["chat"])
    if override:
        return config.model_copy(update={"model": override})
    return config
