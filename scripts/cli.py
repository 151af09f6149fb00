"""`jobsearch`: rebuild, search and serve from the command line. Thin: parse, call, print."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from index.errors import JobSearchError
from index.settings import Settings, get_settings

if TYPE_CHECKING:
    from index.build.gates import Gate
    from index.build.rebuild import RebuildReport
    from index.embedding.base import Embedder

MAX_SKIPPED_SHOWN = 20


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["bench"]:  # its options are its own (scripts/bench.py)
        from scripts.bench.main import main as bench_main

        return bench_main(argv[1:])
    try:
        settings = get_settings()
    except JobSearchError as exc:  # a bad or removed setting: say which, no traceback
        print(f"error: {exc}", file=sys.stderr)
        return 2
    parser = _parser(settings)
    args = parser.parse_args(argv)
    try:
        code: int = args.run(args, settings)
        return code
    except JobSearchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


def _parser(settings: Settings) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="jobsearch", description=__doc__)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    rebuild = commands.add_parser(
        "rebuild", help="build a new index from posting files and make it current"
    )
    rebuild.add_argument(
        "paths",
        nargs="+",
        type=Path,
        metavar="PATH",
        help="JSON Lines, Greenhouse, Lever or Ashby files",
    )
    _index_option(rebuild, settings)
    rebuild.add_argument("--batch-size", type=int, default=settings.batch_size)
    rebuild.add_argument("--quiet", action="store_true", help="no progress bars")
    rebuild.add_argument(
        "--index-type",
        choices=["auto", "flat", "ivf-sq8"],
        default=settings.index_type,
        help=f"auto: flat below {settings.ann_min_chunks:,} chunks, ivf-sq8 from there on",
    )
    rebuild.add_argument(
        "--engine",
        choices=["local", "ray"],
        default=settings.engine,
        help="where the rebuild's work runs (understanding, chunking, embedding): this machine, "
        "or Ray (a local one unless --ray-address)",
    )
    rebuild.add_argument(
        "--ray-address", default=settings.ray_address, help="e.g. ray://head:10001"
    )
    rebuild.add_argument(
        "--workers",
        type=int,
        default=0,
        help="processes understanding records, chunking and making rows (default: one per "
        "core; with --engine ray, the cluster's CPUs)",
    )
    rebuild.add_argument(
        "--gate",
        nargs=2,
        type=Path,
        metavar=("QUERIES", "QRELS"),
        help="score the new build on judged queries first; refuse it if nDCG@10 drops",
    )
    rebuild.add_argument(
        "--max-drop",
        type=float,
        default=0.01,
        help="nDCG@10 the new build may lose against the one serving (default 0.01)",
    )
    rebuild.add_argument(
        "--max-shrink",
        type=float,
        default=settings.max_shrink,
        help="share of the serving build's postings the new one may drop before it is kept "
        f"aside (default {settings.max_shrink:g})",
    )
    rebuild.add_argument(
        "--allow-shrink", action="store_true", help="serve the new build however many it drops"
    )
    rebuild.add_argument(
        "--full",
        action="store_true",
        help="build everything again, even when the inputs differ from the serving build's by "
        f"at most {settings.update_max_share:.0%} (JOBSEARCH_UPDATE_MAX_SHARE), which updates it",
    )
    rebuild.add_argument(
        "--all-skipped",
        action="store_true",
        help=f"list every skipped record, not the first {MAX_SKIPPED_SHOWN}",
    )
    rebuild.set_defaults(run=run_rebuild)

    _fetch_parser(commands, settings)

    search = commands.add_parser("search", help="search the current index")
    search.add_argument("query", nargs="?", default="")
    search.add_argument("--team", action="append", default=[])
    search.add_argument("--location", action="append", default=[])
    search.add_argument("--language", action="append", default=[])
    search.add_argument("--level", action="append", default=[], help="e.g. entry, senior")
    search.add_argument(
        "--workplace", action="append", default=[], help="remote, hybrid or on-site"
    )
    search.add_argument("--no-spellcheck", action="store_true", help="search the words as typed")
    search.add_argument("--limit", type=int, default=10)
    search.add_argument("--offset", type=int, default=0)
    search.add_argument("--json", action="store_true", help="print the API's JSON")
    _index_option(search, settings)
    search.set_defaults(run=run_search)

    builds = commands.add_parser("builds", help="list the builds of an index, marking current")
    _index_option(builds, settings)
    builds.set_defaults(run=run_builds)

    switch = commands.add_parser(
        "switch",
        help="point current at a build (shipped to a replica, a rollback, one a gate kept "
        "aside) once it opens and verifies; servers take it on their next reload",
    )
    switch.add_argument("build_id", help="a build id, as `jobsearch builds` lists them")
    _index_option(switch, settings)
    switch.set_defaults(run=run_switch)

    evaluate = commands.add_parser(
        "evaluate", help="score ranking configurations on judged queries"
    )
    evaluate.add_argument("--queries", type=Path, required=True, help="TSV: qid<TAB>query")
    evaluate.add_argument(
        "--qrels",
        type=Path,
        nargs="+",
        required=True,
        help="TREC qrels: qid 0 posting_id grade; several files add up (e.g. your own "
        "judgments of postings a shared set left unjudged)",
    )
    evaluate.add_argument(
        "--config",
        action="append",
        default=[],
        metavar="NAME[:field=value,...]",
        help="a ranking configuration (repeatable): dense, bm25, default, or overrides of the default",
    )
    evaluate.add_argument(
        "--run",
        dest="runs",
        action="append",
        default=[],
        metavar="NAME=FILE",
        help="another system's ranking (JSON: qid -> posting ids, best first), scored beside "
        "the configurations by the same metrics (repeatable)",
    )
    evaluate.add_argument("--markdown", type=Path, help="write the table here as Markdown")
    evaluate.add_argument("--json", type=Path, help="write the scores here as JSON")
    _index_option(evaluate, settings)
    evaluate.set_defaults(run=run_evaluate)

    serve = commands.add_parser("serve", help="serve the HTTP API")
    _index_option(serve, settings)
    serve.add_argument("--host", default=settings.host)
    serve.add_argument("--port", type=int, default=settings.port)
    serve.add_argument(
        "--workers",
        type=int,
        default=settings.workers,
        help="worker processes (they share the memory-mapped index and their metrics)",
    )
    serve.add_argument(
        "--threads",
        type=int,
        default=None,
        help="the model's and BLAS threads per worker (default: the cores / workers)",
    )
    serve.add_argument(
        "--forwarded-allow-ips",
        default=settings.forwarded_allow_ips,
        metavar="IPS",
        help="proxies whose X-Forwarded-For is believed: addresses or networks, comma-separated, "
        "'*' for any, '' for none (default: %(default)s)",
    )
    serve.add_argument(
        "--no-access-log",
        dest="access_log",
        action="store_false",
        help="no line per request (the metrics still count them)",
    )
    serve.set_defaults(run=run_serve)

    synth = commands.add_parser(
        "synth", help="write N postings recombined from real ones (a scale corpus)"
    )
    synth.add_argument("count", type=int, metavar="N", help="postings to write")
    synth.add_argument(
        "--from", dest="source", type=Path, required=True, help="real postings (JSON Lines)"
    )
    synth.add_argument(
        "--out", type=Path, required=True, help="JSON Lines to write (gzipped when .gz)"
    )
    synth.add_argument("--seed", type=int, default=0, help="the same seed writes the same file")
    synth.add_argument(
        "--changed",
        type=float,
        default=0.0,
        metavar="SHARE",
        help="the seed's corpus a day later: this share of it closed and as many new postings "
        "opened (0.01: an incremental rebuild's input)",
    )
    synth.set_defaults(run=run_synth)

    commands.add_parser(  # handled in main(): its options are scripts/bench.py's
        "bench", help="benchmark rebuild, queries, memory and scale (jobsearch bench --help)"
    )
    return parser


def _fetch_parser(commands: Any, settings: Settings) -> None:
    from index.connectors.fetch import PROVIDERS

    fetch = commands.add_parser(
        "fetch", help="download a company's public ATS job board into a file rebuild reads"
    )
    fetch.add_argument("provider", choices=PROVIDERS)
    fetch.add_argument("board", help="the board's name in its ATS, e.g. the company's slug")
    fetch.add_argument("--out", type=Path, required=True, help="the file to write (atomically)")
    fetch.add_argument("--base-url", help="the API's address instead of the provider's own")
    fetch.add_argument("--timeout", type=float, default=settings.fetch_timeout_seconds)
    fetch.add_argument("--retries", type=int, default=settings.fetch_retries)
    fetch.set_defaults(run=run_fetch)


def _index_option(parser: argparse.ArgumentParser, settings: Settings) -> None:
    parser.add_argument(
        "--index",
        type=Path,
        default=settings.index_dir,
        help=f"index root (default {settings.index_dir})",
    )


def run_rebuild(args: argparse.Namespace, settings: Settings) -> int:
    from index.build.gates import all_gates, shrink_gate
    from index.build.rebuild import BuildOptions, rebuild
    from index.embedding.factory import configured_embedder
    from index.errors import NothingToIndexError
    from index.ingest.place_names import PLACES_CACHE, warm_places

    missing = [str(p) for p in args.paths if not p.is_file()]
    if missing:
        print(f"error: no such file: {', '.join(missing)}", file=sys.stderr)
        return 2
    warm_places(settings.cache_dir / PLACES_CACHE)  # before the understanding workers fork
    embedder = configured_embedder(settings)
    engine = None
    if args.engine == "ray":
        from index.build.engine import RayEngine
        from index.embedding.ray import RayEmbedder

        engine = RayEngine(args.ray_address)
        embedder = RayEmbedder(embedder, settings.cache_dir, address=args.ray_address)
    options = BuildOptions.from_settings(
        settings,
        batch_size=args.batch_size,
        index_type=args.index_type,
        progress=not args.quiet and sys.stderr.isatty(),
        workers=args.workers,
        engine=engine,
        update_max_share=0.0 if args.full else settings.update_max_share,
    )
    gate = all_gates(
        None if args.allow_shrink else shrink_gate(args.index, args.max_shrink),
        _eval_gate(args, settings, embedder) if args.gate else None,
    )
    shown = None if args.all_skipped else MAX_SKIPPED_SHOWN
    try:
        report = rebuild(args.paths, args.index, embedder, options, gate)
    except NothingToIndexError as exc:
        print(f"nothing was indexed; the index at {args.index} is unchanged")
        print_skipped(exc.skipped, shown)
        raise
    print_rebuild_report(report, args.index, args.engine, shown)
    return 3 if report.build.refused else 0


def _eval_gate(args: argparse.Namespace, settings: Settings, embedder: Embedder) -> Gate:
    """The --gate check: the new build's nDCG@10 against the serving one's (search.gate)."""
    from index.errors import IndexMismatchError, IndexNotFoundError
    from index.storage.loaded import open_build, open_index
    from search.evaluation import load_qrels, load_queries
    from search.gate import judge_build
    from search.ranking import RankingConfig

    queries, qrels = load_queries(args.gate[0]), load_qrels(args.gate[1])
    config = RankingConfig().with_overrides(**settings.ranking_overrides())

    def gate(build: Path) -> str | None:
        candidate = open_build(build, settings.model, settings.backend)
        try:
            serving = open_index(args.index, settings.model, settings.backend)
        except (IndexNotFoundError, IndexMismatchError):
            serving = None
        verdict = judge_build(candidate, serving, embedder, config, queries, qrels, args.max_drop)
        print(verdict.describe())
        return None if verdict.passed else verdict.describe()

    return gate


def print_skipped(skipped: list[tuple[str, str, str]], shown: int | None) -> None:
    """Every record left out, with its reason; past `shown`, a count per reason."""
    print(f"  skipped        {len(skipped)}")
    for file, where, reason in skipped[:shown]:
        print(f"    - {file + ' ' if file else ''}{where}: {reason}")
    rest = skipped[shown:] if shown is not None else []
    if rest:
        reasons = Counter(_reason_kind(reason) for _, _, reason in rest)
        tally = "; ".join(f"{count} {kind}" for kind, count in reasons.most_common(5))
        print(f"    ... and {len(rest)} more ({tally}); --all-skipped lists them all")


def _reason_kind(reason: str) -> str:
    """A reason without its particulars ("bad JSON: Expecting value at column 3" → "bad JSON")."""
    return reason.split(":", 1)[0].split(" (", 1)[0]


def _workers(count: int, engine: str) -> str:
    if engine == "ray":
        return f"{count} Ray worker{'s' if count > 1 else ''}"
    return f"{count} process{'es' if count > 1 else ''}"


def print_rebuild_report(
    report: RebuildReport, root: Path, engine: str, shown: int | None = MAX_SKIPPED_SHOWN
) -> None:
    read, understood, build, seconds = report.read, report.understood, report.build, report.seconds
    m = build.manifest
    skipped = report.skipped
    if build.refused:
        print(f"index {m.build_id} was built but NOT made current ({build.directory}):")
        print(f"  {build.refused}")
        print("  the build serving stays current")
    else:
        print(f"index {m.build_id} is current at {root} ({build.directory})")
    formats = ", ".join(f"{k}: {v}" for k, v in read.formats.items())
    print(f"  records read   {read.records_read}  ({formats})")
    print(f"  indexed        {m.postings} postings, {m.sections} sections, {m.chunks} chunks")
    if m.update:
        u = m.update
        print(
            f"  updated        build {u['base']}: {u['kept']} postings kept, {u['added']} new "
            f"or changed added, {u['dead']} replaced or removed"
        )
    elif report.full_because:
        print(f"  full build     {report.full_because}")
    parsed = len(understood.postings) - understood.cached - understood.text_cached
    again = understood.text_cached
    reposted = f"; {again} more whose text was read before" if again else ""
    print(
        f"  parsed         {parsed} postings "
        f"({understood.cached} unchanged, from the cache{reposted})"
        f" in {report.understand_seconds:.1f} s,"
        f" {_workers(report.workers, engine)}"
    )
    print(f"  index          {m.index_type}, {m.backend} embeddings, {engine} engine")
    for cut in read.truncated:
        print(f"  cut short      {cut.file} ends at {cut.where}: {cut.reason}")
    print_skipped(skipped, shown)
    if read.duplicates:
        ids = ", ".join(read.duplicates[:5]) + (" ..." if len(read.duplicates) > 5 else "")
        print(f"  duplicate ids  {len(read.duplicates)} (the last record wins): {ids}")
    print(
        f"  embedded       {build.cache.misses} chunks ({build.cache.hits} from the embedding cache)"
    )
    print(
        f"  time           {seconds:.1f} s total, {build.embed_seconds:.1f} s embedding "
        f"({build.encode_seconds:.1f} s in the model, {build.encode_seconds / seconds:.0%})"
    )
    embedded_rate = build.cache.misses / build.embed_seconds if build.embed_seconds else 0.0
    print(
        f"  throughput     {embedded_rate:.1f} chunks/s embedding, {m.chunks / seconds:.1f} chunks/s overall"
    )


def run_fetch(args: argparse.Namespace, settings: Settings) -> int:
    from index.connectors.fetch import FetchPolicy, fetch_board

    policy = FetchPolicy(
        timeout=args.timeout,
        retries=args.retries,
        backoff=settings.fetch_backoff_seconds,
        max_wait=settings.fetch_max_wait_seconds,
    )
    report = fetch_board(args.provider, args.board, args.out, args.base_url, policy)
    tries = f"{report.attempts} {'try' if report.attempts == 1 else 'tries'}"
    print(
        f"fetched {report.postings} postings from {report.provider} board {report.board!r} "
        f"into {report.path} ({report.bytes:,} bytes from {report.url}, {tries})"
    )
    return 0


def run_search(args: argparse.Namespace, settings: Settings) -> int:
    from index.embedding.factory import configured_embedder
    from index.ingest.place_names import PLACES_CACHE, warm_places
    from index.storage.loaded import open_index
    from search.filters import Filters
    from search.location_label import location_label
    from search.ranking import RankingConfig
    from search.service import SearchRequest, SearchService

    warm_places(settings.cache_dir / PLACES_CACHE)
    embedder = configured_embedder(settings)
    service = SearchService(
        embedder,
        open_index(args.index, settings.model, settings.backend),
        RankingConfig().with_overrides(**settings.ranking_overrides()),
    )
    request = SearchRequest(
        args.query,
        Filters(
            tuple(args.team),
            tuple(args.location),
            tuple(args.language),
            tuple(args.level),
            tuple(args.workplace),
        ),
        limit=args.limit,
        offset=args.offset,
        spellcheck=not args.no_spellcheck,
    )
    result = service.search(request)
    if args.json:
        from api.schemas import SearchResponse

        response = SearchResponse.from_result(result, args.limit, args.offset, took_ms=0.0)
        # The API's body, less what means nothing offline (timings, facets, index internals).
        fields = {
            "results",
            "total",
            "exhaustive",
            "limit",
            "offset",
            "query_location",
            "query_workplace",
            "query_level",
            "query_languages",
            "corrected_query",
        }
        print(json.dumps(response.model_dump(include=fields), indent=2, ensure_ascii=False))
        return 0
    print(f"{result.total} matching postings" + ("" if result.exhaustive else " (approximate)"))
    if result.corrected_query:
        print(f"searched for: {result.corrected_query} (--no-spellcheck for the words as typed)")
    if result.query_location:
        print(f"preferring postings in: {', '.join(result.query_location)} (from the query)")
    if result.query_level:
        print(f"preferring {result.query_level}-level postings (from the query)")
    if result.query_languages:
        print(f"preferring postings in {', '.join(result.query_languages)} (from the query)")
    for rank, hit in enumerate(result.hits, start=args.offset + 1):
        p = hit.posting
        score = "" if hit.score is None else f"{hit.score:.3f}  "
        place = location_label(p.location)
        facets = " · ".join(
            x for x in [p.company, p.team or "", place, ", ".join(p.languages)] if x
        )
        print(f"{rank:3}. {score}{p.title}  [{p.id}]")
        print(f"     {facets}")
        if hit.section is not None:
            print(f"     matched: {hit.section or '(intro)'} — {hit.snippet[:160]}")
    return 0


def _read_run(spec: str, queries: dict[str, str]) -> tuple[str, dict[str, list[str]]]:
    """`NAME=FILE` of --run: the name, and each query's ranked ids by its text."""
    name, sep, path = spec.partition("=")
    if not sep or not name or not path:
        raise SystemExit(f"error: --run takes NAME=FILE, got {spec!r}")
    try:
        ranked = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SystemExit(f"error: --run {name}: cannot read {path}: {exc}") from None
    if not isinstance(ranked, dict):
        raise SystemExit(f"error: --run {name}: {path} must map query ids to lists of ids")
    return name, {queries[q]: [str(i) for i in ids] for q, ids in ranked.items() if q in queries}


