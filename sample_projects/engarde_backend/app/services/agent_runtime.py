"""Runs configured AI agents against brand data."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

AGENT_TYPES = {
    "copywriter": "Generates on-brand copy variations",
    "media_buyer": "Optimises budget allocation across platforms",
    "analyst": "Explains performance changes",
    "community_manager": "Drafts replies to comments and DMs",
}


@dataclass
class AgentRun:
    agent_id: str
    status: str = "queued"
    output: Dict[str, Any] = field(default_factory=dict)
    started_at: float = field(default_factory=time.time)
    finished_at: Optional[float] = None


class AgentRuntime:
    def __init__(self) -> None:
        self._runs: Dict[str, List[AgentRun]] = {}

    def start(self, agent_id: str, agent_type: str, payload: Dict[str, Any]) -> AgentRun:
        if agent_type not in AGENT_TYPES:
            raise ValueError(f"unknown agent type {agent_type!r}")
        run = AgentRun(agent_id=agent_id, status="running")
        run.output = {"echo": payload, "agent_type": agent_type}
        run.status = "completed"
        run.finished_at = time.time()
        self._runs.setdefault(agent_id, []).append(run)
        return run

    def history(self, agent_id: str, limit: int = 20) -> List[AgentRun]:
        return list(reversed(self._runs.get(agent_id, [])))[:limit]


runtime = AgentRuntime()
