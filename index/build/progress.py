"""One progress bar per rebuild stage (understand; index: chunk and embed), for a person
watching.

Each bar covers the whole stage, cached items included, so it ends at the stage's full count.
Bars go to stderr through tqdm; the caller decides when there are any (the CLI: a terminal and
no --quiet), so logs and pipes never get carriage returns.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

Advance = Callable[[int], None]  # called with how many more items are done


def ignore(done: int) -> None:
    """The Advance of a stage nobody watches."""


class StageBar:
    """An Advance (`bar(n)`: n more items done) that can also show a note after the count,
    for what a stage does besides its items (the chunks a posting pass embeds)."""

    def __init__(self, bar: Any = None) -> None:
        self._bar = bar

    def __call__(self, done: int) -> None:
        if self._bar is not None:
            self._bar.update(done)

    def note(self, text: str) -> None:
        if self._bar is not None:
            self._bar.set_postfix_str(text)


@contextmanager
def stage_bar(enabled: bool, name: str, total: int | None, unit: str) -> Iterator[StageBar]:
    """A StageBar for one stage of `total` items (None: not known until the stage ends, as
    when records are read as a stream); a bar on stderr when `enabled`."""
    if not enabled or (total is not None and total <= 0):
        yield StageBar()
        return
    from tqdm import tqdm

    with tqdm(
        total=total, desc=f"{name:<10}", unit=unit, file=sys.stderr, dynamic_ncols=True
    ) as bar:
        yield StageBar(bar)
        if total is None:  # known now: the bar ends as a counted one does
            bar.total = bar.n
            bar.refresh()
