from __future__ import annotations

from decimal import Decimal

from fastapi import APIRouter, Depends, Header, HTTPException, Request
from pydantic import BaseModel

from app.core.security import get_current_user
from app.models import User
from app.services.payments import SUPPORTED_PROVIDERS, PaymentService

router = APIRouter(prefix="/payments", tags=["payments"])


class CheckoutRequest(BaseModel):
    provider: str = "stripe"
    amount: Decimal
    currency: str = "USD"
    description: str = "EnGarde credits"


@router.get("/providers")
def payment_providers() -> dict:
    return {"providers": list(SUPPORTED_PROVIDERS)}


@router.post("/checkout")
def create_checkout(payload: CheckoutRequest, current_user: User = Depends(get_current_user)):
    try:
        service = PaymentService(payload.provider)
    except ValueError as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from exc
    return service.create_checkout(payload.amount, payload.currency, payload.description)


@router.post("/{provider}/webhook")
async def payment_webhook(provider: str, request: Request, stripe_signature: str = Header("", alias="Stripe-Signature")):
    service = PaymentService(provider)
    try:
        event = service.verify_webhook(await request.body(), stripe_signature)
    except ValueError as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from exc
    return {"received": event.get("type")}
