"""Shared by the benchmark sections: medians with min and max, percentiles, memory, the machine.

The machine is shared and has 2 cores, so a single run says little: every figure is reported as
the median of repeated runs with its min and max, next to the load average it was measured at.
"""

from __future__ import annotations

import os
import platform
import resource
import statistics
import time
from collections.abc import Sequence
from typing import Any


def summarize(values: Sequence[float], digits: int = 2) -> dict[str, Any]:
    """Median, min and max of repeated runs (the figure quoted is the median)."""
    if not values:
        return {"median": None, "min": None, "max": None, "runs": 0}
    return {
        "median": round(statistics.median(values), digits),
        "min": round(min(values), digits),
        "max": round(max(values), digits),
        "runs": len(values),
    }


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) by nearest rank on the sorted values."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))
    return ordered[rank]


def peak_rss_mib(children: bool = False) -> float:
    """The peak resident set of this process (or its waited-for children), from getrusage."""
    who = resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF
    return resource.getrusage(who).ru_maxrss / 1024  # Linux reports KiB


def rss_mib(pid: int) -> dict[str, float]:
    """Rss, Pss (shared pages divided among the processes mapping them) and the shared part."""
    fields: dict[str, float] = {}
    with open(f"/proc/{pid}/smaps_rollup") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) >= 2 and parts[0].endswith(":") and parts[1].isdigit():
                fields[parts[0][:-1]] = int(parts[1]) / 1024
    return {
        "rss": round(fields.get("Rss", 0.0), 1),
        "pss": round(fields.get("Pss", 0.0), 1),
        "shared": round(fields.get("Shared_Clean", 0.0) + fields.get("Shared_Dirty", 0.0), 1),
    }


def mapped_file_mib(pid: int, suffix: str) -> dict[str, float]:
    """Rss and Pss of the mappings of files ending in `suffix` in process `pid`."""
    rss = pss = 0.0
    current = False
    with open(f"/proc/{pid}/smaps") as handle:
        for line in handle:
            head = line.split()
            if head and "-" in head[0] and len(head) >= 5:  # a mapping's header line
                current = len(head) >= 6 and head[-1].endswith(suffix)
            elif current and head and head[0] == "Rss:":
                rss += int(head[1]) / 1024
            elif current and head and head[0] == "Pss:":
                pss += int(head[1]) / 1024
    return {"rss": round(rss, 1), "pss": round(pss, 1)}


def machine() -> dict[str, Any]:
    """What the figures were measured on, and how busy it was."""
    model = ""
    flags: set[str] = set()
    with open("/proc/cpuinfo") as handle:
        for line in handle:
            if line.startswith("model name") and not model:
                model = line.split(":", 1)[1].strip()
            elif line.startswith("flags") and not flags:
                flags = set(line.split(":", 1)[1].split())
    with open("/proc/meminfo") as handle:
        total_kib = int(handle.readline().split()[1])
    versions = {}
    for name in ("numpy", "faiss", "onnxruntime", "torch", "sentence_transformers"):
        try:
            versions[name] = __import__(name).__version__
        except Exception:  # noqa: BLE001 - absent or unimportable: not reported
            pass
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "memory_gib": round(total_kib / 1024**2, 1),
        "isa": sorted(f for f in flags if f.startswith(("avx512", "amx"))),
        "python": platform.python_version(),
        "versions": versions,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "env": {k: v for k, v in os.environ.items() if k.startswith(("OPENBLAS", "OMP_", "MKL_"))},
        "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
