"""Run one rebuild with the fake embedder; test_crash kills it with SIGKILL at random points.

    python -m tests.index.crash_driver ROOT COUNT SEED

Prints "building" once the imports are done and the postings made, so the test can time its
kill from the start of the build itself rather than from interpreter start-up.
"""

from __future__ import annotations

import sys
from pathlib import Path

from index.build.rebuild import build_index
from tests.factories import synthetic_postings
from tests.fakes import FakeEmbedder

if __name__ == "__main__":
    root, count, seed = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    postings = synthetic_postings(count, seed=seed)
    print("building", flush=True)  # noqa: T201 - the test waits for this line
    build_index(postings, FakeEmbedder(), root)
