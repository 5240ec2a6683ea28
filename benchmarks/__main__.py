"""python -m benchmarks run --paragraphs 200000 | generate DIR --paragraphs N | relevance | wordings | phrasings | shapes | answers
| hostile | load | segments | duplicates | tables | scale"""

from __future__ import annotations

import argparse
from pathlib import Path

from .generate import generate
from .run import run

DEFAULT_OUT = Path(__file__).resolve().parent / "out"


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    commands = parser.add_subparsers(dest="command", required=True)
    bench = commands.add_parser("run", help="index, reindex, search vs SQLite FTS5, memory, size")
    bench.add_argument("--paragraphs", type=int, default=200_000)
    bench.add_argument("--seed", type=int, default=7)
    bench.add_argument("--repeat", type=int, default=5, help="timed repetitions per query (median kept)")
    bench.add_argument("--jobs", type=int, default=None)
    bench.add_argument("--out", type=Path, default=DEFAULT_OUT)
    bench.add_argument("--no-serve", action="store_true", help="skip the serving-process memory measurement")
    bench.add_argument("--peers", default="fts5,tantivy", help="peers to compare with, comma-separated (or none)")
    bench.add_argument(
        "--reuse", action="store_true", help="search the index of an earlier run (keeps its indexing figures)"
    )
    bench.add_argument("--reuse-peers", action="store_true", help="search the peer indexes of an earlier run")
    make = commands.add_parser("generate", help="write a synthetic corpus")
    make.add_argument("target", type=Path)
    make.add_argument("--paragraphs", type=int, default=10_000)
    make.add_argument("--seed", type=int, default=7)
    commands.add_parser("relevance", help="nDCG@10 and recall@20 on the judged query sets, ours vs FTS5 with OR")
    commands.add_parser("wordings", help="the judged queries in users' wordings and without spaces: nDCG@10")
    commands.add_parser("phrasings", help="topics in everyday phrasings: does a question find what its topic finds")
    commands.add_parser("shapes", help="the test reports rewritten as users' copies come: which read differently")
    hostile = commands.add_parser(
        "hostile", help="index each hostile file shape beside the samples; time, memory, outcome"
    )
    hostile.add_argument("--scale", choices=["full", "small"], default="full")
    hostile.add_argument("--out", type=Path, default=DEFAULT_OUT)
    answers = commands.add_parser("answers", help="dump every kind of answer; compare with a saved dump")
    answers.add_argument("--paragraphs", type=int, default=200_000)
    answers.add_argument("--seed", type=int, default=7)
    answers.add_argument("--out", type=Path, default=DEFAULT_OUT)
    answers.add_argument("--save", type=Path, default=None, help="write the answers to this file")
    answers.add_argument("--compare", type=Path, default=None, help="compare with answers saved earlier")
    load = commands.add_parser("load", help="requests per second and latency of a server under 1, 4, 8 clients")
    load.add_argument("--paragraphs", type=int, default=100_000)
    load.add_argument("--seed", type=int, default=7)
    load.add_argument("--seconds", type=float, default=15.0, help="seconds per client level")
    load.add_argument("--clients", default="1,4,8", help="client levels, comma-separated")
    load.add_argument("--workers", type=int, default=None, help="serve --workers (default: serve's own)")
    load.add_argument("--threads", type=int, default=None, help="serve --threads (default: serve's own)")
    load.add_argument("--out", type=Path, default=DEFAULT_OUT)
    merge = commands.add_parser("segments", help="search speed after many incremental runs vs a fresh rebuild")
    merge.add_argument("--paragraphs", type=int, default=100_000)
    merge.add_argument("--runs", type=int, default=50)
    merge.add_argument("--seed", type=int, default=7)
    merge.add_argument("--out", type=Path, default=DEFAULT_OUT)
    near = commands.add_parser("duplicates", help="near-duplicate clustering time vs datasketch paragraph by paragraph")
    near.add_argument("--paragraphs", type=int, default=200_000)
    near.add_argument("--seed", type=int, default=7)
    near.add_argument("--out", type=Path, default=DEFAULT_OUT)
    table = commands.add_parser("tables", help="/check and /indicators at scale, their CSV, common-word searches")
    table.add_argument("--paragraphs", type=int, default=200_000)
    table.add_argument("--seed", type=int, default=7)
    table.add_argument("--out", type=Path, default=DEFAULT_OUT)
    scaling = commands.add_parser("scale", help="growth between the sizes run so far, extrapolated to 8M paragraphs")
    scaling.add_argument("--seed", type=int, default=7)
    scaling.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    if args.command == "scale":
        from .scale import report as scale_report

        scale_report(args.out, args.seed)
        return
    if args.command == "tables":
        import json

        from .tables import tables

        results = tables(args.out, args.paragraphs, args.seed)
        saved = args.out / f"tables-{args.paragraphs}-{args.seed}.json"
        saved.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
        return
    if args.command == "hostile":
        from .hostile import run as hostile_run

        hostile_run(args.scale, args.out)
        return
    if args.command == "answers":
        from .answers import main as answers_main

        raise SystemExit(answers_main(args.out, args.paragraphs, args.seed, args.save, args.compare))
    if args.command == "duplicates":
        from .duplicates import run as duplicates_run

        duplicates_run(args.out, args.paragraphs, args.seed)
    elif args.command == "segments":
        from .segments import run as segments_run

        segments_run(args.out, args.paragraphs, args.runs, args.seed)
    elif args.command == "load":
        from .load import prepare_index
        from .load import run as load_run

        load_run(
            prepare_index(args.out, args.paragraphs, args.seed), [int(c) for c in args.clients.split(",")], args.seconds
        )
    elif args.command == "wordings":
        from .wordings import main as wordings

        wordings()
    elif args.command == "phrasings":
        from .phrasings import main as phrasings

        phrasings()
    elif args.command == "shapes":
        from .shapes import main as shapes

        shapes()
    elif args.command == "relevance":
        from .relevance import main as relevance

        relevance()
    elif args.command == "generate":
        files = generate(args.target, args.paragraphs, args.seed)
        print(f"{len(files)} 份合成报告 → {args.target}")
    else:
        run(
            args.paragraphs,
            args.out,
            seed=args.seed,
            repeat=args.repeat,
            jobs=args.jobs,
            serve=not args.no_serve,
            peers=tuple(name for name in args.peers.split(",") if name and name != "none"),
            reuse=args.reuse,
            reuse_peers=args.reuse_peers,
        )


if __name__ == "__main__":
    main()
