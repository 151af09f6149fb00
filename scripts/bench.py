"""`jobsearch bench`: how fast the rebuild and the queries are on this machine, honestly measured.

    jobsearch bench [--sections rebuild,encode,incremental,query,http,memory,scale]
                    [--backend B]... [--repeat 3] [--out bench-results/bench.json]

A benchmark suite, not a test: it asserts nothing. Every figure is the median of repeated runs
with min and max (the machine has 2 cores, often shared: compare medians, read the load average
in the JSON). Rebuilds and model runs happen in child processes, so each has its own peak RSS.

- rebuild: ../shared/corpus/eval-postings.jsonl.gz (4,000 postings) and a slice of
  postings.jsonl.gz, from a cold embedding cache: postings/s, chunks/s, the share of the time in
  the model's encode, peak RSS.
- encode: the model alone on the same chunk texts (same batch size and backend): the ceiling.
- incremental: 1% of the 4,000 postings changed, rebuilt with the cache: seconds, cache hits.
- query / http / memory: scripts/bench_serving.py; scale: scripts/bench_scale.py.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import gzip
import json
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scripts.bench_stats import machine, peak_rss_mib, summarize  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
WORK = REPO / "var" / "bench"
SECTIONS = ("rebuild", "encode", "incremental", "query", "http", "memory", "scale")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="jobsearch bench", description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--sections", default=",".join(SECTIONS))
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
    parser.add_argument("--seconds", type=float, default=20.0, help="per HTTP throughput run")
    parser.add_argument("--out", type=Path, default=REPO / "bench-results" / "bench.json")
    parser.add_argument("--child", choices=["rebuild", "encode"], help=argparse.SUPPRESS)
    parser.add_argument("--child-args", default="{}", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child = child_rebuild if args.child == "rebuild" else child_encode
        print(json.dumps(child(json.loads(args.child_args))))
        return 0

    from index.settings import get_settings

    settings = get_settings()
    backends = args.backend or [settings.backend]
    sections = [s.strip() for s in args.sections.split(",") if s.strip()]
    results: dict[str, Any] = {"machine": machine(), "command": " ".join(sys.argv), "sections": {}}
    WORK.mkdir(parents=True, exist_ok=True)
    corpora: dict[str, Path] = {}
    if "eval" in args.corpora:
        corpora["eval-4000"] = CORPUS / "eval-postings.jsonl.gz"
    if "slice" in args.corpora:
        corpora[f"slice-{args.slice}"] = slice_file(args.slice)

    def save() -> None:
        results["machine"]["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=2) + "\n")

    out = results["sections"]
    for backend in backends:
        if "encode" in sections:
            for name, path in corpora.items():
                repeat = args.eval_repeat if name.startswith("eval") else args.repeat
                runs = [
                    run_child(
                        "encode",
                        corpus=str(path),
                        name=name,
                        backend=backend,
                        batch_size=args.batch_size,
                    )
                    for _ in range(repeat)
                ]
                out.setdefault("encode", {})[f"{name}/{backend}"] = aggregate(runs)
                save()
        if "rebuild" in sections:
            for name, path in corpora.items():
                repeat = args.eval_repeat if name.startswith("eval") else args.repeat
                runs = []
                for _ in range(repeat):
                    root = WORK / f"rebuild-{name}-{backend}"
                    shutil.rmtree(root, ignore_errors=True)  # a cold embedding cache
                    runs.append(
                        run_child(
                            "rebuild",
                            corpus=str(path),
                            root=str(root),
                            backend=backend,
                            batch_size=args.batch_size,
                        )
                    )
                out.setdefault("rebuild", {})[f"{name}/{backend}"] = aggregate(runs)
                save()
        if "incremental" in sections:
            root = WORK / f"rebuild-eval-4000-{backend}"
            incremental = functools.partial(
                run_child,
                "rebuild",
                corpus=str(CORPUS / "eval-postings.jsonl.gz"),
                root=str(root),
                backend=backend,
                batch_size=args.batch_size,
            )
            incremental()  # the previous (nightly) build of the unchanged corpus fills the caches
            runs = [incremental(mutate=0.01, seed=seed) for seed in range(args.repeat)]
            out.setdefault("incremental", {})[f"eval-4000/{backend}"] = aggregate(runs)
            save()
    index = args.index or WORK / f"rebuild-eval-4000-{backends[0]}"
    serving = [s for s in ("query", "http", "memory") if s in sections]
    if serving:
        from scripts.bench_serving import bench_serving

        out.update(bench_serving(index, serving, args.repeat, args.seconds))
        save()
    if "scale" in sections:
        from scripts.bench_scale import bench_scale

        sizes = [int(s) for s in args.scale_sizes.split(",") if s]

        def save_scale(part: dict[str, Any]) -> None:
            out["scale"] = part
            save()

        out["scale"] = bench_scale(sizes, args.repeat, WORK / "synthetic", save_partial=save_scale)
        save()
    save()
    print(render_table(results))
    print(f"\nwritten: {args.out}")
    return 0


def run_child(kind: str, **params: Any) -> dict[str, Any]:
    """One measurement in a fresh process; returns its JSON line."""
    command = [
        sys.executable,
        str(Path(__file__)),
        "--child",
        kind,
        "--child-args",
        json.dumps(params),
    ]
    done = subprocess.run(command, capture_output=True, text=True, cwd=REPO, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"bench child {kind} failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def aggregate(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Median/min/max of every numeric figure over the runs, plus the raw runs."""
    summary: dict[str, Any] = {}
    for key, value in runs[0].items():
        if isinstance(value, int | float) and not isinstance(value, bool):
            summary[key] = summarize([float(r[key]) for r in runs])
    summary["raw"] = runs
    return summary