def run_evaluate(args: argparse.Namespace, settings: Settings) -> int:
    from index.embedding.factory import configured_embedder
    from index.storage.loaded import open_index
    from search.evaluation import (
        evaluate,
        load_qrels,
        load_queries,
        render_markdown,
        reports_to_json,
    )
    from search.ranking import RankingConfig, parse_config
    from search.service import SearchRequest, SearchService

    missing = [str(p) for p in [args.queries, *args.qrels] if not Path(p).is_file()]
    if missing:
        print(f"error: no such file: {', '.join(missing)}", file=sys.stderr)
        return 2
    queries, qrels = load_queries(args.queries), load_qrels(*args.qrels)
    runs = [_read_run(spec, queries) for spec in args.runs]  # a bad one stops before the model
    default = RankingConfig().with_overrides(**settings.ranking_overrides())
    try:
        configs = [
            parse_config(spec, default) for spec in args.config or ["dense", "bm25", "default"]
        ]
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    embedder = configured_embedder(settings)
    service = SearchService(
        embedder, open_index(args.index, settings.model, settings.backend), default
    )
    service.search(SearchRequest("warm up", limit=1))
    reports = []
    for name, config in configs:

        def run(query: str, config: RankingConfig = config) -> tuple[list[str], int]:
            result = service.search(SearchRequest(query, limit=50), config)
            return [h.posting.id for h in result.hits], result.total

        reports.append(evaluate(name, run, queries, qrels))
    for name, ranked_by_query in runs:

        def ranked(query: str, by_query: dict[str, list[str]] = ranked_by_query) -> list[str]:
            return by_query.get(query, [])

        reports.append(evaluate(name, ranked, queries, qrels))
    table = render_markdown(reports)
    print(table)
    if args.markdown:
        args.markdown.write_text(table + "\n", encoding="utf-8")
    if args.json:
        args.json.write_text(
            json.dumps(reports_to_json(reports), indent=2) + "\n", encoding="utf-8"
        )
    return 0


