"""What the national GD Catalog harvester would reject in one dataset it
receives, or why it does not receive one (pure: standard library only).
``harvest`` pages the catalog and names these too."""
from __future__ import annotations

from typing import Any, Iterable, Mapping

from ckanext.opdc_kpi.scoring.choices import (
    ACCEPTED, MULTI_CHOICE_FIELDS, PUBLIC_CATEGORY)
from ckanext.opdc_kpi.scoring.model import Problem
from ckanext.opdc_kpi.scoring.standard import mandatory_problems
from ckanext.opdc_kpi.scoring.text import is_blank, is_http_url, normalize_text, shown

#: The choice fields of the 14 items, whose received value must be one of
#: the standard's values byte for byte (the national catalog compares bytes).
CANONICAL_FIELDS = (
    "data_type", "objective", "update_frequency_unit", "geo_coverage", "data_format",
    "data_category", "license_id", "allow_harvest",
)
#: The 14 items' fields (item 6 is the keywords) that a harvester reads at
#: the top level of the dataset dict.
TOP_LEVEL_FIELDS = (
    "data_type", "title", "owner_org", "maintainer", "maintainer_email", "notes",
    "objective", "update_frequency_unit", "update_frequency_interval", "geo_coverage",
    "data_source", "data_format", "data_category", "license_id", "allow_harvest",
)
CONSENT = "True"


# --- one received dataset -------------------------------------------------------

def _as_received(pkg: dict) -> dict:
    """The dict the national side validates: keywords from ``tags`` only
    (a harvester gets no ``tag_string``; vocabulary tags are not keywords)."""
    received = dict(pkg)
    received.pop("tag_string", None)
    if not isinstance(received.get("tags"), list):
        received["tags"] = []
    return received


def _extras_keys(pkg: dict) -> dict[str, Any]:
    extras = pkg.get("extras")
    out: dict[str, Any] = {}
    if isinstance(extras, list):
        for item in extras:
            if isinstance(item, dict) and isinstance(item.get("key"), str):
                out[item["key"]] = item.get("value")
    return out


def _canonical(field: str, value: Any) -> list[Problem]:
    """A given value must be the standard's value byte for byte; multiple
    choices a list (invalid values are ``mandatory_problems``' business)."""
    accepted = ACCEPTED.get(field, frozenset())
    if is_blank(value):
        return []
    if field in MULTI_CHOICE_FIELDS and not isinstance(value, list):
        return [Problem(field, "not_a_list", {"field": field})]
    values = value if isinstance(value, list) else [value]
    problems = []
    for item in values:
        if not isinstance(item, str):
            text = normalize_text(item)
            if text in accepted:
                problems.append(Problem(field, "harvest_not_canonical", {
                    "field": field, "value": shown(item), "canonical": text}))
            continue
        if item in accepted:
            continue
        text = normalize_text(item)
        if text in accepted:
            problems.append(Problem(field, "harvest_not_canonical", {
                "field": field, "value": repr(item)[1:-1], "canonical": text}))
    return problems


def _resources(pkg: dict) -> list[Problem]:
    resources = pkg.get("resources")
    if not isinstance(resources, list) or not [r for r in resources if isinstance(r, dict)]:
        return [Problem("resources", "harvest_no_resources", {})]
    problems = []
    for position, resource in enumerate((r for r in resources if isinstance(r, dict)), 1):
        name = shown(resource.get("name")) or str(position)
        url = resource.get("url")
        if is_blank(url):
            problems.append(Problem("resources", "harvest_resource_no_url", {
                "resource": position, "name": name}))
        elif not is_http_url(url):
            problems.append(Problem("resources", "harvest_resource_bad_url", {
                "resource": position, "name": name, "url": shown(url)}))
        if is_blank(resource.get("format")):
            problems.append(Problem("resources", "harvest_resource_no_format", {
                "resource": position, "name": name}))
    return problems


