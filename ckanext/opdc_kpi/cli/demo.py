"""``ckan -c <ini> opdc-kpi demo``: the demo content."""
from __future__ import annotations

import click

from ckanext.opdc_kpi.cli.base import action_errors
from ckanext.opdc_kpi.demo import loader


@click.command()
def demo():
    """Load the demo content (idempotent): OPDC's worked example and two
    agencies whose open data reach the advanced level."""
    with action_errors():
        created = loader.load(echo=lambda line: click.echo(f"  created {line}"))
    click.secho(
        f"Demo content: {created['organizations']} organizations and "
        f"{created['datasets']} datasets created (existing ones left as they are).",
        fg="green",
    )
