"""Builders of hostile projects for tests/test_hardening.py (issue 9's "bad input" list)."""
