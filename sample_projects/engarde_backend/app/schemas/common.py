from __future__ import annotations

from typing import Generic, List, TypeVar

from pydantic import BaseModel, Field

T = TypeVar("T")


class Message(BaseModel):
    message: str


class Page(BaseModel, Generic[T]):
    items: List[T]
    total: int
    page: int = Field(1, ge=1)
    size: int = Field(50, ge=1, le=500)
