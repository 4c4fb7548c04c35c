"""In-memory editing sessions and locks for collaborative workflow editing."""
from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Dict, Optional


@dataclass
class EditSession:
    session_id: str
    workflow_id: str
    user_id: str
    opened_at: float = field(default_factory=time.time)
    last_seen: float = field(default_factory=time.time)


class SessionManager:
    """Tracks who is editing which workflow; stale sessions expire after ``ttl`` seconds."""

    def __init__(self, ttl: int = 900) -> None:
        self.ttl = ttl
        self._sessions: Dict[str, EditSession] = {}
        self._lock = threading.Lock()

    def open(self, workflow_id: str, user_id: str) -> EditSession:
        with self._lock:
            self._expire()
            session = EditSession(session_id=uuid.uuid4().hex, workflow_id=workflow_id, user_id=user_id)
            self._sessions[session.session_id] = session
            return session

    def touch(self, session_id: str) -> Optional[EditSession]:
        with self._lock:
            session = self._sessions.get(session_id)
            if session:
                session.last_seen = time.time()
            return session

    def close(self, session_id: str) -> None:
        with self._lock:
            self._sessions.pop(session_id, None)

    def editors(self, workflow_id: str) -> list[str]:
        with self._lock:
            self._expire()
            return sorted({s.user_id for s in self._sessions.values() if s.workflow_id == workflow_id})

    def _expire(self) -> None:
        cutoff = time.time() - self.ttl
        for key in [k for k, s in self._sessions.items() if s.last_seen < cutoff]:
            del self._sessions[key]


session_manager = SessionManager()
