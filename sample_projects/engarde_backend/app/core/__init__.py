"""Core configuration, security and AI settings."""
