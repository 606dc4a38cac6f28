"""CKAN core pages that answer 500 to parameters any caller can send get a
4xx page instead, checked before CKAN's view runs (CKAN is not edited).

Each check names the CKAN view it guards, by the view function's module and
name (so every blueprint of a dataset or group type is covered):

- ``/api[/<ver>]/util/<...>/autocomplete``: ``limit`` is a whole number from
  0 to ``MAX_AUTOCOMPLETE_LIMIT`` (CKAN passes it on unchecked: ``limit=x``
  raised ValidationError, ``limit=-1`` a database error).
- ``/dataset/new``: the query string CKAN fills the form from unflattens
  (``groups__0=x`` raised IndexError) and its list fields are lists of
  dicts (``tags=x``: AttributeError; CKAN's pages link ``group=`` or
  ``groups__0__id=``).
- ``/dataset|group|organization/changes_multiple``: ``new_id`` and
  ``old_id`` (and ``current_new_id`` when CKAN reads it) are activities the
  caller may see, of the page's kind of object, one object's: CKAN called
  ``activity_show``/``activity_diff`` with whatever it got and let their
  errors through.
- the resource edit form ``/dataset/<id>/resource/<resource_id>/edit``:
  the resource is one of that dataset's that the caller may see, else 404
  (CKAN checked the right to edit the dataset of the URL, then let
  ``resource_show``'s NotAuthorized through for another dataset's resource,
  and showed another dataset's public resource in the form).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Callable, Optional

from flask import Blueprint, current_app

import ckan.plugins.toolkit as tk
from ckan.lib.navl.dictization_functions import DataError, unflatten
from ckan.logic import parse_params, tuplize_dict

from ckanext.opdc_kpi.views.common import context, error_page

MAX_AUTOCOMPLETE_LIMIT = 1000

bp = Blueprint("opdc_kpi_core_params", __name__)

Check = Callable[[], Optional[Any]]
_CHECKS: dict[tuple[str, str], Check] = {}


def _guards(module: str, *names: str):
    def register(check: Check) -> Check:
        for name in names:
            _CHECKS[(module, name)] = check
        return check
    return register


def _args(name: str) -> list[str]:
    return tk.request.args.getlist(name)


@_guards("ckan.views.api", "dataset_autocomplete", "tag_autocomplete",
         "format_autocomplete", "user_autocomplete", "group_autocomplete",
         "organization_autocomplete")
def _autocomplete_limit() -> Optional[Any]:
    values = _args("limit")
    if not values:
        return None
    value = values[-1] if len(values) == 1 else None
    if value is not None and value.isascii() and value.isdigit() and len(value) <= 6 \
            and int(value) <= MAX_AUTOCOMPLETE_LIMIT:
        return None
    return error_page(400, tk._("limit: a whole number from 0 to {maximum}").format(
        maximum=MAX_AUTOCOMPLETE_LIMIT))


#: the dataset form's fields that CKAN reads as lists of dicts
_LIST_FIELDS = ("groups", "tags", "resources", "extras")


@_guards("ckan.views.dataset", "new")
def _new_dataset_query() -> Optional[Any]:
    """CKAN fills the new dataset form from the query string, unflattened
    (``tags__0__name=x``): a key it cannot unflatten (``groups__0=x``,
    ``tags__x__name=y``) raised, a list field given as text (``tags=x``,
    ``groups=x``) was read as a list of dicts."""
    if tk.request.method != "GET" or not tk.request.args:
        return None
    try:
        data = unflatten(tuplize_dict(parse_params(tk.request.args)))
    except (DataError, IndexError, KeyError, TypeError, ValueError, AttributeError):
        return error_page(400, tk._(
            "The form's parameters in the address are not valid (list fields are "
            "given as name__0__key=value)"))
    for field in _LIST_FIELDS:
        value = data.get(field)
        if field in data and not (isinstance(value, list)
                                  and all(isinstance(item, dict) for item in value)):
            return error_page(400, tk._(
                "{field}: a list given as {field}__0__name=value").format(field=field))
    return None


def _activity(activity_id: str) -> dict[str, Any]:
    return tk.get_action("activity_show")(
        {**context(), "auth_user_obj": tk.current_user},
        {"id": activity_id, "include_data": False})


_OBJECT_KINDS = {"package_changes_multiple": ("package",),
                 "group_changes_multiple": ("group", "organization")}


@_guards("ckanext.activity.views", "package_changes_multiple", "group_changes_multiple")
def _changes_multiple() -> Optional[Any]:
    kinds = _OBJECT_KINDS[_view_key()[1]]
    names = ["new_id", "old_id"]
    for name in names:
        if len(_args(name)) != 1 or not _args(name)[0].strip():
            return error_page(400, tk._("{name}: one activity id is required").format(name=name))
    try:
        new, old = _activity(_args("new_id")[0]), _activity(_args("old_id")[0])
        activities = [new, old]
        if old["timestamp"] >= new["timestamp"]:
            # CKAN then shows the change of current_new_id alone
            if len(_args("current_new_id")) != 1:
                return error_page(400, tk._(
                    "current_new_id: one activity id is required when old_id is not "
                    "older than new_id"))
            activities.append(_activity(_args("current_new_id")[0]))
    except (tk.ObjectNotFound, tk.ValidationError):
        return error_page(404, tk._("Activity not found"))
    except tk.NotAuthorized:
        return error_page(403, tk._("Unauthorized to view activity data"))
    if any(not str(a.get("activity_type", "")).endswith(kinds) for a in activities) \
            or len({a.get("object_id") for a in activities}) != 1:
        return error_page(400, tk._("The activities are not changes of one dataset")
                          if kinds == ("package",) else
                          tk._("The activities are not changes of one group or organization"))
    # CKAN's view parses the timestamps
    for activity in activities:
        try:
            datetime.strptime(activity["timestamp"], "%Y-%m-%dT%H:%M:%S.%f")
        except (TypeError, ValueError):
            return error_page(404, tk._("Activity not found"))
    return None


@_guards("ckan.views.resource", "edit")
def _resource_of_the_dataset() -> Optional[Any]:
    view_args = tk.request.view_args or {}
    dataset, resource_id = view_args.get("id"), view_args.get("resource_id")
    if not dataset or not resource_id:
        return None
    try:
        tk.check_access("package_update", context(), {"id": dataset})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return None   # CKAN's own answer (403 or 404)
    try:
        resource = tk.get_action("resource_show")(context(), {"id": resource_id})
        package = tk.get_action("package_show")(context(), {"id": dataset})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        resource, package = None, None
    if resource is None or resource.get("package_id") != package.get("id"):
        return error_page(404, tk._("Resource not found"))
    return None


def _view_key() -> tuple[str, str]:
    view = current_app.view_functions.get(tk.request.endpoint or "")
    return getattr(view, "__module__", ""), getattr(view, "__name__", "")


@bp.before_app_request
def _check_core_params() -> Optional[Any]:
    check = _CHECKS.get(_view_key())
    return check() if check is not None else None


def get_blueprints() -> list[Any]:
    return [bp]
