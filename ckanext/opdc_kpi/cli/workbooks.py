"""``ckan opdc-kpi import|export|validate``: the OPDC/NSO workbook
(Template 2 and 3) and bulk re-validation."""
from __future__ import annotations

import json
import click

import ckan.plugins.toolkit as tk

from ckanext.opdc_kpi.cli.base import action_errors, echo_csv, progress_bar, site_context
from ckanext.opdc_kpi.excel.workbook import WorkbookError, read_workbook
from ckanext.opdc_kpi.excel.writer import write_workbook
from ckanext.opdc_kpi.logic import workbooks


@click.command(name="import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--org", required=True, help="Organization name or id to import into.")
@click.option("--dry-run", is_flag=True, help="Validate every row; write nothing.")
@click.option("--focus-area", default=None, help="Focus area code for rows without one.")
@click.option("--year", "kpi_year", type=int, default=None,
              help="Assessment year (พ.ศ.) for rows without kpi_years.")
@click.option("--mission", default=None, help="Mission (ภารกิจ) for rows without one.")
@click.option("--work-process", default=None, help="Work process for rows without one.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.option("--workers", type=int, default=None,
              help="Processes writing at once (default: ckanext.opdc_kpi.import_workers; "
                   "0: one per CPU core, at most 4).")
def import_(path: str, org: str, dry_run: bool, focus_area: str | None, kpi_year: int | None,
            mission: str | None, work_process: str | None, fmt: str, workers: int | None):
    """Import a Template 2/3 workbook (.xlsx): create or update datasets."""
    try:
        workbook = read_workbook(path, budget=workbooks.budget())
    except WorkbookError as error:   # refused before anything is written
        tk.error_shout(f"{path}: {error.message_en}\n{path}: {error.message_th}")
        raise click.Abort()
    defaults = {"focus_area": focus_area, "kpi_years": [kpi_year] if kpi_year else None,
                "mission": mission, "work_process": work_process}
    with action_errors(org):
        results = workbooks.import_workbook(
            site_context(), workbook, org=org, defaults=defaults, dry_run=dry_run,
            progress=progress_bar("Importing"), workers=workers)
    if fmt == "json":
        click.echo(json.dumps(results, ensure_ascii=False, indent=2))
    else:
        for r in results:
            if r["action"] == "error":
                for e in r["errors"]:
                    click.echo(f"{r['sheet']} แถว {r['row']} {r['code'] or ''} "
                               f"[{e['field']}] {e['message']}")
        counts = {a: sum(1 for r in results if r["action"] == a)
                  for a in ("create", "update", "error")}
        verb = "would be" if dry_run else "were"
        click.echo(f"{counts['create']} datasets {verb} created, {counts['update']} updated, "
                   f"{counts['error']} rows with errors" + (" (dry run: nothing written)"
                                                           if dry_run else ""))
    if any(r["action"] == "error" for r in results):
        raise SystemExit(1)


@click.command()
@click.option("--org", default=None, help="Only this organization.")
@click.option("--output", required=True, type=click.Path(dir_okay=False),
              help="The .xlsx file to write.")
def export(org: str | None, output: str):
    """Export datasets to the Template 2/3 workbook layout (.xlsx)."""
    with action_errors(org):
        datasets = workbooks.export_datasets(site_context(), org,
                                             progress=progress_bar("Reading"))
    rows = write_workbook(datasets, output)
    click.echo(f"{rows} datasets written to {output}")


@click.command()
@click.option("--org", default=None, help="Only this organization.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table")
@click.option("--lang", type=click.Choice(["th", "en"]), default="th")
def validate(org: str | None, fmt: str, lang: str):
    """List every dataset that does not satisfy the DGA schema (changes nothing)."""
    with action_errors(org):
        found = workbooks.validate_catalog(site_context(), org, lang,
                                           progress=progress_bar("Checking"))
    if fmt == "json":
        click.echo(json.dumps(found, ensure_ascii=False, indent=2))
        return
    rows = [{"organization": d["organization"], "name": d["name"], "field": p["field"],
             "code": p["code"], "message": p["message"]} for d in found for p in d["problems"]]
    if fmt == "csv":
        echo_csv(rows, ["organization", "name", "field", "code", "message"])
        return
    for row in rows:
        click.echo(f"{row['organization']}/{row['name']} [{row['field']}] {row['message']}")
    click.echo(f"{len(found)} datasets do not satisfy the schema")
