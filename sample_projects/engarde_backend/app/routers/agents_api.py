"""Public agents API (API-key / bearer authenticated)."""
from __future__ import annotations

from typing import List

from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.database import get_db
from app.middleware.auth import get_current_user
from app.models import Agent, User
from app.schemas.agent import AgentResponse, AgentRunRequest
from app.services.agent_runtime import runtime

router = APIRouter(prefix="/v1/agents", tags=["agents-api"])


@router.get("", response_model=List[AgentResponse])
def api_list_agents(db: Session = Depends(get_db), current_user: User = Depends(get_current_user)):
    return list(db.execute(select(Agent).where(Agent.is_active.is_(True))).scalars())


@router.post("/{agent_id}/invocations")
def api_invoke_agent(
    agent_id: str,
    payload: AgentRunRequest,
    db: Session = Depends(get_db),
    current_user: User = Depends(get_current_user),
):
    agent = db.get(Agent, agent_id)
    if agent is None:
        raise HTTPException(status_code=404, detail="Agent not found")
    run = runtime.start(agent.id, agent.agent_type, payload.input)
    return {"id": f"{agent.id}:{run.started_at:.0f}", "status": run.status, "output": run.output}
