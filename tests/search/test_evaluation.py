"""IR metrics checked against hand-computed values, the loaders' errors, and the dev set itself."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from search.evaluation import (
    evaluate,
    judged_share_at,
    load_qrels,
    load_queries,
    mrr_at,
    ndcg_at,
    precision_at,
    recall_at,
    render_markdown,
    reports_to_json,
)
from tests.paths import shared_file

# a, c, d relevant (c and d grade 2), b judged not relevant, x and y unjudged
JUDGED = {"a": 1, "b": 0, "c": 2, "d": 2}


def test_ndcg_at_perfect_ranking_is_one():
    assert ndcg_at(["c", "d", "a", "b"], JUDGED) == pytest.approx(1.0)


def test_ndcg_at_hand_computed_case():
    # DCG   = (2^1-1)/log2(2) + 0/log2(3) + (2^2-1)/log2(4) = 1 + 0 + 1.5 = 2.5
    # ideal = grades 2, 2, 1: 3/log2(2) + 3/log2(3) + 1/log2(4) = 3 + 1.892789 + 0.5 = 5.392789
    assert ndcg_at(["a", "b", "c"], JUDGED) == pytest.approx(2.5 / 5.392789, abs=1e-6)
    assert ndcg_at(["a", "b", "c"], JUDGED) == pytest.approx(0.463582, abs=1e-6)


def test_ndcg_at_cuts_at_k_but_ideal_uses_all_judgments():
    # only "a" fits in the top 1: 1 / ideal(k=1) where the ideal top 1 is a grade 2 (gain 3)
    assert ndcg_at(["a", "c"], JUDGED, k=1) == pytest.approx(1 / 3)


def test_ndcg_at_unjudged_and_empty_score_zero():
    assert ndcg_at(["x", "y", "b"], JUDGED) == 0.0
    assert ndcg_at([], JUDGED) == 0.0
    assert ndcg_at(["a"], {"a": 0}) == 0.0  # nothing relevant to find


def test_ndcg_at_counts_a_repeated_id_once():
    assert ndcg_at(["c", "c", "d", "a"], JUDGED) == pytest.approx(1.0)


def test_mrr_at_first_relevant_at_rank_three():
    assert mrr_at(["x", "b", "a", "c"], JUDGED) == pytest.approx(1 / 3)


def test_mrr_at_none_relevant_within_k_is_zero():
    assert mrr_at(["x", "b", "y", "c"], JUDGED, k=3) == 0.0


def test_precision_at_divides_by_k_even_for_short_lists():
    assert precision_at(["c", "x", "b", "a", "y"], JUDGED) == pytest.approx(2 / 5)
    assert precision_at(["c"], JUDGED) == pytest.approx(1 / 5)


def test_recall_at_with_unjudged_docs():
    # 3 relevant (a, c, d); unjudged x, y and grade-0 b earn nothing
    assert recall_at(["x", "c", "b", "y", "a"], JUDGED) == pytest.approx(2 / 3)
    assert recall_at(["x", "c", "b", "y", "a"], JUDGED, k=2) == pytest.approx(1 / 3)
    assert recall_at(["a"], {"a": 0}) == 0.0


def test_judged_share_at_counts_grade_zero_and_divides_by_shown():
    assert judged_share_at(["b", "x", "a", "y"], JUDGED) == pytest.approx(2 / 4)
    assert judged_share_at(["b", "x", "a", "y"], JUDGED, k=2) == pytest.approx(1 / 2)
    assert judged_share_at([], JUDGED) == 0.0


def test_load_queries_skips_blanks_and_comments(tmp_path: Path) -> None:
    path = tmp_path / "q.tsv"
    path.write_text("# header\nq1\tpython developer\n\nq2\tgo backend\n", encoding="utf-8")
    assert load_queries(path) == {"q1": "python developer", "q2": "go backend"}


def test_load_queries_malformed_line_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "q.tsv"
    path.write_text("q1\tpython developer\nq2 no tab here\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"q\.tsv:2: expected 'qid<TAB>query'"):
        load_queries(path)


def test_load_qrels_parses_grades(tmp_path: Path) -> None:
    path = tmp_path / "qrels.txt"
    path.write_text("q1 0 a 2\nq1 0 b 0\n\nq2\t0\tc\t1\n", encoding="utf-8")
    assert load_qrels(path) == {"q1": {"a": 2, "b": 0}, "q2": {"c": 1}}


@pytest.mark.parametrize("bad", ["q1 0 a", "q1 0 a high", "q1 0 a -1", "q1 0 a 1 extra"])
def test_load_qrels_malformed_line_names_file_and_line(tmp_path: Path, bad: str) -> None:
    path = tmp_path / "qrels.txt"
    path.write_text(f"q1 0 b 1\n{bad}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"qrels\.txt:2: expected 'qid 0 docid grade'"):
        load_qrels(path)


QUERIES = {"q1": "database internals", "q2": "react | design system", "q3": "no judgments"}
QRELS = {"q1": {"a": 2, "b": 1}, "q2": {"c": 2, "d": 0}}
RESULTS = {"database internals": ["a", "x", "b"], "react | design system": ["d", "x", "c"]}


def test_evaluate_scores_judged_queries_with_fake_search():
    calls: list[str] = []

    def search(query: str) -> list[str]:
        calls.append(query)
        return RESULTS.get(query, [])

    report = evaluate("fake", search, QUERIES, QRELS)
    assert calls == ["database internals", "react | design system"]  # q3 has no qrels
    assert [s.qid for s in report.per_query] == ["q1", "q2"]
    q1, q2 = report.per_query
    # q1: DCG = 3 + 1/log2(4) = 3.5; ideal = 3 + 1/log2(3)
    assert q1.ndcg10 == pytest.approx(3.5 / (3 + 1 / math.log2(3)))
    assert (q1.mrr10, q1.p5, q1.recall50, q1.judged10) == pytest.approx((1, 2 / 5, 1, 2 / 3))
    # q2: c (gain 3) at rank 3 → 3/log2(4) = 1.5 over ideal 3; judged-only list is d, c
    assert q2.ndcg10 == pytest.approx(0.5)
    assert q2.ndcg10_condensed == pytest.approx(3 / math.log2(3) / 3)
    assert (q2.mrr10, q2.p5, q2.recall50) == pytest.approx((1 / 3, 1 / 5, 1))
    assert report.mean["ndcg10"] == pytest.approx((q1.ndcg10 + 0.5) / 2)
    assert report.mean["mrr10"] == pytest.approx((1 + 1 / 3) / 2)
    assert report.latency_ms_p50 >= 0.0


def test_evaluate_scores_only_the_first_depth_results():
    report = evaluate("shallow", lambda q: ["x", "a", "b"], {"q1": "q"}, QRELS, depth=1)
    assert report.per_query[0].recall50 == 0.0 and report.per_query[0].judged10 == 0.0


def test_render_markdown_shows_each_config_and_its_numbers():
    good = evaluate("good", lambda q: RESULTS.get(q, []), QUERIES, QRELS)
    bad = evaluate("bad", lambda q: ["x"], QUERIES, QRELS)
    table = render_markdown([good, bad])
    lines = table.splitlines()
    assert lines[0].startswith("| config | nDCG@10 | MRR@10 | P@5 | Recall@50 | judged@10 |")
    assert lines[0].endswith("| p50 ms |")
    good_row = next(line for line in lines if line.startswith("| good |"))
    m = good.mean
    assert f"| {m['ndcg10']:.3f} | {m['mrr10']:.3f} | {m['p5']:.3f} | 1.000 |" in good_row
    assert "| bad | 0.000 | 0.000 | 0.000 | 0.000 | 0.000 |" in table
    assert "| qid | query | good | bad |" in table
    assert f"| q1 | database internals | {good.per_query[0].ndcg10:.3f} | 0.000 |" in table
    assert "| q2 | react \\| design system | 0.500 | 0.000 |" in table


def test_render_markdown_truncates_long_queries_to_60_chars():
    long = "x" * 80
    report = evaluate("c", lambda q: ["a"], {"q1": long}, QRELS)
    assert f"| q1 | {'x' * 57}... |" in render_markdown([report])


def test_reports_to_json_is_plain_json():
    report = evaluate("good", lambda q: RESULTS.get(q, []), QUERIES, QRELS)
    data = json.loads(json.dumps(reports_to_json([report])))
    assert data["good"]["mean"]["ndcg10"] == pytest.approx(report.mean["ndcg10"])
    assert [q["qid"] for q in data["good"]["per_query"]] == ["q1", "q2"]


def test_dev_set_has_16_queries_each_with_a_grade_two_judgment():
    queries = load_queries(shared_file("eval/queries.tsv"))
    qrels = load_qrels(shared_file("eval/qrels.txt"))
    assert len(queries) == 16
    assert set(qrels) == set(queries)
    assert all(2 in judged.values() for judged in qrels.values())


grades = st.dictionaries(st.text("abcdefgh", min_size=1, max_size=2), st.integers(0, 3))


@given(grades, st.lists(st.text("abcdefghij", min_size=1, max_size=2), max_size=15))
def test_ndcg_at_is_between_zero_and_one(judged: dict[str, int], ranked: list[str]) -> None:
    assert 0.0 <= ndcg_at(ranked, judged) <= 1.0 + 1e-9


@given(grades, st.integers(1, 12))
def test_ndcg_at_ranking_sorted_by_grade_is_one(judged: dict[str, int], k: int) -> None:
    ranked = sorted(judged, key=lambda doc: judged[doc], reverse=True)
    expected = 1.0 if any(judged.values()) else 0.0
    assert ndcg_at(ranked, judged, k=k) == pytest.approx(expected)
