"""Flask blueprints of the extension's pages, one module per page group;
the plugin registers them all."""
from __future__ import annotations

from typing import Any

from ckanext.opdc_kpi.views import (
    assessment,
    assessors,
    core_params,
    dcat,
    harvest,
    kpi,
    search,
    workbooks,
)


def get_blueprints() -> list[Any]:
    blueprints: list[Any] = []
    for module in (harvest, workbooks, kpi, assessors, assessment, search, dcat,
                   core_params):
        blueprints.extend(module.get_blueprints())
    return blueprints
