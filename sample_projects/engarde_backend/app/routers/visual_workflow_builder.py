"""Drag-and-drop workflow builder backend (graph editing)."""
from __future__ import annotations

from typing import Dict, List

from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy.orm import Session

from app.core.security import get_current_user
from app.database import get_db
from app.models import User, Workflow, WorkflowVersion
from app.schemas.workflow import WorkflowGraphUpdate
from app.services.workflow_engine import WorkflowValidationError, engine

router = APIRouter(prefix="/visual-builder", tags=["workflows"])

NODE_PALETTE: List[Dict[str, str]] = [
    {"type": "input", "label": "Input"},
    {"type": "prompt", "label": "Prompt template"},
    {"type": "python", "label": "Custom Python"},
    {"type": "output", "label": "Output"},
]


@router.get("/palette")
def node_palette() -> List[Dict[str, str]]:
    return NODE_PALETTE


@router.get("/{workflow_id}/graph")
def get_graph(workflow_id: str, db: Session = Depends(get_db), current_user: User = Depends(get_current_user)):
    workflow = db.get(Workflow, workflow_id)
    if workflow is None:
        raise HTTPException(status_code=404, detail="Workflow not found")
    return workflow.definition


@router.put("/{workflow_id}/graph")
async def save_graph(
    workflow_id: str,
    version: int = 1,
    payload: WorkflowGraphUpdate,
    db: Session = Depends(get_db),
    current_user: User = Depends(get_current_user),
):
    workflow = db.get(Workflow, workflow_id)
    if workflow is None:
        raise HTTPException(status_code=404, detail="Workflow not found")
    if version != workflow.current_version:
        raise HTTPException(status_code=409, detail="Graph was modified by someone else; reload and retry")
    nodes = [n.model_dump() for n in payload.nodes]
    edges = [e.model_dump() for e in payload.edges]
    try:
        engine.topological_order(nodes, edges)
    except WorkflowValidationError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from exc
    workflow.definition = {"nodes": nodes, "edges": edges}
    workflow.current_version += 1
    db.add(WorkflowVersion(workflow_id=workflow.id, version=workflow.current_version, definition=workflow.definition, created_by=current_user.id))
    db.commit()
    return {"version": workflow.current_version}
