"""Agent performance analysis."""
from __future__ import annotations

from statistics import mean
from typing import Any, Dict, List

from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy.orm import Session

from app.core.security import get_current_user
from app.database import get_db
from app.models import Agent, User
from app.schemas.agent import AnalysisRequest
from app.services.agent_runtime import runtime

router = APIRouter(prefix="/agent-analysis", tags=["agent-analysis"])


def _summarise(runs: List[Any]) -> Dict[str, Any]:
    durations = [r.finished_at - r.started_at for r in runs if r.finished_at]
    return {
        "runs": len(runs),
        "completed": sum(1 for r in runs if r.status == "completed"),
        "avg_duration_s": round(mean(durations), 3) if durations else None,
    }


@router.get("/{agent_id}/summary")
async def agent_summary(agent_id: str, current_user: User = Depends(get_current_user)):
    return _summarise(runtime.history(agent_id, limit=100))


@router.post("/{agent_id}/analyze")
async def analyze_agent(
    agent_id: str,
    limit: int = 10,
    payload: AnalysisRequest,
    db: Session = Depends(get_db),
    current_user: User = Depends(get_current_user),
):
    agent = db.get(Agent, agent_id)
    if agent is None:
        raise HTTPException(status_code=404, detail="Agent not found")
    runs = runtime.history(agent_id, limit=limit)
    summary = _summarise(runs)
    return {
        "agent_id": agent_id,
        "objective": payload.objective,
        "metrics": payload.metrics,
        "lookback_days": payload.lookback_days,
        "summary": summary,
    }
