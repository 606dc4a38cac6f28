"""``ckan -c <ini> opdc-kpi figures verify|rebuild``: the stored KPI figures
checked against a full live recompute, or recomputed. They work on the
whole catalog with a progress bar, so they call ``logic.score`` directly
(an action cannot report progress); both are read-only for the catalog."""
from __future__ import annotations

import click

from ckanext.opdc_kpi.cli.base import progress_bar
from ckanext.opdc_kpi.logic import score


@click.group()
def figures():
    """Stored KPI figures (what opdc_kpi_score_list and the admin page read)."""


@figures.command()
def verify():
    """Compare the stored figures with a full live recompute; list every
    difference and exit 1 on any."""
    differences = score.verify_figures(progress_bar("Verifying"))
    for difference in differences:
        view = {None: "-", False: "full", True: "public"}[difference["public_only"]]
        click.echo(f"{difference['organization']}\t{difference['fiscal_year']}\t{view}\t"
                   f"{difference['problem']}")
    if differences:
        click.secho(f"{len(differences)} differences", fg="red", err=True)
        raise click.exceptions.Exit(1)
    click.secho("The stored figures match a live recompute", fg="green", err=True)


@figures.command()
@click.option("--workers", "-w", type=click.IntRange(1, 64), default=None,
              help="Processes recomputing chunks side by side (default: one per CPU, "
                   "at most 4).")
def rebuild(workers: int | None):
    """Recompute every organization's figures (in chunks: the old ones stay
    readable until each chunk is written)."""
    count = score.rebuild_figures(progress_bar("Rebuilding"),
                                  workers=workers or score.rebuild_workers_default())
    click.secho(f"Figures of {count} organizations recomputed", fg="green", err=True)
