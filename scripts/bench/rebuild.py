"""The rebuild side of `jobsearch bench`: whole rebuilds, the model alone, incremental rebuilds.

- rebuild: the eval corpus (4,000 postings) and a slice of the full export, from a cold
  embedding cache: postings/s, chunks/s, the share of the time in the model's encode, peak RSS.
- encode: the model alone on the same chunk texts (same batch size and backend): the ceiling.
- incremental: 1% of the eval postings changed, rebuilt with the caches: seconds, cache hits.

Each run happens in a fresh child process (`python -m scripts.bench --child ...`), so the peak
RSS and the model's warm-up belong to that run alone. The child calls the library's one rebuild
pipeline (`rebuild_records`), so the figures measure what `jobsearch rebuild` runs.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import os
import random
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scripts.bench.paths import REPO, BenchPaths
from scripts.bench.stats import peak_rss_mib, summarize

if TYPE_CHECKING:
    from index.embedding.base import Embedder
    from index.ingest.readers import ReadResult
    from index.settings import Settings

EVAL_NAME = "eval-4000"
Save = Callable[[], None]


@dataclasses.dataclass(frozen=True)
class RebuildPlan:
    """What the rebuild-side sections run on, and how many times."""

    paths: BenchPaths
    corpora: dict[str, Path]  # case name -> posting file
    repeat: int
    eval_repeat: int
    batch_size: int

    def repeats(self, name: str) -> int:
        """The 4,000-posting rebuild is long, so it has its own (smaller) repeat count."""
        return self.eval_repeat if name.startswith("eval") else self.repeat


def plan_corpora(paths: BenchPaths, corpora: list[str], slice_count: int) -> dict[str, Path]:
    """The named inputs of the rebuild and encode sections (the slice is written on first use)."""
    named: dict[str, Path] = {}
    if "eval" in corpora:
        named[EVAL_NAME] = paths.eval_corpus
    if "slice" in corpora:
        named[f"slice-{slice_count}"] = slice_file(paths, slice_count)
    return named


def rebuild_root(work: Path, name: str, backend: str) -> Path:
    """The index root of one rebuild case (the serving sections default to the eval one)."""
    return work / f"rebuild-{name}-{backend}"


def bench_rebuild(
    plan: RebuildPlan, sections: list[str], backends: list[str], out: dict[str, Any], save: Save
) -> None:
    """The encode, rebuild and incremental sections for each backend, saving after each case."""
    for backend in backends:
        if "encode" in sections:
            for name, path in plan.corpora.items():
                params = {"corpus": str(path), "name": name, "work": str(plan.paths.work)}
                runs = [
                    run_child("encode", **params, backend=backend, batch_size=plan.batch_size)
                    for _ in range(plan.repeats(name))
                ]
                out.setdefault("encode", {})[f"{name}/{backend}"] = aggregate(runs)
                save()
        if "rebuild" in sections:
            for name, path in plan.corpora.items():
                runs = [cold_rebuild(plan, name, path, backend) for _ in range(plan.repeats(name))]
                out.setdefault("rebuild", {})[f"{name}/{backend}"] = aggregate(runs)
                save()
        if "incremental" in sections:
            out.setdefault("incremental", {})[f"{EVAL_NAME}/{backend}"] = incremental(plan, backend)
            save()


def cold_rebuild(plan: RebuildPlan, name: str, corpus: Path, backend: str) -> dict[str, Any]:
    """One rebuild into an emptied root: no embedding or understanding cache to help it."""
    root = rebuild_root(plan.paths.work, name, backend)
    shutil.rmtree(root, ignore_errors=True)
    return run_child(
        "rebuild", corpus=str(corpus), root=str(root), backend=backend, batch_size=plan.batch_size
    )


def incremental(plan: RebuildPlan, backend: str) -> dict[str, Any]:
    """The nightly case: yesterday's build of the unchanged corpus fills the caches, then each
    run rebuilds with 1% of the records edited."""
    params = {
        "corpus": str(plan.paths.eval_corpus),
        "root": str(rebuild_root(plan.paths.work, EVAL_NAME, backend)),
        "backend": backend,
        "batch_size": plan.batch_size,
    }
    run_child("rebuild", **params)
    runs = [run_child("rebuild", **params, mutate=0.01, seed=seed) for seed in range(plan.repeat)]
    return aggregate(runs)


def run_child(kind: str, **params: Any) -> dict[str, Any]:
    """One measurement in a fresh process; returns its JSON line. The child inherits the
    working directory (so it reads the same settings) and finds this package on PYTHONPATH."""
    command = [sys.executable, "-m", "scripts.bench", "--child", kind]
    command += ["--child-args", json.dumps(params)]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
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


def slice_file(paths: BenchPaths, count: int) -> Path:
    """The first `count` records of the full export, written once under the work directory."""
    target = paths.work / f"slice-{count}.jsonl.gz"
    if not target.exists():
        paths.work.mkdir(parents=True, exist_ok=True)
        staged = target.with_suffix(".tmp")
        with gzip.open(paths.full_corpus, "rt") as src, gzip.open(staged, "wt") as dst:
            for n, line in enumerate(src):
                if n >= count:
                    break
                dst.write(line)
        staged.rename(target)  # an interrupted copy is never mistaken for the slice
    return target


def run_child_command(kind: str, params: dict[str, Any]) -> dict[str, Any]:
    """The child side of run_child: the settings and the model of this process, one run."""
    from index.embedding.factory import load_embedder
    from index.settings import get_settings

    settings = get_settings()

    def load() -> Embedder:
        return load_embedder(
            settings.model, params["backend"], settings.cache_dir, settings.torch_threads
        )

    if kind == "rebuild":
        return measure_rebuild(params, settings, load)
    return measure_encode(params, settings, load)


def edit_records(read: ReadResult, share: float, seed: int) -> None:
    """Edit `share` of the records as an ATS would change them, with text no earlier run saw
    (so no cache can know it)."""
    rng = random.Random(seed)
    nonce = time.time_ns()
    raws = read.postings
    changed = set(rng.sample(range(len(raws)), round(len(raws) * share)))
    read.postings = [
        dataclasses.replace(r, title=f"{r.title} (revised {nonce})") if i in changed else r
        for i, r in enumerate(raws)
    ]


def measure_rebuild(
    params: dict[str, Any], settings: Settings, load: Callable[[], Embedder]
) -> dict[str, Any]:
    """A whole rebuild as `jobsearch rebuild` does it (read, understand, embed, write, switch),
    with the build options the settings give, keeping one previous build."""
    from index.build.rebuild import BuildOptions, describe_inputs, rebuild_records
    from index.ingest.readers import read_postings
    from index.timing import StageTimer

    corpus = Path(params["corpus"])
    cpu, timer = os.times(), StageTimer()
    with timer.stage("read"):
        read = read_postings([corpus])
        if params.get("mutate"):
            edit_records(read, params["mutate"], params.get("seed", 0))
        inputs = [] if params.get("mutate") else describe_inputs([corpus])
    with timer.stage("load_model"):
        embedder = load()
    options = BuildOptions.from_settings(settings, batch_size=params["batch_size"], keep_builds=1)
    report = rebuild_records(
        read, Path(params["root"]), embedder, options, inputs=inputs, timer=timer
    )
    build, seconds, used = report.build, report.seconds, os.times()
    postings, chunks = len(report.understood.postings), build.manifest.chunks
    return {
        "postings": postings,
        "chunks": chunks,
        "seconds": round(seconds, 2),
        "postings_per_s": round(postings / seconds, 2),
        "chunks_per_s": round(chunks / seconds, 2),
        "build_chunks_per_s": round(chunks / build.seconds, 2),  # build_index alone
        "encode_seconds": round(build.encode_seconds, 2),
        "encode_share": round(build.encode_seconds / seconds, 3),
        "read_understand_seconds": round(timer.seconds["read"] + timer.seconds["understand"], 2),
        "model_load_seconds": round(timer.seconds["load_model"], 2),
        **{f"{k}_seconds": v for k, v in build.stages.items()},
        "cache_hits": build.cache.hits,
        "cache_misses": build.cache.misses,
        "cpu_seconds": round(used.user + used.system - cpu.user - cpu.system, 1),
        "peak_rss_mib": round(peak_rss_mib(), 1),
        "load_average": round(os.getloadavg()[0], 2),
    }


def chunk_texts(corpus: Path, embedder: Embedder, chunk_tokens: int) -> list[str]:
    """The chunk texts a rebuild of `corpus` embeds, chunked as the build chunks them."""
    from index.build.chunking import chunk_posting
    from index.build.understood_cache import understand_all
    from index.ingest.readers import read_postings

    limit = min(chunk_tokens, embedder.max_tokens)
    postings = understand_all(read_postings([corpus]).postings).postings
    return [c.text for p in postings for c in chunk_posting(p, embedder.count_tokens, limit)]


def measure_encode(
    params: dict[str, Any], settings: Settings, load: Callable[[], Embedder]
) -> dict[str, Any]:
    """The model alone over the corpus's chunk texts: the rebuild's ceiling."""
    embedder = load()
    cache = Path(params["work"]) / f"chunks-{params['name']}.json"
    if cache.exists():
        texts = json.loads(cache.read_text())
    else:
        texts = chunk_texts(Path(params["corpus"]), embedder, settings.chunk_tokens)
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
