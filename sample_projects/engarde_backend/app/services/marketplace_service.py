"""Marketplace search and external marketplace proxying."""
from __future__ import annotations

import json
import urllib.parse
import urllib.request
from typing import Any, Dict, List, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models.marketplace import MarketplaceListing, MarketplaceVendor

EXTERNAL_MARKETPLACES = {
    "etsy": "https://openapi.etsy.com/v3/application",
    "amazon": "https://sellingpartnerapi-na.amazon.com",
    "ebay": "https://api.ebay.com/buy/browse/v1",
}


def search_listings(db: Session, q: Optional[str] = None, category: Optional[str] = None, limit: int = 50) -> List[MarketplaceListing]:
    stmt = select(MarketplaceListing).where(MarketplaceListing.is_published.is_(True))
    if q:
        stmt = stmt.where(MarketplaceListing.title.ilike(f"%{q}%"))
    if category:
        stmt = stmt.where(MarketplaceListing.category == category)
    return list(db.execute(stmt.limit(limit)).scalars())


def list_vendors(db: Session, verified_only: bool = False) -> List[MarketplaceVendor]:
    stmt = select(MarketplaceVendor)
    if verified_only:
        stmt = stmt.where(MarketplaceVendor.verified.is_(True))
    return list(db.execute(stmt).scalars())


def proxy_get(marketplace: str, path: str, params: Dict[str, Any], timeout: float = 10.0) -> Dict[str, Any]:
    base = EXTERNAL_MARKETPLACES[marketplace]
    url = f"{base}/{path.lstrip('/')}?{urllib.parse.urlencode(params)}"
    with urllib.request.urlopen(url, timeout=timeout) as resp:  # noqa: S310
        return json.loads(resp.read())
