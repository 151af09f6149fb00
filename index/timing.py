"""One stage timer for both pipelines (the rebuild and a query): named stages, timed in order."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager


class StageTimer:
    """Seconds per named stage; a stage timed twice adds up."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.seconds: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started

    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def rounded_seconds(self) -> dict[str, float]:
        """Each stage in seconds to the millisecond, as the build report shows them."""
        return {name: round(value, 3) for name, value in self.seconds.items()}

    def milliseconds(self) -> dict[str, float]:
        """Each stage as `<name>_ms`, to the microsecond, as a search response shows them."""
        return {f"{name}_ms": round(value * 1000, 3) for name, value in self.seconds.items()}
