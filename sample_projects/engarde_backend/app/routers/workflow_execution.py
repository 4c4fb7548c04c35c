from __future__ import annotations

from datetime import datetime, timezone

from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy.orm import Session

from app.core.security import get_current_user
from app.database import get_db
from app.models import User, Workflow, WorkflowExecutionLog
from app.schemas.workflow import WorkflowRunRequest
from app.services.dagger_pipeline import get_pipeline
from app.services.workflow_engine import engine

router = APIRouter(prefix="/workflow-execution", tags=["workflows"])


@router.post("/{workflow_id}/run")
async def run_workflow(
    workflow_id: str,
    payload: WorkflowRunRequest,
    db: Session = Depends(get_db),
    current_user: User = Depends(get_current_user),
):
    workflow = db.get(Workflow, workflow_id)
    if workflow is None:
        raise HTTPException(status_code=404, detail="Workflow not found")
    log = WorkflowExecutionLog(workflow_id=workflow.id, status="running", started_at=datetime.now(timezone.utc))
    db.add(log)
    db.commit()
    try:
        if payload.run_in_container:
            result = await get_pipeline().run_python(workflow.definition.get("script", ""))
            output = {"stdout": result.stdout}
        else:
            output = await engine.run(workflow.definition, payload.inputs)
        log.status, log.output = "succeeded", {k: v for k, v in output.items() if isinstance(v, (str, int, float, dict, list))}
    except Exception as exc:
        log.status, log.error = "failed", str(exc)
    log.finished_at = datetime.now(timezone.utc)
    db.commit()
    return {"execution_id": log.id, "status": log.status}


@router.get("/executions/{execution_id}")
def get_execution(execution_id: int, db: Session = Depends(get_db), current_user: User = Depends(get_current_user)):
    log = db.get(WorkflowExecutionLog, execution_id)
    if log is None:
        raise HTTPException(status_code=404, detail="Execution not found")
    return {"status": log.status, "output": log.output, "error": log.error}
