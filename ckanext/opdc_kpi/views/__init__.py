"""Flask blueprints of the extension's pages. Every module listed in
``_VIEW_MODULES`` has ``get_blueprints()``; the plugin registers them all."""
from __future__ import annotations

import importlib
from typing import Any

_VIEW_MODULES: tuple[str, ...] = (
    "ckanext.opdc_kpi.views.harvest",
    "ckanext.opdc_kpi.views.excel",
    "ckanext.opdc_kpi.views.kpi",
    "ckanext.opdc_kpi.views.assessors",
    "ckanext.opdc_kpi.views.assessment",
)


def get_blueprints() -> list[Any]:
    blueprints: list[Any] = []
    for name in _VIEW_MODULES:
        blueprints.extend(importlib.import_module(name).get_blueprints())
    return blueprints
