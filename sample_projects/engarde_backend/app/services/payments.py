"""Payment provider integration (Stripe / PayPal) using API keys, not OAuth."""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import time
from decimal import Decimal
from typing import Any, Dict

SUPPORTED_PROVIDERS = ("stripe", "paypal")


class PaymentService:
    def __init__(self, provider: str = "stripe") -> None:
        if provider not in SUPPORTED_PROVIDERS:
            raise ValueError(f"unsupported payment provider {provider}")
        self.provider = provider
        self.webhook_secret = os.getenv(f"{provider.upper()}_WEBHOOK_SECRET", "")

    def create_checkout(self, amount: Decimal, currency: str, description: str) -> Dict[str, Any]:
        return {
            "provider": self.provider,
            "amount": str(amount),
            "currency": currency,
            "description": description,
            "status": "requires_payment_method",
            "created": int(time.time()),
        }

    def verify_webhook(self, payload: bytes, signature_header: str) -> Dict[str, Any]:
        parts = dict(item.split("=", 1) for item in signature_header.split(",") if "=" in item)
        signed = f"{parts.get('t', '')}.{payload.decode()}".encode()
        expected = hmac.new(self.webhook_secret.encode(), signed, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, parts.get("v1", "")):
            raise ValueError("invalid webhook signature")
        return json.loads(payload)
