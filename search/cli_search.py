"""``reportsearch index | search | similar | stats``."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable
from contextlib import closing
from pathlib import Path

from search.cli_common import DEFAULT_CORPUS, DEFAULT_INDEX, UsageError, print_json, print_summary, progress_bar
from search.engine import DraftError, Engine
from search.index.listing import corpus_relative
from search.index.lock import IndexBusyError
from search.index.readers import ReadLimits
from search.index.writer import (
    FACETS,
    Summary,
    committed_state,
    derived_saved_for,
    mark_derived_saved,
    update_index,
)
from search.insights.check import CHECK_SORTS
from search.query import FACET_LABELS, IndexMissingError, NotFoundError, QueryError, SearchRequest

LOOSER = (("partial_total", "部分命中"), ("related_total", "相关命中"), ("other_total", "其他命中"))
TIER_HEADINGS = {
    "partial": "部分命中：没有包含全部检索词",
    "related": "相关命中：只包含相关词",
    "other": "其他命中：只包含一部分检索词",
}


def add_commands(commands) -> None:
    index = commands.add_parser("index", help="建立或更新索引（只处理新增、修改和删除的文件）")
    add_reading_options(index)
    index.add_argument(
        "files",
        nargs="*",
        type=Path,
        help="只检查这些报告文件（新增、修改或已删除的，须在报告目录中）；不写则检查整个报告目录",
    )
    index.add_argument("--rebuild", action="store_true", help="丢弃旧索引，全部重建")
    index.add_argument("--json", action="store_true", help="以 JSON 输出汇总")
    index.set_defaults(handler=run_index)

    watch = commands.add_parser(
        "watch", help="监视报告目录：新增、修改或删除的报告自动编入索引（先检查一次整个目录，Ctrl+C 退出）"
    )
    add_reading_options(watch)
    watch.add_argument("--with-parent", type=int, default=None, help=argparse.SUPPRESS)  # serve --watch
    watch.set_defaults(handler=_run_watch, files=[], rebuild=False, json=False)

    search = commands.add_parser("search", help="检索段落")
    search.add_argument("query", nargs="?", default="", help='检索式，例如 法律顾问、"顾问制度"、人民调解 -信访')
    search.add_argument("--index", type=Path, default=DEFAULT_INDEX)
    for name in FACETS:
        search.add_argument(
            f"--{name}",
            action="append",
            default=[],
            metavar=name.upper(),
            help=f"按{FACET_LABELS[name]}筛选，可重复" + ("（2020 或 2020-2022）" if name == "year" else ""),
        )
    search.add_argument("--group-by", choices=["township", "county"], help="按乡镇（或县区）分组，每组取最好的段落")
    search.add_argument("--per-group", type=_positive, default=1, help="分组时每组的段落数（默认 1）")
    search.add_argument("--sort", choices=["relevance", "year", "year_asc"], default="relevance")
    search.add_argument(
        "--mode",
        choices=["expanded", "exact"],
        default="expanded",
        help="expanded（默认）：同时检索叙词表中的同义词，并在完全命中之后列出部分命中和相关命中；exact：只检索输入的词",
    )
    search.add_argument("--limit", type=_positive, default=10, help="每页条数（默认 10）")
    search.add_argument("--page", type=_positive, default=1)
    search.add_argument("--json", action="store_true")
    search.set_defaults(handler=run_search)

    similar = commands.add_parser("similar", help="找其他乡镇报告中与某段落相近的段落")
    similar.add_argument("paragraph_id")
    similar.add_argument("--index", type=Path, default=DEFAULT_INDEX)
    similar.add_argument("--limit", type=_positive, default=10)
    similar.add_argument("--json", action="store_true")
    similar.set_defaults(handler=run_similar)

    check = commands.add_parser("check", help="报告体检：四个必备部分、量化表述、与其他报告雷同的段落")
    check.add_argument("query", nargs="?", default="", help="只检查含这些词的报告（默认全部）")
    check.add_argument("--index", type=Path, default=DEFAULT_INDEX)
    check.add_argument("--file", type=Path, default=None, help="草稿体检：检查这份报告草稿（不加入索引）")
    check.add_argument(
        "--sort-by", default="missing", choices=CHECK_SORTS, help="排序依据（默认 missing：缺少部分多的在前）"
    )
    _add_filter_options(check)
    _add_table_paging(check)
    _add_table_output(check)
    check.set_defaults(handler=run_check)

    duplicates = commands.add_parser("duplicates", help="相同段落：不同报告中几乎相同的段落分组（套话、照抄）")
    duplicates.add_argument("query", nargs="?", default="", help="只看含这些词的段落所在的组（默认全部）")
    duplicates.add_argument("--index", type=Path, default=DEFAULT_INDEX)
    duplicates.add_argument("--reports", type=_positive, default=2, help="至少涉及几份报告（默认 2）")
    duplicates.add_argument("--paragraph", default="", help="只看这个段落所在的组（段落编号）")
    duplicates.add_argument("--limit", type=_positive, default=20, help="每页组数（默认 20，最多 100）")
    duplicates.add_argument("--page", type=_positive, default=1)
    _add_filter_options(duplicates)
    _add_table_output(duplicates)
    duplicates.set_defaults(handler=run_duplicates)

    indicators = commands.add_parser("indicators", help="指标表：每份报告写明的调解件数、成功率、法律顾问人数等")
    indicators.add_argument("query", nargs="?", default="", help="只看含这些词的段落（默认全部）")
    indicators.add_argument("--index", type=Path, default=DEFAULT_INDEX)
    indicators.add_argument("--sort-by", default="", help="按哪个指标排序（默认从大到小）")
    _add_filter_options(indicators)
    _add_table_paging(indicators)
    _add_table_output(indicators)
    indicators.set_defaults(handler=run_indicators)

    stats = commands.add_parser("stats", help="索引概况：报告数、段落数、各分面取值")
    stats.add_argument("--index", type=Path, default=DEFAULT_INDEX)
    stats.add_argument("--json", action="store_true")
    stats.set_defaults(handler=run_stats)


def add_reading_options(command: argparse.ArgumentParser) -> None:
    """The folders and the limits of reading reports, as ``index`` and ``watch`` take them."""
    command.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="报告所在目录（默认 corpus）")
    command.add_argument("--index", type=Path, default=DEFAULT_INDEX, help="索引目录（默认 index）")
    command.add_argument("--jobs", type=_positive, default=None, help="并行读取报告的进程数（默认用满 CPU，最多 2）")
    limits = ReadLimits()
    command.add_argument(
        "--timeout",
        type=_positive,
        default=int(limits.seconds),
        help=f"每个文件最多读多少秒（默认 {limits.seconds:g}）",
    )
    command.add_argument(
        "--max-memory-mb",
        type=_positive,
        default=limits.memory_mb,
        help=f"读一个文件最多占用多少 MB 内存（默认 {limits.memory_mb}）",
    )
    command.add_argument(
        "--max-file-mb", type=_positive, default=limits.file_mb, help=f"大于多少 MB 的文件不读（默认 {limits.file_mb}）"
    )


def _run_watch(args: argparse.Namespace) -> int:
    from search.cli_watch import run_watch

    return run_watch(args, index_files, save_for_servers)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"应为正整数：{text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"应为正整数：{text!r}")
    return value


def run_index(args: argparse.Namespace) -> int:
    if not args.corpus.is_dir():
        raise UsageError(f"报告目录不存在：{args.corpus}")
    if args.files and args.rebuild:
        raise UsageError("--rebuild 会重读整个报告目录：不要同时指定文件")
    for name in args.files:
        try:
            corpus_relative(os.path.abspath(args.corpus), name)
        except ValueError as exc:
            raise UsageError(str(exc)) from exc
    try:
        summary = index_files(args, args.files or None)
    except IndexBusyError as exc:
        raise UsageError(str(exc)) from exc
    if args.json:
        print_json(summary.to_json())
    else:
        print_summary(summary)
    return 1 if summary.failed else 0


def index_files(args: argparse.Namespace, files: list[Path] | None, for_servers: bool = True) -> Summary:
    """One run of the indexer as ``index`` and ``watch`` make it: over ``files`` (None: the whole folder), the
    files read within the limits given, and (``for_servers``) what servers load saved after the commit;
    notices on stderr."""
    interactive = sys.stderr.isatty() and not args.json
    summary = update_index(
        args.corpus,
        args.index,
        rebuild=args.rebuild,
        jobs=args.jobs,
        progress=progress_bar(interactive),
        after_commit=(lambda: save_for_servers(args.index, announce=interactive)) if for_servers else None,
        limits=ReadLimits(seconds=args.timeout, memory_mb=args.max_memory_mb, file_mb=args.max_file_mb),
        files=files,
    )
    for notice in (summary.recovered_lock, summary.recreated):
        if notice:
            print(notice, file=sys.stderr)
    return summary


def save_for_servers(index_dir: Path, announce: bool = False) -> bool:
    """The near-duplicate clusters, each segment's facts and the copy rates of the index just committed, saved
    for every server to load. Nothing, and False, when they were saved for this very state by today's rules: a
    run that found no change loaded the whole state for them (at 8M paragraphs 9 s and 2.2 GB). With
    ``announce``, a line says so first: the changes are searchable already, and this step takes 10 s after one
    changed report at 8M paragraphs and minutes after a rebuild, with nothing else on the screen."""
    state = committed_state(index_dir, Engine.DERIVED_RULES)
    if derived_saved_for(index_dir) == state:
        return False
    if announce:
        print("索引已提交，现在即可检索；正在查找相同段落、保存报告表，供服务直接载入……", file=sys.stderr, flush=True)
    engine = Engine(index_dir)
    try:
        engine.save_derived()
        mark_derived_saved(index_dir, state)
    except OSError as exc:  # the clustering's temporary files: a full disk must not read as a failed index
        print(f"索引已更新，可以检索；但查找相同段落时写临时文件失败（{exc}），服务需要时会再查找一次", file=sys.stderr)
    finally:
        engine.close()
    return True


def _engine(index_dir: Path) -> Engine:
    try:
        return Engine(index_dir)
    except IndexMissingError as exc:
        raise UsageError(str(exc)) from exc


def run_search(args: argparse.Namespace) -> int:
    engine = _engine(args.index)
    filters = {name: getattr(args, name) for name in FACETS if getattr(args, name)}
    request = SearchRequest(
        q=args.query,
        filters=filters,
        sort=args.sort,
        page=args.page,
        limit=args.limit,
        group_by=args.group_by,
        group_size=args.per_group,
        mode=args.mode,
    )
    try:
        result = engine.search(request)
    except QueryError as exc:
        raise UsageError(f"查询有误：{exc}") from exc
    if args.json:
        print_json(result)
        return 0
    print(f"共 {result['total']} 个段落（{result['seconds'] * 1000:.0f} 毫秒）", end="")
    looser = [f"{label} {result[key]} 个" for key, label in LOOSER if result[key]]
    if looser:
        print(f"；另有{'、'.join(looser)}", end="")
    print()
    if result["did_you_mean"]:
        print(f"您是不是要找：{result['did_you_mean']['q']}（{result['did_you_mean']['total']} 个段落）")
    if ranking := result.get("indicator_ranking"):
        print(f"按数字比较：reportsearch indicators --sort-by {ranking['indicator']} --order {ranking['order']}")
    tier = "all"
    for number, hit in enumerate(result["hits"], (args.page - 1) * args.limit + 1):
        if hit["tier"] != tier:
            tier = hit["tier"]
            print(f"\n—— {TIER_HEADINGS[tier]} ——")
        place = " ".join(filter(None, [hit["province"], hit["county"], hit["township"]]))
        print(f"\n{number}. {place} {hit['year'] or ''} · {hit['part']} · {' › '.join(hit['section'])}")
        print(f"   {_plain(hit['snippet'])}")
        print(f"   [{hit['id']}]{'  ' + hit['why'] if hit['why'] else ''}")
    if result["related_terms"]:
        print(f"\n相关词：{'  '.join(result['related_terms'])}", end="")
    for name in FACETS:
        values = result["facets"][name]
        if values:
            shown = "  ".join(f"{v['value']}({v['count']})" for v in values[:8])
            print(f"\n{FACET_LABELS[name]}：{shown}", end="")
    print()
    return 0


def _plain(snippet_html: str) -> str:
    """Terminal form of a snippet: marks become 【】, entities are unescaped."""
    from html import unescape

    return unescape(snippet_html.replace("<mark>", "【").replace("</mark>", "】"))


def run_similar(args: argparse.Namespace) -> int:
    engine = _engine(args.index)
    try:
        result = engine.similar(args.paragraph_id, args.limit)
    except NotFoundError as exc:
        raise UsageError(str(exc)) from exc
    if args.json:
        print_json(result)
        return 0
    source = result["source"]
    print(f"与 {source['township']} 的段落相近（{source['text'][:40]}…）：")
    for number, hit in enumerate(result["hits"], 1):
        print(
            f"\n{number}. {hit['township']} {hit['year'] or ''} · {' › '.join(hit['section'])}\n   "
            f"{hit['text'][:120]}\n   [{hit['id']}]"
        )
    return 0


def run_check(args: argparse.Namespace) -> int:
    engine = _engine(args.index)
    if args.file is not None:
        return _check_draft(engine, args)
    request = _table_request(args)
    try:
        if args.csv:
            with closing(engine.check_export(request, args.sort_by, args.order == "desc")) as export:
                _print_csv(export.header, export)
            return 0
        result = engine.check(request, args.sort_by, args.order == "desc")
    except QueryError as exc:
        raise UsageError(f"查询有误：{exc}") from exc
    if args.json:
        print_json(result)
        return 0
    print(
        f"共 {result['total']} 份报告；缺少必备部分的 {result['missing_parts']} 份，"
        f"有与其他报告雷同段落的 {result['with_copies']} 份；第 {result['page']}/{result['pages']} 页"
    )
    for part, count in result["missing_by_part"].items():
        print(f"   缺少“{part}”：{count} 份")
    for r in result["reports"]:
        print(
            f"\n{r['township'] or r['county'] or '未知'} {r['year'] or ''} · {r['county']} · {r['paragraphs']} 段 · "
            f"量化表述 {r['quantified']} 处 · 雷同段落 {r['copied_paragraphs']} 段"
            f"（与其他乡镇雷同 {r['copied_from_others']:.0%}，与本乡镇往年相同 {r['copied_from_own']:.0%}）"
        )
        mentioned = "、".join(r["mentioned"])
        print(f"   缺少：{'、'.join(r['missing']) or '无'}" + (f"（正文中提及：{mentioned}）" if mentioned else ""))
        for other in r["same_report_files"]:
            print(f"   同一份报告的另一个文件：{other['path']}（{other['paragraphs']} 段相同，未算作雷同）")
    return 0


def _check_draft(engine: Engine, args: argparse.Namespace) -> int:
    """草稿体检 of one file: parts, indicators, near copies and what other townships wrote."""
    if not args.file.is_file():
        raise UsageError(f"文件不存在：{args.file}")
    try:
        result = engine.check_draft(args.file)
    except DraftError as exc:
        print(f"{args.file}: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print_json({"file": str(args.file), **result})
        return 0
    share = result["copied_share"]
    print(f"{result['title'] or args.file.name}（{result['paragraphs']} 段，{result['chars']} 字）")
    for part in result["parts"]:
        status = {"present": "有", "mentioned": "缺（正文提到）", "missing": "缺"}[part["status"]]
        print(
            f"   {part['part']}：{status}"
            + (f"，{part['paragraphs']} 段 {part['chars']} 字" if part["paragraphs"] else "")
        )
    stated = "、".join(f"{v['indicator']} {v['value']}" for v in result["indicators"]["stated"]) or "无"
    print(f"写明的指标：{stated}")
    usual = result["indicators"]["usually_stated_but_missing"]
    if usual:
        print(
            f"{result['indicators']['compared_with']}多数报告写明而本稿没有的：{'、'.join(u['indicator'] for u in usual)}"
        )
    print(f"与其他乡镇报告几乎相同：{share['other_townships']:.0%}；与本乡镇往年报告相同：{share['own_township']:.0%}")
    for copy in result["copies"]:
        source = copy["sources"][0]
        numbers = "、".join(str(part["paragraph"]) for part in copy["sources"]) if copy["stitched"] else ""
        print(
            f"   第 {copy['paragraph']} 段 ≈ {source['township'] or '未知'} {source['year'] or ''} "
            + (f"第 {numbers} 段拼合" if numbers else f"第 {source['paragraph']} 段")
            + f"（{source['similarity']:.0%}）[{source['id']}]"
        )
    return 0


def _table_request(args: argparse.Namespace) -> SearchRequest:
    return SearchRequest(q=args.query, filters=_filters(args), page=args.page, limit=args.limit)


def run_duplicates(args: argparse.Namespace) -> int:
    engine = _engine(args.index)
    request = SearchRequest(q=args.query, filters=_filters(args), page=args.page, limit=args.limit)
    try:
        result = engine.duplicates(request, min_reports=args.reports, paragraph_id=args.paragraph)
    except (QueryError, NotFoundError) as exc:
        raise UsageError(str(exc)) from exc
    if args.json:
        print_json(result)
        return 0
    if args.csv:
        from search.insights.duplicates import DUPLICATE_COLUMNS, duplicate_rows

        _print_csv(DUPLICATE_COLUMNS, duplicate_rows(result))
        return 0
    print(
        f"共 {result['total']} 组几乎相同的段落（相似度 ≥ {result['threshold']:.0%}），涉及 {result['paragraphs']} 个段落"
    )
    for number, cluster in enumerate(result["clusters"], (result["page"] - 1) * result["limit"] + 1):
        print(f"\n{number}. {cluster['reports']} 份报告、{cluster['paragraphs']} 段：{cluster['text'][:80]}")
        for m in cluster["members"]:
            print(
                f"   {m['township'] or '未知'} {m['year'] or ''} 第 {m['paragraph']} 段 {m['similarity']:.0%}  [{m['id']}]"
            )
    return 0


def run_indicators(args: argparse.Namespace) -> int:
    engine = _engine(args.index)
    request = _table_request(args)
    try:
        if args.csv:
            with closing(engine.indicators_export(request, args.sort_by, args.order == "desc")) as export:
                _print_csv(export.header, export)
            return 0
        result = engine.indicators(request, args.sort_by, args.order == "desc")
    except QueryError as exc:
        raise UsageError(f"查询有误：{exc}") from exc
    if args.json:
        print_json(result)
        return 0
    left_out = result["same_report_files_left_out"]
    repeated = f"（另有 {left_out} 个文件是同一份报告的重复文件，未列入）" if left_out else ""
    print(f"共 {result['total']} 份报告{repeated}，{result['values']} 个值；第 {result['page']}/{result['pages']} 页")
    for r in result["reports"]:
        cells = "  ".join(f"{name} {cell['value']}" for name, cell in r["cells"].items())
        print(f"\n{r['township'] or r['county'] or '未知'} {r['year'] or ''}：{cells or '（没有写明的指标）'}")
    return 0


def _add_filter_options(parser: argparse.ArgumentParser) -> None:
    for name in FACETS:
        parser.add_argument(
            f"--{name}", action="append", default=[], metavar=name.upper(), help=f"按{FACET_LABELS[name]}筛选"
        )


def _add_table_paging(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--order", choices=("desc", "asc"), default="desc", help="desc 从大到小（默认），asc 从小到大")
    parser.add_argument("--page", type=_positive, default=1)
    parser.add_argument("--limit", type=_positive, default=50, help="每页几份报告（默认 50，最多 200；--csv 输出全部）")


def _add_table_output(parser: argparse.ArgumentParser) -> None:
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true")
    output.add_argument("--csv", action="store_true", help="输出 CSV（UTF-8 带 BOM，Excel 可直接打开）")


def _filters(args: argparse.Namespace) -> dict[str, list[str]]:
    return {name: getattr(args, name) for name in FACETS if getattr(args, name)}


def _print_csv(header: list[str], rows: Iterable[list]) -> None:
    """A table on stdout as Excel opens it: UTF-8 with BOM, formulas defused."""
    from search.query import csv_chunks

    for chunk in csv_chunks(header, rows):
        sys.stdout.write(chunk)


def run_stats(args: argparse.Namespace) -> int:
    stats = _engine(args.index).stats()
    if args.json:
        print_json(stats)
        return 0
    print(
        f"报告 {stats['reports']} 份，段落 {stats['paragraphs']} 个，索引 {stats['index_bytes'] / 1e6:.1f} MB，"
        f"最近更新 {stats['last_indexed'] or '未知'}"
    )
    for name in FACETS:
        values = "  ".join(f"{v['value']}({v['count']})" for v in stats["facets"][name])
        print(f"{FACET_LABELS[name]}：{values}")
    if stats["stale"]:
        print(f"索引中的版本早于文件（上次更新时无法读取，保留之前的版本）{len(stats['stale'])} 份：")
        for item in stats["stale"]:
            print(f"  {item['path']}：{item['error']}")
    return 0
