"""Fix generation, one module per family: each `fix_<kind>(diagnosis, analysis) -> Fix | None`."""
