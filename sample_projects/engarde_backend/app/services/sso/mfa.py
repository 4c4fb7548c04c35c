"""Time-based one-time passwords (RFC 6238) for multi-factor authentication."""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
import time
from typing import List
from urllib.parse import quote


class MFAService:
    digits = 6
    period = 30

    def generate_secret(self) -> str:
        return base64.b32encode(secrets.token_bytes(20)).decode().rstrip("=")

    def provisioning_uri(self, secret: str, account: str, issuer: str = "EnGarde") -> str:
        return (
            f"otpauth://totp/{quote(issuer)}:{quote(account)}"
            f"?secret={secret}&issuer={quote(issuer)}&digits={self.digits}&period={self.period}"
        )

    def _code_at(self, secret: str, counter: int) -> str:
        key = base64.b32decode(secret + "=" * (-len(secret) % 8))
        digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
        offset = digest[-1] & 0x0F
        value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
        return str(value % 10**self.digits).zfill(self.digits)

    def verify(self, secret: str, code: str, window: int = 1) -> bool:
        counter = int(time.time()) // self.period
        return any(hmac.compare_digest(self._code_at(secret, counter + d), code) for d in range(-window, window + 1))

    def recovery_codes(self, count: int = 10) -> List[str]:
        return [secrets.token_hex(5) for _ in range(count)]
