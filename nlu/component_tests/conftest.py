"""Make `components` importable as Rasa does when run from nlu/ with PYTHONPATH=."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
