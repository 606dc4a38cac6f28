"""Assessment records: the assessors sysadmins name (``assessors``), their
confirmations and overrides of single criteria (``confirmations``) and the
frozen results of a year (``snapshots``). What other packages may use is
named here."""
from __future__ import annotations

from typing import Any

from ckanext.opdc_kpi.logic.assessment import assessors, confirmations, snapshots
from ckanext.opdc_kpi.logic.assessment.confirmations import may_assess

_MODULES = (assessors, confirmations, snapshots)


def get_actions() -> dict[str, Any]:
    return {name: f for module in _MODULES for name, f in module.get_actions().items()}


def get_auth_functions() -> dict[str, Any]:
    return {name: f for module in _MODULES
            for name, f in module.get_auth_functions().items()}


__all__ = ["get_actions", "get_auth_functions", "may_assess"]
