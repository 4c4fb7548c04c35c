"""Run as `python scripts/seed.py`: its directory is on sys.path."""
from seed_data import ROWS

print(len(ROWS))
