"""``ckan -c <ini> opdc-kpi harvest-check``: what the national GD Catalog
harvester would see and reject (calls ``opdc_kpi_harvest_check``)."""
from __future__ import annotations

import json
from typing import Any, Iterator

import click

import ckan.plugins.toolkit as tk

from ckanext.opdc_kpi.cli.base import action_errors, echo_csv, site_context

COLUMNS = ("kind", "name", "title", "field", "code", "message")


def rows(result: dict[str, Any], lang: str | None) -> Iterator[dict[str, Any]]:
    """One row per reported issue: paging first, then the datasets."""
    def text(issue: dict[str, Any]) -> str:
        return issue["messages"].get(lang) if lang else issue["message"]

    for part in ("paging", "incremental"):
        for issue in (result.get(part) or {}).get("issues", []):
            yield {"kind": part, "name": "", "title": "", "field": issue["field"],
                   "code": issue["code"], "message": text(issue)}
    for kind in ("problems", "hidden", "gone"):
        for dataset in result.get(kind, []):
            for issue in dataset.get("issues", []):
                yield {"kind": kind, "name": dataset.get("name") or dataset["id"],
                       "title": dataset.get("title") or "", "field": issue["field"],
                       "code": issue["code"], "message": text(issue)}
    for dataset in result.get("copies", []):
        yield {"kind": "copies", "name": dataset.get("name"), "title": dataset.get("title") or "",
               "field": "reference_url_catalog", "code": "harvest_copy",
               "message": dataset.get("url")}


def summary(result: dict[str, Any]) -> str:
    org = result.get("organization")
    scope = org["name"] if org else "whole catalog"
    viewer = result.get("viewer") or "anonymous"
    inc = result.get("incremental") or {}
    lines = [
        f"Harvest check of {scope} as {viewer} at {result['checked_at']} UTC",
        f"  seen {result['seen']} of {result['expected']} visible dataset(s); "
        f"paging {'OK' if result['paging_ok'] else 'BROKEN'} "
        f"({result['paging']['requests']} request(s), stopped: {result['paging']['stopped']})",
    ]
    if inc.get("since"):
        lines.append(f"  incremental window since {inc['since']} ({inc['since_from']}): "
                     f"{inc['received']} of {inc['expected']} received")
    lines.append(
        f"  {len(result['problems'])} dataset(s) with problems, {len(result['hidden'])} hidden, "
        f"{len(result['no_consent'])} public without consent, {len(result['copies'])} copies, "
        f"{len(result['gone'])} gone since {result.get('previous_check') or 'no earlier check'}"
        + (f", {result['withheld']} not shown (you may not read them)"
           if result.get("withheld") else ""))
    return "\n".join(lines)


def table(found: list[dict[str, Any]]) -> str:
    if not found:
        return ""
    shown = ("kind", "name", "field", "message")
    widths = {c: min(40, max([len(c)] + [len(str(r[c])) for r in found])) for c in shown[:-1]}
    lines = ["  ".join(c.ljust(widths.get(c, 0)) for c in shown)]
    for row in found:
        lines.append("  ".join(str(row[c]).ljust(widths.get(c, 0)) for c in shown))
    return "\n".join(lines)


@click.command("harvest-check")
@click.option("--org", "org", default=None, help="Organization name or id (default: all).")
@click.option("--as-user", "as_user", default=None,
              help="Look as this user's API key would (private datasets it may read).")
@click.option("--since", default=None,
              help="Start of the incremental window (ISO date-time, UTC); default: the "
                   "last check's start minus one hour, as the harvester does.")
@click.option("--no-record", is_flag=True,
              help="Do not record this check (the next one compares with the last recorded).")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table")
@click.option("--lang", type=click.Choice(["th", "en"]), default=None,
              help="Language of the messages (default: the site's).")
@click.option("--strict", is_flag=True,
              help="Exit with status 1 when anything is reported.")
def harvest_check(org, as_user, since, no_record, fmt, lang, strict):
    """What the national GD Catalog harvester would see and reject."""
    data: dict[str, Any] = {"record": not no_record}
    for key, value in (("id", org), ("as_user", as_user), ("since", since)):
        if value:
            data[key] = value
    with action_errors(org):
        result = tk.get_action("opdc_kpi_harvest_check")(site_context(), data)
    found = list(rows(result, lang))
    if fmt == "json":
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
    elif fmt == "csv":
        echo_csv(found, COLUMNS)
    else:
        click.echo(summary(result))
        if found:
            click.echo("")
            click.echo(table(found))
    if strict and (found or not result["paging_ok"]):
        raise SystemExit(1)
