"""Running `scripts/rebuild_index.py` as an operator would: a subprocess, offline, quiet."""

from __future__ import annotations

import subprocess
import sys

from tests.paths import REPO


def run_rebuild(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(REPO / "scripts" / "rebuild_index.py"), "--quiet", *args],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=REPO,
        env={"HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin", "JOBSEARCH_TORCH_THREADS": "2"},
    )
