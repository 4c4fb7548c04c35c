"""Schemas for the generative AI endpoints (OpenAI-compatible + Gemini)."""
from __future__ import annotations

from enum import Enum
from typing import List, Literal, Optional

from pydantic import BaseModel, Field


class HarmCategory(str, Enum):
    HARASSMENT = "HARM_CATEGORY_HARASSMENT"
    HATE_SPEECH = "HARM_CATEGORY_HATE_SPEECH"
    SEXUALLY_EXPLICIT = "HARM_CATEGORY_SEXUALLY_EXPLICIT"
    DANGEROUS_CONTENT = "HARM_CATEGORY_DANGEROUS_CONTENT"


class HarmBlockThreshold(str, Enum):
    BLOCK_NONE = "BLOCK_NONE"
    BLOCK_ONLY_HIGH = "BLOCK_ONLY_HIGH"
    BLOCK_MEDIUM_AND_ABOVE = "BLOCK_MEDIUM_AND_ABOVE"
    BLOCK_LOW_AND_ABOVE = "BLOCK_LOW_AND_ABOVE"


class SafetySetting(BaseModel):
    category: HarmCategory
    threshold: HarmBlockThreshold = HarmBlockThreshold.BLOCK_MEDIUM_AND_ABOVE


class SafetySettings(BaseModel):
    """Per-request Gemini safety configuration."""

    settings: List[SafetySetting] = Field(
        default_factory=lambda: [SafetySetting(category=category) for category in HarmCategory]
    )

    def to_api(self) -> List[dict]:
        return [{"category": s.category.value, "threshold": s.threshold.value} for s in self.settings]


class ChatMessage(BaseModel):
    role: Literal["system", "user", "assistant", "tool"]
    content: str


class ChatCompletionRequest(BaseModel):
    model: str = "gpt-4o-mini"
    messages: List[ChatMessage]
    temperature: float = Field(0.7, ge=0, le=2)
    max_tokens: Optional[int] = None
    stream: bool = False


class GenerateContentRequest(BaseModel):
    prompt: str
    model: Optional[str] = None
    safety: Optional[SafetySettings] = None
    max_output_tokens: int = 1024


class CreativeBrief(BaseModel):
    brand_id: str
    channel: str = "instagram"
    objective: str
    tone: Optional[str] = None
    variants: int = Field(3, ge=1, le=10)
