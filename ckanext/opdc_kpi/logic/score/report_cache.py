"""Full reports of ``opdc_kpi_score`` kept in the process while their
organization's stored figures are unchanged.

The stored figures (``figures``) are the organization's change stamp: every
committed change that can move its report (its datasets, resources, tags,
extras, the organization itself, assessors' records) marks its figures stale
inside the change's own transaction and rewrites them right after the
commit. So a report computed while the figures were current, keyed by the
figures' last write, is the live report until that write changes; when the
figures are stale, missing or of other settings, nothing is cached or
served. One small query per read decides; nothing here is shared between
processes (each uWSGI worker keeps its own few reports).

``ckanext.opdc_kpi.report_cache_size``: how many reports a process keeps
(default 16; 0 turns the cache off). Off as well when stored figures are off.
"""
from __future__ import annotations

import collections
import threading
from typing import Any, Callable, Hashable, Optional

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.opdc_kpi.logic.score import figures
from ckanext.opdc_kpi.model import figures as store

_LOCK = threading.Lock()
_REPORTS: "collections.OrderedDict[Hashable, tuple[Any, dict[str, Any]]]" = \
    collections.OrderedDict()


def size() -> int:
    if not figures.enabled():
        return 0
    return max(0, tk.asint(tk.config.get("ckanext.opdc_kpi.report_cache_size", 16)))


def stamp(org_id: str) -> Optional[tuple[Any, ...]]:
    """The organization's figures' last write, or None when they are not
    current (stale, missing, computed with other settings or rules)."""
    t = store.figures_table
    found = model.Session.execute(
        sa.select(sa.func.count(), sa.func.max(t.c.updated),
                  sa.func.bool_or(t.c.stale),
                  sa.func.bool_and(t.c.fingerprint == figures.fingerprint()))
        .where(t.c.organization_id == org_id)).one()
    count, updated, stale, same_rules = found
    if not count or stale or not same_rules:
        return None
    return (updated, count)


def report(org_id: str, key: tuple[Hashable, ...],
           compute: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """The report of ``key`` (which names the organization, year, view and
    language) from the cache when the organization's figures have not
    changed since it was computed, else ``compute()`` (kept when they were
    current before and after computing it). The caller gets its own copy
    of the top level; the rest is shared and must not be changed."""
    limit = size()
    if not limit:
        return compute()
    before = stamp(org_id)
    if before is not None:
        with _LOCK:
            found = _REPORTS.get(key)
            if found is not None and found[0] == before:
                _REPORTS.move_to_end(key)
                return dict(found[1])
    result = compute()
    if before is not None and stamp(org_id) == before:
        with _LOCK:
            _REPORTS[key] = (before, result)
            _REPORTS.move_to_end(key)
            while len(_REPORTS) > limit:
                _REPORTS.popitem(last=False)
    return dict(result)


def clear() -> None:
    with _LOCK:
        _REPORTS.clear()
