"""AI agent orchestration with latency/token telemetry."""
from __future__ import annotations

import time

from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy.orm import Session

from app.core.security import get_current_user
from app.database import get_db
from app.models import Agent, User
from app.schemas.agent import AgentRunRequest
from app.services.agent_runtime import runtime
from app.services.telemetry import AgentMetrics

router = APIRouter(prefix="/ai-agents", tags=["ai-agents"])

_metrics: AgentMetrics | None = None


def get_metrics() -> AgentMetrics:
    global _metrics
    if _metrics is None:
        _metrics = AgentMetrics()
    return _metrics


@router.post("/{agent_id}/execute")
def execute_agent(
    agent_id: str,
    payload: AgentRunRequest,
    db: Session = Depends(get_db),
    current_user: User = Depends(get_current_user),
    metrics: AgentMetrics = Depends(get_metrics),
):
    agent = db.get(Agent, agent_id)
    if agent is None:
        raise HTTPException(status_code=404, detail="Agent not found")
    started = time.perf_counter()
    run = runtime.start(agent.id, agent.agent_type, payload.input)
    metrics.record_run(agent.agent_type, (time.perf_counter() - started) * 1000, tokens=0, success=run.status == "completed")
    return {"status": run.status, "output": run.output}


@router.get("/{agent_id}/runs")
def agent_runs(agent_id: str, limit: int = 20, current_user: User = Depends(get_current_user)):
    return [{"status": r.status, "started_at": r.started_at, "finished_at": r.finished_at} for r in runtime.history(agent_id, limit)]
