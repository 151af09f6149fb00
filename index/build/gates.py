"""Checks a verified build must pass before it may serve: a gate returns None to let it switch,
or the reason to keep it aside under builds/ (the rebuild reports it and `current` stays).

The shrink guard lives here; the evaluation gate (search/gate.py) is wrapped by the CLI, since
it needs the search side. Gates are combined with `all_gates`: the first refusal wins.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from index.errors import IndexNotFoundError
from index.storage.catalog import live_posting_ids
from index.storage.layout import current_build

# Decides whether a verified build may become current: None to switch, else the reason not to.
Gate = Callable[[Path], str | None]


def shrink_gate(root: Path, max_shrink: float) -> Gate:
    """Refuse a build that drops more than `max_shrink` of the serving build's postings (by id):
    an export that came back half empty must not take half the jobs off the site."""

    def gate(build: Path) -> str | None:
        try:
            serving = current_build(root)
        except IndexNotFoundError:
            return None  # the first build: nothing to lose
        before = live_posting_ids(serving)
        dropped = len(before - live_posting_ids(build))
        if not before or dropped / len(before) <= max_shrink:
            return None
        return (
            f"shrink guard: it drops {dropped} of the {len(before)} postings the serving build "
            f"has ({dropped / len(before):.0%}; at most {max_shrink:.0%} may go, "
            "JOBSEARCH_MAX_SHRINK); check the inputs, or rebuild with --allow-shrink to serve it"
        )

    return gate


def all_gates(*gates: Gate | None) -> Gate | None:
    """One gate that asks each in turn and stops at the first refusal; None when there are none."""
    present = [gate for gate in gates if gate is not None]
    if not present:
        return None

    def gate(build: Path) -> str | None:
        for each in present:
            refused = each(build)
            if refused is not None:
                return refused
        return None

    return gate
