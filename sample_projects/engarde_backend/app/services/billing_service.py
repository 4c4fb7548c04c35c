"""Billing: invoices and charges for credit packs and subscriptions."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy.orm import Session

from app.services.credit_service import CreditLedger
from app.models import PaymentTransaction

PRICE_PER_CREDIT = Decimal("0.02")


class BillingService:
    def __init__(self, db: Session, ledger: CreditLedger) -> None:
        self.db = db
        self.ledger = ledger

    def quote(self, credits: int) -> Decimal:
        price = PRICE_PER_CREDIT * credits
        if credits >= 10_000:
            price *= Decimal("0.85")
        return price.quantize(Decimal("0.01"))

    def charge_for_credits(self, brand_id: str, credits: int, payment_reference: str) -> PaymentTransaction:
        transaction = PaymentTransaction(
            brand_id=brand_id,
            provider="stripe",
            external_id=payment_reference,
            amount=self.quote(credits),
            status="succeeded",
        )
        self.db.add(transaction)
        self.db.flush()
        return transaction
