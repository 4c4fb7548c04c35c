from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Dict, Optional

from pydantic import BaseModel, ConfigDict, Field


class CampaignCreate(BaseModel):
    brand_id: str
    name: str = Field(..., max_length=200)
    platform: Optional[str] = None
    budget: Optional[Decimal] = None
    start_date: Optional[date] = None
    end_date: Optional[date] = None
    objectives: Dict[str, Any] = Field(default_factory=dict)


class CampaignUpdate(BaseModel):
    name: Optional[str] = None
    status: Optional[str] = None
    budget: Optional[Decimal] = None
    end_date: Optional[date] = None


class CampaignResponse(CampaignCreate):
    model_config = ConfigDict(from_attributes=True)

    id: str
    status: str = "draft"
