"""Pydantic request/response schemas."""
from .common import Message, Page
from .user import Token, UserCreate, UserResponse, UserUpdate

__all__ = ["Message", "Page", "Token", "UserCreate", "UserResponse", "UserUpdate"]
