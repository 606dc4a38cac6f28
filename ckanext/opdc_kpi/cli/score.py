"""``ckan -c <ini> opdc-kpi score|freeze``: KPI scores and frozen results
(they call ``opdc_kpi_score`` and ``opdc_kpi_snapshot_create``)."""
from __future__ import annotations

import json
from typing import Any

import click

import ckan.plugins.toolkit as tk

from ckanext.opdc_kpi import scoring
from ckanext.opdc_kpi.cli.base import action_errors, echo_csv, site_context

_ROW_COLUMNS = ("organization", "title", "score", "level", "basic", "metadata", "catalog",
                "openness", "use", "basket")


def _flat_row(row: dict[str, Any]) -> dict[str, Any]:
    parts = row.get("parts") or {}
    org = row.get("organization") or {}
    flat = {"organization": org.get("name"), "title": org.get("title"),
            "score": f"{row['score']:.2f}", "level": row.get("level") or "-",
            "basket": row.get("basket", 0)}
    for part in ("basic", "metadata", "catalog", "openness", "use"):
        value = parts.get(part, 0)
        points = value.get("points", 0) if isinstance(value, dict) else value
        flat[part] = f"{points:.2f}"
    return flat


def _table(rows: list[dict[str, Any]]) -> str:
    widths = {c: max([len(c)] + [len(str(r[c])) for r in rows]) for c in _ROW_COLUMNS}
    lines = ["  ".join(c.ljust(widths[c]) for c in _ROW_COLUMNS)]
    lines += ["  ".join(str(r[c]).ljust(widths[c]) for c in _ROW_COLUMNS) for r in rows]
    return "\n".join(lines)


def _reasons(report: dict[str, Any]) -> list[str]:
    lines = []
    for reason in (report["parts"].get("basic") or {}).get("reasons", []):
        lines.append(f"  basic: [{reason['code']}] {reason['message']}")
    for dataset in report.get("datasets", []):
        problems = list(dataset.get("missing") or []) + list((dataset.get("invalid") or {}))
        if problems:
            lines.append(f"  {dataset['name']}: {', '.join(problems)}")
    return lines


@click.command()
@click.option("--org", "org", default=None, help="Organization name or id (default: all).")
@click.option("--year", "fiscal_year", type=int, default=None,
              help="Thai fiscal year (พ.ศ.), default: the current one.")
@click.option("--public-only", is_flag=True, help="Score only what the public API shows.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table")
def score(org: str | None, fiscal_year: int | None, public_only: bool, fmt: str):
    """KPI scores: one organization's report, or a row per organization."""
    context = site_context()
    params: dict[str, Any] = {"public_only": public_only}
    if fiscal_year is not None:
        params["fiscal_year"] = fiscal_year
    with action_errors(org):
        if org:
            reports = [tk.get_action("opdc_kpi_score")(dict(context), dict(params, id=org))]
        else:
            names = tk.get_action("organization_list")(dict(context), {"all_fields": False})
            reports = []
            with click.progressbar(names, label="Scoring organizations", file=click.get_text_stream("stderr")) as bar:
                for name in bar:
                    reports.append(tk.get_action("opdc_kpi_score")(dict(context), dict(params, id=name)))
    if fmt == "json":
        payload = reports[0] if org else {
            "fiscal_year": reports[0]["fiscal_year"] if reports else fiscal_year,
            "organizations": [score_row_of(report) for report in reports]}
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    rows = [_flat_row(score_row_of(report)) for report in reports]
    if fmt == "csv":
        echo_csv(rows, _ROW_COLUMNS)
        return
    click.echo(_table(rows))
    if org:
        click.echo("\n".join(_reasons(reports[0])))


@click.command()
@click.option("--year", "fiscal_year", type=int, required=True,
              help="Thai fiscal year (พ.ศ.) to freeze.")
@click.option("--org", default=None, help="Only this organization (default: all).")
def freeze(fiscal_year: int, org: str | None):
    """Freeze the KPI results of a fiscal year (at the deadline; cron-friendly)."""
    data: dict[str, Any] = {"fiscal_year": fiscal_year}
    if org:
        data["id"] = org
    with action_errors(org):
        result = tk.get_action("opdc_kpi_snapshot_create")(site_context(), data)
    for snap in result["snapshots"]:
        click.echo(f"{snap['organization']['name']}: {snap['score']:.2f} frozen")
    click.echo(f"{len(result['snapshots'])} organizations frozen for {fiscal_year}")


def score_row_of(report: dict[str, Any]) -> dict[str, Any]:
    return scoring.score_row(report)
