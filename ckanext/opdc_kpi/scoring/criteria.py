"""The parts of the KPI ladder for one dataset or organization, and the
openness of one public-category dataset (kpi-rules.md). Pure: the inputs are
``package_show``-like dicts, the ``Rules`` and the language of the reasons."""
from __future__ import annotations

from typing import Any

from ckanext.opdc_kpi.scoring.choices import FOCUS_AREA_CODES, PUBLIC_CATEGORY
from ckanext.opdc_kpi.scoring.fiscal import parse_kpi_years
from ckanext.opdc_kpi.scoring.formats import (  # noqa: F401 (re-exported)
    DEFAULT_FORMAT_MAP, format_tier, normalize_format, parse_format_map)
from ckanext.opdc_kpi.scoring.messages import message
from ckanext.opdc_kpi.scoring.model import Criterion, Openness, Reason, Rules
from ckanext.opdc_kpi.scoring.standard import mandatory_problems
from ckanext.opdc_kpi.scoring.text import as_list, is_blank, is_http_url, normalize_text

#: update units "monthly or finer" (granularity tier 2)
FINE_UPDATE_UNITS = frozenset({"เดือน", "สัปดาห์", "วัน", "วันทำการ", "ชั่วโมง", "นาที",
                               "ตามเวลาจริง"})
#: geographic coverage "district or finer" (granularity tier 2)
FINE_GEO_COVERAGE = frozenset({"อำเภอ", "ตำบล", "หมู่บ้าน", "เทศบาล/อบต.", "พิกัด"})
REAL_TIME = "ตามเวลาจริง"

_TRUE = frozenset({"true", "1", "yes", "on", "t", "y"})


def reason(code: str, lang: str, **params: Any) -> Reason:
    """The reason ``code`` with its message in ``lang`` ("" for no message:
    the figures-only computation of a list skips the formatting)."""
    if not lang:
        return Reason(code, "")
    return Reason(code, message(code, lang, **params))


# --- reading a dataset ----------------------------------------------------

