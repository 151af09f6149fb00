"""`jobsearch bench`: how fast the rebuild and the queries are on this machine, honestly measured.

    jobsearch bench [--sections rebuild,encode,incremental,query,http,memory,scale]
                    [--backend B]... [--repeat 3] [--out bench-results/bench.json]
                    [--corpus-dir DIR] [--work-dir var/bench] [--queries FILE]

A benchmark suite, not a test: it asserts nothing. Every figure is the median of repeated runs
with min and max (the machine has 2 cores, often shared: compare medians, read the load average
in the JSON). Rebuilds and model runs happen in child processes, so each has its own peak RSS.

- rebuild: the corpus's eval-postings.jsonl.gz (4,000 postings) and a slice of
  postings.jsonl.gz, from a cold embedding cache: postings/s, chunks/s, the share of the time in
  the model's encode, peak RSS.
- encode: the model alone on the same chunk texts (same batch size and backend): the ceiling.
- incremental: 1% of the 4,000 postings changed, rebuilt with the cache: seconds, cache hits.
- query / http / memory: the dev queries against an index, in process and over HTTP.
- scale: the vector search alone on synthetic collections of up to millions of chunks.
- scale-e2e: the whole pipeline at --postings N (synth, warm, build, serve, query;
  scripts/bench/scale_e2e.py).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from scripts.bench.paths import (
    CORPUS_ENV,
    EVAL_CORPUS,
    FULL_CORPUS,
    BenchPaths,
    default_corpus_dir,
    default_queries,
)
from scripts.bench.rebuild import (
    EVAL_NAME,
    RebuildPlan,
    bench_rebuild,
    plan_corpora,
    rebuild_root,
    run_child_command,
)

SECTIONS = ("rebuild", "encode", "incremental", "query", "http", "memory", "scale", "scale-e2e")
DEFAULT_SECTIONS = SECTIONS[:-1]  # scale-e2e only when asked for: it is long
REBUILD_SECTIONS = ("rebuild", "encode", "incremental")
SERVING_SECTIONS = ("query", "http", "memory")
CORPORA = ("eval", "slice")


def build_parser() -> argparse.ArgumentParser:
    """The options; `--child` is internal (the rebuild bench's child processes)."""
    parser = argparse.ArgumentParser(
        prog="jobsearch bench", description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--sections", default=",".join(DEFAULT_SECTIONS))
    parser.add_argument(
        "--backend",
        action="append",
        default=[],
        help="backend(s) for rebuild/encode (default: the configured one)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure")
    parser.add_argument(
        "--eval-repeat", type=int, default=1, help="runs of the 4,000-posting rebuild"
    )
    parser.add_argument("--slice", type=int, default=300, help="postings from postings.jsonl.gz")
    parser.add_argument(
        "--corpora", default="eval,slice", help="rebuild/encode inputs: eval, slice"
    )
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument(
        "--index", type=Path, help="index for query/http/memory (default: the eval rebuild)"
    )
    parser.add_argument("--scale-sizes", default="100000,1000000,8000000")
    parser.add_argument("--postings", type=int, default=100_000, help="scale-e2e: postings")
    parser.add_argument(
        "--synth-from",
        type=Path,
        help=f"scale-e2e: the real postings to recombine (default: the corpus's {FULL_CORPUS})",
    )
    parser.add_argument(
        "--warm-cache",
        type=Path,
        help="scale-e2e: an embedding-cache.sqlite to start from (else the warm step embeds)",
    )
    parser.add_argument(
        "--changed",
        type=float,
        default=0.01,
        help="scale-e2e: the share of postings replaced for the closing rebuild (0: none)",
    )
    parser.add_argument("--seconds", type=float, default=20.0, help="per HTTP throughput run")
    parser.add_argument("--out", type=Path, default=Path("bench-results/bench.json"))
    parser.add_argument(
        "--corpus-dir",
        type=Path,
        help=f"folder holding {EVAL_CORPUS} and {FULL_CORPUS}\n"
        f"(default: ${CORPUS_ENV}, else ../shared/corpus beside the checkout)",
    )
    parser.add_argument(
        "--work-dir",
        type=Path,
        default=Path("var/bench"),
        help="rebuilt indexes, slices, caches, synthetic vectors (default var/bench)",
    )
    parser.add_argument(
        "--queries",
        type=Path,
        help="qid<TAB>query file for query/http/memory (default: ../shared/eval/queries.tsv\n"
        "beside the checkout)",
    )
    parser.add_argument(
        "--child", choices=["rebuild", "encode", "scale-build"], help=argparse.SUPPRESS
    )
    parser.add_argument("--child-args", default="{}", help=argparse.SUPPRESS)
    return parser


def split_list(text: str) -> list[str]:
    """A comma-separated option as its non-empty parts."""
    return [part.strip() for part in text.split(",") if part.strip()]


def resolve_paths(
    parser: argparse.ArgumentParser, args: argparse.Namespace, sections: list[str]
) -> BenchPaths:
    """The inputs the chosen sections need, or an argparse error naming the option to set:
    checked before anything slow starts, so a wrong path costs no model load."""
    unknown = sorted(set(sections) - set(SECTIONS)) + sorted(
        set(split_list(args.corpora)) - set(CORPORA)
    )
    if unknown:
        parser.error(f"unknown section or corpus: {', '.join(unknown)}")
    corpus = args.corpus_dir or default_corpus_dir()
    where = "--corpus-dir" if args.corpus_dir else f"--corpus-dir (from ${CORPUS_ENV})"
    if corpus is not None and not corpus.is_dir():
        parser.error(f"{where} {corpus}: no such directory")
    if any(s in sections for s in REBUILD_SECTIONS):
        if corpus is None:
            parser.error(
                f"no corpus for {'/'.join(REBUILD_SECTIONS)}: pass --corpus-dir DIR "
                f"(holding {EVAL_CORPUS} and {FULL_CORPUS}) or set {CORPUS_ENV}"
            )
        needed = {EVAL_CORPUS} if "incremental" in sections else set()
        corpora = split_list(args.corpora)
        needed |= {EVAL_CORPUS} if "eval" in corpora else set()
        needed |= {FULL_CORPUS} if "slice" in corpora else set()
        missing = sorted(name for name in needed if not (corpus / name).is_file())
        if missing:
            parser.error(f"--corpus-dir {corpus} has no {', '.join(missing)}")
    if "scale-e2e" in sections:
        source = args.synth_from or (corpus / FULL_CORPUS if corpus else None)
        if source is None or not source.is_file():
            parser.error(f"scale-e2e: no real postings at {source}: pass --synth-from FILE")
        if args.warm_cache is not None and not args.warm_cache.is_file():
            parser.error(f"--warm-cache {args.warm_cache}: no such file")
    queries = args.queries or default_queries()
    serving = [*SERVING_SECTIONS, "scale-e2e"]
    if any(s in sections for s in serving) and (queries is None or not queries.is_file()):
        parser.error(
            f"--queries {queries}: no such file"
            if queries
            else "no dev queries for query/http/memory/scale-e2e: pass --queries FILE (qid<TAB>query)"
        )
    return BenchPaths(
        corpus.resolve() if corpus else None,
        args.work_dir.resolve(),
        queries.resolve() if queries else None,
    )


class ResultsFile:
    """The results so far, rewritten after every case: a long run interrupted keeps its
    finished figures."""

    def __init__(self, out: Path, machine: dict[str, Any]) -> None:
        self.out = out
        self.results: dict[str, Any] = {
            "machine": machine,
            "command": " ".join(sys.argv),
            "sections": {},
        }

    @property
    def sections(self) -> dict[str, Any]:
        sections: dict[str, Any] = self.results["sections"]
        return sections

    def save(self) -> None:
        self.results["machine"]["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self.out.write_text(json.dumps(self.results, indent=2) + "\n")


def main(argv: list[str] | None = None) -> int:
    """`jobsearch bench ARGS`: check the paths, run the sections, print and save the table."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.child == "scale-build":
        from scripts.bench.scale_e2e import child_build

        print(json.dumps(child_build(json.loads(args.child_args))))
        return 0
    if args.child:
        print(json.dumps(run_child_command(args.child, json.loads(args.child_args))))
        return 0
    sections = split_list(args.sections)
    paths = resolve_paths(parser, args, sections)

    from index.errors import JobSearchError
    from index.settings import get_settings
    from scripts.bench.stats import machine

    backends = args.backend or [get_settings().backend]
    paths.work.mkdir(parents=True, exist_ok=True)
    results = ResultsFile(args.out, machine())
    try:
        run_sections(args, sections, backends, paths, results)
    except JobSearchError as exc:  # e.g. no index for the serving sections
        print(f"error: {exc}", file=sys.stderr)
        return 1
    results.save()
    print(render_table(results.results))
    if "scale-e2e" in results.sections:
        from scripts.bench.scale_e2e import render_scale_e2e

        print("\n" + render_scale_e2e(results.sections["scale-e2e"]))
    print(f"\nwritten: {args.out}")
    return 0


def run_sections(
    args: argparse.Namespace,
    sections: list[str],
    backends: list[str],
    paths: BenchPaths,
    results: ResultsFile,
) -> None:
    """The chosen sections in order: the rebuilds first, since the serving sections default to
    the eval rebuild's index."""
    out, save = results.sections, results.save
    if any(s in sections for s in REBUILD_SECTIONS):
        corpora = plan_corpora(paths, split_list(args.corpora), args.slice)
        plan = RebuildPlan(paths, corpora, args.repeat, args.eval_repeat, args.batch_size)
        bench_rebuild(plan, sections, backends, out, save)
    serving = [s for s in SERVING_SECTIONS if s in sections]
    if serving:
        from scripts.bench.serving import bench_serving

        assert paths.queries is not None  # resolve_paths checked it
        index = args.index or rebuild_root(paths.work, EVAL_NAME, backends[0])
        out.update(bench_serving(index, serving, args.repeat, args.seconds, paths.queries))
        save()
    if "scale-e2e" in sections:
        from scripts.bench.scale_e2e import bench_scale_e2e
        from scripts.bench.serving import load_queries

        source = args.synth_from or paths.full_corpus
        assert paths.queries is not None
        out["scale-e2e"] = bench_scale_e2e(
            paths.work,
            source.resolve(),
            args.postings,
            load_queries(paths.queries),
            args.repeat,
            args.warm_cache.resolve() if args.warm_cache else None,
            args.changed,
        )
        save()
    if "scale" in sections:
        from scripts.bench.scale import bench_scale

        sizes = [int(s) for s in split_list(args.scale_sizes)]

        def save_scale(part: dict[str, Any]) -> None:
            out["scale"] = part
            save()

        out["scale"] = bench_scale(
            sizes, args.repeat, paths.work / "synthetic", save_partial=save_scale
        )
        save()


def render_table(results: dict[str, Any]) -> str:
    """The Markdown table the README quotes: one row per figure, median (min-max), runs."""
    rows = ["| section | case | figure | median | min-max | runs |", "|---|---|---|---|---|---|"]

    def add(section: str, case: str, figure: str, s: dict[str, Any] | None) -> None:
        if s and s.get("median") is not None:
            rows.append(
                f"| {section} | {case} | {figure} | {s['median']} | {s['min']}-{s['max']} | {s['runs']} |"
            )

    sections = results["sections"]
    for case, r in sections.get("rebuild", {}).items():
        for figure in (
            "postings_per_s",
            "chunks_per_s",
            "build_chunks_per_s",
            "encode_share",
            "peak_rss_mib",
            "seconds",
        ):
            add("rebuild", case, figure, r.get(figure))
    for case, r in sections.get("encode", {}).items():
        add("encode", case, "chunks_per_s", r.get("chunks_per_s"))
        rebuild = sections.get("rebuild", {}).get(case)
        if rebuild and r["chunks_per_s"]["median"]:
            ratio = rebuild["chunks_per_s"]["median"] / r["chunks_per_s"]["median"]
            rows.append(f"| rebuild/encode | {case} | ratio of medians | {ratio:.2f} | | |")
    for case, r in sections.get("incremental", {}).items():
        for figure in ("seconds", "cache_hits", "cache_misses"):
            add("incremental 1%", case, figure, r.get(figure))
    for section in ("query", "http", "memory", "scale"):
        for case, figures in sections.get(section, {}).items():
            if isinstance(figures, dict):
                for figure, s in figures.items():
                    if isinstance(s, dict):
                        add(section, case, figure, s)
    return "\n".join(rows)
