"""CSV import of campaign metrics; user-supplied transforms run in a Dagger container."""
from __future__ import annotations

import csv
import io
import sys
from datetime import date
from typing import List, Optional

import dagger
from fastapi import APIRouter, Depends, HTTPException, Request
from sqlalchemy.orm import Session

from app.core.security import get_current_user
from app.database import get_db
from app.models import CampaignMetric, User

router = APIRouter(prefix="/csv-import", tags=["import"])

REQUIRED_COLUMNS = {"campaign_id", "date", "platform", "impressions", "clicks", "spend"}


async def run_transform(script: str, csv_text: str) -> str:
    """Run a user-provided Python transform over the CSV inside a throwaway container."""
    async with dagger.Connection(dagger.Config(log_output=sys.stderr)) as client:
        container = (
            client.container()
            .from_("python:3.11-slim")
            .with_new_file("/data/input.csv", contents=csv_text)
            .with_new_file("/data/transform.py", contents=script)
            .with_exec(["python", "/data/transform.py", "/data/input.csv"])
        )
        return await container.stdout()


def parse_rows(text: str) -> List[CampaignMetric]:
    reader = csv.DictReader(io.StringIO(text))
    missing = REQUIRED_COLUMNS - set(reader.fieldnames or [])
    if missing:
        raise ValueError(f"missing columns: {', '.join(sorted(missing))}")
    return [
        CampaignMetric(
            campaign_id=row["campaign_id"],
            metric_date=date.fromisoformat(row["date"]),
            platform=row["platform"],
            impressions=int(row["impressions"]),
            clicks=int(row["clicks"]),
            conversions=int(row.get("conversions") or 0),
            spend=row["spend"],
            revenue=row.get("revenue") or 0,
        )
        for row in reader
    ]


@router.post("/campaign-metrics")
async def import_campaign_metrics(
    request: Request,
    transform: Optional[str] = None,
    db: Session = Depends(get_db),
    current_user: User = Depends(get_current_user),
):
    text = (await request.body()).decode("utf-8-sig")
    if transform:
        text = await run_transform(transform, text)
    try:
        rows = parse_rows(text)
    except ValueError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from exc
    db.add_all(rows)
    db.commit()
    return {"imported": len(rows)}
