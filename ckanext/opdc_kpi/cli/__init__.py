"""``ckan -c <ini> opdc-kpi ...``: the extension's commands, one module per
group (they call actions; ``base`` holds what they share)."""
from __future__ import annotations

import click

from ckanext.opdc_kpi.cli import demo, figures, harvest, score, solr, workbooks


@click.group(name="opdc-kpi", short_help="OPDC Data Catalog KPI")
def opdc_kpi():
    """OPDC Data Catalog KPI: demo content, scores, checks."""


for _command in (demo.demo, score.score, score.freeze, figures.figures, harvest.harvest_check,
                 workbooks.import_, workbooks.export, workbooks.validate,
                 solr.solr_schema):
    opdc_kpi.add_command(_command)


def get_commands():
    return [opdc_kpi]
