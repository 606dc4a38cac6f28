"""The scoring rules and dates as this site configures them, read at call time."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import ckan.plugins.toolkit as tk

from ckanext.opdc_kpi import scoring

BANGKOK = ZoneInfo("Asia/Bangkok")


def today() -> dt.date:
    """Today in Asia/Bangkok: Thai fiscal years turn at midnight there."""
    return dt.datetime.now(BANGKOK).date()


def current_fiscal_year() -> int:
    return scoring.fiscal_year_of(today())


def from_config() -> "scoring.Rules":
    """Every [interpretation] of the KPI rules, from its declared config key."""
    config = tk.config
    format_map = config.get("ckanext.opdc_kpi.format_map")
    return scoring.Rules(
        report_parts_when_basic_fails=tk.asbool(
            config.get("ckanext.opdc_kpi.report_parts_when_basic_fails")),
        format_map=scoring.parse_format_map(format_map) if format_map else scoring.DEFAULT_FORMAT_MAP,
        structured_tier=config.get("ckanext.opdc_kpi.structured_tier"),
        openness_scope=config.get("ckanext.opdc_kpi.openness_scope"),
    )


def fallback_catalog_url() -> str:
    """Used when an organization has no catalog_url of its own."""
    return (tk.config.get("ckanext.opdc_kpi.catalog_url") or "").strip() or (
        tk.config.get("ckan.site_url") or "").strip()


def request_language() -> str:
    """"th" or "en": the page's language, else the site default."""
    try:
        lang = tk.h.lang()
    except (RuntimeError, AttributeError, TypeError):
        lang = None
    lang = lang or tk.config.get("ckan.locale_default") or "th"
    return "th" if str(lang).startswith("th") else "en"
