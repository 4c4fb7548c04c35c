"""Formatting and pricing utilities."""
