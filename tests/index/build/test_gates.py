"""The shrink guard: a build that drops too many of the serving build's postings is kept aside."""

from __future__ import annotations

from dataclasses import replace

from index.build.gates import all_gates, shrink_gate
from index.build.rebuild import build_index
from index.storage.layout import current_build
from tests.factories import synthetic_postings
from tests.fakes import FakeEmbedder


def test_shrink_gate_refuses_a_build_dropping_too_many_postings(tmp_path):
    root, embedder = tmp_path / "index", FakeEmbedder()
    postings = synthetic_postings(20, seed=1)
    first = build_index(postings, embedder, root, gate=shrink_gate(root, 0.3))
    assert first.refused is None  # nothing served yet: nothing to lose

    shrunk = build_index(postings[:13], embedder, root, gate=shrink_gate(root, 0.3))
    assert shrunk.refused is not None
    assert "drops 7 of the 20 postings the serving build has (35%" in shrunk.refused
    assert current_build(root) == first.directory and shrunk.directory.exists()

    kept = build_index(postings[:14], embedder, root, gate=shrink_gate(root, 0.3))
    assert kept.refused is None and current_build(root) == kept.directory  # 30%: allowed


def test_shrink_gate_counts_replaced_ids_as_dropped(tmp_path):
    root, embedder = tmp_path / "index", FakeEmbedder()
    build_index(synthetic_postings(10, seed=1), embedder, root)
    renamed = [replace(p, id=f"new-{p.id}") for p in synthetic_postings(10, seed=1)]
    report = build_index(renamed, embedder, root, gate=shrink_gate(root, 0.3))
    assert report.refused is not None and "drops 10 of the 10" in report.refused


def test_all_gates_stops_at_the_first_refusal():
    asked: list[str] = []

    def yes(build):
        asked.append("yes")

    def no(build):
        asked.append("no")
        return "no"

    assert all_gates(None, None) is None
    gate = all_gates(yes, no, yes)
    assert gate is not None and gate(None) == "no"
    assert asked == ["yes", "no"]
