"""``ckan -c <ini> opdc-kpi ...``: the extension's commands (they call actions)."""
from __future__ import annotations

import click

import ckan.plugins.toolkit as tk


@click.group(name="opdc-kpi", short_help="OPDC Data Catalog KPI")
def opdc_kpi():
    """OPDC Data Catalog KPI: demo content, scores, checks."""


@opdc_kpi.command()
def demo():
    """Load the demo content (idempotent): OPDC's worked example and two
    agencies whose open data reach the advanced level."""
    from ckanext.opdc_kpi.demo import loader

    try:
        created = loader.load(echo=lambda line: click.echo(f"  created {line}"))
    except tk.ValidationError as error:
        tk.error_shout(error.error_summary)
        raise click.Abort()
    click.secho(
        f"Demo content: {created['organizations']} organizations and "
        f"{created['datasets']} datasets created (existing ones left as they are).",
        fg="green",
    )


def get_commands():
    return [opdc_kpi]
