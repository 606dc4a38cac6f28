"""Scoring organizations from live catalog content: the set-based read
(``reader``), the assessors' records of the year (full view) and the site's
rules, handed to the pure scoring core."""
from __future__ import annotations

from typing import Any

from ckanext.opdc_kpi import scoring
from ckanext.opdc_kpi.logic import site
from ckanext.opdc_kpi.logic.score import reader
from ckanext.opdc_kpi.model import confirmation


def _inputs(orgs: list[dict[str, Any]], fiscal_year: int, public_only: bool,
            records: dict[str, list[dict[str, Any]]] | None):
    """What scoring these organizations needs: their datasets, the
    assessors' records (full view; read when not given) and the settings."""
    if not public_only and records is None:
        records = confirmation.records([org["id"] for org in orgs], fiscal_year)
    scoring_rules = site.from_config()
    # only the basket counts unless openness averages over the whole catalog
    basket_year = fiscal_year if scoring_rules.openness_scope == "basket" else None
    by_org = reader.datasets([org["id"] for org in orgs], basket_year=basket_year)
    settings = dict(
        fiscal_year=fiscal_year,
        today=site.today(),
        rules=scoring_rules,
        catalog_url=site.fallback_catalog_url(),
        lang=site.request_language(),
        public_only=public_only,
    )
    triples = [(org, by_org.get(org["id"], []),
                None if public_only else (records or {}).get(org["id"], []))
               for org in orgs]
    return triples, settings


def score_organizations(
    orgs: list[dict[str, Any]], *, fiscal_year: int, public_only: bool,
    records: dict[str, list[dict[str, Any]]] | None = None,
) -> list[dict[str, Any]]:
    """Score these organizations (``reader.organizations`` dicts) in one pass.

    The full view applies the assessors' confirmations and overrides of the
    year (``records``: ``{organization id: [record]}``, read from the
    database when not given); the public view ignores them.
    """
    with reader.paused_gc():
        triples, settings = _inputs(orgs, fiscal_year, public_only, records)
        return [scoring.score_organization(org, datasets, assessments=assessments, **settings)
                for org, datasets, assessments in triples]


def score_rows(orgs: list[dict[str, Any]], *, fiscal_year: int,
               public_only: bool) -> list[dict[str, Any]]:
    """The ``opdc_kpi_score_list`` row of each organization: the same
    figures as ``score_organizations`` without building the full reports."""
    with reader.paused_gc():
        triples, settings = _inputs(orgs, fiscal_year, public_only, None)
        return scoring.score_rows(triples, **settings)