def run_synth(args: argparse.Namespace, settings: Settings) -> int:
    from index.ingest.synth import synthesize

    if not args.source.is_file():
        print(f"error: no such file: {args.source}", file=sys.stderr)
        return 2
    report = synthesize(args.count, args.source, args.out, args.seed, args.changed)
    print(
        f"wrote {report.written:,} postings to {report.path}, recombined from "
        f"{report.sources:,} real ones (seed {args.seed}"
        + (f", {args.changed:.1%} of it changed" if args.changed else "")
        + (f"; {report.skipped_sources} source lines skipped)" if report.skipped_sources else ")")
    )
    return 0


def run_builds(args: argparse.Namespace, settings: Settings) -> int:
    from index.build.promote import list_builds

    for entry in list_builds(args.index):
        mark = "*" if entry.current else " "
        m = entry.manifest
        about = (
            f"{m.postings:>9,} postings {m.chunks:>10,} chunks  built {m.built_at}"
            if m
            else "incomplete (no manifest)"
        )
        print(f"{mark} {entry.directory.name}  {about}")
    return 0


def run_switch(args: argparse.Namespace, settings: Settings) -> int:
    from index.build.promote import promote_build

    manifest = promote_build(args.index, args.build_id, settings.model, settings.backend)
    print(
        f"current is now {manifest.build_id} ({manifest.postings:,} postings); "
        "running servers take it on their next reload (POST /v1/admin/reload or the watcher)"
    )
    return 0


def run_serve(args: argparse.Namespace, settings: Settings) -> int:
    from api.serve import ServeOptions, serve

    if args.workers < 1 or (args.threads is not None and args.threads < 1):
        print("error: --workers and --threads: at least 1", file=sys.stderr)
        return 2
    serve(
        ServeOptions(
            index_dir=args.index,
            host=args.host,
            port=args.port,
            workers=args.workers,
            threads=args.threads,
            forwarded_allow_ips=args.forwarded_allow_ips,
            access_log=args.access_log,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
