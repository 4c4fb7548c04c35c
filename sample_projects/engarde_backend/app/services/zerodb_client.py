"""Thin client for the ZeroDB multi-tenant document store."""
from __future__ import annotations

import json
import urllib.request
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

try:  # optional fast JSON encoder
    import orjson
except ImportError:  # pragma: no cover - depends on the environment
    orjson = None

from app.core.config import settings


def _dumps(payload: Any) -> bytes:
    if orjson is not None:
        return orjson.dumps(payload)
    return json.dumps(payload, default=str).encode()


@dataclass
class ZeroDBClient:
    project_id: str = field(default_factory=lambda: settings.ZERODB_PROJECT_ID)
    base_url: str = "https://api.zerodb.local/v1"
    api_key: Optional[str] = None
    timeout: float = 10.0

    def _request(self, method: str, path: str, payload: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        url = f"{self.base_url}/projects/{self.project_id}{path}"
        data = _dumps(payload) if payload is not None else None
        req = urllib.request.Request(url, data=data, method=method)
        req.add_header("Content-Type", "application/json")
        if self.api_key:
            req.add_header("Authorization", f"Bearer {self.api_key}")
        with urllib.request.urlopen(req, timeout=self.timeout) as resp:  # noqa: S310
            return json.loads(resp.read() or b"{}")

    def query(self, collection: str, filters: Dict[str, Any], limit: int = 100) -> List[Dict[str, Any]]:
        return self._request("POST", f"/collections/{collection}/query", {"filter": filters, "limit": limit}).get(
            "documents", []
        )

    def upsert(self, collection: str, document: Dict[str, Any]) -> Dict[str, Any]:
        return self._request("PUT", f"/collections/{collection}/documents", document)

    def authenticate(self, email: str, password: str) -> Dict[str, Any]:
        return self._request("POST", "/auth/login", {"email": email, "password": password})


def get_zerodb() -> ZeroDBClient:
    return ZeroDBClient()
