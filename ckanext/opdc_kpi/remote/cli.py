"""``opdc-kpi-remote``: score any CKAN catalog by URL, without CKAN.

    opdc-kpi-remote score URL --org NAME [--year 2565] [--basket FILE]
                    [--format table|json|csv|xlsx] [--output FILE]
    opdc-kpi-remote score --list FILE [--year 2565] [--format ...]
    opdc-kpi-remote harvest-check URL [--org NAME] [--format table|json]

API key: ``$OPDC_KPI_API_KEY`` (or ``--api-key``) for one catalog; with
``--list`` each line names its own (``key=ENVVAR``) and a common key is
refused. Never printed. Exit status: see ``EPILOG``.
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import os
import pathlib
import re
import sys
from typing import Any, Sequence

from ckanext.opdc_kpi.remote import assess
from ckanext.opdc_kpi.remote.basket import BasketError, read_basket
from ckanext.opdc_kpi.remote.client import CkanClient, Limits, RemoteError
from ckanext.opdc_kpi.scoring.cells import csv_row, xlsx_append
from ckanext.opdc_kpi.scoring.fiscal import parse_year

API_KEY_ENV = "OPDC_KPI_API_KEY"
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# what a terminal may act on: C0 (but tab and newline), DEL, C1, and the
# bidirectional overrides and isolates that reorder what is shown
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e"
                     "\u2066-\u2069]")
_DEFAULTS = Limits()
_LIMIT_LINES = [
    ("--timeout", f"{_DEFAULTS.timeout:g}", "seconds one read or connect may wait"),
    ("--deadline", f"{_DEFAULTS.deadline:g}",
     ("seconds for a whole API call: redirects, retries and\n"
      "their waits included (a server sending one byte every\n"
      "29 s is cut off here, not by --timeout)")),
    ("--max-response-mb", f"{_DEFAULTS.max_bytes // 2**20}", "largest answer read"),
    ("--max-datasets", f"{_DEFAULTS.max_count}", "largest dataset count a listing accepts"),
    ("--max-pages", f"{_DEFAULTS.max_pages}", "pages read per listing"),
]
_LIMITS_HELP = "\n".join(
    f"  {option} {default}".ljust(26) + text.replace("\n", "\n" + " " * 26)
    for option, default, text in _LIMIT_LINES)
EPILOG = f"""\
limits (a catalog is not trusted to behave; over a limit the exit status is 7):
{_LIMITS_HELP}
  and at most {_DEFAULTS.max_redirects} redirects per call.

API key: ${API_KEY_ENV} (or --api-key, which other users see in ps) for
one catalog. With --list each line names its own: 'URL ORG [BASKET] key=ENVVAR'
reads that line's key from the environment variable ENVVAR; a common key
(--api-key or ${API_KEY_ENV}) is refused there, so that no catalog receives
another's key. A key goes only to its catalog: a redirect to another host,
or from https to http, drops it; a key sent over plain http:// gets a warning.

