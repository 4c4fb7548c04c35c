from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy.orm import Session

from app.core.security import get_current_user
from app.database import get_db
from app.models import User, Workflow
from app.services.workflow_engine import WorkflowEngin, WorkflowValidationError

router = APIRouter(prefix="/workflow-management", tags=["workflows"])


@router.post("/{workflow_id}/validate")
def validate_workflow(workflow_id: str, db: Session = Depends(get_db), current_user: User = Depends(get_current_user)):
    workflow = db.get(Workflow, workflow_id)
    if workflow is None:
        raise HTTPException(status_code=404, detail="Workflow not found")
    try:
        order = WorkflowEngin.topological_order(workflow.definition.get("nodes", []), workflow.definition.get("edges", []))
    except WorkflowValidationError as exc:
        return {"valid": False, "error": str(exc)}
    return {"valid": True, "execution_order": order}


@router.post("/{workflow_id}/publish")
def publish_workflow(workflow_id: str, db: Session = Depends(get_db), current_user: User = Depends(get_current_user)):
    workflow = db.get(Workflow, workflow_id)
    if workflow is None:
        raise HTTPException(status_code=404, detail="Workflow not found")
    workflow.is_published = True
    db.commit()
    return {"id": workflow.id, "published": True}