def is_private(pkg: dict) -> bool:
    value = pkg.get("private")
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def has_consent(pkg: dict) -> bool:
    """``allow_harvest`` is "True" (after normalising: canonical spelling is
    ``harvest_not_canonical``'s business)."""
    return normalize_text(pkg.get("allow_harvest")) == CONSENT


def is_copy(pkg: dict) -> bool:
    """A copy of another catalog's dataset (``reference_url_catalog`` set):
    the GD Catalog does not register it twice."""
    return not is_blank(pkg.get("reference_url_catalog"))


def _consent_and_category(pkg: dict) -> list[Problem]:
    problems = []
    private = is_private(pkg)
    if not private and not has_consent(pkg):
        problems.append(Problem("allow_harvest", "harvest_no_consent", {
            "field": "allow_harvest", "value": shown(pkg.get("allow_harvest"))}))
    if private and normalize_text(pkg.get("data_category")) == PUBLIC_CATEGORY:
        problems.append(Problem("private", "harvest_public_category_private", {
            "category": PUBLIC_CATEGORY}))
    return problems


def received_problems(pkg: dict) -> list[Problem]:
    """What the national side would reject or flag in a dataset as received.

    The 14 items at the top level with the standard's values (item 6 read
    from the free keywords in ``tags``, each a valid keyword); a field found
    only in ``extras``; every resource with an http(s) URL and a format;
    ``allow_harvest`` consent on a public dataset; a public-category
    dataset that is private. Never raises.
    """
    if not isinstance(pkg, dict):
        return [Problem("", "check_failed", {"error": type(pkg).__name__})]
    try:
        received = _as_received(pkg)
        problems = list(mandatory_problems(received))
        extras = _extras_keys(received)
        for name in TOP_LEVEL_FIELDS:
            if is_blank(received.get(name)) and not is_blank(extras.get(name)):
                problems = [p for p in problems if p.field != name]
                problems.append(Problem(name, "harvest_extras_only", {"field": name}))
        for name in CANONICAL_FIELDS:
            problems += _canonical(name, received.get(name))
        problems += _resources(received)
        problems += _consent_and_category(received)
        return _unique(problems)
    except Exception as error:  # noqa: BLE001 - a bug must not stop a whole check
        return [Problem("", "check_failed", {"error": type(error).__name__})]


def hidden_problems(pkg: dict) -> list[Problem]:
    """Why a dataset that the anonymous harvester does not receive is not
    received (a private one), and what else is wrong with that."""
    problems = []
    if is_private(pkg):
        code = "harvest_private_with_consent" if has_consent(pkg) else \
            "harvest_private_no_consent"
        problems.append(Problem("private", code, {}))
        if normalize_text(pkg.get("data_category")) == PUBLIC_CATEGORY:
            problems.append(Problem("private", "harvest_public_category_private", {
                "category": PUBLIC_CATEGORY}))
    return problems


def gone_reason(now: Mapping[str, Any] | None, scope_org: str | None = None) -> str:
    """Why a dataset the harvester received last time is not received now.

    ``now`` is the dataset's current row (``state``, ``private``,
    ``owner_org``) or None when it no longer exists. The national catalog
    keeps its copy: an incremental harvest never learns of it.
    """
    if not now:
        return "harvest_gone_purged"
    state = normalize_text(now.get("state"))
    if state == "deleted":
        return "harvest_gone_deleted"
    if state and state != "active":
        return "harvest_gone_draft"
    if is_private(now):
        return "harvest_gone_private"
    if scope_org and now.get("owner_org") != scope_org:
        return "harvest_gone_moved"
    return "harvest_gone_unseen"


def _unique(problems: Iterable[Problem]) -> list[Problem]:
    out: list[Problem] = []
    seen: set[Problem] = set()
    for problem in problems:
        if problem not in seen:
            seen.add(problem)
            out.append(problem)
    return out


def copy_problem(pkg: dict) -> Problem | None:
    """A copy of another catalog's dataset, with the original's URL."""
    if not is_copy(pkg):
        return None
    return Problem("reference_url_catalog", "harvest_copy", {
        "url": shown(pkg.get("reference_url_catalog"))})
