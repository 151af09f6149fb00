"""`python scripts/rebuild_index.py PATH... [--index DIR]`: the same as `jobsearch rebuild`."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scripts.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(["rebuild", *sys.argv[1:]]))