def truthy(value: Any) -> bool:
    """True, or a string such as "True"/"true"/"1" (as CKAN's asbool)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value == 1
    return isinstance(value, str) and normalize_text(value).lower() in _TRUE


def text_of(value: Any) -> str:
    """A scalar as normalised text; "" for blank or non-scalar values."""
    if isinstance(value, (dict, list, tuple, set, frozenset)) or value is None:
        return ""
    return normalize_text(value)


def is_private(pkg: dict) -> bool:
    return truthy(pkg.get("private"))


def is_active(pkg: dict) -> bool:
    """``state`` active (an absent state counts as active; drafts and deleted don't)."""
    state = pkg.get("state")
    return state is None or text_of(state) in ("", "active")


def is_public_category(pkg: dict) -> bool:
    return text_of(pkg.get("data_category")) == PUBLIC_CATEGORY


def resources(pkg: dict) -> list[dict]:
    value = pkg.get("resources")
    if not isinstance(value, (list, tuple)):
        return []
    return [r for r in value if isinstance(r, dict)]


def has_url(resource: dict) -> bool:
    url = resource.get("url")
    return isinstance(url, str) and not is_blank(url)


def is_published(pkg: dict) -> bool:
    """Not private, and at least one resource with a non-blank URL (no network check)."""
    return not is_private(pkg) and any(has_url(r) for r in resources(pkg))


def is_queryable(resource: dict) -> bool:
    """Queryable by API with conditions: in the DataStore, or an ``API`` resource."""
    return truthy(resource.get("datastore_active")) or (
        has_url(resource) and normalize_format(resource.get("format")) == "API")


def focus_area_of(pkg: dict) -> str:
    """The dataset's focus area code ("" when none): the ``focus_area`` field,
    else a vocabulary tag named like a focus area code."""
    value = text_of(pkg.get("focus_area")).lower()
    if value:
        return value
    tags = pkg.get("tags")
    if isinstance(tags, (list, tuple)):
        for tag in tags:
            if isinstance(tag, dict) and not is_blank(tag.get("vocabulary_id")):
                name = text_of(tag.get("name")).lower()
                if name in FOCUS_AREA_CODES:
                    return name
    return ""


def kpi_years_of(pkg: dict) -> list[int]:
    """The dataset's KPI years, leniently (ints, strings, lists, JSON)."""
    return parse_kpi_years(pkg.get("kpi_years"), today=None)[0]


def in_basket(pkg: dict, focus_areas: list[str], year: int) -> bool:
    """In the ``year`` basket: the year is among its KPI years and its focus
    area is one the organization declared (the score also needs it active)."""
    return year in kpi_years_of(pkg) and focus_area_of(pkg) in focus_areas


def declared_focus_areas(organization: dict) -> list[str]:
    """The organization's valid focus area codes, in the seed's order."""
    given = {v.lower() for v in as_list(organization.get("focus_areas"))}
    return [code for code in FOCUS_AREA_CODES if code in given]


# --- basic, metadata, catalog, use ----------------------------------------

def has_mission_work_process(pkg: dict) -> bool:
    """Non-blank ``mission`` and ``work_process`` (``sub_process`` optional)."""
    return bool(text_of(pkg.get("mission"))) and bool(text_of(pkg.get("work_process")))


def is_complete(pkg: dict) -> bool:
    """All 14 DGA items given and valid."""
    return not mandatory_problems(pkg)


def catalog_url(organization_value: Any, fallback: Any) -> tuple[str | None, bool]:
    """The catalog URL that decides (the first non-blank of the organization's
    own and the fallback) and whether it is an absolute http(s) URL."""
    for value in (organization_value, fallback):
        if is_blank(value):
            continue
        if isinstance(value, str):
            url = normalize_text(value)
            return url, is_http_url(url)
        return str(value), False
    return None, False


def has_use_evidence(pkg: dict) -> bool:
    """Public-category, not private, an http(s) ``use_case_url`` and a
    non-blank ``use_case_description``."""
    return (is_public_category(pkg) and not is_private(pkg)
            and is_http_url(pkg.get("use_case_url"))
            and bool(text_of(pkg.get("use_case_description"))))


# --- openness ---------------------------------------------------------------

def is_structured(pkg: dict, rules: Rules) -> bool:
    """Some resource's format is tier 2 or 3 in the format map."""
    return any(format_tier(r.get("format"), rules.format_map) >= 2 for r in resources(pkg))


def access_criterion(pkg: dict, lang: str, published: bool | None = None) -> Criterion:
    """1: a resource with a URL; 2: and declared single source of truth;
    3: and queryable by API (DataStore or an API resource). ``published``:
    ``is_published(pkg)`` when the caller knows it."""
    if not (is_published(pkg) if published is None else published):
        return Criterion(0, _unpublished(pkg, lang))
    if not truthy(pkg.get("single_source_of_truth")):
        return Criterion(1, reason("access_file", lang))
    if not any(is_queryable(r) for r in resources(pkg)):
        return Criterion(2, reason("access_single_source", lang))
    return Criterion(3, reason("access_api", lang))


def granularity_criterion(pkg: dict, lang: str, published: bool | None = None) -> Criterion:
    """1: published; 2: monthly or finer, or district or finer; 3: and
    updated automatically (real time, or a DataStore/API resource)."""
    if not (is_published(pkg) if published is None else published):
        return Criterion(0, _unpublished(pkg, lang))
    unit = text_of(pkg.get("update_frequency_unit"))
    geo = text_of(pkg.get("geo_coverage"))
    params = {"unit": unit or "-", "geo": geo or "-"}
    if unit not in FINE_UPDATE_UNITS and geo not in FINE_GEO_COVERAGE:
        return Criterion(1, reason("granularity_published", lang, **params))
    if unit == REAL_TIME or any(is_queryable(r) for r in resources(pkg)):
        return Criterion(3, reason("granularity_automatic", lang, **params))
    return Criterion(2, reason("granularity_detailed", lang, **params))


_FORMAT_REASONS = {3: "format_open", 2: "format_machine_readable", 1: "format_document"}


def format_criterion(pkg: dict, rules: Rules, lang: str,
                     published: bool | None = None) -> Criterion:
    """The best format tier among the resources with a URL."""
    if not (is_published(pkg) if published is None else published):
        return Criterion(0, _unpublished(pkg, lang))
    tiers: dict[str, int] = {}
    for resource in resources(pkg):
        if has_url(resource):
            name = normalize_format(resource.get("format"))
            tiers[name] = format_tier(name, rules.format_map)
    best = max(tiers.values(), default=0)
    if best == 0:
        return Criterion(0, reason("format_unknown", lang))
    formats = ", ".join(sorted(name for name, tier in tiers.items() if tier == best))
    return Criterion(best, reason(_FORMAT_REASONS[best], lang, formats=formats))


def _unpublished(pkg: dict, lang: str) -> Reason:
    if is_private(pkg):
        return reason("not_published_private", lang)
    return reason("not_published_no_url", lang)


def dataset_openness(pkg: dict, rules: Rules, lang: str = "th") -> Openness:
    """The openness tier of one public-category dataset, with every criterion."""
    structured = is_structured(pkg, rules)
    published = is_published(pkg)
    access = access_criterion(pkg, lang, published)
    if not structured:
        if not published:
            tier, why = 0, access.reason
        elif any(has_url(r) and format_tier(r.get("format"), rules.format_map) == 1
                 for r in resources(pkg)):
            # searchable text is the gate: it holds for every tier-1 format
            # (an assessor's "scanned image" override is applied outside)
            tier, why = access.tier, reason("tier_unstructured", lang, tier=access.tier)
        else:
            tier, why = 0, reason("tier_no_known_format", lang)
        return Openness(tier, published, False, access, None, None, why)
    granularity = granularity_criterion(pkg, lang, published)
    fmt = format_criterion(pkg, rules, lang, published)
    pick = min if rules.structured_tier == "min" else max
    tier = pick(access.tier, granularity.tier, fmt.tier) if published else 0
    why = (reason("tier_structured", lang, rule=rules.structured_tier, access=access.tier,
                  granularity=granularity.tier, format=fmt.tier, tier=tier)
           if published else access.reason)
    return Openness(tier, published, True, access, granularity, fmt, why)