def slice_file(count: int) -> Path:
    """The first `count` records of postings.jsonl.gz, written once under var/bench."""
    target = WORK / f"slice-{count}.jsonl.gz"
    if not target.exists():
        WORK.mkdir(parents=True, exist_ok=True)
        with gzip.open(CORPUS / "postings.jsonl.gz", "rt") as src, gzip.open(target, "wt") as dst:
            for n, line in enumerate(src):
                if n >= count:
                    break
                dst.write(line)
    return target


def load_chunks(corpus: Path, embedder: Any) -> tuple[list[Any], list[str], float]:
    from index.build.caches import understand_all
    from index.build.chunking import chunk_posting
    from index.ingest.readers import read_postings

    started = time.perf_counter()
    postings = understand_all(read_postings([corpus]).postings).postings
    texts = [c.text for p in postings for c in chunk_posting(p, embedder.count_tokens, 128)]
    return postings, texts, time.perf_counter() - started


def child_rebuild(params: dict[str, Any]) -> dict[str, Any]:
    """A whole rebuild as `jobsearch rebuild` does it: read, understand, embed, write, switch."""
    from index.build.caches import UNDERSTOOD_CACHE_FILE, understand_all
    from index.build.rebuild import build_index
    from index.embedding.factory import load_embedder
    from index.ingest.readers import read_postings
    from index.settings import get_settings

    settings = get_settings()
    cpu, started = os.times(), time.perf_counter()
    raws = read_postings([Path(params["corpus"])]).postings
    if params.get("mutate"):  # records edited in the export, as an ATS would change them
        rng = random.Random(params.get("seed", 0))
        nonce = time.time_ns()  # text no earlier run saw, so no cache can know it
        changed = set(rng.sample(range(len(raws)), round(len(raws) * params["mutate"])))
        raws = [
            dataclasses.replace(r, title=f"{r.title} (revised {nonce})") if i in changed else r
            for i, r in enumerate(raws)
        ]
    root = Path(params["root"])
    root.mkdir(parents=True, exist_ok=True)
    postings = understand_all(raws, cache=root / UNDERSTOOD_CACHE_FILE).postings
    read_seconds = time.perf_counter() - started
    embedder = load_embedder(
        settings.model, params["backend"], settings.cache_dir, settings.torch_threads
    )
    load_seconds = time.perf_counter() - started - read_seconds
    report = build_index(
        postings,
        embedder,
        Path(params["root"]),
        batch_size=params["batch_size"],
        chunk_tokens=settings.chunk_tokens,
        keep_builds=1,
    )
    seconds = time.perf_counter() - started
    used = os.times()
    chunks = report.manifest.chunks
    return {
        "postings": len(postings),
        "chunks": chunks,
        "seconds": round(seconds, 2),
        "postings_per_s": round(len(postings) / seconds, 2),
        "chunks_per_s": round(chunks / seconds, 2),
        "build_chunks_per_s": round(chunks / report.seconds, 2),  # build_index alone
        "encode_seconds": round(report.encode_seconds, 2),
        "encode_share": round(report.encode_seconds / seconds, 3),
        "read_understand_seconds": round(read_seconds, 2),
        "model_load_seconds": round(load_seconds, 2),
        **{f"{k}_seconds": v for k, v in report.stages.items()},
        "cache_hits": report.cache.hits,
        "cache_misses": report.cache.misses,
        "cpu_seconds": round(used.user + used.system - cpu.user - cpu.system, 1),
        "peak_rss_mib": round(peak_rss_mib(), 1),
        "load_average": round(os.getloadavg()[0], 2),
    }


def child_encode(params: dict[str, Any]) -> dict[str, Any]:
    """The model alone over the corpus's chunk texts: the rebuild's ceiling."""
    from index.embedding.factory import load_embedder
    from index.settings import get_settings

    settings = get_settings()
    embedder = load_embedder(
        settings.model, params["backend"], settings.cache_dir, settings.torch_threads
    )
    cache = WORK / f"chunks-{params['name']}.json"
    if cache.exists():
        texts = json.loads(cache.read_text())
    else:
        _, texts, _ = load_chunks(Path(params["corpus"]), embedder)
        cache.write_text(json.dumps(texts))
    embedder.embed_documents(texts[:64], batch_size=params["batch_size"])  # warm up
    cpu, started = os.times(), time.perf_counter()
    embedder.embed_documents(texts, batch_size=params["batch_size"])
    seconds = time.perf_counter() - started
    used = os.times()
    cpu_seconds = used.user + used.system - cpu.user - cpu.system
    return {
        "chunks": len(texts),
        "seconds": round(seconds, 2),
        "chunks_per_s": round(len(texts) / seconds, 2),
        "chunks_per_cpu_s": round(len(texts) / cpu_seconds, 2),
        "peak_rss_mib": round(peak_rss_mib(), 1),
        "load_average": round(os.getloadavg()[0], 2),
    }


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


if __name__ == "__main__":
    sys.exit(main())
