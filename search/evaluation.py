"""Offline relevance evaluation: judged queries in, nDCG@10, MRR@10, P@5 and Recall@50 out.

The engine plugs in as a callable (query → ranked posting ids), so the same code scores any
ranking configuration. Grades are 0, 1, 2 (TREC qrels); a result nobody judged counts as not
relevant, and the share of the top 10 that is judged is reported beside every score, since a
ranker that finds new good postings is under-rated by judgments pooled from other rankers; the
condensed nDCG (unjudged results dropped, Sakai 2007) bounds that effect from the other side.
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

Qrels = Mapping[str, Mapping[str, int]]
METRICS = ("ndcg10", "mrr10", "p5", "recall50", "judged10", "ndcg10_condensed")


def load_queries(path: Path) -> dict[str, str]:
    """`qid<TAB>query` lines; blank lines and # comments skipped."""
    queries: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        qid, sep, text = line.partition("\t")
        if not sep or not qid.strip() or not text.strip():
            raise ValueError(f"{path}:{number}: expected 'qid<TAB>query', got {line!r}")
        queries[qid.strip()] = text.strip()
    return queries


def load_qrels(*paths: Path) -> dict[str, dict[str, int]]:
    """TREC qrels: `qid 0 docid grade` per line, grade a non-negative integer. Several files
    add up; a pair judged in two keeps the first file's grade (the shared set's, say).

    Negative grades (some TREC sets use -1 for spam) are rejected rather than guessed at: their
    gain 2^grade - 1 would be negative and push nDCG below 0.
    """
    qrels: dict[str, dict[str, int]] = {}
    for path in paths:
        for qid, docs in _read_qrels(path).items():
            for doc, grade in docs.items():
                qrels.setdefault(qid, {}).setdefault(doc, grade)
    return qrels


def _read_qrels(path: Path) -> dict[str, dict[str, int]]:
    qrels: dict[str, dict[str, int]] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        parts = line.split()
        if not parts or parts[0].startswith("#"):
            continue
        if len(parts) != 4 or not parts[3].isdigit():
            raise ValueError(
                f"{path}:{number}: expected 'qid 0 docid grade' (grade 0, 1, 2, ...), got {line!r}"
            )
        qrels.setdefault(parts[0], {})[parts[2]] = int(parts[3])
    return qrels


def _top(ranked: Sequence[str], k: int) -> list[str]:
    """The first k distinct ids: a posting listed twice earns its gain once, so nDCG stays ≤ 1."""
    return list(dict.fromkeys(ranked))[:k]


def ndcg_at(ranked: Sequence[str], judged: Mapping[str, int], k: int = 10) -> float:
    """Graded nDCG: gain 2^grade - 1, log2 discount; the ideal uses every judged grade.

    0.0 when the query has no relevant judgment (nothing to find, so nothing earned).
    """
    dcg = sum(
        (2 ** judged.get(doc, 0) - 1) / math.log2(rank + 2)
        for rank, doc in enumerate(_top(ranked, k))
    )
    ideal_grades = sorted((g for g in judged.values() if g > 0), reverse=True)[:k]
    ideal = sum((2**g - 1) / math.log2(rank + 2) for rank, g in enumerate(ideal_grades))
    return dcg / ideal if ideal else 0.0


def mrr_at(ranked: Sequence[str], judged: Mapping[str, int], k: int = 10) -> float:
    """1/rank of the first result graded ≥ 1 within the top k: how far a seeker scrolls."""
    for rank, doc in enumerate(_top(ranked, k), start=1):
        if judged.get(doc, 0) >= 1:
            return 1.0 / rank
    return 0.0


def precision_at(ranked: Sequence[str], judged: Mapping[str, int], k: int = 5) -> float:
    """Results graded ≥ 1 in the top k, over k: a short list is penalised for the empty slots."""
    return sum(1 for doc in _top(ranked, k) if judged.get(doc, 0) >= 1) / k


def recall_at(ranked: Sequence[str], judged: Mapping[str, int], k: int = 50) -> float:
    """Share of the query's judged-relevant (grade ≥ 1) postings found in the top k.

    0.0 when nothing is judged relevant, so such a query cannot inflate the mean.
    """
    relevant = {doc for doc, grade in judged.items() if grade >= 1}
    return len(relevant & set(_top(ranked, k))) / len(relevant) if relevant else 0.0


def judged_share_at(ranked: Sequence[str], judged: Mapping[str, int], k: int = 10) -> float:
    """Share of the results shown (at most k) that carry any judgment, grade 0 included.

    Divided by the number shown, min(k, len(ranked)), not by k: the question is how far the
    scores can be trusted, and empty slots hold no unjudged postings. 0.0 for no results.
    """
    shown = _top(ranked, k)
    return sum(1 for doc in shown if doc in judged) / len(shown) if shown else 0.0


