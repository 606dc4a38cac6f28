"""CKAN-facing logic: actions, auth, schemas and the DGA validators.

Every module that offers actions has ``get_actions()`` (and
``get_auth_functions()``); list it in ``_ACTION_MODULES`` and the plugin
registers them.
"""
from __future__ import annotations

import importlib
from typing import Any, Callable

_ACTION_MODULES = (
    "ckanext.opdc_kpi.logic.action",
    "ckanext.opdc_kpi.logic.harvest",
    "ckanext.opdc_kpi.logic.snapshot",
    "ckanext.opdc_kpi.logic.assessor",
    "ckanext.opdc_kpi.logic.confirmation",
)
_AUTH_MODULES = (
    "ckanext.opdc_kpi.logic.auth",
    "ckanext.opdc_kpi.logic.harvest_auth",
    "ckanext.opdc_kpi.logic.excel_auth",
    "ckanext.opdc_kpi.logic.snapshot",
    "ckanext.opdc_kpi.logic.assessor",
    "ckanext.opdc_kpi.logic.confirmation",
)


def _collect(modules: tuple[str, ...], getter: str) -> dict[str, Callable[..., Any]]:
    out: dict[str, Callable[..., Any]] = {}
    for name in modules:
        out.update(getattr(importlib.import_module(name), getter)())
    return out


def get_actions() -> dict[str, Callable[..., Any]]:
    return _collect(_ACTION_MODULES, "get_actions")


def get_auth_functions() -> dict[str, Callable[..., Any]]:
    return _collect(_AUTH_MODULES, "get_auth_functions")
