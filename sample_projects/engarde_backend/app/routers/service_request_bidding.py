from __future__ import annotations

from decimal import Decimal
from typing import Optional

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.security import get_current_user
from app.database import get_db
from app.models import ServiceBid, ServiceProvider, ServiceRequest, User

router = APIRouter(prefix="/service-requests", tags=["services"])


class BidCreate(BaseModel):
    amount: Decimal
    message: Optional[str] = None


@router.get("/open")
def open_requests(db: Session = Depends(get_db)):
    rows = db.execute(select(ServiceRequest).where(ServiceRequest.status == "open")).scalars()
    return [{"id": r.id, "title": r.title, "budget": r.budget} for r in rows]


@router.post("/{request_id}/bids", status_code=201)
def place_bid(request_id: str, payload: BidCreate, db: Session = Depends(get_db), current_user: User = Depends(get_current_user)):
    provider = db.execute(select(ServiceProvider).where(ServiceProvider.user_id == current_user.id)).scalar_one_or_none()
    if provider is None:
        raise HTTPException(status_code=403, detail="Only registered providers can bid")
    bid = ServiceBid(request_id=request_id, provider_id=provider.id, amount=payload.amount, message=payload.message)
    db.add(bid)
    db.commit()
    return {"id": bid.id, "status": bid.status}


@router.post("/bids/{bid_id}/accept")
def accept_bid(bid_id: int, db: Session = Depends(get_db), current_user: User = Depends(get_current_user)):
    bid = db.get(ServiceBid, bid_id)
    if bid is None:
        raise HTTPException(status_code=404, detail="Bid not found")
    bid.status = "accepted"
    request = db.get(ServiceRequest, bid.request_id)
    if request is not None:
        request.status = "awarded"
    db.commit()
    return {"id": bid.id, "status": bid.status}