exit status: 0 done; 2 bad usage or input file; 3 site unreachable; 4 not a
CKAN catalog; 5 organization not found; 6 other API error; 7 over a limit
above. With --list: the highest of the catalogs'.
"""
PARTS = ("basic", "metadata", "catalog", "openness", "use")
SUMMARY_COLUMNS = ("url", "organization", "title", "score", "level", *PARTS, "basket",
                   "public_only", "error")
DATASET_COLUMNS = ("name", "title", "private", "data_category", "complete", "missing",
                   "invalid", "openness_tier", "in_previous_year")


def _parser() -> argparse.ArgumentParser:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(
        prog="opdc-kpi-remote", epilog=EPILOG, formatter_class=formatter,
        description="OPDC Data Catalog KPI of any CKAN catalog, read over its API.")
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--api-key", default=None,
                       help=f"API token for this one catalog (better: ${API_KEY_ENV}, which "
                            "ps does not show); without one only public datasets are read; "
                            "not with --list")
        p.add_argument("--lang", choices=("th", "en"), default="th")
        p.add_argument("--timeout", type=_positive(float), default=_DEFAULTS.timeout,
                       help="seconds one read or connect may wait (default: %(default)g)")
        p.add_argument("--deadline", type=_positive(float), default=_DEFAULTS.deadline,
                       help="seconds for a whole API call, redirects, retries and their "
                            "waits included (default: %(default)g)")
        p.add_argument("--max-response-mb", type=_positive(float),
                       default=_DEFAULTS.max_bytes / 2**20,
                       help="largest answer read, in MB (default: %(default)g)")
        p.add_argument("--max-datasets", type=_positive(int), default=_DEFAULTS.max_count,
                       help="largest dataset count a listing accepts (default: %(default)d)")
        p.add_argument("--max-pages", type=_positive(int), default=_DEFAULTS.max_pages,
                       help="pages read per listing (default: %(default)d)")
        p.add_argument("--retries", type=int, default=3)
        p.add_argument("--workers", type=int, default=4, help="concurrent requests")
        p.add_argument("--quiet", action="store_true", help="no progress on stderr")
        p.add_argument("--output", default=None, help="write here instead of stdout")

    score = sub.add_parser("score", help="KPI score of an organization (or of a list)",
                           epilog=EPILOG, formatter_class=formatter)
    score.add_argument("url", nargs="?", help="the catalog's URL")
    score.add_argument("--org", help="organization name or id")
    score.add_argument("--list", dest="list_file",
                       help="file of catalogs: one 'URL ORG [BASKET_FILE] [key=ENVVAR]' "
                            "per line")
    score.add_argument("--year", default=None, help="Thai fiscal year (พ.ศ.), default current")
    score.add_argument("--basket", help="Template 1 basket as .csv or .xlsx")
    score.add_argument("--format", dest="fmt", choices=("table", "json", "csv", "xlsx"),
                       default="table")
    common(score)

    check = sub.add_parser("harvest-check",
                           help="what the national GD Catalog harvester would see",
                           epilog=EPILOG, formatter_class=formatter)
    check.add_argument("url", help="the catalog's URL")
    check.add_argument("--org", help="only this organization")
    check.add_argument("--format", dest="fmt", choices=("table", "json"), default="table")
    common(check)
    return parser


class UsageError(Exception):
    exit_code = 2


def _positive(kind: type):
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if not value > 0:
            raise argparse.ArgumentTypeError(f"must be more than 0: {text!r}")
        return value
    parse.__name__ = kind.__name__
    return parse


def printable(text: Any) -> str:
    """Text as it may reach a terminal: no control characters (escape
    sequences, carriage returns, bells) and no bidirectional overrides;
    tabs and newlines stay."""
    return _UNSAFE.sub("", str(text))


def _cell(value: Any) -> str:
    """One table cell: printable, on one line."""
    return printable("" if value is None else value).replace("\n", " ").replace("\t", " ")


def _json(value: Any) -> str:
    """JSON as text: ``json.dumps`` escapes C0 controls; the others a
    terminal acts on are escaped here (``\\u009b``), so the data stays exact."""
    text = json.dumps(value, ensure_ascii=False, indent=2)
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


def _warn(message: str) -> None:
    sys.stderr.write(printable(f"opdc-kpi-remote: warning: {message}") + "\n")


def _year(value: str | None) -> int:
    if value is None:
        return assess.current_fiscal_year()
    year = parse_year(value)
    latest = assess.current_fiscal_year() + 1
    if year is None or not 2550 <= year <= latest:
        raise UsageError(f"--year: a Thai fiscal year (พ.ศ.) from 2550 to {latest}, "
                         f"e.g. 2565 (got {value!r})")
    return year


def _common_key(args: argparse.Namespace) -> str | None:
    return args.api_key or os.environ.get(API_KEY_ENV) or None


def _client(args: argparse.Namespace, url: str, key: str | None) -> CkanClient:
    limits = Limits(timeout=args.timeout, deadline=args.deadline,
                    max_bytes=int(args.max_response_mb * 2**20), max_count=args.max_datasets,
                    max_pages=args.max_pages)
    return CkanClient(url, key, retries=args.retries, workers=args.workers, limits=limits,
                      warn=_warn)


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
    cells = [{c: _cell(r.get(c, "")) for c in columns} for r in rows]
    widths = {c: max([len(c)] + [len(r[c]) for r in cells]) for c in columns}
    lines = ["  ".join(c.ljust(widths[c]) for c in columns)]
    lines += ["  ".join(r[c].ljust(widths[c]) for c in columns) for r in cells]
    return "\n".join(lines)


def _csv(rows: list[dict[str, Any]], columns: Sequence[str]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), extrasaction="ignore")
    writer.writeheader()
    writer.writerows(csv_row({c: printable(v) if isinstance(v, str) else v
                              for c, v in row.items()}, columns) for row in rows)
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
    """Write the output; every format is made printable before (JSON by
    escaping, CSV and tables by dropping the characters)."""
    if args.output:
        pathlib.Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _reasons(report: dict[str, Any]) -> list[str]:
    lines = []
    for part in PARTS:
        for reason in (report["parts"].get(part) or {}).get("reasons", []):
            lines.append(f"  {part}: {_cell(reason['message'])}")
    for warning in report["source"]["warnings"]:
        lines.append(f"  ! {_cell(warning)}")
    return lines


def _score_one(args: argparse.Namespace, year: int) -> int:
    if not args.url or not args.org:
        raise UsageError("score: give URL and --org NAME (or --list FILE)")
    basket = read_basket(args.basket) if args.basket else None
    client = _client(args, args.url, _common_key(args))
    report = assess.score_catalog(client, args.org, year, basket=basket, lang=args.lang,
                                  progress=_progress(args, "reading"))
    summary = [_summary_row(client.url, report)]
    if args.fmt == "json":
        _emit(args, _json(report))
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


def _list_entries(path: pathlib.Path) -> list[tuple[str, str, str | None, str | None]]:
    """The catalogs of a ``--list`` file: (url, org, basket file, key) per
    line, every line checked before any catalog is called. A line's key is
    named by its environment variable (``key=ENVVAR``), never written in the
    file; an error never shows a key."""
    entries = []
    for number, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), start=1):
        parts = line.split()
        if not parts or parts[0].startswith("#"):
            continue
        keys = [p for p in parts[2:] if p.startswith("key=")]
        rest = [p for p in parts[2:] if not p.startswith("key=")]
        if len(parts) < 2 or len(keys) > 1 or len(rest) > 1:
            raise UsageError(f"list file line {number}: 'URL ORG [BASKET_FILE] "
                             "[key=ENVVAR]' expected")
        key = None
        if keys:
            name = keys[0][len("key="):]
            if not _ENV_NAME.fullmatch(name):
                raise UsageError(f"list file line {number}: key= takes the name of an "
                                 "environment variable that holds the key, not the key itself")
            key = os.environ.get(name) or None
            if key is None:
                raise UsageError(f"list file line {number}: the environment variable {name} "
                                 "(key=) is not set")
        entries.append((parts[0], parts[1], str(path.parent / rest[0]) if rest else None, key))
    return entries


def _score_list(args: argparse.Namespace, year: int) -> int:
    if args.api_key or os.environ.get(API_KEY_ENV):
        raise UsageError(f"--list sends no common key: name each catalog's key on its line "
                         f"(key=ENVVAR) and leave out --api-key and ${API_KEY_ENV}, so that "
                         "no catalog receives another's key")
    path = pathlib.Path(args.list_file)
    if not path.is_file():
        raise UsageError(f"list file not found: {path}")
    entries = _list_entries(path)
    rows, status = [], 0
    for number, (url, org, basket_file, key) in enumerate(entries, start=1):
        if not args.quiet:
            sys.stderr.write(printable(f"[{number}/{len(entries)}] {url} {org}") + "\n")
        try:
            basket = read_basket(basket_file) if basket_file else None
            client = _client(args, url, key)
            report = assess.score_catalog(client, org, year, basket=basket, lang=args.lang)
            rows.append(_summary_row(client.url, report))
        except (RemoteError, BasketError) as error:
            code = getattr(error, "exit_code", 2)
            status = max(status, code)
            rows.append(_summary_row(url, None, str(error)) | {"organization": org})
    if args.fmt == "json":
        _emit(args, _json(rows))
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
    result = assess.harvest_check(_client(args, args.url, _common_key(args)), args.org,
                                  lang=args.lang)
    if args.fmt == "json":
        _emit(args, _json(result))
        return 0
    lines = [f"{_cell(result['url'])}: {result['seen']} datasets received, paging "
             + ("ok" if result["paging_ok"] else "NOT ok")]
    lines += [f"  paging: {_cell(issue['message'])}" for issue in result["paging"]]
    for problem in result["problems"]:
        lines.append(f"{_cell(problem['name'])}:")
        lines += [f"  {_cell(issue['field'])}: {_cell(issue['message'])}"
                  for issue in problem["issues"]]
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
        sys.stderr.write(printable(f"opdc-kpi-remote: {error}") + "\n")
        return 2
    except RemoteError as error:
        sys.stderr.write(printable(f"opdc-kpi-remote: {error.message}") + "\n")
        return error.exit_code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
