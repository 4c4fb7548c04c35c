from __future__ import annotations

from typing import List, Optional

from fastapi import APIRouter, Depends, HTTPException, Query
from sqlalchemy.orm import Session

from app.core.security import get_current_user
from app.database import get_db
from app.models import User
from app.models.marketplace import MarketplaceListing, MarketplaceOrder
from app.schemas.marketplace import ListingCreate, ListingResponse
from app.services.marketplace_service import search_listings

router = APIRouter(prefix="/marketplace", tags=["marketplace"])


@router.get("/listings", response_model=List[ListingResponse])
def browse_listings(
    q: Optional[str] = Query(None),
    category: Optional[str] = Query(None),
    limit: int = Query(50, le=200),
    db: Session = Depends(get_db),
):
    return search_listings(db, q=q, category=category, limit=limit)


@router.post("/listings", response_model=ListingResponse, status_code=201)
def create_listing(payload: ListingCreate, db: Session = Depends(get_db), current_user: User = Depends(get_current_user)):
    listing = MarketplaceListing(**payload.model_dump())
    db.add(listing)
    db.commit()
    db.refresh(listing)
    return listing


@router.post("/listings/{listing_id}/order", status_code=201)
def order_listing(
    listing_id: str,
    brand_id: str,
    quantity: int = Query(1, ge=1),
    db: Session = Depends(get_db),
    current_user: User = Depends(get_current_user),
):
    listing = db.get(MarketplaceListing, listing_id)
    if listing is None or not listing.is_published:
        raise HTTPException(status_code=404, detail="Listing not found")
    order = MarketplaceOrder(listing_id=listing.id, brand_id=brand_id, quantity=quantity, total=listing.price * quantity)
    db.add(order)
    db.commit()
    return {"order_id": order.id, "total": str(order.total)}
