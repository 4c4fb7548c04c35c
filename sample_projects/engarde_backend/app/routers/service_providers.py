from __future__ import annotations

from typing import List, Optional

from fastapi import APIRouter, Depends, HTTPException, Query
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.security import get_current_user
from app.database import get_db
from app.models import ServiceProvider, User

router = APIRouter(prefix="/service-providers", tags=["services"])


class ProviderProfile(BaseModel):
    company_name: str
    specialties: List[str] = Field(default_factory=list)


@router.get("/")
def search_providers(specialty: Optional[str] = Query(None), db: Session = Depends(get_db)):
    rows = db.execute(select(ServiceProvider).where(ServiceProvider.verified.is_(True))).scalars()
    return [
        {"id": p.id, "company_name": p.company_name, "rating": p.rating, "specialties": p.specialties}
        for p in rows
        if specialty is None or specialty in p.specialties
    ]


@router.post("/", status_code=201)
def register_provider(payload: ProviderProfile, db: Session = Depends(get_db), current_user: User = Depends(get_current_user)):
    provider = ServiceProvider(user_id=current_user.id, **payload.model_dump())
    db.add(provider)
    db.commit()
    return {"id": provider.id}


@router.get("/{provider_id}")
def get_provider(provider_id: str, db: Session = Depends(get_db)):
    provider = db.get(ServiceProvider, provider_id)
    if provider is None:
        raise HTTPException(status_code=404, detail="Provider not found")
    return {"id": provider.id, "company_name": provider.company_name, "rating": provider.rating}
