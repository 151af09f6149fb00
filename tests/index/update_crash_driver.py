"""Run one rebuild of the sample with a few records changed, with the fake embedder: an update
of the build already there. test_crash kills it with SIGKILL at random points.

    python -m tests.index.update_crash_driver ROOT SEED

Prints "building" once the imports are done and the input written.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

from index.build.rebuild import BuildOptions, rebuild
from tests.fakes import FakeEmbedder
from tests.index.build.test_update import records, write

if __name__ == "__main__":
    root, seed = Path(sys.argv[1]), int(sys.argv[2])
    day = records()
    rng = random.Random(seed)
    for i in rng.sample(range(len(day)), 3):  # three postings retitled
        day[i] = {**day[i], "title": f"{day[i]['title']} ({seed})"}
    path = write(root.parent / f"day-{seed}.jsonl", day)
    print("building", flush=True)  # noqa: T201 - the test waits for this line
    rebuild([path], root, FakeEmbedder(), BuildOptions(workers=1, update_max_share=0.2))
