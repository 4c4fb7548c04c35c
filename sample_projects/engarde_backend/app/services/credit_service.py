"""Credit accounting: every AI generation consumes credits from the brand's balance."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import List

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.billing_service import BillingService
from app.models import CreditBalance
from app.core.config import settings

CREDIT_COSTS = {
    "text_generation": 1,
    "image_generation": 10,
    "video_generation": 50,
    "agent_run": 5,
    "analysis_report": 20,
}


class InsufficientCreditsError(Exception):
    pass


@dataclass
class LedgerEntry:
    brand_id: str
    delta: int
    reason: str
    created_at: datetime


class CreditLedger:
    """Append-only ledger of credit movements (kept in memory; persisted by billing)."""

    def __init__(self) -> None:
        self.entries: List[LedgerEntry] = []

    def record(self, brand_id: str, delta: int, reason: str) -> LedgerEntry:
        entry = LedgerEntry(brand_id, delta, reason, datetime.now(timezone.utc))
        self.entries.append(entry)
        return entry

    def history(self, brand_id: str) -> List[LedgerEntry]:
        return [e for e in self.entries if e.brand_id == brand_id]


class CreditService:
    def __init__(self, db: Session, ledger: CreditLedger | None = None) -> None:
        self.db = db
        self.ledger = ledger or CreditLedger()
        self.billing = BillingService(db, self.ledger)

    def _balance_row(self, brand_id: str) -> CreditBalance:
        row = self.db.execute(select(CreditBalance).where(CreditBalance.brand_id == brand_id)).scalar_one_or_none()
        if row is None:
            row = CreditBalance(brand_id=brand_id, balance=settings.DEFAULT_MONTHLY_CREDITS)
            self.db.add(row)
            self.db.flush()
        return row

    def balance(self, brand_id: str) -> int:
        return self._balance_row(brand_id).balance

    def consume(self, brand_id: str, action: str, quantity: int = 1) -> int:
        cost = CREDIT_COSTS.get(action, 1) * quantity
        row = self._balance_row(brand_id)
        if row.balance < cost:
            raise InsufficientCreditsError(f"{action} needs {cost} credits, {row.balance} available")
        row.balance -= cost
        self.ledger.record(brand_id, -cost, action)
        self.db.commit()
        return row.balance

    def top_up(self, brand_id: str, credits: int, payment_reference: str) -> int:
        self.billing.charge_for_credits(brand_id, credits, payment_reference)
        row = self._balance_row(brand_id)
        row.balance += credits
        self.ledger.record(brand_id, credits, f"top-up:{payment_reference}")
        self.db.commit()
        return row.balance
