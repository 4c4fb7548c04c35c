"""Full brand profile (brand + members + campaign counts) in one call."""
from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.core.security import get_current_user
from app.database import get_db
from app.models import Brand, Campaign, User

router = APIRouter(prefix="/brands-complete", tags=["brands"])


@router.get("/{brand_id}")
def complete_brand(brand_id: str, db: Session = Depends(get_db), current_user: User = Depends(get_current_user)):
    brand = db.execute(select(Brand).options(selectinload(Brand.members)).where(Brand.id == brand_id)).scalar_one_or_none()
    if brand is None:
        raise HTTPException(status_code=404, detail="Brand not found")
    campaigns = db.execute(select(func.count(Campaign.id)).where(Campaign.brand_id == brand.id)).scalar_one()
    return {
        "id": brand.id,
        "name": brand.name,
        "industry": brand.industry,
        "website": brand.website,
        "members": [{"user_id": m.user_id, "role": m.role} for m in brand.members],
        "campaigns": campaigns,
        "onboarding_completed": brand.onboarding_completed,
    }
