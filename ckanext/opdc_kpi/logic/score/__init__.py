"""The KPI score: organizations and their datasets read in bulk from the
database (``reader``), scored by the pure core with the site's rules and the
assessors' records (``engine``), and the actions ``opdc_kpi_score`` and
``opdc_kpi_score_list`` with their auth; the stored figures the list reads,
kept current on every change (``figures``, ``tracking``). What other packages may use is
named here."""
from __future__ import annotations

from ckanext.opdc_kpi.logic.score.action import get_actions
from ckanext.opdc_kpi.logic.score.auth import get_auth_functions
from ckanext.opdc_kpi.logic.score.engine import score_organizations, score_rows
from ckanext.opdc_kpi.logic.score.figures import basket_years as stored_basket_years
from ckanext.opdc_kpi.logic.score.figures import rebuild as rebuild_figures
from ckanext.opdc_kpi.logic.score.figures import workers_default as rebuild_workers_default
from ckanext.opdc_kpi.logic.score.figures import verify as verify_figures
from ckanext.opdc_kpi.logic.score.reader import (
    basket_years,
    datasets,
    extras_of,
    organization,
    organizations,
    paused_gc,
)
from ckanext.opdc_kpi.logic.score.tracking import deferred as deferred_figures
from ckanext.opdc_kpi.logic.score.tracking import install as track_figures
from ckanext.opdc_kpi.logic.score.tracking import touch as touch_figures

__all__ = [
    "basket_years", "datasets", "deferred_figures", "extras_of", "get_actions", "get_auth_functions",
    "organization", "organizations", "paused_gc", "rebuild_figures", "rebuild_workers_default",
    "score_organizations", "score_rows", "stored_basket_years", "touch_figures", "track_figures", "verify_figures",
]
