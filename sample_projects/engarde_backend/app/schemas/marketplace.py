from __future__ import annotations

from decimal import Decimal
from typing import Any, Dict, Optional

from pydantic import BaseModel, ConfigDict, Field


class ListingCreate(BaseModel):
    vendor_id: str
    title: str
    description: Optional[str] = None
    category: str
    price: Decimal
    currency: str = "USD"
    attributes: Dict[str, Any] = Field(default_factory=dict)


class ListingResponse(ListingCreate):
    model_config = ConfigDict(from_attributes=True)

    id: str
    is_published: bool = False
