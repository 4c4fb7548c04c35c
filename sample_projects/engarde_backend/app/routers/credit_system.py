"""Credits: balance, consumption and top-ups."""
from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from app.core.security import get_current_user
from app.database import get_db
from app.models import User
from app.services.credit_service import CREDIT_COSTS, CreditService, InsufficientCreditsError

router = APIRouter(prefix="/credits", tags=["credits"])


class TopUp(BaseModel):
    credits: int = Field(..., gt=0)
    payment_reference: str


@router.get("/costs")
def credit_costs() -> dict:
    return CREDIT_COSTS


@router.get("/{brand_id}")
def credit_balance(brand_id: str, db: Session = Depends(get_db), current_user: User = Depends(get_current_user)):
    return {"brand_id": brand_id, "balance": CreditService(db).balance(brand_id)}


@router.post("/{brand_id}/consume/{action}")
def consume_credits(brand_id: str, action: str, db: Session = Depends(get_db), current_user: User = Depends(get_current_user)):
    try:
        remaining = CreditService(db).consume(brand_id, action)
    except InsufficientCreditsError as exc:
        raise HTTPException(status_code=402, detail=str(exc)) from exc
    return {"balance": remaining}


@router.post("/{brand_id}/top-up")
def top_up(brand_id: str, payload: TopUp, db: Session = Depends(get_db), current_user: User = Depends(get_current_user)):
    return {"balance": CreditService(db).top_up(brand_id, payload.credits, payload.payment_reference)}
