"""What an edit did not touch, so legacy values are kept rather than refused.

Agency catalogs hold datasets saved before this schema, or by the agency
extension with values it never checked. An edit of such a dataset (through
the form or ``package_patch``, which sends every stored field back) must not
fail on, or drop, what the user did not touch: a field whose submitted value
equals the stored one, on a dataset that was already active, is accepted as
it is and its old problems are not reported. A draft becoming active gets no
such allowance: the requirements apply when a dataset becomes active.

Used by the field validators (``validators.py``) and the schema-level check
(``dataset_checks.py``); both see the flattened navl data of one
``package_create``/``package_update``.
"""
from __future__ import annotations

import json
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.opdc_kpi.scoring import standard

_CACHE = "opdc_kpi_stored_package"


def is_draft(data: dict) -> bool:
    """The dataset being saved is (staying or becoming) a draft."""
    state = data.get(("state",))
    return isinstance(state, str) and state.startswith("draft")


def stored_package(data: dict, context: dict) -> dict | None:
    """The dataset as stored before this update, as ``package_show`` gives it.

    None on create, and outside dataset validation. Read once per
    validation (the context copy navl gives validators is shared by them).
    """
    if _CACHE in context:
        return context[_CACHE]
    stored = None
    pkg = context.get("package")
    pkg_id = getattr(pkg, "id", None)
    if pkg_id and data.get(("id",)) == pkg_id:
        original = context.get("original_package")
        if isinstance(original, dict) and original.get("id") == pkg_id:
            stored = original
        else:
            try:
                stored = tk.get_action("package_show")(
                    {"ignore_auth": True, "use_cache": False,
                     "session": context.get("session")},
                    {"id": pkg_id})
            except (tk.ObjectNotFound, tk.NotAuthorized):
                stored = None
    context[_CACHE] = stored
    return stored


def stored_active_package(data: dict, context: dict) -> dict | None:
    """The stored dataset when it was active: the only case with legacy allowance."""
    stored = stored_package(data, context)
    if stored and stored.get("state") == "active":
        return stored
    return None


def canonical(value: Any) -> tuple:
    """A comparable form: blank values alike, lists unordered, text normalised."""
    if value is None or value is tk.missing:
        return ()
    if isinstance(value, str) and value.strip().startswith("["):
        try:
            value = json.loads(value)
        except ValueError:
            pass
    if isinstance(value, dict):
        return (json.dumps(value, sort_keys=True, default=str),)
    items = value if isinstance(value, (list, tuple, set)) else [value]
    out = []
    for item in items:
        if isinstance(item, dict):
            item = json.dumps(item, sort_keys=True, default=str)
        text = standard.normalize_text(str(item)) if item is not None else ""
        if text:
            out.append(text)
    return tuple(sorted(out))


def stored_value(key: tuple, data: dict, stored: dict) -> Any:
    """The stored value of the field at ``key`` (dataset or resource field)."""
    if len(key) == 1:
        return stored.get(key[0])
    if len(key) == 3 and key[0] == "resources":
        res_id = data.get(("resources", key[1], "id"))
        if not res_id:
            return None
        for res in stored.get("resources") or []:
            if res.get("id") == res_id:
                return res.get(key[2])
        return None
    return None


def stored_raw(key: tuple, data: dict, context: dict) -> Any:
    """The stored value exactly as it is in the database (a string), or None.

    An untouched legacy value is saved back byte for byte, not in the form
    ``package_show`` gave it (e.g. a plain-text multiple choice stays text).
    """
    pkg = context.get("package")
    if pkg is None or data.get(("id",)) != getattr(pkg, "id", None):
        return None
    if len(key) == 1:
        owner = pkg
    elif len(key) == 3 and key[0] == "resources":
        res_id = data.get(("resources", key[1], "id"))
        owner = next((r for r in pkg.resources if r.id == res_id), None) if res_id else None
        if owner is None:
            return None
    else:
        return None
    name = key[-1]
    extras = getattr(owner, "extras", None) or {}
    if name in extras:
        value = extras[name]
    else:
        value = getattr(owner, name, None) if name in _COLUMNS else None
    return value if isinstance(value, str) else None


_COLUMNS = {"title", "name", "notes", "url", "maintainer", "maintainer_email", "license_id",
            "author", "author_email", "version", "description", "format"}


def untouched_legacy(key: tuple, data: dict, context: dict, value: Any) -> bool:
    """True when ``value`` is what an already-active dataset had stored.

    For a resource field, "stored" means the same resource (by id) had it.
    A new resource, a new dataset or a draft never qualifies.
    """
    stored = stored_active_package(data, context)
    if stored is None:
        return False
    if len(key) == 3 and key[0] == "resources" and not data.get(("resources", key[1], "id")):
        return False
    return canonical(value) == canonical(stored_value(key, data, stored))
