"""Every action, auth function and validator the plugin registers, from the
capability packages."""
from __future__ import annotations

from typing import Any, Callable

from ckanext.opdc_kpi.dcat import endpoints as dcat_endpoints
from ckanext.opdc_kpi.logic import assessment, dataset, harvest, score, workbooks

_ACTIONS = (score, assessment, harvest, dataset, dcat_endpoints)
_AUTH = (score, assessment, harvest, workbooks, dataset)


def get_actions() -> dict[str, Callable[..., Any]]:
    return {name: f for package in _ACTIONS for name, f in package.get_actions().items()}


def get_auth_functions() -> dict[str, Callable[..., Any]]:
    return {name: f for package in _AUTH for name, f in package.get_auth_functions().items()}


def get_validators() -> dict[str, Callable[..., Any]]:
    return dataset.get_validators()
