from __future__ import annotations

from typing import List, Optional

from pydantic import BaseModel, ConfigDict, Field


class BrandCreate(BaseModel):
    name: str = Field(..., min_length=1, max_length=200)
    website: Optional[str] = None
    industry: Optional[str] = None
    voice_guidelines: Optional[str] = None


class BrandUpdate(BaseModel):
    name: Optional[str] = None
    website: Optional[str] = None
    industry: Optional[str] = None
    voice_guidelines: Optional[str] = None


class BrandResponse(BrandCreate):
    model_config = ConfigDict(from_attributes=True)

    id: str
    onboarding_completed: bool = False


class TeamInvite(BaseModel):
    emails: List[str]
    role: str = "member"
