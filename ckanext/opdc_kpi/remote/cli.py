"""``opdc-kpi-remote``: score any CKAN catalog by URL, without CKAN.

    opdc-kpi-remote score URL --org NAME [--year 2565] [--basket FILE]
                    [--format table|json|csv|xlsx] [--output FILE]
    opdc-kpi-remote score --list FILE [--year 2565] [--format ...]
    opdc-kpi-remote harvest-check URL [--org NAME] [--format table|json]

API key: ``--api-key`` or the environment variable ``OPDC_KPI_API_KEY``;
never printed. Exit status: 0 done, 2 bad usage or input file, 3 site
unreachable, 4 not a CKAN catalog, 5 organization not found, 6 other API
error (for ``--list``: the highest of the catalogs').
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import os
import pathlib
import sys
from typing import Any, Sequence

from ckanext.opdc_kpi.remote import assess
from ckanext.opdc_kpi.remote.basket import BasketError, read_basket
from ckanext.opdc_kpi.remote.client import CkanClient, RemoteError
from ckanext.opdc_kpi.scoring.cells import csv_row, xlsx_append
from ckanext.opdc_kpi.scoring.fiscal import parse_year

API_KEY_ENV = "OPDC_KPI_API_KEY"
PARTS = ("basic", "metadata", "catalog", "openness", "use")
SUMMARY_COLUMNS = ("url", "organization", "title", "score", "level", *PARTS, "basket",
                   "public_only", "error")
DATASET_COLUMNS = ("name", "title", "private", "data_category", "complete", "missing",
                   "invalid", "openness_tier", "in_previous_year")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="opdc-kpi-remote",
        description="OPDC Data Catalog KPI of any CKAN catalog, read over its API.")
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--api-key", default=None,
                       help=f"API token (else ${API_KEY_ENV}); without one only public "
                            "datasets are read")
        p.add_argument("--lang", choices=("th", "en"), default="th")
        p.add_argument("--timeout", type=float, default=30.0, help="seconds per request")
        p.add_argument("--retries", type=int, default=3)
        p.add_argument("--workers", type=int, default=4, help="concurrent requests")
        p.add_argument("--quiet", action="store_true", help="no progress on stderr")
        p.add_argument("--output", default=None, help="write here instead of stdout")

    score = sub.add_parser("score", help="KPI score of an organization (or of a list)")
    score.add_argument("url", nargs="?", help="the catalog's URL")
    score.add_argument("--org", help="organization name or id")
    score.add_argument("--list", dest="list_file",
                       help="file of catalogs: one 'URL ORG [BASKET_FILE]' per line")
    score.add_argument("--year", default=None, help="Thai fiscal year (พ.ศ.), default current")
    score.add_argument("--basket", help="Template 1 basket as .csv or .xlsx")
    score.add_argument("--format", dest="fmt", choices=("table", "json", "csv", "xlsx"),
                       default="table")
    common(score)

    check = sub.add_parser("harvest-check",
                           help="what the national GD Catalog harvester would see")
    check.add_argument("url", help="the catalog's URL")
    check.add_argument("--org", help="only this organization")
    check.add_argument("--format", dest="fmt", choices=("table", "json"), default="table")
    common(check)
    return parser


class UsageError(Exception):
    exit_code = 2


def _year(value: str | None) -> int:
    if value is None:
        return assess.current_fiscal_year()
    year = parse_year(value)
    latest = assess.current_fiscal_year() + 1
    if year is None or not 2550 <= year <= latest:
        raise UsageError(f"--year: a Thai fiscal year (พ.ศ.) from 2550 to {latest}, "
                         f"e.g. 2565 (got {value!r})")
    return year


def _client(args: argparse.Namespace, url: str) -> CkanClient:
    key = args.api_key or os.environ.get(API_KEY_ENV) or None
    return CkanClient(url, key, timeout=args.timeout, retries=args.retries,
                      workers=args.workers)


def _progress(args: argparse.Namespace, label: str):
    if args.quiet:
        return None

    def show(done: int, total: int) -> None:
        sys.stderr.write(f"\r{label}: {done}/{total} datasets")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()
    return show


def _summary_row(url: str, report: dict[str, Any] | None, error: str = "") -> dict[str, Any]:
    if report is None:
        return {c: "" for c in SUMMARY_COLUMNS} | {"url": url, "error": error}
    parts = report.get("parts") or {}
    org = report.get("organization") or {}
    row = {"url": url, "organization": org.get("name"), "title": org.get("title"),
           "score": f"{report['score']:.2f}", "level": report.get("level") or "-",
           "basket": report.get("basket", 0), "public_only": report.get("public_only"),
           "error": error}
    for part in PARTS:
        row[part] = f"{(parts.get(part) or {}).get('points', 0):.2f}"
    return row


def _dataset_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for d in report.get("datasets") or []:
        openness = d.get("openness") or {}
        rows.append({"name": d.get("name"), "title": d.get("title"), "private": d.get("private"),
                     "data_category": d.get("data_category"), "complete": d.get("complete"),
                     "missing": ", ".join(d.get("missing") or []),
                     "invalid": "; ".join(f"{k}: {v}" for k, v in (d.get("invalid") or {}).items()),
                     "openness_tier": openness.get("tier", ""),
                     "in_previous_year": d.get("in_previous_year")})
    return rows


def _table(rows: list[dict[str, Any]], columns: Sequence[str]) -> str:
    widths = {c: max([len(c)] + [len(str(r.get(c, ""))) for r in rows]) for c in columns}
    lines = ["  ".join(c.ljust(widths[c]) for c in columns)]
    lines += ["  ".join(str(r.get(c, "")).ljust(widths[c]) for c in columns) for r in rows]
    return "\n".join(lines)


def _csv(rows: list[dict[str, Any]], columns: Sequence[str]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), extrasaction="ignore")
    writer.writeheader()
    writer.writerows(csv_row(row, columns) for row in rows)
    return out.getvalue()


def _xlsx(path: str, sheets: dict[str, tuple[Sequence[str], list[dict[str, Any]]]]) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, (columns, rows) in sheets.items():
        sheet = book.create_sheet(title[:31])
        xlsx_append(sheet, columns)
        for row in rows:
            xlsx_append(sheet, [row.get(c) for c in columns])
    book.save(path)


def _emit(args: argparse.Namespace, text: str) -> None:
    if args.output:
        pathlib.Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _reasons(report: dict[str, Any]) -> list[str]:
    lines = []
    for part in PARTS:
        for reason in (report["parts"].get(part) or {}).get("reasons", []):
            lines.append(f"  {part}: {reason['message']}")
    for warning in report["source"]["warnings"]:
        lines.append(f"  ! {warning}")
    return lines


def _score_one(args: argparse.Namespace, year: int) -> int:
    if not args.url or not args.org:
        raise UsageError("score: give URL and --org NAME (or --list FILE)")
    basket = read_basket(args.basket) if args.basket else None
    client = _client(args, args.url)
    report = assess.score_catalog(client, args.org, year, basket=basket, lang=args.lang,
                                  progress=_progress(args, "reading"))
    summary = [_summary_row(client.url, report)]
    if args.fmt == "json":
        _emit(args, json.dumps(report, ensure_ascii=False, indent=2))
    elif args.fmt == "csv":
        _emit(args, _csv(_dataset_rows(report), DATASET_COLUMNS) + "\n"
              + _csv(summary, SUMMARY_COLUMNS))
    elif args.fmt == "xlsx":
        if not args.output:
            raise UsageError("--format xlsx needs --output FILE.xlsx")
        _xlsx(args.output, {"summary": (SUMMARY_COLUMNS, summary),
                            "datasets": (DATASET_COLUMNS, _dataset_rows(report))})
    else:
        _emit(args, "\n".join([_table(summary, SUMMARY_COLUMNS[1:-1]), *_reasons(report), "",
                               _table(_dataset_rows(report), DATASET_COLUMNS)]))
    return 0


def _score_list(args: argparse.Namespace, year: int) -> int:
    path = pathlib.Path(args.list_file)
    if not path.is_file():
        raise UsageError(f"list file not found: {path}")
    rows, status = [], 0
    lines = [line.split() for line in path.read_text(encoding="utf-8-sig").splitlines()
             if line.strip() and not line.lstrip().startswith("#")]
    for number, parts in enumerate(lines, start=1):
        if len(parts) < 2:
            raise UsageError(f"list file line {number}: 'URL ORG [BASKET_FILE]' expected")
        url, org = parts[0], parts[1]
        if not args.quiet:
            sys.stderr.write(f"[{number}/{len(lines)}] {url} {org}\n")
        try:
            basket = read_basket(path.parent / parts[2]) if len(parts) > 2 else None
            client = _client(args, url)
            report = assess.score_catalog(client, org, year, basket=basket, lang=args.lang)
            rows.append(_summary_row(client.url, report))
        except (RemoteError, BasketError) as error:
            code = getattr(error, "exit_code", 2)
            status = max(status, code)
            rows.append(_summary_row(url, None, str(error)) | {"organization": org})
    if args.fmt == "json":
        _emit(args, json.dumps(rows, ensure_ascii=False, indent=2))
    elif args.fmt == "csv":
        _emit(args, _csv(rows, SUMMARY_COLUMNS))
    elif args.fmt == "xlsx":
        if not args.output:
            raise UsageError("--format xlsx needs --output FILE.xlsx")
        _xlsx(args.output, {"summary": (SUMMARY_COLUMNS, rows)})
    else:
        _emit(args, _table(rows, SUMMARY_COLUMNS))
    return status


def _harvest_check(args: argparse.Namespace) -> int:
    result = assess.harvest_check(_client(args, args.url), args.org, lang=args.lang)
    if args.fmt == "json":
        _emit(args, json.dumps(result, ensure_ascii=False, indent=2))
        return 0
    lines = [f"{result['url']}: {result['seen']} datasets received, paging "
             + ("ok" if result["paging_ok"] else "NOT ok")]
    lines += [f"  paging: {issue['message']}" for issue in result["paging"]]
    for problem in result["problems"]:
        lines.append(f"{problem['name']}:")
        lines += [f"  {issue['field']}: {issue['message']}" for issue in problem["issues"]]
    _emit(args, "\n".join(lines))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "harvest-check":
            return _harvest_check(args)
        year = _year(args.year)
        if args.list_file:
            return _score_list(args, year)
        return _score_one(args, year)
    except (UsageError, BasketError) as error:
        sys.stderr.write(f"opdc-kpi-remote: {error}\n")
        return 2
    except RemoteError as error:
        sys.stderr.write(f"opdc-kpi-remote: {error.message}\n")
        return error.exit_code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
