from __future__ import annotations

from datetime import datetime
from typing import Optional

from pydantic import BaseModel, ConfigDict


class ContentCreate(BaseModel):
    brand_id: str
    campaign_id: Optional[str] = None
    title: str
    body: Optional[str] = None
    content_type: str = "post"
    scheduled_for: Optional[datetime] = None


class ContentResponse(ContentCreate):
    model_config = ConfigDict(from_attributes=True)

    id: str
    status: str = "draft"
