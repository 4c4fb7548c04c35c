"""Database engine, session factory and the single declarative ``Base``."""
from __future__ import annotations

from typing import Iterator, Optional

from sqlalchemy import MetaData, create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from app.core.config import settings

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Shared declarative base: every model registers on ``Base.metadata``."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


_engine: Optional[Engine] = None
SessionLocal = sessionmaker(autoflush=False, expire_on_commit=False)


def get_engine() -> Engine:
    """Create the engine lazily so importing models never touches the database."""
    global _engine
    if _engine is None:
        connect_args = {"check_same_thread": False} if settings.DATABASE_URL.startswith("sqlite") else {}
        _engine = create_engine(settings.DATABASE_URL, connect_args=connect_args, pool_pre_ping=True)
        SessionLocal.configure(bind=_engine)
    return _engine


def get_db() -> Iterator[Session]:
    get_engine()
    db = SessionLocal()
    try:
        yield db
    finally:
        db.close()


def init_db() -> None:
    """Create all tables known to ``Base.metadata`` (used by dev scripts and tests)."""
    import app.models  # noqa: F401  (registers the core models)

    Base.metadata.create_all(bind=get_engine())
