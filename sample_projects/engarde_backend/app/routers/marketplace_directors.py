from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy.orm import Session

from app.core.security import require_admin
from app.database import get_db
from app.models import User
from app.models.marketplace import MarketplaceListing, MarketplaceVendor
from app.services.marketplace_service import list_vendors

router = APIRouter(prefix="/marketplace/directors", tags=["marketplace"])


@router.get("/vendors")
def vendors(verified_only: bool = False, db: Session = Depends(get_db), admin: User = Depends(require_admin)):
    return [{"id": v.id, "name": v.name, "verified": v.verified} for v in list_vendors(db, verified_only)]


@router.post("/vendors/{vendor_id}/verify")
def verify_vendor(vendor_id: str, db: Session = Depends(get_db), admin: User = Depends(require_admin)):
    vendor = db.get(MarketplaceVendor, vendor_id)
    if vendor is None:
        raise HTTPException(status_code=404, detail="Vendor not found")
    vendor.verified = True
    db.commit()
    return {"id": vendor.id, "verified": True}


@router.post("/listings/{listing_id}/publish")
def publish_listing(listing_id: str, db: Session = Depends(get_db), admin: User = Depends(require_admin)):
    listing = db.get(MarketplaceListing, listing_id)
    if listing is None:
        raise HTTPException(status_code=404, detail="Listing not found")
    listing.is_published = True
    db.commit()
    return {"id": listing.id, "published": True}
