from __future__ import annotations

from typing import Dict, List

from fastapi import APIRouter, Depends
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.database import get_db
from app.models.core import MarketplaceListing

router = APIRouter(prefix="/marketplace/catalog", tags=["marketplace"])


@router.get("/categories")
def list_categories(db: Session = Depends(get_db)) -> List[Dict[str, object]]:
    rows = db.execute(
        select(MarketplaceListing.category, func.count(MarketplaceListing.id))
        .where(MarketplaceListing.is_published.is_(True))
        .group_by(MarketplaceListing.category)
    ).all()
    return [{"category": category, "listings": count} for category, count in rows]


@router.get("/categories/{category}")
def category_listings(category: str, db: Session = Depends(get_db)) -> List[Dict[str, object]]:
    rows = db.execute(
        select(MarketplaceListing).where(MarketplaceListing.category == category, MarketplaceListing.is_published.is_(True))
    ).scalars()
    return [{"id": r.id, "title": r.title, "price": str(r.price), "currency": r.currency} for r in rows]
