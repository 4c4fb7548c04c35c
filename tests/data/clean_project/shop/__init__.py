"""A healthy FastAPI + SQLAlchemy shop: fixkit must find nothing wrong here."""
__version__ = "1.0.0"
