from __future__ import annotations

from typing import List

from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.security import get_current_user
from app.database import get_db
from app.models import User, Workflow, WorkflowVersion
from app.services.session_service import SessionManager

router = APIRouter(prefix="/workflow-versions", tags=["workflows"])

sessions = SessionManager(ttl=600)


@router.get("/{workflow_id}")
def list_versions(workflow_id: str, db: Session = Depends(get_db), current_user: User = Depends(get_current_user)) -> List[dict]:
    rows = db.execute(
        select(WorkflowVersion).where(WorkflowVersion.workflow_id == workflow_id).order_by(WorkflowVersion.version.desc())
    ).scalars()
    return [{"version": v.version, "created_by": v.created_by, "created_at": v.created_at} for v in rows]


@router.post("/{workflow_id}/snapshot", status_code=201)
def snapshot_version(workflow_id: str, db: Session = Depends(get_db), current_user: User = Depends(get_current_user)):
    workflow = db.get(Workflow, workflow_id)
    if workflow is None:
        raise HTTPException(status_code=404, detail="Workflow not found")
    editors = sessions.editors(workflow_id)
    if editors and editors != [current_user.id]:
        raise HTTPException(status_code=409, detail=f"Workflow is being edited by {', '.join(editors)}")
    workflow.current_version += 1
    db.add(WorkflowVersion(workflow_id=workflow.id, version=workflow.current_version, definition=workflow.definition, created_by=current_user.id))
    db.commit()
    return {"version": workflow.current_version}


@router.post("/{workflow_id}/edit-session")
def open_edit_session(workflow_id: str, current_user: User = Depends(get_current_user)):
    session = sessions.open(workflow_id, current_user.id)
    return {"session_id": session.session_id, "editors": sessions.editors(workflow_id)}