@dataclass(frozen=True)
class QueryScores:
    """Every metric of one query under one configuration, plus its search time."""

    qid: str
    query: str
    ndcg10: float
    mrr10: float
    p5: float
    recall50: float
    judged10: float
    ndcg10_condensed: float  # nDCG@10 over the judged results only (unjudged ones removed)
    seconds: float
    total: int | None = None  # how many postings the search said match (None: not reported)
    relevant: int = 0  # judged relevant (grade > 0) for this query


@dataclass(frozen=True)
class EvalReport:
    """One configuration's run: per-query scores, their means and the median latency."""

    config: str
    per_query: list[QueryScores]
    mean: dict[str, float]
    latency_ms_p50: float

    @property
    def total_ratio_p50(self) -> float | None:
        """Median over queries of total / judged-relevant: how honest `total` is."""
        ratios = [
            s.total / s.relevant for s in self.per_query if s.total is not None and s.relevant
        ]
        return statistics.median(ratios) if ratios else None


Searched = Sequence[str] | tuple[Sequence[str], int]  # ranked ids, optionally with the total


def evaluate(
    config_name: str,
    search: Callable[[str], Searched],
    queries: Mapping[str, str],
    qrels: Qrels,
    depth: int = 50,
) -> EvalReport:
    """Run every query that has judgments through `search`; score its first `depth` results.

    Queries without qrels are skipped (no judgment, no score), as are qrels without a query.
    """
    scores: list[QueryScores] = []
    for qid, query in queries.items():
        if qid not in qrels:
            continue
        started = time.perf_counter()
        found = search(query)
        seconds = time.perf_counter() - started
        total = None
        if isinstance(found, tuple):
            found, total = found
        ranked = list(found)[:depth]
        judged = qrels[qid]
        scores.append(
            QueryScores(
                qid,
                query,
                ndcg_at(ranked, judged),
                mrr_at(ranked, judged),
                precision_at(ranked, judged),
                recall_at(ranked, judged),
                judged_share_at(ranked, judged),
                ndcg_at([doc for doc in ranked if doc in judged], judged),
                seconds,
                total,
                sum(1 for grade in judged.values() if grade > 0),
            )
        )
    mean = {m: statistics.fmean(getattr(s, m) for s in scores) if scores else 0.0 for m in METRICS}
    p50 = statistics.median(s.seconds for s in scores) * 1000 if scores else 0.0
    return EvalReport(config_name, scores, mean, p50)


def _cell(text: str) -> str:
    """Query text as a table cell: at most 60 characters, pipes escaped."""
    text = text if len(text) <= 60 else text[:57] + "..."
    return text.replace("|", "\\|")


def _ratio(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}×"


def render_markdown(reports: Sequence[EvalReport]) -> str:
    """One row per configuration, then nDCG@10 per query side by side (rows matched by qid)."""
    lines = [
        "| config | nDCG@10 | MRR@10 | P@5 | Recall@50 | judged@10 | nDCG@10 judged-only "
        "| total / relevant (median) | p50 ms |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in reports:
        m = r.mean
        lines.append(
            f"| {r.config} | {m['ndcg10']:.3f} | {m['mrr10']:.3f} | {m['p5']:.3f} | {m['recall50']:.3f} "
            f"| {m['judged10']:.3f} | {m['ndcg10_condensed']:.3f} | {_ratio(r.total_ratio_p50)} "
            f"| {r.latency_ms_p50:.1f} |"
        )
    if reports:
        by_qid = [{s.qid: s for s in r.per_query} for r in reports]
        queries = {s.qid: s.query for r in reports for s in r.per_query}
        lines += ["", "| qid | query | " + " | ".join(r.config for r in reports) + " |"]
        lines.append("|---|---|" + "---|" * len(reports))
        for qid, query in queries.items():
            cells = [f"{d[qid].ndcg10:.3f}" if qid in d else "–" for d in by_qid]
            lines.append(f"| {qid} | {_cell(query)} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def reports_to_json(reports: Sequence[EvalReport]) -> dict[str, object]:
    """Plain dicts keyed by configuration name, ready for `json.dumps`."""
    return {
        r.config: {
            "mean": r.mean,
            "latency_ms_p50": r.latency_ms_p50,
            "total_ratio_p50": r.total_ratio_p50,
            "per_query": [asdict(s) for s in r.per_query],
        }
        for r in reports
    }
