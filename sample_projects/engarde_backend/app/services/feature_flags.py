"""Feature toggles with percentage rollouts."""
from __future__ import annotations

import zlib
from typing import Dict, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import FeatureToggle


def is_enabled(db: Session, key: str, user_id: Optional[str] = None) -> bool:
    toggle = db.execute(select(FeatureToggle).where(FeatureToggle.key == key)).scalar_one_or_none()
    if toggle is None:
        return False
    if toggle.enabled:
        return True
    if user_id and toggle.rollout_percentage:
        bucket = zlib.crc32(f"{key}:{user_id}".encode()) % 100
        return bucket < toggle.rollout_percentage
    return False


def snapshot(db: Session) -> Dict[str, bool]:
    return {t.key: t.enabled for t in db.execute(select(FeatureToggle)).scalars()}
