from __future__ import annotations

from typing import List

from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.security import get_current_user
from app.database import get_db
from app.models import Agent, User
from app.schemas.agent import AgentCreate, AgentResponse, AgentRunRequest
from app.services.agent_runtime import AGENT_TYPES, runtime

router = APIRouter(prefix="/agents", tags=["agents"])


@router.get("/types")
def list_agent_types() -> dict:
    return AGENT_TYPES


@router.get("/", response_model=List[AgentResponse])
def list_agents(brand_id: str, db: Session = Depends(get_db), current_user: User = Depends(get_current_user)):
    return list(db.execute(select(Agent).where(Agent.brand_id == brand_id)).scalars())


@router.post("/", response_model=AgentResponse, status_code=201)
def create_agent(payload: AgentCreate, db: Session = Depends(get_db), current_user: User = Depends(get_current_user)):
    if payload.agent_type not in AGENT_TYPES:
        raise HTTPException(status_code=422, detail=f"Unknown agent type {payload.agent_type}")
    agent = Agent(**payload.model_dump())
    db.add(agent)
    db.commit()
    db.refresh(agent)
    return agent


@router.post("/{agent_id}/run")
def run_agent(agent_id: str, payload: AgentRunRequest, db: Session = Depends(get_db), current_user: User = Depends(get_current_user)):
    agent = db.get(Agent, agent_id)
    if agent is None:
        raise HTTPException(status_code=404, detail="Agent not found")
    run = runtime.start(agent.id, agent.agent_type, payload.input)
    return {"agent_id": agent.id, "status": run.status, "output": run.output}
