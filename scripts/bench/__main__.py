"""`python -m scripts.bench`: the same as `jobsearch bench`; the rebuild bench starts its child
measurements this way, so they run whether or not the project is installed."""

from __future__ import annotations

import sys

from scripts.bench.main import main

if __name__ == "__main__":
    sys.exit(main())
