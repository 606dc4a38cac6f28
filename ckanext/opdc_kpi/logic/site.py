"""This site's settings, read at call time: today and the fiscal year
(Asia/Bangkok), the scoring rules from their declared config keys, the
fallback catalog URL, the request's language with its messages, and the
site user's action context."""
from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import ckan.plugins.toolkit as tk

from ckanext.opdc_kpi import scoring
from ckanext.opdc_kpi.scoring import messages

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
    """"th" or "en": the page's language, else the site default (no
    request: CLI, background job, tests)."""
    try:
        lang = tk.h.lang()
    except Exception:  # noqa: BLE001 - outside a request helpers may raise anything
        lang = None
    lang = lang or tk.config.get("ckan.locale_default") or "th"
    return "th" if str(lang).lower().startswith("th") else "en"


def site_user_context(ignore_auth: bool = False) -> dict[str, Any]:
    """An action context for the site user (commands, demo loading, jobs);
    checked like any caller unless ``ignore_auth``."""
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": site_user["name"], "ignore_auth": ignore_auth}


def msg(code: str, **params: Any) -> str:
    """The message for a problem code, in the request's language."""
    return messages.message(code, request_language(), **params)
