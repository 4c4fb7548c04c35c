"""Langflow workflow CRUD + custom-component execution."""
from __future__ import annotations

from typing import List

from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.security import get_current_user
from app.database import get_db
from app.models import User, Workflow
from app.schemas.workflow import WorkflowCreate
from app.services.dagger_pipeline import DaggerPipeline, get_pipeline

router = APIRouter(prefix="/langflow", tags=["workflows"])


@router.get("/workflows")
def list_workflows(brand_id: str, db: Session = Depends(get_db), current_user: User = Depends(get_current_user)) -> List[dict]:
    rows = db.execute(select(Workflow).where(Workflow.brand_id == brand_id)).scalars()
    return [{"id": w.id, "name": w.name, "version": w.current_version} for w in rows]


@router.post("/workflows", status_code=201)
def create_workflow(payload: WorkflowCreate, db: Session = Depends(get_db), current_user: User = Depends(get_current_user)):
    workflow = Workflow(name=payload.name, brand_id=payload.brand_id, definition=payload.model_dump(include={"nodes", "edges"}))
    db.add(workflow)
    db.commit()
    return {"id": workflow.id}


@router.post("/components/{workflow_id}/{node_id}/test")
async def test_custom_component(
    workflow_id: str,
    node_id: str,
    db: Session = Depends(get_db),
    pipeline: DaggerPipeline = Depends(get_pipeline),
    current_user: User = Depends(get_current_user),
):
    workflow = db.get(Workflow, workflow_id)
    if workflow is None:
        raise HTTPException(status_code=404, detail="Workflow not found")
    node = next((n for n in workflow.definition.get("nodes", []) if n["id"] == node_id), None)
    if node is None or node["type"] != "python":
        raise HTTPException(status_code=400, detail="Not a custom component node")
    result = await pipeline.run_python(node["data"].get("code", ""))
    return {"stdout": result.stdout}
